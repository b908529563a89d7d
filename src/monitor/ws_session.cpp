#include <spdlog/spdlog.h>

#include "storage/files.h"
#include "trainer/run_directory.h"

#include "monitor/monitor_internal.h"

namespace crl::monitor {
namespace {

std::optional<env::Action> action_value(const nlohmann::json& value) {
    return value.is_string() ? env::action_from_text(value.get<std::string>()) : std::nullopt;
}

}  // namespace

WsSession::WsSession(tcp::socket socket, Monitor::Shared* shared)
    : ws_(std::move(socket)), shared_(shared), ping_timer_(ws_.get_executor()) {
    // Bound what the kernel may hold for a viewer that stops reading.
    constexpr int kSendBufferBytes = 256 * 1024;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().set_option(
        asio::socket_base::send_buffer_size(kSendBufferBytes), ignored);
}

void WsSession::run(http::request<http::string_body> request) {
    ws_.read_message_max(shared_->options.max_message_bytes);
    ws_.auto_fragment(false);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
        response.set(http::field::server, "crystal-rl");
    }));
    // Beast's own timeout only for the handshake; our keep-alive pings handle idle peers.
    websocket::stream_base::timeout timeouts =
        websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = websocket::stream_base::none();
    ws_.set_option(timeouts);
    ws_.control_callback(
        [this](websocket::frame_type, beast::string_view) { last_heard_ = steady_now(); });
    const double now = steady_now();
    last_heard_ = now;
    tokens_ = 2 * shared_->options.messages_per_second;
    tokens_time_ = now;
    ws_.async_accept(request,
                     [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

void WsSession::on_accept(beast::error_code ec) {
    if (ec) {
        --shared_->clients;
        return;
    }
    {
        std::lock_guard lock(shared_->sessions_mutex);
        id_ = shared_->next_session++;
    }
    shared_->add_session(shared_from_this());
    authorized_ = false;
    may_steer_ = !shared_->steering_needs_token;
    queue_text(std::make_shared<const std::string>(connection_message()));
    queue_frame(shared_->refresh_frame(), true);
    queue_text(std::make_shared<const std::string>(shared_->stats_message()));
    keep_alive();
    read();
}

void WsSession::read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
        self->on_read(ec, bytes);
    });
}

void WsSession::fail() {
    if (closed_) return;
    closed_ = true;
    ping_timer_.cancel();
    shared_->remove_session(id_);
    --shared_->clients;
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
    if (ec) {
        // Beast has already answered protocol violations with the right close code (1002, 1007,
        // 1009); here the session just ends.
        fail();
        return;
    }
    last_heard_ = steady_now();
    ++shared_->messages_received;
    const bool text = ws_.got_text();
    const std::string message = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (!allow_message()) {
        queue_error(error_message(
            "too many messages: at most " +
                std::to_string(static_cast<int>(shared_->options.messages_per_second)) +
                " a second",
            "rate"));
    } else if (!text) {
        queue_error(error_message("binary messages are not accepted; send JSON text"));
    } else {
        handle(message);
    }
    read();
}

bool WsSession::allow_message() {
    const double now = steady_now();
    const double rate = shared_->options.messages_per_second;
    tokens_ = std::min(2 * rate, tokens_ + (now - tokens_time_) * rate);
    tokens_time_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
}

void WsSession::handle(const std::string& text) {
    const auto message = parse_client_message(text);
    std::visit(
        [&](const auto& parsed) {
            using T = std::decay_t<decltype(parsed)>;
            if constexpr (std::is_same_v<T, std::string>) {
                queue_error(error_message(parsed));
            } else if constexpr (std::is_same_v<T, client::Ping>) {
                queue_text(std::make_shared<const std::string>(pong(unix_now())));
            } else if constexpr (std::is_same_v<T, client::RequestScreen>) {
                queue_frame(shared_->refresh_frame(), true);
            } else if constexpr (std::is_same_v<T, client::RequestStats>) {
                queue_text(std::make_shared<const std::string>(shared_->stats_message()));
            } else if constexpr (std::is_same_v<T, client::Hello>) {
                if (parsed.binary) binary_ = *parsed.binary;
                if (parsed.format) format_ = *parsed.format;
                if (parsed.fps) fps_ = *parsed.fps;
                if (parsed.decisions) decisions_ = *parsed.decisions;
                if (parsed.token) authorized_ = token_matches(*parsed.token);
                nlohmann::json welcome = {{"type", "welcome"},
                                          {"version", kProtocolVersion},
                                          {"binary", binary_},
                                          {"format", to_string(format_)},
                                          {"fps", fps_ > 0 ? fps_ : shared_->options.stream_fps},
                                          {"decisions", decisions_},
                                          {"control", (authorized_ || may_steer_) &&
                                                          static_cast<bool>(shared_->hooks.post)},
                                          {"authorized", authorized_},
                                          {"agents", shared_->hooks.agents}};
                queue_text(std::make_shared<const std::string>(welcome.dump()));
                queue_frame(shared_->refresh_frame(), true);
            } else if constexpr (std::is_same_v<T, client::Control>) {
                handle_control(parsed);
            }
        },
        message);
}

bool WsSession::token_matches(const std::string& token) const {
    // Compared in full whatever the mismatch, so the time taken says nothing about the token.
    const auto& expected = shared_->options.control_token;
    unsigned difference = token.size() != expected.size();
    for (std::size_t i = 0; i < std::min(token.size(), expected.size()); ++i)
        difference |= static_cast<unsigned char>(token[i] ^ expected[i]);
    return difference == 0;
}

std::optional<std::string> WsSession::state_control(const client::Control& control,
                                                    std::optional<trainer::Command>& command) {
    const auto& folder = shared_->hooks.states_folder;
    if (folder.empty()) return "this server keeps no states";
    if (!control.value.is_string()) {
        return control.command + " needs a state name: letters, digits, '_' or '-', at most 64";
    }
    const auto name = control.value.get<std::string>();
    if (const auto problem = trainer::state_name_problem(name); !problem.empty()) {
        return control.command + " refused: " + problem;
    }
    const auto path = folder / (name + ".state");
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    if (control.command == "load_state") {
        if (!exists)
            return "load_state refused: there is no state '" + name + "' in the run's states";
        command = trainer::command::LoadState{path};
        return std::nullopt;
    }
    if (exists && !control.overwrite) {
        return "save_state refused: state '" + name +
               "' exists; send \"overwrite\": true to replace it";
    }
    std::filesystem::create_directories(folder, ec);
    if (ec) return "save_state refused: cannot create the states folder: " + ec.message();
    command = trainer::command::SaveState{path};
    return std::nullopt;
}

void WsSession::handle_control(const client::Control& control) {
    auto refuse = [&](const std::string& why) { queue_error(error_message(why, "control")); };
    const auto& name = control.command;
    const auto& value = control.value;
    if (name == "watch_env") {  // which training env is shown large: it changes no game
        if (!shared_->hooks.watch_env) return refuse("watch_env refused: not a training run");
        if (!value.is_number_integer() || value.get<int>() < 0)
            return refuse("watch_env needs an env number (0, 1, ...)");
        shared_->hooks.watch_env(value.get<int>());
        queue_text(std::make_shared<const std::string>(
            nlohmann::json{{"type", "control_ack"}, {"command", name}, {"value", value}}.dump()));
        return;
    }
    // Saving, loading, switching the agent and stopping change files or end the run: they always
    // need the control token. Steering (pause, step, speed, buttons) needs it unless the server
    // is on loopback without a token of the user's.
    const bool writes =
        name == "save_state" || name == "load_state" || name == "agent" || name == "stop";
    const bool token_ok = authorized_ || (control.token && token_matches(*control.token));
    if (!token_ok && (writes || !may_steer_)) {
        return refuse("control refused: '" + storage::printable(name) +
                      "' needs the control token (printed with the dashboard's address as "
                      "#token=...; send it in hello or with the control)");
    }
    if (!shared_->hooks.post) return refuse("control refused: nothing to control");
    std::optional<trainer::Command> command;
    if (name == "pause")
        command = trainer::command::Pause{};
    else if (name == "resume")
        command = trainer::command::Resume{};
    else if (name == "step")
        command = trainer::command::Step{};
    else if (name == "stop")
        command = trainer::command::Stop{};
    else if (name == "speed") {
        if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1000) {
            return refuse("speed needs a number from 0 (unthrottled) to 1000");
        }
        command = trainer::command::SetSpeed{value.get<double>()};
    } else if (name == "agent") {
        const auto& agents = shared_->hooks.agents;
        if (!value.is_string() ||
            std::find(agents.begin(), agents.end(), value.get<std::string>()) == agents.end()) {
            return refuse("agent needs one of the server's agents");
        }
        command = trainer::command::SwitchAgent{value.get<std::string>()};
    } else if (name == "press") {
        const auto action = action_value(value);
        if (!action)
            return refuse("press needs a button: A, B, START, SELECT, UP, DOWN, LEFT, RIGHT");
        command = trainer::command::Press{*action};
    } else if (name == "save_state" || name == "load_state") {
        // Only names, inside RUN/states: a browser must never pick a path on the server.
        if (const auto problem = state_control(control, command)) return refuse(*problem);
    } else {
        return refuse("unknown control command '" + storage::printable(name) + "'");
    }
    shared_->hooks.post(*command);
    queue_text(std::make_shared<const std::string>(
        nlohmann::json{{"type", "control_ack"}, {"command", name}, {"value", value}}.dump()));
}

void WsSession::send_text(std::shared_ptr<const std::string> message) {
    asio::post(ws_.get_executor(),
               [self = shared_from_this(), message = std::move(message)]() mutable {
                   self->queue_text(std::move(message));
               });
}

void WsSession::offer_decision(std::shared_ptr<const std::string> message) {
    asio::post(ws_.get_executor(),
               [self = shared_from_this(), message = std::move(message)]() mutable {
                   if (self->decisions_) self->queue_text(std::move(message));
               });
}

void WsSession::offer_frame(std::shared_ptr<const EncodedFrame> frame) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)] {
        self->queue_frame(frame, false);
    });
}

void WsSession::queue_error(const std::string& message) {
    ++shared_->errors_sent;
    queue_text(std::make_shared<const std::string>(message));
}

void WsSession::queue_text(std::shared_ptr<const std::string> message) {
    if (closed_) return;
    if (texts_.size() >= shared_->options.outbox_messages) {
        ++shared_->messages_dropped;  // a viewer that does not read loses old news, not memory
        texts_.pop_front();
    }
    texts_.push_back(std::move(message));
    write_next();
}

void WsSession::queue_frame(const std::shared_ptr<const EncodedFrame>& frame, bool forced) {
    if (closed_ || !frame) return;
    const double now = steady_now();
    if (!forced) {
        if (frame->frame_id() == last_frame_id_ && !frame->placeholder()) return;
        if (fps_ > 0 && now - last_frame_time_ < 1.0 / fps_ * 0.9) return;
    }
    last_frame_id_ = frame->frame_id();
    last_frame_time_ = now;
    if (frame_slot_) ++shared_->frames_replaced;
    frame_slot_ = binary_ ? frame->binary(format_) : frame->json();
    write_next();
}

void WsSession::write_next() {
    if (writing_ || closed_) return;
    std::shared_ptr<const std::string> next;
    bool binary = false;
    if (!texts_.empty()) {
        next = std::move(texts_.front());
        texts_.pop_front();
    } else if (frame_slot_) {
        next = std::move(frame_slot_);
        frame_slot_.reset();
        binary =
            binary_ && next->size() >= kBinaryHeaderBytes && (*next)[0] == 'C' && (*next)[1] == 'R';
        ++shared_->frames_sent;
    } else {
        return;
    }
    writing_ = true;
    writing_message_ = next;
    ws_.binary(binary);
    ws_.async_write(asio::buffer(*next),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        self->writing_message_.reset();
                        if (ec) return self->fail();
                        self->write_next();
                    });
}

// Every ping interval: a ping; a pong timeout later, if nothing at all came back since, the peer
// is gone and the connection is dropped.
void WsSession::keep_alive() {
    ping_timer_.expires_after(shared_->options.ping_interval);
    ping_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->closed_) return;
        self->ping_sent_ = steady_now();
        self->ws_.async_ping({}, [](beast::error_code) {});
        self->ping_timer_.expires_after(self->shared_->options.pong_timeout);
        self->ping_timer_.async_wait([self](beast::error_code wait_error) {
            if (wait_error || self->closed_) return;
            if (self->last_heard_ < self->ping_sent_) {
                beast::error_code ignored;
                beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both,
                                                                     ignored);
                beast::get_lowest_layer(self->ws_).socket().close(ignored);
                return self->fail();
            }
            self->keep_alive();
        });
    });
}

void WsSession::abort() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
        beast::error_code ignored;
        beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(self->ws_).socket().close(ignored);
        self->fail();
    });
}

void WsSession::close(websocket::close_code code) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code] {
        if (self->closed_) return;
        self->ws_.async_close(code, [self](beast::error_code) { self->fail(); });
    });
}

}  // namespace crl::monitor
