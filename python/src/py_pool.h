// python/src/py_pool.h — the bindings' side of EnvPool: the batch arrays (NumPy, allocated once,
// written in place by the environments' threads), argument checks and conversions, and the GIL
// released while environments run. Python's Env is a pool of one; VectorEnv a pool of N.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "env_pool.h"
#include "monitor_link.h"

namespace crl::python {

class PyPool {
  public:
    PyPool(EnvConfig config, std::size_t num_envs, std::vector<std::uint64_t> seeds, bool observe);

    std::size_t size() const { return pool_->size(); }
    // Every batch array by name: the observation fields, reward, terminated, truncated,
    // episode_return and info (one int64 column per kInfoNumbers name).
    pybind11::dict arrays() const { return arrays_; }

    void reset(const std::vector<std::size_t>& ids,
               const std::vector<std::optional<std::uint64_t>>& seeds);
    void step(const pybind11::array& actions);
    void send(const pybind11::array& actions, const std::vector<std::size_t>& ids);
    std::vector<std::size_t> recv(std::size_t count);

    pybind11::object game_state(std::size_t index);
    pybind11::object reward_breakdown(std::size_t index);
    bool last_step_was_reset(std::size_t index);
    pybind11::bytes save_state(std::size_t index);
    void load_state(std::size_t index, const pybind11::bytes& state);
    pybind11::bytes read_memory(std::size_t index, int bank, int address, int length);
    pybind11::array render(std::size_t index);
    void attach(std::size_t index, const std::shared_ptr<DashboardServer>& dashboard);
    void close();

  private:
    EnvPool& pool();
    EnvSlot& idle_slot(std::size_t index);  // an environment not in flight, else ValueError
    std::vector<env::Action> to_actions(const pybind11::array& actions) const;

    pybind11::dict arrays_;  // holds the arrays the pool's rows point into: declared first
    std::unique_ptr<EnvPool> pool_;
};

}  // namespace crl::python
