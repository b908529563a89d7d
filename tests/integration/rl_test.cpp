// PPO on the demo game with tiny networks: GAE by hand, the same seed gives the same first
// update, a checkpoint restores counters and the optimizer, kill -9 + --resume counts no episode
// twice, and `run --agent ppo` plays a saved policy.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "demo_rom.h"
#include "rl/training.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

// A network and rollouts small enough for a 2-core CI machine.
const char* const kTinyTraining =
    "--envs 2 --rollout-steps 16 --minibatches 2 --epochs 1 --conv-channels 4 --hidden 16 "
    "--map-embedding 4 --episode-steps 40 --threads 1 --quiet";

rl::TrainingOptions tiny_options(std::uint64_t seed) {
    rl::TrainingOptions options;
    options.ppo.envs = 2;
    options.ppo.rollout_steps = 16;
    options.ppo.minibatches = 2;
    options.ppo.epochs = 2;
    options.ppo.total_steps = 32;  // one update
    options.ppo.shape = {4, 16, 4};
    options.learner_threads = 1;  // ctest runs tests side by side
    options.episode_steps = 40;
    options.checkpoint_every = 1;
    options.seed = seed;
    return options;
}

std::vector<std::unique_ptr<env::Env>> demo_envs(int count) {
    const auto rom = emu::Rom::from_bytes(demo_rom_bytes(), "'demo'");
    std::vector<std::unique_ptr<env::Env>> envs;
    for (int i = 0; i < count; ++i) {
        envs.push_back(std::make_unique<env::Env>(emu::make_machine(rom), game::make_profile(rom)));
    }
    return envs;
}

rl::UpdateRow first_update(std::uint64_t seed, const std::string& name) {
    const auto dir = temp_dir(name);
    rl::Training training(demo_envs(2), {}, dir, tiny_options(seed), false);
    training.run();
    EXPECT_EQ(training.history().size(), 1u);
    return training.history().empty() ? rl::UpdateRow{} : training.history().front();
}

std::vector<std::vector<double>> query(const std::filesystem::path& database,
                                       const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    std::vector<std::vector<double>> rows;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK) {
        while (sqlite3_step(statement) == SQLITE_ROW) {
            std::vector<double> row;
            for (int i = 0; i < sqlite3_column_count(statement); ++i)
                row.push_back(sqlite3_column_double(statement, i));
            rows.push_back(row);
        }
    }
    sqlite3_finalize(statement);
    sqlite3_close_v2(db);
    return rows;
}

nlohmann::json read_json(const std::filesystem::path& path) {
    std::ifstream in(path);
    auto json = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
    return json.is_object() ? json : nlohmann::json::object();  // absent or half-written
}

class RlTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build (SDCC missing)";
        torch::set_num_threads(1);
    }
};

TEST(GaeTest, MatchesAHandComputation) {
    rl::Rollout rollout(2, 1);
    rollout.rewards = torch::tensor({{1.f}, {2.f}});
    rollout.values = torch::tensor({{0.5f}, {1.f}, {4.f}});
    rollout.dones = torch::tensor({{0.f}, {1.f}});  // the episode ends after step 1
    const auto [advantages, returns] = rl::advantages_and_returns(rollout, 0.9, 0.8);
    const double delta1 = 2.0 - 1.0;              // no bootstrap past the episode's end
    const double delta0 = 1.0 + 0.9 * 1.0 - 0.5;  // 1.4
    const double advantage0 = delta0 + 0.9 * 0.8 * delta1;
    EXPECT_NEAR(advantages[1][0].item<double>(), delta1, 1e-6);
    EXPECT_NEAR(advantages[0][0].item<double>(), advantage0, 1e-6);
    EXPECT_NEAR(returns[0][0].item<double>(), advantage0 + 0.5, 1e-6);
}

TEST_F(RlTest, SameSeedGivesIdenticalFirstUpdateLosses) {
    const auto first = first_update(7, "rl-seed-a");
    const auto again = first_update(7, "rl-seed-b");
    const auto other = first_update(8, "rl-seed-c");
    EXPECT_EQ(first.policy_loss, again.policy_loss);
    EXPECT_EQ(first.value_loss, again.value_loss);
    EXPECT_EQ(first.entropy, again.entropy);
    EXPECT_EQ(first.approx_kl, again.approx_kl);
    EXPECT_NE(first.policy_loss, other.policy_loss) << "another seed, another network";
    EXPECT_GT(first.entropy, 0);
}

TEST_F(RlTest, ACheckpointRestoresCountersAndTheOptimizer) {
    const auto dir = temp_dir("rl-restore");
    auto options = tiny_options(3);
    options.ppo.total_steps = 64;  // two updates
    rl::Training first(demo_envs(2), {}, dir, options, false);
    first.run();
    ASSERT_EQ(first.counters().updates, 2u);

    rl::Training resumed(demo_envs(2), {}, dir, options, true);
    EXPECT_EQ(resumed.counters().updates, 2u);
    EXPECT_EQ(resumed.counters().env_steps, 64u);
    EXPECT_EQ(resumed.counters().episodes, first.counters().episodes);
    auto before = first.policy()->parameters();
    auto after = resumed.policy()->parameters();
    ASSERT_EQ(before.size(), after.size());
    for (std::size_t i = 0; i < before.size(); ++i)
        EXPECT_TRUE(torch::equal(before[i], after[i])) << "parameter " << i;
    EXPECT_TRUE(std::filesystem::exists(dir / "checkpoints" / "update-2" / "optimizer.pt"));
    EXPECT_FALSE(std::filesystem::exists(dir / "checkpoints" / "update-0")) << "two are kept";
}

TEST_F(RlTest, KillNineThenResumeCountsNoEpisodeTwice) {
    const auto dir = temp_dir("rl-kill");
    const std::uint64_t total = 8 * 32;  // eight updates of 2 envs x 16 steps
    std::filesystem::remove_all(dir);
    // On mGBA, not the default core: the resume must take the core from the run, as its
    // checkpoints hold that core's states.
    const std::string arguments =
        std::string("train ") + kTinyTraining + " --run-dir " + dir.string() +
        " --core mgba --checkpoint-every 2 --total-steps " + std::to_string(total);
    std::vector<std::string> argv;
    {
        std::istringstream words(arguments);
        for (std::string word; words >> word;)
            argv.push_back(word);
    }
    {
        ChildProcess child(argv, dir.parent_path() / "rl-kill.log");
        ASSERT_TRUE(wait_until(
            [&] { return read_json(dir / "checkpoint.json").value("update", 0) >= 4; }, 120))
            << "no checkpoint at update 4";
        child.signal(SIGKILL);
        child.wait(10);
    }
    const auto killed_at = read_json(dir / "checkpoint.json");
    EXPECT_EQ(read_json(dir / "config.json")["core"], "mgba");
    const auto result = run_cli("train --resume " + dir.string() + " --quiet");
    ASSERT_EQ(result.exit_code, 0) << result.out;

    const auto database = dir / "training.sqlite";
    const auto updates = query(database, "SELECT update_index, env_steps FROM training ORDER BY 1");
    ASSERT_EQ(updates.size(), 8u);
    for (std::size_t i = 0; i < updates.size(); ++i) {
        EXPECT_EQ(updates[i][0], static_cast<double>(i + 1));
        EXPECT_EQ(updates[i][1], static_cast<double>((i + 1) * 32)) << "steps continue";
    }
    const auto episodes = query(database, "SELECT episode, env_steps FROM episodes ORDER BY 1");
    ASSERT_FALSE(episodes.empty()) << "40-step episodes in 256 steps";
    for (std::size_t i = 0; i < episodes.size(); ++i) {
        EXPECT_EQ(episodes[i][0], static_cast<double>(i + 1)) << "numbered without a gap";
        if (i > 0) {
            EXPECT_GE(episodes[i][1], episodes[i - 1][1]);
        }
    }
    const auto finished = read_json(dir / "checkpoint.json");
    EXPECT_EQ(finished.value("update", 0), 8);
    EXPECT_EQ(finished.value("episodes", 0), static_cast<int>(episodes.size()));
    EXPECT_GE(killed_at.value("update", 0), 4);
}

TEST_F(RlTest, RunWithThePpoAgentPlaysASavedPolicy) {
    const auto dir = temp_dir("rl-play");
    rl::Training training(demo_envs(2), {}, dir / "train", tiny_options(5), false);
    training.run();
    ASSERT_TRUE(std::filesystem::exists(dir / "train" / "policy.pt"));
    const auto result =
        run_cli("run --agent ppo --greedy --policy " + (dir / "train" / "policy.pt").string() +
                " --max-actions 30 --no-web --quiet --run-dir " + (dir / "play").string());
    ASSERT_EQ(result.exit_code, 0) << result.out;
    const auto rows = query(dir / "play" / "decisions.sqlite",
                            "SELECT COUNT(*) FROM decisions WHERE agent = 'ppo'");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0], 30);
    // Trained past the title, the policy has never seen it: the agent presses START there, then
    // the policy plays the game.
    const auto database = dir / "play" / "decisions.sqlite";
    const auto at_title = query(database,
                                "SELECT COUNT(*), SUM(action = 'START') FROM decisions "
                                "WHERE source = 'title'");
    ASSERT_EQ(at_title.size(), 1u);
    EXPECT_GE(at_title[0][0], 1) << "the run starts at the title screen";
    EXPECT_EQ(at_title[0][1], at_title[0][0]) << "at the title the agent presses START";
    const auto last = query(database,
                            "SELECT source = 'policy' FROM decisions ORDER BY step DESC "
                            "LIMIT 1");
    ASSERT_EQ(last.size(), 1u);
    EXPECT_EQ(last[0][0], 1) << "the game never left its title screen";

    // A policy whose layers do not match (another build's observation, or a wrong shape file)
    // is refused at once, naming the file and the layer.
    {
        std::ofstream shape(dir / "train" / "policy.json");
        shape << R"({"conv_channels": 4, "hidden": 24, "map_embedding": 4})";
    }
    const auto misfit =
        run_cli("run --agent ppo --policy " + (dir / "train" / "policy.pt").string() +
                " --max-actions 3 --no-web --quiet --run-dir " + (dir / "play-misfit").string());
    EXPECT_NE(misfit.exit_code, 0);
    EXPECT_NE(misfit.out.find("does not fit this build"), std::string::npos) << misfit.out;
    EXPECT_NE(misfit.out.find("policy.pt"), std::string::npos) << misfit.out;

    const auto missing = run_cli("run --agent ppo --max-actions 3 --no-web --quiet --run-dir " +
                                 (dir / "play-without").string());
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.out.find("--policy"), std::string::npos) << missing.out;
}

}  // namespace
}  // namespace crl::test
