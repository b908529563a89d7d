#include "agent/simple_agents.h"

namespace crl::agent {

Decision RandomAgent::decide(const Observation&) {
    std::uniform_int_distribution<std::size_t> pick(0, env::kAllActions.size() - 1);
    Decision decision;
    decision.action = env::kAllActions[pick(random_)];
    decision.agent = name();
    decision.source = "policy";
    return decision;
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
