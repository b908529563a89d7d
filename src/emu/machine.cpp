#include "emu/machine.h"

#include <algorithm>

#include "emu/native/native_machine.h"
#include "storage/files.h"

namespace crl::emu {

std::optional<CoreKind> core_from_name(std::string_view name) {
    if (name == "native") return CoreKind::kNative;
    if (name == "mgba") return CoreKind::kMgba;
    return std::nullopt;
}

const char* core_name(CoreKind core) {
    return core == CoreKind::kNative ? "native" : "mgba";
}

std::unique_ptr<Machine> make_machine(const Rom& rom, const MachineOptions& options) {
    return options.core == CoreKind::kNative ? make_native_machine(rom, options)
                                             : make_mgba_machine(rom, options);
}

std::vector<std::uint8_t> Machine::frame_rgb() const {
    std::vector<std::uint8_t> rgb(kFrameRgbBytes);
    copy_frame_rgb(std::span<std::uint8_t, kFrameRgbBytes>(rgb.data(), kFrameRgbBytes));
    return rgb;
}

void Machine::run_long(std::uint64_t frames, Buttons buttons, Render render_at_end) {
    constexpr std::uint64_t kChunk = 1 << 20;
    while (frames > 0) {
        const auto chunk = std::min(frames, kChunk);
        frames -= chunk;
        run_frames(static_cast<int>(chunk), buttons, frames == 0 ? render_at_end : Render::kNone);
    }
}

bool Machine::play(const Movie& movie, Render render_at_end, std::stop_token stop) {
    // About a tenth of a second of emulation between looks at the stop request.
    constexpr std::uint64_t kFramesBetweenStopChecks = 2048;
    const auto& segments = movie.segments();
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto render = i + 1 == segments.size() ? render_at_end : Render::kNone;
        if (!stop.stop_possible()) {
            run_long(segments[i].frames, segments[i].buttons, render);
            continue;
        }
        for (auto left = segments[i].frames; left > 0;) {
            if (stop.stop_requested()) return false;
            const auto chunk = std::min(left, kFramesBetweenStopChecks);
            left -= chunk;
            run_frames(static_cast<int>(chunk), segments[i].buttons,
                       left == 0 ? render : Render::kNone);
        }
    }
    return true;
}

void Machine::save_state_file(const std::filesystem::path& path) const {
    storage::write_file_atomically(path, save_state());
}

void Machine::load_state_file(const std::filesystem::path& path) {
    const auto bytes = storage::read_file_bytes(path, "state");
    try {
        load_state(bytes);
    } catch (const StateError& error) {
        throw StateError("state '" + path.string() + "': " + error.what());
    }
}

}  // namespace crl::emu
