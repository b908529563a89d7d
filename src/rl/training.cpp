#include "rl/training.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "storage/files.h"

namespace crl::rl {
namespace {

constexpr std::size_t kCheckpointsKept = 2;

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

Policy seeded_policy(const PolicyShape& shape, std::uint64_t seed) {
    torch::manual_seed(seed);
    return Policy(shape);
}

torch::Device parse_device(const std::string& name) {
    if (name == "cpu") return torch::kCPU;
    if (name == "cuda") {
        if (!torch::cuda::is_available())
            throw std::runtime_error("--device cuda: this libtorch has no usable CUDA device");
        return torch::kCUDA;
    }
    throw std::runtime_error("unknown device '" + name + "' (use cpu or cuda)");
}

nlohmann::json read_json(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read '" + path.string() + "'");
    return nlohmann::json::parse(in);
}

void write_json_atomically(const std::filesystem::path& path, const nlohmann::json& json) {
    const auto text = json.dump(2) + "\n";
    storage::write_file_atomically(
        path, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

// libtorch's thread count is the process's; this sets it for a scope and puts it back.
class TorchThreads {
  public:
    explicit TorchThreads(int threads) : previous_(torch::get_num_threads()) {
        if (threads != previous_) torch::set_num_threads(threads);
    }
    ~TorchThreads() {
        if (torch::get_num_threads() != previous_) torch::set_num_threads(previous_);
    }
    TorchThreads(const TorchThreads&) = delete;
    TorchThreads& operator=(const TorchThreads&) = delete;

  private:
    int previous_;
};

std::string episode_folder(std::uint64_t update) {
    return "update-" + std::to_string(update);
}

}  // namespace

void keep_freed_memory_for_reuse() {
    constexpr int kLarge = 1 << 30;
    mallopt(M_MMAP_THRESHOLD, kLarge);
    mallopt(M_TRIM_THRESHOLD, kLarge);
}

Training::Training(std::vector<std::unique_ptr<env::Env>> envs,
                   std::vector<env::EpisodeStart> starts, std::filesystem::path run_dir,
                   TrainingOptions options, bool resume)
    : run_dir_(std::move(run_dir)),
      options_(std::move(options)),
      starts_(std::move(starts)),
      envs_(std::move(envs)),
      builders_(envs_.size()),
      progress_(envs_.size()),
      device_(parse_device(options_.device)),
      learner_(seeded_policy(options_.ppo.shape, options_.seed), options_.ppo, device_),
      rollout_(options_.ppo.rollout_steps, static_cast<int>(envs_.size())),
      cut_off_(0, 1),
      rng_(options_.seed),
      learner_threads_(options_.learner_threads,
                       static_cast<int>(std::max(1U, std::thread::hardware_concurrency()))),
      log_((std::filesystem::create_directories(run_dir_ / "checkpoints"),
            run_dir_ / "training.sqlite")) {
    if (static_cast<int>(envs_.size()) != options_.ppo.envs)
        throw std::invalid_argument("Training: envs given differ from the configuration");
    if (resume) {
        restore();
        return;
    }
    for (std::size_t i = 0; i < envs_.size(); ++i)
        start_episode(i, 0);
}

Training::~Training() = default;

env::ObservationBuffers Training::buffers(int row, std::size_t index) {
    return rollout_.buffers(row, static_cast<int>(index));
}

// An episode cut off by --episode-steps did not end: its last reward carries the discounted
// value of where it stood, so the value function is not taught that time running out is a
// terminal state.
double Training::bootstrap_value(std::size_t index) {
    builders_[index].observe(envs_.at(index), cut_off_.buffers(0, 0));
    return options_.ppo.gamma * learner_.values(cut_off_.at(0)).item<double>();
}

void Training::start_episode(std::size_t index, int row) {
    auto& env = envs_.at(index);
    if (starts_.empty()) {
        env.reset();
    } else {
        std::uniform_int_distribution<std::size_t> pick(0, starts_.size() - 1);
        env.reset(starts_[pick(rng_)]);
    }
    progress_[index] = {};
    builders_[index].begin_episode(env, buffers(row, index));
}

void Training::finish_episode(std::size_t index, UpdateRow& row, double& returns, double& lengths) {
    auto& env = envs_.at(index);
    EpisodeRow episode;
    episode.episode = ++counters_.episodes;
    episode.env = static_cast<int>(index);
    episode.env_steps = counters_.env_steps;
    episode.episode_return = progress_[index].total;
    episode.length = progress_[index].steps;
    episode.badges = env.state().badges;
    episode.cells = builders_[index].cells_visited();
    episode.maps = static_cast<int>(env.tracker().maps_visited());
    log_.add_episode(episode);
    ++row.episodes;
    returns += episode.episode_return;
    lengths += static_cast<double>(episode.length);
}

UpdateRow Training::collect_rollout(double& env_seconds, double& learner_seconds) {
    UpdateRow row;
    row.reward_parts = nlohmann::json::object();
    std::map<std::string, double> parts;
    double returns = 0, lengths = 0;
    std::vector<env::Action> actions(envs_.size());
    std::vector<double> episode_returns;
    auto rewards = rollout_.rewards.accessor<float, 2>();
    auto dones = rollout_.dones.accessor<float, 2>();
    for (int t = 0; t < rollout_.steps; ++t) {
        double started = now_seconds();
        const auto act = learner_.act(rollout_.at(t), rng_);
        rollout_.actions[t].copy_(act.actions);
        rollout_.log_probs[t].copy_(act.log_probs);
        rollout_.values[t].copy_(act.values);
        auto chosen = act.actions.accessor<std::int64_t, 1>();
        for (std::size_t i = 0; i < envs_.size(); ++i)
            actions[i] = env::kAllActions.at(static_cast<std::size_t>(chosen[i]));
        learner_seconds += now_seconds() - started;

        started = now_seconds();
        const auto& results = envs_.step(actions);
        counters_.env_steps += envs_.size();
        for (std::size_t i = 0; i < envs_.size(); ++i) {
            const auto& result = results[i];
            rewards[t][static_cast<std::int64_t>(i)] = static_cast<float>(result.reward);
            for (const auto& [name, value] : result.breakdown.parts)
                parts[name] += value;
            auto& progress = progress_[i];
            progress.total += result.reward;
            ++progress.steps;
            const bool cut_off = !result.done && progress.steps >= options_.episode_steps;
            const bool done = result.done || cut_off;
            dones[t][static_cast<std::int64_t>(i)] = done ? 1.f : 0.f;
            if (cut_off) {
                const double started_learning = now_seconds();
                rewards[t][static_cast<std::int64_t>(i)] += static_cast<float>(bootstrap_value(i));
                learner_seconds += now_seconds() - started_learning;
            }
            if (done) {
                finish_episode(i, row, returns, lengths);
                start_episode(i, t + 1);
            } else {
                builders_[i].observe(envs_.at(i), buffers(t + 1, i));
            }
        }
        env_seconds += now_seconds() - started;
        if (options_.on_step) {
            episode_returns.resize(envs_.size());
            for (std::size_t i = 0; i < envs_.size(); ++i)
                episode_returns[i] = progress_[i].total;
            options_.on_step(envs_, episode_returns, counters_.env_steps);
        }
    }
    for (const auto& [name, value] : parts)
        row.reward_parts[name] = value;
    if (row.episodes > 0) {
        row.mean_return = returns / static_cast<double>(row.episodes);
        row.mean_length = lengths / static_cast<double>(row.episodes);
    }
    return row;
}

void Training::run(std::stop_token stop) {
    const auto total_updates = options_.ppo.total_updates();
    if (counters_.updates == 0) checkpoint();
    while (counters_.updates < total_updates && !stop.stop_requested()) {
        const double started = now_seconds();
        double env_seconds = 0, learner_seconds = 0;
        auto row = [&] {
            const TorchThreads acting(1);
            return collect_rollout(env_seconds, learner_seconds);
        }();

        const double learn_started = now_seconds();
        const auto stats = [&] {
            const TorchThreads learning(learner_threads_.next());
            rollout_.values[rollout_.steps].copy_(learner_.values(rollout_.at(rollout_.steps)));
            return learner_.update(rollout_, counters_.updates, rng_);
        }();
        rollout_.carry_over();
        learner_threads_.took(now_seconds() - learn_started);
        learner_seconds += now_seconds() - learn_started;
        const double elapsed = now_seconds() - started;

        ++counters_.updates;
        row.update = counters_.updates;
        row.env_steps = counters_.env_steps;
        row.steps_per_second = static_cast<double>(options_.ppo.batch_size()) / elapsed;
        row.policy_loss = stats.policy_loss;
        row.value_loss = stats.value_loss;
        row.entropy = stats.entropy;
        row.approx_kl = stats.approx_kl;
        row.clip_fraction = stats.clip_fraction;
        row.explained_variance = stats.explained_variance;
        row.learning_rate = stats.learning_rate;
        row.learner_share = learner_seconds / elapsed;
        log_.add_update(row);
        write_prometheus(run_dir_ / "metrics.prom", row, counters_.episodes);
        history_.push_back(row);
        if (options_.on_update) options_.on_update(row, counters_.episodes);
        if (options_.status_line) {
            std::cerr << "\rupdate " << row.update << "/" << total_updates << "  steps "
                      << row.env_steps << "  " << static_cast<int>(row.steps_per_second)
                      << " steps/s  return " << row.mean_return << "  entropy " << row.entropy
                      << "   " << std::flush;
        }
        if (counters_.updates % options_.checkpoint_every == 0) checkpoint();
    }
    if (options_.status_line) std::cerr << '\n';
    checkpoint();
}

void Training::checkpoint() {
    if (!kept_checkpoints_.empty() && kept_checkpoints_.back() == counters_.updates) return;
    const auto folder = run_dir_ / "checkpoints" / episode_folder(counters_.updates);
    std::filesystem::create_directories(folder);
    nlohmann::json envs = nlohmann::json::array();
    for (std::size_t i = 0; i < envs_.size(); ++i) {
        const auto name = "env-" + std::to_string(i) + ".state";
        envs_.at(i).machine().save_state_file(folder / name);
        envs.push_back({{"state", name},
                        {"episode_steps", progress_[i].steps},
                        {"episode_return", progress_[i].total}});
    }
    save_policy(learner_.policy(), folder / "policy.pt");
    torch::save(learner_.optimizer(), (folder / "optimizer.pt").string());
    std::ostringstream generator;
    generator << rng_;
    write_json_atomically(run_dir_ / "checkpoint.json",
                          {{"update", counters_.updates},
                           {"env_steps", counters_.env_steps},
                           {"episodes", counters_.episodes},
                           {"folder", folder.lexically_relative(run_dir_).string()},
                           {"generator", generator.str()},
                           {"envs", envs}});
    // The newest network where people look for it.
    save_policy(learner_.policy(), run_dir_ / "policy.pt");
    kept_checkpoints_.push_back(counters_.updates);
    while (kept_checkpoints_.size() > kCheckpointsKept) {
        std::filesystem::remove_all(run_dir_ / "checkpoints" /
                                    episode_folder(kept_checkpoints_.front()));
        kept_checkpoints_.erase(kept_checkpoints_.begin());
    }
}

void Training::restore() {
    const auto info = read_json(run_dir_ / "checkpoint.json");
    const auto folder = run_dir_ / info.at("folder").get<std::string>();
    counters_.updates = info.at("update");
    counters_.env_steps = info.at("env_steps");
    counters_.episodes = info.at("episodes");
    std::istringstream(info.at("generator").get<std::string>()) >> rng_;
    torch::load(learner_.policy(), (folder / "policy.pt").string());
    learner_.policy()->to(device_);
    torch::load(learner_.optimizer(), (folder / "optimizer.pt").string());
    const auto& envs = info.at("envs");
    if (envs.size() != envs_.size()) {
        throw std::runtime_error("the checkpoint has " + std::to_string(envs.size()) +
                                 " envs, this run " + std::to_string(envs_.size()));
    }
    for (std::size_t i = 0; i < envs_.size(); ++i) {
        auto& env = envs_.at(i);
        const auto state =
            storage::read_file_bytes(folder / envs[i].at("state").get<std::string>(), "env state");
        env.restore(state, emu::Movie());
        progress_[i].steps = envs[i].at("episode_steps");
        progress_[i].total = envs[i].at("episode_return");
        builders_[i].begin_episode(env, buffers(0, i));
    }
    log_.forget_after(counters_.updates, counters_.episodes);
    // Older checkpoint folders than this one are still on disk; keep track so they get pruned.
    for (const auto& entry : std::filesystem::directory_iterator(run_dir_ / "checkpoints")) {
        const auto name = entry.path().filename().string();
        if (name.rfind("update-", 0) != 0) continue;
        const auto update = std::stoull(name.substr(7));
        if (update > counters_.updates)
            std::filesystem::remove_all(entry.path());  // written after the checkpoint.json
        else
            kept_checkpoints_.push_back(update);
    }
    std::sort(kept_checkpoints_.begin(), kept_checkpoints_.end());
    spdlog::info("resumed at update {} ({} env steps, {} episodes)", counters_.updates,
                 counters_.env_steps, counters_.episodes);
}

}  // namespace crl::rl
