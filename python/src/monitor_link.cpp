#include "monitor_link.h"

#include <chrono>

namespace crl::python {
namespace {

constexpr std::size_t kRecentDecisions = 20;  // as many as the trainer shows

double steady_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
double unix_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

MonitorLink::MonitorLink(double publish_interval_seconds)
    : interval_(publish_interval_seconds), started_(steady_now()) {
    stats_.agent = "python";
}

void MonitorLink::after_reset(const env::Env& env) {
    if (stats_.total_actions > 0) ++stats_.episode;
    publish(env, true);
}

void MonitorLink::after_step(const env::Env& env, env::Action action,
                             const env::StepResult& result) {
    ++stats_.total_actions;
    stats_.total_reward += result.reward;
    stats_.last_action = env::to_string(action);
    stats_.last_reward = result.reward;
    stats_.frames = env.machine().frame_count();
    stats_.maps_visited = env.tracker().maps_visited();
    stats_.tiles_visited = env.tracker().tiles_visited();

    trainer::DecisionRecord record;
    record.step = stats_.total_actions;
    record.time = unix_now();
    record.agent = stats_.agent;
    record.action = stats_.last_action;
    record.source = "policy";
    record.reward = result.reward;
    record.breakdown = result.breakdown.to_json();
    record.map = result.state.map_id;
    record.x = result.state.x;
    record.y = result.state.y;
    recent_.push_back(std::move(record));
    if (recent_.size() > kRecentDecisions) recent_.pop_front();
    publish(env, false);
}

void MonitorLink::publish_late(const env::Env& env) {
    if (behind_.load(std::memory_order_acquire)) publish(env, true);
}

void MonitorLink::set_late_publisher(const void* owner, LatePublisher publish) {
    std::lock_guard lock(late_mutex_);
    late_owner_ = owner;
    late_publisher_ = std::move(publish);
}

void MonitorLink::clear_late_publisher(const void* owner) {
    std::lock_guard lock(late_mutex_);
    if (late_owner_ != owner) return;
    late_owner_ = nullptr;
    late_publisher_ = nullptr;
}

std::shared_ptr<const trainer::Snapshot> MonitorLink::latest() {
    if (behind_.load(std::memory_order_acquire)) {
        std::lock_guard lock(late_mutex_);
        if (late_publisher_) late_publisher_();
    }
    return mailbox_.latest();
}

void MonitorLink::publish(const env::Env& env, bool force) {
    const double now = steady_now();
    rate_.add(now, stats_.total_actions, stats_.frames);
    if (!force && now - last_publish_ < interval_) {
        behind_.store(true, std::memory_order_release);
        return;
    }
    behind_.store(false, std::memory_order_release);
    last_publish_ = now;
    auto snapshot = std::make_shared<trainer::Snapshot>();
    snapshot->frame_id = env.machine().frame_count();
    snapshot->timestamp = unix_now();
    snapshot->rgb = env.machine().frame_rgb();
    snapshot->state = env.state();
    stats_.uptime_seconds = now - started_;
    stats_.actions_per_second = rate_.actions_per_second();
    stats_.emulator_fps = rate_.frames_per_second();
    stats_.capture_active = watched();
    snapshot->stats = stats_;
    snapshot->recent_decisions.assign(recent_.begin(), recent_.end());
    mailbox_.publish(std::move(snapshot));
}

DashboardServer::DashboardServer(monitor::MonitorOptions options, std::shared_ptr<MonitorLink> link)
    : link_(std::move(link)) {
    monitor::check_options(options);
    monitor::MonitorHooks hooks;
    hooks.latest = [link = link_] { return link->latest(); };
    hooks.watchers = [link = link_](int watchers) { link->set_watchers(watchers); };
    hooks.agents = {"python"};
    monitor_ = std::make_unique<monitor::Monitor>(std::move(options), std::move(hooks));
    monitor_->start();
}

DashboardServer::~DashboardServer() {
    stop();
}

void DashboardServer::stop() {
    if (monitor_) monitor_->stop();
}

}  // namespace crl::python
