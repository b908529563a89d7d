#include "emu/battery.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

namespace crl::emu {
namespace {

// Clock footers appended after the RAM of a cartridge with a real-time clock: mGBA, BGB and
// SameBoy write 48 bytes, older VisualBoyAdvance 44.
constexpr std::size_t kClockFooters[] = {48, 44};

bool acceptable_size(std::size_t size, std::size_t ram) {
    if (size == ram) return true;
    for (const auto footer : kClockFooters)
        if (size == ram + footer) return true;
    return false;
}

// A ROM whose size happens to equal its RAM's (128 KiB games with 128 KiB of RAM) passes the
// size check; its header does not: the same title and checksums where a ROM keeps them.
bool looks_like_the_rom(const std::vector<std::uint8_t>& bytes, const RomHeader& header) {
    constexpr std::size_t kTitle = 0x134, kHeaderChecksum = 0x14D, kGlobalChecksum = 0x14E;
    if (bytes.size() < kHeaderEnd) return false;
    const std::string title(bytes.begin() + kTitle,
                            bytes.begin() + static_cast<long>(kTitle + header.title.size()));
    return title == header.title && bytes[kHeaderChecksum] == header.header_checksum &&
           (bytes[kGlobalChecksum] << 8 | bytes[kGlobalChecksum + 1]) == header.global_checksum;
}

void check_can_create(const std::filesystem::path& path) {
    const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) {
        throw std::runtime_error("battery save '" + path.string() +
                                 "' cannot be created: folder '" + folder.string() +
                                 "' does not exist");
    }
    if (::access(folder.c_str(), W_OK) != 0) {
        throw std::runtime_error("battery save '" + path.string() +
                                 "' cannot be created: folder '" + folder.string() +
                                 "' is not writable");
    }
}

}  // namespace

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
        spdlog::error("{}", error.what());
    }
}

bool BatteryFile::load_into(Machine& machine, const std::filesystem::path& path) {
    std::error_code ec;
    const auto ram_size = machine.battery_ram().size();
    if (!std::filesystem::exists(path, ec)) {
        check_can_create(path);
        return false;
    }
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw std::runtime_error("battery save '" + path.string() + "' is not a regular file");
    }
    if (ram_size == 0) {
        throw std::runtime_error("battery save '" + path.string() +
                                 "': this cartridge has no battery RAM, so it has no save file");
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || !acceptable_size(size, ram_size)) {
        throw std::runtime_error(
            "battery save '" + path.string() + "' is " + std::to_string(size) +
            " bytes, but this cartridge's battery RAM is " + std::to_string(ram_size) +
            " bytes (or that plus a 44- or 48-byte clock footer): not a save of this game, "
            "so it is neither loaded nor overwritten");
    }
    auto bytes = storage::read_file_bytes(path, "battery save");
    if (looks_like_the_rom(bytes, machine.header())) {
        throw std::runtime_error("battery save '" + path.string() +
                                 "' is a copy of the ROM (its header is the game's), not a "
                                 "battery save: it is neither loaded nor overwritten");
    }
    bytes.resize(ram_size);  // the clock footer, if any: our clock comes from --rtc
    machine.load_battery_ram(bytes);
    return true;
}

bool BatteryFile::load() {
    const bool loaded = load_into(machine_, path_);
    if (loaded) last_queued_ = machine_.battery_ram();
    loaded_or_checked_ = true;
    return loaded;
}

void BatteryFile::tick(std::chrono::steady_clock::time_point now) {
    if (now < next_check_) return;
    next_check_ = now + interval_;
    queue_if_changed();
}

void BatteryFile::queue_if_changed() {
    if (!loaded_or_checked_) return;
    auto ram = machine_.battery_ram();
    if (ram.empty() || ram == last_queued_) return;
    last_queued_ = ram;
    writer_.write(path_, std::move(ram));
}

void BatteryFile::flush() {
    queue_if_changed();
    writer_.flush();
    if (writer_.failures() > 0) {
        throw std::runtime_error("battery save '" + path_.string() +
                                 "': " + std::to_string(writer_.failures()) +
                                 " write(s) failed (see the log); the save on disk may be old");
    }
}

}  // namespace crl::emu
