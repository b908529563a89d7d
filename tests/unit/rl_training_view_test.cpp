// The training dashboard's data (rl/training_view.h) on two demo-game envs: every env's
// thumbnail and position, the heat of visited tiles, the maps' grids, the watched env's snapshot
// switching on watch(), the curve kept bounded, and the /metrics text.
#include <gtest/gtest.h>

#include "demo_rom.h"
#include "env/vector_env.h"
#include "rl/training_view.h"

namespace crl::test {
namespace {

class TrainingViewTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build (SDCC missing)";
        const auto rom = emu::Rom::from_bytes(demo_rom_bytes(), "'demo'");
        std::vector<std::unique_ptr<env::Env>> list;
        for (int i = 0; i < 2; ++i)
            list.push_back(
                std::make_unique<env::Env>(emu::make_machine(rom), game::make_profile(rom)));
        envs = std::make_unique<env::VectorEnv>(std::move(list));
        for (std::size_t i = 0; i < envs->size(); ++i)
            envs->at(i).reset();
    }

    // START for the first steps (the title takes a moment to read buttons), then env 0 walks
    // right and env 1 down, each step shown to the view.
    void play(rl::TrainingView& view, int steps) {
        for (int step = 0; step < steps; ++step) {
            const bool title = step < 4;
            envs->step({title ? env::Action::kStart : env::Action::kRight,
                        title ? env::Action::kStart : env::Action::kDown});
            view.after_step(*envs, {1.5 * step, -0.5 * step}, 2u * (step + 1));
        }
    }

    std::unique_ptr<env::VectorEnv> envs;
};

TEST_F(TrainingViewTest, ShowsEveryEnvWithAThumbnailPositionAndHeat) {
    rl::TrainingView view(2, {.thumbnail_seconds = 0, .stream_fps = 1e9, .curve_rows = 10});
    play(view, 12);
    const auto json = view.to_json(true);
    ASSERT_EQ(json["envs"].size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& env = json["envs"][i];
        EXPECT_EQ(env["thumbnail"].get<std::string>().rfind("data:image/png;base64,", 0), 0u);
        EXPECT_EQ(env["x"], envs->at(i).state().x);
        EXPECT_EQ(env["y"], envs->at(i).state().y);
        EXPECT_EQ(env["map"], envs->at(i).state().map_id);
    }
    EXPECT_DOUBLE_EQ(json["envs"][0]["episode_return"].get<double>(), 1.5 * 11);
    // Walking right and down: two different tiles at least, counted per visit.
    const auto& heat = json["heat"][std::to_string(envs->at(0).state().map_id)];
    EXPECT_GE(heat.size(), 2u);
    int visits = 0;
    for (const auto& cell : json["heat"].items())
        for (const auto& entry : cell.value())
            visits += entry[2].get<int>();
    EXPECT_EQ(visits, 2 * 12);
    // The map the envs stand on, with its rows, once asked for.
    const auto map = std::to_string(envs->at(0).state().map_id);
    ASSERT_TRUE(json["maps"].contains(map));
    EXPECT_GT(json["maps"][map]["rows"].size(), 0u);
    EXPECT_FALSE(view.to_json(false).contains("maps"));
}

TEST_F(TrainingViewTest, WatchSwitchesTheSnapshotToAnotherEnv) {
    rl::TrainingView view(2, {.thumbnail_seconds = 1000, .stream_fps = 1e9, .curve_rows = 10});
    play(view, 8);
    ASSERT_NE(view.latest(), nullptr);
    EXPECT_NE(view.latest()->stats.agent.find("env 0"), std::string::npos);
    EXPECT_EQ(view.latest()->state.x, envs->at(0).state().x);

    view.watch(1);
    view.watch(7);  // no such env: ignored
    EXPECT_EQ(view.watched(), 1);
    play(view, 2);
    const auto snapshot = view.latest();
    EXPECT_NE(snapshot->stats.agent.find("env 1"), std::string::npos);
    EXPECT_EQ(snapshot->state.y, envs->at(1).state().y);
    std::vector<std::uint8_t> rgb(emu::kFrameRgbBytes);
    envs->at(1).machine().copy_frame_rgb(std::span<std::uint8_t, emu::kFrameRgbBytes>(rgb));
    EXPECT_EQ(snapshot->rgb, rgb);
    EXPECT_EQ(view.to_json(false)["watched"], 1);
}

TEST(TrainingViewCurveTest, KeepsTheWholeSpanInBoundedRowsAndWritesMetrics) {
    rl::TrainingView view(3, {.thumbnail_seconds = 2, .stream_fps = 10, .curve_rows = 8});
    for (std::uint64_t update = 1; update <= 40; ++update) {
        rl::UpdateRow row;
        row.update = update;
        row.env_steps = update * 512;
        row.entropy = 2.0 - 0.01 * static_cast<double>(update);
        view.after_update(row, update * 2);
    }
    const auto curve = view.to_json(false)["curve"];
    EXPECT_LE(curve.size(), 8u);
    EXPECT_EQ(curve.front()["update"], 1);
    EXPECT_EQ(curve.back()["update"], 40);
    const auto metrics = view.prometheus();
    EXPECT_NE(metrics.find("crystal_rl_train_envs 3\n"), std::string::npos);
    EXPECT_NE(metrics.find("crystal_rl_train_updates_total 40\n"), std::string::npos);
    EXPECT_NE(metrics.find("crystal_rl_train_episodes_total 80\n"), std::string::npos);
}

TEST(TrainingViewCurveTest, AnswersOnlyTheUpdatesAfterTheOneTheDashboardHas) {
    rl::TrainingView view(1);
    EXPECT_EQ(view.to_json(false)["curve_last"], -1);
    for (std::uint64_t update = 1; update <= 5; ++update) {
        rl::UpdateRow row;
        row.update = update;
        row.env_steps = update * 512;
        view.after_update(row, update);
    }
    const auto newer = view.to_json(false, 3);
    ASSERT_EQ(newer["curve"].size(), 2u);
    EXPECT_EQ(newer["curve"][0]["update"], 4);
    EXPECT_EQ(newer["curve"][1]["update"], 5);
    EXPECT_EQ(newer["curve_last"], 5);
    EXPECT_TRUE(view.to_json(false, 5)["curve"].empty());
    EXPECT_EQ(view.to_json(false)["curve"].size(), 5u);
}

}  // namespace
}  // namespace crl::test
