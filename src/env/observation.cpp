#include "env/observation.h"

#include <algorithm>
#include <stdexcept>

namespace crl::env {
namespace {

constexpr int kPartySlots = 6;
constexpr int kBadgeBits = 16;           // Crystal has 16; the demo uses the first 8
constexpr double kLevelScale = 100.0;    // levels run to 100
constexpr double kPositionScale = 64.0;  // map coordinates are small; keeps features near 0-1
// Standing on one cell, or going round the same few, shows in the observation: the stuck reward
// depends on it, and a greedy policy that sees nothing change would press the same button forever.
constexpr int kVisitsScale = 64;
constexpr int kSinceNewCellScale = 256;
// Which way the player faces, and whether the last step moved it: after a press against a wall
// or a person the observation says so, so the policy can learn not to press that way again (a
// greedy policy otherwise repeats it forever, since nothing else it sees changes).
constexpr std::array kFacings = {"down", "up", "left", "right"};
constexpr std::array kScreens = {game::Screen::kUnknown,   game::Screen::kTitle,
                                 game::Screen::kOverworld, game::Screen::kText,
                                 game::Screen::kMenu,      game::Screen::kBattle};

std::vector<std::string> make_feature_names() {
    std::vector<std::string> names;
    for (int i = 0; i < kPartySlots; ++i)
        names.push_back("level_" + std::to_string(i));
    for (int i = 0; i < kPartySlots; ++i)
        names.push_back("hp_" + std::to_string(i));
    for (int i = 0; i < kBadgeBits; ++i)
        names.push_back("badge_" + std::to_string(i));
    names.push_back("badge_fraction");
    for (const auto screen : kScreens)
        names.push_back("screen_" + game::to_string(screen));
    for (const char* name : {"in_battle", "text_open", "party_fraction", "x", "y", "enemy_hp",
                             "episode_progress", "visits_here", "steps_since_new_cell"})
        names.emplace_back(name);
    for (const char* facing : kFacings)
        names.push_back(std::string("facing_") + facing);
    names.emplace_back("moved");
    return names;
}

std::uint64_t cell_key(int map_id, int x, int y) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(map_id)) << 32) |
           (static_cast<std::uint64_t>(static_cast<std::uint16_t>(x)) << 16) |
           static_cast<std::uint16_t>(y);
}

float fraction(int part, int whole) {
    return whole > 0 ? std::clamp(static_cast<float>(part) / static_cast<float>(whole), 0.f, 1.f)
                     : 0.f;
}

}  // namespace

std::string to_string(DType dtype) {
    switch (dtype) {
        case DType::kUInt8:
            return "uint8";
        case DType::kFloat32:
            return "float32";
        case DType::kInt64:
            return "int64";
    }
    return "unknown";
}

const std::vector<std::string>& feature_names() {
    static const std::vector<std::string> names = make_feature_names();
    return names;
}

std::size_t feature_count() {
    return feature_names().size();
}

const std::vector<ObservationField>& observation_spec() {
    static const std::vector<ObservationField> spec = {
        {"screen",
         {kObsFrames, kObsScreenHeight, kObsScreenWidth},
         DType::kUInt8,
         "grey screen halved (mean of 2x2 pixels), the newest of the last frames first"},
        {"visited",
         {kObsVisitedSide, kObsVisitedSide},
         DType::kUInt8,
         "255 where this episode has stood on the cell (same map), the player at the centre"},
        {"features",
         {static_cast<std::int64_t>(feature_count())},
         DType::kFloat32,
         "party levels/100 and HP fractions, badge bits, screen kind, battle; see feature_names"},
        {"map", {1}, DType::kInt64, "the map id folded into [0, 8192), for an embedding"},
    };
    return spec;
}

std::int64_t map_slot(int map_id) {
    const auto slot = static_cast<std::int64_t>(map_id) % kObsMapSlots;
    return slot < 0 ? slot + kObsMapSlots : slot;
}

void check_buffers(const ObservationBuffers& out) {
    const auto& spec = observation_spec();
    auto expect = [](std::size_t got, const ObservationField& field) {
        std::int64_t want = 1;
        for (const auto dim : field.shape)
            want *= dim;
        if (got != static_cast<std::size_t>(want)) {
            throw std::invalid_argument("observation buffer '" + field.name + "' holds " +
                                        std::to_string(got) + " elements, needs " +
                                        std::to_string(want));
        }
    };
    expect(out.screen.size(), spec[0]);
    expect(out.visited.size(), spec[1]);
    expect(out.features.size(), spec[2]);
    expect(out.map.size(), spec[3]);
}

ObservationBuilder::ObservationBuilder()
    : history_(kFramePixels * kObsFrames), rgb_(emu::kFrameRgbBytes) {}

std::span<const std::uint8_t> ObservationBuilder::grab_rgb(const Env& env) {
    env.machine().copy_frame_rgb(std::span<std::uint8_t, emu::kFrameRgbBytes>(rgb_));
    return rgb_;
}

void ObservationBuilder::begin_episode(const Env& env, const ObservationBuffers& out) {
    begin_episode(env.state(), grab_rgb(env), out);
}

void ObservationBuilder::observe(const Env& env, const ObservationBuffers& out) {
    observe(env.state(), grab_rgb(env), out);
}

void ObservationBuilder::begin_episode(const game::GameState& state,
                                       std::span<const std::uint8_t> rgb,
                                       const ObservationBuffers& out) {
    check_buffers(out);
    visited_.clear();
    steps_since_new_cell_ = 0;
    last_cell_.reset();
    remember_position(state);
    shrink_screen(rgb, std::span(history_).first(kFramePixels));
    for (int frame = 1; frame < kObsFrames; ++frame) {
        std::copy_n(history_.begin(), kFramePixels, history_.begin() + frame * kFramePixels);
    }
    write(state, out);
}

void ObservationBuilder::observe(const game::GameState& state, std::span<const std::uint8_t> rgb,
                                 const ObservationBuffers& out) {
    check_buffers(out);
    remember_position(state);
    // The oldest frame drops off the end; the newest goes first.
    std::copy_backward(history_.begin(), history_.end() - kFramePixels, history_.end());
    shrink_screen(rgb, std::span(history_).first(kFramePixels));
    write(state, out);
}

void ObservationBuilder::remember_position(const game::GameState& state) {
    const auto key = cell_key(state.map_id, state.x, state.y);
    moved_ = last_cell_ && key != *last_cell_;
    last_cell_ = key;
    const auto [cell, added] = visited_.try_emplace(key, 0);
    ++cell->second;
    steps_since_new_cell_ = added ? 0 : steps_since_new_cell_ + 1;
}

void ObservationBuilder::shrink_screen(std::span<const std::uint8_t> rgb,
                                       std::span<std::uint8_t> frame) const {
    if (rgb.size() != emu::kFrameRgbBytes) {
        throw std::invalid_argument("observation: the screen must be 160x144 RGB, got " +
                                    std::to_string(rgb.size()) + " bytes");
    }
    auto grey = [rgb](int x, int y) {
        const auto* pixel = &rgb[(static_cast<std::size_t>(y) * emu::kScreenWidth + x) * 3];
        return 299 * pixel[0] + 587 * pixel[1] + 114 * pixel[2];  // ITU-R 601 luma, x1000
    };
    for (int y = 0; y < kObsScreenHeight; ++y) {
        for (int x = 0; x < kObsScreenWidth; ++x) {
            const int sum = grey(2 * x, 2 * y) + grey(2 * x + 1, 2 * y) + grey(2 * x, 2 * y + 1) +
                            grey(2 * x + 1, 2 * y + 1);
            frame[static_cast<std::size_t>(y) * kObsScreenWidth + x] =
                static_cast<std::uint8_t>(sum / 4000);
        }
    }
}

void ObservationBuilder::write(const game::GameState& state, const ObservationBuffers& out) const {
    std::copy(history_.begin(), history_.end(), out.screen.begin());

    constexpr int kHalf = kObsVisitedSide / 2;
    for (int dy = -kHalf; dy <= kHalf; ++dy) {
        for (int dx = -kHalf; dx <= kHalf; ++dx) {
            const bool seen = visited_.contains(cell_key(state.map_id, state.x + dx, state.y + dy));
            out.visited[static_cast<std::size_t>(dy + kHalf) * kObsVisitedSide + dx + kHalf] =
                seen ? kObsVisited : 0;
        }
    }

    std::fill(out.features.begin(), out.features.end(), 0.f);
    auto feature = out.features.begin();
    for (int i = 0; i < kPartySlots; ++i, ++feature) {
        if (i < static_cast<int>(state.party.size()))
            *feature = static_cast<float>(state.party[i].level / kLevelScale);
    }
    for (int i = 0; i < kPartySlots; ++i, ++feature) {
        if (i < static_cast<int>(state.party.size()))
            *feature = fraction(state.party[i].hp, state.party[i].max_hp);
    }
    for (int bit = 0; bit < kBadgeBits; ++bit, ++feature)
        *feature = (state.badge_bits >> bit) & 1u ? 1.f : 0.f;
    *feature++ = fraction(state.badges, state.badges_possible);
    for (const auto screen : kScreens)
        *feature++ = state.screen == screen ? 1.f : 0.f;
    *feature++ = state.in_battle() ? 1.f : 0.f;
    *feature++ = state.text_open ? 1.f : 0.f;
    *feature++ = fraction(static_cast<int>(state.party.size()), kPartySlots);
    *feature++ = static_cast<float>(state.x / kPositionScale);
    *feature++ = static_cast<float>(state.y / kPositionScale);
    *feature++ = fraction(state.battle.enemy_hp, state.battle.enemy_max_hp);
    ++feature;  // episode_progress: the learner does not know the episode's length
    const auto here = visited_.find(cell_key(state.map_id, state.x, state.y));
    *feature++ =
        fraction(here == visited_.end() ? 0 : static_cast<int>(here->second), kVisitsScale);
    *feature++ = fraction(
        static_cast<int>(std::min<std::uint64_t>(steps_since_new_cell_, kSinceNewCellScale)),
        kSinceNewCellScale);
    for (const char* facing : kFacings)
        *feature++ = state.facing == facing ? 1.f : 0.f;
    *feature++ = moved_ ? 1.f : 0.f;

    out.map[0] = map_slot(state.map_id);
}

}  // namespace crl::env
