#include <gtest/gtest.h>

#include "image/png.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

TEST(PngTest, EncodeDecodeRoundTripIsExact) {
    std::vector<std::uint8_t> rgb(160 * 144 * 3);
    for (std::size_t i = 0; i < rgb.size(); ++i)
        rgb[i] = static_cast<std::uint8_t>(i * 31 + i / 7);
    const auto png = image::encode_png(rgb, 160, 144);
    ASSERT_GT(png.size(), 8u);
    EXPECT_EQ(png[1], 'P');
    const auto decoded = image::decode_png(png);
    EXPECT_EQ(decoded.width, 160);
    EXPECT_EQ(decoded.height, 144);
    EXPECT_EQ(decoded.rgb, rgb);
}

TEST(PngTest, ReusedBufferShrinksAndGrows) {
    std::vector<std::uint8_t> out;
    std::vector<std::uint8_t> flat(16 * 16 * 3, 200);
    const auto small = image::encode_png(flat, 16, 16, out);
    EXPECT_EQ(out.size(), small);
    std::vector<std::uint8_t> noisy(64 * 64 * 3);
    for (std::size_t i = 0; i < noisy.size(); ++i)
        noisy[i] = static_cast<std::uint8_t>(i * 7919 % 251);
    EXPECT_GT(image::encode_png(noisy, 64, 64, out), small);
    EXPECT_EQ(image::decode_png(out).rgb, noisy);
}

TEST(PngTest, WrongSizeAndGarbageAreErrors) {
    EXPECT_THROW(image::encode_png(std::vector<std::uint8_t>(10), 160, 144), image::ImageError);
    EXPECT_THROW(image::decode_png(std::vector<std::uint8_t>(100, 7)), image::ImageError);
    EXPECT_THROW(image::read_png("/nonexistent.png"), image::ImageError);
}

}  // namespace
}  // namespace crl::test
