// make bench — PPO training throughput on the demo game: env steps/s while training (default
// network, 4 envs, rollouts of 128) against env-only steps/s for the same envs (random buttons,
// observations built the same way), and the learner's share of the training time; on both
// cores. The update costs the same on both, so the faster the envs, the more it bounds training.
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

std::vector<std::unique_ptr<crl::env::Env>> demo_envs(const crl::emu::Rom& rom,
                                                      crl::emu::CoreKind core) {
    crl::emu::MachineOptions machine;
    machine.core = core;
    std::vector<std::unique_ptr<crl::env::Env>> envs;
    for (int i = 0; i < kEnvs; ++i) {
        envs.push_back(std::make_unique<crl::env::Env>(crl::emu::make_machine(rom, machine),
                                                       crl::game::make_profile(rom)));
    }
    return envs;
}

double env_only_rate(const crl::emu::Rom& rom, crl::emu::CoreKind core, int steps) {
    crl::env::VectorEnv vector(demo_envs(rom, core));
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

struct Figures {
    double env_rate = 0, training_rate = 0, learner_share = 0;
    int learner_threads = 0;
};

Figures measure(const crl::emu::Rom& rom, crl::emu::CoreKind core,
                const crl::rl::TrainingOptions& options) {
    const auto dir = std::filesystem::temp_directory_path() / "crystal-rl-rl-bench";
    std::filesystem::remove_all(dir);
    // Env-only before and after training, averaged, so a machine whose load drifts during the
    // run weighs on both sides of the ratio alike.
    const int env_only_steps = options.ppo.rollout_steps * kUpdates / 2;
    const double env_rate_before = env_only_rate(rom, core, env_only_steps);
    Figures figures;
    {
        crl::rl::Training training(demo_envs(rom, core), {}, dir, options, false);
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
        figures.training_rate = static_cast<double>(training.history().size() - kSettlingUpdates) *
                                static_cast<double>(options.ppo.batch_size()) / seconds;
        figures.learner_share = learner_seconds / seconds;
        figures.learner_threads = training.learner_threads();
    }
    std::filesystem::remove_all(dir);
    figures.env_rate = (env_rate_before + env_only_rate(rom, core, env_only_steps)) / 2;
    return figures;
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
    std::printf(
        "\nPPO training on the demo game: %d envs, rollouts of %d, %d epochs x %d minibatches, "
        "default network, updates %zu-%d, the update on the libtorch threads chosen by timing\n\n",
        kEnvs, options.ppo.rollout_steps, options.ppo.epochs, options.ppo.minibatches,
        kSettlingUpdates + 1, kUpdates);
    std::printf(
        "| core | env only: env steps/s (random buttons, observations built) | training: env "
        "steps/s (act + step + PPO update) | training / env-only | learner's share of training "
        "| learner threads |\n|---|---|---|---|---|---|\n");
    for (const auto core : {crl::emu::CoreKind::kMgba, crl::emu::CoreKind::kNative}) {
        const auto figures = measure(rom, core, options);
        std::printf("| %s | %.0f | %.0f | %.2f | %.0f %% | %d |\n", crl::emu::core_name(core),
                    figures.env_rate, figures.training_rate,
                    figures.training_rate / figures.env_rate, 100 * figures.learner_share,
                    figures.learner_threads);
    }
    double load[3] = {0, 0, 0};
    getloadavg(load, 3);
    std::printf(
        "target: training >= 0.6x env-only, set with mGBA envs; the update takes the same time on "
        "both cores, so with native envs it is the larger share. Load average %.2f\n",
        load[0]);
    return 0;
}
