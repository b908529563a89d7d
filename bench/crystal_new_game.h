// The explorer agent's first 560 steps on Pokemon Crystal from power-on (seed 1), as a movie:
// the intro, a new game, the player's house, New Bark Town and Elm's lab up to the starter.
// Shared by the native core's differential test and the benchmark's Crystal warm-up.
#pragma once

#include "emu/movie.h"

namespace crl::bench {

// One letter a step (A, B, Start, Up, Down, Left, Right; held 8 frames, then 16 released).
inline constexpr const char* kCrystalNewGameSteps =
    "SASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASA"
    "SASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASASA"
    "SASASASASASASASASASASASASASASARRRRRRUUUULDDDDAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAALDDDDLLDDDDLLLLLLLLUUUUUDUA"
    "AABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAARRUAAAABAAAAAAAAAAAAAAAAA"
    "BAAABAAAAAAASAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAABAAA";

inline emu::Movie crystal_new_game() {
    namespace button = emu::button;
    emu::Movie movie;
    for (const char* step = kCrystalNewGameSteps; *step; ++step) {
        const emu::Buttons buttons = *step == 'A'   ? button::kA
                                     : *step == 'B' ? button::kB
                                     : *step == 'S' ? button::kStart
                                     : *step == 'U' ? button::kUp
                                     : *step == 'D' ? button::kDown
                                     : *step == 'L' ? button::kLeft
                                                    : button::kRight;
        movie.append(buttons, 8);
        movie.append(button::kNone, 16);
    }
    return movie;
}

}  // namespace crl::bench
