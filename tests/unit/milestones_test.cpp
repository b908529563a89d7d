// Milestones: the first action at which each thing happened, from consecutive game states.
#include <gtest/gtest.h>

#include "trainer/milestones.h"

namespace crl {
namespace {

game::GameState on_map(int map, const std::string& name) {
    game::GameState state;
    state.screen = game::Screen::kOverworld;
    state.map_id = map;
    state.map_name = name;
    return state;
}

game::PartyMember mon(int species, const std::string& name, int level, int hp = 20) {
    game::PartyMember member;
    member.species = species;
    member.name = name;
    member.level = level;
    member.hp = hp;
    member.max_hp = 20;
    return member;
}

std::vector<std::string> kinds(const std::vector<trainer::Milestone>& found) {
    std::vector<std::string> out;
    for (const auto& milestone : found)
        out.push_back(milestone.kind + ":" + milestone.detail);
    return out;
}

TEST(MilestonesTest, MapsStarterCatchesBadgesLevelsAndBlackoutsOnceEach) {
    trainer::MilestoneTracker tracker;
    game::GameState title;
    title.screen = game::Screen::kTitle;
    EXPECT_TRUE(tracker.update(1, title).empty());
    auto room = on_map(1, "ROOM");
    EXPECT_EQ(kinds(tracker.update(2, room)), (std::vector<std::string>{"map:ROOM"}));
    EXPECT_TRUE(tracker.update(3, room).empty());
    auto lab = on_map(2, "LAB");
    lab.party = {mon(155, "CYNDAQUIL", 5)};
    EXPECT_EQ(kinds(tracker.update(4, lab)),
              (std::vector<std::string>{"map:LAB", "starter:CYNDAQUIL"}));
    lab.party[0].level = 6;
    lab.party.push_back(mon(16, "PIDGEY", 3));
    EXPECT_EQ(kinds(tracker.update(5, lab)),
              (std::vector<std::string>{"caught:PIDGEY", "level:CYNDAQUIL level 6"}));
    lab.badges = 1;
    EXPECT_EQ(kinds(tracker.update(6, lab)), (std::vector<std::string>{"badge:badge 1"}));
    lab.party[0].hp = 0;
    lab.party[1].hp = 0;
    EXPECT_EQ(kinds(tracker.update(7, lab)), (std::vector<std::string>{"blackout:LAB"}));
    EXPECT_TRUE(tracker.update(8, lab).empty());  // still fainted: one blackout
    EXPECT_EQ(tracker.all().size(), 7u);
    EXPECT_EQ(tracker.all()[1].step, 4u);
    EXPECT_NE(tracker.summary().find("starter  CYNDAQUIL"), std::string::npos);
}

TEST(MilestonesTest, AStartWithAPartyIsNotAStarter) {
    trainer::MilestoneTracker tracker;
    auto route = on_map(3, "ROUTE 29");
    route.party = {mon(158, "TOTODILE", 7)};
    EXPECT_EQ(kinds(tracker.update(1, route)), (std::vector<std::string>{"map:ROUTE 29"}));
}

TEST(MilestonesTest, AnEvolutionIsNotACatch) {
    trainer::MilestoneTracker tracker;
    auto route = on_map(3, "ROUTE 30");
    route.party = {mon(155, "CYNDAQUIL", 13), mon(16, "PIDGEY", 4)};
    tracker.update(1, route);
    route.party[0] = mon(156, "QUILAVA", 14);
    EXPECT_EQ(kinds(tracker.update(2, route)), (std::vector<std::string>{"evolved:QUILAVA"}));
    route.party.push_back(mon(19, "RATTATA", 3));
    EXPECT_EQ(kinds(tracker.update(3, route)), (std::vector<std::string>{"caught:RATTATA"}));
}

}  // namespace
}  // namespace crl
