#include "agent/screen_handling.h"

namespace crl::agent {
namespace {

using env::Action;

bool has(const std::string& text, const char* what) {
    return text.find(what) != std::string::npos;
}

// A YES/NO box: both words at the start of their own lines (after the cursor or a space).
bool yes_no_prompt(const std::string& screen) {
    return (has(screen, ">YES") || has(screen, " YES")) &&
           (has(screen, ">NO") || has(screen, " NO"));
}

bool naming_screen(const std::string& screen) {
    return has(screen, "A B C D E F G H I") || has(screen, "NAME?") || has(screen, "lower");
}

bool start_menu(const std::string& screen) {
    return has(screen, "OPTION") && has(screen, "EXIT") &&
           (has(screen, "PACK") || has(screen, "SAVE"));
}

// The battle's main menu: FIGHT, PKMN, PACK, RUN.
bool battle_menu(const std::string& screen) {
    return has(screen, "FIGHT") && has(screen, "RUN");
}

}  // namespace

std::string screen_text(const game::GameState& state) {
    const auto it = state.extra.find("screen_text");
    if (it == state.extra.end() || !it->is_array()) return {};
    std::string text;
    for (const auto& line : *it) {
        if (line.is_string()) text += line.get<std::string>() + '\n';
    }
    return text;
}

std::optional<ScreenPress> ScreenHandler::handle(const game::GameState& state) {
    using game::Screen;
    if (state.screen != last_screen_) {
        presses_ = 0;
        last_screen_ = state.screen;
    }
    ++presses_;
    const auto screen = screen_text(state);
    if (!naming_screen(screen)) naming_presses_ = 0;
    switch (state.screen) {
        case Screen::kTitle:
            return naming_screen(screen) ? menu(screen) : title();
        case Screen::kText:
            return text(screen);
        case Screen::kMenu:
            return menu(screen);
        case Screen::kBattle:
            return battle(state, screen);
        case Screen::kOverworld:
            // A menu drawn over the map that the game's flags do not report.
            if (start_menu(screen)) return ScreenPress{Action::kB, "close the START menu"};
            return std::nullopt;
        case Screen::kUnknown:
            break;
    }
    return std::nullopt;
}

ScreenPress ScreenHandler::title() {
    return presses_ % 2 ? ScreenPress{Action::kStart, "intro: press on"}
                        : ScreenPress{Action::kA, "intro: press on"};
}

ScreenPress ScreenHandler::text(const std::string& screen) {
    if (yes_no_prompt(screen)) {
        // A nickname would open the naming screen; everything else the game asks (take this
        // Pokémon, heal, go on) wants YES.
        if (has(screen, "NICKNAME") || has(screen, "nickname"))
            return {Action::kB, "no nickname, thanks"};
        return {Action::kA, "answer YES"};
    }
    if (naming_screen(screen)) return menu(screen);
    return {Action::kA, "text: read on"};
}

ScreenPress ScreenHandler::menu(const std::string& screen) {
    if (naming_screen(screen)) {
        // START jumps to END, A takes it: the game fills in the default name.
        return ++naming_presses_ % 2 ? ScreenPress{Action::kStart, "naming screen: to END"}
                                     : ScreenPress{Action::kA, "naming screen: default name"};
    }
    if (yes_no_prompt(screen)) return text(screen);
    if (start_menu(screen)) return {Action::kB, "close the START menu"};
    // A script is running or a menu we did not choose is open: mostly read on, now and then
    // back out (A alone loops forever on PACK -> CANCEL).
    return presses_ % 4 == 0 ? ScreenPress{Action::kB, "menu: back out"}
                             : ScreenPress{Action::kA, "script: read on"};
}

ScreenPress ScreenHandler::battle(const game::GameState& state, const std::string& screen) {
    const bool weak = !state.party.empty() && state.party.front().max_hp > 0 &&
                      state.party.front().hp * 5 < state.party.front().max_hp;
    if (battle_menu(screen) && weak && state.battle.kind == game::BattleKind::kWild) {
        // FIGHT PKMN / PACK RUN, the cursor on FIGHT: down, right, A.
        if (has(screen, ">RUN")) return {Action::kA, "about to faint: run"};
        if (has(screen, ">PACK")) return {Action::kRight, "about to faint: to RUN"};
        return {Action::kDown, "about to faint: to RUN"};
    }
    if (battle_menu(screen) && !has(screen, ">FIGHT") && !weak)
        return {presses_ % 2 ? Action::kUp : Action::kLeft, "battle: back to FIGHT"};
    return {Action::kA, "battle: fight"};
}

}  // namespace crl::agent
