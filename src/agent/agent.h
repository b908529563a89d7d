// agent/agent.h — who decides the next button. An agent answers promptly: it never blocks the
// emulator thread (the LLM agent asks its server on a worker and lets a fallback act meanwhile).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "env/action.h"
#include "game/game_state.h"
#include "game/map_view.h"

namespace crl::agent {

struct Recent {  // one past step, for agents that want context
    env::Action action;
    double reward;
};

struct Observation {
    const game::GameState& state;
    std::uint64_t step = 0;  // actions taken so far in the run
    double last_reward = 0;
    const std::deque<Recent>& recent;
    std::span<const std::uint8_t> screen_rgb;  // 160x144 RGB of the last step (may be empty)
    // The current map when the agent wants_map() and the profile can read one; else null.
    const game::MapView* map = nullptr;
};

struct Decision {
    env::Action action = env::Action::kNoop;
    std::string agent;                                  // the agent that answered
    std::string source;                                 // policy, llm, fallback, human
    std::string reasoning;                              // why, when the agent says
    double latency_ms = 0;                              // an LLM request's round trip
    nlohmann::json details = nlohmann::json::object();  // prompt, raw reply, error ...
};

class Agent {
  public:
    virtual ~Agent() = default;
    virtual std::string name() const = 0;
    virtual Decision decide(const Observation& observation) = 0;
    // Agent-specific counters for the stats panel (llm_calls, llm_errors, llm_avg_time, ...).
    virtual nlohmann::json stats() const { return nlohmann::json::object(); }
    // Whether decide() looks at Observation::screen_rgb (copying it costs time otherwise).
    virtual bool wants_screen() const { return false; }
    // Whether decide() looks at Observation::map (reading it costs a few thousand byte reads).
    virtual bool wants_map() const { return false; }
};

}  // namespace crl::agent
