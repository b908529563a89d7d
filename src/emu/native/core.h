// emu/native/core.h — crystal-rl's own Game Boy / Game Boy Color: SM83 CPU, memory map with page
// tables, timers, video timing and pixels, sound registers (no samples), cartridges and DMA.
// Owns plain state only (one copyable struct, so a save state is a memcpy); knows nothing of
// Machine, files or threads. Timing follows mGBA 0.10.1's skip-BIOS machine so both cores agree.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace crl::emu::native {

// Time is counted in ticks of 8,388,608 Hz: two per dot; a CPU M-cycle is 8 ticks (4 in double
// speed).
inline constexpr int kTicksPerDot = 2;
inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
inline constexpr int kWidth = 160;
inline constexpr int kHeight = 144;

enum class Mbc : std::uint8_t { kNone, kMbc1, kMbc2, kMbc3, kMbc5 };

// Hardware that acts at a time of its own; each slot holds its next time (kNever when idle).
enum Event : int {
    kEiEvent,        // IME set, one instruction after EI
    kVideoEvent,     // the PPU's next mode change that must happen on time (see video_reschedule)
    kFrameEvent,     // the frame counter, at the start of VBlank
    kTimerIrqEvent,  // TIMA reload and interrupt after an overflow
    kTimerEvent,     // the TIMA increment that overflows (the others are counted when needed)
    kApuFrameEvent,  // the sound frame sequencer (512 Hz)
    kSerialEvent,    // the end of a serial transfer on the internal clock
    kOamDmaEvent,    // the next OAM DMA byte
    kHdmaEvent,      // the next VRAM DMA byte
    kEventCount
};

struct Channel {  // one sound channel as the CPU sees it
    bool enabled;
    bool length_enabled;
    std::uint16_t length;  // counts up to 64 (256 for the wave channel)
    std::uint8_t volume;
    std::uint8_t envelope_timer;
    bool dac_on;
};

struct Sweep {                // channel 1's frequency sweep
    std::uint16_t frequency;  // the shadow frequency: the sweep's own copy, taken at trigger
    std::uint8_t timer;       // sweep clocks (128 Hz) left until the next calculation
    bool enabled;             // set at trigger when NR10's period or shift is not zero
    // A calculation since the trigger subtracted: clearing NR10's negate bit now ends the sound.
    bool negated;
};

// Where channel 3 reads wave RAM: worked out from the clock only when someone looks.
struct WaveReader {
    std::int64_t next_fetch;  // the next sample's fetch (loaded with the period then in force)
    std::int64_t last_fetch;  // the latest fetch since the trigger that was counted, or -1
    std::uint8_t position;    // the sample (0-31) fetched then: wave RAM byte position / 2
};

// Everything that changes while the game runs, trivially copyable.
struct State {
    // CPU
    std::uint8_t a, f, b, c, d, e, h, l;
    std::uint16_t sp, pc;
    bool ime, halted, halt_bug, double_speed, cgb_mode;
    std::int64_t now;  // ticks since reset
    std::array<std::int64_t, kEventCount> events;
    std::uint64_t frame_counter;
    bool frame_done;

    // memory
    std::array<std::uint8_t, 0x8000> wram;
    std::array<std::uint8_t, 0x4000> vram;
    std::array<std::uint8_t, 0xA0> oam;
    std::array<std::uint8_t, 0x80> hram;  // FF80-FFFF (FFFF = IE)
    std::array<std::uint8_t, 0x80> io;
    std::array<std::uint8_t, 0x40> bg_palette, obj_palette;  // CGB colour RAM
    std::uint8_t wram_bank, vram_bank;

    // cartridge
    std::uint16_t rom_bank;
    std::uint8_t ram_bank, mbc1_mode;
    bool ram_enabled;
    // MBC3 clock as mGBA keeps it: registers move forward only when latched
    std::array<std::uint8_t, 5> rtc;  // S, M, H, DL, DH
    std::uint8_t rtc_select;          // 8-C while a clock register is mapped, else 0
    bool rtc_latched;
    std::int64_t rtc_last_latch;  // clock seconds at the previous latch
    // The emulated clock's epoch, in clock seconds: the machine's --rtc-start when it was reset.
    // A state carries it, as mGBA's do, so a loaded game reads the clock it was saved with.
    std::int64_t rtc_start;

    // timer: the 16-bit system counter is (now - div_epoch) / ticks per cycle
    std::int64_t div_epoch;
    // After a speed switch DIV holds its value until mGBA's pending timer step lands.
    std::int64_t div_hold_until;
    std::uint8_t div_hold_value;
    // The next TIMA increment (kNever while stopped): io[0x05] counts those before it.
    std::int64_t tima_at;

    // video
    std::int64_t video_at;  // the PPU's next mode change, done when due or when someone looks
    int ly, ly_register_shadow, mode, obj_count, window_line;
    std::uint8_t stat;  // bits 0-6 as the PPU keeps them
    bool window_triggered;

    // DMA
    std::uint16_t oam_dma_source;
    int oam_dma_remaining;
    std::uint16_t hdma_source, hdma_dest;
    int hdma_remaining;
    bool hdma_active;               // H-Blank DMA armed
    std::int64_t hdma_block_start;  // ticks of the current block's first byte
    std::int64_t cpu_stall;         // ticks the CPU still owes to finished VRAM DMA blocks

    // serial
    int serial_bits;

    // sound
    std::array<Channel, 4> channels;
    Sweep sweep;
    WaveReader wave;
    bool apu_on;
    int apu_frame_step;

    std::uint8_t buttons;  // pressed, joypad bit order of emu::Buttons
};

class Core {
  public:
    // rom must outlive the core. rtc_start: clock seconds at reset (the emulated-clock epoch).
    // host_clock: the MBC3 clock follows the host's wall clock instead.
    Core(std::span<const std::uint8_t> rom, std::int64_t rtc_start, bool host_clock = false);

    void reset();
    // Runs until the next VBlank begins; draws the frame's pixels only when `draw`.
    void run_frame(bool draw);

    // One instruction, interrupt entry or stretch of HALT: for tracing against another core.
    void step();

    State& state() { return s_; }
    const State& state() const { return s_; }
    std::vector<std::uint8_t>& cart_ram() { return cart_ram_; }
    const std::vector<std::uint8_t>& cart_ram() const { return cart_ram_; }
    // After the state or cartridge RAM was replaced wholesale.
    void state_replaced();

    const std::array<std::uint32_t, kWidth * kHeight>& frame() const { return frame_; }
    // Bytes sent out of the link port since reset.
    std::string& serial_text() { return serial_text_; }
    const std::string& serial_text() const { return serial_text_; }

    std::uint8_t peek(std::uint16_t address) const;        // as the CPU would read, no side effects
    void poke(std::uint16_t address, std::uint8_t value);  // plain stores, no I/O side effects
    std::int64_t clock_seconds() const;                    // the MBC3 clock's reading now
    bool color() const { return color_; }
    Mbc mbc() const { return mbc_; }
    bool has_rtc() const { return has_rtc_; }
    int rom_banks() const { return rom_banks_; }
    std::span<const std::uint8_t> rom() const { return rom_; }

  private:
    friend struct Cpu;
    // cpu.cpp
    void run_until_frame_end();
    void cpu_catch_up(std::int64_t until);  // the events due by `until`, then any DMA stall
    // memory.cpp
    std::uint8_t read_slow(std::uint16_t address);
    void write_slow(std::uint16_t address, std::uint8_t value);
    std::uint8_t read_io(std::uint8_t reg) const;
    std::uint8_t joypad_value() const;
    void update_joypad();
    void write_io(std::uint8_t reg, std::uint8_t value);
    void write_cart(std::uint16_t address, std::uint8_t value);
    std::uint8_t read_cart_ram(std::uint16_t address) const;
    void write_cart_ram(std::uint16_t address, std::uint8_t value);
    void remap();
    void remap_rom_bank();
    void remap_cart_ram();
    void remap_wram_bank();
    void latch_rtc();
    void start_hdma(std::uint8_t value);
    void oam_dma_step();
    void hdma_step();
    // events.cpp
    void schedule(Event event, std::int64_t when) {
        s_.events[event] = when;
        if (event != kVideoEvent) {
            if (when < next_other_ || (when == next_other_ && event < next_other_slot_)) {
                next_other_ = when;
                next_other_slot_ = event;
            } else if (event == next_other_slot_ && when != next_other_) {
                recompute_other_events();  // the earliest moved later
            }
        }
        choose_next_event();
    }
    void run_events(std::int64_t until);
    void run_other_event();
    void frame_counted();
    void dispatch(Event event, std::int64_t when);
    void update_irqs_on_wake();
    std::uint16_t system_counter() const;
    void write_div();
    void write_tac(std::uint8_t value);
    void schedule_timer();
    std::int64_t tima_period() const;
    int tima_increments(std::int64_t until) const;  // since io[0x05] was brought up to date
    void tima_settle(std::int64_t until);
    void schedule_tima_overflow();
    void timer_tick(std::int64_t when);
    void serial_done();
    void set_double_speed(bool on);
    // video.cpp
    // Mode changes due by `until`, in order (the ones no event was scheduled for run late, when
    // the CPU or DMA looks at the PPU, since nothing could have seen them earlier).
    void video_advance(std::int64_t until) {
        if (s_.video_at <= until) video_catch_up(until);
    }
    void video_catch_up(std::int64_t until);
    // kVideoEvent: the changes due, then the next to run (it always schedules its slot again).
    void video_event(std::int64_t when);
    void video_event_slow(std::int64_t when);
    int video_step(std::int64_t when);
    bool video_must_run(int mode, int ly) const;
    void video_reschedule();
    void write_lcdc(std::uint8_t value);
    void write_stat(std::uint8_t value);
    void write_lyc(std::uint8_t value);
    void stat_changed(std::uint8_t old_stat);
    void count_line_objects();
    void objects_changed() {
        line_objects_stale_ = true;
        // Mode 3 lasts longer with more objects; in V-Blank the next change that must run comes
        // by line 0's start at the latest, whatever the objects (OAM DMA lands there).
        if (s_.mode != 1) video_reschedule();
    }
    void count_objects_per_line();
    int objects_on_line(int line);  // at most 10, the ones the PPU sees
    void remap_vram();
    void draw_line(int from, int to);
    void draw_line_so_far();
    template <bool kCgb, bool kKeepInfo>  // info: what the objects need to know of the background
    void draw_tiles(int x, int x_end, int map_base, int px, int py, const std::uint64_t* pairs,
                    std::uint32_t* rgb, std::uint8_t* info);
    void draw_objects(const std::uint8_t* bg_info, std::uint32_t* out);
    void write_palette_data(bool objects, std::uint8_t value);
    void palettes_changed();
    void make_bg_quads();
    // sound.cpp
    std::uint8_t read_sound(std::uint8_t reg) const;
    void write_sound(std::uint8_t reg, std::uint8_t value);
    void apu_frame();
    void trigger_sweep();
    void clock_sweep();
    int sweep_calculation();
    std::int64_t wave_period() const;
    WaveReader wave_reader_at(std::int64_t when) const;
    int wave_byte_in_reach() const;
    void trigger_wave(bool was_playing);

    int ticks_per_mcycle() const { return s_.double_speed ? 4 : 8; }
    void recompute_next_event() {  // after writing s_.events directly
        recompute_other_events();
        choose_next_event();
    }
    void recompute_other_events();
    // The PPU's slot or the earliest of the others, the lower slot on a tie (only kEiEvent comes
    // before the PPU's). Times are never negative: next_other_ - 1 cannot overflow.
    void choose_next_event() {
        const std::int64_t video = s_.events[kVideoEvent];
        const bool video_first = video <= next_other_ - (next_other_slot_ == kEiEvent ? 1 : 0);
        next_event_ = video_first ? video : next_other_;
        next_slot_ = video_first ? kVideoEvent : next_other_slot_;
    }

    std::span<const std::uint8_t> rom_;
    bool color_ = false;
    Mbc mbc_ = Mbc::kNone;
    bool has_rtc_ = false;
    int rom_banks_ = 2;
    std::int64_t rtc_start_;  // for reset(); the running clock's is s_.rtc_start
    bool host_clock_;
    State s_{};
    std::vector<std::uint8_t> cart_ram_;
    // The earliest slot's time and index, and the earliest of all slots but the PPU's: its event
    // comes ~150 times a frame (Crystal), and each time only two times are compared afterwards
    // instead of every slot.
    std::int64_t next_event_ = kNever;
    int next_slot_ = 0;
    std::int64_t next_other_ = kNever;
    int next_other_slot_ = 0;
    // When the last frame event fell due and whether the CPU slept then (see frame_counted).
    std::int64_t frame_event_at_ = 0;
    bool frame_event_while_halted_ = false;
    bool draw_ = false;
    // Pixels of the current line already out (see draw_line_so_far), 0 outside mode 3.
    int line_x_ = 0;

    // Page tables by address >> 12 for direct memory, 0 for the slow path. Each holds the page's
    // host address less the page's own Game Boy address, so that the byte is at base + address:
    // no mask on the fast path (see set_page).
    std::array<std::uintptr_t, 16> read_page_{};
    std::array<std::uintptr_t, 16> write_page_{};
    static void set_page(std::array<std::uintptr_t, 16>& table, int page, const std::uint8_t* at) {
        table[page] = at ? reinterpret_cast<std::uintptr_t>(at) - (page << 12) : 0;
    }

    // Derived from the state (rebuilt by state_replaced): objects covering each line, and the
    // Color palettes as 32-bit pixels, so that neither is worked out again line after line.
    std::array<std::uint8_t, kHeight> line_objects_{};  // at most 10: the ones the PPU sees
    std::array<std::array<std::uint8_t, 10>, kHeight> line_object_list_{};  // by OAM index
    bool line_objects_stale_ = true;
    std::array<std::uint32_t, 32> bg_rgb_{}, obj_rgb_{};
    // Four neighbouring pixels by their colours (pixel k's in bits 2k and 2k + 1), for each Color
    // background palette: a tile's row is two look-ups (see draw_tiles). Rebuilt before a line is
    // drawn for the palettes written since (a bit each in bg_quads_stale_).
    std::array<std::array<std::uint32_t, 4>, 8 * 256> bg_quads_{};
    std::uint8_t bg_quads_stale_ = 0xFF;

    std::array<std::uint32_t, kWidth * kHeight> frame_{};
    std::string serial_text_;
};

}  // namespace crl::emu::native
