#include "game/map_view.h"

#include <algorithm>
#include <array>

namespace crl::game {
namespace {

constexpr std::array<const char*, 4> kDirectionNames = {"down", "up", "left", "right"};
constexpr std::array<const char*, 12> kKindNames = {"unknown", "floor", "wall", "water",
                                                    "grass",   "ledge", "warp", "carpet",
                                                    "counter", "talk",  "tree", "ice"};
const Tile kOutside{};

char ledge_char(Direction direction) {
    switch (direction) {
        case Direction::kDown:
            return 'v';
        case Direction::kUp:
            return '^';
        case Direction::kLeft:
            return '<';
        case Direction::kRight:
            return '>';
    }
    return 'v';
}

template <typename Thing>
const Thing* find_at(const std::vector<Thing>& things, int x, int y) {
    const auto it = std::find_if(things.begin(), things.end(),
                                 [&](const Thing& thing) { return thing.x == x && thing.y == y; });
    return it == things.end() ? nullptr : &*it;
}

Tile ledge(Direction direction) {
    return {TileKind::kLedge, direction,
            static_cast<std::uint8_t>(1u << static_cast<unsigned>(direction))};
}

Tile tile_from_char(char c) {
    switch (c) {
        case '#':
            return {TileKind::kWall};
        case '.':
            return {TileKind::kFloor};
        case ',':
            return {TileKind::kGrass};
        case '~':
            return {TileKind::kWater};
        case 'v':
            return ledge(Direction::kDown);
        case '^':
            return ledge(Direction::kUp);
        case '<':
            return ledge(Direction::kLeft);
        case '>':
            return ledge(Direction::kRight);
        case 'D':
            return {TileKind::kWarp};
        case '=':
            return {TileKind::kCarpet};
        case 'C':
            return {TileKind::kCounter};
        case '?':
            return {TileKind::kTalk};
        case 'T':
            return {TileKind::kTree};
        case '_':
            return {TileKind::kIce};
        default:
            return {};
    }
}

}  // namespace

std::string to_string(Direction direction) {
    return kDirectionNames[static_cast<std::size_t>(direction)];
}

std::optional<Direction> direction_from_text(const std::string& text) {
    for (const auto direction : kAllDirections) {
        if (text == to_string(direction)) return direction;
    }
    return std::nullopt;
}

int dx(Direction direction) {
    return direction == Direction::kLeft ? -1 : direction == Direction::kRight ? 1 : 0;
}

int dy(Direction direction) {
    return direction == Direction::kUp ? -1 : direction == Direction::kDown ? 1 : 0;
}

Direction opposite(Direction direction) {
    switch (direction) {
        case Direction::kDown:
            return Direction::kUp;
        case Direction::kUp:
            return Direction::kDown;
        case Direction::kLeft:
            return Direction::kRight;
        case Direction::kRight:
            return Direction::kLeft;
    }
    return Direction::kDown;
}

std::string to_string(TileKind kind) {
    return kKindNames[static_cast<std::size_t>(kind)];
}

bool walkable(TileKind kind) {
    return kind == TileKind::kFloor || kind == TileKind::kGrass || kind == TileKind::kWarp ||
           kind == TileKind::kCarpet || kind == TileKind::kIce || kind == TileKind::kLedge;
}

char tile_char(const Tile& tile) {
    switch (tile.kind) {
        case TileKind::kUnknown:
            return ' ';
        case TileKind::kFloor:
            return '.';
        case TileKind::kWall:
            return '#';
        case TileKind::kWater:
            return '~';
        case TileKind::kGrass:
            return ',';
        case TileKind::kLedge:
            return ledge_char(tile.direction);
        case TileKind::kWarp:
            return 'D';
        case TileKind::kCarpet:
            return '=';
        case TileKind::kCounter:
            return 'C';
        case TileKind::kTalk:
            return '?';
        case TileKind::kTree:
            return 'T';
        case TileKind::kIce:
            return '_';
    }
    return ' ';
}

const Tile& MapView::at(int x, int y) const {
    if (!inside(x, y)) return kOutside;
    return tiles[static_cast<std::size_t>(y * width + x)];
}

void MapView::set(int x, int y, Tile tile) {
    if (!inside(x, y)) return;
    if (tiles.size() != static_cast<std::size_t>(width * height))
        tiles.resize(static_cast<std::size_t>(width * height));
    tiles[static_cast<std::size_t>(y * width + x)] = tile;
}

const Warp* MapView::warp_at(int x, int y) const {
    return find_at(warps, x, y);
}
const Person* MapView::person_at(int x, int y) const {
    return find_at(people, x, y);
}
const Sign* MapView::sign_at(int x, int y) const {
    return find_at(signs, x, y);
}

const Connection* MapView::connection(Direction side) const {
    const auto it = std::find_if(connections.begin(), connections.end(),
                                 [&](const Connection& c) { return c.side == side; });
    return it == connections.end() ? nullptr : &*it;
}

nlohmann::json MapView::to_json() const {
    nlohmann::json rows = nlohmann::json::array();
    for (int y = 0; y < height; ++y) {
        std::string row;
        for (int x = 0; x < width; ++x)
            row += tile_char(at(x, y));
        rows.push_back(row);
    }
    nlohmann::json json_warps = nlohmann::json::array();
    for (const auto& warp : warps) {
        json_warps.push_back({{"x", warp.x},
                              {"y", warp.y},
                              {"to_map", warp.destination_map},
                              {"to_warp", warp.destination_warp},
                              {"to_name", warp.destination_name},
                              {"to_x", warp.destination_x},
                              {"to_y", warp.destination_y}});
    }
    nlohmann::json json_connections = nlohmann::json::array();
    for (const auto& connection : connections) {
        json_connections.push_back({{"side", to_string(connection.side)},
                                    {"map", connection.map},
                                    {"name", connection.name},
                                    {"shift", connection.shift},
                                    {"entry", connection.entry},
                                    {"open", connection.open}});
    }
    nlohmann::json json_people = nlohmann::json::array();
    for (const auto& person : people) {
        json_people.push_back({{"id", person.id},
                               {"x", person.x},
                               {"y", person.y},
                               {"facing", to_string(person.facing)},
                               {"moves", person.moves},
                               {"sprite", person.sprite},
                               {"heals", person.heals}});
    }
    nlohmann::json json_signs = nlohmann::json::array();
    for (const auto& sign : signs)
        json_signs.push_back({{"x", sign.x}, {"y", sign.y}, {"kind", sign.kind}});
    return {{"map", map_id},
            {"name", name},
            {"width", width},
            {"height", height},
            {"rows", rows},
            {"legend", kMinimapLegend},
            {"warps", json_warps},
            {"connections", json_connections},
            {"people", json_people},
            {"signs", json_signs},
            {"player", {{"x", player_x}, {"y", player_y}, {"facing", to_string(player_facing)}}},
            {"turn_takes_a_press", turn_takes_a_press}};
}

MapView MapView::from_json(const nlohmann::json& json) {
    MapView map;
    map.map_id = json.at("map").get<int>();
    map.name = json.value("name", "");
    map.width = json.at("width").get<int>();
    map.height = json.at("height").get<int>();
    map.tiles.resize(static_cast<std::size_t>(std::max(0, map.width * map.height)));
    const auto& rows = json.at("rows");
    for (int y = 0; y < map.height && y < static_cast<int>(rows.size()); ++y) {
        const auto row = rows[static_cast<std::size_t>(y)].get<std::string>();
        for (int x = 0; x < map.width && x < static_cast<int>(row.size()); ++x)
            map.set(x, y, tile_from_char(row[static_cast<std::size_t>(x)]));
    }
    auto direction = [](const nlohmann::json& value) {
        return direction_from_text(value.get<std::string>()).value_or(Direction::kDown);
    };
    for (const auto& warp : json.value("warps", nlohmann::json::array())) {
        map.warps.push_back({warp.at("x").get<int>(), warp.at("y").get<int>(),
                             warp.value("to_map", 0), warp.value("to_warp", 0),
                             warp.value("to_name", ""), warp.value("to_x", -1),
                             warp.value("to_y", -1)});
    }
    for (const auto& c : json.value("connections", nlohmann::json::array()))
        map.connections.push_back({direction(c.at("side")), c.value("map", 0), c.value("name", ""),
                                   c.value("shift", 0), c.value("entry", 0),
                                   c.value("open", std::vector<int>{})});
    for (const auto& p : json.value("people", nlohmann::json::array())) {
        map.people.push_back({p.value("id", 0), p.at("x").get<int>(), p.at("y").get<int>(),
                              direction(p.value("facing", nlohmann::json("down"))),
                              p.value("moves", false), p.value("sprite", 0),
                              p.value("heals", false)});
    }
    for (const auto& s : json.value("signs", nlohmann::json::array()))
        map.signs.push_back({s.at("x").get<int>(), s.at("y").get<int>(), s.value("kind", 0)});
    if (json.contains("player")) {
        const auto& player = json["player"];
        map.player_x = player.value("x", 0);
        map.player_y = player.value("y", 0);
        map.player_facing = direction(player.value("facing", nlohmann::json("down")));
    }
    map.turn_takes_a_press = json.value("turn_takes_a_press", false);
    return map;
}

std::string render_minimap(const MapView& map, const MinimapOptions& options) {
    int left = 0, top = 0, right = map.width - 1, bottom = map.height - 1;
    if (options.radius >= 0) {
        left = std::max(0, map.player_x - options.radius);
        right = std::min(map.width - 1, map.player_x + options.radius);
        top = std::max(0, map.player_y - options.radius);
        bottom = std::min(map.height - 1, map.player_y + options.radius);
    }
    std::string text;
    for (int y = top; y <= bottom; ++y) {
        for (int x = left; x <= right; ++x) {
            char c = tile_char(map.at(x, y));
            if (options.visited && c == '.' && options.visited->count({x, y})) c = 'o';
            if (map.sign_at(x, y)) c = 'S';
            if (const auto* warp = map.warp_at(x, y)) {
                const auto index = warp - map.warps.data();
                c = index < 10 ? static_cast<char>('0' + index) : 'D';
            }
            if (map.person_at(x, y)) c = '@';
            if (x == map.player_x && y == map.player_y) c = 'P';
            text += c;
        }
        text += '\n';
    }
    if (options.legend) {
        text += "legend: ";
        text += kMinimapLegend;
        text += '\n';
        for (std::size_t i = 0; i < map.warps.size() && i < 10; ++i) {
            const auto& warp = map.warps[i];
            text += "warp " + std::to_string(i) + " at " + std::to_string(warp.x) + "," +
                    std::to_string(warp.y) + " -> " +
                    (warp.destination_name.empty() ? "map " + std::to_string(warp.destination_map)
                                                   : warp.destination_name) +
                    "\n";
        }
        for (const auto& connection : map.connections) {
            text += "exit " + to_string(connection.side) + " -> " +
                    (connection.name.empty() ? "map " + std::to_string(connection.map)
                                             : connection.name) +
                    "\n";
        }
    }
    return text;
}

}  // namespace crl::game
