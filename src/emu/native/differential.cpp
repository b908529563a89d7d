// Side-by-side runs of two cores: every compare_every frames, each memory area byte by byte.
#include "emu/native/differential.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

namespace crl::emu {
namespace {

struct Area {
    const char* name;
    std::uint16_t base;  // CPU address of offset 0 (banks follow one another)
};

std::optional<Divergence> compare(const char* name, std::uint16_t base, std::size_t bank_size,
                                  const std::vector<std::uint8_t>& a,
                                  const std::vector<std::uint8_t>& b, std::uint64_t frame) {
    const std::size_t common = std::min(a.size(), b.size());
    const auto mismatch =
        std::mismatch(a.begin(), a.begin() + static_cast<long>(common), b.begin());
    if (mismatch.first == a.begin() + static_cast<long>(common) && a.size() == b.size()) {
        return std::nullopt;
    }
    Divergence d;
    d.frame = frame;
    d.area = name;
    d.offset = static_cast<std::size_t>(mismatch.first - a.begin());
    if (base == 0xC000) {  // WRAM: bank 0 at C000, banks 1-7 at D000
        d.address = static_cast<std::uint16_t>(d.offset < 0x1000 ? 0xC000 + d.offset
                                                                 : 0xD000 + d.offset % 0x1000);
    } else {
        d.address = base ? static_cast<std::uint16_t>(base + d.offset % bank_size) : 0;
    }
    d.first = d.offset < a.size() ? a[d.offset] : -1;
    d.second = d.offset < b.size() ? b[d.offset] : -1;
    return d;
}

std::vector<std::uint8_t> oam_of(const Machine& machine) {
    std::vector<std::uint8_t> oam(0xA0);
    for (std::uint16_t i = 0; i < 0xA0; ++i)
        oam[i] = machine.read(-1, 0xFE00 + i);
    return oam;
}

}  // namespace

std::string Divergence::describe() const {
    char text[200];
    if (area == "frame") {
        std::snprintf(text, sizeof text,
                      "frame %llu: picture differs at pixel (%zu, %zu): %d vs %d",
                      static_cast<unsigned long long>(frame), offset / 3 % kScreenWidth,
                      offset / 3 / kScreenWidth, first, second);
    } else {
        std::snprintf(
            text, sizeof text,
            "frame %llu: %s differs at offset 0x%zX (address %04X, bank %zu): %02X vs "
            "%02X",
            static_cast<unsigned long long>(frame), area.c_str(), offset, address,
            area == "HRAM" || area == "OAM" ? 0 : offset / (area == "WRAM" ? 0x1000 : 0x2000),
            first, second);
    }
    return text;
}

std::optional<Divergence> first_divergence(const Machine& first, const Machine& second,
                                           bool compare_frame) {
    const std::uint64_t frame = first.frame_count();
    if (frame != second.frame_count()) {
        Divergence d;
        d.frame = frame;
        d.area = "frame counter";
        d.first = static_cast<int>(frame);
        d.second = static_cast<int>(second.frame_count());
        return d;
    }
    struct Check {
        const char* name;
        Region region;
        std::uint16_t base;
        std::size_t bank_size;
    };
    static constexpr std::array<Check, 4> kChecks{
        {{"WRAM", Region::kWram, 0xC000, 0x2000},
         {"HRAM", Region::kHram, 0xFF80, 0x7F},
         {"VRAM", Region::kVram, 0x8000, 0x2000},
         {"cartridge RAM", Region::kCartRam, 0xA000, 0x2000}}};
    for (const auto& check : kChecks) {
        if (auto d =
                compare(check.name, check.base, check.bank_size, first.read_region(check.region),
                        second.read_region(check.region), frame)) {
            return d;
        }
    }
    if (auto d = compare("OAM", 0xFE00, 0xA0, oam_of(first), oam_of(second), frame)) return d;
    if (compare_frame) return compare("frame", 0, 1, first.frame_rgb(), second.frame_rgb(), frame);
    return std::nullopt;
}

std::optional<Divergence> run_differential(Machine& first, Machine& second, const Movie& movie,
                                           const DifferentialOptions& options) {
    const Render render = options.compare_frame ? Render::kLast : Render::kNone;
    if (auto d = first_divergence(first, second, false)) return d;
    std::uint64_t frame = 0;
    int since_compare = 0;
    for (const auto& segment : movie.segments()) {
        std::uint64_t left = segment.frames;
        while (left > 0) {
            const auto chunk = static_cast<int>(std::min<std::uint64_t>(
                left, static_cast<std::uint64_t>(options.compare_every - since_compare)));
            first.run_frames(chunk, segment.buttons, render);
            second.run_frames(chunk, segment.buttons, render);
            left -= static_cast<std::uint64_t>(chunk);
            frame += static_cast<std::uint64_t>(chunk);
            since_compare += chunk;
            if (since_compare == options.compare_every) {
                since_compare = 0;
                if (auto d = first_divergence(first, second, options.compare_frame)) return d;
                if (options.on_identical) options.on_identical(frame);
            }
        }
    }
    return first_divergence(first, second, false);
}

}  // namespace crl::emu
