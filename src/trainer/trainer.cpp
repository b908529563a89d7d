#include "trainer/trainer.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace crl::trainer {
namespace {

constexpr double kPublishInterval = 1.0 / 60;  // snapshots for viewers: at most the game's rate
constexpr std::size_t kRecentSteps = 16;
constexpr std::size_t kRecentDecisions = 20;

double steady_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
double unix_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

template <class... Handlers>
struct Overloaded : Handlers... {
    using Handlers::operator()...;
};

}  // namespace

Trainer::Trainer(env::Env& env, RunDirectory run, AgentFactory make_agent, TrainerOptions options,
                 ResumePoint resume)
    : env_(env),
      run_(std::move(run)),
      make_agent_(std::move(make_agent)),
      options_(std::move(options)) {
    log_ = std::make_unique<DecisionLog>(run_.decisions());
    // The log may run ahead of the last durable checkpoint: those rows belong to lost steps.
    if (resume.resumed) log_->delete_after(resume.total_actions);
    stats_.total_actions = resume.total_actions;
    stats_.total_reward = resume.total_reward;
    stats_.episode = resume.episode;
    stats_.speed = options_.speed;
    last_checkpoint_step_ = resume.total_actions;
    previous_checkpoint_step_ = resume.total_actions;
    resumed_ = resume.resumed;
    movie_bytes_ = resume.movie_bytes;
    use_agent(options_.agent);
}

Trainer::~Trainer() = default;

void Trainer::use_agent(const std::string& name) {
    agent_ = make_agent_(name);  // throws for an unknown name
    stats_.agent = name;
}

std::vector<std::string> Trainer::agent_names() {
    return {"explorer", "random", "human", "llm"};
}

void Trainer::run(std::stop_token stop) {
    started_ = steady_now();
    speed_epoch_ = started_;
    speed_epoch_frames_ = env_.machine().frame_count();
    if (!resumed_) {
        // A step-0 checkpoint: a run killed before its first interval can still be resumed.
        checkpoint();
        files_.flush();
    }
    publish(true);
    while (!stop.stop_requested() && !stop_requested_ && !options_.stop_after_start_movie) {
        while (auto command = commands_.take())
            apply(*command);
        if (stop_requested_) break;
        if (options_.max_actions > 0 && stats_.total_actions >= options_.max_actions) break;
        if (paused_ && !step_requested_) {
            publish(false);
            print_status(false);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        step_requested_ = false;
        step_once();
        if (!streaming_) throttle();
    }
    log_->flush();
    files_.write(run_.final_state(), env_.machine().save_state());
    checkpoint();
    files_.flush();
    publish(true);
    print_status(true);
}

agent::Decision Trainer::decide() {
    std::vector<std::uint8_t> screen;
    if (agent_->wants_screen()) screen = env_.machine().frame_rgb();
    std::optional<game::MapView> map;
    if (agent_->wants_map()) map = env_.read_map();
    const agent::Observation observation{
        env_.state(), stats_.total_actions, stats_.last_reward, recent_,
        screen,       map ? &*map : nullptr};
    if (human_.waiting() > 0) return human_.decide(observation);
    return agent_->decide(observation);
}

void Trainer::step_once() {
    // Draw every step for viewers; otherwise only now and then, for /api/screen.png.
    constexpr double kUnwatchedRedrawSeconds = 1.0;
    const double started_step = steady_now();
    const bool redraw =
        watchers_.load() > 0 || started_step - last_render_ >= kUnwatchedRedrawSeconds;
    if (redraw) last_render_ = started_step;
    env_.set_render(redraw ? emu::Render::kLast : emu::Render::kNone);
    // Watched at a human speed: every frame is drawn and published, and the pace kept per frame.
    streaming_ = stats_.speed > 0 && watchers_.load() > 0;
    if (streaming_) {
        env_.set_frame_hook([this] {
            publish(false);
            throttle();
        });
    } else {
        env_.set_frame_hook(nullptr);
    }
    const auto decision = decide();
    const auto result = env_.step(decision.action);

    ++stats_.total_actions;
    stats_.total_reward += result.reward;
    stats_.last_action = env::to_string(decision.action);
    stats_.last_reward = result.reward;
    stats_.frames = env_.machine().frame_count();
    stats_.maps_visited = env_.tracker().maps_visited();
    stats_.tiles_visited = env_.tracker().tiles_visited();

    for (const auto& milestone : milestones_.update(stats_.total_actions, result.state)) {
        log_->add_milestone(milestone.step, milestone.kind, milestone.detail);
        stats_.milestones.push_back(milestone.to_json());
    }

    recent_.push_back({decision.action, result.reward});
    if (recent_.size() > kRecentSteps) recent_.pop_front();

    DecisionRecord record;
    record.step = stats_.total_actions;
    record.time = unix_now();
    record.agent = decision.agent;
    record.action = stats_.last_action;
    record.source = decision.source;
    record.reasoning = decision.reasoning;
    record.latency_ms = decision.latency_ms;
    record.reward = result.reward;
    record.breakdown = result.breakdown.to_json();
    record.map = result.state.map_id;
    record.x = result.state.x;
    record.y = result.state.y;
    record.details = decision.details;
    recent_decisions_.push_back(record);
    if (recent_decisions_.size() > kRecentDecisions) recent_decisions_.pop_front();
    log_->append(std::move(record));

    if (options_.after_step) options_.after_step();
    const double now = steady_now();
    rate_.add(now, stats_.total_actions, stats_.frames);
    // A checkpoint waits while the previous one is still being written: the queue never grows
    // and never holds two of them, whatever the disk's speed (with --checkpoint-every 1 a slow
    // disk makes checkpoints as often as it can take them).
    if (options_.checkpoint_every > 0 &&
        stats_.total_actions - last_checkpoint_step_ >= options_.checkpoint_every &&
        files_.idle()) {
        checkpoint();
    }
    publish(false);
    print_status(false);
}

void Trainer::collect_agent_stats() {
    const auto agent_stats = agent_->stats();
    stats_.llm_calls = agent_stats.value("llm_calls", stats_.llm_calls);
    stats_.llm_errors = agent_stats.value("llm_errors", stats_.llm_errors);
    stats_.llm_fallbacks = agent_stats.value("llm_fallbacks", stats_.llm_fallbacks);
    stats_.llm_avg_time = agent_stats.value("llm_avg_time", stats_.llm_avg_time);
}

nlohmann::json Trainer::checkpoint() {
    collect_agent_stats();
    const auto step = stats_.total_actions;
    const auto state_path = run_.checkpoint_state(step);
    auto state = env_.machine().save_state();
    const auto state_sha1 = emu::sha1_hex(state);
    files_.write(state_path, std::move(state));
    // inputs.movie only grows: the inputs since the last checkpoint are appended, and then
    // forgotten here, so neither memory nor bytes written grow with the run's length.
    std::string movie_text = movie_bytes_ == 0 ? emu::Movie::kHeader : "";
    movie_text += env_.inputs().lines();
    env_.forget_written_inputs();
    movie_bytes_ += movie_text.size();
    if (!movie_text.empty()) files_.append(run_.inputs(), std::move(movie_text));
    nlohmann::json info = {{"step", step},
                           {"frame", env_.machine().frame_count()},
                           {"movie_frames", env_.inputs().total_frames()},
                           {"movie_bytes", movie_bytes_},
                           {"state", std::filesystem::relative(state_path, run_.root).string()},
                           {"state_sha1", state_sha1},
                           {"time", unix_now()},
                           {"stats", stats_.to_json()}};
    files_.write(run_.checkpoint_info(), info.dump(2));  // last: it names the files above
    if (step != last_checkpoint_step_) {
        if (previous_checkpoint_step_ != last_checkpoint_step_) {
            files_.remove(run_.checkpoint_state(previous_checkpoint_step_));  // keep the newest two
        }
        previous_checkpoint_step_ = last_checkpoint_step_;
        last_checkpoint_step_ = step;
    }
    return info;
}

void Trainer::apply(const Command& command) {
    std::visit(Overloaded{
                   [&](const command::Pause&) { paused_ = true; },
                   [&](const command::Resume&) {
                       paused_ = false;
                       speed_epoch_ = steady_now();
                       speed_epoch_frames_ = env_.machine().frame_count();
                   },
                   [&](const command::Step&) { step_requested_ = true; },
                   [&](const command::SetSpeed& set) {
                       stats_.speed = set.speed;
                       speed_epoch_ = steady_now();
                       speed_epoch_frames_ = env_.machine().frame_count();
                   },
                   [&](const command::SwitchAgent& change) {
                       try {
                           use_agent(change.name);
                       } catch (const std::exception& error) {
                           spdlog::error("cannot switch agent: {}", error.what());
                       }
                   },
                   [&](const command::Press& press) { human_.press(press.action); },
                   [&](const command::SaveState& save) {
                       files_.write(save.path, env_.machine().save_state());
                   },
                   [&](const command::LoadState& load) {
                       try {
                           env_.machine().load_state_file(load.path);
                           spdlog::warn(
                               "state '{}' loaded: inputs.movie no longer replays this run "
                               "from its start",
                               load.path.string());
                           speed_epoch_frames_ = env_.machine().frame_count();
                       } catch (const std::exception& error) {
                           spdlog::error("{}", error.what());
                       }
                   },
                   [&](const command::Stop&) { stop_requested_ = true; },
               },
               command);
}

void Trainer::publish(bool force) {
    const double now = steady_now();
    if (!force && now - last_publish_ < kPublishInterval) return;
    last_publish_ = now;
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->frame_id = env_.machine().frame_count();
    snapshot->timestamp = unix_now();
    snapshot->rgb = env_.machine().frame_rgb();
    snapshot->state = env_.state();
    if (auto map = env_.read_map()) snapshot->map = std::make_shared<const game::MapView>(*map);
    stats_.uptime_seconds = now - started_;
    stats_.actions_per_second = rate_.actions_per_second();
    stats_.emulator_fps = rate_.frames_per_second();
    stats_.queue_size = log_->queued();
    stats_.capture_active = watchers_.load() > 0;
    stats_.paused = paused_;
    collect_agent_stats();
    snapshot->stats = stats_;
    snapshot->recent_decisions.assign(recent_decisions_.begin(), recent_decisions_.end());
    mailbox_.publish(std::move(snapshot));
}

void Trainer::throttle() {
    if (stats_.speed <= 0) return;
    const double frames = static_cast<double>(env_.machine().frame_count() - speed_epoch_frames_);
    const double due = speed_epoch_ + frames / (emu::kFramesPerSecond * stats_.speed);
    const double now = steady_now();
    if (due - now > 0) {
        std::this_thread::sleep_for(std::chrono::duration<double>(due - now));
    } else if (now - due > 1.0) {  // fell far behind (a slow machine): don't rush to catch up
        speed_epoch_ = now;
        speed_epoch_frames_ = env_.machine().frame_count();
    }
}

void Trainer::print_status(bool final) {
    if (!options_.status_line) return;
    const double now = steady_now();
    if (!final && now - last_status_ < 1.0) return;
    last_status_ = now;
    const auto& state = env_.state();
    std::fprintf(stderr, "\r\033[K%llu actions | %.1f/s | reward %.2f | %s (%d,%d) | %s%s%s",
                 static_cast<unsigned long long>(stats_.total_actions), rate_.actions_per_second(),
                 stats_.total_reward,
                 state.map_name.empty() ? ("map " + std::to_string(state.map_id)).c_str()
                                        : state.map_name.c_str(),
                 state.x, state.y, stats_.agent.c_str(), paused_ ? " | paused" : "",
                 final ? "\n" : "");
    std::fflush(stderr);
}

}  // namespace crl::trainer
