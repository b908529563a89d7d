#include "agent/llm_prompt.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace crl::agent {
namespace {

constexpr int kPeopleListed = 10;

std::string name_or_number(const std::string& name, int id) {
    return name.empty() ? "map " + std::to_string(id) : name;
}

std::string progress(const Observation& observation, const ToolRunner& tools) {
    const auto& state = observation.state;
    std::string maps;
    const auto ids = tools.world().map_ids();
    for (const int id : ids) {
        const auto* map = tools.world().map(id);
        maps += (maps.empty() ? "" : ", ") + name_or_number(map ? map->name : "", id);
    }
    return "step " + std::to_string(observation.step) + "; badges " + std::to_string(state.badges) +
           "; Pokédex caught " + std::to_string(state.pokedex_caught) + "; money " +
           std::to_string(state.money) + "; maps seen (" + std::to_string(ids.size()) +
           "): " + (maps.empty() ? "none" : maps);
}

std::string party(const game::GameState& state) {
    if (state.party.empty()) return "none";
    std::string text;
    for (const auto& member : state.party) {
        text += (text.empty() ? "" : "; ") + member.name + " L" + std::to_string(member.level) +
                " HP " + std::to_string(member.hp) + "/" + std::to_string(member.max_hp);
    }
    return text;
}

std::string map_section(const game::MapView& map, const ToolRunner& tools) {
    std::string text =
        "Map: " + name_or_number(map.name, map.map_id) + " (" + std::to_string(map.width) + " x " +
        std::to_string(map.height) + " tiles); you are at (" + std::to_string(map.player_x) + ", " +
        std::to_string(map.player_y) + ") facing " + game::to_string(map.player_facing) + ".\n";
    const auto& visited = tools.world().visited_on(map.map_id);
    text += "Minimap around you:\n" + minimap_with_ruler(map, &visited, kMinimapRadius);
    text += std::string("Legend: ") + game::kMinimapLegend + "\n";
    text += "Warps (navigate_to warp=N):";
    if (map.warps.empty()) text += " none";
    for (std::size_t i = 0; i < map.warps.size(); ++i) {
        const auto& warp = map.warps[i];
        text += "\n  " + std::to_string(i) + ": (" + std::to_string(warp.x) + ", " +
                std::to_string(warp.y) + ") -> " +
                name_or_number(warp.destination_name, warp.destination_map);
    }
    text += "\nExits (navigate_to exit=SIDE):";
    if (map.connections.empty()) text += " none";
    for (const auto& connection : map.connections) {
        text += "\n  " + exit_name(connection.side) + " -> " +
                name_or_number(connection.name, connection.map);
    }
    text += "\nPeople (talk_to person=N):";
    if (map.people.empty()) text += " none";
    for (std::size_t i = 0; i < map.people.size() && i < kPeopleListed; ++i) {
        const auto& person = map.people[i];
        const int distance = std::abs(person.x - map.player_x) + std::abs(person.y - map.player_y);
        text += "\n  " + std::to_string(i) + ": (" + std::to_string(person.x) + ", " +
                std::to_string(person.y) + "), " + std::to_string(distance) +
                " steps away, facing " + game::to_string(person.facing) +
                (person.moves ? ", walks around" : "");
    }
    return text + "\n";
}

template <class Lines>
std::string listed(const Lines& lines, const std::string& empty) {
    if (lines.empty()) return " " + empty + "\n";
    std::string text = "\n";
    for (const auto& line : lines)
        text += "  - " + line + "\n";
    return text;
}

}  // namespace

std::string minimap_with_ruler(const game::MapView& map,
                               const std::set<std::pair<int, int>>* visited, int radius) {
    game::MinimapOptions options;
    options.radius = radius;
    options.legend = false;
    options.visited = visited;
    const int left = std::max(0, map.player_x - radius);
    const int top = std::max(0, map.player_y - radius);
    std::string ruler = "     x=";
    for (int x = left; x <= std::min(map.width - 1, map.player_x + radius); ++x)
        ruler += static_cast<char>('0' + x % 10);  // last digit of each column's x
    std::string text = ruler + "\n";
    std::istringstream rows(game::render_minimap(map, options));
    std::string row;
    for (int y = top; std::getline(rows, row); ++y) {
        char label[16];
        std::snprintf(label, sizeof label, "y=%3d  ", y);
        text += label + row + "\n";
    }
    return text;
}

std::string system_prompt(bool tools_offered) {
    std::string text =
        "You are playing a Game Boy game (a Pokémon game) through tools. Coordinates are (x, y): "
        "x grows to the right (east), y grows downward (south). Walk with navigate_to rather than "
        "single presses; talk with talk_to; in text boxes press A; in menus you did not mean to "
        "open press B. Keep plans and facts with write_note. Results of your last calls are "
        "reported in the next message; fix an error and try again.";
    if (tools_offered) return text + " Call exactly one tool each time.";
    return text +
           " Answer with JSON only: {\"action\": one of \"A\", \"B\", \"START\", \"SELECT\", "
           "\"UP\", \"DOWN\", \"LEFT\", \"RIGHT\", \"NOOP\", \"reasoning\": one short sentence}.";
}

std::string build_prompt(const PromptInput& input) {
    const auto& observation = input.observation;
    const auto& state = observation.state;
    std::string text = "Goal: " + input.goal + "\n";
    text += "Progress: " + progress(observation, input.tools) + "\n";
    text += "Screen: " + game::to_string(state.screen) +
            (state.text_open ? " (a text box is open)" : "") + "\n";
    if (observation.map) {
        text += map_section(*observation.map, input.tools);
    } else {
        text += "Map: " + name_or_number(state.map_name, state.map_id) + " at (" +
                std::to_string(state.x) + ", " + std::to_string(state.y) + ") (no tile map here)\n";
    }
    text += "Party: " + party(state) + "\n";
    if (state.in_battle()) {
        text += "Battle: " + game::to_string(state.battle.kind) + " against " +
                state.battle.enemy_name + " L" + std::to_string(state.battle.enemy_level) + " HP " +
                std::to_string(state.battle.enemy_hp) + "\n";
    }
    text += "Recent events:" + listed(input.events, "none");
    text += "Your notes:" + listed(input.tools.notes(), "none");
    text += "Results of your last calls:" + listed(input.feedback, "none yet");
    std::string recent;
    for (const auto& step : observation.recent) {
        recent += (recent.empty() ? "" : " ") + env::to_string(step.action);
    }
    text += "Last buttons pressed (oldest first): " + (recent.empty() ? "none" : recent) + "\n";
    text += input.tools_offered ? "What next? Call one tool." : "Which button next?";
    return text;
}

}  // namespace crl::agent
