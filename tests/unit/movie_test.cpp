#include <gtest/gtest.h>

#include "emu/movie.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

using emu::Movie;
namespace button = emu::button;

TEST(ButtonsTest, NamesRoundTrip) {
    EXPECT_EQ(emu::buttons_to_text(button::kNone), "-");
    EXPECT_EQ(emu::buttons_to_text(button::kA | button::kUp), "A+UP");
    EXPECT_EQ(emu::buttons_from_text("start+b"), button::kStart | button::kB);
    EXPECT_EQ(emu::buttons_from_text("-"), button::kNone);
    EXPECT_FALSE(emu::buttons_from_text("A+JUMP"));
    EXPECT_FALSE(emu::buttons_from_text("A+"));
    for (int mask = 0; mask < 256; ++mask) {
        const auto buttons = static_cast<emu::Buttons>(mask);
        EXPECT_EQ(emu::buttons_from_text(emu::buttons_to_text(buttons)), buttons);
    }
}

TEST(MovieTest, ParsesSegmentsCommentsAndBlankLines) {
    const auto movie = Movie::parse(
        "# title screen\n"
        "120 -\n"
        "\n"
        "  5 START   # begin\n"
        "30 RIGHT+A\r\n");
    ASSERT_EQ(movie.segments().size(), 3u);
    EXPECT_EQ(movie.total_frames(), 155u);
    EXPECT_EQ(movie.buttons_at(0), button::kNone);
    EXPECT_EQ(movie.buttons_at(119), button::kNone);
    EXPECT_EQ(movie.buttons_at(120), button::kStart);
    EXPECT_EQ(movie.buttons_at(124), button::kStart);
    EXPECT_EQ(movie.buttons_at(125), button::kRight | button::kA);
    EXPECT_EQ(movie.buttons_at(154), button::kRight | button::kA);
    EXPECT_EQ(movie.buttons_at(155), button::kNone);
}

TEST(MovieTest, AppendMergesEqualNeighboursAndTextRoundTrips) {
    Movie movie;
    movie.append(button::kA, 3);
    movie.append(button::kA, 2);
    movie.append(button::kNone, 10);
    movie.append(button::kDown | button::kB);
    ASSERT_EQ(movie.segments().size(), 3u);
    EXPECT_EQ(movie.segments()[0].frames, 5u);
    EXPECT_EQ(Movie::parse(movie.to_text()), movie);
}

TEST(MovieTest, SaveAndLoadRoundTrip) {
    Movie movie;
    movie.append(button::kStart, 4);
    movie.append(button::kNone, 100);
    const auto path = temp_dir("movie") / "m.movie";
    movie.save(path);
    EXPECT_EQ(Movie::load(path), movie);
}

void expect_error(const std::string& text, const std::string& fragment) {
    try {
        (void)Movie::parse(text, "test.movie");
        ADD_FAILURE() << "accepted: " << text;
    } catch (const emu::MovieError& error) {
        EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    }
}

TEST(MovieTest, ErrorsNameTheLineAndTheProblem) {
    expect_error("10 A\n5 JUMP\n", "test.movie:2: unknown buttons 'JUMP'");
    expect_error("START\n", "test.movie:1: expected '<frames> <buttons>'");
    expect_error("0 A\n", "frame count '0'");
    expect_error("-3 A\n", "frame count '-3'");
    expect_error("1x A\n", "frame count '1x'");
}

TEST(MovieTest, MoviesAreBoundedAndErrorsNameTheLine) {
    expect_error("10 A\n18446744073709551615 -\n", "test.movie:2: frame count");
    expect_error("4294967297 -\n", "too large");
    expect_error("99999999999999999999999 -\n", "test.movie:1: frame count");
    EXPECT_EQ(Movie::parse("4294967296 -\n").total_frames(), emu::kMaxSegmentFrames);
}

TEST(MovieTest, BinaryGarbageIsEscapedInTheMessage) {
    expect_error(std::string("12 \x1b[2J\xff\n", 9), "unknown buttons '\\x1B[2J\\xFF'");
}

TEST(MovieTest, ForgottenSegmentsStillCountAndAppendedLinesReadBackWhole) {
    Movie movie;
    movie.append(button::kA, 8);
    movie.append(button::kNone, 16);
    std::string file = Movie::kHeader + movie.lines();
    movie.forget_segments();
    EXPECT_TRUE(movie.segments().empty());
    movie.append(button::kNone, 16);  // the same buttons as the forgotten last segment
    movie.append(button::kB, 8);
    file += movie.lines();
    EXPECT_EQ(movie.total_frames(), 48u);
    EXPECT_EQ(Movie::count_frames(file, "m"), 48u);
    const auto whole = Movie::parse(file);
    EXPECT_EQ(whole.total_frames(), 48u);
    EXPECT_EQ(whole.buttons_at(8), button::kNone);
    EXPECT_EQ(whole.buttons_at(40), button::kB);
}

TEST(MovieTest, MissingFileNamesThePath) {
    try {
        (void)Movie::load("/nonexistent/run.movie");
        ADD_FAILURE();
    } catch (const emu::MovieError& error) {
        EXPECT_NE(std::string(error.what()).find("/nonexistent/run.movie"), std::string::npos);
    }
}

}  // namespace
}  // namespace crl::test
