// crystal-rl run when things go wrong: kill -9 at random moments, a second process on the same
// run directory, a signal during a long start movie, and starts refused for every reason, which
// must leave the file system as it was.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "demo_rom.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

nlohmann::json read_json_or_null(const std::filesystem::path& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in, nullptr, false);
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

nlohmann::json cli_state(const std::string& arguments) {
    const auto result = run_cli("state --frames 0 " + arguments);
    EXPECT_EQ(result.exit_code, 0) << result.out;
    return nlohmann::json::parse(result.out, nullptr, false);
}

// Whether the process's main thread blocks SIGTERM (/proc/PID/status, SigBlk in hex).
bool sigterm_blocked(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("SigBlk:", 0) == 0) {
            return (std::stoull(line.substr(7), nullptr, 16) >> (SIGTERM - 1) & 1) != 0;
        }
    }
    return false;
}

class RunSafetyTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build (SDCC missing)";
        dir_ = temp_dir("run-safety");
    }
    std::filesystem::path dir_;
};

TEST_F(RunSafetyTest, KilledAtRandomMomentsTwentyTimesItAlwaysResumesAndReplaysExactly) {
    const auto run = dir_ / "run";
    std::mt19937 random(20261127);
    std::uniform_int_distribution<int> delay_ms(0, 250);
    std::int64_t last_step = -1;
    for (int kill = 0; kill < 20; ++kill) {
        std::vector<std::string> arguments = {"run", "--quiet", "--no-web"};
        if (kill == 0) {
            arguments.insert(arguments.end(),
                             {"--checkpoint-every", "1", "--run-dir", run.string()});
        } else {
            arguments.insert(arguments.end(), {"--resume", run.string()});
        }
        const auto log = dir_ / ("run-" + std::to_string(kill) + ".log");
        ChildProcess child(arguments, log);
        // Wait for progress past the last checkpoint, then kill at a random moment after it.
        ASSERT_TRUE(wait_until(
            [&] {
                const auto info = read_json_or_null(run / "checkpoint.json");
                return info.is_object() && info["step"].get<std::int64_t>() > last_step;
            },
            30))
            << read_text(log);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
        child.signal(SIGKILL);
        ASSERT_EQ(child.wait(10), -SIGKILL) << "it had stopped by itself:\n" << read_text(log);
        const auto info = read_json_or_null(run / "checkpoint.json");
        ASSERT_TRUE(info.is_object()) << "checkpoint.json is never half-written";
        ASSERT_TRUE(std::filesystem::exists(run / info["state"].get<std::string>()))
            << "checkpoint.json names a state that is not there, after kill " << kill;
        ASSERT_GE(std::filesystem::file_size(run / "inputs.movie"),
                  info["movie_bytes"].get<std::uintmax_t>())
            << "the movie on disk is shorter than the checkpoint, after kill " << kill;
        last_step = info["step"].get<std::int64_t>();
    }
    const auto target = last_step + 30;
    const auto finished = run_cli("run --quiet --no-web --resume " + run.string() +
                                  " --max-actions " + std::to_string(target));
    ASSERT_EQ(finished.exit_code, 0) << finished.out;
    const auto replayed = cli_state("--inputs " + (run / "inputs.movie").string());
    const auto final_state = cli_state("--state " + (run / "final.state").string());
    EXPECT_EQ(replayed["frame"], target * 24);
    EXPECT_EQ(replayed["ram_sha1"], final_state["ram_sha1"]);
    EXPECT_EQ(replayed["game_state"], final_state["game_state"]);
}

TEST_F(RunSafetyTest, ASecondProcessOnALockedRunDirectoryIsRefusedNamingTheHolder) {
    const auto run = dir_ / "run";
    ChildProcess first({"run", "--quiet", "--no-web", "--speed", "1", "--run-dir", run.string()},
                       dir_ / "first.log");
    ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(run / "checkpoint.json"); }, 30))
        << read_text(dir_ / "first.log");
    const auto second = run_cli("run --quiet --no-web --resume " + run.string());
    EXPECT_EQ(second.exit_code, 1) << second.out;
    EXPECT_NE(second.out.find("in use by process " + std::to_string(first.pid())),
              std::string::npos)
        << second.out;
    const auto again = run_cli("run --quiet --no-web --run-dir " + run.string());
    EXPECT_EQ(again.exit_code, 1) << again.out;
    first.signal(SIGINT);
    EXPECT_EQ(first.wait(10), 0);
    // Once the holder has gone, the run can be resumed.
    const auto resumed = run_cli("run --quiet --no-web --max-actions 5 --resume " + run.string());
    EXPECT_EQ(resumed.exit_code, 0) << resumed.out;
}

TEST_F(RunSafetyTest, SigtermDuringALongStartMovieEndsTheRunAtOnceLeavingNothing) {
    { std::ofstream(dir_ / "long.movie") << "4000000000 -\n"; }  // about two years of play
    const auto run = dir_ / "run";
    ChildProcess child({"run", "--quiet", "--no-web", "--inputs", (dir_ / "long.movie").string(),
                        "--run-dir", run.string()},
                       dir_ / "log.txt");
    // Once the process has blocked SIGTERM (to take it on its own thread), it is set up; a
    // moment later it is deep in the movie.
    ASSERT_TRUE(wait_until([&] { return sigterm_blocked(child.pid()); }, 30));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto signalled = std::chrono::steady_clock::now();
    child.signal(SIGTERM);
    const auto code = child.wait(10);
    ASSERT_TRUE(code.has_value()) << "still playing the movie 10 s after SIGTERM";
    std::cout << "[ measured ] the run ended "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count()
              << " s after SIGTERM\n";
    EXPECT_EQ(*code, 0) << read_text(dir_ / "log.txt");
    EXPECT_FALSE(std::filesystem::exists(run)) << "an interrupted start created its run";
}

// A port taken by someone else for as long as it lives.
class TakenPort {
  public:
    TakenPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(fd_, 1);
        socklen_t length = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
    }
    ~TakenPort() { ::close(fd_); }
    TakenPort(const TakenPort&) = delete;
    TakenPort& operator=(const TakenPort&) = delete;
    unsigned short port() const { return port_; }

  private:
    int fd_;
    unsigned short port_ = 0;
};

TEST_F(RunSafetyTest, AStartRefusedForAnyReasonLeavesNoRunDirectory) {
    const auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name, std::ios::binary) << text;
        return (dir_ / name).string();
    };
    const auto not_a_rom = write("notes.gbc", std::string(1000, 'x'));
    const auto not_a_state = write("notes.state", "hello");
    const auto bad_movie = write("bad.movie", "12 JUMP\n");
    const auto endless_movie = write("endless.movie", "18446744073709551615 -\n");
    const auto bad_rewards = write("rewards.json", R"({"new_tile": 1e400})");
    const auto bad_variables = write("variables.json", "{not json");
    TakenPort taken;
    const std::vector<std::pair<std::string, std::string>> refusals = {
        {"--rom " + not_a_rom, "notes.gbc"},
        {"--state " + not_a_state, "notes.state"},
        {"--inputs " + bad_movie, "bad.movie"},
        {"--inputs " + endless_movie, "too large"},
        {"--rewards " + bad_rewards, "rewards.json"},
        {"--variables " + bad_variables + " --profile generic", "variables.json"},
        {"--battery " + (dir_ / "no/such/folder/x.sav").string(), "does not exist"},
        {"--port " + std::to_string(taken.port()), std::to_string(taken.port())},
        {"--host 0.0.0.0", "--control-token"},
    };
    for (const auto& [options, named] : refusals) {
        const auto run = dir_ / "run";
        const auto result =
            run_cli("run --quiet --max-actions 5 --run-dir " + run.string() + " " +
                    (options.find("--port") == std::string::npos ? "--port 0 " : "") + options);
        EXPECT_NE(result.exit_code, 0) << options;
        EXPECT_NE(result.out.find(named), std::string::npos) << options << ": " << result.out;
        EXPECT_FALSE(std::filesystem::exists(run)) << options << " left " << run;
    }
}

}  // namespace
}  // namespace crl::test
