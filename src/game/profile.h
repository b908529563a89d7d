// game/profile.h — game profiles: what a game's memory means. A profile is chosen by the ROM
// header (or forced with --profile) and turns memory into a GameState. It reads; it never
// emulates or decides.
#pragma once

#include <filesystem>
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

  private:
    std::string lookup(const char* table, std::int64_t key) const;
    std::string name_;
    VariablesFile file_;
    std::optional<GridDescription> grid_;
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
