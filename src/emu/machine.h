// emu/machine.h — one emulated Game Boy / Game Boy Color, as the rest of crystal-rl sees it.
// Owns: running frames with held buttons, the picture, bank-aware memory, save states, battery
// RAM and the cartridge clock. Knows nothing of games, agents or sockets. No emulator type leaks
// out of this header: the mGBA core lives behind make_machine(); a native core would be a
// second implementation file, not a change anywhere else. A Machine is used from one thread.
#pragma once

#include <array>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "emu/buttons.h"
#include "emu/movie.h"
#include "emu/rom.h"

namespace crl::emu {

inline constexpr int kScreenWidth = 160;
inline constexpr int kScreenHeight = 144;
inline constexpr std::size_t kFrameRgbBytes = kScreenWidth * kScreenHeight * 3;
inline constexpr double kFramesPerSecond = 4194304.0 / 70224.0;  // ~59.7275 Hz

// 2026-01-01 00:00:00 UTC: the cartridge clock's start unless the user picks one.
inline constexpr std::int64_t kDefaultRtcStart = 1767225600;

enum class Render {
    kNone,  // draw nothing: fastest, for training nobody watches
    kLast,  // draw only the last frame of each run_frames() call
    kAll,   // draw every frame
};

enum class Clock {
    kEmulated,  // starts at rtc_start and advances with emulated time: runs are reproducible
    kHost,      // follows the host's wall clock, like a real cartridge
};

// The emulator behind Machine: crystal-rl's own (src/emu/native) or libmgba, the reference.
enum class CoreKind {
    kMgba,
    kNative,
};

struct MachineOptions {
    CoreKind core = CoreKind::kNative;
    Clock clock = Clock::kEmulated;
    std::int64_t rtc_start = kDefaultRtcStart;  // Unix seconds, for Clock::kEmulated
};

// Whole memory areas, for snapshots and observation.
enum class Region {
    kWram,     // 32 KiB: bank n at n*0x1000 (bank 0 = C000-CFFF, 1-7 = D000-DFFF on Color)
    kHram,     // 127 bytes, FF80-FFFE
    kCartRam,  // all cartridge RAM banks (0 bytes when the cartridge has none)
    kVram,     // 16 KiB on Color (2 banks), 8 KiB otherwise
};

// A state that cannot be loaded (corrupt, truncated, another ROM's). The machine is unchanged.
class StateError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Machine {
  public:
    virtual ~Machine() = default;

    virtual const RomHeader& header() const = 0;
    virtual const MachineOptions& options() const = 0;

    // Power cycle: back to the first instruction, frame counter 0. Cartridge RAM is kept.
    virtual void reset() = 0;
    // Runs whole frames with `buttons` held throughout.
    virtual void run_frames(int frames, Buttons buttons, Render render = Render::kLast) = 0;
    // Frames since reset (restored by load_state).
    virtual std::uint64_t frame_count() const = 0;

    // The most recently drawn frame as RGB888, row-major, 160x144.
    virtual void copy_frame_rgb(std::span<std::uint8_t, kFrameRgbBytes> out) const = 0;
    std::vector<std::uint8_t> frame_rgb() const;

    // Bank-aware memory. For D000-DFFF `bank` is the Color WRAM bank (1-7), for A000-BFFF the
    // cartridge RAM bank, for 8000-9FFF the VRAM bank, for 4000-7FFF the ROM bank; elsewhere it
    // is ignored. bank = -1 means whatever the game has mapped now. Never disturbs emulation.
    virtual std::uint8_t read(int bank, std::uint16_t address) const = 0;
    virtual void write(int bank, std::uint16_t address, std::uint8_t value) = 0;
    virtual std::vector<std::uint8_t> read_region(Region region) const = 0;

    // A complete snapshot: CPU, memory, cartridge RAM and the clock.
    virtual std::vector<std::uint8_t> save_state() const = 0;
    // Throws StateError and leaves the machine as it was if `state` is not one of ours for
    // this ROM.
    virtual void load_state(std::span<const std::uint8_t> state) = 0;

    // Battery-backed cartridge RAM, as a .sav file holds it.
    virtual std::vector<std::uint8_t> battery_ram() const = 0;
    virtual void load_battery_ram(std::span<const std::uint8_t> ram) = 0;

    // Bytes the game sent out of the link port since reset (test ROMs report there).
    virtual std::string serial_output() const = 0;
    // What the cartridge clock would read now, in Unix seconds.
    virtual std::int64_t clock_now() const = 0;

    // Any number of frames (run_frames takes an int), drawing as asked only at the very end.
    void run_long(std::uint64_t frames, Buttons buttons, Render render_at_end);
    // Plays a movie from the current frame, segment by segment. With a stop token it plays in
    // short chunks and returns false as soon as a stop is requested (a signal during a long
    // start movie must not wait for its end); true when the whole movie was played.
    bool play(const Movie& movie, Render render_at_end, std::stop_token stop = {});

    void save_state_file(const std::filesystem::path& path) const;
    void load_state_file(const std::filesystem::path& path);
};

// The core options.core names. "native" / "mgba" for --core; nullopt for another name.
std::optional<CoreKind> core_from_name(std::string_view name);
const char* core_name(CoreKind core);
std::unique_ptr<Machine> make_machine(const Rom& rom, const MachineOptions& options = {});

// Reads a whole file; throws std::runtime_error naming `what` and the path.
std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path,
                                          const std::string& what);
// Writes through a temporary file and a rename, so a crash never leaves half a file.
void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);

}  // namespace crl::emu
