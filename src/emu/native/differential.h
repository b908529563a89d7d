// emu/native/differential.h — runs two Machines (the native core and mGBA) side by side on one
// movie and finds where they part: the first compared frame and address that differ. Reads the
// machines only through emu::Machine; owns no emulator state of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "emu/machine.h"
#include "emu/movie.h"

namespace crl::emu {

struct Divergence {
    std::uint64_t frame = 0;    // frame count at the comparison that failed
    std::string area;           // "WRAM", "HRAM", "VRAM", "OAM", "cartridge RAM", "frame"
    std::size_t offset = 0;     // byte offset in the area (pixel index * 3 + channel for "frame")
    std::uint16_t address = 0;  // the CPU address (bank-less), 0 for the frame
    int first = 0, second = 0;  // the two values
    std::string describe() const;
};

struct DifferentialOptions {
    int compare_every = 24;     // frames between comparisons
    bool compare_frame = true;  // draw the compared frames and compare their pixels
    // Called after each comparison that found the machines identical, with the frame count:
    // whatever it reads from one machine holds for both then.
    std::function<void(std::uint64_t frame)> on_identical;
};

// The first difference between the two machines' WRAM, HRAM, VRAM, OAM, cartridge RAM and
// picture, comparing now and every compare_every frames while both play `movie`.
std::optional<Divergence> first_divergence(const Machine& first, const Machine& second,
                                           bool compare_frame);
std::optional<Divergence> run_differential(Machine& first, Machine& second, const Movie& movie,
                                           const DifferentialOptions& options = {});

}  // namespace crl::emu
