// game/crystal.h — the Pokémon Crystal profile (US 1.0 and 1.1): the whole game state from RAM,
// every read bank-qualified (the player's data lives in WRAM bank 1 and the game switches banks),
// and names (maps, species, items) decoded from the user's own ROM through the game's tables.
// Addresses come from ../shared/crystal (pret/pokecrystal's symbol file).
#pragma once

#include <array>
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

// Names read from the ROM's own tables.
class CrystalNames {
  public:
    CrystalNames() = default;  // no ROM: every name is empty
    explicit CrystalNames(std::span<const std::uint8_t> rom);

    std::string species(int id) const;  // empty for an unknown id
    std::string item(int id) const;
    std::string map(int group, int number) const;  // the map's landmark

  private:
    std::vector<std::string> species_;
    std::vector<std::string> items_;
    std::vector<std::vector<std::string>> maps_;  // [group - 1][number - 1]
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
    std::string name_ = "crystal";
    CrystalNames names_;
    std::string revision_;
    std::vector<std::uint8_t> rom_;
};

}  // namespace crl::game
