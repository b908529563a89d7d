// make bench — emulator throughput through emu::Machine against libmgba called directly, for
// each drawing mode, plus save-state cost. Prints a table and the ratios the targets are set on.
#include <mgba/flags.h>

#include <mgba-util/vfs.h>
#include <mgba/core/config.h>
#include <mgba/core/core.h>
#include <mgba/core/log.h>
#include <mgba/gb/core.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string_view>
#include <vector>

#include "crystal_new_game.h"
#include "demo_rom.h"
#include "emu/machine.h"
#include "emu/mgba_board.h"

namespace {

using Clock = std::chrono::steady_clock;
using crl::emu::Render;

constexpr int kFramesPerStep = 24;  // one agent action
constexpr int kStepsPerRun = 150;   // 3600 frames, a minute of game time
constexpr int kRuns = 7;

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// libmgba as a program would use it without crystal-rl: the core table, nothing else.
class DirectCore {
  public:
    DirectCore(const std::vector<std::uint8_t>& rom, bool same_settings_as_wrapper)
        : rom_(rom), same_settings_(same_settings_as_wrapper) {
        core_ = GBCoreCreate();
        core_->init(core_);
        mCoreInitConfig(core_, nullptr);
        core_->setVideoBuffer(core_, video_.data(), 160);
        core_->loadROM(core_, VFileFromConstMemory(rom_.data(), rom_.size()));
        core_->reset(core_);
        if (same_settings_) crl_board_stop_audio_output(core_);
    }
    ~DirectCore() {
        mCoreConfigDeinit(&core_->config);
        core_->deinit(core_);
    }
    DirectCore(const DirectCore&) = delete;
    DirectCore& operator=(const DirectCore&) = delete;

    void run_step(Render render) {
        for (int i = 0; i < kFramesPerStep; ++i) {
            if (same_settings_) {
                crl_board_draw_next_frame(
                    core_,
                    render == Render::kAll || (render == Render::kLast && i == kFramesPerStep - 1));
            }
            core_->runFrame(core_);
        }
    }

  private:
    std::vector<std::uint8_t> rom_;
    bool same_settings_;
    std::array<std::uint32_t, 256 * 224> video_{};
    mCore* core_ = nullptr;
};

double frames_per_second(const std::function<void()>& step) {
    const auto start = Clock::now();
    for (int i = 0; i < kStepsPerRun; ++i)
        step();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return kStepsPerRun * kFramesPerStep / seconds;
}

const char* render_name(Render render) {
    return render == Render::kNone ? "none" : render == Render::kLast ? "last of 24" : "all";
}

void bench_rom(const char* label, const crl::emu::Rom& rom) {
    const std::vector<std::uint8_t> bytes(rom.bytes().begin(), rom.bytes().end());
    for (const auto render : {Render::kNone, Render::kLast, Render::kAll}) {
        auto machine = crl::emu::make_machine(rom);
        DirectCore shipped(bytes, false);
        DirectCore same(bytes, true);
        std::vector<double> ours, direct_shipped, direct_same;
        for (int run = 0; run < kRuns; ++run) {  // interleaved, so drift hits all three alike
            ours.push_back(frames_per_second(
                [&] { machine->run_frames(kFramesPerStep, crl::emu::button::kNone, render); }));
            direct_same.push_back(frames_per_second([&] { same.run_step(render); }));
            direct_shipped.push_back(frames_per_second([&] { shipped.run_step(Render::kAll); }));
        }
        std::printf("| %-10s | %-10s | %10.0f | %10.0f | %10.0f | %6.3f | %6.2f |\n", label,
                    render_name(render), median(ours), median(direct_same), median(direct_shipped),
                    median(ours) / median(direct_same), median(ours) / median(direct_shipped));
    }
}

crl::emu::MachineOptions on(crl::emu::CoreKind core) {
    crl::emu::MachineOptions options;
    options.core = core;
    return options;
}

// Where a core is measured from: 3,600 frames of attract mode, or for Pokemon Crystal the new game
// up to the starter (the "after the starter scene"), played the same on both cores.
void warm_up(crl::emu::Machine& machine, bool crystal) {
    if (!crystal) {
        machine.run_frames(3600, crl::emu::button::kNone, Render::kNone);
        return;
    }
    const auto movie = crl::bench::crystal_new_game();
    for (const auto& segment : movie.segments())
        machine.run_frames(static_cast<int>(segment.frames), segment.buttons, Render::kNone);
}

// The two cores behind Machine, measured in the same run (interleaved) so the ratio holds on a
// busy machine. Each starts from the same state well into the game.
void bench_cores(const char* label, const crl::emu::Rom& rom) {
    const bool crystal = std::string_view(label) == "crystal";
    auto mgba = crl::emu::make_machine(rom, on(crl::emu::CoreKind::kMgba));
    auto native = crl::emu::make_machine(rom, on(crl::emu::CoreKind::kNative));
    warm_up(*mgba, crystal);
    warm_up(*native, crystal);
    const auto mgba_start = mgba->save_state(), native_start = native->save_state();
    for (const auto render : {Render::kNone, Render::kLast, Render::kAll}) {
        mgba->load_state(mgba_start);
        native->load_state(native_start);
        std::vector<double> mgba_fps, native_fps;
        for (int run = 0; run < kRuns; ++run) {
            mgba_fps.push_back(frames_per_second(
                [&] { mgba->run_frames(kFramesPerStep, crl::emu::button::kNone, render); }));
            native_fps.push_back(frames_per_second(
                [&] { native->run_frames(kFramesPerStep, crl::emu::button::kNone, render); }));
        }
        std::printf("| %-10s | %-10s | %10.0f | %10.0f | %6.2f |\n", label, render_name(render),
                    median(native_fps), median(mgba_fps), median(native_fps) / median(mgba_fps));
    }
}

void bench_states(const char* label, const crl::emu::Rom& rom,
                  crl::emu::CoreKind core = crl::emu::CoreKind::kMgba) {
    auto machine = crl::emu::make_machine(rom, on(core));
    if (std::string_view(label) == "crystal") {
        warm_up(*machine, true);
    } else {
        machine->run_frames(600, crl::emu::button::kNone, Render::kNone);
    }
    std::vector<double> save_us, load_us;
    std::size_t bytes = 0;
    for (int i = 0; i < 200; ++i) {
        auto start = Clock::now();
        const auto state = machine->save_state();
        save_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        start = Clock::now();
        machine->load_state(state);
        load_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        bytes = state.size();
    }
    std::printf("| %-10s | %-6s | %10.1f | %10.1f | %10zu |\n", label, crl::emu::core_name(core),
                median(save_us), median(load_us), bytes);
}

}  // namespace

// crystal-rl-bench [--cores] [LABEL...]: --cores prints only the native-vs-mGBA table; labels
// (demo, ucity, crystal) keep only those ROMs. Both shorten the loop while tuning a core.
int main(int argc, char** argv) {
    bool cores_only = false;
    std::vector<std::string_view> only;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--cores") {
            cores_only = true;
        } else {
            only.emplace_back(argv[i]);
        }
    }
    const auto wanted = [&](std::string_view label) {
        return only.empty() || std::find(only.begin(), only.end(), label) != only.end();
    };

    static mLogger quiet{};
    quiet.log = [](mLogger*, int, mLogLevel, const char*, va_list) {};
    mLogSetDefaultLogger(&quiet);

    std::vector<std::pair<const char*, crl::emu::Rom>> roms;
    if (!crl::demo_rom_bytes().empty() && wanted("demo")) {
        roms.emplace_back("demo", crl::emu::Rom::from_bytes(crl::demo_rom_bytes(), "demo"));
    }
    const char* env = std::getenv("CRYSTAL_RL_TESTROMS");
    const std::filesystem::path testroms = env && *env ? env : CRL_TESTROMS_DEFAULT;
    if (!wanted("ucity")) {
        // left out on request
    } else if (std::filesystem::exists(testroms / "ucity/ucity.gbc")) {
        roms.emplace_back("ucity", crl::emu::Rom::from_file(testroms / "ucity/ucity.gbc"));
    } else {
        std::printf("(ucity.gbc not found under %s: set CRYSTAL_RL_TESTROMS to bench it)\n",
                    testroms.c_str());
    }

    if (!cores_only) {
        std::printf(
            "\nEmulator throughput, frames/s (median of %d runs of %d frames, %d frames a "
            "step)\n\n",
            kRuns, kStepsPerRun * kFramesPerStep, kFramesPerStep);
        std::printf("| %-10s | %-10s | %10s | %10s | %10s | %6s | %6s |\n", "rom", "render",
                    "Machine", "direct", "direct as", "ratio", "speed");
        std::printf("| %-10s | %-10s | %10s | %10s | %10s | %6s | %6s |\n", "", "", "(ours)",
                    "same mode", "shipped", "(>=.95)", "-up");
        std::printf(
            "|------------|------------|------------|------------|------------|--------|--------|"
            "\n");
        for (const auto& [label, rom] : roms)
            bench_rom(label, rom);
        std::printf(
            "\n'direct same mode': libmgba called directly with the same drawing and audio "
            "settings;\n"
            "ratio = Machine / that (the wrapper's cost, target >= 0.95).\n"
            "'direct as shipped': libmgba drawing every frame with audio on; speed-up = Machine / "
            "that.\n");
    }

    const char* crystal = std::getenv("CRYSTAL_RL_ROM");
    if (!wanted("crystal")) {
        // left out on request
    } else if (crystal && *crystal) {
        roms.emplace_back("crystal", crl::emu::Rom::from_file(crystal));
    } else {
        std::printf("(CRYSTAL_RL_ROM not set: Pokemon Crystal is not benched)\n");
    }
    std::printf(
        "\nNative core vs mGBA core, both through Machine, frames/s (median of %d runs of %d "
        "frames, same run, after 3600 frames of attract mode; Crystal: after the starter)\n\n",
        kRuns, kStepsPerRun * kFramesPerStep);
    std::printf("| %-10s | %-10s | %10s | %10s | %6s |\n", "rom", "render", "native", "mgba",
                "ratio");
    std::printf("|------------|------------|------------|------------|--------|\n");
    for (const auto& [label, rom] : roms)
        bench_cores(label, rom);

    if (cores_only) return 0;
    std::printf("\nSave states (median of 200)\n\n| %-10s | %-6s | %10s | %10s | %10s |\n", "rom",
                "core", "save us", "load us", "bytes");
    std::printf("|------------|--------|------------|------------|------------|\n");
    for (const auto& [label, rom] : roms) {
        bench_states(label, rom, crl::emu::CoreKind::kMgba);
        bench_states(label, rom, crl::emu::CoreKind::kNative);
    }
    return 0;
}
