// A real WebSocket (and HTTP) client for tests, on Boost.Beast, synchronous with timeouts.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace crl::test {

struct WsMessage {
    bool text = true;
    std::string data;
    nlohmann::json json() const { return nlohmann::json::parse(data); }
};

class WsClient {
  public:
    // Connects and completes the handshake; throws on failure.
    // receive_buffer_bytes > 0 shrinks the socket's receive buffer (for a viewer that stalls).
    // A non-empty `origin` is sent as the Origin header, as a browser page would.
    explicit WsClient(unsigned short port, const std::string& path = "/ws",
                      int receive_buffer_bytes = 0, const std::string& origin = "");
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    void send(const std::string& text);
    void send_binary(const std::string& bytes);
    // nullopt on timeout; throws on a closed or broken connection. After a timeout the stream
    // is unusable (Beast closes it), so tests use timeouts only to end a read loop.
    std::optional<WsMessage> read(
        std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
    // The next message of this JSON type, skipping others.
    std::optional<nlohmann::json> read_type(
        const std::string& type,
        std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
    // After the server closed: its close code (1009, 1002 ...), or -1.
    int close_code() const;
    void close();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct HttpResult {
    int status = 0;
    std::string content_type;
    std::string body;
};
// A raw request line, sent as given (no normalisation), over a fresh connection.
HttpResult http_get(unsigned short port, const std::string& target,
                    const std::string& method = "GET", bool websocket_upgrade = false);
// Sends `request` byte for byte and reads one response; status 0 if the server closed the
// connection without one.
HttpResult http_raw(unsigned short port, const std::string& request);

}  // namespace crl::test
