// crystal-rl train: PPO on N environments (src/rl), in a run directory that can be resumed;
// with --evaluate, plays whole episodes with a trained policy or random buttons and reports.
#include <spdlog/spdlog.h>
#include <torch/torch.h>
#include <unistd.h>

#include <ctime>
#include <iostream>

#include "app/commands.h"
#include "app/session.h"
#include "app/signal_stop.h"
#include "emu/movie.h"
#include "env/env.h"
#include "monitor/monitor.h"
#include "rl/evaluation.h"
#include "rl/training.h"
#include "rl/training_view.h"
#include "storage/files.h"
#include "trainer/run_directory.h"

namespace crl::app {
namespace {

struct TrainOptions {
    std::optional<std::filesystem::path> rom;
    std::vector<std::filesystem::path> start_states;
    std::optional<std::filesystem::path> inputs;
    bool from_title = false;
    std::int64_t rtc_start = emu::kDefaultRtcStart;
    std::string core = "native";
    game::ProfileOptions profile;
    int frames_per_action = 24;
    int hold_frames = 8;
    std::optional<std::filesystem::path> rewards;
    rl::TrainingOptions training;
    std::optional<std::filesystem::path> run_dir;
    std::optional<std::filesystem::path> resume;
    bool quiet = false;
    // The dashboard: off unless --port is given (0: any free port).
    std::optional<unsigned short> port;
    monitor::MonitorOptions web;
    // --evaluate
    std::optional<std::string> evaluate;
    rl::EvaluationOptions evaluation;
};

nlohmann::json optional_path(const std::optional<std::filesystem::path>& path) {
    return path ? nlohmann::json(std::filesystem::absolute(*path).string())
                : nlohmann::json(nullptr);
}

nlohmann::json config_json(const TrainOptions& options, const emu::Rom& rom) {
    nlohmann::json states = nlohmann::json::array();
    for (const auto& state : options.start_states)
        states.push_back(std::filesystem::absolute(state).string());
    return {{"command", "train"},
            {"rom", optional_path(options.rom)},
            {"rom_title", rom.header().title},
            {"rom_sha1", rom.header().sha1},
            {"start_states", states},
            {"start_inputs", optional_path(options.inputs)},
            {"from_title", options.from_title},
            {"core", options.core},
            {"rtc_start", options.rtc_start},
            {"profile", options.profile.name},
            {"variables", optional_path(options.profile.variables)},
            {"sym", optional_path(options.profile.symbols)},
            {"frames_per_action", options.frames_per_action},
            {"hold_frames", options.hold_frames},
            {"rewards", optional_path(options.rewards)},
            {"episode_steps", options.training.episode_steps},
            {"checkpoint_every", options.training.checkpoint_every},
            {"seed", options.training.seed},
            {"ppo", options.training.ppo.to_json()}};
}

std::optional<std::filesystem::path> path_or_null(const nlohmann::json& value) {
    if (value.is_string()) return std::filesystem::path(value.get<std::string>());
    return std::nullopt;
}

// A resumed run takes everything from its config.json, except how long it runs
// (--total-steps given again) and where it computes.
void apply_config(TrainOptions& options, const nlohmann::json& config, const CLI::App& command) {
    options.rom = path_or_null(config["rom"]);
    options.start_states.clear();
    for (const auto& state : config["start_states"])
        options.start_states.emplace_back(state.get<std::string>());
    options.inputs = path_or_null(config["start_inputs"]);
    // Runs from before --from-title existed began at the title screen.
    options.from_title = config.value("from_title", true);
    // Its checkpoints hold its core's states. Runs from before the core was recorded ran on mGBA.
    options.core = config.value("core", std::string("mgba"));
    options.rtc_start = config["rtc_start"];
    options.profile.name = config["profile"];
    options.profile.variables = path_or_null(config["variables"]);
    options.profile.symbols = path_or_null(config["sym"]);
    options.frames_per_action = config["frames_per_action"];
    options.hold_frames = config["hold_frames"];
    options.rewards = path_or_null(config["rewards"]);
    options.training.episode_steps = config["episode_steps"];
    options.training.checkpoint_every = config["checkpoint_every"];
    options.training.seed = config["seed"];
    const auto total_steps = options.training.ppo.total_steps;
    options.training.ppo = rl::PpoConfig::from_json(config["ppo"]);
    if (command.get_option("--total-steps")->count() > 0)
        options.training.ppo.total_steps = total_steps;
}

std::vector<std::unique_ptr<env::Env>> make_envs(const TrainOptions& options, const emu::Rom& rom,
                                                 int count) {
    env::EnvOptions env_options;
    env_options.frames_per_action = options.frames_per_action;
    env_options.hold_frames = options.hold_frames;
    if (options.rewards) env_options.rewards = env::RewardConfig::load(*options.rewards);
    SessionOptions session;
    session.rtc_start = options.rtc_start;
    session.core = options.core;
    std::vector<std::unique_ptr<env::Env>> envs;
    for (int i = 0; i < count; ++i) {
        envs.push_back(std::make_unique<env::Env>(emu::make_machine(rom, machine_options(session)),
                                                  game::make_profile(rom, options.profile),
                                                  env_options));
    }
    return envs;
}

std::vector<env::EpisodeStart> episode_starts(const TrainOptions& options) {
    env::EpisodeStart base;
    if (options.inputs) base.movie = emu::Movie::load(*options.inputs);
    base.past_title = !options.from_title;
    std::vector<env::EpisodeStart> starts;
    for (const auto& path : options.start_states) {
        auto start = base;
        start.state = storage::read_file_bytes(path, "start state");
        starts.push_back(std::move(start));
    }
    if (starts.empty()) starts.push_back(std::move(base));
    return starts;
}

std::filesystem::path new_run_dir(const std::optional<std::filesystem::path>& given) {
    if (given) {
        if (std::filesystem::exists(*given / "checkpoint.json")) {
            throw std::runtime_error("'" + given->string() +
                                     "' holds a training run already: continue it with --resume");
        }
        return *given;
    }
    const auto now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char name[32];
    std::strftime(name, sizeof name, "train-%Y%m%d-%H%M%S", &local);
    return std::filesystem::path("runs") / name;
}

int evaluate(const TrainOptions& options) {
    const auto rom = load_rom(options.rom);
    const auto starts = episode_starts(options);
    std::optional<rl::Policy> policy;
    if (*options.evaluate != "random") policy = rl::load_policy(*options.evaluate, torch::kCPU);
    const int envs = std::max(1, std::min(options.training.ppo.envs, options.evaluation.episodes));
    const auto results =
        rl::evaluate(make_envs(options, rom, envs), starts.front(), policy, options.evaluation);
    auto summary = rl::summarise(results);
    summary["policy"] = *options.evaluate;
    summary["greedy"] = options.evaluation.greedy;
    summary["episode_steps"] = options.evaluation.episode_steps;
    std::cout << summary.dump(2) << '\n';
    return 0;
}

// The dashboard of a training run: the watched env's screen and stats through the original
// protocol, the rest (every env, the world map, the curves) on /api/training and /metrics.
monitor::MonitorHooks dashboard_hooks(rl::TrainingView& view) {
    monitor::MonitorHooks hooks;
    hooks.latest = [&view] { return view.latest(); };
    hooks.training = [&view](bool with_maps, std::optional<std::uint64_t> curve_after) {
        return view.to_json(with_maps, curve_after);
    };
    hooks.training_metrics = [&view] { return view.prometheus(); };
    hooks.watch_env = [&view](int env) { view.watch(env); };
    hooks.agents = {"ppo"};
    return hooks;
}

void watch_training(rl::TrainingOptions& training, rl::TrainingView& view) {
    training.on_step = [&view](env::VectorEnv& envs, const std::vector<double>& returns,
                               std::uint64_t env_steps) {
        view.after_step(envs, returns, env_steps);
    };
    training.on_update = [&view](const rl::UpdateRow& row, std::uint64_t episodes) {
        view.after_update(row, episodes);
    };
}

int train(TrainOptions& options, const CLI::App& command) {
    SignalStop signals;  // training stops after its next update (and checkpoint)
    rl::keep_freed_memory_for_reuse();
    if (options.evaluate) return evaluate(options);

    std::filesystem::path run_dir;
    if (options.resume) {
        run_dir = *options.resume;
        if (!std::filesystem::exists(run_dir / "checkpoint.json"))
            throw std::runtime_error("--resume: '" + run_dir.string() + "' has no checkpoint.json");
        std::ifstream in(run_dir / "config.json");
        apply_config(options, nlohmann::json::parse(in), command);
    } else {
        run_dir = new_run_dir(options.run_dir);
    }
    const auto rom = load_rom(options.rom);
    auto starts = episode_starts(options);
    auto envs = make_envs(options, rom, options.training.ppo.envs);
    std::filesystem::create_directories(run_dir);
    trainer::RunLock lock(run_dir);
    if (!options.resume) {
        std::ofstream(run_dir / "config.json") << config_json(options, rom).dump(2) << '\n';
    }
    options.training.status_line = !options.quiet && ::isatty(STDERR_FILENO);
    std::unique_ptr<rl::TrainingView> view;
    std::unique_ptr<monitor::Monitor> web;
    if (options.port) {
        options.web.port = *options.port;
        rl::TrainingViewOptions view_options;
        view_options.stream_fps = options.web.stream_fps;
        view = std::make_unique<rl::TrainingView>(envs.size(), view_options);
        web = std::make_unique<monitor::Monitor>(options.web, dashboard_hooks(*view));
        watch_training(options.training, *view);
    }
    rl::Training training(std::move(envs), std::move(starts), run_dir, options.training,
                          options.resume.has_value());
    if (!options.quiet) std::cerr << "crystal-rl: training in " << run_dir.string() << '\n';
    if (web) {
        web->start();
        std::cerr << "crystal-rl: dashboard at " << web->control_url() << '\n';
    }
    training.run(signals.token());
    const auto& counters = training.counters();
    std::cout << nlohmann::json{{"run_dir", run_dir.string()},
                                {"updates", counters.updates},
                                {"env_steps", counters.env_steps},
                                {"episodes", counters.episodes}}
                     .dump()
              << '\n';
    return 0;
}

void add_ppo_options(CLI::App& command, rl::PpoConfig& ppo) {
    command.add_option("--envs", ppo.envs, "environments stepped together")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    command.add_option("--rollout-steps", ppo.rollout_steps, "steps per env between updates")
        ->check(CLI::Range(1, 1 << 16))
        ->capture_default_str();
    command.add_option("--minibatches", ppo.minibatches, "minibatches per epoch")
        ->check(CLI::Range(1, 1 << 16))
        ->capture_default_str();
    command.add_option("--epochs", ppo.epochs, "passes over each rollout")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    command.add_option("--gamma", ppo.gamma, "discount")->capture_default_str();
    command.add_option("--gae-lambda", ppo.gae_lambda, "GAE λ")->capture_default_str();
    command.add_option("--clip", ppo.clip, "PPO ratio clip")->capture_default_str();
    command.add_option("--value-coef", ppo.value_coef, "value loss weight")->capture_default_str();
    command.add_option("--entropy-coef", ppo.entropy_coef, "entropy bonus weight")
        ->capture_default_str();
    command.add_option("--learning-rate", ppo.learning_rate, "Adam's learning rate at the start")
        ->capture_default_str();
    command.add_option("--max-grad-norm", ppo.max_grad_norm, "gradient norm clip")
        ->capture_default_str();
    command.add_flag("!--no-anneal-lr", ppo.anneal_lr, "keep the learning rate constant");
    command.add_flag("!--no-normalise-advantages", ppo.normalise_advantages, "use raw advantages");
    command.add_option("--total-steps", ppo.total_steps, "env steps in all (all envs together)")
        ->capture_default_str();
    command.add_option("--conv-channels", ppo.shape.conv_channels, "first convolution's channels")
        ->capture_default_str();
    command.add_option("--hidden", ppo.shape.hidden, "hidden layer width")->capture_default_str();
    command.add_option("--map-embedding", ppo.shape.map_embedding, "floats per map")
        ->capture_default_str();
}

}  // namespace

Command add_train_command(CLI::App& app) {
    auto options = std::make_shared<TrainOptions>();
    auto* command = app.add_subcommand(
        "train", "Train a PPO policy (libtorch) on N environments; --evaluate plays one");
    command->add_option("--rom", options->rom, "ROM (default: the embedded demo game)")
        ->check(CLI::ExistingFile);
    command
        ->add_option("--start-state,--state", options->start_states,
                     "episodes start from one of these states, picked at random (default: "
                     "power-on)")
        ->check(CLI::ExistingFile);
    command->add_option("--inputs", options->inputs, "movie played at each episode's start")
        ->check(CLI::ExistingFile);
    command->add_flag("--from-title", options->from_title,
                      "episodes begin wherever the start leaves the game, title screen included "
                      "(default: START is pressed until the game leaves its title screen)");
    command->add_option("--rtc-start", options->rtc_start, "Unix time the emulated clock starts at")
        ->capture_default_str();
    command
        ->add_option("--core", options->core,
                     "emulator core: native (crystal-rl's own) or mgba (libmgba)")
        ->check(CLI::IsMember({"mgba", "native"}))
        ->capture_default_str();
    command->add_option("--profile", options->profile.name, "auto, demo, crystal, generic")
        ->check(CLI::IsMember({"auto", "demo", "crystal", "generic"}))
        ->capture_default_str();
    command->add_option("--variables", options->profile.variables, "variables file")
        ->check(CLI::ExistingFile);
    command->add_option("--sym", options->profile.symbols, "symbol file")->check(CLI::ExistingFile);
    command->add_option("--frames-per-action", options->frames_per_action, "frames per step")
        ->capture_default_str();
    command->add_option("--hold-frames", options->hold_frames, "frames the button is held")
        ->capture_default_str();
    command->add_option("--rewards", options->rewards, "reward weights (docs/rewards.md)")
        ->check(CLI::ExistingFile);
    command->add_option("--episode-steps", options->training.episode_steps, "steps per episode")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
        ->capture_default_str();
    command
        ->add_option("--checkpoint-every", options->training.checkpoint_every,
                     "updates between checkpoints")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
        ->capture_default_str();
    command->add_option("--seed", options->training.seed, "network and sampling seed")
        ->capture_default_str();
    command->add_option("--device", options->training.device, "cpu or cuda")
        ->check(CLI::IsMember({"cpu", "cuda"}))
        ->capture_default_str();
    command
        ->add_option("--threads", options->training.learner_threads,
                     "libtorch threads for the update (0: one or one per core, whichever the "
                     "updates' timing shows faster); acting uses one")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    add_ppo_options(*command, options->training.ppo);
    command->add_option("--run-dir", options->run_dir, "where the run goes (default runs/train-…)");
    command->add_option("--resume", options->resume, "continue a run from its last checkpoint")
        ->excludes("--run-dir");
    command->add_flag("--quiet", options->quiet, "no live status line");
    command->add_option("--port", options->port,
                        "serve the dashboard on this port (0: any free port): every env's "
                        "screen, the world map, the curves; default: no dashboard");
    command->add_option("--host", options->web.host, "address the dashboard listens on")
        ->capture_default_str();
    command
        ->add_option("--stream-fps", options->web.stream_fps, "the large screen's updates a second")
        ->check(CLI::Range(1.0, 60.0))
        ->capture_default_str();
    command->add_option("--control-token", options->web.control_token,
                        "the dashboard's control token (default: a random one)");
    command->add_option("--evaluate", options->evaluate,
                        "instead of training: play episodes with POLICY.pt, or 'random'");
    command->add_option("--episodes", options->evaluation.episodes, "episodes for --evaluate")
        ->capture_default_str();
    command->add_flag("--greedy", options->evaluation.greedy,
                      "--evaluate: the most likely action, not a sample");
    return [options, command] {
        options->evaluation.episode_steps = options->training.episode_steps;
        options->evaluation.seed = options->training.seed;
        return train(*options, *command);
    };
}

}  // namespace crl::app
