// ROM files: the header is read right, and every kind of bad file is refused with a message that
// names the file and the reason, never a crash.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "emu/rom.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

// A minimal valid header: title, CGB flag, cartridge type, sizes and a correct checksum.
std::vector<std::uint8_t> synthetic_rom(std::size_t size = 32 * 1024) {
    std::vector<std::uint8_t> rom(size, 0);
    const std::string title = "TESTGAME";
    std::copy(title.begin(), title.end(), rom.begin() + 0x134);
    rom[0x143] = 0xC0;
    rom[0x147] = 0x10;
    rom[0x148] = 0x00;
    rom[0x149] = 0x03;
    fix_header_checksum(rom);
    rom[0x14E] = 0x12;
    rom[0x14F] = 0x34;
    return rom;
}

std::filesystem::path write_file(const std::filesystem::path& path,
                                 const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return path;
}

void expect_rom_error(const std::filesystem::path& path, const std::string& reason) {
    try {
        (void)emu::Rom::from_file(path);
        ADD_FAILURE() << "accepted " << path;
    } catch (const emu::RomError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find(path.string()), std::string::npos) << message;
        EXPECT_NE(message.find(reason), std::string::npos) << message;
    }
}

TEST(RomTest, ReadsTheHeader) {
    const auto rom = emu::Rom::from_bytes(synthetic_rom(), "'synthetic'");
    const auto& header = rom.header();
    EXPECT_EQ(header.title, "TESTGAME");
    EXPECT_TRUE(header.color_only());
    EXPECT_TRUE(header.has_rtc());
    EXPECT_TRUE(header.has_battery());
    EXPECT_EQ(header.cartridge_name(), "MBC3+TIMER+RAM+BATTERY");
    EXPECT_EQ(header.rom_bytes, 32u * 1024u);
    EXPECT_EQ(header.ram_bytes, 32u * 1024u);
    EXPECT_EQ(header.global_checksum, 0x1234);
    EXPECT_EQ(header.sha1, emu::sha1_hex(synthetic_rom()));
}

TEST(RomTest, Sha1MatchesAKnownDigest) {
    const std::string abc = "abc";
    EXPECT_EQ(emu::sha1_hex({reinterpret_cast<const std::uint8_t*>(abc.data()), abc.size()}),
              "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(RomTest, TitleOfAColorCartridgeStopsBeforeTheCgbFlag) {
    auto bytes = synthetic_rom();
    const std::string long_title = "ABCDEFGHIJKLMNO";  // 15 characters fill 0x134-0x142
    std::copy(long_title.begin(), long_title.end(), bytes.begin() + 0x134);
    fix_header_checksum(bytes);
    EXPECT_EQ(emu::Rom::from_bytes(bytes, "x").header().title, long_title);
}

TEST(RomTest, MissingFileIsRefused) {
    expect_rom_error(temp_dir("rom") / "nothing.gbc", "does not exist");
}

TEST(RomTest, DirectoryIsRefused) {
    expect_rom_error(temp_dir("rom"), "is a directory");
}

TEST(RomTest, EmptyFileIsRefused) {
    expect_rom_error(write_file(temp_dir("rom") / "empty.gb", {}), "is empty");
}

TEST(RomTest, FileSmallerThanAHeaderIsRefused) {
    expect_rom_error(write_file(temp_dir("rom") / "tiny.gb", std::vector<std::uint8_t>(300, 1)),
                     "smaller than a Game Boy header");
}

TEST(RomTest, WrongHeaderChecksumIsRefused) {
    auto bytes = synthetic_rom();
    bytes[0x14D] ^= 0xFF;
    expect_rom_error(write_file(temp_dir("rom") / "bad.gb", bytes), "header checksum");
}

TEST(RomTest, TextFileIsRefusedAsNotAGameBoyRom) {
    std::string text(1000, 'x');
    expect_rom_error(write_file(temp_dir("rom") / "notes.txt", {text.begin(), text.end()}),
                     "not a Game Boy ROM");
}

TEST(RomTest, FileOver8MiBIsRefused) {
    expect_rom_error(write_file(temp_dir("rom") / "huge.gb", synthetic_rom(9 * 1024 * 1024)),
                     "at most 8 MiB");
}

TEST(RomTest, TruncatedRomNamesItsSizeAndTheDeclaredSize) {
    auto bytes = synthetic_rom(2 * 1024 * 1024);
    bytes[0x148] = 0x06;  // 2 MiB declared
    fix_header_checksum(bytes);
    bytes.resize(1000);  // the header is intact, the rest is missing
    const auto path = write_file(temp_dir("rom") / "cut.gbc", bytes);
    try {
        (void)emu::Rom::from_file(path);
        ADD_FAILURE() << "a truncated ROM was accepted";
    } catch (const emu::RomError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("cut.gbc"), std::string::npos) << message;
        EXPECT_NE(message.find("1000 bytes"), std::string::npos) << message;
        EXPECT_NE(message.find("2097152"), std::string::npos) << message;
    }
}

TEST(RomTest, UnreadableFileIsRefused) {
    if (::geteuid() == 0) GTEST_SKIP() << "running as root: file permissions do not stop root";
    const auto path = write_file(temp_dir("rom") / "locked.gb", synthetic_rom());
    std::filesystem::permissions(path, std::filesystem::perms::none);
    expect_rom_error(path, "cannot be read");
}

TEST(RomTest, BadBytesInMemoryNameTheirSource) {
    try {
        (void)emu::Rom::from_bytes({}, "'embedded demo game'");
        ADD_FAILURE();
    } catch (const emu::RomError& error) {
        EXPECT_NE(std::string(error.what()).find("'embedded demo game' is empty"),
                  std::string::npos);
    }
}

TEST(RomTest, ValidRomIsAcceptedByTheEmulatorCore) {
    auto bytes = synthetic_rom();
    bytes[0x100] = 0x18;  // jr -2: a ROM that loops forever at its entry point
    bytes[0x101] = 0xFE;
    const auto rom = emu::Rom::from_bytes(bytes, "'synthetic'");
    auto machine = emu::make_machine(rom);
    machine->run_frames(10, emu::button::kNone);
    EXPECT_EQ(machine->frame_count(), 10u);
}

}  // namespace
}  // namespace crl::test
