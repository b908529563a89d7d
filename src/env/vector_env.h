// env/vector_env.h — N environments stepped together, each on its own thread (one emulator per
// thread), for throughput. step() returns when every environment has finished its step.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
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
    std::mutex mutex_;
    std::condition_variable_any start_;
    std::condition_variable finished_;
    std::uint64_t generation_ = 0;
    std::size_t pending_ = 0;
    std::vector<std::jthread> workers_;
};

}  // namespace crl::env
