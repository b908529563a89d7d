#include "env_slot.h"

namespace crl::python {

EnvSlot::EnvSlot(const PreparedConfig& config, std::uint64_t seed, bool observe)
    : start_(config.start),
      random_start_frames_(config.config.random_start_frames),
      draws_screen_(config.config.draw_screen),
      env_(make_env(config)),
      random_(seed) {
    if (observe) builder_.emplace();
}

EnvSlot::~EnvSlot() {
    attach(nullptr);
}

void EnvSlot::attach(std::shared_ptr<MonitorLink> link) {
    if (link_) link_->clear_late_publisher(this);
    link_ = std::move(link);
    if (!link_) return;
    link_->set_late_publisher(this, [this] {
        std::unique_lock held(mutex_, std::try_to_lock);
        if (held) link_->publish_late(*env_);  // else a step is running: it publishes
    });
}

void EnvSlot::reset(std::optional<std::uint64_t> seed, const SlotOutputs& out) {
    std::lock_guard held(mutex_);
    if (seed) random_.seed(*seed);
    begin_episode(out);
}

void EnvSlot::begin_episode(const SlotOutputs& out) {
    env_->reset(start_);
    if (random_start_frames_ > 0) {
        std::uniform_int_distribution<int> draw(0, random_start_frames_);
        const auto frames = static_cast<std::uint64_t>(draw(random_));
        env_->machine().run_long(frames, emu::button::kNone, env_->render());
        // The idle frames become part of the episode's start (state and inputs), so the rewards
        // start counting after them and the inputs still replay the episode exactly.
        auto inputs = env_->inputs();
        if (frames > 0) inputs.append(emu::button::kNone, frames);
        env_->restore(env_->machine().save_state(), std::move(inputs));
    }
    if (builder_) builder_->begin_episode(*env_, out.observation);
    breakdown_ = {};
    episode_return_ = 0;
    episode_over_ = false;
    *out.reward = 0;
    *out.terminated = false;
    *out.truncated = false;
    write_info(out);
    if (link_) link_->after_reset(*env_);
}

void EnvSlot::load_state(std::span<const std::uint8_t> state, const SlotOutputs& out) {
    std::lock_guard held(mutex_);
    env_->restore(state, emu::Movie());
    if (builder_) builder_->begin_episode(*env_, out.observation);
    breakdown_ = {};
    episode_return_ = 0;
    episode_over_ = false;
    write_info(out);
}

void EnvSlot::step(env::Action action, const SlotOutputs& out) {
    std::lock_guard held(mutex_);
    last_step_was_reset_ = episode_over_;
    if (episode_over_) {
        begin_episode(out);
        return;
    }
    if (link_ && !draws_screen_)
        env_->set_render(link_->watched() ? emu::Render::kLast : emu::Render::kNone);
    const auto result = env_->step(action);
    if (builder_) builder_->observe(*env_, out.observation);
    breakdown_ = result.breakdown;
    episode_return_ += result.reward;
    // Pokémon has no end the environment could know; an episode ends by its step limit.
    episode_over_ = result.done;
    *out.reward = result.reward;
    *out.terminated = false;
    *out.truncated = result.done;
    write_info(out);
    if (link_) link_->after_step(*env_, action, result);
}

void EnvSlot::write_info(const SlotOutputs& out) const {
    const auto& state = env_->state();
    int level_total = 0;
    for (const auto& member : state.party)
        level_total += member.level;
    *out.episode_return = episode_return_;
    out.numbers[0] = static_cast<std::int64_t>(env_->episode_steps());
    out.numbers[1] = state.map_id;
    out.numbers[2] = state.x;
    out.numbers[3] = state.y;
    out.numbers[4] = state.badges;
    out.numbers[5] = state.money;
    out.numbers[6] = level_total;
    out.numbers[7] = static_cast<std::int64_t>(env_->machine().frame_count());
}

}  // namespace crl::python
