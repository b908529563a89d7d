#include "agent/llm_reply.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>

namespace crl::agent {
namespace {

std::string lower(std::string text) {
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// {"action": "...", "reasoning": "..."} with any key case; "button"/"move" and "reason"/"thought"
// are accepted too.
std::optional<ParsedReply> from_json(const nlohmann::json& json) {
    if (!json.is_object()) return std::nullopt;
    std::optional<env::Action> action;
    std::string reasoning;
    for (const auto& [key, value] : json.items()) {
        const auto name = lower(key);
        if ((name == "action" || name == "button" || name == "move") && value.is_string()) {
            action = env::action_from_text(value.get<std::string>());
        } else if ((name == "reasoning" || name == "reason" || name == "thought" ||
                    name == "why") &&
                   value.is_string()) {
            reasoning = value.get<std::string>();
        }
    }
    if (!action) return std::nullopt;
    return ParsedReply{*action, reasoning};
}

// The first balanced {...} in the text (models like to wrap JSON in prose or code fences).
std::optional<std::string> first_object(const std::string& text) {
    const auto open = text.find('{');
    if (open == std::string::npos) return std::nullopt;
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = open; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{') {
            ++depth;
        } else if (c == '}' && --depth == 0) {
            return text.substr(open, i - open + 1);
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<ParsedReply> parse_reply(const std::string& content) {
    if (auto json = nlohmann::json::parse(content, nullptr, false); !json.is_discarded()) {
        if (auto parsed = from_json(json)) return parsed;
    }
    if (const auto object = first_object(content)) {
        if (auto json = nlohmann::json::parse(*object, nullptr, false); !json.is_discarded()) {
            if (auto parsed = from_json(json)) return parsed;
        }
    }
    // A bare button name, possibly quoted or with a full stop.
    std::string word;
    for (const char c : content) {
        if (std::isalpha(static_cast<unsigned char>(c)))
            word += c;
        else if (!std::isspace(static_cast<unsigned char>(c)) && c != '"' && c != '\'' &&
                 c != '.' && c != '`')
            word += '#';
    }
    if (auto action = env::action_from_text(word); action && word.find('#') == std::string::npos) {
        return ParsedReply{*action, ""};
    }
    // Prose that names a button in capitals: "I will press UP to reach the door."
    static const std::regex kButton(R"(\b(UP|DOWN|LEFT|RIGHT|START|SELECT|A|B)\b)");
    std::smatch match;
    if (std::regex_search(content, match, kButton)) {
        return ParsedReply{*env::action_from_text(match[1].str()), content};
    }
    return std::nullopt;
}

}  // namespace crl::agent
