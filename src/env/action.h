// env/action.h — what an agent may do in one step: one button, or nothing.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "emu/buttons.h"

namespace crl::env {

enum class Action { kNoop, kA, kB, kStart, kSelect, kUp, kDown, kLeft, kRight };
inline constexpr std::array kAllActions = {Action::kNoop,  Action::kA,      Action::kB,
                                           Action::kStart, Action::kSelect, Action::kUp,
                                           Action::kDown,  Action::kLeft,   Action::kRight};

std::string to_string(Action action);  // "A", "UP", "NOOP"
// Tolerant: any case, surrounding spaces and quotes, "NONE"/"WAIT" for NOOP, "SEL" for SELECT.
std::optional<Action> action_from_text(std::string_view text);
emu::Buttons to_buttons(Action action);

}  // namespace crl::env
