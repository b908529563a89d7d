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

// The battle's move menu: the moves, and a box with the pointed move's type.
bool move_menu(const std::string& screen) {
    return has(screen, "TYPE/");
}

// The move hitting hardest that still has PP; nullopt when no move is known.
std::optional<int> strongest_move(const game::Battle& battle) {
    std::optional<int> best;
    for (int i = 0; i < static_cast<int>(battle.moves.size()); ++i) {
        const auto& move = battle.moves[static_cast<std::size_t>(i)];
        if (move.pp == 0) continue;
        if (!best ||
            move.effective_power > battle.moves[static_cast<std::size_t>(*best)].effective_power)
            best = i;
    }
    return best;
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
    // Off the map, out of battle and past the intro for long: a loop (a shop's BUY list, a menu
    // reopening). B backs out of lists and menus and still moves text on.
    const bool own_pace = state.screen == Screen::kOverworld || state.screen == Screen::kBattle ||
                          state.screen == Screen::kTitle;
    stuck_presses_ = own_pace ? 0 : stuck_presses_ + 1;
    if (stuck_presses_ > kPressesBeforeBackingOut) {
        if (stuck_presses_ > kPressesBeforeBackingOut + kBackOutPresses)
            stuck_presses_ = kPressesBeforeBackingOut / 2;
        return ScreenPress{Action::kB, "the same screens for long: back out"};
    }
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
    if (move_menu(screen) && state.battle.move_cursor >= 0) {
        if (const auto best = strongest_move(state.battle)) {
            const auto& move = state.battle.moves[static_cast<std::size_t>(*best)];
            const auto why = "battle: the strongest move (slot " + std::to_string(*best + 1) +
                             ", power " + std::to_string(move.power) + ")";
            if (state.battle.move_cursor == *best) return {Action::kA, why};
            return {state.battle.move_cursor < *best ? Action::kDown : Action::kUp, why};
        }
    }
    return {Action::kA, "battle: fight"};
}

}  // namespace crl::agent
