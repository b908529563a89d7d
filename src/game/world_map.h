// game/world_map.h — every map an agent has seen, accumulated: the latest MapView of each, the
// tiles stood on, where warps and map edges were seen to lead, moves that failed although the
// player faced that way, and people's usual spots. It learns from what it is told; it never
// reads memory and never chooses a move.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "game/map_view.h"

namespace crl::game {

struct Place {
    int map = 0, x = 0, y = 0;
    auto operator<=>(const Place&) const = default;
};

class WorldMap {
  public:
    // Records the map as seen now (replacing the previous view of that map, keeping what was
    // learned about it).
    void see(const MapView& map);
    // The player stood here.
    void visit(const Place& place);
    // Pressing `direction` at `from` (already facing it) led to `to` on another map, or across
    // a warp: remembered so plans can cross it.
    void learn_transition(const Place& from, Direction direction, const Place& to);
    // Pressing `direction` at `from`, already facing it, did not move the player.
    void learn_blocked(const Place& from, Direction direction);
    void forget_blocked(const Place& from, Direction direction);
    // Forgets every blocked move: what stood in the way (a person, a script) may be gone.
    void forget_blocked_moves() { blocked_.clear(); }

    const MapView* map(int map_id) const;
    std::vector<int> map_ids() const;
    bool visited(const Place& place) const;
    std::size_t visited_count() const { return visited_.size(); }
    const std::set<std::pair<int, int>>& visited_on(int map_id) const;
    std::optional<Place> transition(const Place& from, Direction direction) const;
    bool blocked(const Place& from, Direction direction) const;
    // Every learned transition, (from, direction) -> to.
    const std::map<std::pair<Place, Direction>, Place>& transitions() const { return transitions_; }
    const std::set<std::pair<Place, Direction>>& blocked_moves() const { return blocked_; }
    // Warps of a map whose destination map was never entered through them.
    std::vector<Warp> unvisited_warps(int map_id) const;

    nlohmann::json to_json() const;  // a summary: maps with names, visited counts, transitions

  private:
    std::map<int, MapView> maps_;
    std::map<int, std::set<std::pair<int, int>>> visited_;
    std::map<std::pair<Place, Direction>, Place> transitions_;
    std::set<std::pair<Place, Direction>> blocked_;
};

}  // namespace crl::game
