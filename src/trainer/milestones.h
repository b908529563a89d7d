// trainer/milestones.h — the first action at which something worth telling happened in a run:
// each new map entered (with its name), the starter received, each new Pokémon caught, each
// badge, each level-up of the lead Pokémon, blackouts. Computed from consecutive game states,
// whatever the agent; it never touches the disk (the decision log keeps them).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "game/game_state.h"

namespace crl::trainer {

struct Milestone {
    std::uint64_t step = 0;  // the action after which it was seen
    std::string kind;        // map, starter, caught, badge, level, blackout
    std::string detail;      // "NEW BARK TOWN", "CYNDAQUIL", "badge 1", "level 7"
    nlohmann::json to_json() const;
};

class MilestoneTracker {
  public:
    // What is new in `state` (after action `step`), also kept in all().
    std::vector<Milestone> update(std::uint64_t step, const game::GameState& state);
    const std::vector<Milestone>& all() const { return all_; }
    nlohmann::json to_json() const;  // the list, oldest first
    // A table for the end of a run: "   123  map      NEW BARK TOWN".
    std::string summary() const;

  private:
    bool started_ = false;
    std::set<int> maps_;
    std::set<int> party_species_;
    std::vector<int> last_party_;  // species by slot, outside battles
    int badges_ = 0;
    int lead_species_ = 0, lead_level_ = 0;
    bool had_party_ = false, fainted_ = false;
    std::vector<Milestone> all_;
};

}  // namespace crl::trainer
