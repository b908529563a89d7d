// game/crystal_map.h — Pokémon Crystal's current map as the game holds it: the blocks in RAM
// (wOverworldMapBlocks, with the 3-block border the game keeps), the tileset's collision table in
// the user's ROM, warps, signs and connections through the map's event pointers, people from the
// object structs. It reads; it never writes memory and never keeps a copy of the ROM.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "game/map_view.h"
#include "game/memory.h"

namespace crl::game {

class CrystalNames;

// A tile from the game's collision byte (constants/collision_constants.asm's COLL_* values).
Tile crystal_tile(int collision);

// nullopt when no map is loaded (title screen, intro) or the sizes make no sense.
std::optional<MapView> read_crystal_map(const Memory& memory, std::span<const std::uint8_t> rom,
                                        const CrystalNames& names);

}  // namespace crl::game
