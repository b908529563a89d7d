// monitor/monitor_internal.h — what the monitor's parts share; not for use outside monitor/.
#pragma once

#include <utility>  // before Boost 1.74 Asio: its awaitable.hpp uses std::exchange

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <map>
#include <mutex>
#include <optional>

#include "monitor/monitor.h"
#include "monitor/protocol.h"

namespace crl::monitor {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

double unix_now();
double steady_now();

// One frame, encoded once, shared by every viewer. Binary forms are made on first request.
class EncodedFrame {
  public:
    EncodedFrame(std::uint64_t frame_id, double timestamp, bool placeholder, int width, int height,
                 std::vector<std::uint8_t> rgb);
    std::uint64_t frame_id() const { return frame_id_; }
    bool placeholder() const { return placeholder_; }
    const std::shared_ptr<const std::string>& json() const { return json_; }  // screen_update
    const std::string& png() const { return png_; }
    std::shared_ptr<const std::string> binary(FrameFormat format) const;

  private:
    std::uint64_t frame_id_;
    double timestamp_;
    bool placeholder_;
    int width_, height_;
    std::vector<std::uint8_t> rgb_;
    std::string png_;
    std::shared_ptr<const std::string> json_;
    mutable std::mutex mutex_;
    mutable std::map<FrameFormat, std::shared_ptr<const std::string>> binary_;
};

class WsSession;

struct Monitor::Shared {
    Shared(MonitorOptions options, MonitorHooks hooks);

    MonitorOptions options;
    MonitorHooks hooks;
    asio::io_context io;
    tcp::acceptor acceptor;
    unsigned short bound_port = 0;
    std::vector<std::thread> threads;
    double started = steady_now();

    std::mutex sessions_mutex;
    std::map<std::uint64_t, std::weak_ptr<WsSession>> sessions;
    std::uint64_t next_session = 1;
    std::atomic<int> clients{0};
    std::atomic<int> http_connections{0};
    int max_http_connections = 0;
    bool steering_needs_token = true;          // false on loopback without a user-given token
    std::vector<std::string> allowed_origins;  // the dashboard's own, then --allow-origin

    std::mutex frame_mutex;
    std::shared_ptr<const EncodedFrame> frame;  // the newest, or the placeholder
    std::shared_ptr<const EncodedFrame> placeholder;

    std::atomic<std::uint64_t> frames_encoded{0};
    std::atomic<std::uint64_t> frames_sent{0};
    std::atomic<std::uint64_t> frames_replaced{0};
    std::atomic<std::uint64_t> messages_received{0};
    std::atomic<std::uint64_t> errors_sent{0};
    std::atomic<std::uint64_t> messages_dropped{0};
    std::atomic<std::uint64_t> origins_refused{0};
    std::atomic<std::uint64_t> http_refused{0};   // over max_http_connections
    std::atomic<std::uint64_t> http_rejected{0};  // malformed or oversized requests (4xx)
    std::atomic<std::uint64_t> accept_errors{0};  // e.g. EMFILE: the accept loop backed off
    std::atomic<bool> stopping{false};
    std::function<void()> cancel_timers;

    // The newest snapshot's frame, encoded if it is new; the placeholder when no game runs.
    std::shared_ptr<const EncodedFrame> refresh_frame();
    std::string stats_message() const;
    std::vector<std::shared_ptr<WsSession>> live_sessions();
    void add_session(const std::shared_ptr<WsSession>& session);
    void remove_session(std::uint64_t id);
};

class WsSession : public std::enable_shared_from_this<WsSession> {
  public:
    // `shared` outlives every session: the monitor joins its threads before it goes.
    WsSession(tcp::socket socket, Monitor::Shared* shared);
    void run(http::request<http::string_body> request);

    // Any thread: queued on the session's strand.
    void send_text(std::shared_ptr<const std::string> message);
    void offer_frame(std::shared_ptr<const EncodedFrame> frame);
    void offer_decision(std::shared_ptr<const std::string> message);
    void close(websocket::close_code code);
    void abort();  // closes the socket at once (when the monitor stops)
    std::uint64_t id() const { return id_; }

  private:
    void on_accept(beast::error_code ec);
    void read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void handle(const std::string& text);
    void handle_control(const client::Control& control);
    bool token_matches(const std::string& token) const;
    // Checks a save_state/load_state request and makes its command; the refusal otherwise.
    std::optional<std::string> state_control(const client::Control& control,
                                             std::optional<trainer::Command>& command);
    void queue_text(std::shared_ptr<const std::string> message);
    void queue_error(const std::string& message);
    void queue_frame(const std::shared_ptr<const EncodedFrame>& frame, bool forced);
    void write_next();
    void keep_alive();
    void fail();
    bool allow_message();

    websocket::stream<beast::tcp_stream> ws_;
    Monitor::Shared* shared_;
    std::uint64_t id_ = 0;
    beast::flat_buffer buffer_;
    std::deque<std::shared_ptr<const std::string>> texts_;
    std::shared_ptr<const std::string> frame_slot_;  // newest frame not yet written
    std::shared_ptr<const std::string> writing_message_;
    bool writing_ = false;
    bool closed_ = false;

    bool binary_ = false;
    FrameFormat format_ = FrameFormat::kPng;
    double fps_ = 0;  // 0: the server's rate
    bool decisions_ = false;
    bool authorized_ = false;  // presented the control token
    bool may_steer_ = false;   // pause, resume, step, speed, press without the token
    std::uint64_t last_frame_id_ = ~0ull;
    double last_frame_time_ = 0;

    double tokens_ = 0;  // rate limit bucket
    double tokens_time_ = 0;

    asio::steady_timer ping_timer_;
    double last_heard_ = 0;
    double ping_sent_ = 0;
};

// Serves one HTTP connection; hands WebSocket upgrades to a WsSession. Over the connection cap
// it answers 503 at once and closes.
void start_http_session(tcp::socket socket, Monitor::Shared* shared);
// Whether a browser page from `origin` may open the WebSocket ("" = no Origin header: allowed).
bool origin_allowed(const Monitor::Shared& shared, std::string_view origin);

}  // namespace crl::monitor
