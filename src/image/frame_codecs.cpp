#include "image/frame_codecs.h"

#include <jpeglib.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace crl::image {
namespace {

struct CompressDeleter {
    void operator()(jpeg_compress_struct* jpeg) const {
        jpeg_destroy_compress(jpeg);
        delete jpeg;
    }
};

void put_u16(std::vector<std::uint8_t>& out, unsigned value) {
    out.push_back(static_cast<std::uint8_t>(value & 0xFF));
    out.push_back(static_cast<std::uint8_t>(value >> 8));
}

unsigned get_u16(std::span<const std::uint8_t> data, std::size_t at) {
    return data[at] | data[at + 1] << 8;
}

}  // namespace

std::vector<std::uint8_t> encode_jpeg(std::span<const std::uint8_t> rgb, int width, int height,
                                      int quality) {
    if (rgb.size() != static_cast<std::size_t>(width * height * 3)) {
        throw ImageError("JPEG encode: " + std::to_string(rgb.size()) + " bytes is not a " +
                         std::to_string(width) + "x" + std::to_string(height) + " RGB picture");
    }
    jpeg_error_mgr errors{};
    std::unique_ptr<jpeg_compress_struct, CompressDeleter> jpeg(new jpeg_compress_struct{});
    jpeg->err = jpeg_std_error(&errors);
    errors.error_exit = [](j_common_ptr info) {
        char message[JMSG_LENGTH_MAX];
        (*info->err->format_message)(info, message);
        throw ImageError(std::string("JPEG encode: ") + message);
    };
    jpeg_create_compress(jpeg.get());
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(jpeg.get(), &buffer, &size);
    jpeg->image_width = static_cast<JDIMENSION>(width);
    jpeg->image_height = static_cast<JDIMENSION>(height);
    jpeg->input_components = 3;
    jpeg->in_color_space = JCS_RGB;
    jpeg_set_defaults(jpeg.get());
    jpeg_set_quality(jpeg.get(), quality, TRUE);
    jpeg_start_compress(jpeg.get(), TRUE);
    while (jpeg->next_scanline < jpeg->image_height) {
        auto* row = const_cast<JSAMPLE*>(rgb.data() +
                                         static_cast<std::size_t>(jpeg->next_scanline) * width * 3);
        jpeg_write_scanlines(jpeg.get(), &row, 1);
    }
    jpeg_finish_compress(jpeg.get());
    std::vector<std::uint8_t> out(buffer, buffer + size);
    std::free(buffer);
    return out;
}

std::vector<std::uint8_t> encode_indexed(std::span<const std::uint8_t> rgb, int width, int height) {
    const std::size_t pixels = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    if (rgb.size() != pixels * 3) throw ImageError("indexed encode: wrong picture size");
    std::unordered_map<std::uint32_t, std::uint8_t> index_of;
    std::vector<std::uint32_t> palette;
    std::vector<std::uint8_t> indices(pixels);
    for (std::size_t i = 0; i < pixels; ++i) {
        const std::uint32_t colour = rgb[i * 3] << 16 | rgb[i * 3 + 1] << 8 | rgb[i * 3 + 2];
        auto [it, added] = index_of.try_emplace(colour, static_cast<std::uint8_t>(palette.size()));
        if (added) {
            if (palette.size() == 256) throw ImageError("indexed encode: more than 256 colours");
            palette.push_back(colour);
        }
        indices[i] = it->second;
    }
    std::vector<std::uint8_t> out;
    put_u16(out, static_cast<unsigned>(width));
    put_u16(out, static_cast<unsigned>(height));
    put_u16(out, static_cast<unsigned>(palette.size()));
    for (const auto colour : palette) {
        out.push_back(static_cast<std::uint8_t>(colour >> 16));
        out.push_back(static_cast<std::uint8_t>(colour >> 8));
        out.push_back(static_cast<std::uint8_t>(colour));
    }
    uLongf packed = compressBound(static_cast<uLong>(pixels));
    const auto header = out.size();
    out.resize(header + packed);
    if (compress2(out.data() + header, &packed, indices.data(), static_cast<uLong>(pixels),
                  Z_BEST_SPEED) != Z_OK) {
        throw ImageError("indexed encode: deflate failed");
    }
    out.resize(header + packed);
    return out;
}

RgbImage decode_indexed(std::span<const std::uint8_t> data) {
    if (data.size() < 6) throw ImageError("indexed decode: too short");
    RgbImage image;
    image.width = static_cast<int>(get_u16(data, 0));
    image.height = static_cast<int>(get_u16(data, 2));
    const auto colours = get_u16(data, 4);
    const std::size_t header = 6 + colours * 3;
    const std::size_t pixels =
        static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height);
    if (data.size() < header) throw ImageError("indexed decode: palette cut short");
    std::vector<std::uint8_t> indices(pixels);
    uLongf size = static_cast<uLongf>(pixels);
    if (uncompress(indices.data(), &size, data.data() + header,
                   static_cast<uLong>(data.size() - header)) != Z_OK ||
        size != pixels) {
        throw ImageError("indexed decode: bad deflate data");
    }
    image.rgb.resize(pixels * 3);
    for (std::size_t i = 0; i < pixels; ++i) {
        if (indices[i] >= colours) throw ImageError("indexed decode: index outside the palette");
        std::copy_n(&data[6 + indices[i] * 3], 3, &image.rgb[i * 3]);
    }
    return image;
}

RgbImage placeholder_image() {
    // Just the capitals the message needs, 5x7, bit 4 the leftmost pixel.
    static const std::unordered_map<char, std::array<std::uint8_t, 7>> kGlyphs = {
        {'A', {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
        {'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}},
        {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}},
        {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}},
        {'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}},
        {'I', {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}},
        {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}},
        {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}},
        {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
        {'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
        {'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}},
        {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}},
        {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}},
    };
    constexpr int kWidth = 320, kHeight = 288, kScale = 2, kAdvance = 6 * kScale;
    RgbImage image{kWidth, kHeight, std::vector<std::uint8_t>(kWidth * kHeight * 3, 0x80)};
    auto draw_line = [&](std::string_view text, int top) {
        const int left = (kWidth - static_cast<int>(text.size()) * kAdvance) / 2;
        for (std::size_t c = 0; c < text.size(); ++c) {
            const auto glyph = kGlyphs.find(text[c]);
            if (glyph == kGlyphs.end()) continue;
            for (int row = 0; row < 7 * kScale; ++row) {
                for (int column = 0; column < 5 * kScale; ++column) {
                    if (!(glyph->second[static_cast<std::size_t>(row / kScale)] >>
                              (4 - column / kScale) &
                          1))
                        continue;
                    const int x = left + static_cast<int>(c) * kAdvance + column, y = top + row;
                    std::fill_n(&image.rgb[static_cast<std::size_t>((y * kWidth + x) * 3)], 3,
                                0xE0);
                }
            }
        }
    };
    draw_line("NO GAME SCREEN", 120);
    draw_line("AVAILABLE", 144);
    return image;
}

}  // namespace crl::image
