// env/env.h — one environment: a machine, the game's profile and the rewards. reset() starts an
// episode (power-on, a state, a movie); step() presses one button for a step of frames and
// returns the reward, its breakdown and the new game state. It records every input, so a run
// can be replayed exactly. It never touches the network or the disk.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "emu/machine.h"
#include "emu/movie.h"
#include "env/action.h"
#include "env/reward.h"
#include "game/profile.h"

namespace crl::env {

struct EnvOptions {
    int frames_per_action = 24;  // one step
    int hold_frames = 8;         // the button is held for these, then released
    RewardConfig rewards = RewardConfig::defaults();
    std::uint64_t max_steps = 0;  // steps per episode; 0 = endless
};

inline constexpr int kTitlePresses = 50;

struct EpisodeStart {
    std::optional<std::vector<std::uint8_t>> state;  // else power-on
    std::optional<emu::Movie> movie;                 // played after the state
    // Then, while the game says it shows its title screen, START is pressed (as a step does:
    // held, then released), at most kTitlePresses times; the presses join the episode's movie.
    // From power-on (no state, no movie) it first waits, as long, for the title to show.
    // PyBoy's game wrappers start their games the same way.
    bool past_title = false;
    std::stop_token stop;  // a stop request cuts the movie short (reset() returns at once)
};

struct StepResult {
    double reward = 0;
    RewardBreakdown breakdown;
    bool done = false;
    game::GameState state;
};

class Env {
  public:
    Env(std::unique_ptr<emu::Machine> machine, std::unique_ptr<game::Profile> profile,
        EnvOptions options = {});

    const game::GameState& reset(const EpisodeStart& start = {});
    StepResult step(Action action);

    // kNone while nobody watches the screen, kLast when someone does.
    void set_render(emu::Render render) { render_ = render; }
    // Called after every frame of a step, each frame drawn (a watched, real-time run streams
    // its frames from here); empty: frames run in batches.
    void set_frame_hook(std::function<void()> hook) { frame_hook_ = std::move(hook); }
    emu::Render render() const { return render_; }

    emu::Machine& machine() { return *machine_; }
    const emu::Machine& machine() const { return *machine_; }
    const game::Profile& profile() const { return *profile_; }
    const game::GameState& state() const { return state_; }
    const RewardTracker& tracker() const { return tracker_; }
    const EnvOptions& options() const { return options_; }
    std::uint64_t episode_steps() const { return episode_steps_; }
    // Every frame's buttons since the episode's start (after its state), movie included.
    const emu::Movie& inputs() const { return inputs_; }
    // The caller has written inputs() out: keep counting frames but drop the segments, so a
    // long run's memory stays flat.
    void forget_written_inputs() { inputs_.forget_segments(); }
    // Restores a checkpoint mid-episode: the machine state and the inputs that led to it.
    void restore(std::span<const std::uint8_t> machine_state, emu::Movie inputs);

    game::GameState read_state() const;
    // The current map through the profile (game/map_view.h); nullopt when it cannot say.
    std::optional<game::MapView> read_map() const;

  private:
    void run_action(emu::Buttons buttons);  // one step's frames: held, then released
    void skip_title(const EpisodeStart& start);

    std::unique_ptr<emu::Machine> machine_;
    std::unique_ptr<game::Profile> profile_;
    EnvOptions options_;
    RewardTracker tracker_;
    game::GameState state_;
    emu::Movie inputs_;
    emu::Render render_ = emu::Render::kLast;
    std::function<void()> frame_hook_;
    std::uint64_t episode_steps_ = 0;
};

}  // namespace crl::env
