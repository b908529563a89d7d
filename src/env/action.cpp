#include "env/action.h"

#include <cctype>

namespace crl::env {

std::string to_string(Action action) {
    switch (action) {
        case Action::kA:
            return "A";
        case Action::kB:
            return "B";
        case Action::kStart:
            return "START";
        case Action::kSelect:
            return "SELECT";
        case Action::kUp:
            return "UP";
        case Action::kDown:
            return "DOWN";
        case Action::kLeft:
            return "LEFT";
        case Action::kRight:
            return "RIGHT";
        case Action::kNoop:
            break;
    }
    return "NOOP";
}

std::optional<Action> action_from_text(std::string_view text) {
    std::string word;
    for (const char c : text) {
        if (std::isalpha(static_cast<unsigned char>(c))) {
            word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        } else if (!word.empty() && c != '_' && c != '-') {
            break;
        }
    }
    for (const auto action : kAllActions) {
        if (word == to_string(action)) return action;
    }
    if (word == "NONE" || word == "WAIT" || word == "NOTHING") return Action::kNoop;
    if (word == "SEL") return Action::kSelect;
    return std::nullopt;
}

emu::Buttons to_buttons(Action action) {
    namespace button = emu::button;
    switch (action) {
        case Action::kA:
            return button::kA;
        case Action::kB:
            return button::kB;
        case Action::kStart:
            return button::kStart;
        case Action::kSelect:
            return button::kSelect;
        case Action::kUp:
            return button::kUp;
        case Action::kDown:
            return button::kDown;
        case Action::kLeft:
            return button::kLeft;
        case Action::kRight:
            return button::kRight;
        case Action::kNoop:
            break;
    }
    return button::kNone;
}

}  // namespace crl::env
