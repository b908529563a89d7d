#include "support/test_support.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace crl::test {

std::optional<std::filesystem::path> testroms_dir() {
    if (const char* env = std::getenv("CRYSTAL_RL_TESTROMS"); env && *env) {
        if (std::filesystem::is_directory(env)) return std::filesystem::path(env);
        return std::nullopt;
    }
    const std::filesystem::path fallback = CRL_TESTROMS_DEFAULT;
    if (std::filesystem::is_directory(fallback)) return fallback;
    return std::nullopt;
}

std::optional<std::filesystem::path> demo_rom_path() {
    const std::filesystem::path path = CRL_DEMO_ROM_PATH;
    if (path.empty() || !std::filesystem::exists(path)) return std::nullopt;
    return path;
}

std::string ram_hash(const emu::Machine& machine) {
    return emu::sha1_hex(machine.read_region(emu::Region::kWram));
}

std::string frame_hash(const emu::Machine& machine) {
    return emu::sha1_hex(machine.frame_rgb());
}

void fix_header_checksum(std::vector<std::uint8_t>& rom) {
    std::uint8_t sum = 0;
    for (std::size_t i = 0x134; i < 0x14D; ++i)
        sum = sum - rom[i] - 1;
    rom[0x14D] = sum;
}

std::unique_ptr<emu::Machine> boot(const std::filesystem::path& rom,
                                   const emu::MachineOptions& options) {
    return emu::make_machine(emu::Rom::from_file(rom), options);
}

image::RgbImage screen_of(const emu::Machine& machine) {
    return {emu::kScreenWidth, emu::kScreenHeight, machine.frame_rgb()};
}

int count_different_pixels(const image::RgbImage& a, const image::RgbImage& b) {
    if (a.width != b.width || a.height != b.height) return a.width * a.height + 1;
    int different = 0;
    for (std::size_t i = 0; i < a.rgb.size(); i += 3) {
        different += !std::equal(&a.rgb[i], &a.rgb[i] + 3, &b.rgb[i]);
    }
    return different;
}

namespace {

std::vector<int> shade_ranks(const image::RgbImage& image) {
    auto colour = [&](std::size_t i) {
        return image.rgb[i] << 16 | image.rgb[i + 1] << 8 | image.rgb[i + 2];
    };
    auto brightness = [](int c) {
        return 299 * (c >> 16) + 587 * ((c >> 8) & 255) + 114 * (c & 255);
    };
    std::map<int, int> ranks;
    for (std::size_t i = 0; i < image.rgb.size(); i += 3)
        ranks[colour(i)] = 0;
    std::vector<int> colours;
    for (const auto& [c, rank] : ranks)
        colours.push_back(c);
    std::sort(colours.begin(), colours.end(),
              [&](int x, int y) { return brightness(x) < brightness(y); });
    for (std::size_t r = 0; r < colours.size(); ++r)
        ranks[colours[r]] = static_cast<int>(r);
    std::vector<int> result;
    for (std::size_t i = 0; i < image.rgb.size(); i += 3)
        result.push_back(ranks[colour(i)]);
    return result;
}

}  // namespace

int count_different_shades(const image::RgbImage& a, const image::RgbImage& b) {
    if (a.width != b.width || a.height != b.height) return a.width * a.height + 1;
    const auto ra = shade_ranks(a);
    const auto rb = shade_ranks(b);
    int different = 0;
    for (std::size_t i = 0; i < ra.size(); ++i)
        different += ra[i] != rb[i];
    return different;
}

bool is_uniform(const image::RgbImage& image) {
    for (std::size_t i = 3; i < image.rgb.size(); ++i) {
        if (image.rgb[i] != image.rgb[i % 3]) return false;
    }
    return true;
}

void save_artifact(const image::RgbImage& image, const std::string& name) {
    const auto dir = std::filesystem::current_path() / "test-artifacts";
    std::filesystem::create_directories(dir);
    image::write_png(dir / (name + ".png"), image.rgb, image.width, image.height);
}

CommandResult run_cli(const std::string& arguments) {
    const std::string command = std::string(CRL_BINARY) + " " + arguments + " 2>&1";
    CommandResult result;
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return result;
    std::array<char, 4096> buffer{};
    while (const auto n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
        result.out.append(buffer.data(), n);
    }
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& arguments,
                           const std::filesystem::path& log) {
    std::vector<std::string> all = {CRL_BINARY};
    all.insert(all.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& argument : all)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (posix_spawn(&pid_, CRL_BINARY, &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && !reaped_) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

void ChildProcess::signal(int signal_number) const {
    if (pid_ > 0 && !reaped_) ::kill(pid_, signal_number);
}

std::optional<int> ChildProcess::wait(double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (pid_ > 0 && !reaped_) {
        int status = 0;
        const int done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            reaped_ = true;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        }
        if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
}

bool wait_until(const std::function<bool()>& condition, double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
}

std::filesystem::path temp_dir(const std::string& name) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    auto dir = std::filesystem::temp_directory_path() / "crystal-rl-tests" /
               (std::string(info ? info->test_suite_name() : "suite") + "." +
                (info ? info->name() : "test") + "." + name + "." + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace crl::test
