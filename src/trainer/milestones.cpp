#include "trainer/milestones.h"

#include <algorithm>
#include <cstdio>

namespace crl::trainer {

nlohmann::json Milestone::to_json() const {
    return {{"step", step}, {"kind", kind}, {"detail", detail}};
}

namespace {

// A town or a route goes by its name; a building, cave or gate inside it also says what it is
// and which map, since the game gives them the town's name.
std::string map_title(const game::GameState& state) {
    const auto id = std::to_string(state.map_id);
    if (state.map_name.empty()) return "map " + id;
    const auto kind = state.extra.find("map_kind");
    if (kind == state.extra.end() || !kind->is_string()) return state.map_name;
    const auto text = kind->get<std::string>();
    if (text == "town" || text == "route") return state.map_name;
    return state.map_name + " (" + text + ", map " + id + ")";
}

}  // namespace

std::vector<Milestone> MilestoneTracker::update(std::uint64_t step, const game::GameState& state) {
    std::vector<Milestone> found;
    if (state.screen == game::Screen::kTitle) return found;  // no map yet: the intro
    auto add = [&](const char* kind, std::string detail) {
        found.push_back({step, kind, std::move(detail)});
    };
    if (!started_) {
        // The first state seen (a run from a state or a resumed run): what is there is not news,
        // except the map, which the run did enter.
        started_ = true;
        badges_ = state.badges;
        for (const auto& member : state.party)
            party_species_.insert(member.species);
        had_party_ = !state.party.empty();
        lead_species_ = state.party.empty() ? 0 : state.party.front().species;
        lead_level_ = state.lead_level();
    }
    if (maps_.insert(state.map_id).second) add("map", map_title(state));
    if (!had_party_ && !state.party.empty()) {
        add("starter", state.party.front().name);
        party_species_.insert(state.party.front().species);
        had_party_ = true;
    }
    if (!state.in_battle()) {  // the party's list is settled outside battles
        for (std::size_t slot = 0; slot < state.party.size(); ++slot) {
            const auto& member = state.party[slot];
            if (member.species <= 0 || !party_species_.insert(member.species).second ||
                !found.empty())
                continue;
            // The same slot of a party of the same size held another species: it evolved.
            const bool evolved = state.party.size() == last_party_.size() &&
                                 last_party_[slot] != member.species && last_party_[slot] > 0;
            add(evolved ? "evolved" : "caught", member.name);
        }
        last_party_.clear();
        for (const auto& member : state.party)
            last_party_.push_back(member.species);
    }
    if (state.badges > badges_) add("badge", "badge " + std::to_string(state.badges));
    badges_ = std::max(badges_, state.badges);
    if (!state.party.empty()) {
        const auto& lead = state.party.front();
        if (lead.species == lead_species_ && lead.level > lead_level_ && lead_level_ > 0)
            add("level", lead.name + " level " + std::to_string(lead.level));
        lead_species_ = lead.species;
        lead_level_ = lead.level;
    }
    const bool all_fainted =
        !state.party.empty() && std::all_of(state.party.begin(), state.party.end(),
                                            [](const auto& member) { return member.hp == 0; });
    if (all_fainted && !fainted_) add("blackout", state.map_name);
    fainted_ = all_fainted;
    all_.insert(all_.end(), found.begin(), found.end());
    return found;
}

nlohmann::json MilestoneTracker::to_json() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& milestone : all_)
        list.push_back(milestone.to_json());
    return list;
}

std::string MilestoneTracker::summary() const {
    std::string text = "milestones (action, what):\n";
    for (const auto& milestone : all_) {
        char line[160];
        std::snprintf(line, sizeof line, "%9llu  %-8s %s\n",
                      static_cast<unsigned long long>(milestone.step), milestone.kind.c_str(),
                      milestone.detail.c_str());
        text += line;
    }
    return text;
}

}  // namespace crl::trainer
