#include "emu/battery.h"

#include <spdlog/spdlog.h>

namespace crl::emu {

BatteryFile::BatteryFile(Machine& machine, std::filesystem::path path,
                         std::chrono::milliseconds interval)
    : machine_(machine),
      path_(std::move(path)),
      interval_(interval),
      next_check_(std::chrono::steady_clock::now() + interval),
      writer_([this](std::stop_token stop) { writer_loop(stop); }) {}

BatteryFile::~BatteryFile() {
    try {
        flush();
    } catch (const std::exception& error) {
        spdlog::error("battery save '{}' not written at exit: {}", path_.string(), error.what());
    }
    writer_.request_stop();
    wake_.notify_all();
}

bool BatteryFile::load() {
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) return false;
    const auto ram = read_file_bytes(path_, "battery save");
    machine_.load_battery_ram(ram);
    last_queued_ = machine_.battery_ram();
    return true;
}

void BatteryFile::tick(std::chrono::steady_clock::time_point now) {
    if (now < next_check_) return;
    next_check_ = now + interval_;
    queue_if_changed();
}

void BatteryFile::queue_if_changed() {
    auto ram = machine_.battery_ram();
    if (ram.empty() || ram == last_queued_) return;
    last_queued_ = ram;
    {
        std::lock_guard lock(mutex_);
        pending_ = std::move(ram);  // a newer image replaces one not yet written
    }
    wake_.notify_all();
}

void BatteryFile::flush() {
    queue_if_changed();
    std::unique_lock lock(mutex_);
    written_.wait(lock, [this] { return !pending_ && !writing_; });
}

void BatteryFile::writer_loop(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, stop, [this] { return pending_.has_value(); });
        if (!pending_) return;  // stopping with nothing left to write
        auto bytes = std::move(*pending_);
        pending_.reset();
        writing_ = true;
        lock.unlock();
        try {
            write_file_atomically(path_, bytes);
        } catch (const std::exception& error) {
            spdlog::error("battery save: {}", error.what());
        }
        lock.lock();
        writing_ = false;
        written_.notify_all();
    }
}

}  // namespace crl::emu
