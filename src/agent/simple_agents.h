// agent/simple_agents.h — the agents that need no model: random, human (and the explorer, the
// default, in agent/explorer.h).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <tuple>

#include "agent/agent.h"
#include "agent/explorer.h"

namespace crl::agent {

class RandomAgent final : public Agent {
  public:
    explicit RandomAgent(std::uint32_t seed = 1) : random_(seed) {}
    std::string name() const override { return "random"; }
    Decision decide(const Observation& observation) override;

  private:
    std::mt19937 random_;
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
