#include "agent/planner.h"

#include <algorithm>
#include <map>
#include <queue>
#include <tuple>

namespace crl::agent {
namespace {

using game::Direction;
using game::Place;
using game::TileKind;

struct Node {
    Place place;
    Direction facing;
    auto operator<=>(const Node&) const = default;
};

struct Reached {
    int cost = 0;
    std::optional<Node> parent;
    Direction move = Direction::kDown;
    bool terminal = false;
};

std::string describe(const Place& place) {
    return std::to_string(place.x) + "," + std::to_string(place.y) + " on map " +
           std::to_string(place.map);
}

}  // namespace

env::Action to_action(Direction direction) {
    switch (direction) {
        case Direction::kDown:
            return env::Action::kDown;
        case Direction::kUp:
            return env::Action::kUp;
        case Direction::kLeft:
            return env::Action::kLeft;
        case Direction::kRight:
            return env::Action::kRight;
    }
    return env::Action::kNoop;
}

std::optional<Direction> direction_of(env::Action action) {
    switch (action) {
        case env::Action::kDown:
            return Direction::kDown;
        case env::Action::kUp:
            return Direction::kUp;
        case env::Action::kLeft:
            return Direction::kLeft;
        case env::Action::kRight:
            return Direction::kRight;
        default:
            return std::nullopt;
    }
}

std::vector<env::Action> Plan::presses(Direction facing, bool turn_takes_a_press) const {
    std::vector<env::Action> out;
    for (const auto& step : steps) {
        if (turn_takes_a_press && step.direction != facing)
            out.push_back(to_action(step.direction));
        out.push_back(to_action(step.direction));
        facing = step.direction;
    }
    if (finally_face) {
        if (*finally_face != facing) out.push_back(to_action(*finally_face));
        if (finally_press != env::Action::kNoop) out.push_back(finally_press);
    }
    return out;
}

nlohmann::json Plan::to_json() const {
    nlohmann::json path = nlohmann::json::array();
    if (!steps.empty())
        path.push_back({steps.front().from.x, steps.front().from.y, steps.front().from.map});
    for (const auto& step : steps)
        path.push_back({step.to.x, step.to.y, step.to.map});
    nlohmann::json json{{"purpose", purpose}, {"cost", cost}, {"path", path}};
    if (finally_face) json["face"] = game::to_string(*finally_face);
    if (finally_press != env::Action::kNoop) json["press"] = env::to_string(finally_press);
    return json;
}

Planner::Planner(const game::WorldMap& world, PlannerOptions options)
    : world_(world), options_(options) {}

std::optional<Place> Planner::landing(const game::Warp& warp) const {
    if (warp.destination_x >= 0)
        return Place{warp.destination_map, warp.destination_x, warp.destination_y};
    const auto* destination = world_.map(warp.destination_map);
    if (!destination || warp.destination_warp < 1 ||
        warp.destination_warp > static_cast<int>(destination->warps.size()))
        return std::nullopt;
    const auto& arrival = destination->warps[static_cast<std::size_t>(warp.destination_warp - 1)];
    return Place{warp.destination_map, arrival.x, arrival.y};
}

std::optional<Planner::Move> Planner::move(const Place& from, Direction direction) const {
    if (world_.blocked(from, direction)) return std::nullopt;
    if (const auto known = world_.transition(from, direction)) return Move{*known};
    const auto* map = world_.map(from.map);
    if (!map) return std::nullopt;
    const auto& here = map->at(from.x, from.y);
    if (here.kind == TileKind::kCarpet && here.direction == direction) {
        const auto* warp = map->warp_at(from.x, from.y);
        if (!warp) return std::nullopt;
        if (const auto to = landing(*warp)) return Move{*to};
        return std::nullopt;  // reached by standing on the carpet, see Plan::finally_press
    }
    const int hop = here.hops_toward(direction) ? 2 : 1;
    const int x = from.x + game::dx(direction) * hop, y = from.y + game::dy(direction) * hop;
    if (!map->inside(x, y)) {
        const auto* connection = map->connection(direction);
        const bool vertical = direction == Direction::kUp || direction == Direction::kDown;
        const int along = vertical ? from.x : from.y;
        if (!connection || std::find(connection->open.begin(), connection->open.end(), along) ==
                               connection->open.end())
            return std::nullopt;
        const int shifted = (along + connection->shift) & 0xFF;
        return Move{vertical ? Place{connection->map, shifted, connection->entry}
                             : Place{connection->map, connection->entry, shifted}};
    }
    const auto& tile = map->at(x, y);
    if (!game::walkable(tile.kind)) return std::nullopt;
    if (options_.avoid_people && map->person_at(x, y)) return std::nullopt;
    if (tile.kind == TileKind::kWarp) {
        if (const auto* warp = map->warp_at(x, y)) {
            if (const auto to = landing(*warp)) return Move{*to};
            return Move{{from.map, x, y}, true};
        }
    }
    return Move{{from.map, x, y}};
}

std::optional<Place> Planner::step(const Place& from, Direction direction) const {
    const auto found = move(from, direction);
    if (!found) return std::nullopt;
    return found->to;
}

std::optional<Plan> Planner::path_to_nearest(const Place& from, Direction facing,
                                             const std::function<bool(const Place&)>& goal) const {
    // Equal costs are taken in an order the tie-break decides, so it picks among equal paths.
    using Entry = std::tuple<int, std::uint32_t, Node>;
    auto tie = [&](const Node& node) -> std::uint32_t {
        if (options_.tie_break == 0) return 0;
        std::uint32_t h = options_.tie_break;
        for (const int part :
             {node.place.map, node.place.x, node.place.y, static_cast<int>(node.facing)})
            h = (h ^ static_cast<std::uint32_t>(part)) * 0x9E3779B1u;
        return h ^ (h >> 15);
    };
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> open;
    std::map<Node, Reached> reached;
    const Node start{from, facing};
    reached[start] = {};
    open.push({0, tie(start), start});
    int expansions = 0;
    while (!open.empty() && expansions++ < options_.max_expansions) {
        const auto [cost, order, node] = open.top();
        open.pop();
        if (cost > reached[node].cost) continue;
        if (goal(node.place)) {
            Plan plan;
            plan.cost = cost;
            for (auto at = node; reached[at].parent; at = *reached[at].parent) {
                const auto& r = reached[at];
                plan.steps.insert(plan.steps.begin(), {r.move, r.parent->place, at.place});
            }
            return plan;
        }
        // A warp whose landing is unknown takes the player elsewhere: a place to reach, not to
        // walk through.
        if (reached[node].terminal) continue;
        for (const auto direction : game::kAllDirections) {
            const auto found = move(node.place, direction);
            if (!found) continue;
            const auto* next = &found->to;
            int step_cost = 1;
            if (options_.turn_takes_a_press && direction != node.facing) ++step_cost;
            if (options_.avoid_grass) {
                if (const auto* next_map = world_.map(next->map);
                    next_map && next_map->at(next->x, next->y).kind == TileKind::kGrass)
                    step_cost += options_.grass_cost;
            }
            const Node child{*next, direction};
            const int child_cost = cost + step_cost;
            const auto it = reached.find(child);
            if (it != reached.end() && it->second.cost <= child_cost) continue;
            reached[child] = {child_cost, node, direction, found->terminal};
            open.push({child_cost, tie(child), child});
        }
    }
    return std::nullopt;
}

std::optional<Plan> Planner::path_to(const Place& from, Direction facing, const Place& to) const {
    auto plan = path_to_nearest(from, facing, [&](const Place& place) { return place == to; });
    if (plan) plan->purpose = "to " + describe(to);
    return plan;
}

std::optional<Plan> Planner::path_to_face(const Place& from, Direction facing,
                                          const Place& target) const {
    // Next to the target, or across a counter from it.
    auto facing_target = [&](const Place& place) -> std::optional<Direction> {
        if (place.map != target.map) return std::nullopt;
        const auto* map = world_.map(place.map);
        for (const auto direction : game::kAllDirections) {
            const int x = place.x + game::dx(direction), y = place.y + game::dy(direction);
            if (x == target.x && y == target.y) return direction;
            if (map && map->at(x, y).kind == TileKind::kCounter &&
                x + game::dx(direction) == target.x && y + game::dy(direction) == target.y)
                return direction;
        }
        return std::nullopt;
    };
    auto plan = path_to_nearest(
        from, facing, [&](const Place& place) { return facing_target(place).has_value(); });
    if (!plan) return std::nullopt;
    const Place end = plan->steps.empty() ? from : plan->steps.back().to;
    plan->finally_face = facing_target(end);
    plan->finally_press = env::Action::kA;
    plan->purpose = "to face " + describe(target);
    return plan;
}

void PlanRunner::start(Plan plan) {
    plan_ = std::move(plan);
    index_ = 0;
    stalls_ = 0;
    pressed_facing_ = false;
    finish_presses_ = 0;
    turn_tries_ = 0;
    blocked_.reset();
    start_.reset();
    last_here_.reset();
    outcome_ = "running";
}

void PlanRunner::cancel(const std::string& why) {
    plan_.reset();
    outcome_ = why;
}

std::nullopt_t PlanRunner::stop(const std::string& why) {
    cancel(why);
    return std::nullopt;
}

std::optional<env::Action> PlanRunner::next(const game::GameState& state) {
    if (!plan_) return std::nullopt;
    if (state.screen == game::Screen::kBattle) return stop("battle");
    if (state.screen == game::Screen::kText) return stop("text");
    if (state.screen != game::Screen::kOverworld) return stop("not on the map");
    const Place here{state.map_id, state.x, state.y};
    if (!start_) start_ = here;
    const auto facing = game::direction_from_text(state.facing).value_or(Direction::kDown);
    auto& steps = plan_->steps;
    // Catch up: the player may be ahead (a step done) or anywhere later along the path.
    for (std::size_t i = index_; i < steps.size(); ++i) {
        if (steps[i].from == here) {
            if (i != index_) stalls_ = 0;
            index_ = i;
            break;
        }
        if (steps[i].to == here) {
            index_ = i + 1;
            stalls_ = 0;
        }
    }
    if (index_ >= steps.size()) return finish(here, facing);
    const auto& current = steps[index_];
    if (current.from != here) {
        return stop("unexpected place " + describe(here));
    }
    const bool moved = last_here_ && *last_here_ != here;
    last_here_ = here;
    if (moved) stalls_ = 0;
    if (!moved && pressed_facing_ && ++stalls_ >= kStallsToCallBlocked) {
        blocked_ = std::make_pair(current.from, current.direction);
        return stop("blocked at " + describe(here) + " going " +
                    game::to_string(current.direction));
    }
    pressed_facing_ = facing == current.direction || !turn_takes_a_press_;
    return to_action(current.direction);
}

std::optional<env::Action> PlanRunner::finish(const Place& here, Direction facing) {
    const Place end = plan_->steps.empty() ? *start_ : plan_->steps.back().to;
    if (here != end) return stop("done");  // the last step warped or crossed an edge
    if (!plan_->finally_face || finish_presses_ >= 2) return stop("done");
    ++finish_presses_;
    if (facing != *plan_->finally_face) {
        finish_presses_ = 0;
        if (++turn_tries_ > 3) return stop("could not turn");
        return to_action(*plan_->finally_face);
    }
    if (plan_->finally_press == env::Action::kNoop) return stop("done");
    finish_presses_ = 2;
    return plan_->finally_press;
}

}  // namespace crl::agent
