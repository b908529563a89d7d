// emu/movie.h — input movies: which buttons are held on each frame, as editable text.
// Format (docs/movies.md): one segment per line, "<frames> <buttons>", buttons "-" or names
// joined by '+'; '#' starts a comment. Frame i (counted from reset or a loaded state) is played
// with the buttons of the segment covering it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "emu/buttons.h"

namespace crl::emu {

class MovieError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct MovieSegment {
    std::uint64_t frames = 0;
    Buttons buttons = button::kNone;
    bool operator==(const MovieSegment&) const = default;
};

// A line may hold at most 2^32 frames (over two years of play); a movie's total must fit 64 bits.
inline constexpr std::uint64_t kMaxSegmentFrames = std::uint64_t{1} << 32;

class Movie {
  public:
    static constexpr const char* kHeader = "# crystal-rl input movie: <frames> <buttons>\n";

    static Movie parse(const std::string& text, const std::string& source = "movie");
    static Movie load(const std::filesystem::path& path);
    // The frames a movie text holds, checked like parse() but without keeping its segments.
    static std::uint64_t count_frames(const std::string& text, const std::string& source);

    // Appends frames with the given buttons, merging with the last segment when they match.
    void append(Buttons buttons, std::uint64_t frames = 1);
    std::string to_text() const;  // kHeader, then one line per segment
    std::string lines() const;    // the segment lines only, to append to a movie file
    void save(const std::filesystem::path& path) const;
    // Drops the segments from memory (the caller has written them out) but keeps counting
    // frames: total_frames() still covers them. A long recording stays small this way.
    void forget_segments() { segments_.clear(); }

    Buttons buttons_at(std::uint64_t frame) const;  // kNone past the end
    std::uint64_t total_frames() const { return total_frames_; }
    const std::vector<MovieSegment>& segments() const { return segments_; }
    bool operator==(const Movie& other) const { return segments_ == other.segments_; }

  private:
    std::vector<MovieSegment> segments_;
    std::uint64_t total_frames_ = 0;
};

}  // namespace crl::emu
