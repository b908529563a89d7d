#include "trainer/run_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>

#include "storage/files.h"

namespace crl::trainer {
namespace {

constexpr std::size_t kMaxStateNameLength = 64;

nlohmann::json read_json_file(const std::filesystem::path& path) {
    const auto bytes = storage::read_file_bytes(path, "run file");
    try {
        return nlohmann::json::parse(bytes.begin(), bytes.end());
    } catch (const nlohmann::json::exception& error) {
        throw std::runtime_error("'" + path.string() + "' is not valid JSON: " + error.what());
    }
}

// The command line of a process, for a message ("crystal-rl run --run-dir x").
std::string command_of(const std::string& pid) {
    std::ifstream in("/proc/" + pid + "/cmdline", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (char& c : text)
        if (c == '\0') c = ' ';
    while (!text.empty() && text.back() == ' ')
        text.pop_back();
    return storage::printable(text, 120);
}

}  // namespace

RunDirectory RunDirectory::plan(const std::optional<std::filesystem::path>& path,
                                const std::filesystem::path& parent) {
    std::filesystem::path root;
    if (path) {
        root = *path;
    } else {
        const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        std::tm local{};
        localtime_r(&now, &local);
        char name[32];
        std::strftime(name, sizeof name, "%Y%m%d-%H%M%S", &local);
        root = parent / name;
        for (int n = 2; std::filesystem::exists(root); ++n)
            root = parent / (std::string(name) + "-" + std::to_string(n));
    }
    RunDirectory run{root};
    std::error_code ec;
    if (std::filesystem::exists(root, ec) && !std::filesystem::is_directory(root, ec)) {
        throw std::runtime_error("run directory '" + root.string() +
                                 "' is a file: choose another --run-dir");
    }
    if (std::filesystem::exists(run.checkpoint_info(), ec)) {
        throw std::runtime_error("run directory '" + root.string() +
                                 "' already holds a run: use --resume " + root.string() +
                                 " to continue it, or choose another --run-dir");
    }
    return run;
}

RunDirectory RunDirectory::create(const std::optional<std::filesystem::path>& path,
                                  const std::filesystem::path& parent) {
    auto run = plan(path, parent);
    run.make_folders();
    return run;
}

void RunDirectory::make_folders() const {
    // Only files a run writes are cleared, and only when no checkpoint was ever made.
    for (const auto& leftover :
         {config(), start_state(), inputs(), decisions(), final_state(), log()}) {
        std::error_code ignored;
        std::filesystem::remove(leftover, ignored);
        std::filesystem::remove(leftover.string() + "-wal", ignored);
        std::filesystem::remove(leftover.string() + "-shm", ignored);
    }
    std::error_code ec;
    std::filesystem::create_directories(checkpoints(), ec);
    if (ec) {
        throw std::runtime_error("cannot create run directory '" + root.string() +
                                 "': " + ec.message());
    }
}

RunDirectory RunDirectory::open(const std::filesystem::path& path) {
    RunDirectory run{path};
    if (!std::filesystem::is_directory(path)) {
        throw std::runtime_error("--resume '" + path.string() + "': no such run directory");
    }
    for (const auto& needed : {run.config(), run.checkpoint_info(), run.inputs()}) {
        if (!std::filesystem::exists(needed)) {
            throw std::runtime_error("--resume '" + path.string() +
                                     "': " + needed.filename().string() +
                                     " is missing (the run stopped before its first checkpoint?)");
        }
    }
    return run;
}

std::filesystem::path RunDirectory::checkpoint_state(std::uint64_t step) const {
    char name[40];
    std::snprintf(name, sizeof name, "step-%09llu.state", static_cast<unsigned long long>(step));
    return checkpoints() / name;
}

nlohmann::json RunDirectory::read_config() const {
    return read_json_file(config());
}

nlohmann::json RunDirectory::read_checkpoint() const {
    return read_json_file(checkpoint_info());
}

RunLock::RunLock(const std::filesystem::path& root) {
    std::error_code ec;
    std::filesystem::create_directories(root, ec);
    if (ec) {
        throw std::runtime_error("cannot create run directory '" + root.string() +
                                 "': " + ec.message());
    }
    const auto path = root / "run.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        throw std::runtime_error("cannot open '" + path.string() + "': " + std::strerror(errno));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int saved_errno = errno;
        std::ifstream in(path);
        std::string holder;
        std::getline(in, holder);
        ::close(fd_);
        fd_ = -1;
        if (saved_errno != EWOULDBLOCK) {
            throw std::runtime_error("cannot lock '" + path.string() +
                                     "': " + std::strerror(saved_errno));
        }
        holder = storage::printable(holder, 20);
        throw std::runtime_error(
            "run directory '" + root.string() + "' is in use by process " +
            (holder.empty() ? std::string("(unknown)") : holder) +
            (holder.empty() ? "" : " (" + command_of(holder) + ")") +
            ": one process per run; stop it first or choose another directory");
    }
    const auto pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
        // The lock holds anyway; only the name in a refusal would be missing.
    }
}

RunLock::~RunLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
}

std::string state_name_problem(const std::string& name) {
    if (name.empty()) return "a state name cannot be empty";
    if (name.size() > kMaxStateNameLength) {
        return "a state name has at most " + std::to_string(kMaxStateNameLength) +
               " characters (this one has " + std::to_string(name.size()) + ")";
    }
    for (const char c : name) {
        const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                             (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!allowed) {
            return "a state name uses only letters A-Z a-z, digits, '_' and '-' (not '" +
                   storage::printable(std::string(1, c)) + "')";
        }
    }
    return {};
}

}  // namespace crl::trainer
