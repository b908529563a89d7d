// game/profile.h — game profiles: what a game's memory means. A profile is chosen by the ROM
// header (or forced with --profile) and turns memory into a GameState. It reads; it never
// emulates or decides.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "emu/rom.h"
#include "game/game_state.h"
#include "game/map_view.h"
#include "game/memory.h"
#include "game/variables.h"
#include "game/variables_grid.h"

namespace crl::game {

class Profile {
  public:
    virtual ~Profile() = default;
    virtual const std::string& name() const = 0;
    virtual GameState read(const Memory& memory) const = 0;
    // The current map as the game knows it (game/map_view.h); nullopt when the profile cannot
    // say (no grid description, or no map loaded: title screen, battle).
    virtual std::optional<MapView> read_map(const Memory& memory) const {
        (void)memory;
        return std::nullopt;
    }
};

// A profile made of a variables file: variables with well-known names fill the typed fields
// (docs/game-profiles.md), all of them appear under "variables" in the JSON.
class VariablesProfile final : public Profile {
  public:
    // Throws VariablesError when the file's "grid" section is malformed.
    VariablesProfile(std::string name, VariablesFile file);
    const std::string& name() const override { return name_; }
    GameState read(const Memory& memory) const override;
    // From the file's "grid" section (game/variables_grid.h); nullopt without one, on the title
    // screen and in battle.
    std::optional<MapView> read_map(const Memory& memory) const override;

    // It points into its own file: a copy would point into another's.
    VariablesProfile(const VariablesProfile&) = delete;
    VariablesProfile& operator=(const VariablesProfile&) = delete;

  private:
    using NameTable = std::map<std::int64_t, std::string>;
    static NameTable name_table(const nlohmann::json& document, const char* table);
    std::string name_;
    VariablesFile file_;
    std::optional<GridDescription> grid_;
    // Found once, so that a read (every step) searches nothing by name; null when absent.
    struct Known {
        const Variable *player_x, *player_y, *map_id, *facing, *badges, *money, *steps;
        const Variable *play_hours, *play_minutes, *play_seconds;
        const Variable *party_count, *party_species, *party_levels, *party_hp, *party_max_hp;
        const Variable *in_battle, *enemy_species, *enemy_level, *enemy_hp, *enemy_max_hp;
        const Variable *text_open, *on_title, *ready_variable;
    } known_{};
    std::int64_t ready_value_ = 0;
    int badges_possible_ = 0;
    NameTable map_names_, facing_names_, species_names_;
};

struct ProfileOptions {
    std::string name = "auto";  // auto, demo, crystal, generic
    std::optional<std::filesystem::path> variables;
    std::optional<std::filesystem::path> symbols;
};

// Throws std::runtime_error when the forced profile does not fit the ROM.
std::unique_ptr<Profile> make_profile(const emu::Rom& rom, const ProfileOptions& options = {});

// The demo game's variables file, embedded in the binary.
std::string demo_profile_text();

}  // namespace crl::game
