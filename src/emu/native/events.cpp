// The scheduler (a handful of fixed slots, no queue), reset to mGBA's skip-BIOS state, the
// timer (DIV computed from the clock, TIMA an event only while running), serial and speed.
#include <algorithm>
#include <cstring>

#include "emu/native/core.h"

namespace crl::emu::native {

namespace {
constexpr int kTimaPeriods[4] = {1024, 16, 64, 256};  // T-cycles per TIMA increment, by TAC
constexpr std::int64_t kApuFrameTicks = 0x2000 * 2;   // 512 Hz: DIV bit 12 (bit 13 double speed)
}  // namespace

Core::Core(std::span<const std::uint8_t> rom, std::int64_t rtc_start, bool host_clock)
    : rom_(rom), rtc_start_(rtc_start), host_clock_(host_clock) {
    color_ = rom.size() > 0x143 && (rom[0x143] & 0x80);
    const std::uint8_t type = rom.size() > 0x147 ? rom[0x147] : 0;
    switch (type) {
        case 0x01:
        case 0x02:
        case 0x03:
            mbc_ = Mbc::kMbc1;
            break;
        case 0x05:
        case 0x06:
            mbc_ = Mbc::kMbc2;
            break;
        case 0x0F:
        case 0x10:
            mbc_ = Mbc::kMbc3, has_rtc_ = true;
            break;
        case 0x11:
        case 0x12:
        case 0x13:
            mbc_ = Mbc::kMbc3;
            break;
        case 0x19:
        case 0x1A:
        case 0x1B:
        case 0x1C:
        case 0x1D:
        case 0x1E:
            mbc_ = Mbc::kMbc5;
            break;
        default:
            mbc_ = Mbc::kNone;
    }
    rom_banks_ = static_cast<int>(std::max<std::size_t>(2, (rom.size() + 0x3FFF) / 0x4000));
    static constexpr std::size_t kRamSizes[6] = {0, 0x800, 0x2000, 0x8000, 0x20000, 0x10000};
    const std::uint8_t ram_code = rom.size() > 0x149 ? rom[0x149] : 0;
    std::size_t ram_bytes = ram_code < 6 ? kRamSizes[ram_code] : 0;
    if (mbc_ == Mbc::kMbc2) ram_bytes = 0x200;
    cart_ram_.assign(ram_bytes, 0xFF);
    reset();
}

void Core::reset() {
    s_ = State{};
    s_.video_at = kNever;
    next_event_ = next_other_ = kNever;
    next_slot_ = next_other_slot_ = 0;
    s_.events.fill(kNever);
    s_.cgb_mode = color_;
    // Registers after the boot ROM, as mGBA's skip-BIOS leaves them.
    if (color_) {
        s_.a = 0x11, s_.f = 0x80, s_.b = 0, s_.c = 0, s_.d = 0xFF, s_.e = 0x56, s_.h = 0,
        s_.l = 0x0D;
    } else {
        s_.a = 0x01, s_.f = 0xB0, s_.b = 0, s_.c = 0x13, s_.d = 0, s_.e = 0xD8, s_.h = 0x01,
        s_.l = 0x4D;
    }
    s_.sp = 0xFFFE, s_.pc = 0x100;
    // The system counter at reset: mGBA's internal DIV (in 16-cycle units) times 16.
    s_.div_epoch = -static_cast<std::int64_t>(color_ ? 0x2F00 : 0xABC0) * 2;
    if (color_) {
        // Color WRAM powers up striped as mGBA fills it: 8 bytes FF, 8 bytes 00, inverted
        // every 2 KiB.
        for (std::size_t i = 0; i < s_.wram.size(); ++i) {
            const bool high = ((i >> 3) & 1) == 0;
            const bool inverted = (i >> 11) & 1;
            s_.wram[i] = (high != inverted) ? 0xFF : 0x00;
        }
    }
    s_.wram_bank = 1;
    s_.rom_bank = 1;
    s_.ram_enabled = false;

    auto& io = s_.io;
    io.fill(0);
    io[0x00] = 0xCF;  // JOYP, nothing selected
    io[0x02] = 0x7E;
    io[0x0F] = 0xE1;  // VBlank requested, as the boot ROM leaves it
    io[0x07] = 0xF8;
    io[0x46] = 0xFF;
    io[0x47] = 0xFC;
    if (!color_) io[0x48] = io[0x49] = 0xFF;
    io[0x50] = 0x01;
    if (color_) {
        io[0x4D] = 0x7E;
        io[0x4F] = 0xFE;
        io[0x68] = 0x80 | 0x40;
        io[0x6A] = 0x40;
        io[0x70] = 0xF9;
        io[0x51] = io[0x52] = io[0x53] = io[0x54] = io[0x55] = 0xFF;
    } else {
        std::memset(&io[0x4C], 0xFF, 0x78 - 0x4C);
    }
    s_.bg_palette.fill(color_ ? 0xFF : 0);
    s_.obj_palette.fill(color_ ? 0xFF : 0);
    if (color_) {
        for (std::size_t i = 1; i < 0x40; i += 2)
            s_.bg_palette[i] = s_.obj_palette[i] = 0x7F;
    }
    // The boot ROM's logo in VRAM (games that fade it out expect it there).
    for (int i = 0; i < 48 && 0x104 + i < static_cast<int>(rom_.size()); ++i) {
        const std::uint8_t byte = rom_[0x104 + i];
        std::uint8_t hi = 0, lo = 0;
        for (int bit = 0; bit < 4; ++bit) {
            if (byte & (0x80 >> bit)) hi |= static_cast<std::uint8_t>(0xC0 >> (bit * 2));
            if (byte & (0x08 >> bit)) lo |= static_cast<std::uint8_t>(0xC0 >> (bit * 2));
        }
        s_.vram[0x10 + i * 8] = s_.vram[0x12 + i * 8] = hi;
        s_.vram[0x14 + i * 8] = s_.vram[0x16 + i * 8] = lo;
    }
    static constexpr std::uint8_t kRegistered[8] = {0x3C, 0x42, 0xB9, 0xA5, 0xB9, 0xA5, 0x42, 0x3C};
    for (int i = 0; i < 8; ++i)
        s_.vram[0x190 + i * 2] = kRegistered[i];
    if (!color_) {
        for (int i = 0; i < 12; ++i) {
            s_.vram[0x1904 + i] = static_cast<std::uint8_t>(i + 1);
            s_.vram[0x1924 + i] = static_cast<std::uint8_t>(i + 13);
        }
        s_.vram[0x1910] = 0x19;
    }
    // Sound as the boot ROM leaves it: on, channel 1 playing its beep out.
    s_.apu_on = true;
    const std::uint8_t sound_regs[][2] = {
        {0x10, 0x80}, {0x11, 0xBF}, {0x12, 0xF3}, {0x13, 0xF3}, {0x14, 0x3F}, {0x16, 0x3F},
        {0x17, 0x00}, {0x19, 0x3F}, {0x1A, 0x7F}, {0x1B, 0xFF}, {0x1C, 0x9F}, {0x1E, 0x3F},
        {0x20, 0xFF}, {0x21, 0x00}, {0x22, 0x00}, {0x23, 0x3F}, {0x24, 0x77}, {0x25, 0xF3}};
    for (const auto& [reg, value] : sound_regs)
        write_sound(reg, value);
    s_.channels[0].enabled = true;
    s_.channels[0].dac_on = true;
    io[0x40] = 0x91;

    // Video: in VBlank, the next line change 20 dots away on Color (56 on DMG, at LY 154).
    s_.mode = 1;
    s_.stat = 1;
    if (color_) {
        s_.ly = 144;
        io[0x44] = 144;
        s_.video_at = 20 * kTicksPerDot;
    } else {
        s_.ly = 154;
        io[0x44] = 0;
        s_.video_at = 56 * kTicksPerDot;
    }
    schedule_timer();
    s_.rtc_start = rtc_start_;
    s_.rtc_last_latch = clock_seconds();
    remap();
    objects_changed();
    video_reschedule();
    palettes_changed();
}

void Core::state_replaced() {
    line_x_ = 0;
    recompute_next_event();
    remap();
    objects_changed();
    video_reschedule();
    palettes_changed();
}

// The earliest slot but the PPU's, the first in priority order on a tie.
void Core::recompute_other_events() {
    static_assert(kEiEvent == 0 && kVideoEvent == 1);
    int first = kEiEvent;
    std::int64_t when = s_.events[kEiEvent];
#pragma GCC unroll 16
    for (int i = kVideoEvent + 1; i < kEventCount; ++i) {
        if (s_.events[i] < when) when = s_.events[i], first = i;
    }
    next_other_ = when;
    next_other_slot_ = first;
}

// Inlined in run_other_event, its only caller: one jump per event to its case.
[[gnu::always_inline]] inline void Core::dispatch(Event event, std::int64_t when) {
    switch (event) {
        case kEiEvent:
            s_.ime = true;
            break;
        case kVideoEvent:  // run by run_events itself
            video_event(when);
            break;
        case kFrameEvent:
            ++s_.frame_counter;
            s_.frame_done = true;
            frame_event_at_ = when;
            frame_event_while_halted_ = s_.halted;
            if (!(s_.io[0x40] & 0x80) && draw_) frame_.fill(0xFFFFFF);  // a switched-off screen
            break;
        case kTimerIrqEvent:
            tima_settle(when);
            s_.io[0x05] = s_.io[0x06];
            s_.io[0x0F] |= 0x04;
            schedule_tima_overflow();
            break;
        case kTimerEvent:
            timer_tick(when);
            break;
        case kApuFrameEvent:
            // From its own time, never from the CPU's: events also run ahead of the CPU while a
            // VRAM DMA holds it, and the next step must lie after this one (the period is the
            // same in ticks at both speeds; DIV writes and speed switches reschedule it).
            apu_frame();
            schedule(kApuFrameEvent, when + kApuFrameTicks);
            break;
        case kSerialEvent:
            serial_done();
            break;
        case kOamDmaEvent:
            video_advance(when);  // DMA sees the PPU's mode
            oam_dma_step();
            if (s_.oam_dma_remaining > 0) schedule(kOamDmaEvent, when + ticks_per_mcycle());
            break;
        case kHdmaEvent:
            video_advance(when);
            hdma_step();
            if (s_.hdma_remaining > 0) {
                schedule(kHdmaEvent, when + 4);
            } else {
                s_.cpu_stall += when - s_.hdma_block_start;
            }
            break;
        case kEventCount:
            break;
    }
}

// The PPU's event leaves the other slots as they were, and schedules its own again (which finds
// the next event with one compare): it runs from this loop, which keeps two registers for
// itself; the others, ~10 a frame, out of line, followed by one scan of the slots.
void Core::run_events(std::int64_t until) {
    while (next_event_ <= until) {
        if (next_slot_ == kVideoEvent) {
            s_.events[kVideoEvent] = kNever;
            video_event(next_event_);
        } else {
            run_other_event();
        }
    }
}

[[gnu::noinline]] void Core::run_other_event() {
    const int first = next_slot_;
    const std::int64_t when = next_event_;
    s_.events[first] = kNever;
    dispatch(static_cast<Event>(first), when);
    recompute_next_event();
}

std::uint16_t Core::system_counter() const {
    const int ticks_per_cycle = s_.double_speed ? 1 : 2;
    return static_cast<std::uint16_t>((s_.now - s_.div_epoch) / ticks_per_cycle);
}

// Schedules the next TIMA increment (falling edge of the selected counter bit) and the next
// step of the sound frame sequencer, both from the system counter.
void Core::schedule_timer() {
    const int ticks_per_cycle = s_.double_speed ? 1 : 2;
    const std::int64_t counter = (s_.now - s_.div_epoch) / ticks_per_cycle;
    if (s_.io[0x07] & 4) {
        const int period = kTimaPeriods[s_.io[0x07] & 3];
        s_.tima_at = s_.div_epoch + (counter / period + 1) * period * ticks_per_cycle;
        s_.events[kTimerEvent] = s_.tima_at + (0xFF - s_.io[0x05]) * tima_period();
    } else {
        s_.tima_at = kNever;
        s_.events[kTimerEvent] = kNever;
    }
    const int apu_period = s_.double_speed ? 0x4000 : 0x2000;
    s_.events[kApuFrameEvent] =
        s_.div_epoch + (counter / apu_period + 1) * apu_period * ticks_per_cycle;
    recompute_next_event();
}

// TIMA's increments are counted from the clock when someone looks (reads, writes to the timer,
// speed switches) and only the one that overflows is an event: the interrupt is all that
// happens on its own.
std::int64_t Core::tima_period() const {
    return kTimaPeriods[s_.io[0x07] & 3] * (s_.double_speed ? 1 : 2);
}

int Core::tima_increments(std::int64_t until) const {
    if (until < s_.tima_at) return 0;
    return static_cast<int>((until - s_.tima_at) / tima_period() + 1);
}

void Core::tima_settle(std::int64_t until) {
    const int increments = tima_increments(until);
    if (increments == 0) return;
    s_.io[0x05] = static_cast<std::uint8_t>(s_.io[0x05] + increments);
    s_.tima_at += increments * tima_period();
}

void Core::schedule_tima_overflow() {
    schedule(kTimerEvent,
             s_.tima_at == kNever ? kNever : s_.tima_at + (0xFF - s_.io[0x05]) * tima_period());
}

void Core::timer_tick(std::int64_t when) {
    tima_settle(when);  // TIMA wraps to 0 at `when`
    const int t = ticks_per_mcycle() / 4;
    // TIMA reads 0 for a cycle, then TMA is loaded and the interrupt requested.
    const int mcycle = ticks_per_mcycle();
    const std::int64_t grid = when + ((s_.now - when) % mcycle + mcycle) % mcycle;
    schedule(kTimerIrqEvent, grid + 4 * t);
    schedule_tima_overflow();
}

void Core::write_div() {
    tima_settle(s_.now);
    const std::uint16_t counter = system_counter();
    if ((s_.io[0x07] & 4) && (counter & (kTimaPeriods[s_.io[0x07] & 3] / 2))) {
        if (++s_.io[0x05] == 0) schedule(kTimerIrqEvent, s_.now + 2 * ticks_per_mcycle());
    }
    if (counter & (s_.double_speed ? 0x4000 : 0x2000)) apu_frame();
    s_.div_epoch = s_.now;
    s_.div_hold_until = 0;
    schedule_timer();
}

void Core::write_tac(std::uint8_t value) {
    tima_settle(s_.now);
    s_.io[0x07] = value | 0xF8;
    if (value & 4) {
        // As mGBA: starting the timer delays the counter's next step by the part already done.
        const int ticks_per_cycle = s_.double_speed ? 1 : 2;
        const std::int64_t step = 16 * ticks_per_cycle;
        const std::int64_t at = s_.now + ticks_per_mcycle() / 4;
        const std::int64_t done = ((at - s_.div_epoch) % step + step) % step;
        s_.div_epoch += 2 * done;
    }
    schedule_timer();
}

void Core::serial_done() {
    if (s_.serial_bits > 0) {
        --s_.serial_bits;
        s_.io[0x01] = static_cast<std::uint8_t>((s_.io[0x01] << 1) | 1);  // nobody on the line
        if (s_.serial_bits == 0) {
            s_.io[0x02] &= 0x7F;
            s_.io[0x0F] |= 0x08;
        } else {
            const int period = (s_.io[0x02] & 2) && color_ ? 16 : 512;
            schedule(kSerialEvent, s_.now + period * (s_.double_speed ? 1 : 2));
        }
    }
}

// mGBA counts DIV in steps batched up to its next change; the batch under way when the speed
// switches is counted at the new speed when it lands. DIV holds its value until then.
void Core::set_double_speed(bool on) {
    tima_settle(s_.now);
    const int old_ticks = s_.double_speed ? 1 : 2, new_ticks = on ? 1 : 2;
    const std::int64_t counter = (s_.now - s_.div_epoch) / old_ticks;
    const std::int64_t boundary = (counter / 256 + 1) * 256;
    const std::int64_t lands = s_.div_epoch + boundary * old_ticks;
    const std::int64_t batch_ticks = 256 * old_ticks;
    const std::int64_t counter_then = boundary - 256 + batch_ticks / new_ticks;
    s_.div_epoch = lands - counter_then * new_ticks;
    s_.div_hold_until = lands;
    s_.div_hold_value = static_cast<std::uint8_t>((boundary - 256) >> 8);
    s_.double_speed = on;
    s_.io[0x4D] = static_cast<std::uint8_t>(on ? 0xFE : 0x7E);
    schedule_timer();
}

// mGBA counts a frame only between two instructions (at the end of the one in progress when
// the frame event fell due); with the screen off, the next frame is due a frame after that
// moment, not after the due time, so the lateness adds up from frame to frame.
void Core::frame_counted() {
    s_.frame_done = false;
    if ((s_.io[0x40] & 0x80) || s_.events[kFrameEvent] != kNever) return;
    const std::int64_t counted_at = frame_event_while_halted_ ? frame_event_at_ : s_.now;
    schedule(kFrameEvent, counted_at + 70224 * kTicksPerDot);
}

void Core::run_frame(bool draw) {
    draw_ = draw;
    run_until_frame_end();
}

}  // namespace crl::emu::native
