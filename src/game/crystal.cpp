#include "game/crystal.h"

#include <bit>

#include "game/crystal_map.h"

namespace crl::game {
namespace {

// Symbol addresses (../shared/crystal/key-symbols.txt): bank, address.
struct At {
    int bank;
    std::uint16_t address;
};
constexpr At kBackupMapGroup{1, 0xDCAD}, kBackupMapNumber{1, 0xDCAE};
constexpr At kXCoord{1, 0xDCB8}, kYCoord{1, 0xDCB7}, kMapGroup{1, 0xDCB5}, kMapNumber{1, 0xDCB6};
constexpr At kPlayerDirection{1, 0xD4DE}, kJohtoBadges{1, 0xD857}, kKantoBadges{1, 0xD858};
constexpr At kMoney{1, 0xD84E}, kPlayerName{1, 0xD47D}, kPlayerId{1, 0xD47B};
constexpr At kPartyCount{1, 0xDCD7}, kPartySpecies{1, 0xDCD8}, kPartyMon1{1, 0xDCDF};
constexpr At kNumItems{1, 0xD892}, kItems{1, 0xD893}, kNumKeyItems{1, 0xD8BC}, kKeyItems{1, 0xD8BD};
constexpr At kPokedexCaught{1, 0xDE99}, kPokedexSeen{1, 0xDEB9}, kEventFlags{1, 0xDA72};
constexpr At kGameTimeHours{1, 0xD4C4}, kGameTimeMinutes{1, 0xD4C6}, kGameTimeSeconds{1, 0xD4C7};
constexpr At kTimeOfDay{1, 0xD269}, kBattleMode{1, 0xD22D}, kEnemySpecies{1, 0xD206};
// The battle: the player's Pokémon's moves and PP (WRAM0), both sides' types, the menu cursor.
constexpr At kBattleMonMoves{0, 0xC62E}, kBattleMonPp{0, 0xC634}, kBattleMonTypes{0, 0xC64A};
constexpr At kEnemyMonTypes{1, 0xD224}, kMenuCursorY{0, 0xCFA9};
constexpr int kPpMask = 0x3F;
constexpr At kEnemyLevel{1, 0xD213}, kEnemyHp{1, 0xD216}, kEnemyMaxHp{1, 0xD218};
constexpr At kStateFlags{1, 0xD0ED}, kScriptRunning{1, 0xD438}, kTextboxFlags{0, 0xCFCF};

constexpr int kPartyMonBytes = 0x30;
constexpr int kPartyMax = 6;
constexpr int kItemsMax = 20;
constexpr int kKeyItemsMax = 25;
constexpr int kPokedexBytes = 32;     // 251 species, one bit each
constexpr int kEventFlagBytes = 256;  // 2048 event flags
constexpr int kNameBytes = 11;
constexpr int kSpeciesCount = 251;
constexpr int kSpeciesNameBytes = 10;
constexpr int kItemCount = 255;

// ROM tables (bank, address) and their shapes.
constexpr At kMapGroupPointers{0x25, 0x4000};
constexpr int kMapGroups = 26;
constexpr int kMapHeaderBytes = 9;
constexpr int kMapHeaderEnvironment = 2;
constexpr int kMapHeaderLandmark = 5;
constexpr int kLandmarkSpecial = 0;  // shared maps (a Pokémon Center's upper floor): see below
constexpr At kLandmarks{0x72, 0x68C3};
constexpr int kLandmarkBytes = 4;
constexpr int kLandmarkCount = 96;
constexpr At kPokemonNames{0x14, 0x7384};
constexpr At kMoves{0x10, 0x5AFB}, kTypeMatchups{0x0D, 0x4BB1};
constexpr int kMoveCount = 251, kMoveBytes = 7, kMovePower = 2, kMoveType = 3;
constexpr int kMatchupForesightSplit = 0xFE, kMatchupEnd = 0xFF;
constexpr At kItemNames{0x72, 0x4000};

std::size_t rom_offset(int bank, std::uint16_t address) {
    return address < 0x4000 ? address
                            : static_cast<std::size_t>(bank) * 0x4000 + (address - 0x4000);
}

std::uint8_t byte(const Memory& memory, At at, int offset = 0) {
    return memory.read(at.bank, static_cast<std::uint16_t>(at.address + offset));
}

int big_endian(const Memory& memory, At at, int bytes, int offset = 0) {
    int value = 0;
    for (int i = 0; i < bytes; ++i)
        value = value << 8 | byte(memory, at, offset + i);
    return value;
}

int bits_set(const Memory& memory, At at, int bytes) {
    // Eight bytes to a popcount: without -mpopcnt each one is a library call.
    int count = 0;
    std::uint64_t word = 0;
    for (int i = 0; i < bytes; ++i) {
        word = word << 8 | byte(memory, at, i);
        if (i % 8 == 7 || i == bytes - 1) {
            count += std::popcount(word);
            word = 0;
        }
    }
    return count;
}

// The background tile map the game composes in WRAM (wTilemap, 20x18), as text: letters,
// digits, and '>' for the menu cursor; everything else is a space.
nlohmann::json screen_text(const Memory& memory) {
    constexpr At kTilemap{0, 0xC4A0};
    constexpr int kColumns = 20, kRows = 18;
    constexpr std::uint8_t kCursor = 0xED;
    nlohmann::json lines = nlohmann::json::array();
    for (int row = 0; row < kRows; ++row) {
        std::string line;
        line.reserve(kColumns);
        for (int column = 0; column < kColumns; ++column) {
            const auto tile = byte(memory, kTilemap, row * kColumns + column);
            if (tile == kCursor) {
                line += '>';
            } else {
                append_crystal_char(line, tile == 0x50 ? std::uint8_t{0x7F} : tile);
            }
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        lines.push_back(std::move(line));
    }
    return lines;
}

}  // namespace

bool is_crystal(const emu::RomHeader& header) {
    return header.title == kCrystalTitle && header.color_only();
}

std::string crystal_revision(const emu::RomHeader& header) {
    if (header.sha1 == kCrystalSha1Us10) return "US 1.0";
    if (header.sha1 == kCrystalSha1Us11) return "US 1.1";
    return "";
}

namespace {

// The game's character map as text, one entry per byte: letters, digits and punctuation; all else
// (spaces, the line breaks inside landmark names) is a space.
constexpr std::array<std::string_view, 256> kCrystalCharacters = [] {
    constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
    constexpr std::string_view kDigits = "0123456789";
    std::array<std::string_view, 256> table{};
    table.fill(" ");
    for (std::size_t i = 0; i < 26; ++i) {
        table[0x80 + i] = kUpper.substr(i, 1);
        table[0xA0 + i] = kLower.substr(i, 1);
    }
    for (std::size_t i = 0; i < 10; ++i)
        table[0xF6 + i] = kDigits.substr(i, 1);
    table[0x9A] = "(", table[0x9B] = ")", table[0x9C] = ":", table[0xE0] = "'";
    table[0xE1] = "PK", table[0xE2] = "MN", table[0xE3] = "-", table[0xE6] = "?";
    table[0xE7] = "!", table[0xE8] = ".", table[0xEF] = "♂", table[0xF3] = "/";
    table[0xF4] = ",", table[0xF5] = "♀";
    return table;
}();

}  // namespace

void append_crystal_char(std::string& text, std::uint8_t c) {
    text += kCrystalCharacters[c];
}

std::string decode_crystal_text(std::span<const std::uint8_t> bytes) {
    std::string text;
    for (const auto c : bytes) {
        if (c == 0x50) break;
        append_crystal_char(text, c);
    }
    return text;
}

CrystalNames::CrystalNames(std::span<const std::uint8_t> rom) {
    auto text_at = [&](std::size_t offset, std::size_t limit) {
        if (offset >= rom.size()) return std::string();
        return decode_crystal_text(rom.subspan(offset, std::min(limit, rom.size() - offset)));
    };
    const auto names = rom_offset(kPokemonNames.bank, kPokemonNames.address);
    for (int id = 1; id <= kSpeciesCount; ++id) {
        species_.push_back(text_at(names + static_cast<std::size_t>(id - 1) * kSpeciesNameBytes,
                                   kSpeciesNameBytes));
    }
    auto offset = rom_offset(kItemNames.bank, kItemNames.address);
    for (int id = 1; id <= kItemCount && offset < rom.size(); ++id) {
        items_.push_back(text_at(offset, 20));
        while (offset < rom.size() && rom[offset] != 0x50)
            ++offset;
        ++offset;
    }
    const auto moves = rom_offset(kMoves.bank, kMoves.address);
    for (int id = 1; id <= kMoveCount; ++id) {
        const auto entry = moves + static_cast<std::size_t>(id - 1) * kMoveBytes;
        if (entry + kMoveBytes > rom.size()) break;
        moves_.emplace_back(rom[entry + kMovePower], rom[entry + kMoveType]);
    }
    for (auto entry = rom_offset(kTypeMatchups.bank, kTypeMatchups.address);
         entry + 2 < rom.size() && rom[entry] != kMatchupEnd;) {
        if (rom[entry] == kMatchupForesightSplit) {
            ++entry;  // the entries after it only matter to Foresight; they still apply
            continue;
        }
        type_multipliers_[{rom[entry], rom[entry + 1]}] = rom[entry + 2] / 10.0;
        entry += 3;
    }
    // Each group's pointer leads to its 9-byte map headers; a header's 6th byte is the landmark.
    const auto groups = rom_offset(kMapGroupPointers.bank, kMapGroupPointers.address);
    const auto landmarks = rom_offset(kLandmarks.bank, kLandmarks.address);
    for (int group = 0; group < kMapGroups && groups + group * 2 + 1 < rom.size(); ++group) {
        const auto pointer =
            static_cast<std::uint16_t>(rom[groups + group * 2] | rom[groups + group * 2 + 1] << 8);
        const auto next = group + 1 < kMapGroups && groups + group * 2 + 3 < rom.size()
                              ? static_cast<std::uint16_t>(rom[groups + group * 2 + 2] |
                                                           rom[groups + group * 2 + 3] << 8)
                              : static_cast<std::uint16_t>(pointer + kMapHeaderBytes * 64);
        std::vector<MapInfo> group_maps;
        const int count = next > pointer ? std::min(64, (next - pointer) / kMapHeaderBytes) : 0;
        for (int number = 0; number < count; ++number) {
            const auto header =
                rom_offset(kMapGroupPointers.bank,
                           static_cast<std::uint16_t>(pointer + number * kMapHeaderBytes));
            if (header + kMapHeaderLandmark >= rom.size()) break;
            MapInfo info;
            info.landmark = rom[header + kMapHeaderLandmark];
            info.environment = rom[header + kMapHeaderEnvironment];
            const auto entry = landmarks + static_cast<std::size_t>(info.landmark) * kLandmarkBytes;
            if (info.landmark < kLandmarkCount && entry + 3 < rom.size()) {
                const auto name = static_cast<std::uint16_t>(rom[entry + 2] | rom[entry + 3] << 8);
                info.name = text_at(rom_offset(kLandmarks.bank, name), 32);
            }
            group_maps.push_back(std::move(info));
        }
        maps_.push_back(std::move(group_maps));
    }
}

std::string CrystalNames::species(int id) const {
    return id >= 1 && id <= static_cast<int>(species_.size())
               ? species_[static_cast<std::size_t>(id - 1)]
               : "";
}

std::string CrystalNames::item(int id) const {
    return id >= 1 && id <= static_cast<int>(items_.size())
               ? items_[static_cast<std::size_t>(id - 1)]
               : "";
}

std::pair<int, int> CrystalNames::move_power_and_type(int move) const {
    return move >= 1 && move <= static_cast<int>(moves_.size())
               ? moves_[static_cast<std::size_t>(move - 1)]
               : std::pair{0, -1};
}

double CrystalNames::type_multiplier(int attack_type, int defender_type) const {
    const auto it = type_multipliers_.find({attack_type, defender_type});
    return it == type_multipliers_.end() ? 1.0 : it->second;
}

const CrystalNames::MapInfo* CrystalNames::info(int group, int number) const {
    if (group < 1 || group > static_cast<int>(maps_.size())) return nullptr;
    const auto& maps = maps_[static_cast<std::size_t>(group - 1)];
    return number >= 1 && number <= static_cast<int>(maps.size())
               ? &maps[static_cast<std::size_t>(number - 1)]
               : nullptr;
}

std::string CrystalNames::map(int group, int number) const {
    const auto* found = info(group, number);
    return found ? found->name : "";
}

bool CrystalNames::shared_map(int group, int number) const {
    const auto* found = info(group, number);
    return found && found->landmark == kLandmarkSpecial;
}

std::string CrystalNames::map_kind(int group, int number) const {
    static constexpr const char* kKinds[] = {"",     "town", "route", "indoors",
                                             "cave", "area", "gate",  "dungeon"};
    const auto* found = info(group, number);
    return found && found->environment < std::size(kKinds) ? kKinds[found->environment] : "";
}

CrystalProfile::CrystalProfile(CrystalNames names, std::string revision,
                               std::vector<std::uint8_t> rom)
    : names_(std::move(names)), revision_(std::move(revision)), rom_(std::move(rom)) {}

void CrystalProfile::read_battle_moves(const Memory& memory, Battle& battle) const {
    const int own_types[] = {byte(memory, kBattleMonTypes), byte(memory, kBattleMonTypes, 1)};
    const int enemy_types[] = {byte(memory, kEnemyMonTypes), byte(memory, kEnemyMonTypes, 1)};
    for (int slot = 0; slot < 4; ++slot) {
        BattleMove move;
        move.id = byte(memory, kBattleMonMoves, slot);
        if (move.id == 0) break;
        move.pp = byte(memory, kBattleMonPp, slot) & kPpMask;
        const auto [power, type] = names_.move_power_and_type(move.id);
        move.power = power;
        move.effective_power = power;
        if (type == own_types[0] || type == own_types[1]) move.effective_power *= 1.5;
        move.effective_power *= names_.type_multiplier(type, enemy_types[0]);
        if (enemy_types[1] != enemy_types[0])
            move.effective_power *= names_.type_multiplier(type, enemy_types[1]);
        battle.moves.push_back(move);
    }
    battle.move_cursor = byte(memory, kMenuCursorY) - 1;
}

std::optional<MapView> CrystalProfile::read_map(const Memory& memory) const {
    if (rom_.empty()) return std::nullopt;
    return read_crystal_map(memory, rom_, names_);
}

GameState CrystalProfile::read(const Memory& memory) const {
    GameState state;
    state.profile = name_;
    const int group = byte(memory, kMapGroup), number = byte(memory, kMapNumber);
    state.map_id = group << 8 | number;
    state.map_name = names_.map(group, number);
    if (names_.shared_map(group, number)) {
        // Like the game's own map card: a shared map is named after the map it was entered from.
        state.map_name = names_.map(byte(memory, kBackupMapGroup), byte(memory, kBackupMapNumber));
    }
    state.x = byte(memory, kXCoord);
    state.y = byte(memory, kYCoord);
    static constexpr const char* kFacing[] = {"down", "up", "left", "right"};
    state.facing = kFacing[(byte(memory, kPlayerDirection) >> 2) & 3];

    const int johto = byte(memory, kJohtoBadges), kanto = byte(memory, kKantoBadges);
    state.badge_bits = static_cast<std::uint32_t>(johto | kanto << 8);
    state.badges = std::popcount(state.badge_bits);
    state.badges_possible = 16;
    state.money = big_endian(memory, kMoney, 3);

    const int count = std::min<int>(byte(memory, kPartyCount), kPartyMax);
    for (int i = 0; i < count; ++i) {
        const At mon{kPartyMon1.bank,
                     static_cast<std::uint16_t>(kPartyMon1.address + i * kPartyMonBytes)};
        PartyMember member;
        member.species = byte(memory, mon, 0x00);
        member.name = names_.species(member.species);
        for (int move = 0; move < 4; ++move) {
            if (const int id = byte(memory, mon, 0x02 + move)) member.moves.push_back(id);
        }
        member.level = byte(memory, mon, 0x1F);
        member.status = byte(memory, mon, 0x20);
        member.hp = big_endian(memory, mon, 2, 0x22);
        member.max_hp = big_endian(memory, mon, 2, 0x24);
        state.party.push_back(std::move(member));
    }

    const int items = std::min<int>(byte(memory, kNumItems), kItemsMax);
    nlohmann::json item_names = nlohmann::json::array();
    for (int i = 0; i < items; ++i) {
        const int id = byte(memory, kItems, i * 2);
        state.items.emplace_back(id, byte(memory, kItems, i * 2 + 1));
        item_names.push_back(names_.item(id));
    }
    nlohmann::json key_items = nlohmann::json::array();
    for (int i = 0, n = std::min<int>(byte(memory, kNumKeyItems), kKeyItemsMax); i < n; ++i) {
        key_items.push_back(byte(memory, kKeyItems, i));
    }
    state.pokedex_caught = bits_set(memory, kPokedexCaught, kPokedexBytes);
    state.pokedex_seen = bits_set(memory, kPokedexSeen, kPokedexBytes);
    state.event_flags = bits_set(memory, kEventFlags, kEventFlagBytes);
    const int hours = big_endian(memory, kGameTimeHours, 2);
    const int minutes = byte(memory, kGameTimeMinutes), seconds = byte(memory, kGameTimeSeconds);
    state.play_seconds = static_cast<std::int64_t>(hours) * 3600 + minutes * 60 + seconds;

    const int battle_mode = byte(memory, kBattleMode);
    if (battle_mode == 1 || battle_mode == 2) {
        state.battle.kind = battle_mode == 1 ? BattleKind::kWild : BattleKind::kTrainer;
        state.battle.enemy_species = byte(memory, kEnemySpecies);
        state.battle.enemy_name = names_.species(state.battle.enemy_species);
        state.battle.enemy_level = byte(memory, kEnemyLevel);
        state.battle.enemy_hp = big_endian(memory, kEnemyHp, 2);
        state.battle.enemy_max_hp = big_endian(memory, kEnemyMaxHp, 2);
        read_battle_moves(memory, state.battle);
    }

    // What the screen is, from the game's own flags (not from the picture).
    const int state_flags = byte(memory, kStateFlags), textbox = byte(memory, kTextboxFlags);
    const bool script = byte(memory, kScriptRunning) == 0xFF;
    state.text_open = (textbox & 0x02) != 0;
    if (group == 0 || number == 0) {
        state.screen = Screen::kTitle;  // no map loaded yet: title screen and intro
    } else if (state.in_battle()) {
        state.screen = Screen::kBattle;
    } else if (state.text_open) {
        state.screen = Screen::kText;
    } else if (script || (state_flags & 0x40)) {
        state.screen = Screen::kMenu;
    } else {
        state.screen = Screen::kOverworld;
    }

    static constexpr const char* kTimesOfDay[] = {"morning", "day", "night", "darkness"};
    const int time_of_day = byte(memory, kTimeOfDay);
    std::array<std::uint8_t, kNameBytes> name{};
    for (int i = 0; i < kNameBytes; ++i)
        name[static_cast<std::size_t>(i)] = byte(memory, kPlayerName, i);
    // One member at a time, moved in: a braced list would copy every value (the item lists too).
    auto& extra = state.extra;
    extra["player_name"] = decode_crystal_text(name);
    extra["player_id"] = big_endian(memory, kPlayerId, 2);
    extra["map_group"] = group;
    extra["map_number"] = number;
    extra["johto_badges"] = johto;
    extra["kanto_badges"] = kanto;
    extra["play_time"] = std::to_string(hours) + ":" + (minutes < 10 ? "0" : "") +
                         std::to_string(minutes) + ":" + (seconds < 10 ? "0" : "") +
                         std::to_string(seconds);
    extra["time_of_day"] = time_of_day < 4 ? kTimesOfDay[time_of_day] : "unknown";
    extra["item_names"] = std::move(item_names);
    extra["key_items"] = std::move(key_items);
    extra["state_flags"] = state_flags;
    extra["textbox_flags"] = textbox;
    extra["script_running"] = script;
    if (!revision_.empty()) state.extra["revision"] = revision_;
    if (const auto kind = names_.map_kind(group, number); !kind.empty())
        state.extra["map_kind"] = kind;
    // Menus, questions and battles as the player reads them: the screen's text lines.
    if (state.screen != Screen::kOverworld) state.extra["screen_text"] = screen_text(memory);
    return state;
}

}  // namespace crl::game
