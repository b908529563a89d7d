// crystal-rl run as a user runs it: every decision kept, replay equals the run, a clean stop on
// SIGINT, and a resume after kill -9 that loses at most one checkpoint interval.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "agent/simple_agents.h"
#include "demo_rom.h"
#include "storage/files.h"
#include "support/test_support.h"
#include "trainer/trainer.h"

namespace crl::test {
namespace {

nlohmann::json read_json(const std::filesystem::path& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

// Rows, and whether steps run 1..N without a gap, read the way another program would.
std::pair<std::int64_t, bool> rows_and_contiguous(const std::filesystem::path& database) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* query = nullptr;
    sqlite3_prepare_v2(
        db, "SELECT COUNT(*), COALESCE(MIN(step), 0), COALESCE(MAX(step), 0) FROM decisions", -1,
        &query, nullptr);
    std::pair<std::int64_t, bool> result{-1, false};
    if (sqlite3_step(query) == SQLITE_ROW) {
        const auto count = sqlite3_column_int64(query, 0);
        result = {count, count == 0 || (sqlite3_column_int64(query, 1) == 1 &&
                                        sqlite3_column_int64(query, 2) == count)};
    }
    sqlite3_finalize(query);
    sqlite3_close_v2(db);
    return result;
}

// The run's checkpoint.json (written atomically) names a step of at least `step`.
bool checkpoint_reached(const std::filesystem::path& run, int step) {
    if (!std::filesystem::exists(run / "checkpoint.json")) return false;
    const auto json = nlohmann::json::parse(std::ifstream(run / "checkpoint.json"), nullptr, false);
    return !json.is_discarded() && json["step"].get<int>() >= step;
}

std::string integrity(const std::filesystem::path& database) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_stmt* query = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &query, nullptr);
    std::string answer = sqlite3_step(query) == SQLITE_ROW
                             ? reinterpret_cast<const char*>(sqlite3_column_text(query, 0))
                             : sqlite3_errmsg(db);
    sqlite3_finalize(query);
    sqlite3_close_v2(db);
    return answer;
}

// The game state and RAM of the demo game after a state file or a movie, via the CLI.
nlohmann::json cli_state(const std::string& arguments) {
    const auto result = run_cli("state --frames 0 " + arguments);
    EXPECT_EQ(result.exit_code, 0) << result.out;
    auto json = nlohmann::json::parse(result.out, nullptr, false);
    json.erase("frame_sha1");  // the movie replay draws nothing until its end
    return json;
}

class RunTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build (SDCC missing)";
        dir_ = temp_dir("run");
    }
    std::filesystem::path dir_;
};

TEST_F(RunTest, EveryDecisionIsKeptAndTheMovieReplaysTheRun) {
    const auto run = dir_ / "run";
    const auto result = run_cli(
        "run --max-actions 400 --quiet --port 0 --checkpoint-every 150 --run-dir " + run.string());
    ASSERT_EQ(result.exit_code, 0) << result.out;
    const auto [rows, contiguous] = rows_and_contiguous(run / "decisions.sqlite");
    EXPECT_EQ(rows, 400);
    EXPECT_TRUE(contiguous);
    EXPECT_EQ(read_json(run / "checkpoint.json")["step"], 400);
    const auto config = read_json(run / "config.json");
    EXPECT_EQ(config["agent"], "explorer");
    EXPECT_EQ(config["frames_per_action"], 24);

    const auto recent = trainer::DecisionLog::read_recent(run / "decisions.sqlite", 5);
    ASSERT_EQ(recent.size(), 5u);
    EXPECT_EQ(recent.front().step, 400u);
    EXPECT_EQ(recent.front().agent, "explorer");
    EXPECT_FALSE(recent.front().action.empty());
    EXPECT_TRUE(recent.front().breakdown.contains("step_cost"));

    const auto replayed = cli_state("--inputs " + (run / "inputs.movie").string());
    const auto final_state = cli_state("--state " + (run / "final.state").string());
    EXPECT_EQ(replayed["game_state"], final_state["game_state"]);
    EXPECT_EQ(replayed["ram_sha1"], final_state["ram_sha1"]);
    EXPECT_EQ(replayed["frame"], 400 * 24);
    EXPECT_NE(replayed["game_state"]["screen"], "title");
}

TEST_F(RunTest, SigintStopsCleanlyWithEverythingFlushed) {
    const auto run = dir_ / "run";
    ChildProcess child(
        {"run", "--quiet", "--port", "0", "--checkpoint-every", "100", "--run-dir", run.string()},
        dir_ / "log.txt");
    // Mid-run, not before the first action: the run writes a step-0 checkpoint as it starts, and
    // on a loaded machine the signal could otherwise come before anything was played.
    ASSERT_TRUE(wait_until([&] { return checkpoint_reached(run, 100); }, 60));
    child.signal(SIGINT);
    const auto code = child.wait(10);
    ASSERT_TRUE(code.has_value()) << "still running 10 s after SIGINT";
    EXPECT_EQ(*code, 0);
    ASSERT_TRUE(std::filesystem::exists(run / "final.state"));
    const auto step = read_json(run / "checkpoint.json")["step"].get<std::int64_t>();
    EXPECT_EQ(rows_and_contiguous(run / "decisions.sqlite"), std::make_pair(step, true));
    EXPECT_EQ(cli_state("--inputs " + (run / "inputs.movie").string())["ram_sha1"],
              cli_state("--state " + (run / "final.state").string())["ram_sha1"]);
}

TEST_F(RunTest, ResumesAfterKill9FromTheLastCheckpoint) {
    const auto run = dir_ / "run";
    {
        ChildProcess child({"run", "--quiet", "--port", "0", "--checkpoint-every", "100",
                            "--run-dir", run.string()},
                           dir_ / "first.txt");
        ASSERT_TRUE(wait_until([&] { return checkpoint_reached(run, 300); }, 60));
        child.signal(SIGKILL);
        EXPECT_EQ(child.wait(10), -SIGKILL);
    }
    EXPECT_EQ(integrity(run / "decisions.sqlite"), "ok");
    const auto checkpoint = read_json(run / "checkpoint.json")["step"].get<std::int64_t>();
    EXPECT_GE(rows_and_contiguous(run / "decisions.sqlite").first, checkpoint - 100)
        << "at most one checkpoint interval lost";

    const auto target = checkpoint + 150;
    const auto resumed = run_cli("run --quiet --port 0 --resume " + run.string() +
                                 " --max-actions " + std::to_string(target));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.out;
    const auto info = read_json(run / "checkpoint.json");
    EXPECT_EQ(info["step"], target);
    EXPECT_NEAR(info["stats"]["total_reward"].get<double>(),
                info["stats"]["total_reward"].get<double>(), 1e-9);
    EXPECT_EQ(rows_and_contiguous(run / "decisions.sqlite"), std::make_pair(target, true));
    const auto replayed = cli_state("--inputs " + (run / "inputs.movie").string());
    EXPECT_EQ(replayed["frame"], target * 24);
    EXPECT_EQ(replayed["ram_sha1"],
              cli_state("--state " + (run / "final.state").string())["ram_sha1"]);
}

// Its states are its core's: a resume without --core goes on with the run's core, not the default.
TEST_F(RunTest, AResumedRunKeepsItsCore) {
    const auto run = dir_ / "run";
    const auto first =
        run_cli("run --quiet --no-web --core mgba --max-actions 30 --run-dir " + run.string());
    ASSERT_EQ(first.exit_code, 0) << first.out;
    EXPECT_EQ(read_json(run / "config.json")["core"], "mgba");
    const auto resumed = run_cli("run --quiet --no-web --max-actions 60 --resume " + run.string());
    ASSERT_EQ(resumed.exit_code, 0) << resumed.out;
    EXPECT_EQ(read_json(run / "checkpoint.json")["step"], 60);

    // Runs from before the core was recorded ran on mGBA, the default then.
    auto config = read_json(run / "config.json");
    config.erase("core");
    { std::ofstream(run / "config.json") << config.dump(2); }
    const auto old = run_cli("run --quiet --no-web --max-actions 90 --resume " + run.string());
    ASSERT_EQ(old.exit_code, 0) << old.out;
    EXPECT_EQ(read_json(run / "checkpoint.json")["step"], 90);
}

TEST_F(RunTest, ResumeOfAFolderWithoutARunSaysWhatIsMissing) {
    const auto result = run_cli("run --quiet --port 0 --resume " + dir_.string());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.out.find("config.json is missing"), std::string::npos) << result.out;
}

TEST_F(RunTest, ReplayAgentPlaysOnlyTheMovie) {
    { std::ofstream(dir_ / "start.movie") << "60 -\n5 START\n35 -\n"; }
    const auto run = dir_ / "run";
    const auto result = run_cli("run --quiet --port 0 --agent replay --inputs " +
                                (dir_ / "start.movie").string() + " --run-dir " + run.string());
    ASSERT_EQ(result.exit_code, 0) << result.out;
    EXPECT_EQ(read_json(run / "checkpoint.json")["frame"], 100);
    EXPECT_EQ(cli_state("--state " + (run / "final.state").string())["game_state"]["screen"],
              "overworld");
}

class TrainerCommandsTest : public RunTest {};

TEST_F(TrainerCommandsTest, PauseStepPressSwitchAndStop) {
    const auto rom = emu::Rom::from_bytes(demo_rom_bytes(), "'demo'");
    env::Env env(emu::make_machine(rom), game::make_profile(rom));
    env.reset();
    auto factory = [](const std::string& name) -> std::unique_ptr<agent::Agent> {
        if (name == "explorer") return std::make_unique<agent::ExplorerAgent>(1);
        if (name == "random") return std::make_unique<agent::RandomAgent>(1);
        throw std::runtime_error("unknown agent " + name);
    };
    trainer::TrainerOptions options;
    options.speed = 4;  // four times real time: about 10 actions a second
    trainer::Trainer trainer(env, trainer::RunDirectory::create(dir_ / "run"), factory, options);
    std::jthread loop([&](std::stop_token stop) { trainer.run(stop); });
    auto actions = [&] { return trainer.latest() ? trainer.latest()->stats.total_actions : 0; };

    ASSERT_TRUE(wait_until([&] { return actions() >= 5; }, 10));
    trainer.post(trainer::command::Pause{});
    ASSERT_TRUE(wait_until([&] { return trainer.latest()->stats.paused; }, 5));
    const auto paused_at = actions();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(actions(), paused_at) << "a paused trainer takes no action";

    trainer.post(trainer::command::Press{env::Action::kStart});
    trainer.post(trainer::command::Step{});
    ASSERT_TRUE(wait_until([&] { return actions() == paused_at + 1; }, 5));
    EXPECT_EQ(trainer.latest()->stats.last_action, "START");
    EXPECT_EQ(trainer.latest()->recent_decisions.back().source, "human");

    trainer.post(trainer::command::SwitchAgent{"random"});
    trainer.post(trainer::command::SwitchAgent{"no-such-agent"});
    trainer.post(trainer::command::Resume{});
    ASSERT_TRUE(wait_until([&] { return actions() > paused_at + 3; }, 5));
    EXPECT_EQ(trainer.latest()->stats.agent, "random");
    EXPECT_EQ(trainer.latest()->rgb.size(), emu::kFrameRgbBytes);

    const auto save = dir_ / "saved.state";
    trainer.post(trainer::command::SaveState{save});
    trainer.post(trainer::command::Stop{});
    loop.join();
    EXPECT_TRUE(std::filesystem::exists(save));
    EXPECT_TRUE(std::filesystem::exists(dir_ / "run" / "final.state"));
}

}  // namespace
}  // namespace crl::test

namespace crl::test {
namespace {

TEST(RunBatteryTest, BatterySaveIsLoadedAndWrittenBack) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    const auto dir = temp_dir("battery");
    const auto sav = dir / "ucity.sav";
    const auto result =
        run_cli("run --quiet --no-web --rom " + rom.string() + " --battery " + sav.string() +
                " --max-actions 30 --run-dir " + (dir / "run").string());
    ASSERT_EQ(result.exit_code, 0) << result.out;
    ASSERT_TRUE(std::filesystem::exists(sav));
    EXPECT_EQ(std::filesystem::file_size(sav), 128u * 1024u);
    // A second run starts from it: change a byte, and the run writes the save back unchanged.
    auto bytes = storage::read_file_bytes(sav, "save");
    bytes[0x1000] ^= 0x5A;
    storage::write_file_atomically(sav, bytes);
    const auto again =
        run_cli("run --quiet --no-web --rom " + rom.string() + " --battery " + sav.string() +
                " --max-actions 30 --run-dir " + (dir / "run2").string());
    ASSERT_EQ(again.exit_code, 0) << again.out;
    EXPECT_EQ(storage::read_file_bytes(sav, "save")[0x1000], bytes[0x1000]);
}

}  // namespace
}  // namespace crl::test
