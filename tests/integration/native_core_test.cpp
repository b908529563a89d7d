// The native core against mGBA, the reference: the same games and movies must leave the same
// memory and picture (differential runs), and its save states keep their guarantees.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>

#include "crystal_new_game.h"
#include "emu/native/differential.h"
#include "game/crystal.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

using emu::CoreKind;
using emu::Render;
namespace button = emu::button;

emu::MachineOptions on(CoreKind core) {
    emu::MachineOptions options;
    options.core = core;
    return options;
}

// Varied play: held directions, taps of A/B/START/SELECT and idle stretches, from a fixed seed.
emu::Movie varied_input(std::uint64_t frames, unsigned seed) {
    std::mt19937 random(seed);
    static constexpr emu::Buttons kChoices[] = {
        button::kNone, button::kA,    button::kB,      button::kStart,
        button::kUp,   button::kDown, button::kLeft,   button::kRight,
        button::kNone, button::kA,    button::kSelect, button::kRight | button::kA};
    emu::Movie movie;
    std::uint64_t total = 0;
    while (total < frames) {
        const auto length = std::min<std::uint64_t>(1 + random() % 40, frames - total);
        movie.append(kChoices[random() % std::size(kChoices)], length);
        total += length;
    }
    return movie;
}

void expect_identical(const std::filesystem::path& rom_path, std::uint64_t frames, unsigned seed) {
    const auto rom = emu::Rom::from_file(rom_path);
    auto reference = emu::make_machine(rom, on(CoreKind::kMgba));
    auto native = emu::make_machine(rom, on(CoreKind::kNative));
    const auto divergence = emu::run_differential(*reference, *native, varied_input(frames, seed));
    EXPECT_FALSE(divergence.has_value()) << "mgba vs native: " << divergence->describe();
}

// Frames compared in ctest (a few seconds each). Longer runs were made by hand with the same
// movies: demo, uCity and libbet 100,000 frames identical under three seeds (docs/architecture.md).
constexpr std::uint64_t kGameFrames = 20'000;

TEST(NativeDifferentialTest, DemoGameIdenticalToMgba) {
    const auto rom = demo_rom_path();
    if (!rom) GTEST_SKIP() << "this build has no demo ROM (no SDCC)";
    expect_identical(*rom, kGameFrames, 1);
}

TEST(NativeDifferentialTest, UcityIdenticalToMgba) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    expect_identical(rom, kGameFrames, 1);
}

TEST(NativeDifferentialTest, LibbetIdenticalToMgba) {
    CRL_REQUIRE_TESTROM(rom, "libbet/libbet.gb");
    expect_identical(rom, kGameFrames, 1);
}

// The scenarios of the real game's RAM snapshots (../shared/crystal/ram-snapshots/*/state.json)
// as a player sees them: the map, the party's size and the kind of battle. A run is checked to
// pass each of them while both cores are identical. Empty when the snapshots are absent.
struct CrystalScenario {
    int map_id = 0;
    std::size_t party = 0;
    game::BattleKind battle = game::BattleKind::kNone;
};

std::map<std::string, CrystalScenario> crystal_scenarios() {
    std::map<std::string, CrystalScenario> scenarios;
    const auto testroms = crl::test::testroms_dir();
    if (!testroms) return scenarios;
    const auto root = testroms->parent_path() / "crystal/ram-snapshots";
    if (!std::filesystem::is_directory(root)) return scenarios;
    for (const auto& entry : std::filesystem::directory_iterator(root)) {
        const auto path = entry.path() / "state.json";
        if (!std::filesystem::exists(path)) continue;
        const auto truth = nlohmann::json::parse(std::ifstream(path));
        const int mode = truth["wBattleMode"].get<int>();
        scenarios[entry.path().filename().string()] = {
            truth["wMapGroup"].get<int>() << 8 | truth["wMapNumber"].get<int>(),
            truth["wPartyCount"].get<std::size_t>(),
            mode == 0 ? game::BattleKind::kNone
                      : (mode == 1 ? game::BattleKind::kWild : game::BattleKind::kTrainer)};
    }
    return scenarios;
}

// Notes which scenarios a machine is in, and the first frame it was in each.
class ScenarioWatch {
  public:
    void note(const emu::Machine& machine, std::uint64_t frame) {
        const auto state = crystal_.read(game::MachineMemory(machine));
        for (const auto& [name, scenario] : scenarios_) {
            if (state.map_id == scenario.map_id && state.party.size() == scenario.party &&
                state.battle.kind == scenario.battle) {
                reached_.emplace(name, frame);
            }
        }
    }
    const std::map<std::string, CrystalScenario>& scenarios() const { return scenarios_; }
    std::optional<std::uint64_t> reached(const std::string& name) const {
        const auto found = reached_.find(name);
        return found == reached_.end() ? std::nullopt : std::optional(found->second);
    }

  private:
    game::CrystalProfile crystal_{game::CrystalNames()};
    std::map<std::string, CrystalScenario> scenarios_ = crystal_scenarios();
    std::map<std::string, std::uint64_t> reached_;
};

// The explorer's new game up to the starter (13,440 frames, bench/crystal_new_game.h).
TEST(NativeDifferentialTest, CrystalNewGameToTheStarterIdenticalToMgba) {
    const char* path = std::getenv("CRYSTAL_RL_ROM");
    if (!path || !*path) GTEST_SKIP() << "CRYSTAL_RL_ROM is not set (the real Pokemon Crystal ROM)";
    const auto rom = emu::Rom::from_file(path);
    auto reference = emu::make_machine(rom, on(CoreKind::kMgba));
    auto native = emu::make_machine(rom, on(CoreKind::kNative));
    ScenarioWatch watch;
    emu::DifferentialOptions options;
    options.on_identical = [&](std::uint64_t frame) { watch.note(*native, frame); };
    const auto divergence =
        emu::run_differential(*reference, *native, bench::crystal_new_game(), options);
    EXPECT_FALSE(divergence.has_value()) << "mgba vs native: " << divergence->describe();
    constexpr std::uint16_t kPartyCount = 0xDCD7;  // wPartyCount, WRAM bank 1
    EXPECT_EQ(reference->read(1, kPartyCount), 1);
    EXPECT_EQ(native->read(1, kPartyCount), 1);
    // The player's room and Elm's lab with the starter, as in the real game's snapshots.
    if (watch.scenarios().empty()) return;  // ../shared/crystal is optional
    EXPECT_TRUE(watch.reached("02_players_room")) << "never in the player's room, party empty";
    EXPECT_TRUE(watch.reached("05_elms_lab_got_starter")) << "never in Elm's lab with one Pokemon";
}

// A long explorer run recorded on mGBA from power-on (wild, trainer and gym battles, a blackout,
// healing). The movie is one run's input log, kept out of the repository: its path comes from
// $CRYSTAL_RL_DIFF_MOVIE, and $CRYSTAL_RL_DIFF_FRAMES (optional) plays only its first frames.
TEST(NativeDifferentialTest, CrystalLongExplorerMovieIdenticalToMgba) {
    const char* rom_path = std::getenv("CRYSTAL_RL_ROM");
    if (!rom_path || !*rom_path)
        GTEST_SKIP() << "CRYSTAL_RL_ROM is not set (the real Pokemon Crystal ROM)";
    const char* movie_path = std::getenv("CRYSTAL_RL_DIFF_MOVIE");
    if (!movie_path || !*movie_path)
        GTEST_SKIP() << "CRYSTAL_RL_DIFF_MOVIE is not set (a long Crystal movie from power-on)";
    const auto recorded = emu::Movie::load(movie_path);
    const char* limit_text = std::getenv("CRYSTAL_RL_DIFF_FRAMES");
    const std::uint64_t limit = limit_text && *limit_text ? std::strtoull(limit_text, nullptr, 10)
                                                          : recorded.total_frames();
    emu::Movie movie;
    for (const auto& segment : recorded.segments()) {
        if (movie.total_frames() >= limit) break;
        movie.append(segment.buttons, std::min(segment.frames, limit - movie.total_frames()));
    }
    const auto rom = emu::Rom::from_file(rom_path);
    auto reference = emu::make_machine(rom, on(CoreKind::kMgba));
    auto native = emu::make_machine(rom, on(CoreKind::kNative));
    ScenarioWatch watch;
    emu::DifferentialOptions options;
    options.on_identical = [&](std::uint64_t frame) { watch.note(*native, frame); };
    const auto divergence = emu::run_differential(*reference, *native, movie, options);
    EXPECT_FALSE(divergence.has_value()) << "mgba vs native: " << divergence->describe();
    std::cout << "compared " << movie.total_frames() << " frames of " << movie_path << "\n";
    // Run whole, the movie passes every snapshot's scenario with both cores identical there.
    for (const auto& [name, scenario] : watch.scenarios()) {
        if (const auto frame = watch.reached(name)) {
            std::cout << "both cores reached " << name << " at frame " << *frame << "\n";
        } else if (!limit_text || !*limit_text) {
            ADD_FAILURE() << "the movie never reached the scenario " << name;
        }
    }
}

TEST(NativeDifferentialTest, ReportsWhereTwoMachinesPart) {
    const auto rom_path = demo_rom_path();
    if (!rom_path) GTEST_SKIP() << "this build has no demo ROM (no SDCC)";
    const auto rom = emu::Rom::from_file(*rom_path);
    auto a = emu::make_machine(rom, on(CoreKind::kNative));
    auto b = emu::make_machine(rom, on(CoreKind::kNative));
    a->run_frames(48, button::kNone, Render::kNone);
    b->run_frames(48, button::kNone, Render::kNone);
    b->write(2, 0xD123, static_cast<std::uint8_t>(a->read(2, 0xD123) ^ 0x5A));
    const auto divergence = emu::first_divergence(*a, *b, false);
    ASSERT_TRUE(divergence.has_value());
    EXPECT_EQ(divergence->area, "WRAM");
    EXPECT_EQ(divergence->address, 0xD123);
    EXPECT_EQ(divergence->frame, 48u);
}

TEST(NativeMemoryTest, ReadingTheJoypadThroughMachineHasNoSideEffects) {
    const auto rom_path = demo_rom_path();
    if (!rom_path) GTEST_SKIP() << "this build has no demo ROM (no SDCC)";
    auto machine = emu::make_machine(emu::Rom::from_file(*rom_path), on(CoreKind::kNative));
    machine->run_frames(60, button::kRight, Render::kNone);
    // The directions selected and last read as released; Right is held now. A CPU read here
    // would latch Right and request the joypad interrupt; Machine::read must do neither.
    machine->write(-1, 0xFF00, 0xEF);
    machine->write(-1, 0xFF0F, 0xE0);
    EXPECT_EQ(machine->read(-1, 0xFF00) & 0x0F, 0x0E);  // Right (bit 0) reads pressed
    EXPECT_EQ(machine->read(-1, 0xFF00) & 0x0F, 0x0E);
    EXPECT_EQ(machine->read(-1, 0xFF0F) & 0x10, 0);
}

// The core keeps derived copies of the state (Color palettes as pixels, objects per line); a
// loaded state must rebuild them: a fresh machine (white palettes) draws what the saver draws.
// Crystal standing in Elm's lab leaves its palettes alone, so a stale copy would show.
TEST(NativeStateTest, AFreshMachineDrawsALoadedStateLikeTheMachineThatSavedIt) {
    const char* path = std::getenv("CRYSTAL_RL_ROM");
    if (!path || !*path) GTEST_SKIP() << "CRYSTAL_RL_ROM is not set (the real Pokemon Crystal ROM)";
    const auto rom = emu::Rom::from_file(path);
    auto saver = emu::make_machine(rom, on(CoreKind::kNative));
    const auto movie = bench::crystal_new_game();
    for (const auto& segment : movie.segments())
        saver->run_frames(static_cast<int>(segment.frames), segment.buttons, Render::kNone);
    const auto state = saver->save_state();
    auto fresh = emu::make_machine(rom, on(CoreKind::kNative));
    fresh->load_state(state);
    saver->run_frames(1, button::kNone, Render::kLast);
    fresh->run_frames(1, button::kNone, Render::kLast);
    EXPECT_EQ(frame_hash(*fresh), frame_hash(*saver));
    EXPECT_EQ(ram_hash(*fresh), ram_hash(*saver));
}

TEST(NativeStateTest, SaveLoadReplaysExactlyAndBadStatesChangeNothing) {
    const auto rom_path = demo_rom_path();
    if (!rom_path) GTEST_SKIP() << "this build has no demo ROM (no SDCC)";
    auto machine = emu::make_machine(emu::Rom::from_file(*rom_path), on(CoreKind::kNative));
    machine->run_frames(300, button::kStart, Render::kNone);
    const auto state = machine->save_state();
    machine->run_frames(200, button::kRight, Render::kLast);
    const auto ram_after = ram_hash(*machine), frame_after = frame_hash(*machine);

    machine->load_state(state);
    EXPECT_EQ(machine->frame_count(), 300u);
    machine->run_frames(200, button::kRight, Render::kLast);
    EXPECT_EQ(ram_hash(*machine), ram_after);
    EXPECT_EQ(frame_hash(*machine), frame_after);

    auto corrupt = state;
    corrupt[corrupt.size() / 2] ^= 1;
    const auto before = ram_hash(*machine);
    EXPECT_THROW(machine->load_state(corrupt), emu::StateError);
    EXPECT_THROW(machine->load_state(std::span(state).first(100)), emu::StateError);
    EXPECT_EQ(ram_hash(*machine), before);

    // A state of the other core is refused with a message naming the core.
    auto reference = emu::make_machine(emu::Rom::from_file(*rom_path), on(CoreKind::kMgba));
    try {
        machine->load_state(reference->save_state());
        ADD_FAILURE() << "an mgba state was accepted";
    } catch (const emu::StateError& error) {
        EXPECT_NE(std::string(error.what()).find("--core mgba"), std::string::npos) << error.what();
    }
    EXPECT_EQ(ram_hash(*machine), before);
    try {
        reference->load_state(state);
        ADD_FAILURE() << "the mgba core accepted a native state";
    } catch (const emu::StateError& error) {
        EXPECT_NE(std::string(error.what()).find("--core native"), std::string::npos)
            << error.what();
    }
}

}  // namespace
}  // namespace crl::test
