#include "agent/explorer.h"

#include <algorithm>
#include <array>

namespace crl::agent {
namespace {

using env::Action;
using game::Direction;
using game::Place;

constexpr int kTriesBeforeGivingUp = 3;  // until the story moves on (event flags change)
constexpr int kStepsWithoutNewsToWander = 300;
constexpr int kWanderSteps = 24;

std::string place_key(const Place& place) {
    return std::to_string(place.map) + " " + std::to_string(place.x) + "," +
           std::to_string(place.y);
}

// Talking to someone is a goal again each time the story moves on (the event flags change).
std::string talk_key(int map_id, int person_id, int event_flags) {
    return "talk " + std::to_string(map_id) + " " + std::to_string(person_id) + " " +
           std::to_string(event_flags);
}

// Below this share of the party's HP the explorer goes back to a nurse before exploring on.
constexpr double kWeakPartyShare = 0.35;

bool party_is_weak(const game::GameState& state) {
    int hp = 0, max_hp = 0;
    for (const auto& member : state.party) {
        hp += member.hp;
        max_hp += member.max_hp;
    }
    return max_hp > 0 && hp < kWeakPartyShare * max_hp;
}

bool adjacent(const Place& a, const Place& b) {
    return a.map == b.map && std::abs(a.x - b.x) + std::abs(a.y - b.y) <= 2;
}

}  // namespace

// Seed 1 (the default) keeps the planner's plain order; others break its ties their own way.
ExplorerAgent::ExplorerAgent(std::uint32_t seed)
    : random_(seed), tie_break_(seed == 1 ? 0 : seed) {}

Decision ExplorerAgent::make(Action action, const std::string& why) {
    Decision decision;
    decision.action = action;
    decision.agent = name();
    decision.source = "policy";
    decision.reasoning = why;
    last_press_ = direction_of(action);
    if (goal_ && runner_.active()) decision.details["plan"] = runner_.plan()->to_json();
    return decision;
}

Decision ExplorerAgent::wander(const std::string& why) {
    std::uniform_int_distribution<int> pick(0, 3);
    return make(to_action(game::kAllDirections[pick(random_)]), why);
}

bool ExplorerAgent::explained_by_map(const Place& from, Direction press) const {
    const auto* map = world_.map(from.map);
    if (!map) return false;
    const auto& tile = map->at(from.x, from.y);
    // Standing on a door, the warp is already under way: the press that follows it is not
    // what took the player there.
    if (tile.kind == game::TileKind::kWarp) return false;
    if (tile.kind == game::TileKind::kCarpet && tile.direction == press) return true;
    const int x = from.x + game::dx(press), y = from.y + game::dy(press);
    if (!map->inside(x, y)) return map->connection(press) != nullptr;
    return map->at(x, y).kind == game::TileKind::kWarp || map->warp_at(x, y) != nullptr;
}

void ExplorerAgent::learn(const game::GameState& state, const game::MapView& map) {
    const Place here{state.map_id, state.x, state.y};
    const bool new_map = world_.map(map.map_id) == nullptr;
    const bool new_tile = !world_.visited(here);
    world_.see(map);
    world_.visit(here);
    steps_without_news_ = new_map || new_tile ? 0 : steps_without_news_ + 1;
    if (last_place_ && last_press_) {
        if (here.map != last_place_->map || !adjacent(here, *last_place_)) {
            // Only a jump the map explains is a way to travel; a script that walked or warped
            // the player (a guard, a blackout, Elm calling him in) is not.
            if (here.map != last_place_->map && explained_by_map(*last_place_, *last_press_))
                world_.learn_transition(*last_place_, *last_press_, here);
        } else if (here == *last_place_ && last_facing_ == *last_press_) {
            // Facing that way already, and no move: a wall (unless someone stood there).
            const int x = here.x + game::dx(*last_press_), y = here.y + game::dy(*last_press_);
            if (!map.person_at(x, y) && map.inside(x, y)) world_.learn_blocked(here, *last_press_);
        }
    }
    last_place_ = here;
    last_facing_ = game::direction_from_text(state.facing);
}

bool ExplorerAgent::given_up(const std::string& key, int event_flags) const {
    const auto it = failures_.find(key);
    return it != failures_.end() && it->second.first >= kTriesBeforeGivingUp &&
           it->second.second == event_flags;
}

std::optional<ExplorerAgent::Goal> ExplorerAgent::nearest_person_to_talk_to(
    const Planner& planner, const Place& here, Direction facing, const game::MapView& map,
    int event_flags) const {
    std::optional<Goal> best;
    for (const auto& person : map.people) {
        const auto key = talk_key(map.map_id, person.id, event_flags);
        if (done_.count(key) || given_up(key, event_flags)) continue;
        auto plan = planner.path_to_face(here, facing, {map.map_id, person.x, person.y});
        if (plan && (!best || plan->cost < best->plan.cost)) best = Goal{key, std::move(*plan)};
    }
    return best;
}

std::optional<ExplorerAgent::Goal> ExplorerAgent::choose_goal(const Place& here, Direction facing,
                                                              const game::MapView& map,
                                                              int event_flags, bool party_weak) {
    const Planner planner(world_,
                          {.turn_takes_a_press = map.turn_takes_a_press, .tie_break = tie_break_});
    // 0. A weak party goes back to the nearest nurse it knows (she asks, the screen handling
    // answers YES). Not a goal that is ever done: the party weakens again.
    if (party_weak && !given_up("heal", event_flags)) {
        std::optional<Goal> nearest;
        for (const auto map_id : world_.map_ids()) {
            for (const auto& person : world_.map(map_id)->people) {
                if (!person.heals) continue;
                auto plan = planner.path_to_face(here, facing, {map_id, person.x, person.y});
                if (plan && (!nearest || plan->cost < nearest->plan.cost)) {
                    plan->purpose = "to the nurse on map " + std::to_string(map_id) + " to heal";
                    nearest = Goal{"heal", std::move(*plan)};
                }
            }
        }
        if (nearest) return nearest;
    }
    // 1. Inside a building (a map without exits at its edges) the people are met before the
    // way out is taken: the story's people (the professor, a gym's trainers and leader) wait
    // there, and outdoors there are always more new places to go first.
    if (map.connections.empty()) {
        if (auto talk = nearest_person_to_talk_to(planner, here, facing, map, event_flags))
            return talk;
    }
    // 2. A map never entered: across an exit, or through a warp whose far side is unknown.
    auto leads_somewhere_new = [&](const Place& place) {
        if (given_up("new " + place_key(place), event_flags)) return false;
        const auto* seen = world_.map(place.map);
        if (!seen) return true;
        const auto* warp = seen->warp_at(place.x, place.y);
        return warp && !(place == here) && !world_.map(warp->destination_map) &&
               seen->at(place.x, place.y).kind == game::TileKind::kWarp;
    };
    if (auto plan = planner.path_to_nearest(here, facing, leads_somewhere_new)) {
        const Place end = plan->steps.empty() ? here : plan->steps.back().to;
        plan->purpose = "to a place not seen yet (" + place_key(end) + ")";
        return Goal{"new " + place_key(end), std::move(*plan)};
    }
    // A warp mat whose far side is unknown: stand on it, press its way.
    auto new_carpet = [&](const Place& place) {
        const auto* seen = world_.map(place.map);
        if (!seen || seen->at(place.x, place.y).kind != game::TileKind::kCarpet) return false;
        const auto* warp = seen->warp_at(place.x, place.y);
        return warp && !world_.map(warp->destination_map) &&
               !given_up("carpet " + place_key(place), event_flags);
    };
    if (auto plan = planner.path_to_nearest(here, facing, new_carpet)) {
        const Place end = plan->steps.empty() ? here : plan->steps.back().to;
        const auto direction = world_.map(end.map)->at(end.x, end.y).direction;
        plan->finally_face = direction;
        plan->finally_press = to_action(direction);
        plan->purpose = "through the warp mat at " + place_key(end);
        return Goal{"carpet " + place_key(end), std::move(*plan)};
    }
    // 3. People not talked to since the story last moved, then signs not read.
    if (auto talk = nearest_person_to_talk_to(planner, here, facing, map, event_flags)) return talk;
    std::optional<Goal> best;
    auto consider = [&](const std::string& key, const Place& target) {
        if (done_.count(key) || given_up(key, event_flags)) return;
        auto plan = planner.path_to_face(here, facing, target);
        if (plan && (!best || plan->cost < best->plan.cost)) best = Goal{key, std::move(*plan)};
    };
    for (const auto& sign : map.signs)
        consider("sign " + place_key({map.map_id, sign.x, sign.y}), {map.map_id, sign.x, sign.y});
    if (best) return best;
    // 4. The nearest tile never stood on, on any map.
    auto unvisited = [&](const Place& place) {
        return world_.map(place.map) && !world_.visited(place) &&
               !given_up("tile " + place_key(place), event_flags);
    };
    if (auto plan = planner.path_to_nearest(here, facing, unvisited)) {
        const Place end = plan->steps.empty() ? here : plan->steps.back().to;
        plan->purpose = "to explore " + place_key(end);
        return Goal{"tile " + place_key(end), std::move(*plan)};
    }
    // 5. Everything known is explored: the story moves on by talking to someone again (the
    // professor who sent the player on an errand), so visit people on other maps whom the
    // player has not talked to since the story last moved.
    std::map<Place, std::string> waiting;  // where a person stands -> the goal's key
    for (const auto map_id : world_.map_ids()) {
        if (map_id == map.map_id) continue;
        for (const auto& person : world_.map(map_id)->people) {
            const auto key = talk_key(map_id, person.id, event_flags);
            if (!done_.count(key) && !given_up(key, event_flags))
                waiting[{map_id, person.x, person.y}] = key;
        }
    }
    auto next_to_someone = [&](const Place& place) -> std::optional<std::pair<Place, Direction>> {
        for (const auto direction : game::kAllDirections) {
            const Place there{place.map, place.x + game::dx(direction),
                              place.y + game::dy(direction)};
            if (waiting.count(there)) return std::pair{there, direction};
        }
        return std::nullopt;
    };
    if (waiting.empty()) return std::nullopt;
    auto plan = planner.path_to_nearest(
        here, facing, [&](const Place& place) { return next_to_someone(place).has_value(); });
    if (!plan) return std::nullopt;
    const Place end = plan->steps.empty() ? here : plan->steps.back().to;
    const auto [person, direction] = *next_to_someone(end);
    plan->finally_face = direction;
    plan->finally_press = Action::kA;
    plan->purpose = "to talk again to the person at " + place_key(person);
    return Goal{waiting[person], std::move(*plan)};
}

Decision ExplorerAgent::decide(const Observation& observation) {
    const auto& state = observation.state;
    const int event_flags = state.event_flags;
    if (runner_.active()) {
        const bool in_finish =
            runner_.plan()->steps.empty() ||
            Place{state.map_id, state.x, state.y} == runner_.plan()->steps.back().to;
        if (auto press = runner_.next(state)) return make(*press, runner_.plan()->purpose);
        // The plan ended: remember how it went.
        const auto& outcome = runner_.outcome();
        if (goal_) {
            const bool talked = in_finish && (outcome == "text" || outcome == "done");
            // A warp or an exit worked when the player is on another map (a script that walks
            // him back, like a guard at a town's edge, does not count).
            const bool went_elsewhere = state.map_id != goal_->from_map;
            if (talked || outcome == "done" || went_elsewhere) {
                done_.insert(goal_->key);
            } else if (outcome == "battle") {
                // A wild Pokémon or a trainer: the way is still open, try again after it.
                ++plans_interrupted_;
            } else {
                auto& failure = failures_[goal_->key];
                failure = {failure.second == event_flags ? failure.first + 1 : 1, event_flags};
                ++plans_interrupted_;
            }
            if (const auto& blocked = runner_.blocked())
                world_.learn_blocked(blocked->first, blocked->second);
        }
        goal_.reset();
    }
    if (auto press = screens_.handle(state)) return make(press->action, press->why);
    if (!observation.map) return wander("no map from the profile: wandering");
    learn(state, *observation.map);
    // The story moved on: whoever blocked a way (the youngsters on Route 30 until the egg is
    // back with Elm, a guard) may have left, so every way is worth another try.
    if (last_event_flags_ && *last_event_flags_ != event_flags) world_.forget_blocked_moves();
    last_event_flags_ = event_flags;

    if (wander_steps_ > 0 || steps_without_news_ > kStepsWithoutNewsToWander) {
        if (wander_steps_ == 0) wander_steps_ = kWanderSteps;
        --wander_steps_;
        steps_without_news_ = 0;
        return wander("nothing new for a while: wandering");
    }
    const Place here{state.map_id, state.x, state.y};
    const auto facing = game::direction_from_text(state.facing).value_or(Direction::kDown);
    if (auto goal =
            choose_goal(here, facing, *observation.map, event_flags, party_is_weak(state))) {
        ++plans_made_;
        goal_ = std::move(goal);
        goal_->from_map = state.map_id;
        runner_ = PlanRunner(observation.map->turn_takes_a_press);
        runner_.start(goal_->plan);
        if (auto press = runner_.next(state)) return make(*press, goal_->plan.purpose);
        done_.insert(goal_->key);  // already there
        goal_.reset();
    }
    return wander("nothing left to explore: wandering");
}

nlohmann::json ExplorerAgent::stats() const {
    return {{"maps_known", world_.map_ids().size()},
            {"tiles_visited", world_.visited_count()},
            {"plans_made", plans_made_},
            {"plans_interrupted", plans_interrupted_},
            {"goal", goal_ ? goal_->plan.purpose : ""}};
}

}  // namespace crl::agent
