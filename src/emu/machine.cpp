#include "emu/machine.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace crl::emu {

std::vector<std::uint8_t> Machine::frame_rgb() const {
    std::vector<std::uint8_t> rgb(kFrameRgbBytes);
    copy_frame_rgb(std::span<std::uint8_t, kFrameRgbBytes>(rgb.data(), kFrameRgbBytes));
    return rgb;
}

void Machine::save_state_file(const std::filesystem::path& path) const {
    write_file_atomically(path, save_state());
}

void Machine::load_state_file(const std::filesystem::path& path) {
    const auto bytes = read_file_bytes(path, "state");
    try {
        load_state(bytes);
    } catch (const StateError& error) {
        throw StateError("state '" + path.string() + "': " + error.what());
    }
}

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path,
                                          const std::string& what) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw std::runtime_error(what + " '" + path.string() + "' does not exist: check the path");
    }
    if (std::filesystem::is_directory(path, ec)) {
        throw std::runtime_error(what + " '" + path.string() + "' is a directory, not a file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error(what + " '" + path.string() +
                                 "' cannot be read: " + std::strerror(errno));
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
    auto temporary = path;
    temporary += ".tmp";
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (!file) {
        throw std::runtime_error("cannot write '" + temporary.string() +
                                 "': " + std::strerror(errno) + " (is the folder writable?)");
    }
    const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size() &&
                         std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
    const int saved_errno = errno;
    std::fclose(file);
    if (!written) {
        std::filesystem::remove(temporary);
        throw std::runtime_error("cannot write '" + path.string() +
                                 "': " + std::strerror(saved_errno));
    }
    std::filesystem::rename(temporary, path);
}

}  // namespace crl::emu
