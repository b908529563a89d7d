// rl/training_view.h — what people watching a training run see: every env's position, episode
// return and a small screen (thumbnails at a low rate), the tiles visited per map (the world
// map's heat layer), each map's grid, the training curves, and the watched env's full snapshot
// for the monitor. It copies what the training loop hands it, at bounded rates; it never steps
// environments nor learns.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "env/vector_env.h"
#include "rl/training_log.h"
#include "trainer/snapshot.h"

namespace crl::rl {

struct TrainingViewOptions {
    double thumbnail_seconds = 2.0;  // between two thumbnails of every env
    double stream_fps = 10;          // watched env's snapshots a second
    std::size_t curve_rows = 400;    // update rows kept for the curves (older ones thinned)
};

class TrainingView {
  public:
    TrainingView(std::size_t envs, TrainingViewOptions options = {});

    // The training thread, after every step of all envs; `episode_returns` per env so far.
    void after_step(env::VectorEnv& envs, const std::vector<double>& episode_returns,
                    std::uint64_t env_steps);
    void after_update(const UpdateRow& row, std::uint64_t total_episodes);

    // Any thread.
    void watch(int env);  // out of range: ignored
    int watched() const;
    std::shared_ptr<const trainer::Snapshot> latest() const { return mailbox_.latest(); }
    // /api/training: envs, watched, curve, heat; with_maps adds every map's grid (they do not
    // change, so the dashboard asks once per new map). With curve_after, the curve holds only
    // the updates after that one: a dashboard that keeps the curve fetches only what is new;
    // "curve_last" (the newest update, -1 before the first) tells it when to start over.
    nlohmann::json to_json(bool with_maps,
                           std::optional<std::uint64_t> curve_after = std::nullopt) const;
    std::string prometheus() const;  // /metrics lines for training

  private:
    struct EnvView {
        int map = 0, x = 0, y = 0, badges = 0;
        std::string map_name;
        double episode_return = 0;
        std::string thumbnail;  // data: URL of a PNG, half size
    };
    void publish_watched(env::VectorEnv& envs, const std::vector<double>& returns,
                         std::uint64_t env_steps, double now);
    void take_thumbnails(env::VectorEnv& envs);
    void thin_curve();

    TrainingViewOptions options_;
    trainer::SnapshotMailbox mailbox_;
    double last_thumbnails_ = -1e9, last_snapshot_ = -1e9, started_;
    std::vector<std::uint8_t> rgb_, half_, png_;  // reused buffers (training thread only)

    mutable std::mutex mutex_;  // everything below
    int watched_ = 0;
    std::vector<EnvView> envs_;
    std::map<int, nlohmann::json> maps_;  // map id -> its grid JSON (game/map_view.h)
    std::map<int, std::unordered_map<std::uint32_t, std::uint32_t>> heat_;  // (x,y) -> visits
    std::vector<UpdateRow> curve_;
    std::uint64_t episodes_ = 0;
    double steps_per_second_ = 0;
};

}  // namespace crl::rl
