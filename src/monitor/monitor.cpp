#include "monitor/monitor.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <random>

#include "emu/machine.h"
#include "image/frame_codecs.h"
#include "monitor/monitor_internal.h"

namespace crl::monitor {
namespace {

// Timers that read the newest snapshot and hand frames, stats and decisions to every viewer.
class Broadcaster : public std::enable_shared_from_this<Broadcaster> {
  public:
    explicit Broadcaster(Monitor::Shared* shared)
        : shared_(shared), screen_timer_(shared_->io), stats_timer_(shared_->io) {}

    void start() {
        screen_tick();
        stats_tick();
    }
    void cancel() {
        screen_timer_.cancel();
        stats_timer_.cancel();
    }

  private:
    void screen_tick() {
        if (shared_->stopping) return;
        const auto frame = shared_->refresh_frame();
        if (frame->frame_id() != last_frame_id_ || frame->placeholder() != last_placeholder_) {
            last_frame_id_ = frame->frame_id();
            last_placeholder_ = frame->placeholder();
            for (const auto& session : shared_->live_sessions())
                session->offer_frame(frame);
        }
        // A fixed rate: the next tick is due one period after the last one was, however long
        // encoding took.
        const double fps = std::clamp(shared_->options.stream_fps, 1.0, 60.0);
        const auto period = std::chrono::microseconds(static_cast<long>(1e6 / fps));
        const auto now = asio::steady_timer::clock_type::now();
        next_screen_ = next_screen_ + period < now ? now : next_screen_ + period;
        screen_timer_.expires_at(next_screen_);
        screen_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->screen_tick();
        });
    }

    void stats_tick() {
        if (shared_->stopping) return;
        const auto snapshot = shared_->hooks.latest ? shared_->hooks.latest() : nullptr;
        auto stats = std::make_shared<const std::string>(shared_->stats_message());
        std::vector<std::shared_ptr<const std::string>> decisions;
        if (snapshot) {
            for (const auto& record : snapshot->recent_decisions) {
                if (record.step <= last_decision_) continue;
                decisions.push_back(std::make_shared<const std::string>(
                    nlohmann::json{{"type", "decision"}, {"decision", record.to_json()}}.dump(
                        -1, ' ', false, nlohmann::json::error_handler_t::replace)));
                last_decision_ = record.step;
            }
        }
        for (const auto& session : shared_->live_sessions()) {
            session->send_text(stats);
            for (const auto& decision : decisions)
                session->offer_decision(decision);
        }
        stats_timer_.expires_after(std::chrono::milliseconds(
            static_cast<long>(shared_->options.stats_interval_seconds * 1000)));
        stats_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->stats_tick();
        });
    }

    Monitor::Shared* shared_;
    asio::steady_timer screen_timer_;
    asio::steady_timer stats_timer_;
    asio::steady_timer::time_point next_screen_ = asio::steady_timer::clock_type::now();
    std::uint64_t last_frame_id_ = ~0ull;
    bool last_placeholder_ = false;
    std::uint64_t last_decision_ = 0;
};

void accept_next(Monitor::Shared* shared) {
    shared->acceptor.async_accept(
        asio::make_strand(shared->io), [shared](beast::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || shared->stopping) return;
            if (!ec) {
                start_http_session(std::move(socket), shared);
                return accept_next(shared);
            }
            // Out of descriptors (EMFILE, ENFILE) or memory: accepting again at once would spin
            // on the same error. Wait a moment for connections to close.
            ++shared->accept_errors;
            constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);
            auto timer = std::make_shared<asio::steady_timer>(shared->io, kAcceptBackoff);
            timer->async_wait([shared, timer](beast::error_code wait_error) {
                if (!wait_error && !shared->stopping) accept_next(shared);
            });
        });
}

std::string random_token() {
    std::random_device source;  // the kernel's random numbers
    std::string token;
    char part[9];
    for (int i = 0; i < 4; ++i) {
        std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(source()));
        token += part;
    }
    return token;
}

// Half the descriptors the process may open, leaving the rest to viewers, files and SQLite.
int default_max_http_connections() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 512;
    return static_cast<int>(std::clamp<rlim_t>(limit.rlim_cur / 4, 4, 512));
}

bool is_loopback(const std::string& host) {
    beast::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    return host == "localhost" || (!ec && address.is_loopback());
}

}  // namespace

void check_options(const MonitorOptions& options) {
    if (!is_loopback(options.host) && options.control_token.empty()) {
        throw std::invalid_argument(
            "--host " + options.host +
            " lets other machines connect: give --control-token TOKEN so that only "
            "you can pause, step or steer the run");
    }
    if (options.stream_fps < 1 || options.stream_fps > 60) {
        throw std::invalid_argument("--stream-fps " + std::to_string(options.stream_fps) +
                                    ": use 1 to 60");
    }
}

Monitor::Shared::Shared(MonitorOptions options_in, MonitorHooks hooks_in)
    : options(std::move(options_in)), hooks(std::move(hooks_in)), acceptor(io) {
    auto image = image::placeholder_image();
    placeholder = std::make_shared<const EncodedFrame>(0, unix_now(), true, image.width,
                                                       image.height, std::move(image.rgb));
    frame = placeholder;
}

std::shared_ptr<const EncodedFrame> Monitor::Shared::refresh_frame() {
    const auto snapshot = hooks.latest ? hooks.latest() : nullptr;
    std::lock_guard lock(frame_mutex);
    if (!snapshot || snapshot->rgb.size() != emu::kFrameRgbBytes) {
        frame = placeholder;
    } else if (frame->placeholder() || frame->frame_id() != snapshot->frame_id) {
        frame = std::make_shared<const EncodedFrame>(snapshot->frame_id, snapshot->timestamp, false,
                                                     emu::kScreenWidth, emu::kScreenHeight,
                                                     snapshot->rgb);
        ++frames_encoded;
    }
    return frame;
}

std::string Monitor::Shared::stats_message() const {
    const auto snapshot = hooks.latest ? hooks.latest() : nullptr;
    if (!snapshot) {
        return stats_update({{"status", "no game running"}}, nlohmann::json::object(), unix_now());
    }
    return stats_update(snapshot->stats.to_json(), snapshot->state.to_json(), unix_now());
}

std::vector<std::shared_ptr<WsSession>> Monitor::Shared::live_sessions() {
    std::vector<std::shared_ptr<WsSession>> live;
    std::lock_guard lock(sessions_mutex);
    for (const auto& [id, weak] : sessions) {
        if (auto session = weak.lock()) live.push_back(std::move(session));
    }
    return live;
}

void Monitor::Shared::add_session(const std::shared_ptr<WsSession>& session) {
    std::size_t count = 0;
    {
        std::lock_guard lock(sessions_mutex);
        sessions[session->id()] = session;
        count = sessions.size();
    }
    if (hooks.watchers) hooks.watchers(static_cast<int>(count));
}

void Monitor::Shared::remove_session(std::uint64_t id) {
    std::size_t count = 0;
    {
        std::lock_guard lock(sessions_mutex);
        sessions.erase(id);
        count = sessions.size();
    }
    if (hooks.watchers) hooks.watchers(static_cast<int>(count));
}

Monitor::Monitor(MonitorOptions options, MonitorHooks hooks)
    : shared_(std::make_shared<Shared>(std::move(options), std::move(hooks))) {
    check_options(shared_->options);
    auto& acceptor = shared_->acceptor;
    const auto where = shared_->options.host + ":" + std::to_string(shared_->options.port);
    beast::error_code ec;
    tcp::resolver resolver(shared_->io);
    const auto results =
        resolver.resolve(shared_->options.host, std::to_string(shared_->options.port), ec);
    if (ec || results.empty())
        throw std::runtime_error("cannot listen on " + where + ": unknown host (" + ec.message() +
                                 ")");
    const tcp::endpoint endpoint = results.begin()->endpoint();
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        throw std::runtime_error("cannot listen on " + where + ": " + ec.message() +
                                 (ec == asio::error::address_in_use
                                      ? " (another crystal-rl or program uses port " +
                                            std::to_string(shared_->options.port) +
                                            ": stop it or choose --port)"
                                      : ""));
    }
    shared_->bound_port = acceptor.local_endpoint().port();

    auto& settings = shared_->options;
    shared_->steering_needs_token = !settings.control_token.empty() || !is_loopback(settings.host);
    if (settings.control_token.empty()) settings.control_token = random_token();
    shared_->max_http_connections = settings.max_http_connections > 0
                                        ? settings.max_http_connections
                                        : default_max_http_connections();
    const auto port = std::to_string(shared_->bound_port);
    for (const auto* host : {"127.0.0.1", "localhost", "[::1]"})
        shared_->allowed_origins.push_back(std::string("http://") + host + ":" + port);
    if (settings.host != "0.0.0.0" && settings.host != "::") {
        shared_->allowed_origins.push_back("http://" + settings.host + ":" + port);
    }
    for (const auto& origin : settings.allowed_origins)
        shared_->allowed_origins.push_back(origin);
}

Monitor::~Monitor() {
    stop();
}

void Monitor::start() {
    accept_next(shared_.get());
    auto broadcaster = std::make_shared<Broadcaster>(shared_.get());
    shared_->cancel_timers = [weak = std::weak_ptr<Broadcaster>(broadcaster)] {
        if (auto alive = weak.lock()) alive->cancel();
    };
    broadcaster->start();
    for (int i = 0; i < std::max(1, shared_->options.threads); ++i) {
        shared_->threads.emplace_back([shared = shared_.get()] { shared->io.run(); });
    }
}

void Monitor::stop() {
    if (shared_->stopping.exchange(true) || shared_->threads.empty()) return;
    auto* shared = shared_.get();
    asio::post(shared->io, [shared] {
        beast::error_code ec;
        shared->acceptor.close(ec);
        if (shared->cancel_timers) shared->cancel_timers();
        for (const auto& session : shared->live_sessions())
            session->close(websocket::close_code::going_away);
    });
    // A moment for the close handshakes; then whatever is left is cut off.
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    asio::post(shared->io, [shared] {
        for (const auto& session : shared->live_sessions())
            session->abort();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    shared->io.stop();
    for (auto& thread : shared->threads) {
        if (thread.joinable()) thread.join();
    }
    shared->threads.clear();
}

unsigned short Monitor::port() const {
    return shared_->bound_port;
}

std::string Monitor::url() const {
    return "http://" +
           (shared_->options.host == "0.0.0.0" ? std::string("127.0.0.1") : shared_->options.host) +
           ":" + std::to_string(port());
}

std::string Monitor::control_url() const {
    return url() + "/#token=" + shared_->options.control_token;
}

const std::string& Monitor::control_token() const {
    return shared_->options.control_token;
}

bool origin_allowed(const Monitor::Shared& shared, std::string_view origin) {
    if (origin.empty()) return true;  // not a browser page
    while (!origin.empty() && origin.back() == '/')
        origin.remove_suffix(1);
    const auto same = [](std::string_view a, std::string_view b) {
        return a.size() == b.size() &&
               std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                   return std::tolower(static_cast<unsigned char>(x)) ==
                          std::tolower(static_cast<unsigned char>(y));
               });
    };
    for (const auto& allowed : shared.allowed_origins) {
        if (same(origin, allowed)) return true;
    }
    return false;
}

nlohmann::json Monitor::counters() const {
    return {{"clients", shared_->clients.load()},
            {"frames_encoded", shared_->frames_encoded.load()},
            {"frames_sent", shared_->frames_sent.load()},
            {"frames_replaced", shared_->frames_replaced.load()},
            {"messages_received", shared_->messages_received.load()},
            {"messages_dropped", shared_->messages_dropped.load()},
            {"errors_sent", shared_->errors_sent.load()},
            {"origins_refused", shared_->origins_refused.load()},
            {"http_connections", shared_->http_connections.load()},
            {"http_refused", shared_->http_refused.load()},
            {"http_rejected", shared_->http_rejected.load()},
            {"accept_errors", shared_->accept_errors.load()}};
}

}  // namespace crl::monitor
