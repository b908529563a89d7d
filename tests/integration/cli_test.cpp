// The crystal-rl binary as a user runs it: output, files written, exit codes (2 for bad
// arguments, 1 for runtime errors) and messages that name the problem.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "storage/files.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

TEST(CliTest, HelpExplainsEverySubcommand) {
    const auto help = run_cli("--help");
    EXPECT_EQ(help.exit_code, 0);
    for (const char* command : {"state", "screenshot", "bench"}) {
        EXPECT_NE(help.out.find(command), std::string::npos) << command;
        const auto sub = run_cli(std::string(command) + " --help");
        EXPECT_EQ(sub.exit_code, 0) << command;
        EXPECT_NE(sub.out.find("--rom"), std::string::npos) << command;
    }
}

TEST(CliTest, BadArgumentsExitWithCode2) {
    EXPECT_EQ(run_cli("").exit_code, 2);
    EXPECT_EQ(run_cli("state --frames many").exit_code, 2);
    EXPECT_EQ(run_cli("state --no-such-flag").exit_code, 2);
    EXPECT_EQ(run_cli("bench --render sometimes").exit_code, 2);
    const auto missing = run_cli("state --rom /nonexistent/game.gbc");
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.out.find("/nonexistent/game.gbc"), std::string::npos) << missing.out;
}

TEST(CliTest, RuntimeErrorsExitWithCode1AndNameTheFile) {
    const auto dir = temp_dir("cli");
    { std::ofstream(dir / "notes.gb") << std::string(2000, 'x'); }
    const auto bad_rom = run_cli("state --rom " + (dir / "notes.gb").string());
    EXPECT_EQ(bad_rom.exit_code, 1);
    EXPECT_NE(bad_rom.out.find("notes.gb"), std::string::npos) << bad_rom.out;
    EXPECT_NE(bad_rom.out.find("not a Game Boy ROM"), std::string::npos) << bad_rom.out;

    { std::ofstream(dir / "bad.movie") << "10 A\n3 KICK\n"; }
    CRL_REQUIRE_TESTROM(rom, "cgb-acid2/cgb-acid2.gbc");
    const auto bad_movie =
        run_cli("state --rom " + rom.string() + " --inputs " + (dir / "bad.movie").string());
    EXPECT_EQ(bad_movie.exit_code, 1);
    EXPECT_NE(bad_movie.out.find("bad.movie"), std::string::npos) << bad_movie.out;
    EXPECT_NE(bad_movie.out.find("KICK"), std::string::npos) << bad_movie.out;
}

TEST(CliTest, StatePrintsJsonAfterTheMovie) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    const auto dir = temp_dir("cli");
    { std::ofstream(dir / "start.movie") << "200 -\n10 START\n40 -\n"; }
    const auto args = "state --rom " + rom.string() + " --inputs " +
                      (dir / "start.movie").string() + " --frames 10";
    const auto first = run_cli(args);
    ASSERT_EQ(first.exit_code, 0) << first.out;
    const auto json = nlohmann::json::parse(first.out);
    EXPECT_EQ(json["frame"], 260);
    EXPECT_EQ(json["rom"]["title"], "MICROCITY");
    EXPECT_EQ(json["rom"]["cartridge"], "MBC5+RAM+BATTERY");
    // Same inputs, same start: the same RAM, in another process.
    EXPECT_EQ(nlohmann::json::parse(run_cli(args).out)["ram_sha1"], json["ram_sha1"]);
}

TEST(CliTest, ScreenshotWritesAPngOfTheScreen) {
    CRL_REQUIRE_TESTROM(rom, "cgb-acid2/cgb-acid2.gbc");
    const auto out = temp_dir("cli") / "shot.png";
    const auto result =
        run_cli("screenshot --rom " + rom.string() + " --frames 60 --out " + out.string());
    ASSERT_EQ(result.exit_code, 0) << result.out;
    const auto image = image::read_png(out);
    EXPECT_EQ(image.width, 160);
    EXPECT_EQ(image.height, 144);
    EXPECT_EQ(count_different_pixels(image, image::read_png(*rom_dir / "cgb-acid2/reference.png")),
              0);
}

TEST(CliTest, StateFileFromAnotherRomIsARuntimeError) {
    CRL_REQUIRE_TESTROM(rom, "cgb-acid2/cgb-acid2.gbc");
    const auto dir = temp_dir("cli");
    auto machine = boot(*rom_dir / "ucity/ucity.gbc");
    machine->save_state_file(dir / "ucity.state");
    const auto result =
        run_cli("state --rom " + rom.string() + " --state " + (dir / "ucity.state").string());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.out.find("ucity.state"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("another ROM"), std::string::npos) << result.out;
}

TEST(CliTest, StateOnlyReadsTheBatterySave) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    const auto sav = temp_dir("cli") / "ucity.sav";
    auto result = run_cli("state --rom " + rom.string() + " --frames 30 --battery " + sav.string());
    ASSERT_EQ(result.exit_code, 0) << result.out;
    EXPECT_FALSE(std::filesystem::exists(sav)) << "state wrote a battery save";
    const std::vector<std::uint8_t> save(128u * 1024u, 0x5A);
    storage::write_file_atomically(sav, save);
    result = run_cli("state --rom " + rom.string() + " --frames 30 --battery " + sav.string());
    ASSERT_EQ(result.exit_code, 0) << result.out;
    EXPECT_EQ(storage::read_file_bytes(sav, "save"), save);
}

TEST(CliTest, AFileThatIsNotABatterySaveIsRefusedAndLeftUnchanged) {
    CRL_REQUIRE_TESTROM(rom, "ucity/ucity.gbc");
    const auto dir = temp_dir("cli");
    const auto rom_copy = dir / "copy.gbc";
    std::filesystem::copy_file(rom, rom_copy);
    const auto before = storage::read_file_bytes(rom_copy, "copy");
    const auto notes = dir / "notes.txt";
    { std::ofstream(notes) << "hello"; }
    for (const auto& target : {rom_copy, notes}) {
        const std::string run_options =
            "run --quiet --no-web --max-actions 5 --run-dir " + (dir / "r").string();
        for (const auto& command : {std::string("state --frames 1"), run_options}) {
            const auto result =
                run_cli(command + " --rom " + rom.string() + " --battery " + target.string());
            EXPECT_EQ(result.exit_code, 1) << command << ": " << result.out;
            EXPECT_NE(result.out.find(target.string()), std::string::npos) << result.out;
            EXPECT_NE(result.out.find(target == notes ? "is 5 bytes" : "a copy of the ROM"),
                      std::string::npos)
                << result.out;
            EXPECT_FALSE(std::filesystem::exists(dir / "r")) << "a refused run left its folder";
        }
    }
    EXPECT_EQ(storage::read_file_bytes(rom_copy, "copy"), before);
    EXPECT_EQ(std::filesystem::file_size(notes), 5u);
    const auto missing_folder = run_cli("state --frames 1 --rom " + rom.string() + " --battery " +
                                        (dir / "no/such/x.sav").string());
    EXPECT_EQ(missing_folder.exit_code, 1) << missing_folder.out;
    EXPECT_NE(missing_folder.out.find("does not exist"), std::string::npos) << missing_folder.out;
}

TEST(CliTest, BenchReportsFramesPerSecondAsJson) {
    CRL_REQUIRE_TESTROM(rom, "cgb-acid2/cgb-acid2.gbc");
    const auto result = run_cli("bench --rom " + rom.string() + " --frames 240 --repeats 1 --json");
    ASSERT_EQ(result.exit_code, 0) << result.out;
    const auto json = nlohmann::json::parse(result.out);
    // What the user reads, not how fast it ran (speed is `make bench`'s): the frames asked for,
    // the ROM's title, and a speed against real time that agrees with the frames per second.
    EXPECT_EQ(json["frames"].get<int>(), 240);
    EXPECT_EQ(json["rom"], "CGB-ACID2");
    const double fps = json["fps"].get<double>();
    EXPECT_GT(fps, 0.0);
    EXPECT_NEAR(json["speed_vs_real_time"].get<double>() * emu::kFramesPerSecond, fps, fps * 1e-6);
    EXPECT_GT(json["state_bytes"].get<int>(), 1000);
}

}  // namespace
}  // namespace crl::test

namespace crl::test {
namespace {

TEST(CliTest, StatePrintsTheGameStateOfAVariablesFileWithSymbols) {
    const auto dir = temp_dir("cli");
    {
        std::ofstream(dir / "demo.sym") << "00:c106 wPlayerX\n00:c10a wMoney\n";
        std::ofstream(dir / "vars.json") << R"({"variables": {
            "player_x": {"symbol": "wPlayerX", "type": "u8"},
            "money": {"symbol": "wMoney", "type": "bcd", "size": 3},
            "mode": {"address": "0xC101", "type": "u8"}}})";
        std::ofstream(dir / "start.movie") << "60 -\n5 START\n30 -\n8 RIGHT\n10 -\n";
    }
    const auto result =
        run_cli("state --profile generic --variables " + (dir / "vars.json").string() + " --sym " +
                (dir / "demo.sym").string() + " --inputs " + (dir / "start.movie").string() +
                " --frames 0");
    if (result.out.find("no embedded demo game") != std::string::npos)
        GTEST_SKIP() << "no demo game";
    ASSERT_EQ(result.exit_code, 0) << result.out;
    const auto state = nlohmann::json::parse(result.out)["game_state"];
    EXPECT_EQ(state["profile"], "generic");
    EXPECT_EQ(state["PLAYER_X"], 5);
    EXPECT_EQ(state["MONEY"], 100);
    EXPECT_EQ(state["variables"]["mode"], 1);

    const auto bad = run_cli("state --profile generic --variables " + (dir / "vars.json").string());
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.out.find("entry 'money': names symbol 'wMoney' but no symbol file was given"),
              std::string::npos)
        << bad.out;
}

}  // namespace
}  // namespace crl::test
