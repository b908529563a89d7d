// image/png.h — PNG encoding and decoding of 8-bit RGB pictures (libpng).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <vector>

namespace crl::image {

struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;  // row-major, 3 bytes a pixel
};

class ImageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Encodes into `out` (reused between calls to avoid allocations); returns out's new size.
std::size_t encode_png(std::span<const std::uint8_t> rgb, int width, int height,
                       std::vector<std::uint8_t>& out);
std::vector<std::uint8_t> encode_png(std::span<const std::uint8_t> rgb, int width, int height);
void write_png(const std::filesystem::path& path, std::span<const std::uint8_t> rgb, int width,
               int height);
// Any PNG (palette, grey, alpha) converted to 8-bit RGB.
RgbImage read_png(const std::filesystem::path& path);
RgbImage decode_png(std::span<const std::uint8_t> png);

}  // namespace crl::image
