#include "env/env.h"

namespace crl::env {

Env::Env(std::unique_ptr<emu::Machine> machine, std::unique_ptr<game::Profile> profile,
         EnvOptions options)
    : machine_(std::move(machine)),
      profile_(std::move(profile)),
      options_(std::move(options)),
      tracker_(options_.rewards) {
    if (options_.hold_frames < 1 || options_.hold_frames > options_.frames_per_action) {
        throw std::invalid_argument("hold frames (" + std::to_string(options_.hold_frames) +
                                    ") must be from 1 to the frames per action (" +
                                    std::to_string(options_.frames_per_action) + ")");
    }
    state_ = read_state();
}

game::GameState Env::read_state() const {
    return profile_->read(game::MachineMemory(*machine_));
}

std::optional<game::MapView> Env::read_map() const {
    return profile_->read_map(game::MachineMemory(*machine_));
}

const game::GameState& Env::reset(const EpisodeStart& start) {
    machine_->reset();
    if (start.state) machine_->load_state(*start.state);
    inputs_ = start.movie ? *start.movie : emu::Movie();
    if (start.movie) machine_->play(*start.movie, render_, start.stop);
    episode_steps_ = 0;
    state_ = read_state();
    if (start.past_title) skip_title(start);
    tracker_.reset(state_);
    return state_;
}

void Env::skip_title(const EpisodeStart& start) {
    // From power-on the game first sets up its memory, and what a profile reads before that
    // means nothing (the demo game's zeroed flags read as "overworld"): wait for the title.
    const bool booting = !start.state && !start.movie;
    for (int wait = 0; booting && wait < kTitlePresses && state_.screen != game::Screen::kTitle &&
                       !start.stop.stop_requested();
         ++wait) {
        run_action(emu::button::kNone);
        state_ = read_state();
    }
    for (int press = 0; press < kTitlePresses && state_.screen == game::Screen::kTitle &&
                        !start.stop.stop_requested();
         ++press) {
        run_action(emu::button::kStart);
        state_ = read_state();
    }
}

void Env::restore(std::span<const std::uint8_t> machine_state, emu::Movie inputs) {
    machine_->load_state(machine_state);
    inputs_ = std::move(inputs);
    state_ = read_state();
    tracker_.reset(state_);
}

StepResult Env::step(Action action) {
    run_action(to_buttons(action));
    ++episode_steps_;

    StepResult result;
    result.state = read_state();
    result.breakdown = tracker_.update(state_, result.state, action);
    result.reward = result.breakdown.total;
    result.done = options_.max_steps > 0 && episode_steps_ >= options_.max_steps;
    state_ = result.state;
    return result;
}

void Env::run_action(emu::Buttons buttons) {
    const int rest = options_.frames_per_action - options_.hold_frames;
    if (frame_hook_) {
        for (int frame = 0; frame < options_.frames_per_action; ++frame) {
            machine_->run_frames(1, frame < options_.hold_frames ? buttons : emu::button::kNone,
                                 emu::Render::kAll);
            frame_hook_();
        }
    } else {
        machine_->run_frames(options_.hold_frames, buttons,
                             rest > 0 ? emu::Render::kNone : render_);
        if (rest > 0) machine_->run_frames(rest, emu::button::kNone, render_);
    }
    inputs_.append(buttons, static_cast<std::uint64_t>(options_.hold_frames));
    if (rest > 0) inputs_.append(emu::button::kNone, static_cast<std::uint64_t>(rest));
}

}  // namespace crl::env
