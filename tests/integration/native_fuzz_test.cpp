// The native core fed garbage: random bytes as a ROM (with a header that passes the checks),
// random opcodes from the entry point, random buttons. It must never crash, hang or read outside
// its memory (this file is also built under ASan/UBSan), and it must stay deterministic.
// Needs only emu, so it can be built on its own with sanitizers.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "emu/machine.h"

namespace crl::test {
namespace {

using emu::Render;

// Cartridge types the native core knows, and two it does not (read as a plain ROM).
constexpr std::uint8_t kCartridgeTypes[] = {0x00, 0x01, 0x03, 0x05, 0x06, 0x0F, 0x10,
                                            0x13, 0x19, 0x1B, 0x1E, 0x22, 0xFC};

void fix_checksum(std::vector<std::uint8_t>& rom) {
    std::uint8_t sum = 0;
    for (std::size_t i = 0x134; i <= 0x14C; ++i)
        sum = static_cast<std::uint8_t>(sum - rom[i] - 1);
    rom[0x14D] = sum;
}

// Random bytes laid out as a cartridge: random size (as small as a header, or banked), random
// cartridge and RAM types, colour or not. With `jump_to_code` the entry point jumps into the
// random bytes, so the CPU runs random opcodes at once.
std::vector<std::uint8_t> random_rom(std::mt19937& random, bool jump_to_code) {
    static constexpr std::size_t kSizes[] = {0x150, 0x3000, 0x8000, 0x10000, 0x40000};
    const std::size_t size = kSizes[random() % std::size(kSizes)];
    std::vector<std::uint8_t> rom(size);
    std::generate(rom.begin(), rom.end(), [&] { return static_cast<std::uint8_t>(random()); });
    if (jump_to_code) {
        rom[0x100] = 0x00, rom[0x101] = 0xC3, rom[0x102] = 0x50, rom[0x103] = 0x01;  // jp $150
    }
    rom[0x143] = static_cast<std::uint8_t>((random() % 3) == 0 ? 0x00 : 0x80);
    rom[0x147] = kCartridgeTypes[random() % std::size(kCartridgeTypes)];
    int size_code = 0;
    while ((std::size_t{0x8000} << (size_code + 1)) <= size)
        ++size_code;
    // Below 32 KiB only an unknown size code passes the ROM checks (code 0 declares 32 KiB).
    rom[0x148] = static_cast<std::uint8_t>(size >= 0x8000 ? size_code : 0x52);
    rom[0x149] = static_cast<std::uint8_t>(random() % 6);
    fix_checksum(rom);
    return rom;
}

std::unique_ptr<emu::Machine> native_machine(const emu::Rom& rom) {
    emu::MachineOptions options;
    options.core = emu::CoreKind::kNative;
    return emu::make_machine(rom, options);
}

// Plays random buttons in short runs, drawing some frames, and reads every address through
// Machine (with and without banks) between runs.
void play_randomly(emu::Machine& machine, std::mt19937& random, int runs) {
    for (int run = 0; run < runs; ++run) {
        const auto buttons = static_cast<emu::Buttons>(random());
        const Render render = run % 3 == 0 ? Render::kAll : Render::kLast;
        machine.run_frames(1 + static_cast<int>(random() % 6), buttons, render);
    }
    for (int address = 0; address < 0x10000; ++address)
        machine.read(-1, static_cast<std::uint16_t>(address));
    for (const int bank : {0, 1, 2, 7, 255})
        for (const int address : {0x4000, 0x7FFF, 0x8000, 0xA000, 0xBFFF, 0xD000, 0xDFFF})
            machine.read(bank, static_cast<std::uint16_t>(address));
}

std::string memory_of(const emu::Machine& machine) {
    std::string all;
    for (const auto region :
         {emu::Region::kWram, emu::Region::kHram, emu::Region::kVram, emu::Region::kCartRam}) {
        const auto bytes = machine.read_region(region);
        all.append(bytes.begin(), bytes.end());
    }
    const auto frame = machine.frame_rgb();
    all.append(frame.begin(), frame.end());
    return all;
}

void fuzz(bool jump_to_code, unsigned first_seed, int roms) {
    for (unsigned seed = first_seed; seed < first_seed + roms; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::mt19937 random(seed);
        const auto bytes = random_rom(random, jump_to_code);
        const auto rom = emu::Rom::from_bytes(bytes, "random ROM " + std::to_string(seed));
        auto machine = native_machine(rom);
        play_randomly(*machine, random, 12);
        const auto frames = machine->frame_count();
        EXPECT_GT(frames, 12u);

        // The same inputs from a saved state give the same machine: garbage is deterministic.
        const auto state = machine->save_state();
        std::mt19937 replay_random(seed * 7 + 1), again_random(seed * 7 + 1);
        play_randomly(*machine, replay_random, 6);
        const auto after = memory_of(*machine);
        machine->load_state(state);
        EXPECT_EQ(machine->frame_count(), frames);
        play_randomly(*machine, again_random, 6);
        EXPECT_EQ(memory_of(*machine), after);
    }
}

TEST(NativeFuzzTest, RandomRomsWithValidHeadersNeverCrash) {
    fuzz(false, 1, 40);
}

TEST(NativeFuzzTest, RandomOpcodesFromTheEntryPointNeverCrash) {
    fuzz(true, 1000, 40);
}

}  // namespace
}  // namespace crl::test
