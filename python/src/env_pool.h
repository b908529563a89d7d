// python/src/env_pool.h — N environments stepped in parallel, EnvPool-style: one thread per
// environment, send() hands out work and returns at once, recv() waits for the first finished
// ones. Results go straight into each environment's row of the caller's arrays. Owns the threads
// and the hand-over between them; knows nothing of Python (the bindings release the GIL around
// these calls). One thread drives a pool at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "env/wait.h"
#include "env_slot.h"

namespace crl::python {

class EnvPool {
  public:
    EnvPool(std::vector<std::unique_ptr<EnvSlot>> slots, std::vector<SlotOutputs> outputs);
    ~EnvPool();
    EnvPool(const EnvPool&) = delete;
    EnvPool& operator=(const EnvPool&) = delete;

    std::size_t size() const { return slots_.size(); }
    EnvSlot& slot(std::size_t index) { return *slots_.at(index); }

    // Starts one step (or reset) per id and returns. An id out of range, repeated or still in
    // flight is std::invalid_argument (nothing is started then).
    void send_steps(std::span<const env::Action> actions, std::span<const std::size_t> ids);
    void send_resets(std::span<const std::optional<std::uint64_t>> seeds,
                     std::span<const std::size_t> ids);
    // Waits for `count` environments sent earlier; returns their ids in the order they finished.
    // A step's exception is rethrown here (the other finished ids are then dropped).
    std::vector<std::size_t> recv(std::size_t count);
    std::size_t in_flight() const { return in_flight_count_; }
    bool busy(std::size_t index) const { return in_flight_.at(index); }
    const SlotOutputs& outputs(std::size_t index) const { return outputs_.at(index); }

    // Every environment one step, the calling thread stepping the first itself: send + recv
    // without a hand-over for environment 0.
    void step_all(std::span<const env::Action> actions);

  private:
    struct Task {
        bool reset = false;
        env::Action action = env::Action::kNoop;
        std::optional<std::uint64_t> seed;
    };
    struct Lane {
        Task task;
        std::atomic<std::uint64_t> generation{0};
        std::exception_ptr error;
    };

    void check_ids(std::span<const std::size_t> ids) const;
    void start(std::size_t id);
    void run(std::size_t id);
    void work(std::size_t id, std::stop_token stop);

    std::vector<std::unique_ptr<EnvSlot>> slots_;
    std::vector<SlotOutputs> outputs_;
    std::vector<std::unique_ptr<Lane>> lanes_;
    std::vector<bool> in_flight_;
    std::size_t in_flight_count_ = 0;
    bool spin_;                // only when every busy thread has a core of its own
    env::Waiter recv_waiter_;  // recv()'s, under driver_

    std::mutex done_mutex_;
    std::vector<std::size_t> done_;
    std::atomic<std::uint64_t> done_count_{0};

    std::mutex driver_;  // send/recv/step_all from one thread at a time
    std::vector<std::jthread> workers_;
};

}  // namespace crl::python
