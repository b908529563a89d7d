// env/vector_env.h — N environments stepped together for throughput on a fixed set of threads:
// as many as there are cores (or fewer envs), the calling thread one of them; thread t steps
// envs t, t + threads, ... so more envs than cores never puts two busy threads on one core.
// A thread done with its own envs steps any another thread has not started yet: on cores busy
// with other programs, a worker not yet scheduled does not hold the step up.
// step() returns when every environment has finished its step.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "env/env.h"
#include "env/wait.h"

namespace crl::env {

class VectorEnv {
  public:
    // threads: 0 = one per core (std::thread::hardware_concurrency), never more than envs.
    explicit VectorEnv(std::vector<std::unique_ptr<Env>> envs, unsigned threads = 0);
    ~VectorEnv();
    VectorEnv(const VectorEnv&) = delete;
    VectorEnv& operator=(const VectorEnv&) = delete;

    std::size_t size() const { return envs_.size(); }
    std::size_t threads() const { return thread_count_; }
    Env& at(std::size_t i) { return *envs_[i]; }
    // actions.size() must equal size(). The results stay valid until the next step: not copied
    // out, as the copy would be on every step's critical path while the workers wait.
    const std::vector<StepResult>& step(const std::vector<Action>& actions);

  private:
    void work(std::size_t thread, std::stop_token stop);
    void step_share(std::size_t thread, std::uint64_t generation);
    void step_if_unclaimed(std::size_t i, std::uint64_t generation);

    std::vector<std::unique_ptr<Env>> envs_;
    std::vector<Action> actions_;
    std::vector<StepResult> results_;
    // Handing a step to the workers and back costs microseconds, not a scheduler round trip:
    // a short spin, then a futex wait (std::atomic::wait); see env/wait.h.
    std::atomic<std::uint64_t> generation_{0};         // one per step
    std::vector<std::atomic<std::uint64_t>> claimed_;  // the generation each env was taken in
    std::atomic<std::size_t> remaining_{0};            // envs of this step not yet stepped
    Waiter step_waiter_;                               // step()'s, for the workers
    std::size_t thread_count_ = 1;                     // set before the workers start: they read it
    std::vector<std::jthread> workers_;
};

}  // namespace crl::env
