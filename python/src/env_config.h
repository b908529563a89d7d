// python/src/env_config.h — how the Python module describes an environment, and building the
// crl::env::Env it names. Owns only the translation from make()'s arguments to the C++ types;
// it never steps an environment or touches Python objects.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "env/env.h"

namespace crl::python {

struct EnvConfig {
    std::string game = "demo";  // demo (embedded unless rom), crystal (needs a ROM), auto
    std::string core = "native";  // the emulator: native (crystal-rl's own) or mgba (the reference)
    std::optional<std::filesystem::path> rom;
    std::optional<std::vector<std::uint8_t>> state;  // a crystal-rl save state to start from
    std::optional<std::filesystem::path> inputs;     // a movie played at each episode start
    int frames_per_action = 24;
    int hold_frames = 8;
    std::optional<std::string> rewards_json;  // RewardConfig keys; absent: the shipped defaults
    std::string rewards_source = "rewards";   // names the rewards in errors
    std::uint64_t max_episode_steps = 0;      // truncation; 0 = endless
    int random_start_frames = 0;  // idle frames drawn from [0, this] at each reset, by the seed
    bool draw_screen = true;      // draw each step's last frame (observed or rendered)
    std::int64_t rtc_start = emu::kDefaultRtcStart;
};

// Checks every value and reads every file once; throws std::invalid_argument or the loader's
// error (RomError, StateError, std::runtime_error naming the file).
struct PreparedConfig {
    EnvConfig config;
    std::shared_ptr<const emu::Rom> rom;
    env::EpisodeStart start;
    env::RewardConfig rewards;
};
PreparedConfig prepare(EnvConfig config);

std::unique_ptr<env::Env> make_env(const PreparedConfig& prepared);

}  // namespace crl::python
