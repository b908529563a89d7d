// env/reward.h — rewards computed from the game state after each action, configured as data
// (docs/rewards.md, defaults in src/env/rewards.json). Each component is reported separately.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "env/action.h"
#include "game/game_state.h"

namespace crl::env {

struct RewardConfig {
    double new_tile = 0.02;         // first visit of a (map, x, y) this episode
    double new_map = 1.0;           // first visit of a map this episode
    double badge = 5.0;             // per badge (the count, not the bits) above the best so far
    double level_gain = 0.5;        // per party level above the best total so far
    double pokedex_caught = 1.0;    // per species caught above the best so far
    double pokedex_seen = 0.2;      // per species seen above the best so far
    double money_per_unit = 0.001;  // per unit of money gained or lost this step ...
    double money_cap = 0.5;         // ... capped at ± this
    double healing = 0.5;           // per whole party's HP restored (not by levelling up)
    double event_flag = 0.1;        // per event flag above the most ever set
    int stuck_after_visits = 40;    // a tile visited more often than this ...
    double stuck_penalty = -0.05;   // ... costs this on every further visit
    double step_cost = -0.001;      // every action
    double bump = -0.05;  // a direction pressed in the overworld that neither moved nor turned

    static RewardConfig defaults();  // the shipped src/env/rewards.json
    // Unknown keys and non-numbers are errors naming the file and the key.
    static RewardConfig parse(const std::string& json_text, const std::string& source);
    static RewardConfig load(const std::filesystem::path& path);
    nlohmann::json to_json() const;
};

struct RewardBreakdown {
    std::vector<std::pair<std::string, double>> parts;  // only the non-zero components
    double total = 0;
    void add(const std::string& name, double value);
    nlohmann::json to_json() const;
};

// Remembers what an episode has achieved, so each achievement is rewarded once.
class RewardTracker {
  public:
    explicit RewardTracker(RewardConfig config = {}) : config_(config) {}
    void reset(const game::GameState& start);
    // `action`, when known, lets a press against a wall or a person cost `bump`.
    RewardBreakdown update(const game::GameState& before, const game::GameState& after,
                           std::optional<Action> action = std::nullopt);

    std::size_t tiles_visited() const { return visits_.size(); }
    std::size_t maps_visited() const { return maps_.size(); }
    const RewardConfig& config() const { return config_; }

  private:
    void remember(const game::GameState& state);
    using Tile = std::tuple<int, int, int>;
    RewardConfig config_;
    std::map<Tile, int> visits_;
    std::set<int> maps_;
    int best_badges_ = 0;
    int best_level_total_ = 0;
    int best_caught_ = 0;
    int best_seen_ = 0;
    int best_events_ = 0;
};

}  // namespace crl::env
