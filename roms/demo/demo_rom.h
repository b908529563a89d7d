// roms/demo/demo_rom.h — the demo game's ROM, embedded in the binary at build time.
#pragma once

#include <cstdint>
#include <span>

namespace crl {

// Empty when the build had no SDCC.
std::span<const std::uint8_t> demo_rom_bytes();

}  // namespace crl
