// monitor/protocol.h — the wire protocol (docs/protocol.md). Version 1 keeps the original plan's
// JSON messages (connection, screen_update, stats_update, pong; request_screen, request_stats,
// ping) and adds hello/subscribe, control, decision events and binary frames.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

namespace crl::monitor {

inline constexpr int kProtocolVersion = 1;

enum class FrameFormat : std::uint8_t { kPng = 1, kIndexed = 2, kJpeg = 3 };
std::optional<FrameFormat> frame_format_from_text(const std::string& text);
std::string to_string(FrameFormat format);

// Binary frame messages: a 16-byte header, then the encoded picture.
//   0 'C' 'R'  2 version (1)  3 format  4 frame id (u32 LE)  8 timestamp (f64 LE, Unix seconds)
inline constexpr std::size_t kBinaryHeaderBytes = 16;
std::string binary_frame(FrameFormat format, std::uint64_t frame_id, double timestamp,
                         const std::string& payload);

std::string connection_message();
std::string screen_update(const std::string& png_base64, std::uint64_t frame_id, double timestamp,
                          bool placeholder);
std::string stats_update(const nlohmann::json& stats, const nlohmann::json& game_state,
                         double timestamp);
std::string pong(double timestamp);
std::string error_message(const std::string& message, const std::string& about = "");

// What a client may send, parsed; an error string when it is not acceptable.
namespace client {
struct Ping {};
struct RequestScreen {};
struct RequestStats {};
struct Hello {  // also "subscribe": only the fields present change
    std::optional<bool> binary;
    std::optional<FrameFormat> format;
    std::optional<double> fps;
    std::optional<bool> decisions;
    std::optional<std::string> token;
};
struct Control {
    std::string command;
    nlohmann::json value;
    std::optional<std::string> token;
    bool overwrite = false;  // save_state over an existing state
};
}  // namespace client
using ClientMessage = std::variant<client::Ping, client::RequestScreen, client::RequestStats,
                                   client::Hello, client::Control, std::string /* error */>;
ClientMessage parse_client_message(const std::string& text);

}  // namespace crl::monitor
