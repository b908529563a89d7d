// Pokémon Crystal's map as the game holds it: collision codes, a hand-laid map in memory with a
// synthetic ROM for the collision table and events, and the real RAM snapshots (the parts that
// live in RAM; the ROM side needs $CRYSTAL_RL_ROM).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "emu/rom.h"
#include "game/crystal.h"
#include "game/crystal_map.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

using game::Direction;
using game::MemoryImage;
using game::TileKind;

std::size_t rom_at(int bank, int address) {
    return static_cast<std::size_t>(bank) * 0x4000 + static_cast<std::size_t>(address - 0x4000);
}

TEST(CrystalTileTest, CollisionCodesBecomeKinds) {
    EXPECT_EQ(game::crystal_tile(0x00).kind, TileKind::kFloor);
    EXPECT_EQ(game::crystal_tile(0x07).kind, TileKind::kWall);
    EXPECT_EQ(game::crystal_tile(0x18).kind, TileKind::kGrass);
    EXPECT_EQ(game::crystal_tile(0x12).kind, TileKind::kTree);
    EXPECT_EQ(game::crystal_tile(0x29).kind, TileKind::kWater);
    EXPECT_EQ(game::crystal_tile(0x71).kind, TileKind::kWarp);  // door
    EXPECT_EQ(game::crystal_tile(0x7A).kind, TileKind::kWarp);  // staircase
    EXPECT_EQ(game::crystal_tile(0x90).kind, TileKind::kCounter);
    EXPECT_EQ(game::crystal_tile(0x91).kind, TileKind::kTalk);  // bookshelf
    const auto mat = game::crystal_tile(0x70);
    EXPECT_EQ(mat.kind, TileKind::kCarpet);
    EXPECT_EQ(mat.direction, Direction::kDown);
    const auto ledge = game::crystal_tile(0xA3);
    EXPECT_TRUE(ledge.hops_toward(Direction::kDown));
    EXPECT_FALSE(ledge.hops_toward(Direction::kUp));
    const auto corner = game::crystal_tile(0xA5);  // down-left
    EXPECT_TRUE(corner.hops_toward(Direction::kDown));
    EXPECT_TRUE(corner.hops_toward(Direction::kLeft));
    EXPECT_FALSE(corner.hops_toward(Direction::kRight));
}

// A 2x2-block map (4x4 tiles): blocks 1 2 / 3 4 inside a border of block 5.
struct HandLaidMap {
    MemoryImage memory;
    std::vector<std::uint8_t> rom = std::vector<std::uint8_t>(0x200000, 0);

    HandLaidMap() {
        memory.write(1, 0xDCB5, 24);  // group, number
        memory.write(1, 0xDCB6, 7);
        memory.write(1, 0xDCB8, 1);  // x, y
        memory.write(1, 0xDCB7, 2);
        memory.write(1, 0xD4DE, 0x0C);  // facing right
        memory.write(1, 0xD19F, 2);     // width, height in blocks
        memory.write(1, 0xD19E, 2);
        constexpr int kStride = 2 + 6;
        for (int i = 0; i < kStride * 8; ++i)
            memory.write(0, static_cast<std::uint16_t>(0xC800 + i), 5);
        const int blocks[2][2] = {{1, 2}, {3, 4}};
        for (int by = 0; by < 2; ++by) {
            for (int bx = 0; bx < 2; ++bx)
                memory.write(0, static_cast<std::uint16_t>(0xC800 + (by + 3) * kStride + bx + 3),
                             static_cast<std::uint8_t>(blocks[by][bx]));
        }
        // Collision table at 0x0B:0x4000, four codes a block (top-left, top-right, bottom-left,
        // bottom-right).
        memory.write(1, 0xD1DF, 0x0B);
        memory.write(1, 0xD1E0, 0x00);
        memory.write(1, 0xD1E1, 0x40);
        const std::uint8_t codes[6][4] = {{},
                                          {0x07, 0x00, 0x00, 0x00},
                                          {0x00, 0x7A, 0x18, 0x18},
                                          {0x00, 0xA3, 0x29, 0x29},
                                          {0x90, 0x00, 0x00, 0x70},
                                          {0x00, 0x00, 0x00, 0x00}};
        for (int block = 1; block < 6; ++block) {
            for (int q = 0; q < 4; ++q)
                rom[rom_at(0x0B, 0x4000 + block * 4 + q)] = codes[block][q];
        }
        // One warp at 3,0 to map 24:6 warp 3, one sign at 0,3, in the scripts bank 0x25.
        memory.write(1, 0xD1A3, 0x25);
        memory.write(1, 0xDBFB, 1);
        memory.write(1, 0xDBFC, 0x00);
        memory.write(1, 0xDBFD, 0x50);
        const std::uint8_t warp[] = {0, 3, 3, 24, 6};
        std::copy(std::begin(warp), std::end(warp), rom.begin() + rom_at(0x25, 0x5000));
        memory.write(1, 0xDC01, 1);
        memory.write(1, 0xDC02, 0x10);
        memory.write(1, 0xDC03, 0x50);
        const std::uint8_t sign[] = {3, 0, 0, 0, 0};
        std::copy(std::begin(sign), std::end(sign), rom.begin() + rom_at(0x25, 0x5010));
        // A connection north to 24:4: arrive at y 17, x shifted by -2.
        memory.write(1, 0xD1A8, 8);
        memory.write(1, 0xD1A9, 24);
        memory.write(1, 0xD1AA, 4);
        memory.write(1, 0xD1A9 + 8, 17);
        memory.write(1, 0xD1A9 + 9, 0xFE);
        // One person (object struct 1) at 2,3 facing up, wandering (map object 1 has a radius).
        const std::uint16_t person = 0xD4D6 + 0x28;
        memory.write(1, person, 0x21);
        memory.write(1, person + 1, 1);
        memory.write(1, person + 8, 0x04);
        memory.write(1, person + 0x10, 2 + 4);
        memory.write(1, person + 0x11, 3 + 4);
        memory.write(1, 0xD71E + 0x10 + 5, 0x11);
    }
};

TEST(CrystalMapTest, HandLaidMapReadsTilesWarpsSignsPeopleAndConnections) {
    HandLaidMap laid;
    const auto map = game::read_crystal_map(laid.memory, laid.rom, game::CrystalNames());
    ASSERT_TRUE(map);
    EXPECT_EQ(map->map_id, 24 << 8 | 7);
    EXPECT_EQ(map->width, 4);
    EXPECT_EQ(map->height, 4);
    EXPECT_TRUE(map->turn_takes_a_press);
    EXPECT_EQ(map->player_x, 1);
    EXPECT_EQ(map->player_y, 2);
    EXPECT_EQ(map->player_facing, Direction::kRight);
    // Blocks 1 2 / 3 4: wall floor / floor floor, floor stairs / grass grass, floor ledge /
    // water water, counter floor / floor mat.
    const std::vector<std::string> expected = {"#..D", "..,,", ".vC.", "~~.="};
    auto json_rows = map->to_json()["rows"];
    for (int y = 0; y < 4; ++y)
        EXPECT_EQ(json_rows[static_cast<std::size_t>(y)], expected[static_cast<std::size_t>(y)])
            << "row " << y;
    ASSERT_EQ(map->warps.size(), 1u);
    EXPECT_EQ(map->warps[0].x, 3);
    EXPECT_EQ(map->warps[0].y, 0);
    EXPECT_EQ(map->warps[0].destination_map, 24 << 8 | 6);
    EXPECT_EQ(map->warps[0].destination_warp, 3);
    ASSERT_EQ(map->signs.size(), 1u);
    EXPECT_EQ(map->signs[0].x, 0);
    EXPECT_EQ(map->signs[0].y, 3);
    ASSERT_EQ(map->people.size(), 1u);
    EXPECT_EQ(map->people[0].x, 2);
    EXPECT_EQ(map->people[0].y, 3);
    EXPECT_EQ(map->people[0].facing, Direction::kUp);
    EXPECT_TRUE(map->people[0].moves);
    const auto* north = map->connection(Direction::kUp);
    ASSERT_NE(north, nullptr);
    EXPECT_EQ(north->map, 24 << 8 | 4);
    EXPECT_EQ(north->entry, 17);
    EXPECT_EQ(north->shift, 0xFE);
    // Walking off the top: from the floor at x 1 and 2 (x 0 is a wall, x 3 a warp).
    EXPECT_EQ(north->open, (std::vector<int>{1, 2, 3}));
}

TEST(CrystalMapTest, PeopleAwayFromTheScreenAreAtTheirUsualSpotUnlessMasked) {
    HandLaidMap laid;
    // Map objects 2 and 3 have no object struct (far from the screen); 3 is masked (its event
    // flag says it is gone).
    for (const int index : {2, 3}) {
        const auto object = static_cast<std::uint16_t>(0xD71E + index * 0x10);
        laid.memory.write(1, object + 1, 0x37);           // sprite: the nurse
        laid.memory.write(1, object + 2, 0 + 4);          // y
        laid.memory.write(1, object + 3, index - 2 + 4);  // x
    }
    laid.memory.write(1, 0xD81E + 3, 0xFF);
    const auto map = game::read_crystal_map(laid.memory, laid.rom, game::CrystalNames());
    ASSERT_TRUE(map);
    ASSERT_EQ(map->people.size(), 2u);
    EXPECT_EQ(map->people[0].id, 1);  // the one on screen, at its live place
    EXPECT_EQ(map->people[0].x, 2);
    EXPECT_EQ(map->people[1].id, 2);
    EXPECT_EQ(map->people[1].x, 0);
    EXPECT_EQ(map->people[1].y, 0);
    EXPECT_TRUE(map->people[1].heals);
    EXPECT_FALSE(map->people[0].heals);
}

TEST(CrystalMapTest, NoMapBeforeTheGameLoadsOne) {
    MemoryImage memory;
    for (std::uint16_t a = 0xD000; a < 0xE000; ++a)
        memory.write(1, a, 0);
    EXPECT_FALSE(game::read_crystal_map(memory, {}, game::CrystalNames()));
}

// ---- the real game's memory ----

std::optional<MemoryImage> snapshot(const std::string& name, nlohmann::json& truth) {
    const auto testroms = testroms_dir();
    if (!testroms) return std::nullopt;
    const auto dir = testroms->parent_path() / "crystal/ram-snapshots" / name;
    if (!std::filesystem::exists(dir / "wram.bin")) return std::nullopt;
    truth = nlohmann::json::parse(std::ifstream(dir / "state.json"));
    auto memory = MemoryImage::from_files(dir / "wram.bin", dir / "hram.bin");
    memory.select_wram_bank(truth["svbk"].get<int>());
    return memory;
}

std::vector<std::uint8_t> real_rom() {
    const char* path = std::getenv("CRYSTAL_RL_ROM");
    if (!path) return {};
    const auto rom = emu::Rom::from_file(path);
    return {rom.bytes().begin(), rom.bytes().end()};
}

TEST(CrystalMapTest, RealSnapshotsHaveTheMapSizeAndPlayerThatTheGameHas) {
    // Sizes in blocks from the game's map constants: the player's room 4x3, Elm's lab 5x6,
    // Route 29 30x9.
    const std::map<std::string, std::pair<int, int>> sizes = {{"02_players_room", {8, 6}},
                                                              {"05_elms_lab_got_starter", {10, 12}},
                                                              {"06_route29_wild_battle", {60, 18}}};
    int found = 0;
    for (const auto& [name, size] : sizes) {
        nlohmann::json truth;
        auto memory = snapshot(name, truth);
        if (!memory) continue;
        ++found;
        // The collision table is in the ROM: without it every tile reads as a wall (0xFF), but
        // the sizes, position, warps' count and people are the RAM's.
        const auto map = game::read_crystal_map(*memory, {}, game::CrystalNames());
        ASSERT_TRUE(map) << name;
        EXPECT_EQ(map->width, size.first) << name;
        EXPECT_EQ(map->height, size.second) << name;
        EXPECT_EQ(map->player_x, truth["wXCoord"].get<int>()) << name;
        EXPECT_EQ(map->player_y, truth["wYCoord"].get<int>()) << name;
        EXPECT_EQ(map->map_id, truth["wMapGroup"].get<int>() << 8 | truth["wMapNumber"].get<int>());
        for (const auto& person : map->people) {
            EXPECT_TRUE(map->inside(person.x, person.y)) << name;
            EXPECT_FALSE(person.x == map->player_x && person.y == map->player_y) << name;
        }
    }
    if (found == 0) GTEST_SKIP() << "../shared/crystal/ram-snapshots not found";
}

TEST(CrystalMapTest, RealRoomWithTheRealRomHasItsStairsAndFloor) {
    const auto rom = real_rom();
    if (rom.empty()) GTEST_SKIP() << "set CRYSTAL_RL_ROM to your Pokémon Crystal ROM";
    nlohmann::json truth;
    auto memory = snapshot("02_players_room", truth);
    if (!memory) GTEST_SKIP() << "../shared/crystal/ram-snapshots not found";
    const auto map = game::read_crystal_map(*memory, rom, game::CrystalNames(rom));
    ASSERT_TRUE(map);
    std::cout << game::render_minimap(*map);
    EXPECT_TRUE(game::walkable(map->at(map->player_x, map->player_y).kind));
    ASSERT_EQ(map->warps.size(), 1u);  // the stairs down, at the top right
    EXPECT_EQ(map->warps[0].x, 7);
    EXPECT_EQ(map->warps[0].y, 0);
    EXPECT_EQ(map->at(7, 0).kind, TileKind::kWarp);
    EXPECT_EQ(map->warps[0].destination_map, 24 << 8 | 6);
    EXPECT_EQ(map->warps[0].destination_name, "NEW BARK TOWN");
}

}  // namespace
}  // namespace crl::test
