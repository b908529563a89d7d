// crystal-rl: AI agents play Game Boy games while people watch. See README.md and --help.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "app/commands.h"

int main(int argc, char** argv) {
    CLI::App app{
        "crystal-rl: AI agents play Pokémon Crystal (or any Game Boy / Color game) while you "
        "watch.\nWithout --rom every command runs the embedded demo game."};
    app.require_subcommand(1);
    app.set_version_flag("--version", "crystal-rl 0.1.0");

    std::map<CLI::App*, crl::app::Command> commands;
    auto add = [&](crl::app::Command command) {
        commands[app.get_subcommands({}).back()] = std::move(command);
    };
    add(crl::app::add_run_command(app));
    add(crl::app::add_state_command(app));
    add(crl::app::add_screenshot_command(app));
    add(crl::app::add_bench_command(app));
    add(crl::app::add_probe_command(app));
    add(crl::app::add_train_command(app));
    add(crl::app::add_map_command(app));

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForAllHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForVersion& version) {
        return app.exit(version);
    } catch (const CLI::ParseError& error) {
        app.exit(error);
        return 2;  // bad arguments, as documented in --help and the README
    }

    try {
        for (auto& [subcommand, command] : commands) {
            if (subcommand->parsed()) return command();
        }
    } catch (const std::exception& error) {
        std::cerr << "crystal-rl: error: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
