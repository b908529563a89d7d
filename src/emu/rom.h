// emu/rom.h — a Game Boy ROM image: its bytes, where it came from, and its validated header.
// Pure C++ (no emulator): every check a user's file must pass before any core sees it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace crl::emu {

// A file or buffer that cannot be used as a ROM. The message names the source and the reason.
class RomError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kHeaderEnd = 0x150;                 // header spans 0x100..0x14F
inline constexpr std::size_t kMaxRomBytes = 8u * 1024u * 1024u;  // MBC5's 512 banks of 16 KiB

struct RomHeader {
    std::string title;                // printable ASCII, trailing NULs removed
    std::uint8_t cgb_flag = 0;        // 0x143: 0x80 works on Color, 0xC0 Color only
    std::uint8_t cartridge_type = 0;  // 0x147
    std::size_t rom_bytes = 0;        // declared by 0x148
    std::size_t ram_bytes = 0;        // declared by 0x149 (MBC2's built-in 512 nibbles excluded)
    std::uint8_t header_checksum = 0;
    std::uint16_t global_checksum = 0;
    std::string sha1;  // of the whole file, lowercase hex

    bool supports_color() const { return (cgb_flag & 0x80) != 0; }
    bool color_only() const { return cgb_flag == 0xC0; }
    bool has_battery() const;
    bool has_rtc() const;
    std::string cartridge_name() const;
};

class Rom {
  public:
    // Reads and validates a file; throws RomError naming the path and the problem.
    static Rom from_file(const std::filesystem::path& path);
    // Validates bytes already in memory; `source` names them in errors ("embedded demo game").
    static Rom from_bytes(std::span<const std::uint8_t> bytes, std::string source);

    const RomHeader& header() const { return header_; }
    std::span<const std::uint8_t> bytes() const { return *bytes_; }
    // The same bytes, for a core that keeps them: copies of a Rom and every core made from them
    // share one image, so thousands of cores do not hold thousands of ROMs.
    std::shared_ptr<const std::vector<std::uint8_t>> shared_bytes() const { return bytes_; }
    const std::string& source() const { return source_; }

  private:
    Rom(std::vector<std::uint8_t> bytes, std::string source);

    std::shared_ptr<const std::vector<std::uint8_t>> bytes_;
    std::string source_;
    RomHeader header_;
};

// Lowercase hex SHA-1 of bytes (ROMs, RAM, frames: anything we need to name or compare).
std::string sha1_hex(std::span<const std::uint8_t> bytes);

}  // namespace crl::emu
