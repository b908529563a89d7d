#include "baseline.h"

#include <chrono>

#include "env/vector_env.h"

namespace crl::python {

double cpp_vector_env_rate(const EnvConfig& config, std::size_t num_envs, int steps) {
    auto fast = config;
    fast.draw_screen = false;
    const auto prepared = prepare(fast);
    std::vector<std::unique_ptr<env::Env>> envs;
    for (std::size_t i = 0; i < num_envs; ++i) {
        envs.push_back(make_env(prepared));
        envs.back()->reset(prepared.start);
    }
    env::VectorEnv vector(std::move(envs));
    std::vector<env::Action> actions(num_envs);
    const auto start = std::chrono::steady_clock::now();
    for (int step = 0; step < steps; ++step) {
        // The same buttons bench/python_bench.py sends: action = step % 9 for every environment.
        std::fill(actions.begin(), actions.end(),
                  env::kAllActions[static_cast<std::size_t>(step) % env::kAllActions.size()]);
        vector.step(actions);
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return static_cast<double>(steps) * static_cast<double>(num_envs) / elapsed.count();
}

}  // namespace crl::python
