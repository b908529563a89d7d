// env/observation.h — what a learner sees of an Env, defined once: the C++ learner (src/rl) and
// the Python bindings both read observation_spec() and fill buffers with ObservationBuilder.
// It reads the machine's picture and the game state; it never steps, rewards or allocates per step.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "env/env.h"

namespace crl::env {

inline constexpr int kObsFrames = 3;              // the newest frame first
inline constexpr int kObsScreenHeight = 72;       // 144 / 2: each pixel the mean of a 2×2 block
inline constexpr int kObsScreenWidth = 80;        // 160 / 2
inline constexpr int kObsVisitedSide = 15;        // cells; the player in the middle
inline constexpr int kObsMapSlots = 8192;         // map index range, for an embedding table
inline constexpr std::uint8_t kObsVisited = 255;  // a visited cell in the mask; else 0

enum class DType { kUInt8, kFloat32, kInt64 };
std::string to_string(DType dtype);  // "uint8", "float32", "int64" (NumPy's names)

struct ObservationField {
    std::string name;
    std::vector<std::int64_t> shape;
    DType dtype;
    std::string meaning;
};

// The fields, in this order: screen, visited, features, map.
const std::vector<ObservationField>& observation_spec();
// One name per element of "features" ("level_0", "hp_0", "badge_0", "screen_battle", ...).
const std::vector<std::string>& feature_names();
std::size_t feature_count();

// Caller-owned memory for one environment's observation, sized as observation_spec() says.
struct ObservationBuffers {
    std::span<std::uint8_t> screen;   // kObsFrames × kObsScreenHeight × kObsScreenWidth
    std::span<std::uint8_t> visited;  // kObsVisitedSide × kObsVisitedSide, row = y
    std::span<float> features;        // feature_count()
    std::span<std::int64_t> map;      // 1: map id folded into [0, kObsMapSlots)
};

// Owns one environment's episode memory for observations: the frame history and the set of
// visited cells. Needs the Env to draw its last frame (Render::kLast or kAll).
class ObservationBuilder {
  public:
    ObservationBuilder();
    // After Env::reset (or Env::restore): forgets the episode, fills every history frame with
    // the current one.
    void begin_episode(const Env& env, const ObservationBuffers& out);
    // After Env::step.
    void observe(const Env& env, const ObservationBuffers& out);
    // The same from a game state and its 160×144 RGB screen (for an agent in the runner).
    void begin_episode(const game::GameState& state, std::span<const std::uint8_t> rgb,
                       const ObservationBuffers& out);
    void observe(const game::GameState& state, std::span<const std::uint8_t> rgb,
                 const ObservationBuffers& out);

    std::size_t cells_visited() const { return visited_.size(); }

  private:
    void remember_position(const game::GameState& state);
    void write(const game::GameState& state, const ObservationBuffers& out) const;
    void shrink_screen(std::span<const std::uint8_t> rgb, std::span<std::uint8_t> frame) const;
    std::span<const std::uint8_t> grab_rgb(const Env& env);

    static constexpr std::size_t kFramePixels =
        static_cast<std::size_t>(kObsScreenHeight) * kObsScreenWidth;
    std::vector<std::uint8_t> history_;                         // kObsFrames frames, newest first
    std::vector<std::uint8_t> rgb_;                             // one full-size frame, reused
    std::unordered_map<std::uint64_t, std::uint32_t> visited_;  // cell -> observations on it
    std::uint64_t steps_since_new_cell_ = 0;
    std::optional<std::uint64_t> last_cell_;  // of the previous observation; none at the start
    bool moved_ = false;                      // the last step changed map or cell
};

// Checks that `out` has the sizes of observation_spec(); throws std::invalid_argument if not.
void check_buffers(const ObservationBuffers& out);
std::int64_t map_slot(int map_id);

}  // namespace crl::env
