#include "app/session.h"

#include "demo_rom.h"

namespace crl::app {

void add_session_options(CLI::App& command, SessionOptions& options) {
    command
        .add_option("--rom", options.rom,
                    "Game Boy / Color ROM to run (default: the embedded demo game)")
        ->check(CLI::ExistingFile);
    command.add_option("--state", options.state, "start from this save state (crystal-rl format)")
        ->check(CLI::ExistingFile);
    command
        .add_option("--inputs", options.inputs,
                    "input movie to play first (docs/movies.md: '<frames> <buttons>' lines)")
        ->check(CLI::ExistingFile);
    command.add_option("--battery", options.battery,
                       "battery save (.sav): loaded if it exists; run writes it back, state and "
                       "screenshot only read it");
    command.add_option("--frames", options.frames, "frames to run after the state and movie")
        ->capture_default_str();
    command
        .add_option("--rtc", options.rtc,
                    "cartridge clock: 'emulated' (starts at --rtc-start, advances with "
                    "emulated time; reproducible) or 'host' (wall clock)")
        ->check(CLI::IsMember({"emulated", "host"}))
        ->capture_default_str();
    command.add_option("--rtc-start", options.rtc_start, "Unix time the emulated clock starts at")
        ->capture_default_str();
    command
        .add_option("--core", options.core,
                    "emulator core: 'native' (crystal-rl's own, 5-15x faster) or 'mgba' "
                    "(libmgba, the reference it is tested against)")
        ->check(CLI::IsMember({"mgba", "native"}))
        ->capture_default_str();
    command
        .add_option("--profile", options.profile.name,
                    "how to read the game's memory: auto (by ROM header), demo, crystal, generic")
        ->check(CLI::IsMember({"auto", "demo", "crystal", "generic"}))
        ->capture_default_str();
    command
        .add_option("--variables", options.profile.variables,
                    "variables file (JSON) for the generic profile: docs/game-profiles.md")
        ->check(CLI::ExistingFile);
    command
        .add_option("--sym", options.profile.symbols,
                    "symbol file ('BB:AAAA name' lines) to resolve \"symbol\" entries")
        ->check(CLI::ExistingFile);
}

emu::Rom load_rom(const std::optional<std::filesystem::path>& rom) {
    if (rom) return emu::Rom::from_file(*rom);
    const auto embedded = demo_rom_bytes();
    if (embedded.empty()) {
        throw std::runtime_error(
            "this build has no embedded demo game (SDCC was not found when it was built): "
            "pass --rom PATH, or install the 'sdcc' package and rebuild");
    }
    return emu::Rom::from_bytes(embedded, "'embedded demo game'");
}

emu::MachineOptions machine_options(const SessionOptions& options) {
    emu::MachineOptions result;
    result.clock = options.rtc == "host" ? emu::Clock::kHost : emu::Clock::kEmulated;
    result.rtc_start = options.rtc_start;
    result.core = emu::core_from_name(options.core).value_or(emu::CoreKind::kNative);
    return result;
}

Session open_session(const SessionOptions& options, emu::Render render) {
    Session session;
    const auto rom = load_rom(options.rom);
    session.profile = game::make_profile(rom, options.profile);
    session.machine = emu::make_machine(rom, machine_options(options));
    // One-shot commands only read the battery save: they never write it back.
    if (options.battery && emu::BatteryFile::load_into(*session.machine, *options.battery)) {
        session.machine->reset();
    }
    if (options.state) session.machine->load_state_file(*options.state);
    if (options.inputs) {
        session.movie = emu::Movie::load(*options.inputs);
        session.machine->play(*session.movie, render);
    }
    session.machine->run_long(options.frames, emu::button::kNone, render);
    return session;
}

}  // namespace crl::app
