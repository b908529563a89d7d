// make bench — environment steps per second (24 frames a step, game state and reward each step)
// for 1 and 2 environments and both cores, against the bare emulator doing the same frames; the
// cost of reading a game state; and the memory each machine takes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "demo_rom.h"
#include "env/env.h"
#include "env/vector_env.h"
#include "game/crystal.h"
#include "game/profile.h"

namespace {

using Clock = std::chrono::steady_clock;
using crl::env::Action;
// Short runs, Env and bare taken in turn: this machine's speed drifts by tens of percent within a
// minute, so each ratio compares runs a second apart and the median of those ratios is reported.
constexpr int kSteps = 1500;
constexpr int kRuns = 11;

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// The same buttons each way: a walk through the demo game's town after its title.
Action script(int step) {
    if (step < 8) return step == 4 ? Action::kStart : Action::kNoop;
    static constexpr Action kWalk[] = {Action::kRight, Action::kDown, Action::kLeft, Action::kUp,
                                       Action::kA};
    return kWalk[(step / 3) % 5];
}

std::unique_ptr<crl::emu::Machine> make_machine(const crl::emu::Rom& rom, crl::emu::CoreKind core) {
    crl::emu::MachineOptions options;
    options.core = core;
    return crl::emu::make_machine(rom, options);
}

std::unique_ptr<crl::env::Env> make_env(const crl::emu::Rom& rom, crl::emu::CoreKind core) {
    auto env =
        std::make_unique<crl::env::Env>(make_machine(rom, core), crl::game::make_profile(rom));
    env->set_render(crl::emu::Render::kNone);
    return env;
}

// Steps a second: N environments in N threads (VectorEnv), or N bare machines in N threads.
double env_rate(const crl::emu::Rom& rom, crl::emu::CoreKind core, int count) {
    std::vector<std::unique_ptr<crl::env::Env>> envs;
    for (int i = 0; i < count; ++i)
        envs.push_back(make_env(rom, core));
    crl::env::VectorEnv vector(std::move(envs));
    const auto start = Clock::now();
    for (int step = 0; step < kSteps; ++step)
        vector.step(std::vector<Action>(static_cast<std::size_t>(count), script(step)));
    return kSteps * count / std::chrono::duration<double>(Clock::now() - start).count();
}

double bare_rate(const crl::emu::Rom& rom, crl::emu::CoreKind core, int count) {
    std::vector<std::jthread> threads;
    const auto start = Clock::now();
    for (int i = 0; i < count; ++i) {
        threads.emplace_back([&rom, core] {
            auto machine = make_machine(rom, core);
            for (int step = 0; step < kSteps; ++step) {
                machine->run_frames(8, crl::env::to_buttons(script(step)), crl::emu::Render::kNone);
                machine->run_frames(16, crl::emu::button::kNone, crl::emu::Render::kNone);
            }
        });
    }
    threads.clear();
    return kSteps * count / std::chrono::duration<double>(Clock::now() - start).count();
}

// Resident memory of the process in KiB (/proc/self/statm counts pages).
double resident_kib() {
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size = 0, resident = 0;
    statm >> size >> resident;
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1024.0;
}

// How much a process grows per machine when it holds `count` of them, each run for a second.
// Measured in a child process, so memory freed by an earlier measurement is not reused.
double kib_per_machine(const crl::emu::Rom& rom, crl::emu::CoreKind core, int count) {
    int pipe_ends[2];
    if (pipe(pipe_ends) != 0) return 0;
    const pid_t child = fork();
    if (child == 0) {
        const double before = resident_kib();
        std::vector<std::unique_ptr<crl::emu::Machine>> machines;
        for (int i = 0; i < count; ++i) {
            machines.push_back(make_machine(rom, core));
            machines.back()->run_frames(60, crl::emu::button::kNone, crl::emu::Render::kNone);
        }
        const double per_machine = (resident_kib() - before) / count;
        [[maybe_unused]] const auto written = write(pipe_ends[1], &per_machine, sizeof per_machine);
        _exit(0);
    }
    close(pipe_ends[1]);
    double per_machine = 0;
    if (read(pipe_ends[0], &per_machine, sizeof per_machine) != sizeof per_machine) per_machine = 0;
    close(pipe_ends[0]);
    waitpid(child, nullptr, 0);
    return per_machine;
}

void print_memory_per_machine(const crl::emu::Rom& demo) {
    std::vector<std::pair<std::string, crl::emu::Rom>> roms{{"demo", demo}};
    if (const char* crystal = std::getenv("CRYSTAL_RL_ROM"); crystal && *crystal)
        roms.emplace_back("crystal", crl::emu::Rom::from_file(crystal));
    constexpr int kMachines = 1000;
    std::printf(
        "\nMemory per machine: %d machines in one process, each run 60 frames; resident size "
        "growth / %d, in a fresh process each (the ROM image is shared by a ROM's native "
        "cores)\n\n",
        kMachines, kMachines);
    std::printf("| rom | core | KiB per machine |\n|---|---|---|\n");
    for (const auto& [name, rom] : roms) {
        for (const auto core : {crl::emu::CoreKind::kNative, crl::emu::CoreKind::kMgba}) {
            std::printf("| %s | %s | %.0f |\n", name.c_str(), crl::emu::core_name(core),
                        kib_per_machine(rom, core, kMachines));
        }
    }
}

}  // namespace

int main() {
    if (crl::demo_rom_bytes().empty()) {
        std::puts("env bench: this build has no demo game (SDCC missing)");
        return 0;
    }
    const auto rom = crl::emu::Rom::from_bytes(crl::demo_rom_bytes(), "demo");
    std::printf(
        "\nEnvironment steps per second on the demo game (%d steps of 24 frames; %d runs each, "
        "Env and bare in turn: medians, and the median of the %d ratios of neighbouring runs)\n\n",
        kSteps, kRuns, kRuns);
    std::printf(
        "| core | envs | Env steps/s | bare emulator steps/s | ratio (>= 0.95) | ratios from, "
        "to |\n|---|---|---|---|---|---|\n");
    for (const auto core : {crl::emu::CoreKind::kMgba, crl::emu::CoreKind::kNative}) {
        for (const int count : {1, 2}) {
            std::vector<double> env, bare, ratios;
            for (int run = 0; run < kRuns; ++run) {
                env.push_back(env_rate(rom, core, count));
                bare.push_back(bare_rate(rom, core, count));
                ratios.push_back(env.back() / bare.back());
            }
            const auto [lowest, highest] = std::minmax_element(ratios.begin(), ratios.end());
            std::printf("| %s | %d | %.0f | %.0f | %.3f | %.3f, %.3f |\n",
                        crl::emu::core_name(core), count, median(env), median(bare), median(ratios),
                        *lowest, *highest);
        }
    }

    auto env = make_env(rom, crl::emu::CoreKind::kMgba);
    env->reset();
    for (int step = 0; step < 40; ++step)
        env->step(script(step));
    const crl::game::MachineMemory memory(env->machine());
    std::vector<double> read_us;
    for (int i = 0; i < 2000; ++i) {
        const auto start = Clock::now();
        const auto state = env->profile().read(memory);
        read_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        if (state.party.empty()) std::puts("(no party?)");
    }
    std::printf(
        "\nGame state read (demo profile, variables file, from the running machine): %.2f us "
        "(median of 2000)\n",
        median(read_us));

    // Pokémon Crystal: the whole state of a real battle snapshot (../shared/crystal).
    const char* env_dir = std::getenv("CRYSTAL_RL_TESTROMS");
    const std::filesystem::path testroms = env_dir && *env_dir ? env_dir : CRL_TESTROMS_DEFAULT;
    const auto snapshot = testroms.parent_path() / "crystal/ram-snapshots/06_route29_wild_battle";
    if (std::filesystem::exists(snapshot / "wram.bin")) {
        auto memory =
            crl::game::MemoryImage::from_files(snapshot / "wram.bin", snapshot / "hram.bin");
        const crl::game::CrystalProfile crystal{crl::game::CrystalNames()};
        std::vector<double> crystal_us;
        for (int i = 0; i < 2000; ++i) {
            const auto start = Clock::now();
            const auto state = crystal.read(memory);
            crystal_us.push_back(
                std::chrono::duration<double, std::micro>(Clock::now() - start).count());
            if (state.party.empty()) std::puts("(no party?)");
        }
        std::printf(
            "Game state read (Pokemon Crystal, a real battle snapshot, every field): %.2f us "
            "(median of 2000)\n",
            median(crystal_us));
    } else {
        std::printf("(Crystal snapshot not found under %s: no Crystal read figure)\n",
                    snapshot.c_str());
    }
    print_memory_per_machine(rom);
    return 0;
}
