// What the shared screen handling presses in a battle's move menu: the cursor is walked to the
// move that hits hardest among those with PP left, then A.
#include <gtest/gtest.h>

#include "agent/screen_handling.h"

namespace crl::test {
namespace {

game::GameState move_menu(int cursor, std::vector<game::BattleMove> moves) {
    game::GameState state;
    state.screen = game::Screen::kBattle;
    state.battle.kind = game::BattleKind::kWild;
    state.battle.moves = std::move(moves);
    state.battle.move_cursor = cursor;
    game::PartyMember lead;
    lead.species = 155;
    lead.name = "CYNDAQUIL";
    lead.level = 9;
    lead.hp = lead.max_hp = 30;
    state.party.push_back(lead);
    state.extra["screen_text"] = {"TACKLE", "LEER", "EMBER", "TYPE/", " FIRE"};
    return state;
}

const std::vector<game::BattleMove> kMoves = {
    {.id = 33, .pp = 20, .power = 35, .effective_power = 35},    // TACKLE
    {.id = 43, .pp = 30, .power = 0, .effective_power = 0},      // LEER
    {.id = 52, .pp = 25, .power = 40, .effective_power = 120}};  // EMBER on a grass type

TEST(ScreenHandlingTest, WalksTheCursorToTheStrongestMoveThenPressesA) {
    agent::ScreenHandler handler;
    EXPECT_EQ(handler.handle(move_menu(0, kMoves))->action, env::Action::kDown);
    EXPECT_EQ(handler.handle(move_menu(1, kMoves))->action, env::Action::kDown);
    const auto chosen = handler.handle(move_menu(2, kMoves));
    EXPECT_EQ(chosen->action, env::Action::kA);
    EXPECT_NE(chosen->why.find("power 40"), std::string::npos) << chosen->why;
    agent::ScreenHandler from_below;
    EXPECT_EQ(from_below.handle(move_menu(3, kMoves))->action, env::Action::kUp);
}

TEST(ScreenHandlingTest, SkipsAMoveWithoutPp) {
    auto moves = kMoves;
    moves[2].pp = 0;
    agent::ScreenHandler handler;
    EXPECT_EQ(handler.handle(move_menu(2, moves))->action, env::Action::kUp);
    EXPECT_EQ(handler.handle(move_menu(0, moves))->action, env::Action::kA);
}

}  // namespace
}  // namespace crl::test
