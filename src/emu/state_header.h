// emu/state_header.h — the 64-byte header each core writes before its save state: which core and
// format wrote it, the payload's size and checksum, and the SHA-1 of the ROM it belongs to. The
// checks every state must pass (long enough, this ROM's, complete) live here; each core checks its
// own magic, version and checksum.
#pragma once

#include <cstdint>
#include <span>

#include "emu/rom.h"

namespace crl::emu {

struct StateHeader {
    char magic[8];
    std::uint32_t version;
    std::uint32_t payload_bytes;
    std::uint32_t payload_checksum;
    std::uint32_t core_detail;  // the core's own: the native core's sizeof(State), else 0
    char rom_sha1[40];
};
static_assert(sizeof(StateHeader) == 64);

enum class CoreKind;

// The magic a core writes; a state with the other core's is refused naming the core to load it.
void set_state_magic(StateHeader& header, CoreKind core);
// StateError unless `header` is a state of `core`: says which core saved it, or that it is none.
void check_state_magic(const StateHeader& header, CoreKind core);

// Writes `header` in front of a payload of header.payload_bytes; rom_sha1 is filled from `rom`.
void write_state_header(StateHeader header, const RomHeader& rom, std::span<std::uint8_t> state);

// The header of `state`; StateError if `state` is too short to hold one.
StateHeader read_state_header(std::span<const std::uint8_t> state);

// The payload after the header; StateError if it was saved from another ROM than `rom` or is not
// as long as its header says.
std::span<const std::uint8_t> state_payload(std::span<const std::uint8_t> state,
                                            const StateHeader& header, const RomHeader& rom);

}  // namespace crl::emu
