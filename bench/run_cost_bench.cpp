// make bench: a long `crystal-rl run` (200,000 actions on the demo game, unthrottled, no web)
// must cost the same per hour at its end as at its start. Every 10,000 actions this prints the
// process's resident memory and the bytes it wrote in that stretch (/proc/PID/io wchar), then
// the ratio of the last stretch to the first. Usage: crystal-rl-run-cost-bench [ACTIONS]
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

constexpr std::uint64_t kStretch = 10'000;  // actions per row

long proc_value(int pid, const char* file, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
    }
    return -1;
}

std::uint64_t checkpoint_step(const std::filesystem::path& run) {
    std::ifstream in(run / "checkpoint.json");
    const auto json = nlohmann::json::parse(in, nullptr, false);
    return json.is_object() ? json.value("step", std::uint64_t{0}) : 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::uint64_t actions = argc > 1 ? std::stoull(argv[1]) : 200'000;
    const auto run = std::filesystem::temp_directory_path() /
                     ("crystal-rl-run-cost-" + std::to_string(::getpid()));
    std::vector<std::string> arguments = {
        CRL_BINARY,           "run",       "--quiet",       "--no-web",
        "--checkpoint-every", "1000",      "--max-actions", std::to_string(actions),
        "--run-dir",          run.string()};
    std::vector<char*> argv_child;
    for (auto& argument : arguments)
        argv_child.push_back(argument.data());
    argv_child.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, CRL_BINARY, nullptr, nullptr, argv_child.data(), environ) != 0) {
        std::fprintf(stderr, "cannot start %s\n", CRL_BINARY);
        return 1;
    }
    std::printf(
        "crystal-rl run, demo game, %llu actions, checkpoint every 1,000, per %llu actions:\n",
        static_cast<unsigned long long>(actions), static_cast<unsigned long long>(kStretch));
    std::printf("| actions | resident memory (KiB) | bytes written in the stretch | seconds |\n");
    std::printf("|---|---|---|---|\n");
    std::uint64_t next = kStretch;
    long last_written = 0;
    long first_stretch_bytes = -1, last_stretch_bytes = -1, first_rss = -1, last_rss = -1;
    auto last_time = std::chrono::steady_clock::now();
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const auto step = checkpoint_step(run);
        if (step < next) continue;
        const long rss = proc_value(pid, "status", "VmRSS:");
        const long written = proc_value(pid, "io", "wchar: ");
        const auto now = std::chrono::steady_clock::now();
        const long stretch = written - last_written;
        std::printf("| %llu | %ld | %ld | %.1f |\n", static_cast<unsigned long long>(step), rss,
                    stretch, std::chrono::duration<double>(now - last_time).count());
        std::fflush(stdout);
        if (first_stretch_bytes < 0 && next > kStretch) {
            first_stretch_bytes = stretch;  // the second stretch: the first includes start-up
            first_rss = rss;
        }
        last_stretch_bytes = stretch;
        last_rss = rss;
        last_written = written;
        last_time = now;
        next = (step / kStretch + 1) * kStretch;
    }
    if (first_stretch_bytes > 0 && last_stretch_bytes > 0) {
        std::printf(
            "last/first (from the second stretch): memory %.2f, bytes written %.2f\n",
            static_cast<double>(last_rss) / static_cast<double>(first_rss),
            static_cast<double>(last_stretch_bytes) / static_cast<double>(first_stretch_bytes));
    }
    std::error_code ignored;
    std::filesystem::remove_all(run, ignored);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
