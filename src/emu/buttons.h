// emu/buttons.h — the eight Game Boy buttons as a bit mask, and their names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crl::emu {

using Buttons = std::uint8_t;  // one bit per button, in the joypad's own order

namespace button {
inline constexpr Buttons kNone = 0;
inline constexpr Buttons kA = 1 << 0;
inline constexpr Buttons kB = 1 << 1;
inline constexpr Buttons kSelect = 1 << 2;
inline constexpr Buttons kStart = 1 << 3;
inline constexpr Buttons kRight = 1 << 4;
inline constexpr Buttons kLeft = 1 << 5;
inline constexpr Buttons kUp = 1 << 6;
inline constexpr Buttons kDown = 1 << 7;
}  // namespace button

// "A", "START", ... for one bit; nullopt for an unknown name. Case-insensitive.
std::optional<Buttons> button_from_name(std::string_view name);
// "-" for none, else names joined with '+' in joypad order: "A+UP".
std::string buttons_to_text(Buttons buttons);
// Parses what buttons_to_text writes; nullopt if any name is unknown.
std::optional<Buttons> buttons_from_text(std::string_view text);

}  // namespace crl::emu
