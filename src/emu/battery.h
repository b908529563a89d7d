// emu/battery.h — the cartridge's battery save (.sav) on disk: loaded at start, written when it
// changed (at most every `interval`) and at the end. Writes happen on a background thread, so the
// emulator thread never waits on the disk; each write is atomic (temporary file + rename), so a
// killed process loses at most one interval and never leaves half a file. A file is loaded
// only if its size is the cartridge's RAM (plus a clock footer other emulators append); nothing
// is ever written over a file that was refused.
#pragma once

#include <chrono>
#include <filesystem>
#include <vector>

#include "emu/machine.h"
#include "storage/files.h"

namespace crl::emu {

class BatteryFile {
  public:
    static constexpr std::chrono::seconds kDefaultInterval{5};

    BatteryFile(Machine& machine, std::filesystem::path path,
                std::chrono::milliseconds interval = kDefaultInterval);
    ~BatteryFile();  // flushes
    BatteryFile(const BatteryFile&) = delete;
    BatteryFile& operator=(const BatteryFile&) = delete;

    // Checks the file and loads it into the machine if it exists; returns whether it did.
    // Throws naming the file and both sizes when it is not a battery save of this cartridge,
    // and when a missing file could not be created later (its folder is missing or read-only).
    bool load();
    // The same checks and load, for commands that never write the save back (state, screenshot).
    static bool load_into(Machine& machine, const std::filesystem::path& path);
    // Call often from the emulator thread: queues a write when due and the RAM changed.
    void tick(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
    // Queues a write of the current RAM if it changed and waits until it is on disk. Throws if
    // a write failed (each failure is also logged).
    void flush();
    const std::filesystem::path& path() const { return path_; }

  private:
    void queue_if_changed();

    Machine& machine_;
    std::filesystem::path path_;
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point next_check_;
    std::vector<std::uint8_t> last_queued_;
    bool loaded_or_checked_ = false;  // nothing is written before load() accepted the file
    storage::AsyncFileWriter writer_;
};

}  // namespace crl::emu
