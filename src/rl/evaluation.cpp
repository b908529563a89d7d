#include "rl/evaluation.h"

#include <algorithm>
#include <random>

#include "env/observation.h"
#include "env/vector_env.h"
#include "rl/ppo.h"

namespace crl::rl {

std::vector<EpisodeResult> evaluate(std::vector<std::unique_ptr<env::Env>> envs,
                                    const env::EpisodeStart& start, std::optional<Policy> policy,
                                    const EvaluationOptions& options) {
    const auto count = static_cast<std::int64_t>(envs.size());
    env::VectorEnv vector(std::move(envs));
    std::vector<env::ObservationBuilder> builders(vector.size());
    Rollout observations(0, static_cast<int>(count));  // one row: the current observations
    auto buffers = [&observations](std::size_t index) {
        return observations.buffers(0, static_cast<int>(index));
    };
    std::mt19937_64 rng(options.seed);
    std::uniform_int_distribution<int> random_action(0, kActionCount - 1);
    std::vector<EpisodeResult> results;
    std::vector<EpisodeResult> running(vector.size());
    std::vector<std::uint64_t> steps(vector.size(), 0);
    int started = 0;
    std::vector<bool> active(vector.size(), false);
    for (std::size_t i = 0; i < vector.size() && started < options.episodes; ++i, ++started) {
        vector.at(i).reset(start);
        builders[i].begin_episode(vector.at(i), buffers(i));
        active[i] = true;
    }
    std::vector<env::Action> actions(vector.size(), env::Action::kNoop);
    while (std::find(active.begin(), active.end(), true) != active.end()) {
        torch::Tensor chosen;
        if (policy) {
            torch::NoGradGuard no_grad;
            const auto logits = (*policy)->forward(observations.at(0)).logits;
            chosen = options.greedy ? logits.argmax(1) : sample_actions(logits, rng);
        }
        for (std::size_t i = 0; i < vector.size(); ++i) {
            const int index =
                policy ? static_cast<int>(chosen[static_cast<std::int64_t>(i)].item<std::int64_t>())
                       : random_action(rng);
            actions[i] = active[i] ? env::kAllActions.at(static_cast<std::size_t>(index))
                                   : env::Action::kNoop;
        }
        const auto& step_results = vector.step(actions);
        for (std::size_t i = 0; i < vector.size(); ++i) {
            if (!active[i]) continue;
            auto& env = vector.at(i);
            running[i].episode_return += step_results[i].reward;
            builders[i].observe(env, buffers(i));
            if (++steps[i] < options.episode_steps && !step_results[i].done) continue;
            running[i].badges = env.state().badges;
            running[i].maps = static_cast<int>(env.tracker().maps_visited());
            running[i].cells = builders[i].cells_visited();
            results.push_back(running[i]);
            running[i] = {};
            steps[i] = 0;
            if (started < options.episodes) {
                ++started;
                env.reset(start);
                builders[i].begin_episode(env, buffers(i));
            } else {
                active[i] = false;
            }
        }
    }
    return results;
}

nlohmann::json summarise(const std::vector<EpisodeResult>& results) {
    nlohmann::json episodes = nlohmann::json::array();
    double returns = 0, badges = 0, maps = 0;
    int best_badges = 0;
    for (const auto& result : results) {
        episodes.push_back({{"return", result.episode_return},
                            {"badges", result.badges},
                            {"maps", result.maps},
                            {"cells", result.cells}});
        returns += result.episode_return;
        badges += result.badges;
        maps += result.maps;
        best_badges = std::max(best_badges, result.badges);
    }
    const double n = results.empty() ? 1.0 : static_cast<double>(results.size());
    return {{"episodes", results.size()}, {"mean_return", returns / n}, {"mean_badges", badges / n},
            {"most_badges", best_badges}, {"mean_maps", maps / n},      {"per_episode", episodes}};
}

}  // namespace crl::rl
