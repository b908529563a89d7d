// Thousands of native cores in one process: they share the ROM image, keep no global state and
// each plays exactly as a core alone does.
#include <gtest/gtest.h>

#include "demo_rom.h"
#include "emu/machine.h"

namespace crl::test {
namespace {

TEST(ManyCoresTest, TwoThousandNativeCoresEachPlayAsOneAlone) {
    if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build (SDCC missing)";
    const auto rom = emu::Rom::from_bytes(demo_rom_bytes(), "'demo'");
    emu::MachineOptions options;
    options.core = emu::CoreKind::kNative;
    // Two inputs, alternated over the cores, so a core that took another's memory would show.
    const emu::Buttons inputs[] = {emu::button::kStart, emu::button::kA};
    std::vector<std::vector<std::uint8_t>> alone;
    for (const auto buttons : inputs) {
        auto machine = emu::make_machine(rom, options);
        machine->run_frames(20, emu::button::kNone, emu::Render::kNone);
        machine->run_frames(20, buttons, emu::Render::kNone);
        alone.push_back(machine->read_region(emu::Region::kWram));
    }
    ASSERT_NE(alone[0], alone[1]) << "the two inputs must leave different memory";

    constexpr std::size_t kCores = 2000;
    std::vector<std::unique_ptr<emu::Machine>> machines;
    for (std::size_t i = 0; i < kCores; ++i)
        machines.push_back(emu::make_machine(rom, options));
    EXPECT_GT(rom.shared_bytes().use_count(), static_cast<long>(kCores))
        << "every core shares the one ROM image";
    for (auto& machine : machines)
        machine->run_frames(20, emu::button::kNone, emu::Render::kNone);
    for (std::size_t i = 0; i < kCores; ++i)
        machines[i]->run_frames(20, inputs[i % 2], emu::Render::kNone);
    for (std::size_t i = 0; i < kCores; ++i)
        ASSERT_EQ(machines[i]->read_region(emu::Region::kWram), alone[i % 2]) << "core " << i;
}

}  // namespace
}  // namespace crl::test
