#include "agent/simple_agents.h"

#include <array>
#include <queue>

namespace crl::agent {
namespace {

using env::Action;
constexpr std::array<Action, 4> kDirections = {Action::kDown, Action::kUp, Action::kLeft,
                                               Action::kRight};
constexpr std::array<int, 4> kDx = {0, 0, -1, 1};
constexpr std::array<int, 4> kDy = {1, -1, 0, 0};
constexpr int kFailuresToCallBlocked = 2;  // the first press may only turn the player
constexpr int kStillStepsBeforeShaking = 12;

int direction_of(Action action) {
    for (int d = 0; d < 4; ++d) {
        if (kDirections[static_cast<std::size_t>(d)] == action) return d;
    }
    return -1;
}

}  // namespace

Decision RandomAgent::decide(const Observation&) {
    std::uniform_int_distribution<std::size_t> pick(0, env::kAllActions.size() - 1);
    Decision decision;
    decision.action = env::kAllActions[pick(random_)];
    decision.agent = name();
    decision.source = "policy";
    return decision;
}

Decision ExplorerAgent::make(Action action, const std::string& why) {
    Decision decision;
    decision.action = action;
    decision.agent = name();
    decision.source = "policy";
    decision.reasoning = why;
    last_direction_ =
        direction_of(action) >= 0 ? std::optional<int>(direction_of(action)) : std::nullopt;
    return decision;
}

void ExplorerAgent::learn(const game::GameState& state) {
    const Place here{state.map_id, state.x, state.y};
    if (last_place_ && last_direction_) {
        const auto move = std::make_pair(*last_place_, *last_direction_);
        if (here == *last_place_) {
            ++failures_[move];
            ++still_steps_;
        } else {
            failures_.erase(move);
            still_steps_ = 0;
            const auto& [map, x, y] = *last_place_;
            const bool adjacent =
                std::get<0>(here) == map &&
                std::abs(std::get<1>(here) - x) + std::abs(std::get<2>(here) - y) == 1;
            if (!adjacent) leads_to_[move] = here;  // a door, a warp or a map edge
        }
    }
    ++visits_[here];
    last_place_ = here;
}

bool ExplorerAgent::open(const Place& from, int direction) const {
    const auto it = failures_.find({from, direction});
    return it == failures_.end() || it->second < kFailuresToCallBlocked;
}

// Breadth-first over everything it knows, doors and map edges included, to the nearest move
// that leads somewhere it has not been.
std::optional<Action> ExplorerAgent::toward_unexplored(const Place& here) {
    std::map<Place, int> first_step;  // place -> direction of the first move from here
    std::queue<Place> frontier;
    first_step[here] = -1;
    frontier.push(here);
    std::vector<int> order = {0, 1, 2, 3};
    std::shuffle(order.begin(), order.end(), random_);
    while (!frontier.empty()) {
        const auto place = frontier.front();
        frontier.pop();
        const auto& [map, x, y] = place;
        for (const int d : order) {
            if (!open(place, d)) continue;
            const auto door = leads_to_.find({place, d});
            const Place next = door != leads_to_.end()
                                   ? door->second
                                   : Place{map, x + kDx[static_cast<std::size_t>(d)],
                                           y + kDy[static_cast<std::size_t>(d)]};
            const int step = place == here ? d : first_step[place];
            if (!visits_.count(next)) return kDirections[static_cast<std::size_t>(step)];
            if (!first_step.count(next)) {
                first_step[next] = step;
                frontier.push(next);
            }
        }
    }
    return std::nullopt;
}

Decision ExplorerAgent::decide(const Observation& observation) {
    const auto& state = observation.state;
    using game::Screen;
    if (state.screen == Screen::kTitle) {
        return make(++menu_steps_ % 2 ? Action::kStart : Action::kA, "title screen: press on");
    }
    if (state.screen == Screen::kText) return make(Action::kA, "text box: read on");
    if (state.screen == Screen::kBattle || state.screen == Screen::kMenu) {
        return make(Action::kA, "battle: fight");
    }

    learn(state);
    const Place here{state.map_id, state.x, state.y};
    if (shake_steps_ > 0 || still_steps_ >= kStillStepsBeforeShaking) {
        if (shake_steps_ == 0) shake_steps_ = 6;
        --shake_steps_;
        still_steps_ = 0;
        std::uniform_int_distribution<std::size_t> pick(0, env::kAllActions.size() - 1);
        return make(env::kAllActions[pick(random_)], "stuck: trying something else");
    }
    // Now and then talk to whatever blocks the way: people give hints and badges.
    if (last_direction_ && !open(here, *last_direction_) &&
        std::uniform_int_distribution<int>(0, 9)(random_) == 0) {
        Decision decision = make(Action::kA, "something in the way: talk to it");
        return decision;
    }
    if (const auto action = toward_unexplored(here)) return make(*action, "heading somewhere new");
    std::uniform_int_distribution<std::size_t> pick(0, 3);
    return make(kDirections[pick(random_)], "everything here explored: wandering");
}

Decision HumanAgent::decide(const Observation&) {
    Decision decision;
    decision.agent = name();
    decision.source = "human";
    std::lock_guard lock(mutex_);
    if (!queue_.empty()) {
        decision.action = queue_.front();
        queue_.pop_front();
        decision.reasoning = "pressed on the dashboard";
    } else {
        decision.reasoning = "waiting for a button";
    }
    return decision;
}

void HumanAgent::press(env::Action action) {
    std::lock_guard lock(mutex_);
    constexpr std::size_t kMaxWaiting = 64;  // a held-down key must not queue minutes of input
    if (queue_.size() < kMaxWaiting) queue_.push_back(action);
}

std::size_t HumanAgent::waiting() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

}  // namespace crl::agent
