#include "emu/rom.h"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace crl::emu {
namespace {

constexpr std::size_t kTitleStart = 0x134;
constexpr std::size_t kCgbFlag = 0x143;
constexpr std::size_t kCartridgeType = 0x147;
constexpr std::size_t kRomSizeCode = 0x148;
constexpr std::size_t kRamSizeCode = 0x149;
constexpr std::size_t kHeaderChecksum = 0x14D;
constexpr std::size_t kGlobalChecksum = 0x14E;

std::string hex_byte(unsigned value) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%02X", value & 0xFF);
    return text;
}

std::uint8_t computed_header_checksum(std::span<const std::uint8_t> rom) {
    std::uint8_t sum = 0;
    for (std::size_t i = kTitleStart; i < kHeaderChecksum; ++i)
        sum = sum - rom[i] - 1;
    return sum;
}

std::string read_title(std::span<const std::uint8_t> rom) {
    // On Color cartridges the last title bytes became the manufacturer code and the CGB flag.
    const std::size_t end = (rom[kCgbFlag] & 0x80) ? kCgbFlag : kCgbFlag + 1;
    std::string title;
    for (std::size_t i = kTitleStart; i < end && rom[i] != 0; ++i) {
        const char c = static_cast<char>(rom[i]);
        title += (c >= 0x20 && c < 0x7F) ? c : '?';
    }
    while (!title.empty() && title.back() == ' ')
        title.pop_back();
    return title;
}

std::size_t ram_bytes_for(std::uint8_t code) {
    switch (code) {
        case 0x02:
            return 8 * 1024;
        case 0x03:
            return 32 * 1024;
        case 0x04:
            return 128 * 1024;
        case 0x05:
            return 64 * 1024;
        default:
            return 0;
    }
}

void validate(std::span<const std::uint8_t> rom, const std::string& source) {
    if (rom.empty()) {
        throw RomError("ROM " + source + " is empty (0 bytes): give a Game Boy ROM (.gb or .gbc)");
    }
    if (rom.size() < kHeaderEnd) {
        throw RomError("ROM " + source + " is only " + std::to_string(rom.size()) +
                       " bytes, smaller than a Game Boy header (336 bytes): not a Game Boy ROM");
    }
    if (rom.size() > kMaxRomBytes) {
        throw RomError("ROM " + source + " is " + std::to_string(rom.size()) +
                       " bytes; a Game Boy ROM is at most 8 MiB (8388608 bytes)");
    }
    const std::uint8_t computed = computed_header_checksum(rom);
    if (computed != rom[kHeaderChecksum]) {
        throw RomError("ROM " + source + " is not a Game Boy ROM: header checksum at 0x14D is " +
                       hex_byte(rom[kHeaderChecksum]) + " but the header sums to " +
                       hex_byte(computed) + " (a damaged or wrong file?)");
    }
    const std::size_t declared =
        rom[kRomSizeCode] <= 8 ? (std::size_t{32} * 1024) << rom[kRomSizeCode] : 0;
    if (declared > 0 && rom.size() < declared) {
        throw RomError("ROM " + source + " is truncated: it is " + std::to_string(rom.size()) +
                       " bytes but its header (0x148) declares " + std::to_string(declared) +
                       " bytes (an incomplete download or copy?)");
    }
}

}  // namespace

std::string sha1_hex(std::span<const std::uint8_t> bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha1(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    for (unsigned i = 0; i < length; ++i) {
        text += kHex[digest[i] >> 4];
        text += kHex[digest[i] & 0xF];
    }
    return text;
}

bool RomHeader::has_battery() const {
    switch (cartridge_type) {
        case 0x03:
        case 0x06:
        case 0x09:
        case 0x0D:
        case 0x0F:
        case 0x10:
        case 0x13:
        case 0x1B:
        case 0x1E:
        case 0x22:
        case 0xFF:
            return true;
        default:
            return false;
    }
}

bool RomHeader::has_rtc() const {
    return cartridge_type == 0x0F || cartridge_type == 0x10;
}

std::string RomHeader::cartridge_name() const {
    switch (cartridge_type) {
        case 0x00:
            return "ROM ONLY";
        case 0x01:
            return "MBC1";
        case 0x02:
            return "MBC1+RAM";
        case 0x03:
            return "MBC1+RAM+BATTERY";
        case 0x05:
            return "MBC2";
        case 0x06:
            return "MBC2+BATTERY";
        case 0x0F:
            return "MBC3+TIMER+BATTERY";
        case 0x10:
            return "MBC3+TIMER+RAM+BATTERY";
        case 0x11:
            return "MBC3";
        case 0x12:
            return "MBC3+RAM";
        case 0x13:
            return "MBC3+RAM+BATTERY";
        case 0x19:
            return "MBC5";
        case 0x1A:
            return "MBC5+RAM";
        case 0x1B:
            return "MBC5+RAM+BATTERY";
        case 0x1C:
            return "MBC5+RUMBLE";
        case 0x1D:
            return "MBC5+RUMBLE+RAM";
        case 0x1E:
            return "MBC5+RUMBLE+RAM+BATTERY";
        default:
            return "type " + hex_byte(cartridge_type);
    }
}

Rom::Rom(std::vector<std::uint8_t> bytes, std::string source)
    : bytes_(std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes))),
      source_(std::move(source)) {
    const auto& b = *bytes_;
    validate(b, source_);
    header_.title = read_title(b);
    header_.cgb_flag = b[kCgbFlag];
    header_.cartridge_type = b[kCartridgeType];
    header_.rom_bytes = b[kRomSizeCode] <= 8 ? (32u * 1024u) << b[kRomSizeCode] : 0;
    header_.ram_bytes = ram_bytes_for(b[kRamSizeCode]);
    header_.header_checksum = b[kHeaderChecksum];
    header_.global_checksum =
        static_cast<std::uint16_t>(b[kGlobalChecksum] << 8 | b[kGlobalChecksum + 1]);
    header_.sha1 = sha1_hex(b);
}

Rom Rom::from_bytes(std::span<const std::uint8_t> bytes, std::string source) {
    return Rom(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), std::move(source));
}

Rom Rom::from_file(const std::filesystem::path& path) {
    const std::string name = "'" + path.string() + "'";
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) {
        throw RomError("ROM " + name + " does not exist: check the path given to --rom");
    }
    if (std::filesystem::is_directory(status)) {
        throw RomError("ROM " + name + " is a directory: give the .gb or .gbc file inside it");
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > kMaxRomBytes) {
        throw RomError("ROM " + name + " is " + std::to_string(size) +
                       " bytes; a Game Boy ROM is at most 8 MiB (8388608 bytes)");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw RomError("ROM " + name + " cannot be read: " + std::strerror(errno) +
                       " (check its permissions)");
    }
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
    if (in.bad()) {
        throw RomError("ROM " + name + " cannot be read: " + std::strerror(errno));
    }
    return Rom(std::move(bytes), name);
}

}  // namespace crl::emu
