#include "rl/training_view.h"

#include <algorithm>
#include <chrono>

#include "image/base64.h"
#include "image/png.h"

namespace crl::rl {
namespace {

constexpr int kThumbnailWidth = emu::kScreenWidth / 2;
constexpr int kThumbnailHeight = emu::kScreenHeight / 2;

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double unix_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::uint32_t cell_key(int x, int y) {
    return (static_cast<std::uint32_t>(static_cast<std::uint16_t>(x)) << 16) |
           static_cast<std::uint16_t>(y);
}

// Every second pixel of every second row: a thumbnail needs no filtering to be recognisable.
void halve(std::span<const std::uint8_t> rgb, std::vector<std::uint8_t>& out) {
    out.resize(static_cast<std::size_t>(kThumbnailWidth) * kThumbnailHeight * 3);
    for (int y = 0; y < kThumbnailHeight; ++y) {
        for (int x = 0; x < kThumbnailWidth; ++x) {
            const auto* pixel =
                &rgb[(static_cast<std::size_t>(2 * y) * emu::kScreenWidth + 2 * x) * 3];
            std::copy_n(pixel, 3, &out[(static_cast<std::size_t>(y) * kThumbnailWidth + x) * 3]);
        }
    }
}

nlohmann::json curve_point(const UpdateRow& row) {
    return {{"update", row.update},
            {"env_steps", row.env_steps},
            {"mean_return", row.mean_return},
            {"episodes", row.episodes},
            {"policy_loss", row.policy_loss},
            {"value_loss", row.value_loss},
            {"entropy", row.entropy},
            {"approx_kl", row.approx_kl},
            {"steps_per_second", row.steps_per_second}};
}

}  // namespace

TrainingView::TrainingView(std::size_t envs, TrainingViewOptions options)
    : options_(options), started_(now_seconds()), rgb_(emu::kFrameRgbBytes), envs_(envs) {}

void TrainingView::after_step(env::VectorEnv& envs, const std::vector<double>& episode_returns,
                              std::uint64_t env_steps) {
    const double now = now_seconds();
    {
        std::lock_guard lock(mutex_);
        for (std::size_t i = 0; i < envs.size() && i < envs_.size(); ++i) {
            const auto& state = envs.at(i).state();
            auto& view = envs_[i];
            view.map = state.map_id;
            view.map_name = state.map_name;
            view.x = state.x;
            view.y = state.y;
            view.badges = state.badges;
            view.episode_return = episode_returns.at(i);
            ++heat_[state.map_id][cell_key(state.x, state.y)];
        }
    }
    // A map's grid is read once, by the first env that stands on it (outside the lock: reading
    // a map costs more than a step's bookkeeping).
    for (std::size_t i = 0; i < envs.size(); ++i) {
        const int map = envs.at(i).state().map_id;
        bool known;
        {
            std::lock_guard lock(mutex_);
            known = maps_.contains(map);
        }
        if (known) continue;
        const auto view = envs.at(i).read_map();
        std::lock_guard lock(mutex_);
        maps_[map] = view ? view->to_json() : nlohmann::json(nullptr);
    }
    if (now - last_thumbnails_ >= options_.thumbnail_seconds) {
        last_thumbnails_ = now;
        take_thumbnails(envs);
    }
    if (options_.stream_fps > 0 && now - last_snapshot_ >= 1.0 / options_.stream_fps) {
        last_snapshot_ = now;
        publish_watched(envs, episode_returns, env_steps, now);
    }
}

void TrainingView::take_thumbnails(env::VectorEnv& envs) {
    std::vector<std::string> thumbnails;
    for (std::size_t i = 0; i < envs.size(); ++i) {
        envs.at(i).machine().copy_frame_rgb(std::span<std::uint8_t, emu::kFrameRgbBytes>(rgb_));
        halve(rgb_, half_);
        const auto size = image::encode_png(half_, kThumbnailWidth, kThumbnailHeight, png_);
        thumbnails.push_back("data:image/png;base64," +
                             image::base64(std::span(png_.data(), size)));
    }
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < thumbnails.size() && i < envs_.size(); ++i)
        envs_[i].thumbnail = std::move(thumbnails[i]);
}

void TrainingView::publish_watched(env::VectorEnv& envs, const std::vector<double>& returns,
                                   std::uint64_t env_steps, double now) {
    const auto index =
        static_cast<std::size_t>(std::clamp(watched(), 0, static_cast<int>(envs.size()) - 1));
    auto& env = envs.at(index);
    auto snapshot = std::make_shared<trainer::Snapshot>();
    snapshot->frame_id = env.machine().frame_count();
    snapshot->timestamp = unix_seconds();
    snapshot->rgb.resize(emu::kFrameRgbBytes);
    env.machine().copy_frame_rgb(std::span<std::uint8_t, emu::kFrameRgbBytes>(snapshot->rgb));
    snapshot->state = env.state();
    auto& stats = snapshot->stats;
    stats.total_actions = env_steps;
    stats.uptime_seconds = now - started_;
    stats.total_reward = returns.at(index);
    stats.frames = env.machine().frame_count();
    stats.maps_visited = env.tracker().maps_visited();
    stats.tiles_visited = env.tracker().tiles_visited();
    stats.agent = "ppo (training, env " + std::to_string(index) + ")";
    stats.capture_active = true;
    {
        std::lock_guard lock(mutex_);
        stats.actions_per_second = steps_per_second_;
        stats.episode = episodes_ + 1;
    }
    stats.emulator_fps = stats.actions_per_second * env.options().frames_per_action;
    mailbox_.publish(std::move(snapshot));
}

void TrainingView::after_update(const UpdateRow& row, std::uint64_t total_episodes) {
    std::lock_guard lock(mutex_);
    curve_.push_back(row);
    episodes_ = total_episodes;
    steps_per_second_ = row.steps_per_second;
    if (curve_.size() > options_.curve_rows) thin_curve();
}

// Keeps every second row of the older half: the curve keeps its whole span in a bounded size.
void TrainingView::thin_curve() {
    const std::size_t half = curve_.size() / 2;
    std::vector<UpdateRow> kept;
    kept.reserve(curve_.size());
    for (std::size_t i = 0; i < half; i += 2)
        kept.push_back(curve_[i]);
    kept.insert(kept.end(), curve_.begin() + static_cast<std::ptrdiff_t>(half), curve_.end());
    curve_ = std::move(kept);
}

void TrainingView::watch(int env) {
    std::lock_guard lock(mutex_);
    if (env >= 0 && env < static_cast<int>(envs_.size())) watched_ = env;
}

int TrainingView::watched() const {
    std::lock_guard lock(mutex_);
    return watched_;
}

nlohmann::json TrainingView::to_json(bool with_maps,
                                     std::optional<std::uint64_t> curve_after) const {
    std::lock_guard lock(mutex_);
    nlohmann::json envs = nlohmann::json::array();
    for (std::size_t i = 0; i < envs_.size(); ++i) {
        const auto& view = envs_[i];
        envs.push_back({{"env", i},
                        {"map", view.map},
                        {"map_name", view.map_name},
                        {"x", view.x},
                        {"y", view.y},
                        {"badges", view.badges},
                        {"episode_return", view.episode_return},
                        {"thumbnail", view.thumbnail}});
    }
    nlohmann::json curve = nlohmann::json::array();
    for (const auto& row : curve_) {
        if (!curve_after || row.update > *curve_after) curve.push_back(curve_point(row));
    }
    nlohmann::json heat = nlohmann::json::object();
    for (const auto& [map, cells] : heat_) {
        auto& list = heat[std::to_string(map)] = nlohmann::json::array();
        for (const auto& [key, visits] : cells)
            list.push_back({static_cast<int>(static_cast<std::int16_t>(key >> 16)),
                            static_cast<int>(static_cast<std::int16_t>(key & 0xFFFF)), visits});
    }
    nlohmann::json result = {
        {"envs", envs},
        {"watched", watched_},
        {"episodes", episodes_},
        {"thumbnail_seconds", options_.thumbnail_seconds},
        {"curve", curve},
        {"curve_last",
         curve_.empty() ? std::int64_t{-1} : static_cast<std::int64_t>(curve_.back().update)},
        {"heat", heat},
        {"map_ids", nlohmann::json::array()}};
    for (const auto& [map, grid] : maps_)
        result["map_ids"].push_back(map);
    if (with_maps) {
        auto& maps = result["maps"] = nlohmann::json::object();
        for (const auto& [map, grid] : maps_)
            maps[std::to_string(map)] = grid;
    }
    return result;
}

std::string TrainingView::prometheus() const {
    std::lock_guard lock(mutex_);
    std::string text =
        "# HELP crystal_rl_train_envs environments trained on\n"
        "# TYPE crystal_rl_train_envs gauge\ncrystal_rl_train_envs " +
        std::to_string(envs_.size()) + "\n";
    if (!curve_.empty()) text += prometheus_text(curve_.back(), episodes_);
    return text;
}

}  // namespace crl::rl
