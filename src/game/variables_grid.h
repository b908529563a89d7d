// game/variables_grid.h — a walkable grid described as data in a variables file (the "grid"
// section, docs/game-profiles.md): which memory holds the map's tile numbers, what kind each
// number is, and the warps, connections and people the game's data fixes per map. It reads
// memory through the description only; it knows no particular game.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "game/map_view.h"
#include "game/memory.h"

namespace crl::game {

struct GridDescription {
    int width = 0, height = 0;  // cells
    int bank = 0;
    std::uint16_t tilemap = 0;  // the first tile number of the map (e.g. a VRAM tile map)
    int row_stride = 32;        // bytes between two rows of tiles
    int tiles_per_cell = 1;  // a cell is tiles_per_cell x tiles_per_cell tiles; its top-left counts
    std::map<int, Tile> kinds;  // tile number -> tile
    Tile fallback{TileKind::kWall};
    std::map<int, std::vector<Warp>> warps;              // by map id
    std::map<int, std::vector<Connection>> connections;  // by map id ("open" filled when read)
    std::map<int, std::vector<Person>> people;           // by map id
    bool turn_takes_a_press = false;

    // nullopt when the document has no "grid"; throws VariablesError when it is malformed.
    static std::optional<GridDescription> parse(const nlohmann::json& document,
                                                const std::string& source);
    MapView read(const Memory& memory, int map_id, const std::string& map_name, int player_x,
                 int player_y, Direction facing) const;
};

}  // namespace crl::game
