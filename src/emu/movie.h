// emu/movie.h — input movies: which buttons are held on each frame, as editable text.
// Format (docs/movies.md): one segment per line, "<frames> <buttons>", buttons "-" or names
// joined by '+'; '#' starts a comment. Frame i (counted from reset or a loaded state) is played
// with the buttons of the segment covering it.
#pragma once

#include <cstdint>
#include <filesystem>
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

class Movie {
  public:
    static Movie parse(const std::string& text, const std::string& source = "movie");
    static Movie load(const std::filesystem::path& path);

    // Appends frames with the given buttons, merging with the last segment when they match.
    void append(Buttons buttons, std::uint64_t frames = 1);
    std::string to_text() const;
    void save(const std::filesystem::path& path) const;

    Buttons buttons_at(std::uint64_t frame) const;  // kNone past the end
    std::uint64_t total_frames() const { return total_frames_; }
    const std::vector<MovieSegment>& segments() const { return segments_; }
    bool operator==(const Movie& other) const { return segments_ == other.segments_; }

  private:
    std::vector<MovieSegment> segments_;
    std::uint64_t total_frames_ = 0;
};

}  // namespace crl::emu
