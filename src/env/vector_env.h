// env/vector_env.h — N environments stepped together for throughput, one emulator per thread:
// the calling thread steps the first environment itself, a worker thread each of the others.
// step() returns when every environment has finished its step.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "env/env.h"

namespace crl::env {

class VectorEnv {
  public:
    explicit VectorEnv(std::vector<std::unique_ptr<Env>> envs);
    ~VectorEnv();
    VectorEnv(const VectorEnv&) = delete;
    VectorEnv& operator=(const VectorEnv&) = delete;

    std::size_t size() const { return envs_.size(); }
    Env& at(std::size_t i) { return *envs_[i]; }
    // actions.size() must equal size().
    std::vector<StepResult> step(const std::vector<Action>& actions);

  private:
    void work(std::size_t index, std::stop_token stop);

    std::vector<std::unique_ptr<Env>> envs_;
    std::vector<Action> actions_;
    std::vector<StepResult> results_;
    // Handing a step to the workers and back costs microseconds, not a scheduler round trip:
    // a short spin, then a futex wait (std::atomic::wait).
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<std::size_t> pending_{0};
    std::vector<std::jthread> workers_;
};

}  // namespace crl::env
