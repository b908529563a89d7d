#include "emu/state_header.h"

#include <cstring>
#include <string>

#include "emu/machine.h"

namespace crl::emu {
namespace {
constexpr char kMgbaMagic[8] = {'C', 'R', 'L', 'S', 'T', 'A', 'T', 'E'};
constexpr char kNativeMagic[8] = {'C', 'R', 'L', 'N', 'A', 'T', 'V', 'E'};

const char* magic_of(CoreKind core) {
    return core == CoreKind::kNative ? kNativeMagic : kMgbaMagic;
}
}  // namespace

void set_state_magic(StateHeader& header, CoreKind core) {
    std::memcpy(header.magic, magic_of(core), sizeof header.magic);
}

void check_state_magic(const StateHeader& header, CoreKind core) {
    if (std::memcmp(header.magic, magic_of(core), sizeof header.magic) == 0) return;
    for (const auto other : {CoreKind::kMgba, CoreKind::kNative}) {
        if (std::memcmp(header.magic, magic_of(other), sizeof header.magic) == 0) {
            throw StateError(std::string("saved by the ") + core_name(other) +
                             " core; this machine runs the " + core_name(core) + " core (--core " +
                             core_name(other) + " loads it)");
        }
    }
    throw StateError(
        "not a crystal-rl state (save states come from 'crystal-rl' checkpoints or "
        "--save-state)");
}

void write_state_header(StateHeader header, const RomHeader& rom, std::span<std::uint8_t> state) {
    std::memcpy(header.rom_sha1, rom.sha1.data(), sizeof header.rom_sha1);  // 40 hex digits
    std::memcpy(state.data(), &header, sizeof header);
}

StateHeader read_state_header(std::span<const std::uint8_t> state) {
    StateHeader header{};
    if (state.size() < sizeof header) {
        throw StateError("only " + std::to_string(state.size()) +
                         " bytes, too short for a crystal-rl state (truncated?)");
    }
    std::memcpy(&header, state.data(), sizeof header);
    return header;
}

std::span<const std::uint8_t> state_payload(std::span<const std::uint8_t> state,
                                            const StateHeader& header, const RomHeader& rom) {
    const std::string sha1(header.rom_sha1, sizeof header.rom_sha1);
    if (sha1 != rom.sha1) {
        throw StateError("saved from another ROM (SHA-1 " + sha1 + "), but the loaded ROM '" +
                         rom.title + "' has SHA-1 " + rom.sha1);
    }
    const auto payload = state.subspan(sizeof header);
    if (payload.size() != header.payload_bytes) {
        throw StateError("holds " + std::to_string(payload.size()) + " bytes of " +
                         std::to_string(header.payload_bytes) + " (truncated?)");
    }
    return payload;
}

}  // namespace crl::emu
