// Variables files (the generic profile): every type read from a hand-made memory image, symbols
// resolved through a .sym file, and bad files refused with the file, the entry and the problem.
#include <gtest/gtest.h>

#include "game/profile.h"
#include "game/variables.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

using game::MemoryImage;
using game::SymbolTable;
using game::VariablesFile;

const char* kSymbols =
    "; a comment\n"
    "01:dcb8 wXCoord\n"
    "01:d84e wMoney\n"
    "03:d000 wBankThree\n"
    "00:c000 wStart\n";

MemoryImage sample_memory() {
    MemoryImage memory;
    memory.write(0, 0xC000, 0x12);
    memory.write(0, 0xC001, 0x34);  // u16 little: 0x3412; big: 0x1234
    memory.write(0, 0xC002, 0x56);
    memory.write(0, 0xC003, 0xFE);  // i8 -2
    memory.write(0, 0xC004, 0xFF);
    memory.write(0, 0xC005, 0x7F);  // i16 little 0x7FFF
    memory.write(0, 0xC010, 0x12);
    memory.write(0, 0xC011, 0x34);
    memory.write(0, 0xC012, 0x56);  // bcd 123456
    memory.write(0, 0xC020, 0xFF);
    memory.write(0, 0xC021, 0x81);  // bitcount over 2 bytes: 8 + 2
    memory.write(1, 0xDCB8, 7);     // x in bank 1
    memory.write(3, 0xD000, 0x33);  // another bank at the same window
    memory.write(1, 0xD000, 0x11);
    memory.write(1, 0xD84E, 0x01);
    memory.write(1, 0xD84F, 0x86);
    memory.write(1, 0xD850, 0x9F);  // money, 3 bytes big-endian binary = 99999
    memory.write(-1, 0xFF90, 0x42);
    memory.select_wram_bank(5);  // the game switched banks: bank-qualified reads must not care
    return memory;
}

TEST(VariablesTest, EveryTypeReadsTheRightValue) {
    const auto symbols = SymbolTable::parse(kSymbols, "test.sym");
    const auto file = VariablesFile::parse(R"({"variables": {
        "a_u8":       {"address": "0xC000", "type": "u8"},
        "a_u16":      {"address": "0xC000", "type": "u16"},
        "a_u16_big":  {"address": "0xC000", "type": "u16", "endian": "big"},
        "a_u24":      {"address": 49152, "type": "u24"},
        "a_u32":      {"address": "0xC000", "type": "u32"},
        "an_i8":      {"address": "0xC003", "type": "i8"},
        "an_i16":     {"address": "0xC004", "type": "i16"},
        "an_i32":     {"address": "0xC003", "type": "i32", "endian": "big"},
        "a_bcd":      {"address": "0xC010", "type": "bcd", "size": 3},
        "a_bcd_le":   {"address": "0xC010", "type": "bcd", "size": 3, "endian": "little"},
        "some_bits":  {"address": "0xC020", "type": "bitcount", "size": 2},
        "a_list":     {"address": "0xC000", "type": "bytes:3"},
        "x":          {"symbol": "wXCoord", "type": "u8"},
        "money":      {"symbol": "wMoney", "type": "u24", "endian": "big"},
        "bank_three": {"symbol": "wBankThree", "type": "u8"},
        "forced_bank":{"address": "0xD000", "bank": 1, "type": "u8"},
        "hram":       {"address": "0xFF90", "type": "u8"}
    }})",
                                           "test.json", &symbols);
    const auto memory = sample_memory();
    auto value = [&](const char* name) { return file.find(name)->read(memory); };
    EXPECT_EQ(value("a_u8"), 0x12);
    EXPECT_EQ(value("a_u16"), 0x3412);
    EXPECT_EQ(value("a_u16_big"), 0x1234);
    EXPECT_EQ(value("a_u24"), 0x563412);
    EXPECT_EQ(value("a_u32"), 0xFE563412);
    EXPECT_EQ(value("an_i8"), -2);
    EXPECT_EQ(value("an_i16"), 0x7FFF);
    EXPECT_EQ(value("an_i32"), static_cast<std::int32_t>(0xFEFF7F00));
    EXPECT_EQ(value("a_bcd"), 123456);
    EXPECT_EQ(value("a_bcd_le"), 563412);
    EXPECT_EQ(value("some_bits"), 10);
    EXPECT_EQ(value("a_list"), nlohmann::json({0x12, 0x34, 0x56}));
    EXPECT_EQ(value("x"), 7);
    EXPECT_EQ(value("money"), 99999);
    EXPECT_EQ(value("bank_three"), 0x33);
    EXPECT_EQ(value("forced_bank"), 0x11);
    EXPECT_EQ(value("hram"), 0x42);
}

TEST(VariablesTest, WellKnownNamesFillTheTypedState) {
    const auto file = VariablesFile::parse(R"({"variables": {
        "player_x": {"address": "0xC000", "type": "u8"},
        "map_id":   {"address": "0xC003", "type": "u8"},
        "money":    {"address": "0xC010", "type": "bcd", "size": 3},
        "badges":   {"address": "0xC020", "type": "bitcount", "size": 2}
      }, "map_names": {"254": "FAR AWAY"}, "badges_possible": 16})",
                                           "test.json", nullptr);
    const game::VariablesProfile profile("generic", file);
    const auto state = profile.read(sample_memory());
    EXPECT_EQ(state.x, 0x12);
    EXPECT_EQ(state.map_id, 0xFE);
    EXPECT_EQ(state.map_name, "FAR AWAY");
    EXPECT_EQ(state.money, 123456);
    EXPECT_EQ(state.badges, 10);
    EXPECT_EQ(state.badge_bits, 0xFF81u);
    EXPECT_EQ(state.to_json()["MONEY"], 123456);
    EXPECT_EQ(state.to_json()["badges"]["possible"], 16);
    EXPECT_EQ(state.to_json()["variables"]["player_x"], 0x12);
}

void expect_rejected(const std::string& json, const std::string& fragment,
                     const SymbolTable* symbols = nullptr) {
    try {
        (void)VariablesFile::parse(json, "'bad.json'", symbols);
        ADD_FAILURE() << "accepted: " << json;
    } catch (const game::VariablesError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("'bad.json'"), std::string::npos) << message;
        EXPECT_NE(message.find(fragment), std::string::npos) << message;
    }
}

TEST(VariablesTest, BadFilesNameTheFileTheEntryAndTheProblem) {
    const auto symbols = SymbolTable::parse(kSymbols, "test.sym");
    expect_rejected("{not json", "not valid JSON");
    expect_rejected("[1, 2]", "expected an object with \"variables\"");
    expect_rejected(R"({"variables": {"hp": {"address": "0xC000", "type": "float"}}})",
                    "entry 'hp': unknown type 'float'");
    expect_rejected(R"({"variables": {"hp": {"address": "0x1C000", "type": "u8"}}})",
                    "entry 'hp': address 0x1C000 is outside");
    expect_rejected(R"({"variables": {"hp": {"address": "0xFFFF", "type": "u16"}}})",
                    "entry 'hp': address 0xFFFF (+2 bytes) is outside");
    expect_rejected(R"({"variables": {"hp": {"address": "-4", "type": "u8"}}})",
                    "entry 'hp': address");
    expect_rejected(R"({"variables": {"hp": {"address": "lots", "type": "u8"}}})",
                    "entry 'hp': 'address' must be a number");
    expect_rejected(R"({"variables": {"x": {"symbol": "wNowhere", "type": "u8"}}})",
                    "entry 'x': unknown symbol 'wNowhere'", &symbols);
    expect_rejected(R"({"variables": {"x": {"symbol": "wXCoord", "type": "u8"}}})",
                    "entry 'x': names symbol 'wXCoord' but no symbol file was given");
    expect_rejected(R"({"variables": {"x": {"type": "u8"}}})",
                    "entry 'x': give exactly one of \"address\" or \"symbol\"");
    expect_rejected(R"({"variables": {"x": {"address": "0xD000", "bank": 9, "type": "u8"}}})",
                    "entry 'x': bank 9");
    expect_rejected(R"({"variables": {"x": {"address": "0xC000", "type": "bytes:0"}}})",
                    "entry 'x': 'bytes:0' needs a byte count");
    expect_rejected(
        R"({"variables": {"x": {"address": "0xC000", "type": "u8", "endian": "middle"}}})",
        "entry 'x': endian must be");
    expect_rejected(R"({"variables": {"x": {"address": "0xC000", "type": "bcd", "size": 12}}})",
                    "entry 'x': size 12");
    expect_rejected(R"({"variables": {"x": 5}})", "entry 'x': must be an object");
    expect_rejected(R"({"variables": {}, "ready_when": {"variable": "magic", "equals": 1}})",
                    "\"ready_when\" names 'magic', which is not one of its variables");
    expect_rejected(
        R"({"variables": {"magic": {"address": "0xC000", "type": "u8"}}, "ready_when": "yes"})",
        "\"ready_when\" must be {\"variable\": NAME, \"equals\": WHOLE NUMBER}, got \"yes\"");
}

TEST(VariablesTest, UntilTheGameIsReadyTheScreenIsUnknown) {
    const auto file = VariablesFile::parse(R"({"variables": {
        "magic":    {"address": "0xC000", "type": "u8"},
        "on_title": {"address": "0xC001", "type": "u8"}
      }, "ready_when": {"variable": "magic", "equals": 211}})",
                                           "test.json", nullptr);
    const game::VariablesProfile profile("generic", file);
    MemoryImage memory;
    memory.write(0, 0xC000, 0);  // power-on: zeroed memory would read "not on the title: overworld"
    EXPECT_EQ(profile.read(memory).screen, game::Screen::kUnknown);
    memory.write(0, 0xC000, 211);
    EXPECT_EQ(profile.read(memory).screen, game::Screen::kOverworld);
    memory.write(0, 0xC001, 1);
    EXPECT_EQ(profile.read(memory).screen, game::Screen::kTitle);
}

TEST(SymbolsTest, ParsesBankAndAddressAndRejectsGarbage) {
    const auto symbols = SymbolTable::parse(kSymbols, "test.sym");
    EXPECT_EQ(symbols.size(), 4u);
    ASSERT_TRUE(symbols.find("wMoney"));
    EXPECT_EQ(symbols.find("wMoney")->bank, 1);
    EXPECT_EQ(symbols.find("wMoney")->address, 0xD84E);
    EXPECT_FALSE(symbols.find("wNothing"));
    EXPECT_THROW(SymbolTable::parse("zz:12 bad\n", "x.sym"), std::runtime_error);
    EXPECT_THROW(SymbolTable::parse("01:12345 big\n", "x.sym"), std::runtime_error);
}

TEST(SymbolsTest, ReadsTheRealPokemonCrystalSymbolFile) {
    const auto dir = testroms_dir();
    const auto sym = dir ? dir->parent_path() / "crystal/pokecrystal.sym" : std::filesystem::path();
    if (!dir || !std::filesystem::exists(sym)) GTEST_SKIP() << "../shared/crystal not found";
    const auto symbols = SymbolTable::load(sym);
    ASSERT_TRUE(symbols.find("wXCoord"));
    EXPECT_EQ(symbols.find("wXCoord")->bank, 1);
    EXPECT_EQ(symbols.find("wXCoord")->address, 0xDCB8);
}

TEST(ProfileTest, ForcingTheDemoProfileOnAnotherRomIsAnError) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    game::ProfileOptions options;
    options.name = "demo";
    try {
        (void)game::make_profile(emu::Rom::from_file(rom), options);
        ADD_FAILURE();
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("not the demo game"), std::string::npos);
    }
}

TEST(ProfileTest, UnknownRomsGetTheGenericProfile) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    const auto profile = game::make_profile(emu::Rom::from_file(rom));
    EXPECT_EQ(profile->name(), "generic");
    const auto json = profile->read(MemoryImage()).to_json();
    EXPECT_EQ(json["PLAYER_X"], 0);
    EXPECT_EQ(json["profile"], "generic");
}

}  // namespace
}  // namespace crl::test
