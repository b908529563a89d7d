// The demo game, driven by input movies as a player would, checked through its game profile:
// every assertion is an exact value read from RAM at the documented addresses.
#include <gtest/gtest.h>

#include <set>

#include "demo_rom.h"
#include "emu/movie.h"
#include "game/profile.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

using emu::Render;

// One cell of walking: the direction held for the 8 frames a step takes, then a short rest.
std::string step(const char* direction, int times = 1) {
    std::string text;
    for (int i = 0; i < times; ++i)
        text += std::string("8 ") + direction + "\n10 -\n";
    return text;
}
const std::string kPressA = "5 A\n10 -\n";
const std::string kStartGame = "60 -\n5 START\n30 -\n";

class DemoGameTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (demo_rom_bytes().empty()) GTEST_SKIP() << "this build has no demo game (SDCC missing)";
        rom_ = std::make_unique<emu::Rom>(emu::Rom::from_bytes(demo_rom_bytes(), "'demo'"));
        machine_ = emu::make_machine(*rom_);
        profile_ = game::make_profile(*rom_);
    }

    game::GameState play(const std::string& movie_text) {
        const auto movie = emu::Movie::parse(movie_text, "test movie");
        for (const auto& segment : movie.segments()) {
            machine_->run_frames(static_cast<int>(segment.frames), segment.buttons, Render::kLast);
        }
        return state();
    }
    game::GameState state() const { return profile_->read(game::MachineMemory(*machine_)); }

    std::unique_ptr<emu::Rom> rom_;
    std::unique_ptr<emu::Machine> machine_;
    std::unique_ptr<game::Profile> profile_;
};

TEST_F(DemoGameTest, RomPassesOurHeaderChecks) {
    EXPECT_EQ(rom_->header().title, "CRLDEMO");
    EXPECT_TRUE(rom_->header().color_only());
    EXPECT_EQ(profile_->name(), "demo");
}

TEST_F(DemoGameTest, TitleScreenThenStartBeginsInTown) {
    auto title = play("60 -\n");
    EXPECT_EQ(title.screen, game::Screen::kTitle);
    EXPECT_EQ(title.extra["on_title"], 1);
    EXPECT_EQ(title.party.size(), 0u);

    auto town = play("5 START\n30 -\n");
    EXPECT_EQ(town.screen, game::Screen::kOverworld);
    EXPECT_EQ(town.map_id, 0);
    EXPECT_EQ(town.map_name, "DEMO TOWN");
    EXPECT_EQ(town.x, 4);
    EXPECT_EQ(town.y, 3);
    EXPECT_EQ(town.facing, "down");
    EXPECT_EQ(town.money, 100);
    EXPECT_EQ(town.badges, 0);
    ASSERT_EQ(town.party.size(), 1u);
    EXPECT_EQ(town.party[0].name, "SPARKY");
    EXPECT_EQ(town.party[0].level, 5);
    EXPECT_EQ(town.party[0].hp, 25);
    const auto json = town.to_json();
    EXPECT_EQ(json["PLAYER_X"], 4);
    EXPECT_EQ(json["PLAYER_Y"], 3);
    EXPECT_EQ(json["PLAYER_MAP"], 0);
    EXPECT_EQ(json["PLAYER_LEVEL"], 5);
    EXPECT_EQ(json["BADGES"], 0);
    EXPECT_EQ(json["MONEY"], 100);
}

TEST_F(DemoGameTest, TownScreenIsColouredWithThePlayer) {
    play(kStartGame);
    const auto screen = screen_of(*machine_);
    save_artifact(screen, "demo-town");
    EXPECT_FALSE(is_uniform(screen));
    std::set<int> colours;
    for (std::size_t i = 0; i < screen.rgb.size(); i += 3) {
        colours.insert(screen.rgb[i] << 16 | screen.rgb[i + 1] << 8 | screen.rgb[i + 2]);
    }
    EXPECT_GE(colours.size(), 12u) << "a Game Boy Color town uses many colours";
    // The player's red cap (sprite palette 0, colour 2 = RGB555 (28,4,4)) is on screen.
    EXPECT_TRUE(colours.count(0xE72121)) << "no red cap";
}

TEST_F(DemoGameTest, WalkingThroughTheDoorEntersTheHouseAndTheMatLeavesIt) {
    play(kStartGame);
    const auto inside = play(step("UP"));
    EXPECT_EQ(inside.map_id, 2);
    EXPECT_EQ(inside.map_name, "PLAYER'S HOUSE");
    EXPECT_EQ(inside.x, 4);
    EXPECT_EQ(inside.y, 7);
    EXPECT_EQ(inside.facing, "up");
    EXPECT_EQ(inside.steps, 1);
    const auto outside = play(step("DOWN"));
    EXPECT_EQ(outside.map_id, 0);
    EXPECT_EQ(outside.x, 4);
    EXPECT_EQ(outside.y, 3);
    EXPECT_EQ(outside.steps, 2);
}

TEST_F(DemoGameTest, TreesBlockAndTheMapEdgeLeadsToTheRoute) {
    play(kStartGame);
    auto blocked = play(step("LEFT", 4));  // (1,3), then a tree at (0,3)
    EXPECT_EQ(blocked.x, 1);
    EXPECT_EQ(blocked.facing, "left");
    play(step("RIGHT", 3) + step("DOWN"));  // back to (4,4)
    const auto route = play(step("RIGHT", 6));
    EXPECT_EQ(route.map_id, 1);
    EXPECT_EQ(route.map_name, "ROUTE 1");
    EXPECT_EQ(route.x, 0);
    EXPECT_EQ(route.y, 4);
}

TEST_F(DemoGameTest, TalkingToAPersonOpensTextUntilAIsPressed) {
    play(kStartGame);
    const auto talking = play(step("RIGHT", 2) + kPressA);  // the elder stands at (7,3)
    EXPECT_TRUE(talking.text_open);
    EXPECT_EQ(talking.screen, game::Screen::kText);
    EXPECT_EQ(talking.extra["text_id"], 0);
    EXPECT_TRUE(play(kPressA).text_open) << "the elder has a second page";
    const auto done = play(kPressA);
    EXPECT_FALSE(done.text_open);
    EXPECT_EQ(done.screen, game::Screen::kOverworld);
    EXPECT_EQ(done.extra["text_id"], 255);
}

TEST_F(DemoGameTest, SteppingOnAStarEarnsABadge) {
    play(kStartGame);
    const auto badge = play(step("DOWN", 3) + step("RIGHT", 4));  // the star at (8,6)
    EXPECT_EQ(badge.badges, 1);
    EXPECT_EQ(badge.badge_bits, 1u);
    EXPECT_EQ(badge.to_json()["BADGES"], 1);
    EXPECT_TRUE(badge.text_open);
}

TEST_F(DemoGameTest, FindingACoinRaisesMoney) {
    play(kStartGame);
    const auto rich = play(step("DOWN", 2) + step("LEFT", 2));  // the coin at (2,5)
    EXPECT_EQ(rich.money, 200);
    EXPECT_EQ(rich.extra["coins_found"], 1);
}

TEST_F(DemoGameTest, TallGrassEncounterWonWithFightRaisesLevelAndMoney) {
    play(kStartGame + step("DOWN") + step("RIGHT", 7) + step("DOWN", 2));  // route (1,6), grass
    auto state = play(step("RIGHT") + step("LEFT") + step("RIGHT"));
    ASSERT_TRUE(state.in_battle()) << "the game's seed gives an encounter on the third grass step";
    EXPECT_EQ(state.screen, game::Screen::kBattle);
    EXPECT_EQ(state.battle.enemy_name, "PIDGE");
    EXPECT_EQ(state.battle.enemy_level, 3);
    EXPECT_EQ(state.battle.enemy_hp, 14);
    for (int press = 0; press < 12 && state.in_battle(); ++press)
        state = play(kPressA);
    EXPECT_FALSE(state.in_battle());
    EXPECT_EQ(state.extra["battles_won"], 1);
    EXPECT_EQ(state.party[0].level, 6);
    EXPECT_EQ(state.money, 130);
    EXPECT_EQ(state.to_json()["PLAYER_LEVEL"], 6);
}

TEST_F(DemoGameTest, SameInputsGiveTheSameGame) {
    const std::string movie = kStartGame + step("DOWN") + step("RIGHT", 7) + step("DOWN", 2) +
                              step("RIGHT") + step("LEFT") + step("RIGHT") + kPressA + kPressA;
    const auto first = play(movie).to_json();
    machine_->reset();
    EXPECT_EQ(play(movie).to_json(), first);
}

}  // namespace
}  // namespace crl::test
