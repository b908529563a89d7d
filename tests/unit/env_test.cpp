// Rewards, actions and the environment's step timing.
#include <gtest/gtest.h>
#include <algorithm>
#include <chrono>
#include <thread>

#include "demo_rom.h"
#include "env/env.h"
#include "env/vector_env.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

using env::RewardConfig;
using env::RewardTracker;

game::GameState at(int map, int x, int y) {
    game::GameState state;
    state.screen = game::Screen::kOverworld;
    state.map_id = map;
    state.x = x;
    state.y = y;
    state.party.push_back({1, "A", 5, 20, 20, 0, {}});
    return state;
}

double part(const env::RewardBreakdown& reward, const std::string& name) {
    for (const auto& [key, value] : reward.parts) {
        if (key == name) return value;
    }
    return 0;
}

TEST(ActionTest, ParsesTolerantly) {
    EXPECT_EQ(env::action_from_text("a"), env::Action::kA);
    EXPECT_EQ(env::action_from_text("  \"Up\" "), env::Action::kUp);
    EXPECT_EQ(env::action_from_text("START."), env::Action::kStart);
    EXPECT_EQ(env::action_from_text("wait"), env::Action::kNoop);
    EXPECT_FALSE(env::action_from_text("jump"));
    for (const auto action : env::kAllActions)
        EXPECT_EQ(env::action_from_text(env::to_string(action)), action);
}

TEST(RewardTest, DefaultsAreTheShippedFile) {
    const auto config = RewardConfig::defaults();
    EXPECT_DOUBLE_EQ(config.badge, 5.0);
    EXPECT_EQ(config.stuck_after_visits, 40);
    EXPECT_EQ(RewardConfig::parse(config.to_json().dump(), "x").to_json(), config.to_json());
}

TEST(RewardTest, BadRewardFilesNameTheKey) {
    EXPECT_THROW(RewardConfig::parse("{\"badges\": 1}", "'r.json'"), std::runtime_error);
    try {
        (void)RewardConfig::parse("{\"new_map\": \"lots\"}", "'r.json'");
        ADD_FAILURE();
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("'r.json': 'new_map' must be a number"),
                  std::string::npos);
    }
}

TEST(RewardTest, EachComponentIsRewardedOnceAndReported) {
    RewardConfig config;
    RewardTracker tracker(config);
    auto before = at(0, 1, 1);
    tracker.reset(before);

    auto after = at(0, 2, 1);
    auto reward = tracker.update(before, after);
    EXPECT_DOUBLE_EQ(part(reward, "new_tile"), config.new_tile);
    EXPECT_DOUBLE_EQ(part(reward, "new_map"), 0);
    EXPECT_DOUBLE_EQ(part(reward, "step_cost"), config.step_cost);
    EXPECT_DOUBLE_EQ(reward.total, config.new_tile + config.step_cost);

    before = after;
    after = at(1, 0, 0);
    after.badges = 2;
    after.badge_bits = 0b101;
    after.money = 300;
    before.money = 100;
    after.party[0].level = 7;
    after.pokedex_caught = 1;
    after.pokedex_seen = 3;
    after.event_flags = 10;
    reward = tracker.update(before, after);
    EXPECT_DOUBLE_EQ(part(reward, "new_map"), config.new_map);
    EXPECT_DOUBLE_EQ(part(reward, "badges"), 2 * config.badge) << "the count, not the bit mask (5)";
    EXPECT_DOUBLE_EQ(part(reward, "level_gain"), 2 * config.level_gain);
    EXPECT_DOUBLE_EQ(part(reward, "pokedex_caught"), config.pokedex_caught);
    EXPECT_DOUBLE_EQ(part(reward, "pokedex_seen"), 3 * config.pokedex_seen);
    EXPECT_DOUBLE_EQ(part(reward, "event_flags"), 10 * config.event_flag);
    EXPECT_DOUBLE_EQ(part(reward, "money"), 200 * config.money_per_unit);

    // The same achievements again earn nothing; going back to a known tile neither.
    reward = tracker.update(after, after);
    EXPECT_DOUBLE_EQ(reward.total, config.step_cost);
}

TEST(RewardTest, APressAgainstAWallCostsAndATurnDoesNot) {
    RewardTracker tracker;
    auto facing_up = at(0, 3, 3);
    facing_up.facing = "up";
    tracker.reset(facing_up);
    // Same cell, same way: the press met a wall or a person.
    EXPECT_DOUBLE_EQ(part(tracker.update(facing_up, facing_up, env::Action::kUp), "bump"),
                     tracker.config().bump);
    EXPECT_LT(tracker.config().bump, 0);
    auto facing_left = facing_up;
    facing_left.facing = "left";
    EXPECT_DOUBLE_EQ(part(tracker.update(facing_up, facing_left, env::Action::kLeft), "bump"), 0)
        << "a press that turns the player is not a bump";
    EXPECT_DOUBLE_EQ(part(tracker.update(facing_up, at(0, 3, 2), env::Action::kUp), "bump"), 0);
    EXPECT_DOUBLE_EQ(part(tracker.update(facing_up, facing_up, env::Action::kA), "bump"), 0)
        << "only directions bump";
    EXPECT_DOUBLE_EQ(part(tracker.update(facing_up, facing_up), "bump"), 0)
        << "no action known, no bump";
    auto in_text = facing_up;
    in_text.screen = game::Screen::kText;
    EXPECT_DOUBLE_EQ(part(tracker.update(in_text, in_text, env::Action::kUp), "bump"), 0)
        << "outside the overworld a direction moves a cursor or nothing";
}

TEST(RewardTest, MoneyIsCappedAndLossesCount) {
    RewardTracker tracker;
    auto before = at(0, 0, 0);
    tracker.reset(before);
    auto after = before;
    after.money = 1'000'000;
    EXPECT_DOUBLE_EQ(part(tracker.update(before, after), "money"), tracker.config().money_cap);
    EXPECT_DOUBLE_EQ(part(tracker.update(after, before), "money"), -tracker.config().money_cap);
}

TEST(RewardTest, HealingCountsButLevellingUpDoesNot) {
    RewardTracker tracker;
    auto hurt = at(0, 0, 0);
    hurt.party[0].hp = 10;
    tracker.reset(hurt);
    auto healed = hurt;
    healed.party[0].hp = 20;
    EXPECT_DOUBLE_EQ(part(tracker.update(hurt, healed), "healing"),
                     tracker.config().healing * 10 / 20);
    auto levelled = hurt;
    levelled.party[0].level = 6;
    levelled.party[0].hp = 15;
    EXPECT_DOUBLE_EQ(part(tracker.update(hurt, levelled), "healing"), 0);
}

TEST(RewardTest, StandingStillTooLongIsPenalised) {
    RewardConfig config;
    config.stuck_after_visits = 3;
    RewardTracker tracker(config);
    const auto here = at(0, 0, 0);
    tracker.reset(here);                                             // visit 1
    EXPECT_DOUBLE_EQ(part(tracker.update(here, here), "stuck"), 0);  // 2
    EXPECT_DOUBLE_EQ(part(tracker.update(here, here), "stuck"), 0);  // 3
    EXPECT_DOUBLE_EQ(part(tracker.update(here, here), "stuck"), config.stuck_penalty);
}

class DemoEnvTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build (SDCC missing)";
    }
    static std::unique_ptr<env::Env> make(env::EnvOptions options = {}) {
        const auto rom = emu::Rom::from_bytes(demo_rom_bytes(), "'demo'");
        return std::make_unique<env::Env>(emu::make_machine(rom), game::make_profile(rom), options);
    }
};

TEST_F(DemoEnvTest, AStepIs24FramesWithTheButtonHeldFor8) {
    auto env = make();
    env->reset();
    const auto start = env->machine().frame_count();
    env->step(env::Action::kStart);
    EXPECT_EQ(env->machine().frame_count() - start, 24u);
    ASSERT_EQ(env->inputs().segments().size(), 2u);
    EXPECT_EQ(env->inputs().segments()[0], (emu::MovieSegment{8, emu::button::kStart}));
    EXPECT_EQ(env->inputs().segments()[1], (emu::MovieSegment{16, emu::button::kNone}));
}

TEST_F(DemoEnvTest, RewardsAreComputedOnTheStateAfterTheAction) {
    auto env = make();
    env::EpisodeStart start;
    start.movie = emu::Movie::parse("60 -\n5 START\n30 -\n");
    env->reset(start);
    EXPECT_EQ(env->state().screen, game::Screen::kOverworld);
    const auto result = env->step(env::Action::kRight);  // (4,3) -> (5,3): a new tile
    EXPECT_EQ(result.state.x, 5);
    EXPECT_DOUBLE_EQ(part(result.breakdown, "new_tile"), env->options().rewards.new_tile);
    EXPECT_EQ(result.breakdown.to_json()["new_tile"], env->options().rewards.new_tile);
}

TEST_F(DemoEnvTest, EpisodeEndsAfterMaxSteps) {
    env::EnvOptions options;
    options.max_steps = 3;
    auto env = make(options);
    env->reset();
    EXPECT_FALSE(env->step(env::Action::kNoop).done);
    EXPECT_FALSE(env->step(env::Action::kNoop).done);
    EXPECT_TRUE(env->step(env::Action::kNoop).done);
}

TEST_F(DemoEnvTest, VectorEnvMatchesSteppingOneByOne) {
    std::vector<std::unique_ptr<env::Env>> envs;
    for (int i = 0; i < 3; ++i)
        envs.push_back(make());
    env::VectorEnv vector(std::move(envs));
    auto single = make();
    single->reset();
    for (std::size_t i = 0; i < vector.size(); ++i)
        vector.at(i).reset();
    const std::vector<env::Action> script = {
        env::Action::kNoop,  env::Action::kNoop, env::Action::kNoop,
        env::Action::kStart, env::Action::kNoop, env::Action::kNoop,
        env::Action::kRight, env::Action::kDown, env::Action::kDown};
    std::vector<env::StepResult> results;
    for (const auto action : script) {
        results = vector.step({action, action, env::Action::kNoop});
        single->step(action);
    }
    EXPECT_EQ(results[0].state.to_json(), single->state().to_json());
    EXPECT_EQ(results[1].state.to_json(), single->state().to_json());
    EXPECT_NE(results[2].state.to_json(), single->state().to_json());
    EXPECT_THROW(vector.step({env::Action::kA}), std::invalid_argument);
}

// The workers spin while steps come back to back and sleep once the caller is away (env/wait.h):
// either way each step's results are that step's, for every environment.
TEST_F(DemoEnvTest, VectorEnvResultsHoldWhenTheCallerPausesBetweenSteps) {
    std::vector<std::unique_ptr<env::Env>> envs;
    for (int i = 0; i < 2; ++i)
        envs.push_back(make());
    env::VectorEnv vector(std::move(envs), 2);
    auto first = make();
    auto second = make();
    const std::vector<env::Action> walk = {env::Action::kRight, env::Action::kDown,
                                           env::Action::kLeft, env::Action::kUp};
    for (int step = 0; step < 40; ++step) {
        if (step % 7 == 3) std::this_thread::sleep_for(std::chrono::milliseconds(3));
        const auto action = step == 4 ? env::Action::kStart : walk[step % 4];
        const auto& results = vector.step({action, env::Action::kNoop});
        const auto expected = first->step(action);
        second->step(env::Action::kNoop);
        ASSERT_EQ(results[0].state.to_json(), first->state().to_json()) << "step " << step;
        ASSERT_EQ(results[0].reward, expected.reward) << "step " << step;
        ASSERT_EQ(results[1].state.to_json(), second->state().to_json()) << "step " << step;
    }
}

TEST_F(DemoEnvTest, MoreEnvsThanThreadsEachStepsItsOwnGame) {
    for (const unsigned threads : {1U, 2U}) {
        std::vector<std::unique_ptr<env::Env>> envs;
        for (int i = 0; i < 5; ++i)
            envs.push_back(make());
        env::VectorEnv vector(std::move(envs), threads);
        EXPECT_EQ(vector.threads(), threads);
        auto pressed = make();
        auto idle = make();
        for (auto* env : {pressed.get(), idle.get()})
            env->reset();
        for (std::size_t i = 0; i < vector.size(); ++i)
            vector.at(i).reset();
        std::vector<env::StepResult> results;
        for (const auto action : {env::Action::kNoop, env::Action::kNoop, env::Action::kNoop,
                                  env::Action::kStart, env::Action::kNoop, env::Action::kRight}) {
            // Envs 0, 2 and 4 get the script, 1 and 3 do nothing: with 2 threads each thread
            // steps both kinds.
            results = vector.step({action, env::Action::kNoop, action, env::Action::kNoop, action});
            pressed->step(action);
            idle->step(env::Action::kNoop);
        }
        for (const std::size_t i : {0U, 2U, 4U})
            EXPECT_EQ(results[i].state.to_json(), pressed->state().to_json()) << "env " << i;
        for (const std::size_t i : {1U, 3U})
            EXPECT_EQ(results[i].state.to_json(), idle->state().to_json()) << "env " << i;
        EXPECT_NE(pressed->state().to_json(), idle->state().to_json());
    }
    std::vector<std::unique_ptr<env::Env>> two;
    for (int i = 0; i < 2; ++i)
        two.push_back(make());
    EXPECT_EQ(env::VectorEnv(std::move(two), 8).threads(), 2u);  // never more threads than envs
}

TEST_F(DemoEnvTest, AnEpisodeCanStartPastTheTitleScreenAndItsMovieSaysHow) {
    auto env = make();
    env->reset();
    EXPECT_EQ(env->state().screen, game::Screen::kUnknown);  // power-on: not set up yet
    env::EpisodeStart start;
    start.past_title = true;
    env->reset(start);
    EXPECT_EQ(env->state().screen, game::Screen::kOverworld);
    const auto& segments = env->inputs().segments();
    EXPECT_NE(
        std::find(segments.begin(), segments.end(), emu::MovieSegment{8, emu::button::kStart}),
        segments.end());
    // Really in the game, not in memory read before the game set it up: the player stands at
    // the new game's spot in town, and stays in the game while nothing is pressed.
    EXPECT_EQ(env->state().map_id, 0);
    EXPECT_EQ(env->state().x, 4);
    EXPECT_EQ(env->state().y, 3);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(env->step(env::Action::kNoop).state.screen, game::Screen::kOverworld);

    // The movie replays to the same place.
    auto replay = make();
    env::EpisodeStart same;
    same.movie = env->inputs();
    replay->reset(same);
    EXPECT_EQ(replay->state().to_json(), env->state().to_json());
}

}  // namespace
}  // namespace crl::test
