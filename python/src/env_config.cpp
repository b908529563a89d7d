#include "env_config.h"

#include <stdexcept>

#include "demo_rom.h"
#include "game/profile.h"

namespace crl::python {
namespace {

constexpr int kMaxFramesPerAction = 600;  // ten seconds of game time in one step
constexpr int kMaxRandomStartFrames = 100'000;

emu::Rom load_rom(const EnvConfig& config) {
    if (config.rom) return emu::Rom::from_file(*config.rom);
    if (config.game != "demo") {
        throw std::invalid_argument("game='" + config.game +
                                    "' needs rom=PATH (your own ROM; crystal-rl ships none)");
    }
    const auto embedded = demo_rom_bytes();
    if (embedded.empty()) {
        throw std::runtime_error(
            "this build has no embedded demo game (SDCC was missing when it was built): pass "
            "rom=PATH, or install the 'sdcc' package and rebuild");
    }
    return emu::Rom::from_bytes(embedded, "embedded demo game");
}

void check_ranges(const EnvConfig& config) {
    if (config.game != "demo" && config.game != "crystal" && config.game != "auto") {
        throw std::invalid_argument("game must be 'demo', 'crystal' or 'auto', not '" +
                                    config.game + "'");
    }
    if (!emu::core_from_name(config.core)) {
        throw std::invalid_argument("core must be 'mgba' or 'native', not '" + config.core + "'");
    }
    if (config.frames_per_action < 1 || config.frames_per_action > kMaxFramesPerAction) {
        throw std::invalid_argument("frames_per_action must be from 1 to " +
                                    std::to_string(kMaxFramesPerAction) + ", not " +
                                    std::to_string(config.frames_per_action));
    }
    if (config.hold_frames < 1 || config.hold_frames > config.frames_per_action) {
        throw std::invalid_argument("hold_frames must be from 1 to frames_per_action (" +
                                    std::to_string(config.frames_per_action) + "), not " +
                                    std::to_string(config.hold_frames));
    }
    if (config.random_start_frames < 0 || config.random_start_frames > kMaxRandomStartFrames) {
        throw std::invalid_argument("random_start_frames must be from 0 to " +
                                    std::to_string(kMaxRandomStartFrames) + ", not " +
                                    std::to_string(config.random_start_frames));
    }
}

emu::MachineOptions machine_options(const EnvConfig& config) {
    emu::MachineOptions machine;
    machine.core = emu::core_from_name(config.core).value_or(emu::CoreKind::kNative);
    machine.rtc_start = config.rtc_start;
    return machine;
}

}  // namespace

PreparedConfig prepare(EnvConfig config) {
    check_ranges(config);
    PreparedConfig prepared;
    prepared.rom = std::make_shared<const emu::Rom>(load_rom(config));
    if (config.inputs) prepared.start.movie = emu::Movie::load(*config.inputs);
    prepared.rewards = env::RewardConfig::defaults();
    if (config.rewards_json) {
        try {
            prepared.rewards =
                env::RewardConfig::parse(*config.rewards_json, config.rewards_source);
        } catch (const std::runtime_error& error) {
            throw std::invalid_argument(error.what());  // a bad value, as Python sees it
        }
    }
    if (config.state) {
        prepared.start.state = std::move(config.state);
        config.state.reset();
        // Refused here, once, with the loader's message, rather than at the first reset.
        auto probe = emu::make_machine(*prepared.rom, machine_options(config));
        probe->load_state(*prepared.start.state);
    }
    prepared.config = std::move(config);
    make_env(prepared);  // the profile must fit the ROM: fail now, not in a worker thread
    return prepared;
}

std::unique_ptr<env::Env> make_env(const PreparedConfig& prepared) {
    const auto& config = prepared.config;
    game::ProfileOptions profile;
    profile.name = config.game == "auto" ? "auto" : config.game;
    env::EnvOptions options;
    options.frames_per_action = config.frames_per_action;
    options.hold_frames = config.hold_frames;
    options.rewards = prepared.rewards;
    options.max_steps = config.max_episode_steps;
    auto env = std::make_unique<env::Env>(emu::make_machine(*prepared.rom, machine_options(config)),
                                          game::make_profile(*prepared.rom, profile), options);
    env->set_render(config.draw_screen ? emu::Render::kLast : emu::Render::kNone);
    return env;
}

}  // namespace crl::python
