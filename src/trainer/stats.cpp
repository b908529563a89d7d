#include "trainer/stats.h"

namespace crl::trainer {

nlohmann::json Stats::to_json() const {
    return {{"total_actions", total_actions},
            {"actions_per_second", actions_per_second},
            {"uptime_seconds", uptime_seconds},
            {"llm_calls", llm_calls},
            {"llm_avg_time", llm_avg_time},
            {"llm_errors", llm_errors},
            {"llm_fallbacks", llm_fallbacks},
            {"total_reward", total_reward},
            {"queue_size", queue_size},
            {"capture_active", capture_active},
            {"episode", episode},
            {"frames", frames},
            {"emulator_fps", emulator_fps},
            {"maps_visited", maps_visited},
            {"tiles_visited", tiles_visited},
            {"agent", agent},
            {"paused", paused},
            {"speed", speed},
            {"last_action", last_action},
            {"last_reward", last_reward},
            {"milestones", milestones}};
}

void RateMeter::add(double now, std::uint64_t actions, std::uint64_t frames) {
    constexpr double kWindowSeconds = 3.0;
    samples_.push_back({now, actions, frames});
    while (samples_.size() > 2 && now - samples_.front().time > kWindowSeconds)
        samples_.pop_front();
    const auto& first = samples_.front();
    const double span = now - first.time;
    if (span <= 0) return;
    actions_rate_ = static_cast<double>(actions - first.actions) / span;
    frames_rate_ = static_cast<double>(frames - first.frames) / span;
}

}  // namespace crl::trainer
