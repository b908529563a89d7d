// The PPU: mode timing, LY/STAT and their interrupts (as events only where a mode change must
// run on time, the others when someone looks), and the pixels of a line drawn at the end of its
// mode 3 only for frames someone will see.
#include <algorithm>
#include <bit>
#include <cstring>
#include <tuple>

#include "emu/native/core.h"

namespace crl::emu::native {

namespace {
constexpr int kMode2Dots = 80, kMode3Dots = 172, kMode0Dots = 204, kLineDots = 456;

// Whether STAT's interrupt line is high, for each value of STAT's bits 0-6: one look-up, since
// the PPU asks at every mode change.
constexpr std::array<bool, 0x80> make_stat_lines() {
    std::array<bool, 0x80> lines{};
    for (int stat = 0; stat < 0x80; ++stat) {
        const int mode = stat & 3;
        lines[stat] = ((stat & 0x40) && (stat & 0x04)) || (mode == 0 && (stat & 0x08)) ||
                      (mode == 1 && (stat & 0x10)) || (mode == 2 && (stat & 0x20));
    }
    return lines;
}
constexpr auto kStatLines = make_stat_lines();

bool stat_line(std::uint8_t stat) {
    return kStatLines[stat & 0x7F];
}

std::uint8_t with_mode(std::uint8_t stat, int mode) {
    return static_cast<std::uint8_t>((stat & ~3) | mode);
}

// Whether STAT's line rises during a line run from H-Blank to H-Blank (see video_event): as mode
// 2 begins, as the LY=LYC flag follows, or as H-Blank begins; by STAT before (bits 0-6) and
// whether LYC matches the new line (bit 7).
constexpr std::array<bool, 0x100> make_line_stat_rises() {
    std::array<bool, 0x100> rises{};
    for (int index = 0; index < 0x100; ++index) {
        const int before = index & 0x7F;
        const int mode2 = (before & ~3) | 2;
        const int flagged = (mode2 & ~4) | ((index & 0x80) ? 4 : 0);
        const int mode3 = (flagged & ~3) | 3, hblank = flagged & ~3;
        rises[index] = (!kStatLines[before] && kStatLines[mode2]) ||
                       (!kStatLines[mode2] && kStatLines[flagged]) ||
                       (!kStatLines[mode3] && kStatLines[hblank]);
    }
    return rises;
}
constexpr auto kLineStatRises = make_line_stat_rises();

// RGB555 to the 32-bit pixel mGBA writes: red in the low byte, 5 bits widened as x<<3 | x>>2.
std::uint32_t to_rgb(unsigned colour) {
    const unsigned r = colour & 0x1F, g = (colour >> 5) & 0x1F, b = (colour >> 10) & 0x1F;
    return ((r << 3) | (r >> 2)) | ((g << 3) | (g >> 2)) << 8 | ((b << 3) | (b >> 2)) << 16;
}
constexpr unsigned kDmgShades[4] = {0x7FFF, 0x56B5, 0x294A, 0x0000};

// A byte's bits mirrored (horizontally flipped tiles), and spread to every second bit (two bit
// planes interleaved into 2-bit colours with one OR).
constexpr std::array<std::uint8_t, 256> make_reversed() {
    std::array<std::uint8_t, 256> table{};
    for (int v = 0; v < 256; ++v) {
        for (int bit = 0; bit < 8; ++bit) {
            if (v & (1 << bit)) table[v] |= static_cast<std::uint8_t>(0x80 >> bit);
        }
    }
    return table;
}
constexpr std::array<std::uint16_t, 256> make_spread() {
    std::array<std::uint16_t, 256> table{};
    for (int v = 0; v < 256; ++v) {
        for (int bit = 0; bit < 8; ++bit) {
            if (v & (1 << bit)) table[v] |= static_cast<std::uint16_t>(1 << (bit * 2));
        }
    }
    return table;
}
constexpr auto kReversed = make_reversed();
constexpr auto kSpread = make_spread();
// A bit plane's byte spread so that pixel k of the row (0 = leftmost) lands in bit 2k, as drawn
// or mirrored: a row's colours are then one OR of two look-ups, two pixels to a nibble.
constexpr std::array<std::uint16_t, 256> make_row_spread(bool mirrored) {
    std::array<std::uint16_t, 256> table{};
    for (int v = 0; v < 256; ++v) {
        for (int bit = 0; bit < 8; ++bit) {
            const int pixel = mirrored ? bit : 7 - bit;
            if (v & (1 << bit)) table[v] |= static_cast<std::uint16_t>(1 << (2 * pixel));
        }
    }
    return table;
}
// Both in one table, the mirrored half second: a Color tile's X flip picks its half with a shift.
constexpr std::array<std::uint16_t, 512> make_row_spreads() {
    std::array<std::uint16_t, 512> table{};
    const auto drawn = make_row_spread(false), mirrored = make_row_spread(true);
    for (int v = 0; v < 256; ++v)
        table[v] = drawn[v], table[256 + v] = mirrored[v];
    return table;
}
constexpr auto kRowSpreads = make_row_spreads();

// Four 2-bit colours (pixel k in bits 2k and 2k + 1) as four bytes in pixel order: a tile's
// colours for the objects' sake in two stores instead of eight.
constexpr std::array<std::uint32_t, 256> make_colour_bytes() {
    std::array<std::uint32_t, 256> table{};
    for (int v = 0; v < 256; ++v) {
        const std::array<std::uint8_t, 4> bytes = {
            static_cast<std::uint8_t>(v & 3), static_cast<std::uint8_t>((v >> 2) & 3),
            static_cast<std::uint8_t>((v >> 4) & 3), static_cast<std::uint8_t>(v >> 6)};
        table[v] = std::bit_cast<std::uint32_t>(bytes);
    }
    return table;
}
constexpr auto kColourBytes = make_colour_bytes();

// The 16 pairs of a 4-colour palette as two neighbouring pixels, by colour | next colour << 2.
void make_pixel_pairs(const std::uint32_t* colours, std::uint64_t* pairs) {
    for (int n = 0; n < 16; ++n) {
        const std::uint32_t two[2] = {colours[n & 3], colours[n >> 2]};
        std::memcpy(&pairs[n], two, sizeof two);
    }
}
constexpr int kTileMargin = 8;  // slack on both sides of a line drawn a whole tile at a time
}  // namespace

void Core::stat_changed(std::uint8_t old_stat) {
    if (!stat_line(old_stat) && stat_line(s_.stat)) s_.io[0x0F] |= 0x02;
}

// Objects on the current line (at most 10), for the length of mode 3.
void Core::count_line_objects() {
    s_.obj_count = objects_on_line(s_.ly);
}

int Core::objects_on_line(int line) {
    if (line_objects_stale_) count_objects_per_line();
    return line < kHeight ? line_objects_[line] : 0;  // a forged state's mode 2 in V-Blank
}

// All lines at once, worked out again only after OAM or the object height changed: the first
// 10 objects of each line in OAM order, the ones it shows.
void Core::count_objects_per_line() {
    line_objects_.fill(0);
    const int height = (s_.io[0x40] & 4) ? 16 : 8;
    for (int i = 0; i < 40; ++i) {
        const int top = s_.oam[i * 4] - 16;
        for (int line = std::max(top, 0); line < std::min(top + height, kHeight); ++line) {
            std::uint8_t& count = line_objects_[line];
            if (count < 10) line_object_list_[line][count++] = static_cast<std::uint8_t>(i);
        }
    }
    line_objects_stale_ = false;
}

void Core::palettes_changed() {
    for (int i = 0; i < 32; ++i) {
        bg_rgb_[i] = to_rgb(s_.bg_palette[i * 2] | s_.bg_palette[i * 2 + 1] << 8);
        obj_rgb_[i] = to_rgb(s_.obj_palette[i * 2] | s_.obj_palette[i * 2 + 1] << 8);
    }
    bg_quads_stale_ = 0xFF;
}

void Core::make_bg_quads() {
    for (int p = 0; p < 8; ++p) {
        if (!(bg_quads_stale_ & (1 << p))) continue;
        for (int v = 0; v < 256; ++v) {
            for (int k = 0; k < 4; ++k)
                bg_quads_[p * 256 + v][k] = bg_rgb_[p * 4 + ((v >> (2 * k)) & 3)];
        }
    }
    bg_quads_stale_ = 0;
}

// Whether the change out of `mode` on line `ly` must run at its own time: it may request an
// interrupt, start H-Blank DMA, end the frame or open VRAM to the page tables again. The others
// wait until the CPU (or DMA) reads or writes something of the PPU's (read_slow, write_slow),
// which is the only way to tell when they ran: about two changes in three. That includes the
// drawing of a line at the end of its mode 3: everything it reads (VRAM, OAM, palettes, video
// registers) changes only after the PPU was brought up to date.
bool Core::video_must_run(int mode, int ly) const {
    const std::uint8_t stat = s_.stat;
    switch (mode) {
        case 2:  // to mode 3: STAT's line can only fall
            return false;
        case 3:  // to H-Blank
            return (stat & 0x08) || (s_.hdma_active && s_.io[0x55] != 0xFF);
        case 0:  // to the next line's mode 2, or V-Blank
            return ly + 1 >= kHeight || (stat & 0x20) || ((stat & 0x40) && s_.io[0x45] == ly + 1);
        default:  // a line of V-Blank ends; after the last, VRAM closes to the page tables
            return ly >= 154 || (stat & 0x40);
    }
}

// Schedules the first mode change from video_at on that must run on time, walking the ones in
// between as video_step would time them with the registers as they are now (writes that change
// the timing or what must run call this again).
void Core::video_reschedule() {
    std::int64_t t = s_.video_at;
    if (t == kNever || !(s_.io[0x40] & 0x80)) {
        schedule(kVideoEvent, t);
        return;
    }
    int mode = s_.mode, ly = s_.ly, objects = s_.obj_count;
    const int fine_x = s_.io[0x43] & 7;
    while (!video_must_run(mode, ly)) {
        if (mode == 2 && !video_must_run(3, ly)) {
            // No H-Blank of this frame needs running: every line lasts 456 dots whatever its
            // objects and scroll, so the walk jumps to the first line whose end must run.
            int last = kHeight - 1;
            const std::uint8_t stat = s_.stat, lyc = s_.io[0x45];
            if (stat & 0x20) {
                last = ly;
            } else if ((stat & 0x40) && lyc > ly && lyc < kHeight) {
                last = lyc - 1;
            }
            t += ((last - ly + 1) * kLineDots - kMode2Dots) * kTicksPerDot;
            ly = last;
            mode = 0;
            continue;
        }
        switch (mode) {
            case 2:
                objects = objects_on_line(ly);
                t += (kMode3Dots + objects * 6 + fine_x) * kTicksPerDot;
                mode = 3;
                break;
            case 3:
                t += (kMode0Dots - objects * 6 - fine_x) * kTicksPerDot;
                mode = 0;
                break;
            case 0:  // the last visible line's end always runs
                ++ly;
                t += kMode2Dots * kTicksPerDot;
                mode = 2;
                break;
            default:  // ly 154 always runs
                ++ly;
                t += (ly == 154 ? kLineDots - 8 : ly == 153 ? 8 : kLineDots) * kTicksPerDot;
                break;
        }
    }
    schedule(kVideoEvent, t);
}

// One mode change at `when`; returns the dots to the next (-1: none, the screen is off). Inlined
// in video_catch_up's loop: about three changes a line, 144 lines a frame, and a call for each
// (with the registers it saves) cost as much as the changes themselves.
[[gnu::always_inline]] inline int Core::video_step(std::int64_t when) {
    const std::uint8_t lyc = s_.io[0x45];
    int next = 0;
    switch (s_.mode) {
        case 2: {
            count_line_objects();
            next = kMode3Dots + s_.obj_count * 6 + (s_.io[0x43] & 7);
            s_.mode = 3;
            // STAT's line can't rise (mode 3 has no interrupt of its own) and VRAM's pages stay
            // closed from mode 2 to mode 0 (see remap_vram).
            s_.stat = with_mode(s_.stat, 3);
            break;
        }
        case 3: {
            if (draw_ && s_.ly < kHeight) draw_line(line_x_, kWidth);
            line_x_ = 0;
            if (s_.ly < kHeight && s_.hdma_active && s_.io[0x55] != 0xFF) {
                s_.hdma_remaining = 0x10;
                s_.hdma_block_start = when;
                schedule(kHdmaEvent, when);
            }
            s_.mode = 0;
            const std::uint8_t old = s_.stat;
            s_.stat = with_mode(s_.stat, 0);
            stat_changed(old);
            next = kMode0Dots - s_.obj_count * 6 - (s_.io[0x43] & 7);
            break;
        }
        case 0: {
            ++s_.ly;
            s_.io[0x44] = static_cast<std::uint8_t>(s_.ly);
            std::uint8_t old = s_.stat;
            if (s_.ly < kHeight) {
                next = kMode2Dots;
                s_.mode = 2;
            } else {
                next = kLineDots;
                s_.mode = 1;
                remap_vram();
                schedule(kFrameEvent, when);
                if (!stat_line(old) && (s_.stat & 0x20)) s_.io[0x0F] |= 0x02;
                s_.io[0x0F] |= 0x01;
            }
            s_.stat = with_mode(s_.stat, s_.mode);
            stat_changed(old);
            old = s_.stat;  // the LY=LYC flag follows a moment later
            s_.stat = static_cast<std::uint8_t>((s_.stat & ~4) | (lyc == s_.ly ? 4 : 0));
            stat_changed(old);
            break;
        }
        default: {  // a line of VBlank ends
            if (!(s_.io[0x40] & 0x80)) return -1;
            ++s_.ly;
            if (s_.ly == 155) {
                s_.ly = 0;
                s_.io[0x44] = 0;
                s_.window_line = 0;
                s_.window_triggered = false;
                next = kMode2Dots;
                s_.mode = 2;
            } else if (s_.ly == 154) {
                s_.io[0x44] = 0;
                next = kLineDots - 8;
            } else if (s_.ly == 153) {
                s_.io[0x44] = 153;
                next = 8;
            } else {
                s_.io[0x44] = static_cast<std::uint8_t>(s_.ly);
                next = kLineDots;
            }
            const std::uint8_t old = s_.stat;
            s_.stat = with_mode(s_.stat, s_.mode);
            s_.stat = static_cast<std::uint8_t>((s_.stat & ~4) | (lyc == s_.io[0x44] ? 4 : 0));
            stat_changed(old);
            if (s_.mode == 2) remap_vram();
            break;
        }
    }
    return next;
}

void Core::video_catch_up(std::int64_t until) {
    while (s_.video_at <= until) {
        const std::int64_t when = s_.video_at;
        const int dots = video_step(when);
        s_.video_at = dots < 0 ? kNever : when + dots * kTicksPerDot;
    }
}

// The PPU's event. Most often (Crystal keeps the H-Blank interrupt on: 144 times a frame) it is
// the H-Blank of the line after the last one run, whose start nobody saw. The three mode changes
// of that line then run here at once, as video_step would run them one after the other, and the
// next line's H-Blank is scheduled without video_reschedule's walk: this was a fifth of a frame.
// That path makes no call but in tail position (the other cases, the drawing), so that it has
// few registers to save.
void Core::video_event(std::int64_t when) {
    const int ly = s_.ly + 1;
    if (s_.mode != 0 || ly >= kHeight || line_objects_stale_ ||
        (s_.hdma_active && s_.io[0x55] != 0xFF)) {
        return video_event_slow(when);
    }
    const int objects = line_objects_[ly];
    const int fine_x = s_.io[0x43] & 7;
    const int to_hblank = kMode2Dots + kMode3Dots + objects * 6 + fine_x;
    if (when - s_.video_at != to_hblank * kTicksPerDot) return video_event_slow(when);
    const std::uint8_t lyc = s_.io[0x45];
    const bool lyc_match = lyc == ly;
    const std::uint8_t before = s_.stat;
    const auto hblank = static_cast<std::uint8_t>((before & 0x78) | (lyc_match ? 4 : 0));
    if (kLineStatRises[(before & 0x7F) | (lyc_match ? 0x80 : 0)]) s_.io[0x0F] |= 0x02;
    s_.ly = ly;
    s_.io[0x44] = static_cast<std::uint8_t>(ly);
    s_.obj_count = objects;
    s_.mode = 0;
    s_.stat = hblank;
    s_.video_at = when + (kMode0Dots - objects * 6 - fine_x) * kTicksPerDot;
    // The next line's H-Blank, when nothing before it must run (see video_must_run).
    const int next = ly + 1;
    if (next < kHeight && (hblank & 0x28) == 0x08 && !((hblank & 0x40) && lyc == next)) {
        const int next_to_hblank = kMode2Dots + kMode3Dots + line_objects_[next] * 6 + fine_x;
        schedule(kVideoEvent, s_.video_at + next_to_hblank * kTicksPerDot);
    } else {
        video_reschedule();
    }
    const int drawn = line_x_;
    line_x_ = 0;
    if (draw_) draw_line(drawn, kWidth);
}

void Core::video_event_slow(std::int64_t when) {
    video_catch_up(when);
    video_reschedule();
}

void Core::write_lcdc(std::uint8_t value) {
    const bool was_on = s_.io[0x40] & 0x80, on = value & 0x80;
    const int t = ticks_per_mcycle() / 4;
    if (!was_on && on) {
        s_.mode = 2;
        s_.video_at = s_.now + t + (kMode2Dots - 5) * kTicksPerDot;
        s_.ly = 0;
        s_.io[0x44] = 0;
        s_.window_line = 0;
        s_.window_triggered = false;
        const std::uint8_t old = s_.stat;
        s_.stat = with_mode(s_.stat, 0);
        s_.stat = static_cast<std::uint8_t>((s_.stat & ~4) | (s_.io[0x45] == 0 ? 4 : 0));
        stat_changed(old);
        s_.events[kFrameEvent] = kNever;
        recompute_next_event();
    } else if (was_on && !on) {
        s_.mode = 0;
        s_.stat = with_mode(s_.stat, 0);
        s_.ly = 0;
        s_.io[0x44] = 0;
        s_.video_at = kNever;
        s_.events[kVideoEvent] = kNever;
        s_.events[kFrameEvent] = kNever;
        recompute_next_event();
        schedule(kFrameEvent, s_.now + t + 70224 * kTicksPerDot);
    }
    const bool height_changed = (s_.io[0x40] ^ value) & 4;
    s_.io[0x40] = value;
    if (height_changed) line_objects_stale_ = true;
    video_reschedule();
    remap();
}

void Core::write_stat(std::uint8_t value) {
    const std::uint8_t old = s_.stat;
    s_.stat = static_cast<std::uint8_t>((s_.stat & 7) | (value & 0x78));
    video_reschedule();
    if (!(s_.io[0x40] & 0x80) || color_) return;
    if (!stat_line(old) && s_.mode < 3) s_.io[0x0F] |= 0x02;  // the DMG's STAT write quirk
}

void Core::write_lyc(std::uint8_t value) {
    s_.io[0x45] = value;
    video_reschedule();
    if (!(s_.io[0x40] & 0x80)) return;
    const std::uint8_t old = s_.stat;
    s_.stat = static_cast<std::uint8_t>((s_.stat & ~4) | (value == s_.ly ? 4 : 0));
    stat_changed(old);
}

void Core::write_palette_data(bool objects, std::uint8_t value) {
    const std::uint8_t index_reg = objects ? 0x6A : 0x68;
    const std::uint8_t spec = s_.io[index_reg];
    auto& palette = objects ? s_.obj_palette : s_.bg_palette;
    if (s_.mode != 3) {
        palette[spec & 0x3F] = value;
        const int entry = (spec & 0x3F) / 2;
        (objects ? obj_rgb_ : bg_rgb_)[entry] =
            to_rgb(palette[entry * 2] | palette[entry * 2 + 1] << 8);
        if (!objects) bg_quads_stale_ |= static_cast<std::uint8_t>(1 << (entry / 4));
    }
    if (spec & 0x80) {
        s_.io[index_reg] = static_cast<std::uint8_t>((spec & 0x80) | ((spec + 1) & 0x3F));
    }
}

// Background or window tiles for pixels x..x_end-1 of the line; px, py: the first pixel's place
// in the tile map. Whole tiles are drawn (8 pixels, no test per pixel) into `rgb` and `info`,
// which have kTileMargin pixels of slack on both sides; info gets each pixel's colour 0-3, plus 4
// where a Color tile keeps priority over objects. No branch per tile: this loop is the largest
// part of a drawn frame.
template <bool kCgb, bool kKeepInfo>
void Core::draw_tiles(int x, int x_end, int map_base, int px, int py, const std::uint64_t* pairs,
                      std::uint32_t* rgb, std::uint8_t* info) {
    // Tiles 0-255 from 8000, or -128-127 around 9000: the latter is tile ^ 0x80 from 8800.
    const bool unsigned_tiles = s_.io[0x40] & 0x10;
    const unsigned tile_xor = unsigned_tiles ? 0 : 0x80;
    const int fine_y = py & 7;
    const std::uint8_t* map = &s_.vram[map_base + ((py >> 3) & 31) * 32];
    const std::uint8_t* rows = &s_.vram[(unsigned_tiles ? 0 : 0x800) + fine_y * 2];
    const int flipped_row = (7 - 2 * fine_y) * 2;  // from row fine_y to row 7 - fine_y
    // A Color tile's row by its VRAM bank (attribute bit 3) and Y flip (bit 6), by bit 6 | bit 3.
    const std::uint8_t* const row_by_bank_and_flip[4] = {rows, rows + 0x2000, rows + flipped_row,
                                                         rows + 0x2000 + flipped_row};
    int column = (px >> 3) & 31;
    for (int pos = kTileMargin + x - (px & 7); pos < kTileMargin + x_end;
         pos += 8, column = (column + 1) & 31) {
        const std::uint8_t* data = rows;
        const std::uint16_t* spread = kRowSpreads.data();
        const std::array<std::uint32_t, 4>* quads = nullptr;
        std::uint32_t priority = 0;
        if constexpr (kCgb) {
            const int attributes = map[column + 0x2000];
            data = row_by_bank_and_flip[((attributes >> 3) & 1) | ((attributes >> 5) & 2)];
            spread += (attributes & 0x20) << 3;  // the mirrored half
            quads = &bg_quads_[(attributes & 7) * 256];
            priority = (attributes & 0x80) ? 0x04040404u : 0;
        }
        data += (map[column] ^ tile_xor) * 16;
        // Pixel k's colour (0 = leftmost) in bits 2k and 2k + 1.
        const unsigned bits = spread[data[0]] | spread[data[1]] << 1;
        std::uint32_t* tile_rgb = rgb + pos;
        if constexpr (kCgb) {
            std::memcpy(tile_rgb, &quads[bits & 0xFF], 16);
            std::memcpy(tile_rgb + 4, &quads[bits >> 8], 16);
        } else {
#pragma GCC unroll 4
            for (int k = 0; k < 4; ++k)
                std::memcpy(tile_rgb + 2 * k, &pairs[(bits >> (4 * k)) & 15], 8);
        }
        if constexpr (kKeepInfo) {
            const std::uint32_t left = kColourBytes[bits & 0xFF] | priority;
            const std::uint32_t right = kColourBytes[bits >> 8] | priority;
            std::memcpy(info + pos, &left, 4);
            std::memcpy(info + pos + 4, &right, 4);
        }
    }
}

// mGBA draws a line's pixels as its mode 3 goes, up to the moment a register that changes them
// is written (Crystal's wavy battle transitions write SCX mid-line); those pixels keep the old
// registers. Pixels below 168 + 6 x objects - (dots left in mode 3) are out by then (mGBA's
// dot clock, plus the dot its write lands after ours: measured on Crystal in double speed).
void Core::draw_line_so_far() {
    if (!draw_ || s_.mode != 3 || s_.ly >= kHeight) return;
    const std::int64_t dots_left = (s_.video_at - s_.now) / kTicksPerDot;
    const int x = static_cast<int>(std::min<std::int64_t>(
        kWidth, 168 + 6 * static_cast<std::int64_t>(s_.obj_count) - dots_left));
    if (x <= line_x_) return;
    draw_line(line_x_, x);
    line_x_ = x;
}

void Core::draw_line(int from, int to) {
    const int y = s_.ly;
    const std::uint8_t lcdc = s_.io[0x40];
    const bool cgb = s_.cgb_mode;
    std::array<std::uint32_t, kWidth + 2 * kTileMargin> rgb;
    std::array<std::uint8_t, kWidth + 2 * kTileMargin> info;
    std::array<std::uint64_t, 16> dmg_pairs;  // the DMG shades by BGP
    if (!cgb) {
        std::array<std::uint32_t, 4> dmg_colours;
        for (int i = 0; i < 4; ++i)
            dmg_colours[i] = to_rgb(kDmgShades[(s_.io[0x47] >> (i * 2)) & 3]);
        make_pixel_pairs(dmg_colours.data(), dmg_pairs.data());
    }
    if (cgb && bg_quads_stale_) make_bg_quads();
    const std::uint64_t* pairs = dmg_pairs.data();  // (Color tiles use bg_quads_)
    const bool bg_on = cgb || (lcdc & 1);
    // The window shows from the line where WY equalled LY onwards, not wherever WY <= LY: a WY
    // lowered below LY mid-frame (Crystal's battle intro) leaves the rest of that frame alone.
    if ((lcdc & 0x20) && bg_on && s_.io[0x4A] == y) s_.window_triggered = true;
    const bool window_on = (lcdc & 0x20) && bg_on && s_.window_triggered && s_.io[0x4B] <= 166;
    const int window_x = s_.io[0x4B] - 7;
    const int bg_end = window_on ? std::clamp(window_x, 0, kWidth) : kWidth;
    // What lies under each pixel matters only where an object may cover it.
    const bool objects_here = (lcdc & 0x02) && objects_on_line(y) > 0;
    const auto draw_tiles =
        cgb ? (objects_here ? &Core::draw_tiles<true, true> : &Core::draw_tiles<true, false>)
            : (objects_here ? &Core::draw_tiles<false, true> : &Core::draw_tiles<false, false>);
    if (bg_on) {
        (this->*draw_tiles)(0, bg_end, (lcdc & 0x08) ? 0x1C00 : 0x1800, s_.io[0x43],
                            (y + s_.io[0x42]) & 0xFF, pairs, rgb.data(), info.data());
    } else {
        std::fill(rgb.begin() + kTileMargin, rgb.begin() + kTileMargin + bg_end,
                  to_rgb(kDmgShades[0]));
        std::fill(info.begin() + kTileMargin, info.begin() + kTileMargin + bg_end, 0);
    }
    if (window_on && bg_end < kWidth) {
        (this->*draw_tiles)(bg_end, kWidth, (lcdc & 0x40) ? 0x1C00 : 0x1800, bg_end - window_x,
                            s_.window_line, pairs, rgb.data(), info.data());
    }
    if (window_on && window_x < kWidth && to == kWidth) ++s_.window_line;
    std::uint32_t* row = &frame_[static_cast<std::size_t>(y) * kWidth];
    if (from == 0 && to == kWidth) {  // the usual case: the whole line at once
        std::copy_n(rgb.begin() + kTileMargin, kWidth, row);
        if (objects_here) draw_objects(info.data() + kTileMargin, row);
        return;
    }
    std::array<std::uint32_t, kWidth> line;
    std::copy_n(rgb.begin() + kTileMargin, kWidth, line.begin());
    if (objects_here) draw_objects(info.data() + kTileMargin, line.data());
    std::copy(line.begin() + from, line.begin() + to, row + from);
}

void Core::draw_objects(const std::uint8_t* bg_info, std::uint32_t* out) {
    const int y = s_.ly;
    const std::uint8_t lcdc = s_.io[0x40];
    const bool cgb = s_.cgb_mode;
    std::array<std::uint32_t, 8> dmg_colours{};  // OBP0 then OBP1
    if (!cgb) {
        for (int i = 0; i < 4; ++i) {
            dmg_colours[i] = to_rgb(kDmgShades[(s_.io[0x48] >> (i * 2)) & 3]);
            dmg_colours[4 + i] = to_rgb(kDmgShades[(s_.io[0x49] >> (i * 2)) & 3]);
        }
    }
    const int height = (lcdc & 4) ? 16 : 8;
    const int count = objects_on_line(y);
    std::array<std::uint8_t, 10> objects = line_object_list_[y];
    if (!cgb) {  // lower X first, then lower index
        std::stable_sort(objects.begin(), objects.begin() + count,
                         [&](int a, int b) { return s_.oam[a * 4 + 1] < s_.oam[b * 4 + 1]; });
    }
    std::array<bool, kWidth> taken{};
    for (int n = 0; n < count; ++n) {
        const std::uint8_t* obj = &s_.oam[objects[n] * 4];
        const int left = obj[1] - 8;
        if (left >= kWidth) continue;  // counted among the line's 10, but nothing shows
        const std::uint8_t flags = obj[3];
        int row = y - (obj[0] - 16);
        if (flags & 0x40) row = height - 1 - row;
        int tile = obj[2];
        if (height == 16) tile &= 0xFE;
        const int data = ((cgb && (flags & 0x08)) ? 0x2000 : 0) + tile * 16 + row * 2;
        std::uint8_t lo = s_.vram[data], hi = s_.vram[data + 1];
        if (flags & 0x20) lo = kReversed[lo], hi = kReversed[hi];
        const unsigned bits = kSpread[lo] | kSpread[hi] << 1;
        const std::uint32_t* palette =
            cgb ? &obj_rgb_[(flags & 7) * 4] : &dmg_colours[(flags & 0x10) ? 4 : 0];
        // Behind the background: Color tiles with priority (when LCDC bit 0 allows it) or
        // objects asking for it; the background's colour 0 never hides an object.
        const bool behind = cgb ? (lcdc & 1) && (flags & 0x80) : (flags & 0x80);
        const std::uint8_t hiding = cgb && (lcdc & 1) ? 4 : 0;
        // Only the pixels of colours 1-3 (a bit each, pixel px at bit 14 - 2 px) on the screen:
        // an object is mostly transparent, and often partly off the screen.
        unsigned opaque = (bits | bits >> 1) & 0x5555;
        if (left < 0) opaque &= 0x5555u >> (-2 * left);
        if (left > kWidth - 8) opaque &= 0x5555u << (2 * (left - (kWidth - 8)));
        while (opaque) {
            const int bit = std::countr_zero(opaque);
            opaque &= opaque - 1;
            const int x = left + 7 - bit / 2;
            if (taken[x]) continue;
            taken[x] = true;
            if ((bg_info[x] & 3) && (behind || (bg_info[x] & hiding))) continue;
            out[x] = palette[(bits >> bit) & 3];
        }
    }
}

}  // namespace crl::emu::native
