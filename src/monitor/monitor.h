// monitor/monitor.h — the web monitor: one port for the dashboard (/), the WebSocket (/ws), the
// JSON API (/api/*), /health and /metrics (Boost.Beast). It reads the trainer's newest snapshot
// on its own timers, encodes each new frame once and hands the same buffer to every viewer.
// Each viewer has its own strand and a bounded outbox where a newer frame replaces an unsent
// one, so a slow viewer never slows the others or the emulator. It runs no game logic.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "trainer/commands.h"
#include "trainer/snapshot.h"

namespace crl::monitor {

struct MonitorOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 8080;  // 0: any free port
    double stream_fps = 10;      // screen pushes a second (at most 60)
    double stats_interval_seconds = 1;
    std::size_t max_message_bytes = 64 * 1024;
    int max_clients = 256;
    double messages_per_second = 50;  // per client, with bursts of twice that
    // Controls that write or end things (save_state, load_state, stop, agent) always need this
    // token; given by the user, every control needs it. Empty: a random one is made at start.
    std::string control_token;
    // Pages that may open the WebSocket besides the dashboard's own origin (browsers send
    // "Origin"; clients that send none, such as scripts, are accepted): "http://host:port".
    std::vector<std::string> allowed_origins;
    int max_http_connections = 0;  // HTTP connections at once; 0: sized to the file limit
    std::chrono::milliseconds ping_interval{30'000};
    std::chrono::milliseconds pong_timeout{10'000};
    std::size_t outbox_messages = 64;  // text messages queued per viewer before dropping
    int threads = 1;
};

struct MonitorHooks {
    std::function<std::shared_ptr<const trainer::Snapshot>()> latest;  // may return null: no game
    std::function<void(trainer::Command)> post;                        // empty: no controls
    std::function<nlohmann::json(int limit)> decisions;                // newest first
    std::function<void(int)> watchers;                                 // viewers of the screen
    std::vector<std::string> agents;                                   // for the dashboard
    std::filesystem::path states_folder;  // save_state/load_state names live here; empty: none
    // A training run (rl/training_view.h): /api/training (with_maps adds the maps' grids;
    // curve_after: only the curve's updates after that one), its /metrics lines, and the
    // "watch_env" control (the env whose screen and stats are shown). Empty: not a training run.
    std::function<nlohmann::json(bool with_maps, std::optional<std::uint64_t> curve_after)>
        training;
    std::function<std::string()> training_metrics;
    std::function<void(int)> watch_env;
};

class Monitor {
  public:
    // Binds at once: a port in use is an error naming it.
    Monitor(MonitorOptions options, MonitorHooks hooks);
    ~Monitor();
    Monitor(const Monitor&) = delete;
    Monitor& operator=(const Monitor&) = delete;

    void start();
    void stop();  // closes every connection
    unsigned short port() const;
    std::string url() const;
    // The dashboard's address with the control token in its fragment (#token=...): a browser
    // never sends a fragment to a server, and the page reads it to unlock the controls.
    std::string control_url() const;
    const std::string& control_token() const;
    nlohmann::json counters() const;  // clients, frames encoded/sent/replaced, messages, errors

    struct Shared;

  private:
    std::shared_ptr<Shared> shared_;
};

// Rejects settings that would expose controls: a non-loopback host needs a control token.
void check_options(const MonitorOptions& options);

}  // namespace crl::monitor
