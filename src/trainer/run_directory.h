// trainer/run_directory.h — where a run keeps everything: config.json, decisions.sqlite,
// inputs.movie (every input since the start), checkpoints and the log. It decides where a run
// goes and whether a folder may take one; it never writes a run's contents itself.
//   runs/NAME/config.json            what was run, to resume and replay it
//   runs/NAME/start.state            the state the run started from (if any)
//   runs/NAME/inputs.movie           all inputs since the start, appended at each checkpoint
//   runs/NAME/decisions.sqlite       one row per action
//   runs/NAME/checkpoints/step-N.state the machine at action N (the last two are kept)
//   runs/NAME/checkpoint.json        the newest checkpoint: its state, how much of inputs.movie
//                                    belongs to it, and the counters
//   runs/NAME/states/NAME.state      states saved from the dashboard
//   runs/NAME/final.state            the state at a clean exit
//   runs/NAME/run.lock               held (flock) by the process running the run; names its pid
//   runs/NAME/run.log
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace crl::trainer {

struct RunDirectory {
    std::filesystem::path root;

    std::filesystem::path config() const { return root / "config.json"; }
    std::filesystem::path start_state() const { return root / "start.state"; }
    std::filesystem::path inputs() const { return root / "inputs.movie"; }
    std::filesystem::path decisions() const { return root / "decisions.sqlite"; }
    std::filesystem::path checkpoints() const { return root / "checkpoints"; }
    std::filesystem::path checkpoint_state(std::uint64_t step) const;
    std::filesystem::path checkpoint_info() const { return root / "checkpoint.json"; }
    std::filesystem::path final_state() const { return root / "final.state"; }
    std::filesystem::path states() const { return root / "states"; }
    std::filesystem::path lock() const { return root / "run.lock"; }
    std::filesystem::path log() const { return root / "run.log"; }

    // Where a new run would go (runs/YYYYmmdd-HHMMSS under `parent` unless `path` is given),
    // checked but not created: refuses a folder that holds a run (one with a checkpoint).
    static RunDirectory plan(const std::optional<std::filesystem::path>& path,
                             const std::filesystem::path& parent = "runs");
    // Creates the planned folders. A run that never reached its first checkpoint left nothing
    // worth keeping: its files are cleared. Call with the folder's RunLock held.
    void make_folders() const;
    // plan() and make_folders() at once, for tests and benchmarks that need no lock.
    static RunDirectory create(const std::optional<std::filesystem::path>& path,
                               const std::filesystem::path& parent = "runs");
    // An existing run to resume; errors name what is missing.
    static RunDirectory open(const std::filesystem::path& path);

    nlohmann::json read_config() const;
    nlohmann::json read_checkpoint() const;
};

// One process per run directory: an advisory lock (flock) on RUN/run.lock, released when the
// process ends however it ends. A second process is refused with the holder's pid.
class RunLock {
  public:
    explicit RunLock(const std::filesystem::path& root);  // creates root if needed
    ~RunLock();
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

  private:
    int fd_ = -1;
};

// A name the dashboard may give a state: [A-Za-z0-9_-]{1,64}. Empty when acceptable, else the
// rule it breaks.
std::string state_name_problem(const std::string& name);

}  // namespace crl::trainer
