// trainer/run_directory.h — where a run keeps everything: config.json, decisions.sqlite,
// inputs.movie (every input since the start), checkpoints and the log.
//   runs/NAME/config.json            what was run, to resume and replay it
//   runs/NAME/start.state            the state the run started from (if any)
//   runs/NAME/inputs.movie           all inputs since the start: replay = start + this movie
//   runs/NAME/decisions.sqlite       one row per action
//   runs/NAME/checkpoints/step-N.state the machine at action N (the last two are kept)
//   runs/NAME/checkpoint.json        the newest checkpoint: its state file and the counters
//   runs/NAME/final.state            the state at a clean exit
//   runs/NAME/run.log
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

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
    std::filesystem::path log() const { return root / "run.log"; }

    // A new folder (runs/YYYYmmdd-HHMMSS under `parent` unless `path` is given); refuses to
    // reuse one that already holds a run.
    static RunDirectory create(const std::optional<std::filesystem::path>& path,
                               const std::filesystem::path& parent = "runs");
    // An existing run to resume; errors name what is missing.
    static RunDirectory open(const std::filesystem::path& path);

    nlohmann::json read_config() const;
};

}  // namespace crl::trainer
