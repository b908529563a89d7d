// rl/evaluation.h — plays whole episodes with a trained policy (sampled or greedy) or uniformly
// random buttons, and reports return and badges per episode: how the README's comparison of a
// trained policy against the random agent is measured. It never learns.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "env/env.h"
#include "rl/policy.h"

namespace crl::rl {

struct EvaluationOptions {
    int episodes = 20;
    std::uint64_t episode_steps = 2000;
    bool greedy = false;  // the most likely action instead of a sample
    std::uint64_t seed = 1;
};

struct EpisodeResult {
    double episode_return = 0;
    int badges = 0;
    int maps = 0;
    std::uint64_t cells = 0;
};

// `policy` empty: uniformly random actions. Episodes run in parallel, one per env at a time.
std::vector<EpisodeResult> evaluate(std::vector<std::unique_ptr<env::Env>> envs,
                                    const env::EpisodeStart& start, std::optional<Policy> policy,
                                    const EvaluationOptions& options);
nlohmann::json summarise(const std::vector<EpisodeResult>& results);

}  // namespace crl::rl
