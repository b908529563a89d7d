#include "monitor/protocol.h"

#include <cstring>

namespace crl::monitor {

std::optional<FrameFormat> frame_format_from_text(const std::string& text) {
    if (text == "png") return FrameFormat::kPng;
    if (text == "indexed") return FrameFormat::kIndexed;
    if (text == "jpeg") return FrameFormat::kJpeg;
    return std::nullopt;
}

std::string to_string(FrameFormat format) {
    switch (format) {
        case FrameFormat::kIndexed:
            return "indexed";
        case FrameFormat::kJpeg:
            return "jpeg";
        case FrameFormat::kPng:
            break;
    }
    return "png";
}

std::string binary_frame(FrameFormat format, std::uint64_t frame_id, double timestamp,
                         const std::string& payload) {
    std::string message(kBinaryHeaderBytes, '\0');
    message[0] = 'C';
    message[1] = 'R';
    message[2] = static_cast<char>(kProtocolVersion);
    message[3] = static_cast<char>(format);
    const auto id = static_cast<std::uint32_t>(frame_id);
    for (int i = 0; i < 4; ++i)
        message[static_cast<std::size_t>(4 + i)] = static_cast<char>(id >> (8 * i));
    static_assert(sizeof(double) == 8);
    std::memcpy(message.data() + 8, &timestamp, 8);  // x86 and ARM are little-endian
    return message + payload;
}

std::string connection_message() {
    return nlohmann::json{{"type", "connection"},
                          {"status", "connected"},
                          {"message", "Connected to crystal-rl"},
                          {"version", kProtocolVersion}}
        .dump();
}

std::string screen_update(const std::string& png_base64, std::uint64_t frame_id, double timestamp,
                          bool placeholder) {
    nlohmann::json json = {{"type", "screen_update"},
                           {"timestamp", timestamp},
                           {"image_data", png_base64},
                           {"frame_id", frame_id}};
    if (placeholder) json["placeholder"] = true;
    return json.dump();
}

std::string stats_update(const nlohmann::json& stats, const nlohmann::json& game_state,
                         double timestamp) {
    return nlohmann::json{{"type", "stats_update"},
                          {"timestamp", timestamp},
                          {"stats", stats},
                          {"game_state", game_state}}
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string pong(double timestamp) {
    return nlohmann::json{{"type", "pong"}, {"timestamp", timestamp}}.dump();
}

std::string error_message(const std::string& message, const std::string& about) {
    nlohmann::json json = {{"type", "error"}, {"message", message}};
    if (!about.empty()) json["about"] = about;
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

template <class T>
std::optional<T> optional_field(const nlohmann::json& json, const char* key) {
    if (!json.contains(key) || json[key].is_null()) return std::nullopt;
    return json[key].get<T>();
}

}  // namespace

ClientMessage parse_client_message(const std::string& text) {
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded())
        return std::string("not JSON: send an object such as {\"type\": \"ping\"}");
    if (!json.is_object()) return std::string("expected a JSON object with a \"type\"");
    if (!json.contains("type")) return std::string("missing \"type\"");
    if (!json["type"].is_string()) return std::string("\"type\" must be a string");
    const auto type = json["type"].get<std::string>();
    try {
        if (type == "ping") return client::Ping{};
        if (type == "request_screen") return client::RequestScreen{};
        if (type == "request_stats") return client::RequestStats{};
        if (type == "hello" || type == "subscribe") {
            client::Hello hello;
            hello.binary = optional_field<bool>(json, "binary");
            if (const auto format = optional_field<std::string>(json, "format")) {
                hello.format = frame_format_from_text(*format);
                if (!hello.format)
                    return std::string("unknown format '" + *format + "' (png, indexed or jpeg)");
            }
            hello.fps = optional_field<double>(json, "fps");
            if (hello.fps && (*hello.fps <= 0 || *hello.fps > 60))
                return std::string("fps must be from 1 to 60");
            hello.decisions = optional_field<bool>(json, "decisions");
            hello.token = optional_field<std::string>(json, "token");
            return hello;
        }
        if (type == "control") {
            if (!json.contains("command") || !json["command"].is_string()) {
                return std::string(
                    "control needs a \"command\" (pause, resume, step, speed, agent, press, "
                    "save_state, load_state)");
            }
            return client::Control{json["command"].get<std::string>(),
                                   json.value("value", nlohmann::json()),
                                   optional_field<std::string>(json, "token"),
                                   optional_field<bool>(json, "overwrite").value_or(false)};
        }
    } catch (const nlohmann::json::exception& error) {
        return std::string("bad field in '" + type + "': " + error.what());
    }
    return std::string("unknown message type '" + type + "'");
}

}  // namespace crl::monitor
