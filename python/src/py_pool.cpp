#include "py_pool.h"

#include <stdexcept>
#include <string>

#include "convert.h"

namespace crl::python {

namespace py = pybind11;

namespace {

template <class T>
py::array_t<T> zeros(std::vector<py::ssize_t> shape) {
    py::array_t<T> array(shape);
    std::fill_n(array.mutable_data(), array.size(), T{});
    return array;
}

template <class T>
std::span<T> row(py::array_t<T>& array, std::size_t index) {
    const auto per_row = static_cast<std::size_t>(array.size() / array.shape(0));
    return std::span<T>(array.mutable_data() + index * per_row, per_row);
}

std::vector<py::ssize_t> batch_shape(std::size_t num_envs, const std::vector<std::int64_t>& shape) {
    std::vector<py::ssize_t> result{static_cast<py::ssize_t>(num_envs)};
    result.insert(result.end(), shape.begin(), shape.end());
    return result;
}

}  // namespace

PyPool::PyPool(EnvConfig config, std::size_t num_envs, std::vector<std::uint64_t> seeds,
               bool observe) {
    if (num_envs < 1) throw std::invalid_argument("num_envs must be at least 1");
    if (seeds.size() != num_envs) throw std::invalid_argument("one seed per environment");
    const auto prepared = prepare(std::move(config));

    const auto& spec = env::observation_spec();
    auto screen = zeros<std::uint8_t>(batch_shape(num_envs, spec[0].shape));
    auto visited = zeros<std::uint8_t>(batch_shape(num_envs, spec[1].shape));
    auto features = zeros<float>(batch_shape(num_envs, spec[2].shape));
    auto map = zeros<std::int64_t>(batch_shape(num_envs, spec[3].shape));
    auto reward = zeros<double>({static_cast<py::ssize_t>(num_envs)});
    auto terminated = zeros<bool>({static_cast<py::ssize_t>(num_envs)});
    auto truncated = zeros<bool>({static_cast<py::ssize_t>(num_envs)});
    auto episode_return = zeros<double>({static_cast<py::ssize_t>(num_envs)});
    auto info = zeros<std::int64_t>(
        {static_cast<py::ssize_t>(num_envs), static_cast<py::ssize_t>(kInfoNumbers.size())});

    std::vector<std::unique_ptr<EnvSlot>> slots;
    std::vector<SlotOutputs> outputs;
    for (std::size_t i = 0; i < num_envs; ++i) {
        slots.push_back(std::make_unique<EnvSlot>(prepared, seeds[i], observe));
        SlotOutputs out;
        out.observation = {row(screen, i), row(visited, i), row(features, i), row(map, i)};
        out.reward = reward.mutable_data() + i;
        out.terminated = terminated.mutable_data() + i;
        out.truncated = truncated.mutable_data() + i;
        out.episode_return = episode_return.mutable_data() + i;
        out.numbers = std::span<std::int64_t>(info.mutable_data() + i * kInfoNumbers.size(),
                                              kInfoNumbers.size());
        outputs.push_back(out);
    }
    arrays_[py::str(spec[0].name)] = screen;
    arrays_[py::str(spec[1].name)] = visited;
    arrays_[py::str(spec[2].name)] = features;
    arrays_[py::str(spec[3].name)] = map;
    arrays_["reward"] = reward;
    arrays_["terminated"] = terminated;
    arrays_["truncated"] = truncated;
    arrays_["episode_return"] = episode_return;
    arrays_["info"] = info;
    pool_ = std::make_unique<EnvPool>(std::move(slots), std::move(outputs));
}

EnvPool& PyPool::pool() {
    if (!pool_) throw std::runtime_error("the environment is closed");
    return *pool_;
}

EnvSlot& PyPool::idle_slot(std::size_t index) {
    auto& pool = this->pool();
    if (index >= pool.size()) {
        throw std::out_of_range("env index " + std::to_string(index) + " out of range (" +
                                std::to_string(pool.size()) + " environments)");
    }
    if (pool.busy(index)) {
        throw std::invalid_argument("env " + std::to_string(index) +
                                    " is stepping (sent, not received yet)");
    }
    return pool.slot(index);
}

std::vector<env::Action> PyPool::to_actions(const py::array& actions) const {
    const auto as_int =
        py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(actions);
    if (!as_int || as_int.ndim() != 1)
        throw std::invalid_argument("actions must be a 1-D array of integers");
    std::vector<env::Action> result;
    result.reserve(static_cast<std::size_t>(as_int.size()));
    for (py::ssize_t i = 0; i < as_int.size(); ++i) {
        const auto value = as_int.data()[i];
        if (value < 0 || value >= static_cast<std::int64_t>(env::kAllActions.size())) {
            throw std::invalid_argument("action " + std::to_string(value) + " is not in [0, " +
                                        std::to_string(env::kAllActions.size()) + ")");
        }
        result.push_back(env::kAllActions[static_cast<std::size_t>(value)]);
    }
    return result;
}

void PyPool::reset(const std::vector<std::size_t>& ids,
                   const std::vector<std::optional<std::uint64_t>>& seeds) {
    auto& pool = this->pool();
    py::gil_scoped_release release;
    pool.send_resets(seeds, ids);
    if (!ids.empty()) pool.recv(ids.size());
}

void PyPool::step(const py::array& actions) {
    auto& pool = this->pool();
    const auto converted = to_actions(actions);
    py::gil_scoped_release release;
    pool.step_all(converted);
}

void PyPool::send(const py::array& actions, const std::vector<std::size_t>& ids) {
    auto& pool = this->pool();
    const auto converted = to_actions(actions);
    py::gil_scoped_release release;
    pool.send_steps(converted, ids);
}

std::vector<std::size_t> PyPool::recv(std::size_t count) {
    auto& pool = this->pool();
    py::gil_scoped_release release;
    return pool.recv(count);
}

py::object PyPool::game_state(std::size_t index) {
    auto& slot = idle_slot(index);
    const auto held = slot.lock();
    return to_python(slot.env().state().to_json());
}

py::object PyPool::reward_breakdown(std::size_t index) {
    py::dict parts;
    for (const auto& [name, value] : idle_slot(index).last_breakdown().parts)
        parts[py::str(name)] = value;
    return parts;
}

bool PyPool::last_step_was_reset(std::size_t index) {
    return idle_slot(index).last_step_was_reset();
}

py::bytes PyPool::save_state(std::size_t index) {
    auto& slot = idle_slot(index);
    auto held = slot.lock();
    const auto state = slot.env().machine().save_state();
    held.unlock();
    return py::bytes(reinterpret_cast<const char*>(state.data()), state.size());
}

void PyPool::load_state(std::size_t index, const py::bytes& state) {
    auto& slot = idle_slot(index);
    const std::string_view view = state;
    const auto* data = reinterpret_cast<const std::uint8_t*>(view.data());
    const std::span<const std::uint8_t> bytes(data, view.size());
    py::gil_scoped_release release;
    slot.load_state(bytes, pool_->outputs(index));
}

py::bytes PyPool::read_memory(std::size_t index, int bank, int address, int length) {
    auto& slot = idle_slot(index);
    const auto held = slot.lock();
    auto& machine = slot.env().machine();
    constexpr int kAddressSpace = 0x10000;
    constexpr int kMaxBank = 511;  // MBC5's ROM banks, the most any cartridge has
    if (bank < -1 || bank > kMaxBank)
        throw std::invalid_argument("bank must be -1 (as mapped) or 0-511, not " +
                                    std::to_string(bank));
    if (address < 0 || length < 0 || address + length > kAddressSpace) {
        throw std::invalid_argument("address " + std::to_string(address) + " + length " +
                                    std::to_string(length) + " is outside 0x0000-0xFFFF");
    }
    std::string bytes(static_cast<std::size_t>(length), '\0');
    for (int i = 0; i < length; ++i)
        bytes[static_cast<std::size_t>(i)] =
            static_cast<char>(machine.read(bank, static_cast<std::uint16_t>(address + i)));
    return py::bytes(bytes);
}

py::array PyPool::render(std::size_t index) {
    auto& slot = idle_slot(index);
    const auto held = slot.lock();
    auto& machine = slot.env().machine();
    py::array_t<std::uint8_t> frame({emu::kScreenHeight, emu::kScreenWidth, 3});
    machine.copy_frame_rgb(
        std::span<std::uint8_t, emu::kFrameRgbBytes>(frame.mutable_data(), emu::kFrameRgbBytes));
    return frame;
}

void PyPool::attach(std::size_t index, const std::shared_ptr<DashboardServer>& dashboard) {
    auto& slot = idle_slot(index);
    slot.attach(dashboard ? dashboard->link() : nullptr);
}

void PyPool::close() {
    if (!pool_) return;
    py::gil_scoped_release release;
    pool_.reset();  // joins the threads (each finishes the step it is on)
}

}  // namespace crl::python
