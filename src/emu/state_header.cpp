#include "emu/state_header.h"

#include <cstring>
#include <string>

#include "emu/machine.h"

namespace crl::emu {

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
