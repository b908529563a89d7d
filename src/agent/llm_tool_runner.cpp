#include "agent/llm_tool_runner.h"

namespace crl::agent {
namespace {

using game::Direction;
using game::Place;
using game::TileKind;

std::string at(int x, int y) {
    return "(" + std::to_string(x) + ", " + std::to_string(y) + ")";
}

std::string map_name(const game::MapView& map) {
    return map.name.empty() ? "map " + std::to_string(map.map_id) : map.name;
}

std::string where(const game::GameState& state) {
    return "now at " + at(state.x, state.y) + " on " +
           (state.map_name.empty() ? "map " + std::to_string(state.map_id) : state.map_name) +
           ", screen " + game::to_string(state.screen);
}

bool standable(TileKind kind) {
    return game::walkable(kind) || kind == TileKind::kWarp || kind == TileKind::kCarpet;
}

bool on_edge(const game::MapView& map, Direction side, int x, int y) {
    switch (side) {
        case Direction::kUp:
            return y == 0;
        case Direction::kDown:
            return y == map.height - 1;
        case Direction::kLeft:
            return x == 0;
        case Direction::kRight:
            return x == map.width - 1;
    }
    return false;
}

std::string exits_of(const game::MapView& map) {
    std::string names;
    for (const auto& connection : map.connections)
        names += (names.empty() ? "" : ", ") + exit_name(connection.side);
    return names.empty() ? "none" : names;
}

}  // namespace

std::string exit_name(Direction side) {
    switch (side) {
        case Direction::kUp:
            return "north";
        case Direction::kDown:
            return "south";
        case Direction::kLeft:
            return "west";
        case Direction::kRight:
            return "east";
    }
    return "?";
}

std::optional<Direction> exit_side(const std::string& name) {
    for (const auto side : game::kAllDirections) {
        if (exit_name(side) == name) return side;
    }
    return std::nullopt;
}

Place ToolRunner::here(const Observation& observation) const {
    return {observation.state.map_id, observation.state.x, observation.state.y};
}

void ToolRunner::observe(const Observation& observation) {
    if (!observation.map) return;
    world_.see(*observation.map);
    if (observation.state.screen == game::Screen::kOverworld) world_.visit(here(observation));
}

std::optional<std::string> ToolRunner::start(const ToolCommand& command,
                                             const Observation& observation) {
    if (task_) cancel("replaced by " + describe(command));
    outcome_.reset();
    label_ = describe(command);
    const auto& state = observation.state;
    if (const auto* note = std::get_if<NoteTool>(&command)) {
        notes_.push_back(note->text);
        while (notes_.size() > kMaxNotes)
            notes_.pop_front();
        outcome_ = label_ + ": kept (" + std::to_string(notes_.size()) + " notes)";
        return std::nullopt;
    }
    if (const auto* press = std::get_if<PressTool>(&command)) {
        task_ = Task{};
        task_->presses.assign(press->buttons.begin(), press->buttons.end());
        task_->start_map = state.map_id;
        task_->started_in_battle = state.in_battle();
        return std::nullopt;
    }
    if (!observation.map) {
        return "no map of this place is known (screen " + game::to_string(state.screen) +
               "): use press";
    }
    if (state.screen != game::Screen::kOverworld) {
        return "the player is not walking on the map (screen " + game::to_string(state.screen) +
               "): use press (B closes a menu, A reads on)";
    }
    if (const auto* navigate = std::get_if<NavigateTool>(&command))
        return start_walk(*navigate, observation);
    return start_talk(std::get<TalkTool>(command), observation);
}

std::optional<std::string> ToolRunner::start_walk(const NavigateTool& navigate,
                                                  const Observation& seen) {
    const auto& map = *seen.map;
    const Planner planner(world_, {.turn_takes_a_press = map.turn_takes_a_press});
    const auto facing = game::direction_from_text(seen.state.facing).value_or(Direction::kDown);
    const Place from = here(seen);
    if (navigate.warp) {
        const int index = *navigate.warp;
        if (index < 0 || index >= static_cast<int>(map.warps.size())) {
            return "there is no warp " + std::to_string(index) + " on " + map_name(map) + " (" +
                   (map.warps.empty() ? std::string("it has none")
                                      : "warps 0.." + std::to_string(map.warps.size() - 1)) +
                   ")";
        }
        const auto& warp = map.warps[static_cast<std::size_t>(index)];
        auto plan = planner.path_to(from, facing, {map.map_id, warp.x, warp.y});
        const auto& tile = map.at(warp.x, warp.y);
        if (plan && tile.kind == TileKind::kCarpet) {  // a mat warps on a press toward its side
            plan->finally_face = tile.direction;
            plan->finally_press = to_action(tile.direction);
        }
        auto error = walk(std::move(plan),
                          "warp " + std::to_string(index) + " at " + at(warp.x, warp.y), seen);
        if (!error) task_->warp_destination = warp.destination_map;
        return error;
    }
    if (!navigate.exit.empty()) {
        const auto side = exit_side(navigate.exit).value_or(Direction::kDown);
        const auto* connection = map.connection(side);
        if (!connection) {
            return map_name(map) + " has no exit " + navigate.exit + " (exits: " + exits_of(map) +
                   ")";
        }
        auto plan = planner.path_to_nearest(from, facing, [&](const Place& place) {
            return place.map == map.map_id && on_edge(map, side, place.x, place.y);
        });
        if (plan) {  // then walk off the edge
            plan->finally_face = side;
            plan->finally_press = to_action(side);
        }
        auto error = walk(std::move(plan), "the " + navigate.exit + " exit", seen);
        if (!error) task_->warp_destination = connection->map;
        return error;
    }
    const int x = navigate.x.value_or(0), y = navigate.y.value_or(0);
    if (!map.inside(x, y)) {
        return at(x, y) + " is outside " + map_name(map) + " (x 0.." +
               std::to_string(map.width - 1) + ", y 0.." + std::to_string(map.height - 1) + ")";
    }
    if (!standable(map.at(x, y).kind)) {
        return at(x, y) + " is " + game::to_string(map.at(x, y).kind) +
               ", not a tile one can stand on";
    }
    if (from == Place{map.map_id, x, y}) return "the player already stands at " + at(x, y);
    return walk(planner.path_to(from, facing, {map.map_id, x, y}), at(x, y), seen);
}

std::optional<std::string> ToolRunner::start_talk(const TalkTool& talk, const Observation& seen) {
    const auto& map = *seen.map;
    if (talk.person < 0 || talk.person >= static_cast<int>(map.people.size())) {
        return "there is no person " + std::to_string(talk.person) + " on " + map_name(map) + " (" +
               (map.people.empty() ? std::string("nobody is here")
                                   : "people 0.." + std::to_string(map.people.size() - 1)) +
               ")";
    }
    const auto& person = map.people[static_cast<std::size_t>(talk.person)];
    const Planner planner(world_, {.turn_takes_a_press = map.turn_takes_a_press});
    const auto facing = game::direction_from_text(seen.state.facing).value_or(Direction::kDown);
    auto error =
        walk(planner.path_to_face(here(seen), facing, {map.map_id, person.x, person.y}),
             "person " + std::to_string(talk.person) + " at " + at(person.x, person.y), seen);
    if (!error) task_->talking = true;
    return error;
}

std::optional<std::string> ToolRunner::walk(std::optional<Plan> plan, const std::string& target,
                                            const Observation& seen) {
    if (!plan) {
        return "no known path to " + target + " from " + at(seen.state.x, seen.state.y) +
               " (walls, water, ledges or people in the way)";
    }
    runner_ = PlanRunner(seen.map->turn_takes_a_press);
    runner_.start(std::move(*plan));
    task_ = Task{};
    task_->walking = true;
    task_->start_map = seen.state.map_id;
    task_->started_in_battle = seen.state.in_battle();
    return std::nullopt;
}

std::optional<env::Action> ToolRunner::next(const Observation& observation) {
    if (!task_) return std::nullopt;
    const auto& state = observation.state;
    if (task_->walking) return next_walk(observation);
    if (state.in_battle() && !task_->started_in_battle) {
        return finish("interrupted by a battle (" + std::to_string(task_->presses.size()) +
                      " presses not made); " + where(state));
    }
    if (task_->presses.empty()) return finish("done; " + where(state));
    const auto action = task_->presses.front();
    task_->presses.pop_front();
    return action;
}

std::optional<env::Action> ToolRunner::next_walk(const Observation& observation) {
    const auto& state = observation.state;
    if (const auto action = runner_.next(state)) return action;
    const std::string stopped = runner_.outcome();
    if (const auto& blocked = runner_.blocked())
        world_.learn_blocked(blocked->first, blocked->second);
    if (task_->warp_destination && state.map_id != task_->start_map) {
        return finish(state.map_id == *task_->warp_destination
                          ? "reached; " + where(state)
                          : "warped elsewhere; " + where(state));
    }
    if (stopped == "text") {
        return finish(task_->talking ? "talking: a text box is open (press A to read on)"
                                     : "interrupted by a text box; " + where(state));
    }
    if (stopped == "battle") {
        return finish("interrupted by a battle with " + (state.battle.enemy_name.empty()
                                                             ? std::string("an enemy")
                                                             : state.battle.enemy_name));
    }
    if (stopped == "done") {
        return finish(task_->talking ? "faced the person but no text box opened; " + where(state)
                                     : "reached; " + where(state));
    }
    return finish("failed: " + stopped + "; " + where(state));
}

void ToolRunner::cancel(const std::string& why) {
    if (!task_) return;
    runner_.cancel(why);
    finish(why);
}

std::nullopt_t ToolRunner::finish(const std::string& how) {
    outcome_ = label_ + ": " + how;
    task_.reset();
    return std::nullopt;
}

std::optional<std::string> ToolRunner::take_outcome() {
    auto outcome = std::move(outcome_);
    outcome_.reset();
    return outcome;
}

nlohmann::json ToolRunner::plan_json() const {
    if (!task_ || !task_->walking || !runner_.plan()) return nullptr;
    return runner_.plan()->to_json();
}

}  // namespace crl::agent
