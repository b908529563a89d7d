#include "image/png.h"

#include <png.h>

#include <cstring>
#include <fstream>
#include <iterator>

namespace crl::image {
namespace {

struct ImageGuard {
    png_image* image;
    ~ImageGuard() { png_image_free(image); }
};

RgbImage finish_read(png_image& image, const std::string& what) {
    ImageGuard guard{&image};
    image.format = PNG_FORMAT_RGB;
    RgbImage result;
    result.width = static_cast<int>(image.width);
    result.height = static_cast<int>(image.height);
    result.rgb.resize(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, result.rgb.data(), 0, nullptr)) {
        throw ImageError(what + ": " + image.message);
    }
    return result;
}

png_image rgb_image(int width, int height) {
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(width);
    image.height = static_cast<png_uint_32>(height);
    image.format = PNG_FORMAT_RGB;
    image.flags = PNG_IMAGE_FLAG_FAST;  // a live screen wants speed more than the last byte
    return image;
}

void check_size(std::span<const std::uint8_t> rgb, int width, int height) {
    if (width <= 0 || height <= 0 ||
        rgb.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3) {
        throw ImageError("PNG encode: " + std::to_string(rgb.size()) + " bytes is not a " +
                         std::to_string(width) + "x" + std::to_string(height) + " RGB picture");
    }
}

}  // namespace

std::size_t encode_png(std::span<const std::uint8_t> rgb, int width, int height,
                       std::vector<std::uint8_t>& out) {
    check_size(rgb, width, height);
    png_image image = rgb_image(width, height);
    ImageGuard guard{&image};
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&image, nullptr, &size, 0, rgb.data(), 0, nullptr)) {
        throw ImageError(std::string("PNG encode: ") + image.message);
    }
    out.resize(size);
    if (!png_image_write_to_memory(&image, out.data(), &size, 0, rgb.data(), 0, nullptr)) {
        throw ImageError(std::string("PNG encode: ") + image.message);
    }
    out.resize(size);
    return size;
}

std::vector<std::uint8_t> encode_png(std::span<const std::uint8_t> rgb, int width, int height) {
    std::vector<std::uint8_t> out;
    encode_png(rgb, width, height, out);
    return out;
}

void write_png(const std::filesystem::path& path, std::span<const std::uint8_t> rgb, int width,
               int height) {
    const auto png = encode_png(rgb, width, height);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    if (!out) throw ImageError("cannot write PNG '" + path.string() + "': is the folder writable?");
}

RgbImage decode_png(std::span<const std::uint8_t> png) {
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, png.data(), png.size())) {
        throw ImageError(std::string("not a PNG: ") + image.message);
    }
    return finish_read(image, "PNG");
}

RgbImage read_png(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ImageError("cannot open PNG '" + path.string() + "'");
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    try {
        return decode_png(bytes);
    } catch (const ImageError& error) {
        throw ImageError("'" + path.string() + "': " + error.what());
    }
}

}  // namespace crl::image
