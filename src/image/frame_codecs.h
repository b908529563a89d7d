// image/frame_codecs.h — the other ways a frame travels: JPEG (libjpeg-turbo) as the original
// plan sent it, and palette-indexed + deflate, which suits the Game Boy's few colours; plus the
// grey "No Game Screen Available" picture shown when no game runs.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "image/png.h"

namespace crl::image {

std::vector<std::uint8_t> encode_jpeg(std::span<const std::uint8_t> rgb, int width, int height,
                                      int quality);

// Layout: u16 width, u16 height, u16 colours (little-endian), colours x RGB, then the zlib-deflated
// row-major colour indices (one byte each). Throws if the picture has more than 256 colours.
std::vector<std::uint8_t> encode_indexed(std::span<const std::uint8_t> rgb, int width, int height);
RgbImage decode_indexed(std::span<const std::uint8_t> data);

// 320x288 grey, with "NO GAME SCREEN AVAILABLE" across the middle.
RgbImage placeholder_image();

}  // namespace crl::image
