#include "game/variables_grid.h"

#include "game/variables.h"

namespace crl::game {
namespace {

int to_int(const nlohmann::json& value) {
    if (value.is_number_integer()) return value.get<int>();
    return static_cast<int>(std::stol(value.get<std::string>(), nullptr, 0));  // "0x9800"
}

Tile tile_named(const std::string& name, const std::string& source) {
    for (int k = 0; k <= static_cast<int>(TileKind::kIce); ++k) {
        const auto kind = static_cast<TileKind>(k);
        if (to_string(kind) == name) return {kind};
    }
    throw VariablesError(source + ": grid: unknown tile kind '" + name +
                         "' (floor, wall, water, grass, ledge, warp, carpet, counter, talk, tree, "
                         "ice)");
}

template <typename Thing, typename Read>
std::map<int, std::vector<Thing>> per_map(const nlohmann::json& grid, const char* key, Read read) {
    std::map<int, std::vector<Thing>> out;
    if (!grid.contains(key)) return out;
    for (const auto& [map, list] : grid[key].items()) {
        for (const auto& entry : list)
            out[std::stoi(map)].push_back(read(entry));
    }
    return out;
}

}  // namespace

std::optional<GridDescription> GridDescription::parse(const nlohmann::json& document,
                                                      const std::string& source) {
    if (!document.contains("grid")) return std::nullopt;
    const auto& grid = document["grid"];
    GridDescription description;
    try {
        description.width = to_int(grid.at("width"));
        description.height = to_int(grid.at("height"));
        description.tilemap = static_cast<std::uint16_t>(to_int(grid.at("tilemap")));
        description.bank = grid.contains("bank") ? to_int(grid["bank"]) : 0;
        description.row_stride = grid.contains("row_stride") ? to_int(grid["row_stride"]) : 32;
        description.tiles_per_cell =
            grid.contains("tiles_per_cell") ? to_int(grid["tiles_per_cell"]) : 1;
        description.turn_takes_a_press = grid.value("turn_takes_a_press", false);
        for (const auto& [number, kind] : grid.at("kinds").items())
            description.kinds[std::stoi(number, nullptr, 0)] =
                tile_named(kind.get<std::string>(), source);
        if (grid.contains("default"))
            description.fallback = tile_named(grid["default"].get<std::string>(), source);
        description.warps = per_map<Warp>(grid, "warps", [](const nlohmann::json& w) {
            return Warp{w.at("x").get<int>(),   w.at("y").get<int>(), w.at("to_map").get<int>(), 0,
                        w.value("to_name", ""), w.value("to_x", -1),  w.value("to_y", -1)};
        });
        description.connections =
            per_map<Connection>(grid, "connections", [&](const nlohmann::json& c) {
                const auto side = direction_from_text(c.at("side").get<std::string>());
                if (!side)
                    throw VariablesError(source +
                                         ": grid: connection side must be "
                                         "down, up, left or right");
                return Connection{*side,
                                  c.at("map").get<int>(),
                                  c.value("name", ""),
                                  c.value("shift", 0),
                                  c.value("entry", 0),
                                  {}};
            });
        description.people = per_map<Person>(grid, "people", [](const nlohmann::json& p) {
            Person person;
            person.id = p.value("id", 0);
            person.x = p.at("x").get<int>();
            person.y = p.at("y").get<int>();
            return person;
        });
    } catch (const nlohmann::json::exception& error) {
        throw VariablesError(source + ": grid: " + error.what());
    } catch (const std::logic_error& error) {  // std::stoi on a key that is not a number
        throw VariablesError(source + ": grid: a key is not a number (" + error.what() + ")");
    }
    if (description.width <= 0 || description.height <= 0 || description.tiles_per_cell <= 0)
        throw VariablesError(source + ": grid: width, height and tiles_per_cell must be positive");
    return description;
}

MapView GridDescription::read(const Memory& memory, int map_id, const std::string& map_name,
                              int player_x, int player_y, Direction facing) const {
    MapView map;
    map.map_id = map_id;
    map.name = map_name;
    map.width = width;
    map.height = height;
    map.player_x = player_x;
    map.player_y = player_y;
    map.player_facing = facing;
    map.turn_takes_a_press = turn_takes_a_press;
    map.tiles.resize(static_cast<std::size_t>(width * height));
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const auto address = static_cast<std::uint16_t>(
                tilemap + y * tiles_per_cell * row_stride + x * tiles_per_cell);
            const int number = memory.read(bank, address);
            const auto kind = kinds.find(number);
            Tile tile = kind == kinds.end() ? fallback : kind->second;
            tile.raw = number;
            map.set(x, y, tile);
        }
    }
    auto of_map = [&](const auto& table) {
        const auto it = table.find(map_id);
        return it == table.end() ? std::decay_t<decltype(it->second)>{} : it->second;
    };
    map.warps = of_map(warps);
    map.people = of_map(people);
    map.connections = of_map(connections);
    for (auto& connection : map.connections) {
        const bool vertical =
            connection.side == Direction::kUp || connection.side == Direction::kDown;
        const int length = vertical ? width : height;
        for (int along = 0; along < length; ++along) {
            const int x = vertical ? along : (connection.side == Direction::kLeft ? 0 : width - 1);
            const int y = !vertical ? along : (connection.side == Direction::kUp ? 0 : height - 1);
            if (walkable(map.at(x, y).kind)) connection.open.push_back(along);
        }
    }
    return map;
}

}  // namespace crl::game
