// crystal-rl run: an agent plays, everything is counted and kept in a run directory, and (with
// the monitor) people watch in a browser.
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <iostream>

#include "agent/llm_agent.h"
#include "agent/ppo_agent.h"
#include "agent/simple_agents.h"
#include "app/commands.h"
#include "app/session.h"
#include "app/signal_stop.h"
#include "monitor/monitor.h"
#include "storage/files.h"
#include "trainer/trainer.h"

namespace crl::app {
namespace {

struct RunOptions {
    SessionOptions session;
    std::string agent = "explorer";
    std::uint64_t max_actions = 0;
    int frames_per_action = 24;
    int hold_frames = 8;
    double speed = 0;
    std::optional<std::filesystem::path> run_dir;
    std::optional<std::filesystem::path> resume;
    std::optional<std::filesystem::path> rewards;
    std::uint64_t checkpoint_every = 1000;
    std::uint32_t seed = 1;
    bool quiet = false;
    agent::LlmOptions llm;
    std::optional<std::filesystem::path> policy;  // --agent ppo
    bool greedy = false;
    bool no_web = false;
    monitor::MonitorOptions web;
};

trainer::AgentFactory agent_factory(std::uint32_t seed, const agent::LlmOptions& llm,
                                    const std::optional<std::filesystem::path>& policy = {},
                                    bool greedy = false) {
    return [seed, llm, policy, greedy](const std::string& name) -> std::unique_ptr<agent::Agent> {
        if (name == "ppo") {
            if (!policy) throw std::runtime_error("--agent ppo plays --policy RUN/policy.pt");
            return std::make_unique<agent::PpoAgent>(*policy, greedy, seed);
        }
        if (name == "explorer") return std::make_unique<agent::ExplorerAgent>(seed);
        if (name == "llm")
            return std::make_unique<agent::LlmAgent>(llm,
                                                     std::make_unique<agent::ExplorerAgent>(seed));
        if (name == "random") return std::make_unique<agent::RandomAgent>(seed);
        if (name == "human") return std::make_unique<agent::HumanAgent>();
        throw std::runtime_error("unknown agent '" + name +
                                 "' (use explorer, random, human, llm or replay)");
    };
}

nlohmann::json config_json(const RunOptions& options, const emu::Rom& rom) {
    const auto& session = options.session;
    auto optional_path = [](const std::optional<std::filesystem::path>& path) -> nlohmann::json {
        return path ? nlohmann::json(std::filesystem::absolute(*path).string())
                    : nlohmann::json(nullptr);
    };
    return {
        {"rom", session.rom ? nlohmann::json(std::filesystem::absolute(*session.rom).string())
                            : "embedded demo game"},
        {"rom_title", rom.header().title},
        {"rom_sha1", rom.header().sha1},
        {"start_state", session.state ? nlohmann::json("start.state") : nlohmann::json(nullptr)},
        {"start_inputs", optional_path(session.inputs)},
        {"core", session.core},
        {"rtc", session.rtc},
        {"rtc_start", session.rtc_start},
        {"profile", session.profile.name},
        {"variables", optional_path(session.profile.variables)},
        {"sym", optional_path(session.profile.symbols)},
        {"agent", options.agent},
        {"frames_per_action", options.frames_per_action},
        {"hold_frames", options.hold_frames},
        {"rewards", optional_path(options.rewards)},
        {"seed", options.seed},
        {"checkpoint_every", options.checkpoint_every},
        {"replay", "crystal-rl state --core " + session.core + (session.rom ? " --rom ROM" : "") +
                       (session.state ? " --state RUN/start.state" : "") +
                       " --inputs RUN/inputs.movie --frames 0"}};
}

// Takes the stored settings of a run being resumed, unless the command line gives them again.
void apply_config(RunOptions& options, const nlohmann::json& config, const CLI::App& command) {
    auto given = [&](const char* flag) { return command.get_option(flag)->count() > 0; };
    auto& session = options.session;
    if (!given("--rom") && config["rom"] != "embedded demo game")
        session.rom = config["rom"].get<std::string>();
    // Its states are its core's. Runs from before the core was recorded ran on mGBA.
    if (!given("--core")) session.core = config.value("core", std::string("mgba"));
    if (!given("--rtc")) session.rtc = config.value("rtc", session.rtc);
    if (!given("--rtc-start")) session.rtc_start = config.value("rtc_start", session.rtc_start);
    if (!given("--profile")) session.profile.name = config.value("profile", session.profile.name);
    if (!given("--variables") && config["variables"].is_string())
        session.profile.variables = config["variables"].get<std::string>();
    if (!given("--sym") && config["sym"].is_string())
        session.profile.symbols = config["sym"].get<std::string>();
    if (!given("--agent")) options.agent = config.value("agent", options.agent);
    if (!given("--frames-per-action"))
        options.frames_per_action = config.value("frames_per_action", 24);
    if (!given("--hold-frames")) options.hold_frames = config.value("hold_frames", 8);
    if (!given("--rewards") && config["rewards"].is_string())
        options.rewards = config["rewards"].get<std::string>();
    if (!given("--seed")) options.seed = config.value("seed", options.seed);
    if (!given("--checkpoint-every"))
        options.checkpoint_every = config.value("checkpoint_every", options.checkpoint_every);
}

void set_up_logging(const trainer::RunDirectory& run) {
    auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(run.log().string());
    auto logger = std::make_shared<spdlog::logger>("crystal-rl", file);
    logger->set_level(spdlog::level::info);
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
}

// The monitor's view of the trainer, which is made only after every check has passed: until
// then (and the monitor serves nothing before start()) the hooks see no game.
monitor::MonitorHooks monitor_hooks(const std::unique_ptr<trainer::Trainer>& trainer,
                                    const trainer::RunDirectory& run) {
    monitor::MonitorHooks hooks;
    hooks.latest = [&trainer]() -> std::shared_ptr<const trainer::Snapshot> {
        return trainer ? trainer->latest() : nullptr;
    };
    hooks.post = [&trainer](trainer::Command command) {
        if (trainer) trainer->post(std::move(command));
    };
    hooks.watchers = [&trainer](int viewers) {
        if (trainer) trainer->set_watchers(viewers);
    };
    hooks.decisions = [database = run.decisions()](int limit) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& record : trainer::DecisionLog::read_recent(database, limit)) {
            list.push_back(record.to_json());
        }
        return list;
    };
    hooks.agents = trainer::Trainer::agent_names();
    hooks.states_folder = run.states();
    return hooks;
}

std::uint64_t checkpoint_number(const nlohmann::json& checkpoint, const char* key,
                                const trainer::RunDirectory& run) {
    if (!checkpoint.contains(key) || !checkpoint[key].is_number_unsigned()) {
        throw std::runtime_error("--resume: '" + run.checkpoint_info().string() + "' has no \"" +
                                 key + "\" (a whole number): the file is damaged");
    }
    return checkpoint[key].get<std::uint64_t>();
}

// What a resume starts from, every part checked against checkpoint.json before anything is
// changed: the state's hash and the frames of inputs.movie that belong to the checkpoint.
struct ResumeData {
    nlohmann::json checkpoint;
    std::vector<std::uint8_t> state;
    trainer::ResumePoint point;
    std::uint64_t movie_frames = 0;
};

ResumeData read_resume_data(const trainer::RunDirectory& run) {
    ResumeData data;
    data.checkpoint = run.read_checkpoint();
    const auto& checkpoint = data.checkpoint;
    const auto info = run.checkpoint_info().string();
    data.point.resumed = true;
    data.point.total_actions = checkpoint_number(checkpoint, "step", run);
    data.movie_frames = checkpoint_number(checkpoint, "movie_frames", run);
    data.point.movie_bytes = checkpoint_number(checkpoint, "movie_bytes", run);
    const auto state_name = checkpoint.value("state", std::string());
    const std::filesystem::path state_path = run.root / state_name;
    if (state_name.empty() || state_path.parent_path() != run.checkpoints()) {
        throw std::runtime_error("--resume: '" + info + "' names no checkpoint state under " +
                                 run.checkpoints().string());
    }
    data.state = storage::read_file_bytes(state_path, "checkpoint state");
    const auto sha1 = emu::sha1_hex(data.state);
    if (sha1 != checkpoint.value("state_sha1", std::string())) {
        throw std::runtime_error("--resume: checkpoint state '" + state_path.string() +
                                 "' does not match '" + info + "' (SHA-1 " + sha1 + ", expected " +
                                 storage::printable(checkpoint.value("state_sha1", "")) +
                                 "): the file is damaged or from another checkpoint");
    }
    auto movie = storage::read_file_bytes(run.inputs(), "inputs movie");
    if (movie.size() < data.point.movie_bytes) {
        throw std::runtime_error(
            "--resume: '" + run.inputs().string() + "' holds " + std::to_string(movie.size()) +
            " bytes, but the checkpoint needs " + std::to_string(data.point.movie_bytes) +
            ": the movie was cut short, so the run could not be replayed");
    }
    movie.resize(data.point.movie_bytes);  // what a killed process appended later is not ours
    const auto frames = emu::Movie::count_frames(std::string(movie.begin(), movie.end()),
                                                 "'" + run.inputs().string() + "'");
    if (frames != data.movie_frames) {
        throw std::runtime_error("--resume: '" + run.inputs().string() + "' holds " +
                                 std::to_string(frames) + " frames where the checkpoint has " +
                                 std::to_string(data.movie_frames) +
                                 ": the movie does not lead to the checkpoint's state");
    }
    const auto& stats = checkpoint.value("stats", nlohmann::json::object());
    data.point.total_reward = stats.value("total_reward", 0.0);
    data.point.episode = stats.value("episode", std::uint64_t{1});
    return data;
}

// A start that cannot go ahead leaves the file system as it was: every option, the port, the
// ROM, the files to read and the run directory are checked before the first file is written.
int run(RunOptions& options, const CLI::App& command) {
    SignalStop signals;  // before any other thread: it stops the run cleanly, start movie included
    const auto stop = signals.token();

    std::optional<trainer::RunDirectory> run_dir;
    std::optional<ResumeData> resume;
    if (options.resume) {
        run_dir = trainer::RunDirectory::open(*options.resume);
        apply_config(options, run_dir->read_config(), command);
    } else {
        run_dir = trainer::RunDirectory::plan(options.run_dir);
    }
    if (options.agent == "replay" && !options.session.inputs && !options.resume) {
        throw std::runtime_error(
            "--agent replay plays the movie given with --inputs: add --inputs MOVIE");
    }

    // The port first: it is the check most likely to fail (another run is on it).
    std::unique_ptr<trainer::Trainer> trainer;
    std::unique_ptr<monitor::Monitor> web;
    if (!options.no_web)
        web = std::make_unique<monitor::Monitor>(options.web, monitor_hooks(trainer, *run_dir));

    const auto rom = load_rom(options.session.rom);
    env::EnvOptions env_options;
    env_options.frames_per_action = options.frames_per_action;
    env_options.hold_frames = options.hold_frames;
    if (options.rewards) env_options.rewards = env::RewardConfig::load(*options.rewards);
    env::Env env(emu::make_machine(rom, machine_options(options.session)),
                 game::make_profile(rom, options.session.profile), env_options);

    // The cartridge's battery save: checked and loaded before the start (a reset keeps
    // cartridge RAM; a state brings its own), written off this thread whenever it changes.
    std::unique_ptr<emu::BatteryFile> battery;
    if (options.session.battery) {
        battery = std::make_unique<emu::BatteryFile>(env.machine(), *options.session.battery);
        battery->load();
    }

    env::EpisodeStart start;
    std::optional<trainer::RunLock> lock;
    if (options.resume) {
        lock.emplace(run_dir->root);
        resume = read_resume_data(*run_dir);
        emu::Movie counted;  // the frames before the checkpoint are on disk, not in memory
        if (resume->movie_frames > 0) counted.append(emu::button::kNone, resume->movie_frames);
        counted.forget_segments();
        env.restore(resume->state, std::move(counted));
    } else {
        if (options.session.state)
            start.state = storage::read_file_bytes(*options.session.state, "state");
        if (options.session.inputs) start.movie = emu::Movie::load(*options.session.inputs);
        start.stop = stop;
        try {
            env.reset(start);  // the start movie: a signal cuts it short, nothing was created
        } catch (const emu::StateError& error) {
            throw std::runtime_error("state '" + options.session.state->string() +
                                     "': " + error.what());
        }
        if (stop.stop_requested()) {
            std::cerr << "crystal-rl: stopped during the start movie; no run was created\n";
            return 0;
        }
        lock.emplace(run_dir->root);
        run_dir = trainer::RunDirectory::plan(run_dir->root);  // again, now that it is ours
        run_dir->make_folders();
        storage::write_file_atomically(run_dir->config(), config_json(options, rom).dump(2));
        if (start.state) storage::write_file_atomically(run_dir->start_state(), *start.state);
    }
    set_up_logging(*run_dir);
    if (resume) {
        // Inputs a killed process appended after its last checkpoint are cut off.
        std::filesystem::resize_file(run_dir->inputs(), resume->point.movie_bytes);
    }

    trainer::TrainerOptions trainer_options;
    if (battery) trainer_options.after_step = [&battery] { battery->tick(); };
    trainer_options.agent = options.agent == "replay" ? "explorer" : options.agent;
    trainer_options.stop_after_start_movie = options.agent == "replay";
    trainer_options.max_actions = options.max_actions;
    trainer_options.speed = options.speed;
    trainer_options.checkpoint_every = options.checkpoint_every;
    trainer_options.status_line = !options.quiet && ::isatty(STDERR_FILENO);
    auto agents = agent_factory(options.seed, options.llm, options.policy, options.greedy);
    trainer = std::make_unique<trainer::Trainer>(env, *run_dir, agents, trainer_options,
                                                 resume ? resume->point : trainer::ResumePoint{});
    if (web) web->start();
    spdlog::info("run {} started: {} on '{}'", run_dir->root.string(), options.agent,
                 rom.header().title);
    if (!options.quiet) std::cerr << "crystal-rl: run directory " << run_dir->root.string() << '\n';
    if (web) {
        std::cerr << "crystal-rl: dashboard at " << web->control_url()
                  << "  (the #token part lets that page save, load, switch agents and stop)"
                  << std::endl;
    }
    trainer->run(stop);
    if (web) web->stop();
    std::cerr << trainer->milestones().summary();
    int exit_code = 0;
    if (trainer->failed_writes() > 0) {
        std::cerr << "crystal-rl: error: " << trainer->failed_writes()
                  << " file write(s) of the run failed; see " << run_dir->log().string() << '\n';
        exit_code = 1;
    }
    trainer.reset();
    if (battery) battery->flush();  // throws if the save could not be written
    spdlog::info("run stopped cleanly");
    return exit_code;
}

}  // namespace

Command add_run_command(CLI::App& app) {
    auto options = std::make_shared<RunOptions>();
    auto* command =
        app.add_subcommand("run", "Let an agent play, logging every decision to a run directory");
    add_session_options(*command, options->session);
    command->get_option("--frames")->description("(ignored by run)");
    command
        ->add_option("--agent", options->agent,
                     "who plays: explorer (novelty-seeking), random, human (dashboard buttons), "
                     "replay (only the --inputs movie)")
        ->check(CLI::IsMember({"explorer", "random", "human", "llm", "replay", "ppo"}))
        ->capture_default_str();
    command->add_option("--policy", options->policy, "--agent ppo: RUN/policy.pt from train")
        ->check(CLI::ExistingFile);
    command->add_flag("--greedy", options->greedy, "--agent ppo: the most likely action always");
    command
        ->add_option("--max-actions", options->max_actions,
                     "stop after this many actions (0: never)")
        ->capture_default_str();
    command->add_option("--frames-per-action", options->frames_per_action, "frames in one step")
        ->check(CLI::Range(1, 600))
        ->capture_default_str();
    command
        ->add_option("--hold-frames", options->hold_frames, "frames the button is held in a step")
        ->check(CLI::Range(1, 600))
        ->capture_default_str();
    command
        ->add_option("--speed", options->speed,
                     "0 unthrottled (training), 1 real time (watching), 2 double ...")
        ->check(CLI::Range(0.0, 1000.0))
        ->capture_default_str();
    command->add_option("--run-dir", options->run_dir,
                        "where to keep this run (default runs/DATE-TIME)");
    command
        ->add_option("--resume", options->resume,
                     "continue the run in this directory from its last checkpoint")
        ->excludes("--run-dir");
    command
        ->add_option("--checkpoint-every", options->checkpoint_every, "actions between checkpoints")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}))
        ->capture_default_str();
    command->add_option("--rewards", options->rewards, "reward weights (JSON, docs/rewards.md)")
        ->check(CLI::ExistingFile);
    command->add_option("--seed", options->seed, "seed of the agents' randomness")
        ->capture_default_str();
    command->add_flag("--quiet", options->quiet, "no live status line on the terminal");
    auto& llm = options->llm;
    command
        ->add_option("--llm-api", llm.api,
                     "ollama (/api/chat) or openai (any /v1/chat/completions server)")
        ->check(CLI::IsMember({"ollama", "openai"}))
        ->capture_default_str();
    command->add_option("--llm-url", llm.url, "the LLM server's base URL")->capture_default_str();
    command->add_option("--llm-model", llm.model, "model name")->capture_default_str();
    command->add_option("--llm-temperature", llm.temperature, "sampling temperature")
        ->check(CLI::Range(0.0, 2.0))
        ->capture_default_str();
    command
        ->add_option(
            "--llm-interval", llm.interval,
            "ask every N actions (and when the map changes, a battle or a text box starts)")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    command
        ->add_option("--llm-timeout", llm.timeout_seconds,
                     "seconds before a request counts as failed")
        ->check(CLI::Range(0.1, 600.0))
        ->capture_default_str();
    command->add_flag("--llm-vision", llm.vision, "send the screen as a PNG (for vision models)");
    command->add_flag_callback(
        "--llm-no-tools", [&llm] { llm.tools = false; },
        "ask for one button as JSON instead of offering the tools (press, navigate_to, talk_to, "
        "write_note)");
    command->add_option("--llm-goal", llm.goal, "the goal written into every prompt")
        ->capture_default_str();
    if (const char* key = std::getenv("CRYSTAL_RL_LLM_API_KEY")) llm.api_key = key;
    auto& web = options->web;
    command->add_flag("--no-web", options->no_web, "no dashboard and no WebSocket (training only)");
    command->add_option("--host", web.host, "address the dashboard listens on")
        ->capture_default_str();
    command
        ->add_option("--port", web.port,
                     "port of the dashboard, WebSocket and API (0: any free port)")
        ->capture_default_str();
    command->add_option("--stream-fps", web.stream_fps, "screen updates a second pushed to viewers")
        ->check(CLI::Range(1.0, 60.0))
        ->capture_default_str();
    command->add_option("--control-token", web.control_token,
                        "the token that unlocks the controls (default: a random one, printed "
                        "with the dashboard's address; required off loopback)");
    command->add_option("--allow-origin", web.allowed_origins,
                        "another web page origin (http://host:port) that may open the WebSocket "
                        "(repeatable; the dashboard's own origin always may)");
    command
        ->add_option("--max-http-connections", web.max_http_connections,
                     "HTTP connections at once; more get 503 (0: a quarter of the file limit)")
        ->check(CLI::Range(0, 1'000'000))
        ->capture_default_str();
    command
        ->add_option("--max-message-bytes", web.max_message_bytes,
                     "largest WebSocket message a viewer may send (larger: close 1009)")
        ->check(CLI::Range(std::size_t{256}, std::size_t{16 * 1024 * 1024}))
        ->capture_default_str();
    command->add_option("--max-clients", web.max_clients, "viewers at once; more get HTTP 503")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    return [options, command] { return run(*options, *command); };
}

}  // namespace crl::app
