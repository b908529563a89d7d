// trainer/stats.h — the numbers a run reports live: to the terminal, the dashboard and /metrics.
#pragma once

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>

namespace crl::trainer {

struct Stats {
    std::uint64_t total_actions = 0;
    double actions_per_second = 0;
    double uptime_seconds = 0;
    std::uint64_t llm_calls = 0;
    double llm_avg_time = 0;  // seconds per LLM request
    std::uint64_t llm_errors = 0;
    std::uint64_t llm_fallbacks = 0;
    double total_reward = 0;
    std::uint64_t queue_size = 0;  // decisions waiting to be written
    bool capture_active = false;   // someone is watching the screen
    std::uint64_t episode = 1;
    std::uint64_t frames = 0;
    double emulator_fps = 0;
    std::uint64_t maps_visited = 0;
    std::uint64_t tiles_visited = 0;
    std::string agent;
    bool paused = false;
    double speed = 0;
    std::string last_action;
    double last_reward = 0;
    nlohmann::json milestones = nlohmann::json::array();  // trainer/milestones.h, oldest first

    nlohmann::json to_json() const;
};

// Actions and frames per second over the last few seconds.
class RateMeter {
  public:
    void add(double now_seconds, std::uint64_t actions, std::uint64_t frames);
    double actions_per_second() const { return actions_rate_; }
    double frames_per_second() const { return frames_rate_; }

  private:
    struct Sample {
        double time;
        std::uint64_t actions;
        std::uint64_t frames;
    };
    std::deque<Sample> samples_;
    double actions_rate_ = 0;
    double frames_rate_ = 0;
};

}  // namespace crl::trainer
