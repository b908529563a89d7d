// game/crystal.h — the Pokémon Crystal profile (US 1.0 and 1.1): the whole game state from RAM,
// every read bank-qualified (the player's data lives in WRAM bank 1 and the game switches banks),
// and names (maps, species, items) decoded from the user's own ROM through the game's tables.
// Addresses come from ../shared/crystal (pret/pokecrystal's symbol file).
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emu/rom.h"
#include "game/profile.h"

namespace crl::game {

inline constexpr const char* kCrystalTitle = "PM_CRYSTAL";
inline constexpr const char* kCrystalSha1Us10 = "f4cd194bdee0d04ca4eac29e09b8e4e9d818c133";
inline constexpr const char* kCrystalSha1Us11 = "f2f52230b536214ef7c9924f483392993e226cfb";

bool is_crystal(const emu::RomHeader& header);
// "US 1.0", "US 1.1", or empty for another revision with Crystal's title.
std::string crystal_revision(const emu::RomHeader& header);

// Text in the game's character map, up to the 0x50 terminator.
std::string decode_crystal_text(std::span<const std::uint8_t> bytes);
// One character of that map, appended (0x50 is not special here).
void append_crystal_char(std::string& text, std::uint8_t c);

// Names read from the ROM's own tables.
class CrystalNames {
  public:
    CrystalNames() = default;  // no ROM: every name is empty
    explicit CrystalNames(std::span<const std::uint8_t> rom);

    std::string species(int id) const;  // empty for an unknown id
    std::string item(int id) const;
    std::string map(int group, int number) const;  // the map's landmark
    // A move's power and type (the ROM's move table); {0, -1} for an unknown move.
    std::pair<int, int> move_power_and_type(int move) const;
    // Damage multiplier of an attack of `attack_type` on a Pokémon of `defender_type` (the ROM's
    // type match-up table): 0, 0.5, 1 or 2.
    double type_multiplier(int attack_type, int defender_type) const;
    // A map several places share (Pokémon Center upper floors, link rooms): no landmark of its own.
    bool shared_map(int group, int number) const;
    // The map's environment: town, route, indoors, cave, gate, dungeon ... (empty if unknown).
    std::string map_kind(int group, int number) const;

  private:
    struct MapInfo {
        std::string name;  // the landmark's
        unsigned landmark = 0, environment = 0;
    };
    const MapInfo* info(int group, int number) const;

    std::vector<std::pair<int, int>> moves_;                  // [move - 1]: power, type
    std::map<std::pair<int, int>, double> type_multipliers_;  // (attack, defender) -> x
    std::vector<std::string> species_;
    std::vector<std::string> items_;
    std::vector<std::vector<MapInfo>> maps_;  // [group - 1][number - 1]
};

class CrystalProfile final : public Profile {
  public:
    // `rom`: the user's ROM, for the map's collision and events (game/crystal_map.h); without
    // it read_map() says nothing.
    explicit CrystalProfile(CrystalNames names, std::string revision = "",
                            std::vector<std::uint8_t> rom = {});
    const std::string& name() const override { return name_; }
    GameState read(const Memory& memory) const override;
    std::optional<MapView> read_map(const Memory& memory) const override;

  private:
    void read_battle_moves(const Memory& memory, Battle& battle) const;
    std::string name_ = "crystal";
    CrystalNames names_;
    std::string revision_;
    std::vector<std::uint8_t> rom_;
};

}  // namespace crl::game
