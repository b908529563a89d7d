// agent/explorer.h — the default agent: frontier exploration on the world model. It remembers
// every map it has seen (game::WorldMap), plans with agent::Planner and presses one button a
// step: first to warps and exits that lead to maps it has not entered, then to people it has not
// talked to and signs it has not read, then to the nearest tile it has not stood on. Screens
// other than the map go to the ScreenHandler. It never opens START. Without a map from the
// profile (Observation::map) it only handles screens and wanders.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>

#include "agent/agent.h"
#include "agent/planner.h"
#include "agent/screen_handling.h"
#include "game/world_map.h"

namespace crl::agent {

class ExplorerAgent final : public Agent {
  public:
    explicit ExplorerAgent(std::uint32_t seed = 1);
    std::string name() const override { return "explorer"; }
    Decision decide(const Observation& observation) override;
    bool wants_map() const override { return true; }
    nlohmann::json stats() const override;

    const game::WorldMap& world() const { return world_; }

  private:
    // Something the explorer walks to, and what to do there.
    struct Goal {
        std::string key;  // "new 6150 3,7", "talk 6150 2 40", "tile 6150 4,4" ...
        Plan plan;
        int from_map = 0;
    };
    void learn(const game::GameState& state, const game::MapView& map);
    bool explained_by_map(const game::Place& from, game::Direction press) const;
    std::optional<Goal> choose_goal(const game::Place& here, game::Direction facing,
                                    const game::MapView& map, int event_flags, bool party_weak);
    std::optional<Goal> nearest_person_to_talk_to(const Planner& planner, const game::Place& here,
                                                  game::Direction facing, const game::MapView& map,
                                                  int event_flags) const;
    bool given_up(const std::string& key, int event_flags) const;
    Decision make(env::Action action, const std::string& why);
    Decision wander(const std::string& why);

    std::mt19937 random_;
    std::uint32_t tie_break_ = 0;  // the planner's, from the seed
    game::WorldMap world_;
    ScreenHandler screens_;
    PlanRunner runner_;
    std::optional<Goal> goal_;
    std::set<std::string> done_;                           // goals reached (talks, signs ...)
    std::map<std::string, std::pair<int, int>> failures_;  // key -> (tries, event flags then)
    std::optional<game::Place> last_place_;
    std::optional<game::Direction> last_facing_;
    std::optional<game::Direction> last_press_;
    std::optional<int> last_event_flags_;
    int steps_without_news_ = 0;
    int wander_steps_ = 0;
    std::uint64_t plans_made_ = 0, plans_interrupted_ = 0;
};

}  // namespace crl::agent
