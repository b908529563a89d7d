#include "env_pool.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace crl::python {

EnvPool::EnvPool(std::vector<std::unique_ptr<EnvSlot>> slots, std::vector<SlotOutputs> outputs)
    : slots_(std::move(slots)),
      outputs_(std::move(outputs)),
      in_flight_(slots_.size(), false),
      spin_(slots_.size() <= std::max(1u, std::thread::hardware_concurrency())),
      recv_waiter_(spin_) {
    if (outputs_.size() != slots_.size())
        throw std::invalid_argument("EnvPool: one output row per environment");
    for (std::size_t i = 0; i < slots_.size(); ++i)
        lanes_.push_back(std::make_unique<Lane>());
    for (std::size_t i = 0; i < slots_.size(); ++i)
        workers_.emplace_back([this, i](std::stop_token stop) { work(i, stop); });
}

EnvPool::~EnvPool() {
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        workers_[i].request_stop();
        lanes_[i]->generation.fetch_add(1, std::memory_order_release);
        lanes_[i]->generation.notify_all();
    }
    workers_.clear();  // joins: a step in flight finishes first
}

void EnvPool::check_ids(std::span<const std::size_t> ids) const {
    std::vector<bool> seen(slots_.size(), false);
    for (const auto id : ids) {
        if (id >= slots_.size()) {
            throw std::invalid_argument("env id " + std::to_string(id) + " out of range (" +
                                        std::to_string(slots_.size()) + " environments)");
        }
        if (seen[id] || in_flight_[id]) {
            throw std::invalid_argument(
                "env id " + std::to_string(id) +
                (seen[id] ? " given twice" : " is still in flight: recv() it first"));
        }
        seen[id] = true;
    }
}

void EnvPool::start(std::size_t id) {
    in_flight_[id] = true;
    ++in_flight_count_;
    auto& lane = *lanes_[id];
    lane.generation.fetch_add(1, std::memory_order_release);
    lane.generation.notify_one();
}

void EnvPool::send_steps(std::span<const env::Action> actions, std::span<const std::size_t> ids) {
    std::lock_guard lock(driver_);
    if (actions.size() != ids.size()) {
        throw std::invalid_argument(std::to_string(actions.size()) + " actions for " +
                                    std::to_string(ids.size()) + " env ids");
    }
    check_ids(ids);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        lanes_[ids[i]]->task = Task{false, actions[i], std::nullopt};
        start(ids[i]);
    }
}

void EnvPool::send_resets(std::span<const std::optional<std::uint64_t>> seeds,
                          std::span<const std::size_t> ids) {
    std::lock_guard lock(driver_);
    if (seeds.size() != ids.size()) throw std::invalid_argument("one seed (or None) per env id");
    check_ids(ids);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        lanes_[ids[i]]->task = Task{true, env::Action::kNoop, seeds[i]};
        start(ids[i]);
    }
}

std::vector<std::size_t> EnvPool::recv(std::size_t count) {
    std::lock_guard lock(driver_);
    if (count == 0 || count > in_flight_count_) {
        throw std::invalid_argument("recv(" + std::to_string(count) + ") with " +
                                    std::to_string(in_flight_count_) + " environments in flight");
    }
    std::vector<std::size_t> finished;
    while (true) {
        const auto seen = done_count_.load(std::memory_order_acquire);
        {
            std::lock_guard done_lock(done_mutex_);
            if (done_.size() >= count) {
                finished.assign(done_.begin(), done_.begin() + static_cast<std::ptrdiff_t>(count));
                done_.erase(done_.begin(), done_.begin() + static_cast<std::ptrdiff_t>(count));
                break;
            }
        }
        recv_waiter_.wait_while_equal(done_count_, seen);
    }
    std::exception_ptr error;
    for (const auto id : finished) {
        in_flight_[id] = false;
        --in_flight_count_;
        if (lanes_[id]->error && !error) error = std::exchange(lanes_[id]->error, nullptr);
    }
    if (error) std::rethrow_exception(error);
    return finished;
}

void EnvPool::step_all(std::span<const env::Action> actions) {
    if (actions.size() != slots_.size()) {
        throw std::invalid_argument(std::to_string(actions.size()) + " actions for " +
                                    std::to_string(slots_.size()) + " environments");
    }
    if (slots_.empty()) return;
    std::vector<std::size_t> others(slots_.size() - 1);
    for (std::size_t i = 0; i < others.size(); ++i)
        others[i] = i + 1;
    {
        std::lock_guard lock(driver_);
        if (in_flight_count_ > 0)
            throw std::invalid_argument("step() while environments are in flight: recv() first");
    }
    send_steps(actions.subspan(1), others);
    std::exception_ptr first_error;
    try {
        slots_[0]->step(actions[0], outputs_[0]);
    } catch (...) {
        first_error = std::current_exception();
    }
    if (!others.empty()) recv(others.size());
    if (first_error) std::rethrow_exception(first_error);
}

void EnvPool::run(std::size_t id) {
    auto& lane = *lanes_[id];
    try {
        if (lane.task.reset)
            slots_[id]->reset(lane.task.seed, outputs_[id]);
        else
            slots_[id]->step(lane.task.action, outputs_[id]);
    } catch (...) {
        lane.error = std::current_exception();
    }
    {
        std::lock_guard lock(done_mutex_);
        done_.push_back(id);
    }
    done_count_.fetch_add(1, std::memory_order_acq_rel);
    done_count_.notify_all();
}

void EnvPool::work(std::size_t id, std::stop_token stop) {
    auto& lane = *lanes_[id];
    std::uint64_t seen = 0;
    env::Waiter waiter(spin_);
    while (true) {
        waiter.wait_while_equal(lane.generation, seen);
        seen = lane.generation.load(std::memory_order_acquire);
        if (stop.stop_requested()) return;
        run(id);
    }
}

}  // namespace crl::python
