// The explorer playing the real Pokémon Crystal from power-on, run as a user runs it
// (`crystal-rl run --agent explorer --no-web`), judged by the milestones it prints at the end.
// Needs the user's ROM in $CRYSTAL_RL_ROM (US 1.0); skipped without it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include <unistd.h>

#include "support/test_support.h"

namespace crl::test {
namespace {

// "  1496  map      CHERRYGROVE CITY" lines of the final summary: what -> first action.
std::multimap<std::string, long> milestones_of(const std::string& output) {
    std::multimap<std::string, long> found;
    std::istringstream lines(output.substr(output.find("milestones (action, what):")));
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        long step = 0;
        std::string kind, detail;
        if (!(fields >> step >> kind)) break;
        std::getline(fields >> std::ws, detail);
        found.emplace(kind + " " + detail, step);
    }
    return found;
}

long first(const std::multimap<std::string, long>& milestones, const std::string& what) {
    const auto it = milestones.find(what);
    return it == milestones.end() ? -1 : it->second;
}

TEST(CrystalExplorerTest, FromPowerOnGetsTheStarterAndReachesRoute29Within5000Actions) {
    const char* rom = std::getenv("CRYSTAL_RL_ROM");
    if (!rom || !*rom) GTEST_SKIP() << "CRYSTAL_RL_ROM is not set (the real Pokemon Crystal ROM)";
    const auto run =
        std::filesystem::temp_directory_path() / ("crystal-rl-play-" + std::to_string(::getpid()));
    std::filesystem::remove_all(run);
    const auto result = run_cli(
        "run --rom '" + std::string(rom) +
        "' --agent explorer --no-web --quiet --max-actions 5000 --run-dir '" + run.string() + "'");
    ASSERT_EQ(result.exit_code, 0) << result.out;
    const auto milestones = milestones_of(result.out);
    std::printf("%s\n", result.out.substr(result.out.find("milestones")).c_str());
    const long starter = first(milestones, "starter CYNDAQUIL") >= 0
                             ? first(milestones, "starter CYNDAQUIL")
                             : std::max(first(milestones, "starter TOTODILE"),
                                        first(milestones, "starter CHIKORITA"));
    const long route29 = first(milestones, "map ROUTE 29");
    EXPECT_GT(first(milestones, "map NEW BARK TOWN"), 0) << "never left the house";
    EXPECT_GT(starter, 0) << "no starter";
    EXPECT_GT(route29, starter) << "never reached Route 29 with a starter";
    std::filesystem::remove_all(run);
}

}  // namespace
}  // namespace crl::test
