// emu::Machine on real ROMs: header, memory banks, drawing modes, clock, determinism, threads.
#include <gtest/gtest.h>

#include <thread>

#include "emu/movie.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

using emu::Render;
namespace button = emu::button;

// Plays a movie segment by segment, as `crystal-rl --inputs` does.
void play(emu::Machine& machine, const emu::Movie& movie) {
    for (const auto& segment : movie.segments()) {
        machine.run_frames(static_cast<int>(segment.frames), segment.buttons, Render::kLast);
    }
}

emu::Movie ucity_movie() {
    return emu::Movie::parse(
        "300 -\n10 START\n120 -\n10 START\n200 -\n8 A\n30 RIGHT\n30 DOWN\n8 B\n100 -\n");
}

TEST(MachineTest, ExposesTheRomHeader) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    const auto machine = boot(rom);
    const auto& header = machine->header();
    EXPECT_EQ(header.title, "MICROCITY");
    EXPECT_TRUE(header.supports_color());
    EXPECT_EQ(header.cartridge_name(), "MBC5+RAM+BATTERY");
    EXPECT_TRUE(header.has_battery());
    EXPECT_EQ(header.ram_bytes, 128u * 1024u);
    EXPECT_EQ(header.sha1.size(), 40u);
}

TEST(MachineTest, FrameCounterCountsRunFramesAndResetClearsIt) {
    CRL_REQUIRE_TESTROM(rom, "cgb-acid2/cgb-acid2.gbc");
    auto machine = boot(rom);
    EXPECT_EQ(machine->frame_count(), 0u);
    machine->run_frames(7, button::kNone);
    machine->run_frames(5, button::kA);
    EXPECT_EQ(machine->frame_count(), 12u);
    machine->reset();
    EXPECT_EQ(machine->frame_count(), 0u);
}

TEST(MachineTest, WramBanksAreReadAndWrittenByBank) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    auto machine = boot(rom);
    machine->run_frames(60, button::kNone);
    machine->write(2, 0xD123, 0x42);
    machine->write(3, 0xD123, 0x17);
    machine->write(0, 0xC010, 0x99);
    EXPECT_EQ(machine->read(2, 0xD123), 0x42);
    EXPECT_EQ(machine->read(3, 0xD123), 0x17);
    EXPECT_EQ(machine->read(0, 0xC010), 0x99);
    const auto wram = machine->read_region(emu::Region::kWram);
    ASSERT_EQ(wram.size(), 0x8000u);
    EXPECT_EQ(wram[2 * 0x1000 + 0x123], 0x42);
    EXPECT_EQ(wram[3 * 0x1000 + 0x123], 0x17);
    EXPECT_EQ(wram[0x010], 0x99);
    // The bus view (-1) shows whichever bank the game selected in SVBK (FF70).
    const int selected = std::max(1, machine->read(-1, 0xFF70) & 7);
    EXPECT_EQ(machine->read(-1, 0xD123), machine->read(selected, 0xD123));
}

TEST(MachineTest, RegionsHaveTheirHardwareSizes) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    const auto machine = boot(rom);
    EXPECT_EQ(machine->read_region(emu::Region::kHram).size(), 127u);
    EXPECT_EQ(machine->read_region(emu::Region::kVram).size(), 0x4000u);
    EXPECT_EQ(machine->read_region(emu::Region::kCartRam).size(), 0x20000u);
}

TEST(MachineTest, ReadingMemoryDoesNotDisturbEmulation) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    auto quiet = boot(rom);
    auto probed = boot(rom);
    for (int step = 0; step < 50; ++step) {
        quiet->run_frames(12, button::kNone);
        probed->run_frames(12, button::kNone);
        for (int address = 0x8000; address <= 0xFFFF; address += 7) {
            (void)probed->read(-1, static_cast<std::uint16_t>(address));
        }
        (void)probed->read_region(emu::Region::kWram);
        (void)probed->read_region(emu::Region::kHram);
    }
    EXPECT_EQ(ram_hash(*quiet), ram_hash(*probed));
    EXPECT_EQ(frame_hash(*quiet), frame_hash(*probed));
}

TEST(MachineTest, RenderLastDrawsTheSameFinalFrameAsRenderAll) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    auto all = boot(rom);
    auto last = boot(rom);
    for (int step = 0; step < 20; ++step) {
        all->run_frames(24, button::kNone, Render::kAll);
        last->run_frames(24, button::kNone, Render::kLast);
    }
    EXPECT_FALSE(is_uniform(screen_of(*last)));
    EXPECT_EQ(frame_hash(*all), frame_hash(*last));
    EXPECT_EQ(ram_hash(*all), ram_hash(*last));
}

TEST(MachineTest, RenderNoneLeavesThePictureAlone) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    auto machine = boot(rom);
    machine->run_frames(300, button::kNone, Render::kLast);
    const auto before = frame_hash(*machine);
    machine->run_frames(10, button::kStart, Render::kNone);
    machine->run_frames(200, button::kNone, Render::kNone);
    EXPECT_EQ(frame_hash(*machine), before);
    machine->run_frames(1, button::kNone, Render::kLast);
    EXPECT_NE(frame_hash(*machine), before);
}

TEST(MachineTest, EmulatedClockStartsAtRtcStartAndFollowsEmulatedTime) {
    CRL_REQUIRE_TESTROM(rom, "rtc3test/rtc3test.gb");
    emu::MachineOptions options;
    options.rtc_start = 1'000'000'000;
    auto machine = boot(rom, options);
    EXPECT_EQ(machine->clock_now(), 1'000'000'000);
    machine->run_frames(600, button::kNone, Render::kNone);  // 600 frames = 10.05 s
    EXPECT_EQ(machine->clock_now(), 1'000'000'010);
}

TEST(MachineTest, HostClockFollowsTheWallClock) {
    CRL_REQUIRE_TESTROM(rom, "rtc3test/rtc3test.gb");
    emu::MachineOptions options;
    options.clock = emu::Clock::kHost;
    auto machine = boot(rom, options);
    machine->run_frames(600, button::kNone, Render::kNone);
    EXPECT_NEAR(static_cast<double>(machine->clock_now()), static_cast<double>(std::time(nullptr)),
                2.0);
}

TEST(DeterminismTest, SameMovieTwiceGivesIdenticalRamAndFrames) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    const auto movie = ucity_movie();
    auto first = boot(rom);
    auto second = boot(rom);
    play(*first, movie);
    play(*second, movie);
    EXPECT_EQ(first->frame_count(), movie.total_frames());
    EXPECT_EQ(ram_hash(*first), ram_hash(*second));
    EXPECT_EQ(frame_hash(*first), frame_hash(*second));
}

TEST(DeterminismTest, TheClockGameIsReproducibleWithTheEmulatedClock) {
    CRL_REQUIRE_TESTROM(rom, "rtc3test/rtc3test.gb");
    auto first = boot(rom);
    auto second = boot(rom);
    for (auto* machine : {first.get(), second.get()}) {
        machine->run_frames(60, button::kNone);
        machine->run_frames(6, button::kA);
        machine->run_frames(600, button::kNone);
    }
    EXPECT_EQ(ram_hash(*first), ram_hash(*second));
    EXPECT_EQ(frame_hash(*first), frame_hash(*second));
}

TEST(DeterminismTest, RecordedInputsReplayExactly) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    auto original = boot(rom);
    emu::Movie recorded;
    std::uint32_t seed = 12345;
    for (int step = 0; step < 100; ++step) {
        seed = seed * 1103515245u + 12345u;
        const auto buttons = static_cast<emu::Buttons>(1u << ((seed >> 16) % 8));
        const int frames = 1 + static_cast<int>((seed >> 8) % 20);
        original->run_frames(frames, buttons);
        recorded.append(buttons, static_cast<std::uint64_t>(frames));
    }
    const auto replayed_movie = emu::Movie::parse(recorded.to_text());
    ASSERT_EQ(replayed_movie, recorded);
    auto replayed = boot(rom);
    play(*replayed, replayed_movie);
    EXPECT_EQ(ram_hash(*original), ram_hash(*replayed));
    EXPECT_EQ(frame_hash(*original), frame_hash(*replayed));
}

TEST(ThreadsTest, MachinesOnSeparateThreadsMatchASingleThreadedRun) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    const auto movie = ucity_movie();
    auto reference_machine = boot(rom);
    play(*reference_machine, movie);
    const auto expected = ram_hash(*reference_machine);

    constexpr int kThreads = 4;
    std::vector<std::string> hashes(kThreads);
    std::vector<std::jthread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            auto machine = boot(rom);
            play(*machine, movie);
            hashes[static_cast<std::size_t>(i)] = ram_hash(*machine);
        });
    }
    threads.clear();
    for (const auto& hash : hashes)
        EXPECT_EQ(hash, expected);
}

TEST(SerialTest, SerialOutputIsClearedByReset) {
    CRL_REQUIRE_TESTROM(rom, "blargg/instr_timing/instr_timing.gb");
    auto machine = boot(rom);
    machine->run_frames(120, button::kNone, Render::kNone);
    EXPECT_NE(machine->serial_output().find("instr_timing"), std::string::npos);
    machine->reset();
    EXPECT_EQ(machine->serial_output(), "");
}

}  // namespace
}  // namespace crl::test
