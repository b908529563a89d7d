// trainer/trainer.h — runs an environment with an agent: the emulator loop. It counts and logs
// every decision, writes checkpoints, publishes snapshots for the monitor and takes commands.
// It never waits on the network, the disk or a reader: those live on other threads.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "agent/agent.h"
#include "agent/simple_agents.h"
#include "env/env.h"
#include "storage/files.h"
#include "trainer/commands.h"
#include "trainer/decision_log.h"
#include "trainer/milestones.h"
#include "trainer/run_directory.h"
#include "trainer/snapshot.h"
#include "trainer/stats.h"

namespace crl::trainer {

using AgentFactory = std::function<std::unique_ptr<agent::Agent>(const std::string& name)>;

struct TrainerOptions {
    std::string agent = "explorer";
    std::uint64_t max_actions = 0;  // total in the run (resumed runs included); 0 = no limit
    double speed = 0;               // 0 unthrottled, 1 real time, 2 twice as fast ...
    std::uint64_t checkpoint_every = 1000;  // actions
    bool stop_after_start_movie = false;    // --agent replay
    bool status_line = false;               // a live line on the terminal
    std::function<void()> after_step;       // e.g. the battery save's timer; must not block
};

// Where a resumed run picks up.
struct ResumePoint {
    bool resumed = false;           // false: a new run, which starts with a step-0 checkpoint
    std::uint64_t movie_bytes = 0;  // bytes of inputs.movie that belong to the checkpoint
    std::uint64_t total_actions = 0;
    double total_reward = 0;
    std::uint64_t episode = 1;
    std::uint64_t llm_calls = 0;
    std::uint64_t llm_errors = 0;
};

class Trainer {
  public:
    Trainer(env::Env& env, RunDirectory run, AgentFactory make_agent, TrainerOptions options,
            ResumePoint resume = {});
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    // The emulator loop: until max_actions, a Stop command, or `stop`.
    void run(std::stop_token stop = {});

    void post(Command command) { commands_.post(std::move(command)); }
    std::shared_ptr<const Snapshot> latest() const { return mailbox_.latest(); }
    // How many viewers want the screen; the trainer draws frames only when someone watches.
    void set_watchers(int watchers) { watchers_.store(watchers); }
    const RunDirectory& run_directory() const { return run_; }
    static std::vector<std::string> agent_names();

    // Queues the checkpoint: its state, then the inputs since the last one (appended to
    // inputs.movie), then checkpoint.json naming both. Returns the checkpoint's JSON.
    nlohmann::json checkpoint();
    // What the run achieved and when (also in decisions.sqlite and the stats).
    const MilestoneTracker& milestones() const { return milestones_; }
    // Writes that failed so far (a full disk ...); each is logged.
    std::uint64_t failed_writes() const { return files_.failures(); }

  private:
    void apply(const Command& command);
    void step_once();
    void publish(bool force);
    void throttle();
    void print_status(bool final);
    agent::Decision decide();
    void use_agent(const std::string& name);
    void collect_agent_stats();  // the agent's own counters (LLM calls ...) into stats_

    env::Env& env_;
    RunDirectory run_;
    AgentFactory make_agent_;
    TrainerOptions options_;
    std::unique_ptr<agent::Agent> agent_;
    agent::HumanAgent human_;  // dashboard buttons win over any agent
    CommandQueue commands_;
    SnapshotMailbox mailbox_;
    std::atomic<int> watchers_{0};
    storage::AsyncFileWriter files_;
    std::unique_ptr<DecisionLog> log_;

    Stats stats_;
    RateMeter rate_;
    MilestoneTracker milestones_;
    std::deque<agent::Recent> recent_;
    std::deque<DecisionRecord> recent_decisions_;
    bool paused_ = false;
    bool step_requested_ = false;
    bool stop_requested_ = false;
    bool streaming_ = false;  // publishing every frame of the current step
    double started_ = 0;      // steady seconds
    double speed_epoch_ = 0;  // when the speed last changed
    std::uint64_t speed_epoch_frames_ = 0;
    double last_publish_ = -1;
    double last_render_ = -1;
    double last_status_ = 0;
    std::uint64_t last_checkpoint_step_ = 0;
    std::uint64_t previous_checkpoint_step_ = 0;
    bool resumed_ = false;
    std::uint64_t movie_bytes_ = 0;  // inputs.movie's length once the queued appends are done
};

}  // namespace crl::trainer
