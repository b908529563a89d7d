// app/session.h — what the one-shot commands share: pick the ROM (given or embedded), build the
// machine, load a battery save and a state, play a movie, run some frames.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "emu/battery.h"
#include "emu/machine.h"
#include "emu/movie.h"
#include "game/profile.h"

namespace crl::app {

struct SessionOptions {
    std::optional<std::filesystem::path> rom;
    std::optional<std::filesystem::path> state;
    std::optional<std::filesystem::path> inputs;
    std::optional<std::filesystem::path> battery;
    std::uint64_t frames = 120;
    std::string rtc = "emulated";
    std::int64_t rtc_start = emu::kDefaultRtcStart;
    std::string core = "native";  // --core: the emulator behind the machine
    game::ProfileOptions profile;
};

// Adds --rom, --state, --inputs, --battery, --frames, --rtc, --rtc-start, --core and the profile
// options (--profile, --variables, --sym) to a subcommand.
void add_session_options(CLI::App& command, SessionOptions& options);

// The ROM named by --rom, or the embedded demo game.
emu::Rom load_rom(const std::optional<std::filesystem::path>& rom);
emu::MachineOptions machine_options(const SessionOptions& options);

struct Session {
    std::unique_ptr<emu::Machine> machine;
    std::unique_ptr<game::Profile> profile;
    std::optional<emu::Movie> movie;
};

// Builds the machine and brings it to the requested moment.
Session open_session(const SessionOptions& options, emu::Render render = emu::Render::kLast);

}  // namespace crl::app
