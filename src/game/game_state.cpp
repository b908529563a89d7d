#include "game/game_state.h"

#include <algorithm>

namespace crl::game {

std::string to_string(Screen screen) {
    switch (screen) {
        case Screen::kTitle:
            return "title";
        case Screen::kOverworld:
            return "overworld";
        case Screen::kText:
            return "text";
        case Screen::kMenu:
            return "menu";
        case Screen::kBattle:
            return "battle";
        case Screen::kUnknown:
            break;
    }
    return "unknown";
}

std::string to_string(BattleKind kind) {
    switch (kind) {
        case BattleKind::kWild:
            return "wild";
        case BattleKind::kTrainer:
            return "trainer";
        case BattleKind::kNone:
            break;
    }
    return "none";
}

int GameState::highest_level() const {
    int highest = 0;
    for (const auto& member : party)
        highest = std::max(highest, member.level);
    return highest;
}

nlohmann::json GameState::to_json() const {
    nlohmann::json party_json = nlohmann::json::array();
    for (const auto& member : party) {
        party_json.push_back({{"species", member.species},
                              {"name", member.name},
                              {"level", member.level},
                              {"hp", member.hp},
                              {"max_hp", member.max_hp},
                              {"status", member.status},
                              {"moves", member.moves}});
    }
    nlohmann::json items_json = nlohmann::json::array();
    for (const auto& [id, quantity] : items)
        items_json.push_back({{"id", id}, {"quantity", quantity}});
    nlohmann::json json = {
        // The original dashboard's keys, kept so its clients work.
        {"PLAYER_X", x},
        {"PLAYER_Y", y},
        {"PLAYER_MAP", map_id},
        {"PLAYER_LEVEL", lead_level()},
        {"BADGES", badges},
        {"MONEY", money},
        {"profile", profile},
        {"screen", to_string(screen)},
        {"map", {{"id", map_id}, {"name", map_name}}},
        {"position", {{"x", x}, {"y", y}, {"facing", facing}}},
        {"badges", {{"count", badges}, {"bits", badge_bits}, {"possible", badges_possible}}},
        {"money", money},
        {"party", party_json},
        {"party_count", party.size()},
        {"highest_level", highest_level()},
        {"battle",
         {{"kind", to_string(battle.kind)},
          {"enemy_species", battle.enemy_species},
          {"enemy_name", battle.enemy_name},
          {"enemy_level", battle.enemy_level},
          {"enemy_hp", battle.enemy_hp},
          {"enemy_max_hp", battle.enemy_max_hp}}},
        {"in_battle", in_battle()},
        {"text_open", text_open},
        {"steps", steps},
        {"play_seconds", play_seconds},
        {"pokedex", {{"caught", pokedex_caught}, {"seen", pokedex_seen}}},
        {"event_flags", event_flags},
        {"items", items_json},
    };
    if (!extra.empty()) json["variables"] = extra;
    return json;
}

}  // namespace crl::game
