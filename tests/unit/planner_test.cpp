// The world model's plain data (MapView, WorldMap) and the planner over it, on hand-drawn maps.
#include <gtest/gtest.h>

#include "agent/planner.h"
#include "game/map_view.h"
#include "game/world_map.h"

namespace crl {
namespace {

using agent::Planner;
using agent::PlanRunner;
using game::Direction;
using game::MapView;
using game::Place;
using game::WorldMap;

// Rows in the minimap's own characters ('#' wall, '.' floor, 'v' ledge down, 'D' warp ...).
MapView drawn(int id, std::vector<std::string> rows) {
    nlohmann::json json{
        {"map", id}, {"width", rows.front().size()}, {"height", rows.size()}, {"rows", rows}};
    return MapView::from_json(json);
}

game::GameState standing(const Place& place, Direction facing) {
    game::GameState state;
    state.screen = game::Screen::kOverworld;
    state.map_id = place.map;
    state.x = place.x;
    state.y = place.y;
    state.facing = game::to_string(facing);
    return state;
}

TEST(MapViewTest, JsonRoundTripKeepsTilesWarpsPeopleAndConnections) {
    auto map = drawn(7, {"#####", "#.,v#", "#D~.#", "#####"});
    map.name = "ROOM";
    map.warps.push_back({1, 2, 6, 3, "HALL", -1, -1});
    map.people.push_back({2, 3, 2, Direction::kLeft, true, 9});
    map.connections.push_back({Direction::kUp, 9, "ROUTE", 4, 17, {1, 2}});
    const auto back = MapView::from_json(map.to_json());
    EXPECT_EQ(back.to_json(), map.to_json());
    EXPECT_EQ(back.at(3, 1).kind, game::TileKind::kLedge);
    EXPECT_TRUE(back.at(3, 1).hops_toward(Direction::kDown));
    EXPECT_FALSE(back.at(3, 1).hops_toward(Direction::kUp));
    EXPECT_EQ(back.at(2, 2).kind, game::TileKind::kWater);
    EXPECT_EQ(back.at(-1, 0).kind, game::TileKind::kUnknown);
    ASSERT_NE(back.person_at(3, 2), nullptr);
    EXPECT_TRUE(back.person_at(3, 2)->moves);
    EXPECT_EQ(back.connection(Direction::kUp)->entry, 17);
}

TEST(MapViewTest, MinimapDrawsPlayerPeopleWarpNumbersAndLegend) {
    auto map = drawn(1, {"####", "#..#", "#..#", "####"});
    map.warps.push_back({2, 2, 5, 1, "LAB", -1, -1});
    map.people.push_back({1, 2, 1, Direction::kDown, false, 0});
    map.player_x = 1;
    map.player_y = 1;
    const auto text = game::render_minimap(map);
    EXPECT_EQ(text.substr(0, 20), "####\n#P@#\n#.0#\n####\n");
    EXPECT_NE(text.find("warp 0 at 2,2 -> LAB"), std::string::npos);
    EXPECT_NE(text.find("legend:"), std::string::npos);
    const auto near = game::render_minimap(map, {.radius = 0, .legend = false});
    EXPECT_EQ(near, "P\n");
}

TEST(PlannerTest, WalksAroundWallsAndCountsTurns) {
    WorldMap world;
    world.see(drawn(1, {"#####", "#...#", "#.#.#", "#...#", "#####"}));
    const Planner turning(world, {.turn_takes_a_press = true});
    const auto plan = turning.path_to({1, 1, 1}, Direction::kDown, {1, 3, 3});
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->steps.size(), 4u);
    EXPECT_EQ(plan->cost, 5);  // one turn: down, down, then right, right
    EXPECT_EQ(plan->presses(Direction::kDown, true).size(), 5u);
    const Planner free(world, {.turn_takes_a_press = false});
    EXPECT_EQ(free.path_to({1, 1, 1}, Direction::kUp, {1, 3, 3})->cost, 4);
    EXPECT_FALSE(turning.path_to({1, 1, 1}, Direction::kDown, {1, 2, 2}));  // a wall
}

TEST(PlannerTest, LedgesOnlyDownhill) {
    WorldMap world;
    world.see(drawn(1, {"#.#", "#v#", "###", "#.#"}));
    world.map(1);
    const Planner planner(world, {});
    const auto down = planner.path_to({1, 1, 0}, Direction::kDown, {1, 1, 3});
    ASSERT_TRUE(down);
    EXPECT_EQ(down->steps.back().from, (Place{1, 1, 1}));  // the hop: two tiles in one press
    EXPECT_FALSE(planner.path_to({1, 1, 3}, Direction::kUp, {1, 1, 0}));
}

TEST(PlannerTest, CrossesWarpsAndConnectionsToOtherMaps) {
    WorldMap world;
    auto town = drawn(1, {"#####", "#.D..", "#...."});
    town.warps.push_back({2, 1, 2, 1, "HOUSE", -1, -1});
    town.connections.push_back({Direction::kRight, 3, "ROUTE", 0, 0, {1, 2}});
    auto house = drawn(2, {"#.#", "#.#", "###"});
    house.warps.push_back({1, 0, 1, 1, "TOWN", -1, -1});
    auto route = drawn(3, {"...", "...", "..."});
    world.see(town);
    world.see(house);
    world.see(route);
    const Planner planner(world, {.turn_takes_a_press = false});
    const auto into_house = planner.path_to({1, 2, 2}, Direction::kUp, {2, 1, 1});
    ASSERT_TRUE(into_house);
    EXPECT_EQ(into_house->steps[0].to, (Place{2, 1, 0}));  // stepping on the door lands inside
    const auto to_route = planner.path_to({1, 2, 2}, Direction::kUp, {3, 1, 2});
    ASSERT_TRUE(to_route);
    EXPECT_EQ(to_route->steps.back().to.map, 3);
    // A warp whose far side was never seen is a place to reach, not to walk through.
    WorldMap partial;
    partial.see(town);
    const Planner blind(partial, {});
    EXPECT_TRUE(blind.path_to({1, 1, 1}, Direction::kRight, {1, 2, 1}));
    EXPECT_FALSE(blind.path_to({1, 1, 1}, Direction::kRight, {2, 1, 1}));
}

TEST(PlannerTest, GoesAroundPeopleAndFacesThemToTalk) {
    WorldMap world;
    auto room = drawn(1, {".....", ".....", "....."});
    room.people.push_back({1, 2, 1, Direction::kDown, false, 0});
    world.see(room);
    const Planner planner(world, {.turn_takes_a_press = false});
    const auto past = planner.path_to({1, 0, 1}, Direction::kRight, {1, 4, 1});
    ASSERT_TRUE(past);
    for (const auto& step : past->steps)
        EXPECT_FALSE(step.to.x == 2 && step.to.y == 1);
    const auto talk = planner.path_to_face({1, 0, 1}, Direction::kDown, {1, 2, 1});
    ASSERT_TRUE(talk);
    EXPECT_EQ(*talk->finally_face, Direction::kRight);
    EXPECT_EQ(talk->finally_press, env::Action::kA);
}

TEST(PlanRunnerTest, TurnsThenWalksAndStopsWhenBlockedOrInterrupted) {
    WorldMap world;
    world.see(drawn(1, {"....", "....", "...."}));
    const Planner planner(world, {});
    PlanRunner runner(true);
    runner.start(*planner.path_to({1, 0, 0}, Direction::kUp, {1, 0, 2}));
    EXPECT_EQ(runner.next(standing({1, 0, 0}, Direction::kUp)), env::Action::kDown);  // a turn
    EXPECT_EQ(runner.next(standing({1, 0, 0}, Direction::kDown)), env::Action::kDown);
    EXPECT_EQ(runner.next(standing({1, 0, 1}, Direction::kDown)), env::Action::kDown);
    EXPECT_EQ(runner.next(standing({1, 0, 1}, Direction::kDown)), env::Action::kDown);
    EXPECT_FALSE(runner.next(standing({1, 0, 1}, Direction::kDown)));  // twice facing, no move
    EXPECT_EQ(runner.outcome().rfind("blocked", 0), 0u) << runner.outcome();
    ASSERT_TRUE(runner.blocked());
    EXPECT_EQ(runner.blocked()->first, (Place{1, 0, 1}));

    runner.start(*planner.path_to({1, 0, 0}, Direction::kDown, {1, 0, 2}));
    auto text = standing({1, 0, 1}, Direction::kDown);
    text.screen = game::Screen::kText;
    EXPECT_FALSE(runner.next(text));
    EXPECT_EQ(runner.outcome(), "text");

    runner.start(*planner.path_to({1, 0, 0}, Direction::kDown, {1, 0, 2}));
    EXPECT_FALSE(runner.next(standing({1, 3, 0}, Direction::kDown)));
    EXPECT_EQ(runner.outcome().rfind("unexpected place", 0), 0u);
}

TEST(WorldMapTest, RemembersVisitsTransitionsAndBlockedMoves) {
    WorldMap world;
    world.see(drawn(1, {"..", ".."}));
    world.visit({1, 0, 0});
    EXPECT_TRUE(world.visited({1, 0, 0}));
    EXPECT_FALSE(world.visited({1, 1, 0}));
    world.learn_blocked({1, 0, 0}, Direction::kRight);
    const Planner planner(world, {});
    EXPECT_FALSE(planner.step({1, 0, 0}, Direction::kRight));
    world.learn_transition({1, 0, 0}, Direction::kRight, {5, 3, 3});
    EXPECT_EQ(planner.step({1, 0, 0}, Direction::kRight), (Place{5, 3, 3}));
    EXPECT_EQ(world.to_json()["transitions"].size(), 1u);
}

}  // namespace
}  // namespace crl
