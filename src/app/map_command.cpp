// crystal-rl map: the current map as the game knows it (game/map_view.h), as an ASCII minimap
// with its legend, as the "map_grid" JSON, or as a PNG of the tiles' kinds.
#include <array>
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "app/session.h"
#include "image/png.h"

namespace crl::app {
namespace {

constexpr int kPixelsPerTile = 8;

std::array<std::uint8_t, 3> colour(const game::Tile& tile) {
    using game::TileKind;
    switch (tile.kind) {
        case TileKind::kUnknown:
            return {0, 0, 0};
        case TileKind::kFloor:
            return {222, 214, 181};
        case TileKind::kWall:
            return {70, 70, 70};
        case TileKind::kWater:
            return {64, 120, 224};
        case TileKind::kGrass:
            return {72, 168, 72};
        case TileKind::kLedge:
            return {160, 120, 64};
        case TileKind::kWarp:
            return {224, 64, 64};
        case TileKind::kCarpet:
            return {240, 128, 160};
        case TileKind::kCounter:
            return {140, 100, 60};
        case TileKind::kTalk:
            return {120, 80, 160};
        case TileKind::kTree:
            return {24, 96, 40};
        case TileKind::kIce:
            return {190, 230, 250};
    }
    return {0, 0, 0};
}

void write_map_png(const std::filesystem::path& path, const game::MapView& map) {
    const int width = map.width * kPixelsPerTile, height = map.height * kPixelsPerTile;
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width * height * 3));
    auto paint = [&](int tile_x, int tile_y, std::array<std::uint8_t, 3> c, int inset) {
        for (int y = inset; y < kPixelsPerTile - inset; ++y) {
            for (int x = inset; x < kPixelsPerTile - inset; ++x) {
                const auto at = static_cast<std::size_t>(
                    ((tile_y * kPixelsPerTile + y) * width + tile_x * kPixelsPerTile + x) * 3);
                std::copy(c.begin(), c.end(), rgb.begin() + static_cast<std::ptrdiff_t>(at));
            }
        }
    };
    for (int y = 0; y < map.height; ++y) {
        for (int x = 0; x < map.width; ++x)
            paint(x, y, colour(map.at(x, y)), 0);
    }
    for (const auto& sign : map.signs)
        paint(sign.x, sign.y, {255, 220, 0}, 2);
    for (const auto& person : map.people)
        paint(person.x, person.y, {0, 160, 200}, 1);
    paint(map.player_x, map.player_y, {255, 255, 255}, 1);
    image::write_png(path, rgb, width, height);
}

}  // namespace

Command add_map_command(CLI::App& app) {
    struct MapOptions {
        SessionOptions session;
        std::optional<std::filesystem::path> out;
        bool json = false;
        int radius = -1;
    };
    auto options = std::make_shared<MapOptions>();
    auto* command = app.add_subcommand(
        "map", "Run like 'state', then print the current map as an ASCII minimap with a legend");
    add_session_options(*command, options->session);
    command->add_option("--out", options->out, "also draw the map's tiles (by kind) as a PNG");
    command->add_flag("--json", options->json, "print the map_grid JSON instead");
    command->add_option("--radius", options->radius, "only this many tiles around the player")
        ->check(CLI::Range(0, 255));
    return [options] {
        const auto session = open_session(options->session);
        const auto map = session.profile->read_map(game::MachineMemory(*session.machine));
        if (!map) {
            std::cerr << "crystal-rl map: no map to show (title screen, battle, or a profile "
                         "without a grid: docs/game-profiles.md)\n";
            return 1;
        }
        if (options->json) {
            std::cout << map->to_json().dump(2) << '\n';
        } else {
            std::cout << map->name << " (map " << map->map_id << ", " << map->width << "x"
                      << map->height << " tiles), player at " << map->player_x << ","
                      << map->player_y << " facing " << game::to_string(map->player_facing) << "\n";
            std::cout << game::render_minimap(*map, {.radius = options->radius});
        }
        if (options->out) {
            write_map_png(*options->out, *map);
            std::cerr << "wrote " << options->out->string() << '\n';
        }
        return 0;
    };
}

}  // namespace crl::app
