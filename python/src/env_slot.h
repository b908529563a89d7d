// python/src/env_slot.h — one environment as the Python module steps it: the Env, its
// observation builder, its seeded start and Gymnasium 1.x "next-step" autoreset. It writes
// every result into caller-owned memory (a row of the batch arrays) and never allocates per
// step or touches Python objects, so it can run on any thread without the GIL.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string_view>

#include "env/observation.h"
#include "env_config.h"
#include "monitor_link.h"

namespace crl::python {

// Per-step numbers reported in `info`, one int64 column each, in this order.
inline constexpr std::array<std::string_view, 8> kInfoNumbers = {
    "episode_steps", "map_id", "x", "y", "badges", "money", "party_level_total", "frame"};

// One environment's row of the batch arrays.
struct SlotOutputs {
    env::ObservationBuffers observation;
    double* reward = nullptr;
    bool* terminated = nullptr;
    bool* truncated = nullptr;
    double* episode_return = nullptr;
    std::span<std::int64_t> numbers;  // kInfoNumbers.size() elements
};

class EnvSlot {
  public:
    // `observe` false: no observation is built (only rewards and info), for the fastest loop.
    EnvSlot(const PreparedConfig& config, std::uint64_t seed, bool observe);
    ~EnvSlot();
    EnvSlot(const EnvSlot&) = delete;
    EnvSlot& operator=(const EnvSlot&) = delete;

    // Starts an episode; a seed restarts the random start draws from it.
    void reset(std::optional<std::uint64_t> seed, const SlotOutputs& out);
    // One action, or — when the previous step ended the episode — a reset that ignores the
    // action and reports reward 0 (Gymnasium 1.x next-step autoreset).
    void step(env::Action action, const SlotOutputs& out);

    // Continues from a save state: a new episode's bookkeeping, the frame history refilled.
    void load_state(std::span<const std::uint8_t> state, const SlotOutputs& out);

    // Held by reset, step and load_state, and to be held by anyone else using env(): an attached
    // dashboard reads the environment from its own thread when it is free.
    std::unique_lock<std::mutex> lock() { return std::unique_lock(mutex_); }
    env::Env& env() { return *env_; }
    const env::Env& env() const { return *env_; }
    const env::RewardBreakdown& last_breakdown() const { return breakdown_; }
    bool last_step_was_reset() const { return last_step_was_reset_; }
    // Publishes to a dashboard after steps (rate-limited there); null detaches.
    void attach(std::shared_ptr<MonitorLink> link);

  private:
    void begin_episode(const SlotOutputs& out);
    void write_info(const SlotOutputs& out) const;

    env::EpisodeStart start_;
    int random_start_frames_;
    bool draws_screen_;  // else only while a dashboard viewer watches
    std::unique_ptr<env::Env> env_;
    std::optional<env::ObservationBuilder> builder_;
    std::mt19937_64 random_;
    env::RewardBreakdown breakdown_;
    double episode_return_ = 0;
    bool episode_over_ = false;
    bool last_step_was_reset_ = false;
    std::shared_ptr<MonitorLink> link_;
    std::mutex mutex_;
};

}  // namespace crl::python
