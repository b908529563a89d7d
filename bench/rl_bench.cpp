// make bench — PPO training throughput on the demo game: env steps/s while training (default
// network, 4 envs, rollouts of 128) against env-only steps/s for the same envs (random buttons,
// observations built the same way), and the learner's share of the training time.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "demo_rom.h"
#include "env/observation.h"
#include "env/vector_env.h"
#include "rl/training.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kEnvs = 4;
constexpr int kUpdates = 9;
// The first updates warm libtorch up and try the update on one thread and on one per core
// (rl/learner_threads.h); the figures are those of the updates after them.
constexpr std::size_t kSettlingUpdates = 3;

std::vector<std::unique_ptr<crl::env::Env>> demo_envs(const crl::emu::Rom& rom) {
    std::vector<std::unique_ptr<crl::env::Env>> envs;
    for (int i = 0; i < kEnvs; ++i) {
        envs.push_back(std::make_unique<crl::env::Env>(crl::emu::make_machine(rom),
                                                       crl::game::make_profile(rom)));
    }
    return envs;
}

double env_only_rate(const crl::emu::Rom& rom, int steps) {
    crl::env::VectorEnv vector(demo_envs(rom));
    std::vector<crl::env::ObservationBuilder> builders(kEnvs);
    std::vector<std::uint8_t> screen(crl::env::kObsFrames * crl::env::kObsScreenHeight *
                                     crl::env::kObsScreenWidth);
    std::vector<std::uint8_t> visited(crl::env::kObsVisitedSide * crl::env::kObsVisitedSide);
    std::vector<float> features(crl::env::feature_count());
    std::vector<std::int64_t> map(1);
    const crl::env::ObservationBuffers buffers{screen, visited, features, map};
    for (int i = 0; i < kEnvs; ++i)
        builders[i].begin_episode(vector.at(i), buffers);
    std::mt19937 random(1);
    std::uniform_int_distribution<std::size_t> pick(0, crl::env::kAllActions.size() - 1);
    std::vector<crl::env::Action> actions(kEnvs);
    const auto start = Clock::now();
    for (int step = 0; step < steps; ++step) {
        for (auto& action : actions)
            action = crl::env::kAllActions[pick(random)];
        vector.step(actions);
        for (int i = 0; i < kEnvs; ++i)
            builders[i].observe(vector.at(i), buffers);
    }
    return steps * kEnvs / std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main() {
    const auto bytes = crl::demo_rom_bytes();
    if (bytes.empty()) {
        std::puts("rl bench: no demo game in this build (SDCC missing)");
        return 0;
    }
    crl::rl::keep_freed_memory_for_reuse();  // as crystal-rl train does
    const auto rom = crl::emu::Rom::from_bytes(bytes, "'demo'");
    crl::rl::TrainingOptions options;
    options.ppo.envs = kEnvs;
    options.ppo.total_steps = static_cast<std::uint64_t>(kUpdates) * options.ppo.batch_size();
    options.checkpoint_every = 1000;
    const auto dir = std::filesystem::temp_directory_path() / "crystal-rl-rl-bench";
    std::filesystem::remove_all(dir);
    // Env-only before and after training, averaged, so a machine whose load drifts during the
    // run weighs on both sides of the ratio alike.
    const int env_only_steps = options.ppo.rollout_steps * kUpdates / 2;
    const double env_rate_before = env_only_rate(rom, env_only_steps);
    double training_rate = 0, learner_share = 0;
    int learner_threads = 0;
    {
        crl::rl::Training training(demo_envs(rom), {}, dir, options, false);
        training.run();
        // From the updates' own clocks: the checkpoints at the start and the end are not
        // training.
        double seconds = 0, learner_seconds = 0;
        for (std::size_t i = kSettlingUpdates; i < training.history().size(); ++i) {
            const auto& row = training.history()[i];
            const double update_seconds =
                static_cast<double>(options.ppo.batch_size()) / row.steps_per_second;
            seconds += update_seconds;
            learner_seconds += row.learner_share * update_seconds;
        }
        training_rate = static_cast<double>(training.history().size() - kSettlingUpdates) *
                        static_cast<double>(options.ppo.batch_size()) / seconds;
        learner_share = learner_seconds / seconds;
        learner_threads = training.learner_threads();
    }
    std::filesystem::remove_all(dir);
    const double env_rate = (env_rate_before + env_only_rate(rom, env_only_steps)) / 2;
    double load[3] = {0, 0, 0};
    getloadavg(load, 3);

    std::printf(
        "\nPPO training on the demo game: %d envs, rollouts of %d, %d epochs x %d "
        "minibatches, default network, updates %zu-%d, the update on %d libtorch threads at "
        "the end (chosen by timing)\n",
        kEnvs, options.ppo.rollout_steps, options.ppo.epochs, options.ppo.minibatches,
        kSettlingUpdates + 1, kUpdates, learner_threads);
    std::printf("| mode | env steps/s |\n|---|---|\n");
    std::printf("| env only (random buttons, observations built) | %.0f |\n", env_rate);
    std::printf("| training (act + step + PPO update) | %.0f |\n", training_rate);
    std::printf(
        "training / env-only: %.2f (target >= 0.6); learner's share of training time: "
        "%.0f %%; load average %.2f\n",
        training_rate / env_rate, 100 * learner_share, load[0]);
    return 0;
}
