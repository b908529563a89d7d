// agent/screen_handling.h — what every scripted agent does on a screen that is not the map:
// presses through the intro, reads text on (A), answers yes/no prompts on purpose, gets through
// the naming screen with the default name, closes menus it did not mean to open (B), and in a
// battle fights (or runs when the lead is about to faint). It reads the screen's text the
// profile gives (GameState::extra["screen_text"]) when there is one; it never walks.
#pragma once

#include <optional>
#include <string>

#include "env/action.h"
#include "game/game_state.h"

namespace crl::agent {

struct ScreenPress {
    env::Action action;
    std::string why;
};

class ScreenHandler {
  public:
    // A press for this screen, or nullopt on the overworld map (the caller walks).
    std::optional<ScreenPress> handle(const game::GameState& state);

  private:
    ScreenPress title();
    ScreenPress text(const std::string& screen);
    ScreenPress menu(const std::string& screen);
    ScreenPress battle(const game::GameState& state, const std::string& screen);

    static constexpr int kPressesBeforeBackingOut = 80, kBackOutPresses = 6;
    std::uint64_t presses_ = 0;  // on the current kind of screen: for cycling
    int stuck_presses_ = 0;      // in a row, off the map and out of battle
    game::Screen last_screen_ = game::Screen::kUnknown;
    int naming_presses_ = 0;
};

// The screen text as one string (lines joined with '\n'); empty when the profile gives none.
std::string screen_text(const game::GameState& state);

}  // namespace crl::agent
