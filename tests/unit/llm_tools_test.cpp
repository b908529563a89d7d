// The LLM's tools: their schemas, reading both servers' tool calls, and checking the arguments.
#include <gtest/gtest.h>

#include "agent/llm_tools.h"

namespace crl::test {
namespace {

using agent::check_tool_call;
using agent::read_tool_calls;
using agent::ToolCommand;
using env::Action;
using nlohmann::json;

std::string error_of(const agent::ToolCall& call) {
    const auto checked = check_tool_call(call);
    const auto* error = std::get_if<std::string>(&checked);
    return error ? *error : "";
}

ToolCommand command_of(const agent::ToolCall& call) {
    const auto checked = check_tool_call(call);
    if (const auto* error = std::get_if<std::string>(&checked)) ADD_FAILURE() << *error;
    return std::get<ToolCommand>(checked);
}

TEST(LlmToolsTest, SchemasNameEveryToolWithItsParameters) {
    const auto tools = agent::tool_schemas();
    std::vector<std::string> names;
    for (const auto& tool : tools) {
        EXPECT_EQ(tool["type"], "function");
        EXPECT_EQ(tool["function"]["parameters"]["type"], "object");
        names.push_back(tool["function"]["name"]);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"press", "navigate_to", "talk_to", "write_note"}));
    EXPECT_TRUE(tools[0]["function"]["parameters"]["properties"].contains("buttons"));
    EXPECT_TRUE(tools[1]["function"]["parameters"]["properties"].contains("warp"));
}

TEST(LlmToolsTest, OllamaCallsCarryArgumentsAsAnObject) {
    const json message = {
        {"role", "assistant"},
        {"content", ""},
        {"tool_calls",
         {{{"function", {{"name", "navigate_to"}, {"arguments", {{"x", 4}, {"y", 7}}}}}}}}};
    const auto calls = read_tool_calls(message);
    ASSERT_EQ(calls.size(), 1u);
    const auto navigate = std::get<agent::NavigateTool>(command_of(calls[0]));
    EXPECT_EQ(navigate.x, 4);
    EXPECT_EQ(navigate.y, 7);
    EXPECT_EQ(agent::describe(command_of(calls[0])), "navigate_to(4, 7)");
}

TEST(LlmToolsTest, OpenAiCallsCarryArgumentsAsAJsonString) {
    const json message = {
        {"role", "assistant"},
        {"content", nullptr},
        {"tool_calls",
         {{{"id", "call_1"},
           {"type", "function"},
           {"function", {{"name", "press"}, {"arguments", R"({"buttons": ["up", "A"]})"}}}},
          {{"id", "call_2"},
           {"type", "function"},
           {"function", {{"name", "write_note"}, {"arguments", R"({"text": "Elm is south"})"}}}}}}};
    const auto calls = read_tool_calls(message);
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].id, "call_1");
    EXPECT_EQ(std::get<agent::PressTool>(command_of(calls[0])).buttons,
              (std::vector<Action>{Action::kUp, Action::kA}));
    EXPECT_EQ(std::get<agent::NoteTool>(command_of(calls[1])).text, "Elm is south");
}

TEST(LlmToolsTest, ACallWrittenAsContentIsReadToo) {
    const json message = {{"content", R"({"name": "talk_to", "arguments": {"person": "2"}})"}};
    const auto calls = read_tool_calls(message);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(std::get<agent::TalkTool>(command_of(calls[0])).person, 2);
    EXPECT_TRUE(read_tool_calls(json{{"content", R"({"action": "UP"})"}}).empty());
    EXPECT_TRUE(read_tool_calls(json{{"content", "UP"}}).empty());
}

TEST(LlmToolsTest, BadCallsSayWhatIsWrong) {
    const auto call = [](const std::string& name, json arguments) {
        return agent::ToolCall{name, std::move(arguments), "", ""};
    };
    EXPECT_NE(error_of(call("fly", json::object())).find("unknown tool 'fly'"), std::string::npos);
    EXPECT_NE(error_of(call("press", {{"buttons", {"UP", "JUMP"}}})).find("unknown button"),
              std::string::npos);
    EXPECT_NE(error_of(call("press", {{"buttons", json::array()}})).find("1 to 8"),
              std::string::npos);
    EXPECT_NE(error_of(call("press", {{"buttons", json(std::vector<std::string>(9, "A"))}}))
                  .find("at most 8"),
              std::string::npos);
    EXPECT_NE(error_of(call("navigate_to", {{"x", 3}})).find("missing argument 'y'"),
              std::string::npos);
    EXPECT_NE(error_of(call("navigate_to", {{"x", "three"}, {"y", 1}})).find("must be an integer"),
              std::string::npos);
    EXPECT_NE(error_of(call("navigate_to", {{"x", -1}, {"y", 1}})).find("out of range"),
              std::string::npos);
    EXPECT_NE(error_of(call("navigate_to", {{"exit", "up"}})).find("north, south"),
              std::string::npos);
    EXPECT_NE(error_of(call("talk_to", json::object())).find("missing argument 'person'"),
              std::string::npos);
    EXPECT_NE(error_of(call("write_note", {{"text", ""}})).find("non-empty"), std::string::npos);

    const json malformed = {
        {"tool_calls", {{{"function", {{"name", "press"}, {"arguments", "{buttons: [UP"}}}}}}};
    const auto calls = read_tool_calls(malformed);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_NE(error_of(calls[0]).find("not valid JSON"), std::string::npos);
}

TEST(LlmToolsTest, TolerantForms) {
    const auto call = [](const std::string& name, json arguments) {
        return agent::ToolCall{name, std::move(arguments), "", ""};
    };
    EXPECT_EQ(std::get<agent::PressTool>(command_of(call("press", {{"buttons", "UP, up A"}})))
                  .buttons.size(),
              3u);
    EXPECT_EQ(std::get<agent::NavigateTool>(command_of(call("navigate_to", {{"warp", 2.0}}))).warp,
              2);
    EXPECT_EQ(
        std::get<agent::NavigateTool>(command_of(call("navigate_to", {{"exit", "North"}}))).exit,
        "north");
    const auto note = std::get<agent::NoteTool>(
        command_of(call("write_note", {{"text", std::string(500, 'n')}})));
    EXPECT_EQ(note.text.size(), agent::kMaxNoteChars);
}

}  // namespace
}  // namespace crl::test
