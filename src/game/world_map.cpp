#include "game/world_map.h"

namespace crl::game {

void WorldMap::see(const MapView& map) {
    auto& kept = maps_[map.map_id];
    // A person's spot is where they stand now; the tiles and warps are the game's own.
    kept = map;
}

void WorldMap::visit(const Place& place) {
    visited_[place.map].insert({place.x, place.y});
}

void WorldMap::learn_transition(const Place& from, Direction direction, const Place& to) {
    transitions_[{from, direction}] = to;
    blocked_.erase({from, direction});
}

void WorldMap::learn_blocked(const Place& from, Direction direction) {
    blocked_.insert({from, direction});
}

void WorldMap::forget_blocked(const Place& from, Direction direction) {
    blocked_.erase({from, direction});
}

const MapView* WorldMap::map(int map_id) const {
    const auto it = maps_.find(map_id);
    return it == maps_.end() ? nullptr : &it->second;
}

std::vector<int> WorldMap::map_ids() const {
    std::vector<int> ids;
    for (const auto& [id, map] : maps_)
        ids.push_back(id);
    return ids;
}

bool WorldMap::visited(const Place& place) const {
    const auto it = visited_.find(place.map);
    return it != visited_.end() && it->second.count({place.x, place.y}) > 0;
}

const std::set<std::pair<int, int>>& WorldMap::visited_on(int map_id) const {
    static const std::set<std::pair<int, int>> kNone;
    const auto it = visited_.find(map_id);
    return it == visited_.end() ? kNone : it->second;
}

std::optional<Place> WorldMap::transition(const Place& from, Direction direction) const {
    const auto it = transitions_.find({from, direction});
    if (it == transitions_.end()) return std::nullopt;
    return it->second;
}

bool WorldMap::blocked(const Place& from, Direction direction) const {
    return blocked_.count({from, direction}) > 0;
}

std::vector<Warp> WorldMap::unvisited_warps(int map_id) const {
    std::vector<Warp> warps;
    const auto* seen = map(map_id);
    if (!seen) return warps;
    for (const auto& warp : seen->warps) {
        if (!visited({map_id, warp.x, warp.y})) warps.push_back(warp);
    }
    return warps;
}

nlohmann::json WorldMap::to_json() const {
    nlohmann::json maps = nlohmann::json::array();
    for (const auto& [id, map] : maps_) {
        maps.push_back({{"map", id}, {"name", map.name}, {"visited_tiles", visited_on(id).size()}});
    }
    nlohmann::json transitions = nlohmann::json::array();
    for (const auto& [from, to] : transitions_) {
        transitions.push_back({{"from", {from.first.map, from.first.x, from.first.y}},
                               {"press", to_string(from.second)},
                               {"to", {to.map, to.x, to.y}}});
    }
    return {{"maps", maps}, {"transitions", transitions}};
}

}  // namespace crl::game
