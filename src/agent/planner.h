// agent/planner.h — paths over the world map and their execution: a shortest sequence of moves
// (A*, across warps and map connections, around people, ledges only downhill, a turn costing a
// press where the game needs one) and a runner that turns it into one button per step, stopping
// when something interrupts it (text, battle, someone in the way, an unexpected warp). It plans
// and presses; it never reads memory.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "env/action.h"
#include "game/game_state.h"
#include "game/world_map.h"

namespace crl::agent {

env::Action to_action(game::Direction direction);
std::optional<game::Direction> direction_of(env::Action action);

struct PlanStep {
    game::Direction direction;  // the button to hold
    game::Place from;           // where the player stands before
    game::Place to;             // where the step is expected to end (a warp or hop included)
};

struct Plan {
    std::vector<PlanStep> steps;
    // After the last step: face this way (a person, a sign, a carpet) ...
    std::optional<game::Direction> finally_face;
    // ... and press this (A to talk or read; a direction to take a warp mat). NOOP: nothing.
    env::Action finally_press = env::Action::kNoop;
    std::string purpose;  // "to the door at 7,5 (ROUTE 29)"
    int cost = 0;         // presses expected, turns included

    bool empty() const { return steps.empty() && !finally_face; }
    // The whole plan as presses, for display (turns included as the planner predicted them).
    std::vector<env::Action> presses(game::Direction facing, bool turn_takes_a_press) const;
    nlohmann::json to_json() const;  // {"purpose", "cost", "path": [[x,y,map]...], ...}
};

struct PlannerOptions {
    bool turn_takes_a_press = true;  // Crystal: a press in a new direction only turns the player
    bool avoid_people = true;        // people's tiles are walls (re-planned when they move)
    bool avoid_grass = false;        // tall grass costs extra (wild battles)
    int grass_cost = 3;
    int max_expansions = 200000;
    // Which of several equally short plans is taken: 0 the same always; agents with different
    // seeds pass different values and take different (equally good) ways.
    std::uint32_t tie_break = 0;
};

class Planner {
  public:
    explicit Planner(const game::WorldMap& world, PlannerOptions options = {});

    // A shortest plan from `from` (facing `facing`) to stand on `to`, on any known map.
    std::optional<Plan> path_to(const game::Place& from, game::Direction facing,
                                const game::Place& to) const;
    // To stand next to `target` facing it (talk to a person, read a sign), then press A.
    std::optional<Plan> path_to_face(const game::Place& from, game::Direction facing,
                                     const game::Place& target) const;
    // To the nearest place where `goal` holds (the frontier of exploration, a warp ...).
    std::optional<Plan> path_to_nearest(const game::Place& from, game::Direction facing,
                                        const std::function<bool(const game::Place&)>& goal) const;
    // Where a step from `from` in `direction` lands, if the map allows it (a ledge hops two).
    std::optional<game::Place> step(const game::Place& from, game::Direction direction) const;

  private:
    struct Move {
        game::Place to;
        bool terminal = false;  // onto a warp whose landing is unknown: reach it, go no further
    };
    std::optional<Move> move(const game::Place& from, game::Direction direction) const;
    std::optional<game::Place> landing(const game::Warp& warp) const;

    const game::WorldMap& world_;
    PlannerOptions options_;
};

// Executes a plan one button per step.
class PlanRunner {
  public:
    explicit PlanRunner(bool turn_takes_a_press = true) : turn_takes_a_press_(turn_takes_a_press) {}

    void start(Plan plan);
    void cancel(const std::string& why);
    bool active() const { return plan_.has_value(); }
    const Plan* plan() const { return plan_ ? &*plan_ : nullptr; }
    // The next button, or nullopt once the plan ended ("done") or was interrupted ("text",
    // "battle", "blocked at 4,5", "unexpected place 2,3 on map 6150", ...): see outcome().
    std::optional<env::Action> next(const game::GameState& state);
    const std::string& outcome() const { return outcome_; }
    // When the plan stopped "blocked": the move that failed although the player faced it.
    const std::optional<std::pair<game::Place, game::Direction>>& blocked() const {
        return blocked_;
    }

  private:
    static constexpr int kStallsToCallBlocked = 2;  // someone may have stepped away meanwhile
    std::optional<env::Action> finish(const game::Place& here, game::Direction facing);
    std::nullopt_t stop(const std::string& why);
    bool turn_takes_a_press_;
    std::optional<Plan> plan_;
    std::size_t index_ = 0;
    int stalls_ = 0;               // presses, already facing the way, that left the player put
    bool pressed_facing_ = false;  // the last press was a move, not a turn
    int finish_presses_ = 0;
    int turn_tries_ = 0;
    std::optional<std::pair<game::Place, game::Direction>> blocked_;
    std::optional<game::Place> start_;  // where the player stood when the plan began
    std::optional<game::Place> last_here_;
    std::string outcome_;
};

}  // namespace crl::agent
