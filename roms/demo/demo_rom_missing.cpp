// Built when SDCC is missing: no embedded demo game; commands then ask for --rom.
#include "demo_rom.h"

namespace crl {

std::span<const std::uint8_t> demo_rom_bytes() { return {}; }

}  // namespace crl
