#include "emu/movie.h"

#include <array>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "storage/files.h"

namespace crl::emu {
namespace {

constexpr std::array<std::string_view, 8> kButtonNames = {"A",     "B",    "SELECT", "START",
                                                          "RIGHT", "LEFT", "UP",     "DOWN"};

std::string upper(std::string_view text) {
    std::string result(text);
    for (char& c : result)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return result;
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

}  // namespace

std::optional<Buttons> button_from_name(std::string_view name) {
    const std::string wanted = upper(name);
    for (std::size_t bit = 0; bit < kButtonNames.size(); ++bit) {
        if (kButtonNames[bit] == wanted) return static_cast<Buttons>(1u << bit);
    }
    return std::nullopt;
}

std::string buttons_to_text(Buttons buttons) {
    if (buttons == button::kNone) return "-";
    std::string text;
    for (std::size_t bit = 0; bit < kButtonNames.size(); ++bit) {
        if (!(buttons & (1u << bit))) continue;
        if (!text.empty()) text += '+';
        text += kButtonNames[bit];
    }
    return text;
}

std::optional<Buttons> buttons_from_text(std::string_view text) {
    if (text == "-") return button::kNone;
    Buttons buttons = button::kNone;
    while (!text.empty()) {
        const auto plus = text.find('+');
        const auto name = text.substr(0, plus);
        const auto bit = button_from_name(name);
        if (!bit) return std::nullopt;
        buttons |= *bit;
        text = plus == std::string_view::npos ? std::string_view{} : text.substr(plus + 1);
        if (plus != std::string_view::npos && text.empty()) return std::nullopt;
    }
    return buttons;
}

namespace {

// Reads movie text line by line, handing each segment to `use`; errors name the line.
void parse_segments(const std::string& text, const std::string& source,
                    const std::function<void(Buttons, std::uint64_t)>& use) {
    std::istringstream lines(text);
    std::string raw;
    std::uint64_t total = 0;
    for (std::uint64_t line_number = 1; std::getline(lines, raw); ++line_number) {
        std::string_view line = raw;
        if (const auto hash = line.find('#'); hash != std::string_view::npos) {
            line = line.substr(0, hash);
        }
        line = trim(line);
        if (line.empty()) continue;
        const auto where = source + ":" + std::to_string(line_number) + ": ";
        const auto space = line.find_first_of(" \t");
        if (space == std::string_view::npos) {
            throw MovieError(where + "expected '<frames> <buttons>', got '" +
                             storage::printable(line) + "'");
        }
        const auto count_text = line.substr(0, space);
        const auto buttons_text = trim(line.substr(space));
        std::uint64_t frames = 0;
        const auto [end, error] =
            std::from_chars(count_text.data(), count_text.data() + count_text.size(), frames);
        if (error == std::errc::result_out_of_range ||
            (error == std::errc() && frames > kMaxSegmentFrames)) {
            throw MovieError(where + "frame count '" + storage::printable(count_text) +
                             "' is too large (at most " + std::to_string(kMaxSegmentFrames) +
                             " frames a line)");
        }
        if (error != std::errc() || end != count_text.data() + count_text.size() || frames == 0) {
            throw MovieError(where + "frame count '" + storage::printable(count_text) +
                             "' is not a positive whole number");
        }
        if (total > UINT64_MAX - frames) {
            throw MovieError(where + "the movie's total frame count overflows here");
        }
        total += frames;
        const auto buttons = buttons_from_text(buttons_text);
        if (!buttons) {
            throw MovieError(where + "unknown buttons '" + storage::printable(buttons_text) +
                             "' (use '-' or names from A B SELECT START RIGHT LEFT UP DOWN "
                             "joined by '+')");
        }
        use(*buttons, frames);
    }
}

std::string read_movie_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw MovieError("movie '" + path.string() + "' cannot be opened: check the path");
    }
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

Movie Movie::parse(const std::string& text, const std::string& source) {
    Movie movie;
    parse_segments(text, source,
                   [&](Buttons buttons, std::uint64_t frames) { movie.append(buttons, frames); });
    return movie;
}

std::uint64_t Movie::count_frames(const std::string& text, const std::string& source) {
    std::uint64_t total = 0;
    parse_segments(text, source, [&](Buttons, std::uint64_t frames) { total += frames; });
    return total;
}

Movie Movie::load(const std::filesystem::path& path) {
    return parse(read_movie_text(path), "'" + path.string() + "'");
}

void Movie::append(Buttons buttons, std::uint64_t frames) {
    if (frames == 0) return;
    if (!segments_.empty() && segments_.back().buttons == buttons) {
        segments_.back().frames += frames;
    } else {
        segments_.push_back({frames, buttons});
    }
    total_frames_ += frames;
}

std::string Movie::to_text() const {
    return kHeader + lines();
}

std::string Movie::lines() const {
    std::string text;
    for (const auto& segment : segments_) {
        text += std::to_string(segment.frames) + ' ' + buttons_to_text(segment.buttons) + '\n';
    }
    return text;
}

void Movie::save(const std::filesystem::path& path) const {
    std::ofstream out(path, std::ios::trunc);
    out << to_text();
    if (!out) throw MovieError("movie '" + path.string() + "' cannot be written");
}

Buttons Movie::buttons_at(std::uint64_t frame) const {
    for (const auto& segment : segments_) {
        if (frame < segment.frames) return segment.buttons;
        frame -= segment.frames;
    }
    return button::kNone;
}

}  // namespace crl::emu
