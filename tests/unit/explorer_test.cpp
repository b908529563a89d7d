// The explorer's choices on hand-drawn maps: healing a weak party, and ways that open again
// when the story moves on.
#include <gtest/gtest.h>

#include "agent/explorer.h"
#include "game/map_view.h"

namespace crl {
namespace {

using game::Direction;
using game::MapView;

MapView drawn(int id, std::vector<std::string> rows) {
    nlohmann::json json{
        {"map", id}, {"width", rows.front().size()}, {"height", rows.size()}, {"rows", rows}};
    return MapView::from_json(json);
}

struct Walk {
    game::GameState state;
    std::deque<agent::Recent> recent;

    Walk(int map, int x, int y, Direction facing, int hp, int max_hp) {
        state.screen = game::Screen::kOverworld;
        state.map_id = map;
        state.x = x;
        state.y = y;
        state.facing = game::to_string(facing);
        state.party.push_back({.species = 155,
                               .name = "CYNDAQUIL",
                               .level = 5,
                               .hp = hp,
                               .max_hp = max_hp,
                               .status = 0,
                               .moves = {}});
    }
    agent::Decision decide(agent::ExplorerAgent& explorer, MapView map) {
        map.player_x = state.x;
        map.player_y = state.y;
        return explorer.decide({state, 0, 0, recent, {}, &map});
    }
};

// A Pokémon Center: the nurse (@) behind the counter (C), a door (D) not taken yet.
MapView pokemon_center() {
    auto map = drawn(7, {"#####", "#CCC#", "#...#", "#...#", "##D##"});
    map.people.push_back({1, 2, 0, Direction::kDown, false, 0x37, true});
    map.warps.push_back({2, 4, 8, 1, "OUTSIDE", -1, -1});
    return map;
}

TEST(ExplorerTest, AWeakPartyGoesToTheNurseAndTalksAcrossTheCounter) {
    agent::ExplorerAgent explorer(1);
    Walk weak(7, 2, 3, Direction::kDown, 4, 20);
    auto decision = weak.decide(explorer, pokemon_center());
    EXPECT_NE(decision.reasoning.find("nurse"), std::string::npos) << decision.reasoning;
    EXPECT_EQ(decision.action, env::Action::kUp);  // a turn toward her
    ASSERT_TRUE(decision.details.contains("plan"));
    EXPECT_EQ(decision.details["plan"]["face"], "up");
    EXPECT_EQ(decision.details["plan"]["press"], "A");

    agent::ExplorerAgent healthy_explorer(1);
    Walk healthy(7, 2, 3, Direction::kDown, 18, 20);
    decision = healthy.decide(healthy_explorer, pokemon_center());
    EXPECT_EQ(decision.reasoning.find("nurse"), std::string::npos) << decision.reasoning;
}

TEST(ExplorerTest, AWayFoundBlockedIsTriedAgainOnceTheStoryMovesOn) {
    agent::ExplorerAgent explorer(1);
    // A corridor to a door; someone invisible to the map (a script) stands in the way.
    auto corridor = drawn(3, {"#####", "#..D#", "#####"});
    corridor.warps.push_back({3, 1, 9, 1, "ELSEWHERE", -1, -1});
    Walk walk(3, 1, 1, Direction::kRight, 20, 20);
    std::vector<agent::Decision> decisions;
    for (int press = 0; press < 6; ++press)
        decisions.push_back(walk.decide(explorer, corridor));
    EXPECT_NE(decisions.front().reasoning.find("not seen yet"), std::string::npos)
        << decisions.front().reasoning;
    // It never moved: the way is learned as blocked, and the explorer stops planning through it.
    EXPECT_TRUE(explorer.world().blocked({3, 1, 1}, Direction::kRight));
    EXPECT_EQ(decisions.back().reasoning.find("not seen yet"), std::string::npos)
        << decisions.back().reasoning;

    walk.state.event_flags += 1;  // the story moved on
    const auto again = walk.decide(explorer, corridor);
    EXPECT_FALSE(explorer.world().blocked({3, 1, 1}, Direction::kRight));
    EXPECT_NE(again.reasoning.find("not seen yet"), std::string::npos) << again.reasoning;
    EXPECT_EQ(again.action, env::Action::kRight);
}

}  // namespace
}  // namespace crl
