// Shared by the tests: where the public test ROMs are, screen comparison, running the CLI.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emu/machine.h"
#include "image/png.h"

namespace crl::test {

// $CRYSTAL_RL_TESTROMS, else ../shared/testroms beside the source tree; nullopt if absent.
std::optional<std::filesystem::path> testroms_dir();
// The built demo ROM; nullopt when the build had no SDCC.
std::optional<std::filesystem::path> demo_rom_path();

// Skips the calling test (with the reason) when the test ROM is absent.
#define CRL_REQUIRE_TESTROM(var, relative)                                                 \
    const auto var##_dir = ::crl::test::testroms_dir();                                    \
    if (!var##_dir) {                                                                      \
        GTEST_SKIP() << "public test ROMs not found: set CRYSTAL_RL_TESTROMS or put them " \
                        "in ../shared/testroms";                                           \
    }                                                                                      \
    const std::filesystem::path var = *var##_dir / (relative);                             \
    if (!std::filesystem::exists(var)) GTEST_SKIP() << "test ROM missing: " << var.string()

// SHA-1 of all of WRAM, and of the picture: what "identical" means for the machine.
std::string ram_hash(const emu::Machine& machine);
std::string frame_hash(const emu::Machine& machine);
// Recomputes the header checksum (0x14D) of a ROM a test lays out by hand.
void fix_header_checksum(std::vector<std::uint8_t>& rom);

std::unique_ptr<emu::Machine> boot(const std::filesystem::path& rom,
                                   const emu::MachineOptions& options = {});
image::RgbImage screen_of(const emu::Machine& machine);
// Pixels whose colour differs.
int count_different_pixels(const image::RgbImage& a, const image::RgbImage& b);
// Pixels whose shade differs, each picture's colours ranked by brightness: for references taken
// with another palette for the four Game Boy shades.
int count_different_shades(const image::RgbImage& a, const image::RgbImage& b);
bool is_uniform(const image::RgbImage& image);
// Saves a picture under build/test-artifacts for a person to look at.
void save_artifact(const image::RgbImage& image, const std::string& name);

struct CommandResult {
    int exit_code = -1;
    std::string out;  // stdout and stderr
};
CommandResult run_cli(const std::string& arguments);

// crystal-rl started in the background (stdout and stderr to `log`), killed if still running
// when it goes out of scope.
class ChildProcess {
  public:
    ChildProcess(const std::vector<std::string>& arguments, const std::filesystem::path& log);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    void signal(int signal_number) const;
    // The exit code, or -signal if it was killed; nullopt if it is still running after `seconds`.
    std::optional<int> wait(double seconds);
    int pid() const { return pid_; }

  private:
    int pid_ = -1;
    bool reaped_ = false;
};

// Polls `condition` every 20 ms for up to `seconds`.
bool wait_until(const std::function<bool()>& condition, double seconds);
std::filesystem::path temp_dir(const std::string& name);

}  // namespace crl::test
