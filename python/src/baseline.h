// python/src/baseline.h — the C++ side of bench/python_bench.py: crl::env::VectorEnv stepped
// directly from C++ with the same environments and buttons, the figure Python is held to.
#pragma once

#include <cstddef>

#include "env_config.h"

namespace crl::python {

// Steps per second of `num_envs` environments (no observations, nothing drawn) over `steps`
// steps each.
double cpp_vector_env_rate(const EnvConfig& config, std::size_t num_envs, int steps);

}  // namespace crl::python
