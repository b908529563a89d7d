// agent/llm_tool_runner.h — carries out the LLM's checked tool calls, one at a time, over as many
// steps as they take: presses in order, walks planned paths (agent/planner.h) over the maps the
// agent has seen, keeps the model's notes. It never talks to the server and never reads memory.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "agent/agent.h"
#include "agent/llm_tools.h"
#include "agent/planner.h"
#include "game/world_map.h"

namespace crl::agent {

inline constexpr std::size_t kMaxNotes = 8;  // the newest notes; older ones are dropped

std::string exit_name(game::Direction side);  // north, south, west, east: a map's edges
std::optional<game::Direction> exit_side(const std::string& name);

class ToolRunner {
  public:
    // Learns the current map and where the player stands (call every step).
    void observe(const Observation& observation);
    // Starts a command. Returns why it cannot start instead (an impossible target, a menu open,
    // no map known). write_note is done at once and its outcome is ready.
    std::optional<std::string> start(const ToolCommand& command, const Observation& observation);
    bool active() const { return task_.has_value(); }
    // The next button of the running command; nullopt when it has just ended (see take_outcome).
    std::optional<env::Action> next(const Observation& observation);
    // Ends the running command (a new one replaces it, the agent is switched off).
    void cancel(const std::string& why);
    // How the last command ended, once: "navigate_to(3, 4): reached", "...: interrupted by a
    // battle", "...: failed: blocked at 4,5 going up".
    std::optional<std::string> take_outcome();

    const std::string& label() const { return label_; }  // the running command
    const std::deque<std::string>& notes() const { return notes_; }
    const game::WorldMap& world() const { return world_; }
    // The path being walked ({"purpose", "path": [[x, y, map] ...]}), or null.
    nlohmann::json plan_json() const;

  private:
    struct Task {
        std::deque<env::Action> presses;      // press: what is left to press
        bool walking = false;                 // navigate_to / talk_to: the plan runner drives
        bool talking = false;                 // talk_to: a text box at the end is the goal
        std::optional<int> warp_destination;  // navigate_to(warp): arriving there is success
        int start_map = 0;
        bool started_in_battle = false;
    };
    std::optional<std::string> start_walk(const NavigateTool& navigate, const Observation& seen);
    std::optional<std::string> start_talk(const TalkTool& talk, const Observation& seen);
    std::optional<std::string> walk(std::optional<Plan> plan, const std::string& target,
                                    const Observation& seen);
    std::optional<env::Action> next_walk(const Observation& observation);
    std::nullopt_t finish(const std::string& how);
    game::Place here(const Observation& observation) const;

    game::WorldMap world_;
    PlanRunner runner_{true};
    std::optional<Task> task_;
    std::string label_;
    std::optional<std::string> outcome_;
    std::deque<std::string> notes_;
};

}  // namespace crl::agent
