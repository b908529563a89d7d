// rl/training_log.h — a training run's numbers: RUN/training.sqlite (a `training` row per update,
// an `episodes` row per finished episode) and RUN/metrics.prom (Prometheus text format, rewritten
// each update). It records; it never decides anything about training.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace crl::rl {

struct UpdateRow {
    std::uint64_t update = 0;
    std::uint64_t env_steps = 0;
    double steps_per_second = 0;
    double mean_return = 0;  // of the episodes finished in this update (NaN-free: 0 if none)
    double mean_length = 0;
    std::uint64_t episodes = 0;  // finished in this update
    double policy_loss = 0, value_loss = 0, entropy = 0, approx_kl = 0, clip_fraction = 0;
    double explained_variance = 0, learning_rate = 0;
    double learner_share = 0;     // of this update's wall time, in the learner
    nlohmann::json reward_parts;  // summed over the update's steps, by component
};

struct EpisodeRow {
    std::uint64_t episode = 0;  // 1-based, counted over the whole run
    int env = 0;
    std::uint64_t env_steps = 0;  // the run's env steps when it ended
    double episode_return = 0;
    std::uint64_t length = 0;
    int badges = 0;
    std::uint64_t cells = 0;  // distinct (map, x, y) seen
    int maps = 0;
};

class TrainingLog {
  public:
    explicit TrainingLog(const std::filesystem::path& database);
    ~TrainingLog();
    TrainingLog(const TrainingLog&) = delete;
    TrainingLog& operator=(const TrainingLog&) = delete;

    // A resumed run forgets what came after its checkpoint, so nothing is counted twice.
    void forget_after(std::uint64_t update, std::uint64_t episode);
    void add_episode(const EpisodeRow& row);
    void add_update(const UpdateRow& row);  // commits the update's episodes with it

  private:
    void exec(const std::string& sql);
    sqlite3* db_ = nullptr;
    bool in_transaction_ = false;
};

// The Prometheus text of an update (crystal_rl_train_*): metrics.prom and the monitor's /metrics.
std::string prometheus_text(const UpdateRow& row, std::uint64_t total_episodes);
void write_prometheus(const std::filesystem::path& path, const UpdateRow& row,
                      std::uint64_t total_episodes);

}  // namespace crl::rl
