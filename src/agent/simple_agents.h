// agent/simple_agents.h — the agents that need no model: random, explorer (the default), human.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <tuple>

#include "agent/agent.h"

namespace crl::agent {

class RandomAgent final : public Agent {
  public:
    explicit RandomAgent(std::uint32_t seed = 1) : random_(seed) {}
    std::string name() const override { return "random"; }
    Decision decide(const Observation& observation) override;

  private:
    std::mt19937 random_;
};

// Novelty-seeking over (map, x, y): walks to the nearest place it has not been, learns which
// moves are blocked, talks through text boxes, presses on through title screens and battles,
// and shakes itself loose when stuck.
class ExplorerAgent final : public Agent {
  public:
    explicit ExplorerAgent(std::uint32_t seed = 1) : random_(seed) {}
    std::string name() const override { return "explorer"; }
    Decision decide(const Observation& observation) override;

  private:
    using Place = std::tuple<int, int, int>;  // map, x, y
    void learn(const game::GameState& state);
    std::optional<env::Action> toward_unexplored(const Place& here);
    bool open(const Place& from, int direction) const;
    Decision make(env::Action action, const std::string& why);

    std::mt19937 random_;
    std::map<Place, int> visits_;
    std::map<std::pair<Place, int>, int> failures_;    // (place, direction) -> failed tries
    std::map<std::pair<Place, int>, Place> leads_to_;  // moves through doors and map edges
    std::optional<Place> last_place_;
    std::optional<int> last_direction_;
    int still_steps_ = 0;
    int shake_steps_ = 0;
    std::uint64_t menu_steps_ = 0;
};

// Buttons from the dashboard, in the order they arrive. NOOP while none wait.
class HumanAgent final : public Agent {
  public:
    std::string name() const override { return "human"; }
    Decision decide(const Observation& observation) override;
    void press(env::Action action);  // any thread
    std::size_t waiting() const;

  private:
    mutable std::mutex mutex_;
    std::deque<env::Action> queue_;
};

}  // namespace crl::agent
