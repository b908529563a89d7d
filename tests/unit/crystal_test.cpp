// The Pokémon Crystal profile: real RAM snapshots of the game (../shared/crystal) with their
// ground truth, hand-laid memory images for the edge cases, and a synthetic ROM laid out like the
// real one for the names that live in the ROM.
#include <gtest/gtest.h>

#include <fstream>

#include "game/crystal.h"
#include "storage/files.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

using game::CrystalNames;
using game::CrystalProfile;
using game::MemoryImage;

std::uint8_t encode(char c) {
    if (c >= 'A' && c <= 'Z') return static_cast<std::uint8_t>(0x80 + (c - 'A'));
    if (c >= 'a' && c <= 'z') return static_cast<std::uint8_t>(0xA0 + (c - 'a'));
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(0xF6 + (c - '0'));
    if (c == '.') return 0xE8;
    return 0x7F;
}

void put_text(std::vector<std::uint8_t>& bytes, std::size_t at, const std::string& text,
              std::size_t width = 0) {
    std::size_t i = 0;
    for (; i < text.size(); ++i)
        bytes[at + i] = encode(text[i]);
    for (; i < std::max(width, text.size() + 1); ++i)
        bytes[at + i] = 0x50;
}

std::size_t offset(int bank, int address) {
    return static_cast<std::size_t>(bank) * 0x4000 + (address - 0x4000);
}

// A 2 MiB ROM with Crystal's header and its name tables in the real places, filled with our own
// names: PokemonNames (14:7384), ItemNames (72:4000), MapGroupPointers (25:4000), Landmarks
// (72:68C3).
std::vector<std::uint8_t> synthetic_crystal_rom() {
    std::vector<std::uint8_t> rom(2 * 1024 * 1024, 0);
    const std::string title = "PM_CRYSTAL";
    std::copy(title.begin(), title.end(), rom.begin() + 0x134);
    rom[0x143] = 0xC0;
    rom[0x147] = 0x10;
    rom[0x148] = 0x06;
    rom[0x149] = 0x03;
    fix_header_checksum(rom);

    for (int id = 1; id <= 251; ++id)
        put_text(rom, offset(0x14, 0x7384) + (id - 1) * 10, "MON" + std::to_string(id), 10);
    put_text(rom, offset(0x14, 0x7384) + 154 * 10, "CYNDAQUIL", 10);
    put_text(rom, offset(0x14, 0x7384) + 160 * 10, "SENTRET", 10);
    std::size_t at = offset(0x72, 0x4000);
    for (int id = 1; id <= 255; ++id) {
        const std::string name = id == 18 ? "POTION" : "ITEM" + std::to_string(id);
        put_text(rom, at, name);
        at += name.size() + 1;
    }
    // Landmarks: 4-byte entries (x, y, pointer to the name in bank 0x72).
    const std::vector<std::string> landmarks = {"SPECIAL", "NEW BARK TOWN", "ROUTE 29",
                                                "CHERRYGROVE CITY"};
    std::uint16_t names = 0x7000;
    for (std::size_t i = 0; i < landmarks.size(); ++i) {
        const auto entry = offset(0x72, 0x68C3) + i * 4;
        rom[entry + 2] = static_cast<std::uint8_t>(names & 0xFF);
        rom[entry + 3] = static_cast<std::uint8_t>(names >> 8);
        put_text(rom, offset(0x72, names), landmarks[i]);
        names = static_cast<std::uint16_t>(names + landmarks[i].size() + 1);
    }
    // 26 groups of 8 maps; headers 9 bytes, the landmark at +5. Group 24: maps 3 (Route 29), 4,
    // 5 and 7 (New Bark Town); group 26 map 3 is Cherrygrove City.
    std::uint16_t headers = 0x4100;
    for (int group = 0; group < 26; ++group) {
        rom[offset(0x25, 0x4000) + group * 2] = static_cast<std::uint8_t>(headers & 0xFF);
        rom[offset(0x25, 0x4000) + group * 2 + 1] = static_cast<std::uint8_t>(headers >> 8);
        for (int number = 1; number <= 8; ++number) {
            int landmark = 0;
            if (group + 1 == 24)
                landmark = number == 3 ? 2 : (number == 4 || number == 5 || number == 7) ? 1 : 0;
            if (group + 1 == 26 && number == 3) landmark = 3;
            rom[offset(0x25, headers) + (number - 1) * 9 + 5] = static_cast<std::uint8_t>(landmark);
        }
        headers = static_cast<std::uint16_t>(headers + 8 * 9);
    }
    return rom;
}

CrystalProfile synthetic_profile() {
    static const auto rom = synthetic_crystal_rom();
    return CrystalProfile(CrystalNames(rom));
}

// ---- real memory of the real game ----

struct Scenario {
    std::filesystem::path dir;
    nlohmann::json truth;
    MemoryImage memory;
};

std::optional<Scenario> scenario(const std::string& name) {
    const auto testroms = testroms_dir();
    if (!testroms) return std::nullopt;
    const auto dir = testroms->parent_path() / "crystal/ram-snapshots" / name;
    if (!std::filesystem::exists(dir / "wram.bin")) return std::nullopt;
    Scenario result{dir, nlohmann::json::parse(std::ifstream(dir / "state.json")),
                    MemoryImage::from_files(dir / "wram.bin", dir / "hram.bin")};
    result.memory.select_wram_bank(result.truth["svbk"].get<int>());
    return result;
}

class CrystalSnapshotTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CrystalSnapshotTest, EveryFieldMatchesTheGroundTruth) {
    auto found = scenario(GetParam());
    if (!found) GTEST_SKIP() << "../shared/crystal/ram-snapshots not found";
    const auto& truth = found->truth;
    const auto state = synthetic_profile().read(found->memory);
    const auto json = state.to_json();

    EXPECT_EQ(state.x, truth["wXCoord"]);
    EXPECT_EQ(state.y, truth["wYCoord"]);
    EXPECT_EQ(json["variables"]["map_group"], truth["wMapGroup"]);
    EXPECT_EQ(json["variables"]["map_number"], truth["wMapNumber"]);
    EXPECT_EQ(json["PLAYER_MAP"],
              truth["wMapGroup"].get<int>() * 256 + truth["wMapNumber"].get<int>());
    EXPECT_EQ(state.map_name, truth["map_landmark_name"])
        << "through the (synthetic) ROM's landmark tables";
    const int direction = std::stoi(truth["wPlayerDirection"].get<std::string>(), nullptr, 16);
    EXPECT_EQ(state.facing,
              (std::vector<std::string>{"down", "up", "left",
                                        "right"}[static_cast<std::size_t>(direction >> 2)]));
    EXPECT_EQ(state.money, truth["wMoney"]);
    EXPECT_EQ(json["MONEY"], truth["wMoney"]);
    EXPECT_EQ(state.badges, 0);
    EXPECT_EQ(json["variables"]["player_name"], truth["wPlayerName"]);
    ASSERT_EQ(state.party.size(), truth["party"].size());
    for (std::size_t i = 0; i < state.party.size(); ++i) {
        const auto& mon = truth["party"][i];
        EXPECT_EQ(state.party[i].species, mon["species"]);
        EXPECT_EQ(state.party[i].name, mon["species_name"]);
        EXPECT_EQ(state.party[i].level, mon["level"]);
        EXPECT_EQ(state.party[i].hp, mon["hp"]);
        EXPECT_EQ(state.party[i].max_hp, mon["max_hp"]);
    }
    EXPECT_EQ(json["PLAYER_LEVEL"],
              truth["party"].empty() ? 0 : truth["party"][0]["level"].get<int>());
    EXPECT_EQ(state.play_seconds, truth["wGameTimeHours"].get<int>() * 3600 +
                                      truth["wGameTimeMinutes"].get<int>() * 60 +
                                      truth["wGameTimeSeconds"].get<int>());
    ASSERT_EQ(state.items.size(), truth["items"].size());
    for (std::size_t i = 0; i < state.items.size(); ++i) {
        EXPECT_EQ(state.items[i].first, truth["items"][i]["id"]);
        EXPECT_EQ(state.items[i].second, truth["items"][i]["qty"]);
        EXPECT_EQ(json["variables"]["item_names"][i], truth["items"][i]["name"]);
    }
    EXPECT_EQ(state.pokedex_caught, truth["pokedex_caught"]);
    EXPECT_EQ(state.pokedex_seen, truth["pokedex_seen"]);
    EXPECT_EQ(json["variables"]["time_of_day"], "day");
    const int battle_mode = truth["wBattleMode"];
    EXPECT_EQ(state.in_battle(), battle_mode != 0);
    if (battle_mode) {
        EXPECT_EQ(state.battle.kind, game::BattleKind::kWild);
        EXPECT_EQ(state.battle.enemy_species, truth["enemy"]["species"]);
        EXPECT_EQ(state.battle.enemy_name, truth["enemy"]["species_name"]);
        EXPECT_EQ(state.battle.enemy_level, truth["enemy"]["level"]);
        EXPECT_EQ(state.battle.enemy_hp, truth["enemy"]["hp"]);
        EXPECT_EQ(state.battle.enemy_max_hp, truth["enemy"]["max_hp"]);
        EXPECT_EQ(state.screen, game::Screen::kBattle);
    } else {
        EXPECT_EQ(state.screen, game::Screen::kOverworld);
    }
}

INSTANTIATE_TEST_SUITE_P(RealGame, CrystalSnapshotTest,
                         ::testing::Values("02_players_room", "05_elms_lab_got_starter",
                                           "06_route29_wild_battle"));

TEST(CrystalSnapshotBankTest, ReadsDoNotDependOnTheSelectedBank) {
    auto found = scenario("06_route29_wild_battle");
    if (!found) GTEST_SKIP() << "../shared/crystal/ram-snapshots not found";
    const auto profile = synthetic_profile();
    const auto normal = profile.read(found->memory).to_json();
    found->memory.select_wram_bank(5);  // palettes, as on the title screen and during fades
    EXPECT_EQ(profile.read(found->memory).to_json(), normal);
    // A plain bus read of wXCoord would now see bank 5's byte.
    EXPECT_NE(found->memory.read(-1, 0xDCB8), found->memory.read(1, 0xDCB8));
}

// ---- edge cases on hand-laid memory ----

void put_mon(MemoryImage& memory, int slot, int species, int level, int hp, int max_hp,
             int status = 0) {
    const auto base = static_cast<std::uint16_t>(0xDCDF + slot * 0x30);
    memory.write(1, base, static_cast<std::uint8_t>(species));
    for (int move = 0; move < 4; ++move)
        memory.write(1, static_cast<std::uint16_t>(base + 2 + move),
                     static_cast<std::uint8_t>(move + 1));
    memory.write(1, static_cast<std::uint16_t>(base + 0x1F), static_cast<std::uint8_t>(level));
    memory.write(1, static_cast<std::uint16_t>(base + 0x20), static_cast<std::uint8_t>(status));
    memory.write(1, static_cast<std::uint16_t>(base + 0x22), static_cast<std::uint8_t>(hp >> 8));
    memory.write(1, static_cast<std::uint16_t>(base + 0x23), static_cast<std::uint8_t>(hp));
    memory.write(1, static_cast<std::uint16_t>(base + 0x24),
                 static_cast<std::uint8_t>(max_hp >> 8));
    memory.write(1, static_cast<std::uint16_t>(base + 0x25), static_cast<std::uint8_t>(max_hp));
}

MemoryImage walking_in(int group, int number) {
    MemoryImage memory;
    memory.write(1, 0xDCB5, static_cast<std::uint8_t>(group));
    memory.write(1, 0xDCB6, static_cast<std::uint8_t>(number));
    memory.write(1, 0xD0ED, 0x01);
    memory.write(0, 0xCFCF, 0x01);
    return memory;
}

void put_money(MemoryImage& memory, int money) {
    memory.write(1, 0xD84E, static_cast<std::uint8_t>(money >> 16));
    memory.write(1, 0xD84F, static_cast<std::uint8_t>(money >> 8));
    memory.write(1, 0xD850, static_cast<std::uint8_t>(money));
}

TEST(CrystalMemoryTest, NoPartyMeansLevelZero) {
    auto memory = walking_in(24, 7);
    const auto json = synthetic_profile().read(memory).to_json();
    EXPECT_EQ(json["party_count"], 0);
    EXPECT_EQ(json["PLAYER_LEVEL"], 0);
    EXPECT_EQ(json["highest_level"], 0);
    EXPECT_EQ(json["map"]["name"], "NEW BARK TOWN");
}

TEST(CrystalMemoryTest, SixMonsWithNamesMovesStatusAndTwoByteHp) {
    auto memory = walking_in(26, 3);
    memory.write(1, 0xDCD7, 6);
    const int levels[6] = {12, 40, 7, 100, 33, 2};
    for (int i = 0; i < 6; ++i)
        put_mon(memory, i, 150 + i, levels[i], 300 + i, 400 + i, i == 2 ? 0x08 : 0);
    const auto state = synthetic_profile().read(memory);
    ASSERT_EQ(state.party.size(), 6u);
    EXPECT_EQ(state.party[5].species, 155);
    EXPECT_EQ(state.party[5].name, "CYNDAQUIL");
    EXPECT_EQ(state.party[3].level, 100);
    EXPECT_EQ(state.party[4].hp, 304);
    EXPECT_EQ(state.party[4].max_hp, 404);
    EXPECT_EQ(state.party[2].status, 0x08);
    EXPECT_EQ(state.party[0].moves, (std::vector<int>{1, 2, 3, 4}));
    EXPECT_EQ(state.to_json()["PLAYER_LEVEL"], 12) << "the first mon's level";
    EXPECT_EQ(state.highest_level(), 100);
    EXPECT_EQ(state.map_name, "CHERRYGROVE CITY");
}

TEST(CrystalMemoryTest, MoreThanSixInTheCountIsReadAsSix) {
    auto memory = walking_in(24, 7);
    memory.write(1, 0xDCD7, 0xFF);
    EXPECT_EQ(synthetic_profile().read(memory).party.size(), 6u);
}

TEST(CrystalMemoryTest, UnknownSpeciesHasNoName) {
    auto memory = walking_in(24, 7);
    memory.write(1, 0xDCD7, 2);
    put_mon(memory, 0, 0, 5, 10, 10);
    put_mon(memory, 1, 252, 5, 10, 10);
    const auto state = synthetic_profile().read(memory);
    EXPECT_EQ(state.party[0].name, "");
    EXPECT_EQ(state.party[1].species, 252);
    EXPECT_EQ(state.party[1].name, "");
}

TEST(CrystalMemoryTest, MoneyFromZeroTo999999) {
    auto memory = walking_in(24, 7);
    put_money(memory, 0);
    EXPECT_EQ(synthetic_profile().read(memory).money, 0);
    put_money(memory, 999999);
    EXPECT_EQ(synthetic_profile().read(memory).to_json()["MONEY"], 999999);
}

TEST(CrystalMemoryTest, AllSixteenBadges) {
    auto memory = walking_in(24, 7);
    memory.write(1, 0xD857, 0xFF);
    memory.write(1, 0xD858, 0xFF);
    auto state = synthetic_profile().read(memory);
    EXPECT_EQ(state.badges, 16);
    EXPECT_EQ(state.badge_bits, 0xFFFFu);
    EXPECT_EQ(state.to_json()["BADGES"], 16);
    memory.write(1, 0xD857, 0b1010'0001);
    memory.write(1, 0xD858, 0b0000'0100);
    state = synthetic_profile().read(memory);
    EXPECT_EQ(state.badges, 4) << "a count, not the bit mask";
    EXPECT_EQ(state.badge_bits, 0x04A1u);
}

TEST(CrystalMemoryTest, PlayerNameIdPlayTimeItemsPokedexAndEvents) {
    auto memory = walking_in(24, 7);
    const std::string name = "GOLD";
    for (std::size_t i = 0; i < 11; ++i)
        memory.write(1, static_cast<std::uint16_t>(0xD47D + i),
                     i < name.size() ? encode(name[i]) : 0x50);
    memory.write(1, 0xD47B, 0x30);
    memory.write(1, 0xD47C, 0x39);  // ID 12345
    memory.write(1, 0xD4C4, 0x01);
    memory.write(1, 0xD4C5, 0x2C);  // 300 hours
    memory.write(1, 0xD4C6, 7);
    memory.write(1, 0xD4C7, 9);
    memory.write(1, 0xD892, 2);
    memory.write(1, 0xD893, 18);
    memory.write(1, 0xD894, 3);
    memory.write(1, 0xD895, 4);
    memory.write(1, 0xD896, 99);
    memory.write(1, 0xDE99, 0xFF);
    memory.write(1, 0xDEB9, 0xFF);
    memory.write(1, 0xDEBA, 0x01);
    memory.write(1, 0xDA72, 0x03);
    memory.write(1, 0xDB71, 0x80);  // the last of 256 event-flag bytes
    memory.write(1, 0xD269, 2);
    const auto state = synthetic_profile().read(memory);
    const auto json = state.to_json();
    EXPECT_EQ(json["variables"]["player_name"], "GOLD");
    EXPECT_EQ(json["variables"]["player_id"], 12345);
    EXPECT_EQ(json["variables"]["play_time"], "300:07:09");
    EXPECT_EQ(state.play_seconds, 300 * 3600 + 7 * 60 + 9);
    EXPECT_EQ(state.items, (std::vector<std::pair<int, int>>{{18, 3}, {4, 99}}));
    EXPECT_EQ(json["variables"]["item_names"][0], "POTION");
    EXPECT_EQ(state.pokedex_caught, 8);
    EXPECT_EQ(state.pokedex_seen, 9);
    EXPECT_EQ(state.event_flags, 3);
    EXPECT_EQ(json["variables"]["time_of_day"], "night");
}

TEST(CrystalMemoryTest, ScreenKindComesFromTheGamesFlags) {
    const auto profile = synthetic_profile();
    MemoryImage title;  // no map loaded
    EXPECT_EQ(profile.read(title).screen, game::Screen::kTitle);
    auto memory = walking_in(24, 7);
    EXPECT_EQ(profile.read(memory).screen, game::Screen::kOverworld);
    memory.write(0, 0xCFCF, 0x03);  // text printing
    EXPECT_EQ(profile.read(memory).screen, game::Screen::kText);
    EXPECT_TRUE(profile.read(memory).text_open);
    memory.write(0, 0xCFCF, 0x01);
    memory.write(1, 0xD438, 0xFF);  // a script or the START menu
    memory.write(1, 0xD0ED, 0x41);
    EXPECT_EQ(profile.read(memory).screen, game::Screen::kMenu);
    memory.write(1, 0xD22D, 2);  // a trainer battle
    const auto battle = profile.read(memory);
    EXPECT_EQ(battle.screen, game::Screen::kBattle);
    EXPECT_EQ(battle.battle.kind, game::BattleKind::kTrainer);
}

// ---- names from the ROM and detection ----

TEST(CrystalRomTest, NamesComeFromTheRomTables) {
    const auto rom = synthetic_crystal_rom();
    const CrystalNames names(rom);
    EXPECT_EQ(names.species(1), "MON1");
    EXPECT_EQ(names.species(155), "CYNDAQUIL");
    EXPECT_EQ(names.species(251), "MON251");
    EXPECT_EQ(names.species(0), "");
    EXPECT_EQ(names.species(252), "");
    EXPECT_EQ(names.item(18), "POTION");
    EXPECT_EQ(names.item(1), "ITEM1");
    EXPECT_EQ(names.map(24, 7), "NEW BARK TOWN");
    EXPECT_EQ(names.map(24, 4), "NEW BARK TOWN");
    EXPECT_EQ(names.map(24, 3), "ROUTE 29");
    EXPECT_EQ(names.map(26, 3), "CHERRYGROVE CITY");
    EXPECT_EQ(names.map(0, 1), "");
    EXPECT_EQ(names.map(27, 1), "");
}

TEST(CrystalRomTest, TextDecodingFollowsTheCharmap) {
    const std::vector<std::uint8_t> text = {0x8D, 0xA8, 0xA3, 0xAE, 0xB1, 0xA0, 0xAD,
                                            0xEF, 0x7F, 0xF7, 0xE8, 0xE7, 0x50, 0x80};
    EXPECT_EQ(game::decode_crystal_text(text), "Nidoran♂ 1.!");
}

TEST(CrystalRomTest, TheProfileIsChosenByTheHeaderAndForcingItOnAnotherRomFails) {
    const auto bytes = synthetic_crystal_rom();
    const auto rom = emu::Rom::from_bytes(bytes, "'synthetic crystal'");
    EXPECT_TRUE(game::is_crystal(rom.header()));
    EXPECT_EQ(game::crystal_revision(rom.header()), "") << "not the real 1.0 or 1.1";
    const auto profile = game::make_profile(rom);
    EXPECT_EQ(profile->name(), "crystal");
    EXPECT_EQ(profile->read(MemoryImage()).to_json()["variables"]["revision"], "unknown");

    CRL_REQUIRE_TESTROM(other, "ucity/ucity.gbc");
    game::ProfileOptions forced;
    forced.name = "crystal";
    try {
        (void)game::make_profile(emu::Rom::from_file(other), forced);
        ADD_FAILURE();
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("not Pokémon Crystal"), std::string::npos)
            << error.what();
        EXPECT_NE(std::string(error.what()).find("--rom"), std::string::npos) << error.what();
    }
}

TEST(CrystalRomTest, ForcingCrystalWithoutARomIsAClearCliError) {
    const auto result = run_cli("state --profile crystal --frames 1");
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.out.find("not Pokémon Crystal"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace crl::test
