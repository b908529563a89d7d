#include "emu/battery.h"

#include <spdlog/spdlog.h>

namespace crl::emu {

BatteryFile::BatteryFile(Machine& machine, std::filesystem::path path,
                         std::chrono::milliseconds interval)
    : machine_(machine),
      path_(std::move(path)),
      interval_(interval),
      next_check_(std::chrono::steady_clock::now() + interval) {}

BatteryFile::~BatteryFile() {
    try {
        flush();
    } catch (const std::exception& error) {
        spdlog::error("battery save '{}' not written at exit: {}", path_.string(), error.what());
    }
}

bool BatteryFile::load() {
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) return false;
    machine_.load_battery_ram(storage::read_file_bytes(path_, "battery save"));
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
    writer_.write(path_, std::move(ram));
}

void BatteryFile::flush() {
    queue_if_changed();
    writer_.flush();
}

}  // namespace crl::emu
