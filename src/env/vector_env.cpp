#include "env/vector_env.h"

#include <algorithm>
#include <stdexcept>

namespace crl::env {

VectorEnv::VectorEnv(std::vector<std::unique_ptr<Env>> envs, unsigned threads)
    : envs_(std::move(envs)),
      actions_(envs_.size()),
      results_(envs_.size()),
      claimed_(envs_.size()) {
    if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
    thread_count_ = std::max<std::size_t>(1, std::min<std::size_t>(threads, envs_.size()));
    for (std::size_t t = 1; t < thread_count_; ++t) {
        workers_.emplace_back([this, t](std::stop_token stop) { work(t, stop); });
    }
}

VectorEnv::~VectorEnv() {
    for (auto& worker : workers_)
        worker.request_stop();
    generation_.fetch_add(1, std::memory_order_release);  // wake them to see the stop
    generation_.notify_all();
}

const std::vector<StepResult>& VectorEnv::step(const std::vector<Action>& actions) {
    if (actions.size() != envs_.size()) {
        throw std::invalid_argument("VectorEnv::step: " + std::to_string(actions.size()) +
                                    " actions for " + std::to_string(envs_.size()) +
                                    " environments");
    }
    actions_ = actions;
    remaining_.store(envs_.size(), std::memory_order_relaxed);
    const auto generation = generation_.fetch_add(1, std::memory_order_release) + 1;
    generation_.notify_all();
    step_share(0, generation);
    for (std::size_t left = remaining_.load(std::memory_order_acquire); left != 0;
         left = remaining_.load(std::memory_order_acquire)) {
        step_waiter_.wait_while_equal(remaining_, left);
    }
    return results_;
}

void VectorEnv::step_share(std::size_t thread, std::uint64_t generation) {
    for (std::size_t i = thread; i < envs_.size(); i += thread_count_)
        step_if_unclaimed(i, generation);
    // Then whatever another thread has not started: a worker the scheduler has not run yet
    // (other programs on the cores) would otherwise hold the whole step up.
    for (std::size_t i = 0; i < envs_.size(); ++i)
        step_if_unclaimed(i, generation);
}

void VectorEnv::step_if_unclaimed(std::size_t i, std::uint64_t generation) {
    // Each env is claimed once per generation, so it holds the previous one until then; a
    // worker that wakes after its generation is over finds nothing to claim.
    auto previous = generation - 1;
    if (!claimed_[i].compare_exchange_strong(previous, generation, std::memory_order_acq_rel))
        return;
    results_[i] = envs_[i]->step(actions_[i]);
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) remaining_.notify_all();
}

void VectorEnv::work(std::size_t thread, std::stop_token stop) {
    std::uint64_t seen = 0;
    Waiter waiter;
    while (true) {
        waiter.wait_while_equal(generation_, seen);
        seen = generation_.load(std::memory_order_acquire);
        if (stop.stop_requested()) return;
        step_share(thread, seen);
    }
}

}  // namespace crl::env
