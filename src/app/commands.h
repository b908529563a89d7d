// app/commands.h — the crystal-rl subcommands. Each registers its options on the CLI and returns
// the process exit code when run.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace crl::app {

using Command = std::function<int()>;

Command add_state_command(CLI::App& app);
Command add_screenshot_command(CLI::App& app);
Command add_bench_command(CLI::App& app);
Command add_run_command(CLI::App& app);
Command add_probe_command(CLI::App& app);
Command add_train_command(CLI::App& app);  // app/train_command.cpp
Command add_map_command(CLI::App& app);    // app/map_command.cpp

}  // namespace crl::app
