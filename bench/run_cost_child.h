// bench/run_cost_child.h — a `crystal-rl run` child process for the run-cost benches: starts
// it (optionally with a lowered file limit), reads its progress (the step of its last
// checkpoint) and its /proc figures, and stops it. Bench-only; no test or product code uses it.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace crl::bench {

class RunChild {
  public:
    // Starts CRL_BINARY with `arguments` (after the program name). With `file_limit`, the child
    // starts with that RLIMIT_NOFILE soft limit (as `prlimit --nofile` would give it).
    RunChild(std::vector<std::string> arguments, std::filesystem::path run_dir,
             std::optional<rlim_t> file_limit = std::nullopt)
        : run_dir_(std::move(run_dir)) {
        arguments.insert(arguments.begin(), CRL_BINARY);
        std::vector<char*> argv;
        for (auto& argument : arguments)
            argv.push_back(argument.data());
        argv.push_back(nullptr);
        rlimit original{};
        ::getrlimit(RLIMIT_NOFILE, &original);
        if (file_limit) {  // inherited by the child; ours is restored right after the spawn
            rlimit lowered = original;
            lowered.rlim_cur = *file_limit;
            ::setrlimit(RLIMIT_NOFILE, &lowered);
        }
        const int spawned = posix_spawn(&pid_, CRL_BINARY, nullptr, nullptr, argv.data(), environ);
        if (file_limit) ::setrlimit(RLIMIT_NOFILE, &original);
        if (spawned != 0) throw std::runtime_error(std::string("cannot start ") + CRL_BINARY);
    }
    ~RunChild() {
        if (running()) {
            ::kill(pid_, SIGTERM);
            wait();
        }
        std::error_code ignored;
        std::filesystem::remove_all(run_dir_, ignored);
    }
    RunChild(const RunChild&) = delete;
    RunChild& operator=(const RunChild&) = delete;

    pid_t pid() const { return pid_; }
    bool running() {
        if (exited_) return false;
        if (::waitpid(pid_, &status_, WNOHANG) == 0) return true;
        exited_ = true;
        return false;
    }
    // Waits for the child; true when it exited with status 0.
    bool wait() {
        if (!exited_ && ::waitpid(pid_, &status_, 0) == pid_) exited_ = true;
        return WIFEXITED(status_) && WEXITSTATUS(status_) == 0;
    }

    // A number from /proc/PID/FILE on the line starting with `key`; -1 if absent.
    long proc_value(const char* file, const std::string& key) const {
        std::ifstream in("/proc/" + std::to_string(pid_) + "/" + file);
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
        }
        return -1;
    }
    // The step of the run's last checkpoint (0 before the first).
    std::uint64_t checkpoint_step() const {
        std::ifstream in(run_dir_ / "checkpoint.json");
        const auto json = nlohmann::json::parse(in, nullptr, false);
        return json.is_object() ? json.value("step", std::uint64_t{0}) : 0;
    }

  private:
    std::filesystem::path run_dir_;
    pid_t pid_ = 0;
    int status_ = 0;
    bool exited_ = false;
};

}  // namespace crl::bench
