// agent/llm_prompt.h — what the LLM agent tells the model each time it asks: the goal, progress,
// a minimap around the player with its legend, warps and exits, people, party, recent events,
// the model's own notes and how its last tool calls went. Text only; it sends nothing.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "agent/agent.h"
#include "agent/llm_tool_runner.h"

namespace crl::agent {

inline constexpr int kMinimapRadius = 7;  // 15 x 15 tiles around the player

struct PromptInput {
    const std::string& goal;
    const Observation& observation;
    const ToolRunner& tools;                   // the world seen, the notes
    const std::deque<std::string>& events;     // newest last
    const std::vector<std::string>& feedback;  // tool outcomes and errors since the last prompt
    bool tools_offered = true;                 // else the plain-JSON answer is asked for
};

std::string build_prompt(const PromptInput& input);

// The system message: the rules of the game the model plays.
std::string system_prompt(bool tools_offered);

// The minimap with a coordinate ruler (the model names tiles by x, y).
std::string minimap_with_ruler(const game::MapView& map,
                               const std::set<std::pair<int, int>>* visited, int radius);

}  // namespace crl::agent
