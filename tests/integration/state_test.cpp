// Save states and battery saves: complete, exact, and refused cleanly when they are not ours.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "emu/battery.h"
#include "storage/files.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

using emu::Render;
namespace button = emu::button;

void run_some_input(emu::Machine& machine) {
    machine.run_frames(100, button::kNone);
    machine.run_frames(10, button::kStart);
    machine.run_frames(200, button::kNone);
    machine.run_frames(10, button::kA);
    machine.run_frames(280, button::kRight);
}

TEST(StateTest, SaveRunLoadRunGivesIdenticalResults) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    auto machine = boot(rom);
    machine->run_frames(400, button::kNone);
    const auto state = machine->save_state();
    const auto frame_at_save = machine->frame_count();

    run_some_input(*machine);
    const auto first_ram = ram_hash(*machine);
    const auto first_frame = frame_hash(*machine);
    const auto first_count = machine->frame_count();

    machine->load_state(state);
    EXPECT_EQ(machine->frame_count(), frame_at_save);
    run_some_input(*machine);
    EXPECT_EQ(ram_hash(*machine), first_ram);
    EXPECT_EQ(frame_hash(*machine), first_frame);
    EXPECT_EQ(machine->frame_count(), first_count);
}

TEST(StateTest, StateCarriesCartridgeRam) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    auto machine = boot(rom);
    std::vector<std::uint8_t> pattern(machine->battery_ram().size());
    for (std::size_t i = 0; i < pattern.size(); ++i)
        pattern[i] = static_cast<std::uint8_t>(i * 7);
    machine->load_battery_ram(pattern);
    const auto state = machine->save_state();

    machine->load_battery_ram(std::vector<std::uint8_t>(pattern.size(), 0xEE));
    ASSERT_NE(machine->battery_ram(), pattern);
    machine->load_state(state);
    EXPECT_EQ(machine->battery_ram(), pattern);
}

TEST(StateTest, StateCarriesTheClock) {
    CRL_REQUIRE_TESTROM(rom, "rtc3test/rtc3test.gb");
    emu::MachineOptions options;
    options.rtc_start = 2'000'000'000;
    auto machine = boot(rom, options);
    machine->run_frames(1200, button::kNone, Render::kNone);
    const auto state = machine->save_state();
    const auto clock_at_save = machine->clock_now();

    auto other = boot(rom);  // another start time
    other->load_state(state);
    EXPECT_EQ(other->clock_now(), clock_at_save);
}

TEST(StateTest, StateFilesRoundTrip) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    const auto dir = temp_dir("state");
    auto machine = boot(rom);
    machine->run_frames(300, button::kNone);
    machine->save_state_file(dir / "a.state");
    const auto expected = ram_hash(*machine);
    machine->run_frames(300, button::kStart);
    machine->load_state_file(dir / "a.state");
    EXPECT_EQ(ram_hash(*machine), expected);
}

class BadStateTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto dir = testroms_dir();
        if (!dir || !std::filesystem::exists(*dir / "ucity/ucity.gbc")) {
            GTEST_SKIP() << "public test ROMs not found: set CRYSTAL_RL_TESTROMS";
        }
        machine = boot(*dir / "ucity/ucity.gbc");
        machine->run_frames(200, button::kNone);
        good = machine->save_state();
        machine->run_frames(50, button::kStart);
        ram_before = ram_hash(*machine);
        frame_count_before = machine->frame_count();
    }

    // The refused load must leave the machine exactly as it was.
    void expect_refused(const std::vector<std::uint8_t>& state, const std::string& reason) {
        try {
            machine->load_state(state);
            ADD_FAILURE() << "a bad state was accepted";
        } catch (const emu::StateError& error) {
            EXPECT_NE(std::string(error.what()).find(reason), std::string::npos) << error.what();
        }
        EXPECT_EQ(ram_hash(*machine), ram_before);
        EXPECT_EQ(machine->frame_count(), frame_count_before);
    }

    std::unique_ptr<emu::Machine> machine;
    std::vector<std::uint8_t> good;
    std::string ram_before;
    std::uint64_t frame_count_before = 0;
};

TEST_F(BadStateTest, CorruptStateIsRefused) {
    auto corrupt = good;
    corrupt[corrupt.size() / 2] ^= 0x5A;
    expect_refused(corrupt, "corrupt");
}

TEST_F(BadStateTest, TruncatedStateIsRefused) {
    auto truncated = good;
    truncated.resize(good.size() / 3);
    expect_refused(truncated, "truncated");
    expect_refused({good.begin(), good.begin() + 10}, "truncated");
}

TEST_F(BadStateTest, EmptyAndForeignBytesAreRefused) {
    expect_refused({}, "truncated");
    expect_refused(std::vector<std::uint8_t>(4096, 0xAB), "not a crystal-rl state");
}

TEST_F(BadStateTest, StateOfAnotherRomIsRefused) {
    const auto other_rom = *testroms_dir() / "cgb-acid2/cgb-acid2.gbc";
    auto other = boot(other_rom);
    other->run_frames(10, button::kNone);
    expect_refused(other->save_state(), "another ROM");
}

TEST_F(BadStateTest, MissingStateFileNamesThePath) {
    try {
        machine->load_state_file("/nonexistent/x.state");
        ADD_FAILURE() << "a missing file was accepted";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("/nonexistent/x.state"), std::string::npos);
    }
    EXPECT_EQ(ram_hash(*machine), ram_before);
}

TEST(BatteryTest, BatterySaveSurvivesARestart) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    const auto sav = temp_dir("battery") / "ucity.sav";
    std::vector<std::uint8_t> pattern;
    {
        auto machine = boot(rom);
        emu::BatteryFile battery(*machine, sav);
        EXPECT_FALSE(battery.load());
        pattern.resize(machine->battery_ram().size());
        for (std::size_t i = 0; i < pattern.size(); ++i)
            pattern[i] = static_cast<std::uint8_t>(i ^ 0x3C);
        machine->load_battery_ram(pattern);
        machine->run_frames(60, button::kNone);
    }  // the BatteryFile flushes as it goes
    ASSERT_TRUE(std::filesystem::exists(sav));
    auto machine = boot(rom);
    emu::BatteryFile battery(*machine, sav);
    EXPECT_TRUE(battery.load());
    EXPECT_EQ(machine->battery_ram(), pattern);
}

TEST(BatteryTest, ChangedRamIsWrittenOnceTheIntervalPasses) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    const auto sav = temp_dir("battery") / "ucity.sav";
    auto machine = boot(rom);
    const auto start = std::chrono::steady_clock::now();
    emu::BatteryFile battery(*machine, sav, std::chrono::seconds(5));
    EXPECT_FALSE(battery.load());  // no file yet: it may be created
    std::vector<std::uint8_t> ram(machine->battery_ram().size(), 0x11);
    machine->load_battery_ram(ram);

    battery.tick(start + std::chrono::seconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(std::filesystem::exists(sav)) << "written before the interval passed";
    battery.tick(start + std::chrono::seconds(6));
    for (int i = 0; i < 200 && !std::filesystem::exists(sav); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(std::filesystem::exists(sav));
    battery.flush();
    EXPECT_EQ(storage::read_file_bytes(sav, "battery"), ram);
}

}  // namespace
}  // namespace crl::test
