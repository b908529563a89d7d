// The observation spec and its builder: sizes, the frame history, the visited mask, features.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "demo_rom.h"
#include "env/observation.h"

namespace crl::test {
namespace {

using env::ObservationBuffers;

struct Storage {
    std::vector<std::uint8_t> screen =
        std::vector<std::uint8_t>(env::kObsFrames * env::kObsScreenHeight * env::kObsScreenWidth);
    std::vector<std::uint8_t> visited =
        std::vector<std::uint8_t>(env::kObsVisitedSide * env::kObsVisitedSide);
    std::vector<float> features = std::vector<float>(env::feature_count());
    std::vector<std::int64_t> map = std::vector<std::int64_t>(1);
    ObservationBuffers buffers() { return {screen, visited, features, map}; }
    std::span<const std::uint8_t> frame(int index) const {
        const std::size_t pixels = env::kObsScreenHeight * env::kObsScreenWidth;
        return std::span(screen).subspan(index * pixels, pixels);
    }
    float feature(const std::string& name) const {
        const auto& names = env::feature_names();
        const auto at = std::find(names.begin(), names.end(), name);
        EXPECT_NE(at, names.end()) << name;
        return features[static_cast<std::size_t>(at - names.begin())];
    }
    int visited_cells() const {
        return static_cast<int>(std::count(visited.begin(), visited.end(), env::kObsVisited));
    }
};

TEST(ObservationSpecTest, NamesShapesAndTypesAreOneDefinition) {
    const auto& spec = env::observation_spec();
    ASSERT_EQ(spec.size(), 4u);
    EXPECT_EQ(spec[0].name, "screen");
    EXPECT_EQ(spec[0].shape, (std::vector<std::int64_t>{3, 72, 80}));
    EXPECT_EQ(env::to_string(spec[0].dtype), "uint8");
    EXPECT_EQ(spec[1].name, "visited");
    EXPECT_EQ(spec[2].name, "features");
    EXPECT_EQ(spec[2].shape,
              (std::vector<std::int64_t>{static_cast<std::int64_t>(env::feature_names().size())}));
    EXPECT_EQ(env::to_string(spec[2].dtype), "float32");
    EXPECT_EQ(spec[3].name, "map");
    EXPECT_EQ(env::to_string(spec[3].dtype), "int64");
    auto names = env::feature_names();
    std::sort(names.begin(), names.end());
    EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end()) << "names repeat";
}

TEST(ObservationSpecTest, WrongBufferSizesAreRejected) {
    Storage storage;
    storage.features.pop_back();
    EXPECT_THROW(env::check_buffers(storage.buffers()), std::invalid_argument);
    EXPECT_EQ(env::map_slot(-1), env::kObsMapSlots - 1);
    EXPECT_EQ(env::map_slot(0x1A05), 0x1A05);
}

class ObservationTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build (SDCC missing)";
        const auto rom = emu::Rom::from_bytes(demo_rom_bytes(), "'demo'");
        env::EnvOptions options;
        options.max_steps = 100;
        env_ = std::make_unique<env::Env>(emu::make_machine(rom), game::make_profile(rom), options);
    }
    // Title screen, START, then the town with the party.
    void start_game() {
        env_->reset();
        builder_.begin_episode(*env_, storage_.buffers());
        for (int i = 0; i < 30 && !(env_->state().screen == game::Screen::kOverworld &&
                                    !env_->state().party.empty());
             ++i) {
            env_->step(i % 4 == 3 ? env::Action::kStart : env::Action::kNoop);
            builder_.observe(*env_, storage_.buffers());
        }
        ASSERT_EQ(env_->state().screen, game::Screen::kOverworld);
        ASSERT_FALSE(env_->state().party.empty());
        env_->step(env::Action::kNoop);
        builder_.observe(*env_, storage_.buffers());
    }
    std::unique_ptr<env::Env> env_;
    env::ObservationBuilder builder_;
    Storage storage_;
};

TEST_F(ObservationTest, AnEpisodeStartsWithEveryFrameTheSame) {
    env_->reset();
    for (int i = 0; i < 30; ++i)
        env_->step(env::Action::kNoop);
    builder_.begin_episode(*env_, storage_.buffers());
    EXPECT_TRUE(std::ranges::equal(storage_.frame(0), storage_.frame(1)));
    EXPECT_TRUE(std::ranges::equal(storage_.frame(0), storage_.frame(2)));
    EXPECT_EQ(storage_.visited_cells(), 1);
}

TEST_F(ObservationTest, FramesShiftOneStepAtATime) {
    start_game();
    const std::vector<std::uint8_t> before(storage_.frame(0).begin(), storage_.frame(0).end());
    env_->step(env::Action::kRight);
    builder_.observe(*env_, storage_.buffers());
    EXPECT_TRUE(std::ranges::equal(storage_.frame(1), before));
    EXPECT_FALSE(std::ranges::equal(storage_.frame(0), before)) << "walking moves the picture";
    const auto sum = std::accumulate(storage_.frame(0).begin(), storage_.frame(0).end(), 0LL);
    EXPECT_GT(sum, 0);
}

TEST_F(ObservationTest, TheMaskMarksWhereTheEpisodeHasStood) {
    start_game();
    const int start_x = env_->state().x;
    const int start_y = env_->state().y;
    constexpr int kCentre = env::kObsVisitedSide / 2;
    int moves = 0;
    for (int i = 0; i < 6 && moves < 2; ++i) {
        const int x = env_->state().x;
        env_->step(i < 3 ? env::Action::kRight : env::Action::kLeft);
        builder_.observe(*env_, storage_.buffers());
        if (env_->state().x != x) ++moves;
    }
    ASSERT_GE(moves, 1) << "the player could not walk";
    // The cell the player stands on is always marked, and so is the start cell.
    EXPECT_EQ(storage_.visited[kCentre * env::kObsVisitedSide + kCentre], env::kObsVisited);
    const int dx = start_x - env_->state().x;
    const int dy = start_y - env_->state().y;
    EXPECT_EQ(storage_.visited[(kCentre + dy) * env::kObsVisitedSide + kCentre + dx],
              env::kObsVisited);
    EXPECT_GE(storage_.visited_cells(), 2);

    builder_.begin_episode(*env_, storage_.buffers());
    EXPECT_EQ(storage_.visited_cells(), 1) << "a new episode forgets";
}

TEST_F(ObservationTest, FeaturesFollowTheGameState) {
    start_game();
    const auto& state = env_->state();
    ASSERT_FALSE(state.party.empty());
    EXPECT_FLOAT_EQ(storage_.feature("level_0"), state.party[0].level / 100.f);
    EXPECT_FLOAT_EQ(storage_.feature("hp_0"),
                    static_cast<float>(state.party[0].hp) / state.party[0].max_hp);
    EXPECT_FLOAT_EQ(storage_.feature("screen_overworld"), 1.f);
    EXPECT_FLOAT_EQ(storage_.feature("screen_title"), 0.f);
    EXPECT_FLOAT_EQ(storage_.feature("in_battle"), 0.f);
    EXPECT_EQ(storage_.map[0], env::map_slot(state.map_id));
}

TEST_F(ObservationTest, StandingStillShowsAndANewCellResetsIt) {
    start_game();
    const float since = storage_.feature("steps_since_new_cell");
    const float visits = storage_.feature("visits_here");
    for (int i = 0; i < 3; ++i) {
        env_->step(env::Action::kNoop);
        builder_.observe(*env_, storage_.buffers());
    }
    EXPECT_FLOAT_EQ(storage_.feature("steps_since_new_cell"), since + 3.f / 256.f);
    EXPECT_FLOAT_EQ(storage_.feature("visits_here"), visits + 3.f / 64.f);
    const int x = env_->state().x;
    for (int i = 0; i < 4 && env_->state().x == x; ++i) {
        env_->step(env::Action::kRight);
        builder_.observe(*env_, storage_.buffers());
    }
    ASSERT_NE(env_->state().x, x) << "the player could not step right";
    EXPECT_FLOAT_EQ(storage_.feature("steps_since_new_cell"), 0.f);
    EXPECT_FLOAT_EQ(storage_.feature("visits_here"), 1.f / 64.f);
}

TEST_F(ObservationTest, APressAgainstATreeShowsWhichWayAndThatThePlayerDidNotMove) {
    start_game();
    EXPECT_FLOAT_EQ(storage_.feature("moved"), 0.f);
    const int x = env_->state().x;
    env_->step(env::Action::kLeft);
    builder_.observe(*env_, storage_.buffers());
    ASSERT_EQ(env_->state().x, x - 1) << "the town's start has room to the left";
    EXPECT_FLOAT_EQ(storage_.feature("moved"), 1.f);
    EXPECT_FLOAT_EQ(storage_.feature("facing_left"), 1.f);
    EXPECT_FLOAT_EQ(storage_.feature("facing_right"), 0.f);
    // Walk on until the trees at the town's west edge stop the player.
    int last_x = env_->state().x;
    for (int i = 0; i < 10; ++i) {
        env_->step(env::Action::kLeft);
        builder_.observe(*env_, storage_.buffers());
        if (env_->state().x == last_x) break;
        last_x = env_->state().x;
    }
    ASSERT_EQ(env_->state().x, last_x) << "the player never met the trees";
    EXPECT_FLOAT_EQ(storage_.feature("moved"), 0.f);
    EXPECT_FLOAT_EQ(storage_.feature("facing_left"), 1.f);
}

}  // namespace
}  // namespace crl::test
