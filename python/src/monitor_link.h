// python/src/monitor_link.h — the web dashboard (src/monitor) for environments driven from
// Python. A MonitorLink is what an environment publishes to after its steps (a snapshot at most
// every publish interval, like the trainer's); a DashboardServer serves one link. The link
// never blocks a step: it swaps a pointer in a one-slot mailbox. Steps that came too soon to be
// published are published when the dashboard next looks, if the environment is idle then:
// a burst of steps that ends shows its end.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "env/env.h"
#include "monitor/monitor.h"
#include "trainer/snapshot.h"

namespace crl::python {

class MonitorLink {
  public:
    explicit MonitorLink(double publish_interval_seconds);

    // Called by the one thread stepping the watched environment at that moment, holding the
    // environment's lock (the one `late_publisher` takes).
    void after_reset(const env::Env& env);
    void after_step(const env::Env& env, env::Action action, const env::StepResult& result);
    // Publishes what came too soon to be: called by the dashboard's thread with the watched
    // environment, once it got hold of its lock without waiting.
    void publish_late(const env::Env& env);

    // How the dashboard's thread gets hold of the watched environment: `publish` tries its lock
    // and calls publish_late when it got it. Set by whoever attaches an environment (`owner`);
    // cleared by the same owner before it goes away.
    using LatePublisher = std::function<void()>;
    void set_late_publisher(const void* owner, LatePublisher publish);
    void clear_late_publisher(const void* owner);

    // The newest snapshot, after publishing what the watched environment has not yet.
    std::shared_ptr<const trainer::Snapshot> latest();
    void set_watchers(int watchers) { watchers_.store(watchers, std::memory_order_relaxed); }
    bool watched() const { return watchers_.load(std::memory_order_relaxed) > 0; }

  private:
    void publish(const env::Env& env, bool force);

    double interval_;
    double started_;
    double last_publish_ = -1;
    trainer::Stats stats_;
    trainer::RateMeter rate_;
    std::deque<trainer::DecisionRecord> recent_;
    trainer::SnapshotMailbox mailbox_;
    std::atomic<int> watchers_{0};
    std::atomic<bool> behind_{false};  // a step went unpublished
    std::mutex late_mutex_;            // guards the two below, held while publishing late
    const void* late_owner_ = nullptr;
    LatePublisher late_publisher_;
};

// The dashboard's server, reading one link.
class DashboardServer {
  public:
    DashboardServer(monitor::MonitorOptions options, std::shared_ptr<MonitorLink> link);
    ~DashboardServer();
    DashboardServer(const DashboardServer&) = delete;
    DashboardServer& operator=(const DashboardServer&) = delete;

    std::string url() const { return monitor_->url(); }
    unsigned short port() const { return monitor_->port(); }
    const std::shared_ptr<MonitorLink>& link() const { return link_; }
    void stop();

  private:
    std::shared_ptr<MonitorLink> link_;
    std::unique_ptr<monitor::Monitor> monitor_;
};

}  // namespace crl::python
