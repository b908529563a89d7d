// rl/training.h — a PPO training run: N environments on a VectorEnv, rollouts, updates, the run
// directory (config, checkpoints with every env's state and the generator, training.sqlite,
// metrics.prom) and resuming after a crash. It owns the loop; the network and the update live in
// policy.h and ppo.h, the CLI in app/train_command.cpp.
//   RUN/config.json                     every hyper-parameter and how the envs were made
//   RUN/policy.pt, RUN/policy.json      the newest checkpoint's network (for run --agent ppo)
//   RUN/checkpoint.json                 the newest checkpoint: counters, generator, env folders
//   RUN/checkpoints/update-N/           policy.pt, optimizer.pt, env-I.state (the last two kept)
//   RUN/training.sqlite, RUN/metrics.prom
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <stop_token>
#include <vector>

#include "env/observation.h"
#include "env/vector_env.h"
#include "rl/learner_threads.h"
#include "rl/ppo.h"
#include "rl/training_log.h"

namespace crl::rl {

struct TrainingOptions {
    PpoConfig ppo;
    std::uint64_t episode_steps = 2000;
    std::uint64_t checkpoint_every = 20;  // updates
    std::uint64_t seed = 1;
    std::string device = "cpu";
    // libtorch threads for the update, when the envs are idle (0: chosen by timing, between one
    // and one per core; learner_threads.h). Acting always uses one: a batch of N observations is
    // too small to share, and the envs' threads need the other cores then.
    int learner_threads = 0;
    bool status_line = false;
    // Called after each update with its row and the episodes so far (the CLI's progress and
    // the dashboard).
    std::function<void(const UpdateRow&, std::uint64_t episodes)> on_update;
    // Called after every step of all envs with each env's episode return so far and the run's
    // env steps (the dashboard); it must be quick.
    std::function<void(env::VectorEnv&, const std::vector<double>&, std::uint64_t)> on_step;
};

// Keeps freed memory in the process instead of giving it back to the system. The update
// allocates and frees tensors of tens of megabytes per minibatch; by default glibc maps each one
// afresh, and the kernel's page faults and zeroing took a quarter of the update's time. The
// resident size stays at the update's peak instead. For a process that trains: call it first.
void keep_freed_memory_for_reuse();

struct TrainingCounters {
    std::uint64_t updates = 0;
    std::uint64_t env_steps = 0;
    std::uint64_t episodes = 0;
};

class Training {
  public:
    // `starts` are the episode starts to choose from (empty: power-on). With resume, the run
    // directory's checkpoint is loaded.
    Training(std::vector<std::unique_ptr<env::Env>> envs, std::vector<env::EpisodeStart> starts,
             std::filesystem::path run_dir, TrainingOptions options, bool resume);
    ~Training();

    // Until total_steps or `stop`; a checkpoint is written at the end either way.
    void run(std::stop_token stop = {});
    const TrainingCounters& counters() const { return counters_; }
    const std::vector<UpdateRow>& history() const { return history_; }  // this process's rows
    Policy& policy() { return learner_.policy(); }
    int learner_threads() const { return learner_threads_.current(); }  // the latest update's

  private:
    struct EpisodeProgress {
        std::uint64_t steps = 0;
        double total = 0;
    };
    UpdateRow collect_rollout(double& env_seconds, double& learner_seconds);
    void finish_episode(std::size_t index, UpdateRow& row, double& returns, double& lengths);
    void start_episode(std::size_t index, int row);
    env::ObservationBuffers buffers(int row, std::size_t index);
    double bootstrap_value(std::size_t index);
    void checkpoint();
    void restore();

    std::filesystem::path run_dir_;
    TrainingOptions options_;
    std::vector<env::EpisodeStart> starts_;
    env::VectorEnv envs_;
    std::vector<env::ObservationBuilder> builders_;
    std::vector<EpisodeProgress> progress_;
    torch::Device device_;
    PpoLearner learner_;
    Rollout rollout_;
    Rollout cut_off_;  // one observation: where an episode stood when it was cut off
    std::mt19937_64 rng_;
    LearnerThreads learner_threads_;
    TrainingCounters counters_;
    TrainingLog log_;
    std::vector<UpdateRow> history_;
    std::vector<std::uint64_t> kept_checkpoints_;
};

}  // namespace crl::rl
