// The PPU: mode timing, LY/STAT and their interrupts as events (always), and the pixels of a
// line drawn at the end of its mode 3 only for frames someone will see.
#include <algorithm>
#include <tuple>

#include "emu/native/core.h"

namespace crl::emu::native {

namespace {
constexpr int kMode2Dots = 80, kMode3Dots = 172, kMode0Dots = 204, kLineDots = 456;

bool stat_line(std::uint8_t stat) {
    if ((stat & 0x40) && (stat & 0x04)) return true;
    switch (stat & 3) {
        case 0:
            return stat & 0x08;
        case 1:
            return stat & 0x10;
        case 2:
            return stat & 0x20;
        default:
            return false;
    }
}

std::uint8_t with_mode(std::uint8_t stat, int mode) {
    return static_cast<std::uint8_t>((stat & ~3) | mode);
}

// RGB555 to the 32-bit pixel mGBA writes: red in the low byte, 5 bits widened as x<<3 | x>>2.
std::uint32_t to_rgb(unsigned colour) {
    const unsigned r = colour & 0x1F, g = (colour >> 5) & 0x1F, b = (colour >> 10) & 0x1F;
    return ((r << 3) | (r >> 2)) | ((g << 3) | (g >> 2)) << 8 | ((b << 3) | (b >> 2)) << 16;
}
constexpr unsigned kDmgShades[4] = {0x7FFF, 0x56B5, 0x294A, 0x0000};
}  // namespace

void Core::stat_changed(std::uint8_t old_stat) {
    if (!stat_line(old_stat) && stat_line(s_.stat)) s_.io[0x0F] |= 0x02;
}

void Core::count_line_objects() {
    const int height = (s_.io[0x40] & 4) ? 16 : 8;
    int count = 0;
    for (int i = 0; i < 40 && count < 10; ++i) {
        const int top = s_.oam[i * 4] - 16;
        if (s_.ly >= top && s_.ly < top + height) ++count;
    }
    s_.obj_count = count;
}

void Core::video_event(std::int64_t when) {
    const std::uint8_t lyc = s_.io[0x45];
    int next = 0;
    switch (s_.mode) {
        case 2: {
            count_line_objects();
            next = kMode3Dots + s_.obj_count * 6 + (s_.io[0x43] & 7);
            s_.mode = 3;
            const std::uint8_t old = s_.stat;
            s_.stat = with_mode(s_.stat, 3);
            stat_changed(old);
            remap();
            break;
        }
        case 3: {
            if (draw_ && s_.ly < kHeight) draw_line();
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
            remap();
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
            if (!(s_.io[0x40] & 0x80)) return;
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
            if (s_.mode == 2) remap();
            break;
        }
    }
    schedule(kVideoEvent, when + next * kTicksPerDot);
}

void Core::write_lcdc(std::uint8_t value) {
    const bool was_on = s_.io[0x40] & 0x80, on = value & 0x80;
    const int t = ticks_per_mcycle() / 4;
    if (!was_on && on) {
        s_.mode = 2;
        schedule(kVideoEvent, s_.now + t + (kMode2Dots - 5) * kTicksPerDot);
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
        s_.events[kVideoEvent] = kNever;
        s_.events[kFrameEvent] = kNever;
        recompute_next_event();
        schedule(kFrameEvent, s_.now + t + 70224 * kTicksPerDot);
    }
    s_.io[0x40] = value;
    remap();
}

void Core::write_stat(std::uint8_t value) {
    const std::uint8_t old = s_.stat;
    s_.stat = static_cast<std::uint8_t>((s_.stat & 7) | (value & 0x78));
    if (!(s_.io[0x40] & 0x80) || color_) return;
    if (!stat_line(old) && s_.mode < 3) s_.io[0x0F] |= 0x02;  // the DMG's STAT write quirk
}

void Core::write_lyc(std::uint8_t value) {
    s_.io[0x45] = value;
    if (!(s_.io[0x40] & 0x80)) return;
    const std::uint8_t old = s_.stat;
    s_.stat = static_cast<std::uint8_t>((s_.stat & ~4) | (value == s_.ly ? 4 : 0));
    stat_changed(old);
}

void Core::write_palette_data(bool objects, std::uint8_t value) {
    const std::uint8_t index_reg = objects ? 0x6A : 0x68;
    const std::uint8_t spec = s_.io[index_reg];
    auto& palette = objects ? s_.obj_palette : s_.bg_palette;
    if (s_.mode != 3) palette[spec & 0x3F] = value;
    if (spec & 0x80) {
        s_.io[index_reg] = static_cast<std::uint8_t>((spec & 0x80) | ((spec + 1) & 0x3F));
    }
}

void Core::draw_line() {
    const int y = s_.ly;
    const std::uint8_t lcdc = s_.io[0x40];
    const bool cgb = s_.cgb_mode;
    std::uint32_t* out = &frame_[static_cast<std::size_t>(y) * kWidth];
    std::array<std::uint8_t, kWidth> bg_index{};  // colour 0-3 of the background
    std::array<bool, kWidth> bg_priority{};       // Color: the tile asks to stay on top

    std::array<std::uint32_t, 32> bg_colours;  // Color palettes, or the DMG shades by BGP
    std::array<std::uint32_t, 16> obj_colours;
    if (cgb) {
        for (int i = 0; i < 32; ++i) {
            bg_colours[i] = to_rgb(s_.bg_palette[i * 2] | s_.bg_palette[i * 2 + 1] << 8);
            obj_colours[i % 16] = 0;
        }
    } else {
        for (int i = 0; i < 4; ++i) {
            bg_colours[i] = to_rgb(kDmgShades[(s_.io[0x47] >> (i * 2)) & 3]);
            obj_colours[i] = to_rgb(kDmgShades[(s_.io[0x48] >> (i * 2)) & 3]);
            obj_colours[4 + i] = to_rgb(kDmgShades[(s_.io[0x49] >> (i * 2)) & 3]);
        }
    }

    const bool bg_on = cgb || (lcdc & 1);
    const bool window_on =
        (lcdc & 0x20) && (cgb || (lcdc & 1)) && s_.io[0x4A] <= y && s_.io[0x4B] <= 166;
    const int window_x = s_.io[0x4B] - 7;
    auto tile_row = [&](int map_base, int tile_x, int tile_y, int fine_y, int& attributes) {
        const int map_offset = map_base + tile_y * 32 + tile_x;
        const std::uint8_t tile = s_.vram[map_offset];
        attributes = cgb ? s_.vram[0x2000 + map_offset] : 0;
        const int row = (attributes & 0x40) ? 7 - fine_y : fine_y;
        const int data = (lcdc & 0x10) ? tile * 16 : 0x1000 + static_cast<std::int8_t>(tile) * 16;
        const int bank = (attributes & 0x08) ? 0x2000 : 0;
        return std::pair<std::uint8_t, std::uint8_t>(s_.vram[bank + data + row * 2],
                                                     s_.vram[bank + data + row * 2 + 1]);
    };
    // A tile's row is fetched once for its 8 pixels (the key names the map entry and the row).
    int cached_key = -1, attributes = 0;
    std::uint8_t lo = 0, hi = 0;
    for (int x = 0; x < kWidth; ++x) {
        const bool in_window = window_on && x >= window_x;
        if (!bg_on && !in_window) {
            bg_index[x] = 0;
            out[x] = to_rgb(kDmgShades[0]);
            continue;
        }
        int map_base, px, py;
        if (in_window) {
            map_base = (lcdc & 0x40) ? 0x1C00 : 0x1800;
            px = x - window_x;
            py = s_.window_line;
        } else {
            map_base = (lcdc & 0x08) ? 0x1C00 : 0x1800;
            px = (x + s_.io[0x43]) & 0xFF;
            py = (y + s_.io[0x42]) & 0xFF;
        }
        const int key = (map_base + (py >> 3) * 32 + (px >> 3)) * 8 + (py & 7);
        if (key != cached_key) {
            std::tie(lo, hi) = tile_row(map_base, px >> 3, py >> 3, py & 7, attributes);
            cached_key = key;
        }
        const int bit = (attributes & 0x20) ? (px & 7) : 7 - (px & 7);
        const int colour = ((lo >> bit) & 1) | (((hi >> bit) & 1) << 1);
        bg_index[x] = static_cast<std::uint8_t>(colour);
        bg_priority[x] = attributes & 0x80;
        out[x] = cgb ? bg_colours[(attributes & 7) * 4 + colour] : bg_colours[colour];
    }
    if (window_on && window_x < kWidth) ++s_.window_line;

    if (!(lcdc & 0x02)) return;
    const int height = (lcdc & 4) ? 16 : 8;
    std::array<int, 10> objects{};
    int count = 0;
    for (int i = 0; i < 40 && count < 10; ++i) {
        const int top = s_.oam[i * 4] - 16;
        if (y >= top && y < top + height) objects[count++] = i;
    }
    if (!cgb) {  // lower X first, then lower index
        std::stable_sort(objects.begin(), objects.begin() + count,
                         [&](int a, int b) { return s_.oam[a * 4 + 1] < s_.oam[b * 4 + 1]; });
    }
    std::array<bool, kWidth> taken{};
    for (int n = 0; n < count; ++n) {
        const std::uint8_t* obj = &s_.oam[objects[n] * 4];
        const int left = obj[1] - 8;
        const std::uint8_t flags = obj[3];
        int row = y - (obj[0] - 16);
        if (flags & 0x40) row = height - 1 - row;
        int tile = obj[2];
        if (height == 16) tile &= 0xFE;
        const int bank = (cgb && (flags & 0x08)) ? 0x2000 : 0;
        const std::uint8_t lo = s_.vram[bank + tile * 16 + row * 2];
        const std::uint8_t hi = s_.vram[bank + tile * 16 + row * 2 + 1];
        for (int px = 0; px < 8; ++px) {
            const int x = left + px;
            if (x < 0 || x >= kWidth || taken[x]) continue;
            const int bit = (flags & 0x20) ? px : 7 - px;
            const int colour = ((lo >> bit) & 1) | (((hi >> bit) & 1) << 1);
            if (colour == 0) continue;
            taken[x] = true;
            if (bg_index[x] != 0) {
                if (cgb) {
                    if ((lcdc & 1) && (bg_priority[x] || (flags & 0x80))) continue;
                } else if (flags & 0x80) {
                    continue;
                }
            }
            if (cgb) {
                const int palette = (flags & 7) * 8 + colour * 2;
                out[x] = to_rgb(s_.obj_palette[palette] | s_.obj_palette[palette + 1] << 8);
            } else {
                out[x] = obj_colours[((flags & 0x10) ? 4 : 0) + colour];
            }
        }
    }
}

}  // namespace crl::emu::native
