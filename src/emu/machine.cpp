#include "emu/machine.h"

#include "storage/files.h"

namespace crl::emu {

std::vector<std::uint8_t> Machine::frame_rgb() const {
    std::vector<std::uint8_t> rgb(kFrameRgbBytes);
    copy_frame_rgb(std::span<std::uint8_t, kFrameRgbBytes>(rgb.data(), kFrameRgbBytes));
    return rgb;
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
