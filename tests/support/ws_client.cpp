#include "support/ws_client.h"

#include <utility>  // before Boost 1.74 Asio: its awaitable.hpp uses std::exchange

#include <boost/asio.hpp>
#include <boost/beast.hpp>

namespace crl::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct WsClient::Impl {
    asio::io_context io;
    websocket::stream<beast::tcp_stream> ws{io};
    beast::flat_buffer buffer;
};

WsClient::WsClient(unsigned short port, const std::string& path, int receive_buffer_bytes,
                   const std::string& origin)
    : impl_(std::make_unique<Impl>()) {
    if (!origin.empty()) {
        impl_->ws.set_option(
            websocket::stream_base::decorator([origin](websocket::request_type& request) {
                request.set(http::field::origin, origin);
            }));
    }
    auto& stream = beast::get_lowest_layer(impl_->ws);
    stream.expires_after(std::chrono::seconds(10));
    if (receive_buffer_bytes > 0) {
        stream.socket().open(tcp::v4());
        stream.socket().set_option(asio::socket_base::receive_buffer_size(receive_buffer_bytes));
    }
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    impl_->ws.handshake("127.0.0.1:" + std::to_string(port), path);
    impl_->ws.read_message_max(16 * 1024 * 1024);
}

WsClient::~WsClient() = default;

void WsClient::send(const std::string& text) {
    beast::get_lowest_layer(impl_->ws).expires_after(std::chrono::seconds(10));
    impl_->ws.text(true);
    impl_->ws.write(asio::buffer(text));
}

void WsClient::send_binary(const std::string& bytes) {
    beast::get_lowest_layer(impl_->ws).expires_after(std::chrono::seconds(10));
    impl_->ws.binary(true);
    impl_->ws.write(asio::buffer(bytes));
}

std::optional<WsMessage> WsClient::read(std::chrono::milliseconds timeout) {
    auto& ws = impl_->ws;
    beast::get_lowest_layer(ws).expires_after(timeout);
    beast::error_code ec;
    ws.read(impl_->buffer, ec);
    if (ec == beast::error::timeout) return std::nullopt;
    if (ec) throw beast::system_error(ec);
    WsMessage message{ws.got_text(), beast::buffers_to_string(impl_->buffer.data())};
    impl_->buffer.consume(impl_->buffer.size());
    return message;
}

std::optional<nlohmann::json> WsClient::read_type(const std::string& type,
                                                  std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        const auto message = read(std::max(left, std::chrono::milliseconds(1)));
        if (!message) return std::nullopt;
        if (!message->text) continue;
        auto json = message->json();
        if (json.value("type", "") == type) return json;
    }
    return std::nullopt;
}

int WsClient::close_code() const {
    const auto reason = impl_->ws.reason();
    return reason.code == websocket::close_code::none ? -1 : static_cast<int>(reason.code);
}

void WsClient::close() {
    beast::error_code ignored;
    impl_->ws.close(websocket::close_code::normal, ignored);
}

HttpResult http_get(unsigned short port, const std::string& target, const std::string& method,
                    bool websocket_upgrade) {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (websocket_upgrade) {
        request +=
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            "dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n";
    } else {
        request += "Connection: close\r\n";
    }
    request += "\r\n";
    asio::write(stream, asio::buffer(request));
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    return {static_cast<int>(response.result_int()),
            std::string(response[http::field::content_type]), response.body()};
}

HttpResult http_raw(unsigned short port, const std::string& request) {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    beast::error_code ec;
    asio::write(stream, asio::buffer(request), ec);  // the server may answer before it all goes
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1024 * 1024);
    http::read(stream, buffer, parser, ec);
    if (!parser.is_header_done()) return {};
    const auto& response = parser.get();
    return {static_cast<int>(response.result_int()),
            std::string(response[http::field::content_type]), response.body()};
}

}  // namespace crl::test
