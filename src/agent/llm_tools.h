// agent/llm_tools.h — the tools a chat model may call: press, navigate_to, talk_to, write_note.
// Owns their schemas (Ollama and OpenAI share the function-calling shape) and reading and
// checking the model's calls. It executes nothing: the LLM agent turns a checked call into a plan.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "env/action.h"

namespace crl::agent {

inline constexpr std::size_t kMaxPressButtons = 8;  // a longer sequence is a plan, not a press
inline constexpr std::size_t kMaxNoteChars = 200;   // one note
inline constexpr int kMaxCoordinate = 255;          // the game's coordinates are bytes

struct PressTool {
    std::vector<env::Action> buttons;
};
struct NavigateTool {  // to a tile, to a warp by its number, or out through a map edge
    std::optional<int> x, y;
    std::optional<int> warp;
    std::string exit;  // north, south, west, east (empty otherwise)
};
struct TalkTool {
    int person = 0;  // the number the prompt lists the person under
};
struct NoteTool {
    std::string text;
};
using ToolCommand = std::variant<PressTool, NavigateTool, TalkTool, NoteTool>;

struct ToolCall {  // as the server sent it
    std::string name;
    nlohmann::json arguments = nlohmann::json::object();  // decoded when sent as a JSON string
    std::string id;
    std::string error;  // set when the call itself could not be read (e.g. arguments not JSON)
};

// The `tools` array for a chat request.
nlohmann::json tool_schemas();

// The calls in an assistant message: `message.tool_calls` of Ollama (arguments an object) or of
// an OpenAI-compatible server (arguments a JSON string); also a model that wrote one call as its
// content ({"name": "press", "arguments": {...}}). Empty when there are none.
std::vector<ToolCall> read_tool_calls(const nlohmann::json& message);

// A call checked against the schema: the command, or what is wrong with it in words the model can
// act on. Whether a target can be reached is decided later, when it is planned.
std::variant<ToolCommand, std::string> check_tool_call(const ToolCall& call);

// "press(UP, UP, A)", "navigate_to(12, 5)", "navigate_to(warp 2)", "talk_to(3)", "write_note(...)".
std::string describe(const ToolCommand& command);

}  // namespace crl::agent
