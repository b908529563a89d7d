// Agents playing the real demo game through env::Env.
#include <gtest/gtest.h>

#include "agent/simple_agents.h"
#include "demo_rom.h"
#include "env/env.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

std::unique_ptr<env::Env> demo_env() {
    const auto rom = emu::Rom::from_bytes(demo_rom_bytes(), "'demo'");
    return std::make_unique<env::Env>(emu::make_machine(rom), game::make_profile(rom));
}

struct Outcome {
    std::set<int> maps;
    int badges = 0;
    int steps_to_all_maps = -1;
    int steps_to_first_badge = -1;
};

Outcome play(agent::Agent& agent, env::Env& env, int steps) {
    Outcome outcome;
    std::deque<agent::Recent> recent;
    env.reset();
    double last_reward = 0;
    for (int step = 0; step < steps; ++step) {
        const auto map = agent.wants_map() ? env.read_map() : std::nullopt;
        const agent::Observation observation{env.state(), static_cast<std::uint64_t>(step),
                                             last_reward, recent,
                                             {},          map ? &*map : nullptr};
        const auto decision = agent.decide(observation);
        const auto result = env.step(decision.action);
        last_reward = result.reward;
        if (result.state.screen != game::Screen::kTitle) outcome.maps.insert(result.state.map_id);
        outcome.badges = result.state.badges;
        if (outcome.steps_to_all_maps < 0 && outcome.maps.size() == 4)
            outcome.steps_to_all_maps = step + 1;
        if (outcome.steps_to_first_badge < 0 && outcome.badges > 0)
            outcome.steps_to_first_badge = step + 1;
    }
    return outcome;
}

TEST(ExplorerTest, VisitsEveryDemoMapAndEarnsABadgeWithin2000Actions) {
    if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build (SDCC missing)";
    for (const std::uint32_t seed : {1u, 2u, 3u}) {
        auto env = demo_env();
        agent::ExplorerAgent explorer(seed);
        const auto outcome = play(explorer, *env, 2000);
        EXPECT_EQ(outcome.maps.size(), 4u) << "seed " << seed;
        EXPECT_GE(outcome.badges, 1) << "seed " << seed;
        std::printf("seed %u: all maps after %d actions, first badge after %d, %d badges at 2000\n",
                    seed, outcome.steps_to_all_maps, outcome.steps_to_first_badge, outcome.badges);
    }
}

// The demo game's grid (its variables file's "grid" section) matches the game: the player
// stands on floor, the house door is a warp into the house, the town's east edge is open.
TEST(DemoMapTest, GridFromTheVariablesFileMatchesTheGame) {
    if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build (SDCC missing)";
    auto env = demo_env();
    env->reset();
    EXPECT_FALSE(env->read_map()) << "no map on the title screen";
    // Past the title: the game's own mode byte says when the map is up (1 = overworld).
    for (int i = 0; i < 60 && env->state().extra.value("mode", 0) != 1; ++i)
        env->step(i % 2 ? env::Action::kStart : env::Action::kNoop);
    ASSERT_EQ(env->state().extra.value("mode", 0), 1);
    const auto map = env->read_map();
    ASSERT_TRUE(map);
    EXPECT_EQ(map->map_id, 0);
    EXPECT_EQ(map->width, 10);
    EXPECT_EQ(map->height, 9);
    EXPECT_EQ(map->player_x, env->state().x);
    EXPECT_TRUE(game::walkable(map->at(map->player_x, map->player_y).kind));
    EXPECT_EQ(map->at(4, 2).kind, game::TileKind::kWarp);  // the house door
    EXPECT_EQ(map->at(0, 0).kind, game::TileKind::kWall);  // trees
    ASSERT_EQ(map->warps.size(), 1u);
    EXPECT_EQ(map->warps[0].destination_map, 2);
    const auto* east = map->connection(game::Direction::kRight);
    ASSERT_NE(east, nullptr);
    EXPECT_EQ(east->open, (std::vector<int>{4, 5}));
    ASSERT_EQ(map->people.size(), 2u);
    std::printf("%s", game::render_minimap(*map).c_str());
}

TEST(RandomAgentTest, IsReproducibleFromItsSeed) {
    if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build (SDCC missing)";
    auto first_env = demo_env();
    auto second_env = demo_env();
    agent::RandomAgent first(7), second(7);
    play(first, *first_env, 300);
    play(second, *second_env, 300);
    EXPECT_EQ(first_env->state().to_json(), second_env->state().to_json());
    EXPECT_EQ(first_env->inputs(), second_env->inputs());
}

TEST(HumanAgentTest, PlaysQueuedButtonsThenWaits) {
    agent::HumanAgent human;
    human.press(env::Action::kUp);
    human.press(env::Action::kA);
    const game::GameState state;
    const std::deque<agent::Recent> recent;
    const agent::Observation observation{state, 0, 0, recent, {}};
    EXPECT_EQ(human.decide(observation).action, env::Action::kUp);
    EXPECT_EQ(human.decide(observation).action, env::Action::kA);
    const auto idle = human.decide(observation);
    EXPECT_EQ(idle.action, env::Action::kNoop);
    EXPECT_EQ(idle.source, "human");
}

}  // namespace
}  // namespace crl::test
