// game/game_state.h — what a game profile reads from memory, typed, and its JSON form. The JSON
// carries the original dashboard's keys (PLAYER_X, PLAYER_Y, PLAYER_MAP, PLAYER_LEVEL, BADGES,
// MONEY) beside the richer fields.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace crl::game {

enum class Screen { kUnknown, kTitle, kOverworld, kText, kMenu, kBattle };
std::string to_string(Screen screen);

enum class BattleKind { kNone, kWild, kTrainer };
std::string to_string(BattleKind kind);

struct PartyMember {
    int species = 0;
    std::string name;
    int level = 0;
    int hp = 0;
    int max_hp = 0;
    int status = 0;
    std::vector<int> moves;
};

// One of the moves of the player's Pokémon in battle, as the profile knows it.
struct BattleMove {
    int id = 0;
    int pp = 0;
    int power = 0;               // 0: a move that does no direct damage
    double effective_power = 0;  // power x same-type bonus x type match-up against the enemy
};

struct Battle {
    BattleKind kind = BattleKind::kNone;
    std::vector<BattleMove> moves;  // empty when the profile does not know them
    int move_cursor = -1;           // the move the battle's move menu points at (0-based)
    int enemy_species = 0;
    std::string enemy_name;
    int enemy_level = 0;
    int enemy_hp = 0;
    int enemy_max_hp = 0;
};

struct GameState {
    std::string profile;  // "demo", "crystal", "generic"
    Screen screen = Screen::kUnknown;

    int map_id = 0;        // one stable number per map (PLAYER_MAP)
    std::string map_name;  // empty when unknown
    int x = 0;
    int y = 0;
    std::string facing;  // "down", "up", "left", "right" or empty

    int badges = 0;  // how many
    std::uint32_t badge_bits = 0;
    int badges_possible = 0;  // 8 for the demo, 16 for Crystal
    std::int64_t money = 0;

    std::vector<PartyMember> party;
    Battle battle;
    bool text_open = false;

    std::int64_t steps = 0;
    std::int64_t play_seconds = 0;
    int pokedex_caught = 0;
    int pokedex_seen = 0;
    int event_flags = 0;
    std::vector<std::pair<int, int>> items;  // (id, quantity)

    nlohmann::json extra = nlohmann::json::object();  // every other variable the profile reads

    int lead_level() const { return party.empty() ? 0 : party.front().level; }
    int highest_level() const;
    bool in_battle() const { return battle.kind != BattleKind::kNone; }
    nlohmann::json to_json() const;
};

}  // namespace crl::game
