// make bench: a long `crystal-rl run` (200,000 actions on the demo game, unthrottled, no web)
// must cost the same per hour at its end as at its start. Every 10,000 actions this prints the
// process's resident memory and the bytes it wrote in that stretch (/proc/PID/io wchar), then
// the ratio of the last stretch to the first.
// Usage: crystal-rl-run-cost-bench [ACTIONS [ROM]] (without a ROM, the demo game)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "run_cost_child.h"

namespace {

constexpr std::uint64_t kStretch = 10'000;  // actions per row

}  // namespace

int main(int argc, char** argv) {
    const std::uint64_t actions = argc > 1 ? std::stoull(argv[1]) : 200'000;
    const auto run = std::filesystem::temp_directory_path() /
                     ("crystal-rl-run-cost-" + std::to_string(::getpid()));
    std::vector<std::string> arguments = {"run",
                                          "--quiet",
                                          "--no-web",
                                          "--checkpoint-every",
                                          "1000",
                                          "--max-actions",
                                          std::to_string(actions),
                                          "--run-dir",
                                          run.string()};
    const std::string rom = argc > 2 ? argv[2] : "";
    if (!rom.empty()) {
        arguments.push_back("--rom");
        arguments.push_back(rom);
    }
    crl::bench::RunChild child(arguments, run);
    std::printf("crystal-rl run, %s, %llu actions, checkpoint every 1,000, per %llu actions:\n",
                rom.empty() ? "demo game" : rom.c_str(), static_cast<unsigned long long>(actions),
                static_cast<unsigned long long>(kStretch));
    std::printf("| actions | resident memory (KiB) | bytes written in the stretch | seconds |\n");
    std::printf("|---|---|---|---|\n");
    std::uint64_t next = kStretch;
    long last_written = 0;
    long first_stretch_bytes = -1, last_stretch_bytes = -1, first_rss = -1, last_rss = -1;
    auto last_time = std::chrono::steady_clock::now();
    while (child.running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const auto step = child.checkpoint_step();
        if (step < next) continue;
        const long rss = child.proc_value("status", "VmRSS:");
        const long written = child.proc_value("io", "wchar: ");
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
    return child.wait() ? 0 : 1;
}
