#include "agent/llm_tools.h"

#include <cctype>
#include <charconv>

namespace crl::agent {
namespace {

nlohmann::json function(const std::string& name, const std::string& description,
                        nlohmann::json properties, nlohmann::json required) {
    return {{"type", "function"},
            {"function",
             {{"name", name},
              {"description", description},
              {"parameters",
               {{"type", "object"}, {"properties", properties}, {"required", required}}}}}};
}

nlohmann::json integer(const std::string& description) {
    return {{"type", "integer"}, {"description", description}};
}

// Models send numbers as numbers, as "12" or as 12.0; all mean 12.
std::optional<int> as_int(const nlohmann::json& value) {
    if (value.is_number_integer()) return value.get<int>();
    if (value.is_number_float()) {
        const double number = value.get<double>();
        if (number == static_cast<double>(static_cast<int>(number)))
            return static_cast<int>(number);
        return std::nullopt;
    }
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        int number = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (error == std::errc() && end == text.data() + text.size()) return number;
    }
    return std::nullopt;
}

std::string lower(std::string text) {
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// The argument `name` as an int within [low, high]; the error names the argument.
std::variant<int, std::string> int_argument(const nlohmann::json& arguments,
                                            const std::string& name, int low, int high) {
    if (!arguments.contains(name)) return "missing argument '" + name + "'";
    const auto number = as_int(arguments[name]);
    if (!number) return "argument '" + name + "' must be an integer, not " + arguments[name].dump();
    if (*number < low || *number > high) {
        return "argument '" + name + "' = " + std::to_string(*number) + " is out of range " +
               std::to_string(low) + ".." + std::to_string(high);
    }
    return *number;
}

std::variant<ToolCommand, std::string> check_press(const nlohmann::json& arguments) {
    nlohmann::json buttons = arguments.value("buttons", nlohmann::json());
    if (buttons.is_string()) {  // "UP UP A" or "UP,UP,A"
        nlohmann::json split = nlohmann::json::array();
        std::string word;
        for (const char c : buttons.get<std::string>() + " ") {
            if (std::isalpha(static_cast<unsigned char>(c))) {
                word += c;
            } else if (!word.empty()) {
                split.push_back(word);
                word.clear();
            }
        }
        buttons = split;
    }
    if (!buttons.is_array() || buttons.empty()) {
        return "press needs 'buttons': a list of 1 to " + std::to_string(kMaxPressButtons) +
               " button names";
    }
    if (buttons.size() > kMaxPressButtons) {
        return "press takes at most " + std::to_string(kMaxPressButtons) + " buttons, not " +
               std::to_string(buttons.size()) + " (use navigate_to to walk far)";
    }
    PressTool press;
    for (const auto& button : buttons) {
        const auto action =
            button.is_string() ? env::action_from_text(button.get<std::string>()) : std::nullopt;
        if (!action) {
            return "unknown button " + button.dump() +
                   " (use A, B, START, SELECT, UP, DOWN, LEFT, RIGHT)";
        }
        press.buttons.push_back(*action);
    }
    return press;
}

std::variant<ToolCommand, std::string> check_navigate(const nlohmann::json& arguments) {
    NavigateTool navigate;
    if (arguments.contains("warp")) {
        const auto warp = int_argument(arguments, "warp", 0, kMaxCoordinate);
        if (const auto* error = std::get_if<std::string>(&warp)) return *error;
        navigate.warp = std::get<int>(warp);
        return navigate;
    }
    if (arguments.contains("exit")) {
        const auto exit = arguments["exit"].is_string() ? lower(arguments["exit"]) : "";
        if (exit != "north" && exit != "south" && exit != "west" && exit != "east") {
            return "argument 'exit' must be north, south, west or east, not " +
                   arguments["exit"].dump();
        }
        navigate.exit = exit;
        return navigate;
    }
    const auto x = int_argument(arguments, "x", 0, kMaxCoordinate);
    if (const auto* error = std::get_if<std::string>(&x))
        return *error + " (or give 'warp'/'exit')";
    const auto y = int_argument(arguments, "y", 0, kMaxCoordinate);
    if (const auto* error = std::get_if<std::string>(&y)) return *error;
    navigate.x = std::get<int>(x);
    navigate.y = std::get<int>(y);
    return navigate;
}

}  // namespace

nlohmann::json tool_schemas() {
    nlohmann::json buttons = {
        {"type", "array"},
        {"description", "1 to " + std::to_string(kMaxPressButtons) +
                            " buttons pressed one after another: A, B, START, SELECT, UP, DOWN, "
                            "LEFT, RIGHT"},
        {"items",
         {{"type", "string"},
          {"enum", {"A", "B", "START", "SELECT", "UP", "DOWN", "LEFT", "RIGHT"}}}}};
    return nlohmann::json::array(
        {function("press",
                  "Press a short sequence of buttons (menus, text, a few steps, facing someone).",
                  {{"buttons", buttons}}, {"buttons"}),
         function("navigate_to",
                  "Walk along a planned path to tile (x, y) of the current map, or to warp "
                  "number `warp` (a door, stairs), or out through the map's `exit` (north, south, "
                  "west, east). Give x and y, or warp, or exit.",
                  {{"x", integer("column, as in the minimap")},
                   {"y", integer("row, as in the minimap")},
                   {"warp", integer("a warp's number from the list of warps")},
                   {"exit",
                    {{"type", "string"},
                     {"enum", {"north", "south", "west", "east"}},
                     {"description", "a map connection from the list of exits"}}}},
                  nlohmann::json::array()),
         function("talk_to", "Walk up to a person from the list of people and talk to them.",
                  {{"person", integer("the person's number from the list of people")}}, {"person"}),
         function("write_note",
                  "Keep a short note for yourself (a plan, a fact learnt); the newest notes are "
                  "shown in every prompt.",
                  {{"text",
                    {{"type", "string"},
                     {"description", "at most " + std::to_string(kMaxNoteChars) + " characters"}}}},
                  {"text"})});
}

std::vector<ToolCall> read_tool_calls(const nlohmann::json& message) {
    std::vector<ToolCall> calls;
    auto read_one = [&calls](const nlohmann::json& entry) {
        if (!entry.is_object()) return;
        const nlohmann::json& function = entry.contains("function") ? entry["function"] : entry;
        if (!function.is_object() || !function.contains("name")) return;
        ToolCall call;
        call.name = function["name"].is_string() ? function["name"].get<std::string>() : "";
        if (entry.contains("id") && entry["id"].is_string()) call.id = entry["id"];
        nlohmann::json arguments =
            function.value("arguments", function.value("parameters", nlohmann::json()));
        if (arguments.is_string()) {
            const std::string text = arguments.get<std::string>();  // arguments is replaced
            arguments = text.empty() ? nlohmann::json::object()
                                     : nlohmann::json::parse(text, nullptr, false);
            if (arguments.is_discarded()) {
                call.error = "the arguments of " + call.name + " are not valid JSON: " + text;
                arguments = nlohmann::json::object();
            }
        } else if (arguments.is_null()) {
            arguments = nlohmann::json::object();
        }
        if (!arguments.is_object() && call.error.empty()) {
            call.error =
                "the arguments of " + call.name + " must be an object, not " + arguments.dump();
            arguments = nlohmann::json::object();
        }
        call.arguments = std::move(arguments);
        calls.push_back(std::move(call));
    };
    if (message.is_object() && message.contains("tool_calls") && message["tool_calls"].is_array()) {
        for (const auto& entry : message["tool_calls"])
            read_one(entry);
        return calls;
    }
    // A model without native tool calls may write the call as its whole content.
    if (message.is_object() && message.contains("content") && message["content"].is_string()) {
        const auto content =
            nlohmann::json::parse(message["content"].get<std::string>(), nullptr, false);
        if (content.is_object() && content.contains("name") &&
            (content.contains("arguments") || content.contains("parameters"))) {
            read_one(content);
        }
    }
    return calls;
}

std::variant<ToolCommand, std::string> check_tool_call(const ToolCall& call) {
    if (!call.error.empty()) return call.error;
    const auto& arguments = call.arguments;
    if (call.name == "press") return check_press(arguments);
    if (call.name == "navigate_to") return check_navigate(arguments);
    if (call.name == "talk_to") {
        const auto person = int_argument(arguments, "person", 0, kMaxCoordinate);
        if (const auto* error = std::get_if<std::string>(&person)) return *error;
        return TalkTool{std::get<int>(person)};
    }
    if (call.name == "write_note") {
        if (!arguments.contains("text") || !arguments["text"].is_string() ||
            arguments["text"].get<std::string>().empty()) {
            return std::string("write_note needs 'text': a non-empty string");
        }
        auto text = arguments["text"].get<std::string>();
        if (text.size() > kMaxNoteChars) text = text.substr(0, kMaxNoteChars);
        return NoteTool{std::move(text)};
    }
    return "unknown tool '" + call.name + "' (use press, navigate_to, talk_to, write_note)";
}

std::string describe(const ToolCommand& command) {
    struct Describe {
        std::string operator()(const PressTool& press) const {
            std::string text = "press(";
            for (std::size_t i = 0; i < press.buttons.size(); ++i)
                text += (i ? ", " : "") + env::to_string(press.buttons[i]);
            return text + ")";
        }
        std::string operator()(const NavigateTool& navigate) const {
            if (navigate.warp) return "navigate_to(warp " + std::to_string(*navigate.warp) + ")";
            if (!navigate.exit.empty()) return "navigate_to(exit " + navigate.exit + ")";
            return "navigate_to(" + std::to_string(navigate.x.value_or(0)) + ", " +
                   std::to_string(navigate.y.value_or(0)) + ")";
        }
        std::string operator()(const TalkTool& talk) const {
            return "talk_to(" + std::to_string(talk.person) + ")";
        }
        std::string operator()(const NoteTool& note) const {
            return "write_note(\"" + note.text + "\")";
        }
    };
    return std::visit(Describe{}, command);
}

}  // namespace crl::agent
