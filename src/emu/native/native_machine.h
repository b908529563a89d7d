// emu/native/native_machine.h — the factories behind emu::make_machine, one per emulator core.
// Only machine.cpp calls these; the rest of crystal-rl asks for a core through MachineOptions.
#pragma once

#include <memory>

#include "emu/machine.h"

namespace crl::emu {

// crystal-rl's own Game Boy / Game Boy Color (src/emu/native).
std::unique_ptr<Machine> make_native_machine(const Rom& rom, const MachineOptions& options);
// libmgba 0.10.1, the reference core (src/emu/mgba_machine.cpp).
std::unique_ptr<Machine> make_mgba_machine(const Rom& rom, const MachineOptions& options);

}  // namespace crl::emu
