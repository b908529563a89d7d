// game/map_view.h — one map as the game itself knows it, at one moment: a grid of tiles in the
// game's own coordinates (the ones PLAYER_X/PLAYER_Y use), warps, connections, people and signs.
// It is plain data read by a profile; it never reads memory and never decides where to go.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace crl::game {

enum class Direction : std::uint8_t { kDown, kUp, kLeft, kRight };
std::string to_string(Direction direction);  // "down", "up", "left", "right"
std::optional<Direction> direction_from_text(const std::string& text);
int dx(Direction direction);
int dy(Direction direction);
Direction opposite(Direction direction);
inline constexpr Direction kAllDirections[] = {Direction::kDown, Direction::kUp, Direction::kLeft,
                                               Direction::kRight};

enum class TileKind : std::uint8_t {
    kUnknown,  // outside the map or not read
    kFloor,    // walkable
    kWall,     // never walkable
    kWater,    // needs Surf
    kGrass,    // walkable; wild Pokémon
    kLedge,    // walkable; a press in one of its hop directions jumps two tiles (one way)
    kWarp,     // a door, stairs, cave mouth: stepping on it warps
    kCarpet,   // a warp mat: standing on it and pressing Tile::direction warps
    kCounter,  // a wall one can talk across
    kTalk,     // a wall with something to read (bookshelf, PC, TV, sign post ...)
    kTree,     // a wall that Cut or Headbutt can act on
    kIce,      // walkable, slides
};
std::string to_string(TileKind kind);
bool walkable(TileKind kind);  // may be stood on (water excluded: it needs Surf)

struct Tile {
    TileKind kind = TileKind::kUnknown;
    Direction direction = Direction::kDown;  // kCarpet: the press that warps; kLedge: a hop
    std::uint8_t hops = 0;  // kLedge: bit 1 << Direction for each direction that hops
    int raw = -1;           // the game's own code for it (collision byte ...)

    bool hops_toward(Direction d) const {
        return kind == TileKind::kLedge && (hops & (1u << static_cast<unsigned>(d))) != 0;
    }
};

struct Warp {
    int x = 0, y = 0;
    int destination_map = 0;   // the same numbering as GameState::map_id
    int destination_warp = 0;  // which warp of the destination (1-based), 0 if unknown
    std::string destination_name;
    int destination_x = -1, destination_y = -1;  // where one arrives, when the game's data says
};

struct Connection {
    Direction side = Direction::kDown;  // the edge one walks off
    int map = 0;
    std::string name;
    // Crossing lands on the connected map at: along the edge, the coordinate + shift (mod 256);
    // across it, entry (the game's own strip offsets).
    int shift = 0;
    int entry = 0;
    std::vector<int> open;  // coordinates along the edge where walking off is possible
};

struct Person {
    int id = 0;  // the game's object number; stable while on the map
    int x = 0, y = 0;
    Direction facing = Direction::kDown;
    bool moves = false;  // walks around on its own
    int sprite = 0;
    bool heals = false;  // a nurse: talking to her restores the party
};

struct Sign {
    int x = 0, y = 0;
    int kind = 0;  // the game's own code (read, item, ...)
};

struct MapView {
    int map_id = 0;
    std::string name;
    int width = 0, height = 0;  // in tiles (player steps)
    std::vector<Tile> tiles;    // row-major, width * height
    std::vector<Warp> warps;
    std::vector<Connection> connections;
    std::vector<Person> people;
    std::vector<Sign> signs;
    int player_x = 0, player_y = 0;
    Direction player_facing = Direction::kDown;
    // The game's rule: a press in a direction the player does not face only turns him (Crystal).
    bool turn_takes_a_press = false;

    bool inside(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
    // kUnknown outside the map.
    const Tile& at(int x, int y) const;
    void set(int x, int y, Tile tile);
    const Warp* warp_at(int x, int y) const;
    const Person* person_at(int x, int y) const;
    const Sign* sign_at(int x, int y) const;
    const Connection* connection(Direction side) const;

    // The "map_grid" JSON: {"map", "name", "width", "height", "rows": ["..."] (one legend
    // character a tile, see kMinimapLegend), "warps", "connections", "people", "signs",
    // "player": {"x","y","facing"}}.
    nlohmann::json to_json() const;
    static MapView from_json(const nlohmann::json& json);  // throws nlohmann::json::exception
};

// The minimap's characters; the same ones as the JSON rows (people, player and warp numbers
// are drawn over the tiles in the minimap only).
inline constexpr const char* kMinimapLegend =
    "# wall  . floor  , tall grass  ~ water  v ^ < > ledge (hop that way)  D warp/door  "
    "= warp mat  C counter  ? something to read  T tree  _ ice  0-9 warp n  @ person  "
    "S sign  P player  o visited  (space) unknown";
char tile_char(const Tile& tile);

struct MinimapOptions {
    int radius = -1;  // tiles around the player; -1 the whole map
    bool legend = true;
    const std::set<std::pair<int, int>>* visited = nullptr;  // drawn as 'o' on floor
};
std::string render_minimap(const MapView& map, const MinimapOptions& options = {});

}  // namespace crl::game
