#include "env/vector_env.h"

#include <stdexcept>

namespace crl::env {

VectorEnv::VectorEnv(std::vector<std::unique_ptr<Env>> envs)
    : envs_(std::move(envs)), actions_(envs_.size()), results_(envs_.size()) {
    for (std::size_t i = 0; i < envs_.size(); ++i) {
        workers_.emplace_back([this, i](std::stop_token stop) { work(i, stop); });
    }
}

VectorEnv::~VectorEnv() {
    for (auto& worker : workers_)
        worker.request_stop();
    start_.notify_all();
}

std::vector<StepResult> VectorEnv::step(const std::vector<Action>& actions) {
    if (actions.size() != envs_.size()) {
        throw std::invalid_argument("VectorEnv::step: " + std::to_string(actions.size()) +
                                    " actions for " + std::to_string(envs_.size()) +
                                    " environments");
    }
    std::unique_lock lock(mutex_);
    actions_ = actions;
    pending_ = envs_.size();
    ++generation_;
    start_.notify_all();
    finished_.wait(lock, [this] { return pending_ == 0; });
    return results_;
}

void VectorEnv::work(std::size_t index, std::stop_token stop) {
    std::uint64_t seen = 0;
    while (true) {
        Action action;
        {
            std::unique_lock lock(mutex_);
            if (!start_.wait(lock, stop, [&] { return generation_ != seen; })) return;
            seen = generation_;
            action = actions_[index];
        }
        auto result = envs_[index]->step(action);
        std::lock_guard lock(mutex_);
        results_[index] = std::move(result);
        if (--pending_ == 0) finished_.notify_one();
    }
}

}  // namespace crl::env
