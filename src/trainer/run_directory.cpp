#include "trainer/run_directory.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <stdexcept>

namespace crl::trainer {

RunDirectory RunDirectory::create(const std::optional<std::filesystem::path>& path,
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
    if (std::filesystem::exists(run.config())) {
        throw std::runtime_error("run directory '" + root.string() +
                                 "' already holds a run: use --resume " + root.string() +
                                 " to continue it, or choose another --run-dir");
    }
    std::error_code ec;
    std::filesystem::create_directories(run.checkpoints(), ec);
    if (ec) {
        throw std::runtime_error("cannot create run directory '" + root.string() +
                                 "': " + ec.message());
    }
    return run;
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
    std::ifstream in(config());
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& error) {
        throw std::runtime_error("'" + config().string() + "' is not valid JSON: " + error.what());
    }
}

}  // namespace crl::trainer
