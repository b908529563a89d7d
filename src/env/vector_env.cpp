#include "env/vector_env.h"

#include <chrono>
#include <stdexcept>

namespace crl::env {
namespace {

// Steps take about a millisecond, so a partner is usually ready within one: spinning that long
// keeps the hand-over at microseconds; a longer wait sleeps on a futex instead of burning a core.
constexpr auto kSpinFor = std::chrono::microseconds(2000);

template <class T>
void wait_while_equal(const std::atomic<T>& value, T old) {
    const auto until = std::chrono::steady_clock::now() + kSpinFor;
    for (int i = 0;; ++i) {
        if (value.load(std::memory_order_acquire) != old) return;
        if ((i & 255) == 255 && std::chrono::steady_clock::now() > until) break;
    }
    while (value.load(std::memory_order_acquire) == old)
        value.wait(old, std::memory_order_acquire);
}

}  // namespace

VectorEnv::VectorEnv(std::vector<std::unique_ptr<Env>> envs)
    : envs_(std::move(envs)), actions_(envs_.size()), results_(envs_.size()) {
    for (std::size_t i = 1; i < envs_.size(); ++i) {
        workers_.emplace_back([this, i](std::stop_token stop) { work(i, stop); });
    }
}

VectorEnv::~VectorEnv() {
    for (auto& worker : workers_)
        worker.request_stop();
    generation_.fetch_add(1, std::memory_order_release);  // wake them to see the stop
    generation_.notify_all();
}

std::vector<StepResult> VectorEnv::step(const std::vector<Action>& actions) {
    if (actions.size() != envs_.size()) {
        throw std::invalid_argument("VectorEnv::step: " + std::to_string(actions.size()) +
                                    " actions for " + std::to_string(envs_.size()) +
                                    " environments");
    }
    actions_ = actions;
    pending_.store(envs_.size() - 1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    if (!envs_.empty()) results_[0] = envs_[0]->step(actions_[0]);
    for (std::size_t left = pending_.load(std::memory_order_acquire); left != 0;
         left = pending_.load(std::memory_order_acquire)) {
        wait_while_equal(pending_, left);
    }
    return results_;
}

void VectorEnv::work(std::size_t index, std::stop_token stop) {
    std::uint64_t seen = 0;
    while (true) {
        wait_while_equal(generation_, seen);
        seen = generation_.load(std::memory_order_acquire);
        if (stop.stop_requested()) return;
        results_[index] = envs_[index]->step(actions_[index]);
        pending_.fetch_sub(1, std::memory_order_acq_rel);
        pending_.notify_all();
    }
}

}  // namespace crl::env
