#include "app/commands.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/session.h"
#include "image/png.h"

namespace crl::app {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

json rom_json(const emu::RomHeader& header) {
    char checksum[8];
    std::snprintf(checksum, sizeof checksum, "0x%02X", header.header_checksum);
    return {{"title", header.title},
            {"sha1", header.sha1},
            {"color", header.color_only()       ? "only"
                      : header.supports_color() ? "yes"
                                                : "no"},
            {"cartridge", header.cartridge_name()},
            {"rom_bytes", header.rom_bytes},
            {"ram_bytes", header.ram_bytes},
            {"header_checksum", checksum}};
}

json machine_json(const emu::Machine& machine) {
    auto ram = machine.read_region(emu::Region::kWram);
    const auto hram = machine.read_region(emu::Region::kHram);
    ram.insert(ram.end(), hram.begin(), hram.end());
    return {{"rom", rom_json(machine.header())},
            {"frame", machine.frame_count()},
            {"clock", machine.clock_now()},
            {"ram_sha1", emu::sha1_hex(ram)},
            {"frame_sha1", emu::sha1_hex(machine.frame_rgb())}};
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double micros_since(Clock::time_point start) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

}  // namespace

Command add_state_command(CLI::App& app) {
    auto options = std::make_shared<SessionOptions>();
    auto* command = app.add_subcommand(
        "state", "Run a ROM (from power-on, a state or a movie), then print its state as JSON");
    add_session_options(*command, *options);
    return [options] {
        const auto session = open_session(*options);
        auto json = machine_json(*session.machine);
        json["game_state"] = session.profile->read(game::MachineMemory(*session.machine)).to_json();
        std::cout << json.dump(2) << '\n';
        return 0;
    };
}

Command add_screenshot_command(CLI::App& app) {
    auto options = std::make_shared<SessionOptions>();
    auto out = std::make_shared<std::filesystem::path>();
    auto* command =
        app.add_subcommand("screenshot", "Run like 'state', then write the screen as a PNG");
    add_session_options(*command, *options);
    command->add_option("--out", *out, "PNG file to write")->required();
    return [options, out] {
        const auto session = open_session(*options);
        image::write_png(*out, session.machine->frame_rgb(), emu::kScreenWidth, emu::kScreenHeight);
        std::cout << "wrote " << out->string() << " (frame " << session.machine->frame_count()
                  << ")\n";
        return 0;
    };
}

Command add_bench_command(CLI::App& app) {
    struct BenchOptions {
        SessionOptions session;
        std::uint64_t frames = 3600;
        int frames_per_step = 24;
        int repeats = 5;
        std::string render = "last";
        bool json = false;
    };
    auto options = std::make_shared<BenchOptions>();
    auto* command = app.add_subcommand(
        "bench", "Measure emulation speed (frames/s, median of several runs) and state cost");
    options->session.frames = 0;
    add_session_options(*command, options->session);
    command->remove_option(command->get_option("--frames"));
    command->add_option("--frames", options->frames, "frames per measured run")
        ->check(CLI::Range(24, 10'000'000))
        ->capture_default_str();
    command->add_option("--repeats", options->repeats, "measured runs (the median is reported)")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    command
        ->add_option("--render", options->render,
                     "what is drawn: none, last (the last frame of every 24) or all")
        ->check(CLI::IsMember({"none", "last", "all"}))
        ->capture_default_str();
    command->add_flag("--json", options->json, "print JSON instead of a table");
    return [options] {
        auto session = open_session(options->session);
        auto& machine = *session.machine;
        const auto start = machine.save_state();
        const auto render = options->render == "none"  ? emu::Render::kNone
                            : options->render == "all" ? emu::Render::kAll
                                                       : emu::Render::kLast;
        std::vector<double> fps;
        for (int run = 0; run < options->repeats; ++run) {
            machine.load_state(start);
            const auto begin = Clock::now();
            for (std::uint64_t done = 0; done < options->frames;) {
                const auto step =
                    std::min<std::uint64_t>(options->frames_per_step, options->frames - done);
                machine.run_frames(static_cast<int>(step), emu::button::kNone, render);
                done += step;
            }
            fps.push_back(static_cast<double>(options->frames) * 1e6 / micros_since(begin));
        }
        std::vector<double> save_us, load_us;
        std::size_t state_bytes = 0;
        for (int i = 0; i < 50; ++i) {
            auto begin = Clock::now();
            const auto state = machine.save_state();
            save_us.push_back(micros_since(begin));
            begin = Clock::now();
            machine.load_state(state);
            load_us.push_back(micros_since(begin));
            state_bytes = state.size();
        }
        const json result = {{"rom", machine.header().title},
                             {"render", options->render},
                             {"frames", options->frames},
                             {"fps", median(fps)},
                             {"speed_vs_real_time", median(fps) / emu::kFramesPerSecond},
                             {"state_save_us", median(save_us)},
                             {"state_load_us", median(load_us)},
                             {"state_bytes", state_bytes}};
        if (options->json) {
            std::cout << result.dump(2) << '\n';
        } else {
            std::printf("%-14s %-7s %12s %10s %10s %10s %12s\n", "rom", "render", "frames/s",
                        "x realtime", "save us", "load us", "state bytes");
            std::printf("%-14s %-7s %12.0f %10.1f %10.1f %10.1f %12zu\n",
                        machine.header().title.c_str(), options->render.c_str(), median(fps),
                        median(fps) / emu::kFramesPerSecond, median(save_us), median(load_us),
                        state_bytes);
        }
        return 0;
    };
}

}  // namespace crl::app
