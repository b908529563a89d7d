// Sound registers as a game sees them: read masks, power, DACs, triggers, and the length counters
// and channel 1's frequency sweep clocked by the frame sequencer, so NR52's status bits are right;
// wave RAM as the CPU reaches it while channel 3 plays. No samples are made.
#include <cstring>

#include "emu/native/core.h"

namespace crl::emu::native {

namespace {
constexpr std::uint8_t kSoundReadMasks[0x30] = {
    0x80, 0x3F, 0x00, 0xFF, 0xBF,  // NR10-NR14
    0xFF, 0x3F, 0x00, 0xFF, 0xBF,  // unused, NR21-NR24
    0x7F, 0xFF, 0x9F, 0xFF, 0xBF,  // NR30-NR34
    0xFF, 0xFF, 0x00, 0x00, 0xBF,  // unused, NR41-NR44
    0x00, 0x00, 0x70,              // NR50-NR52
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0, 0, 0};  // wave RAM

// The channel a register belongs to and its place (0-4 as in NRx0-NRx4), or -1.
int channel_of(std::uint8_t reg) {
    return reg < 0x24 ? (reg - 0x10) / 5 : -1;
}

constexpr int kMaxFrequency = 2047;  // 11 bits: a sweep past it silences channel 1

int sweep_period(std::uint8_t nr10) {
    return (nr10 >> 4) & 7;
}
int sweep_shift(std::uint8_t nr10) {
    return nr10 & 7;
}
bool sweep_negates(std::uint8_t nr10) {
    return nr10 & 8;
}
// The sweep timer counts a period of 0 as 8 (it still reloads, but no calculation follows).
std::uint8_t sweep_timer_reload(std::uint8_t nr10) {
    const int period = sweep_period(nr10);
    return static_cast<std::uint8_t>(period ? period : 8);
}

// From a trigger to channel 3's first fetch: its period and 6 cycles (of 4 MiHz) more.
constexpr std::int64_t kWaveTriggerDelay = 6 * 2;
// On the DMG the CPU reaches wave RAM while channel 3 plays only as the channel fetches a byte.
constexpr std::int64_t kWaveFetchTicks = 4;
// A write to NR34 triggers the channel half an M-cycle into the write (as the DMG's wave RAM
// corruption shows).
constexpr std::int64_t kTriggerLandsTicks = 4;
}  // namespace

// Ticks per wave sample: the APU clock does not follow the CPU's double speed.
std::int64_t Core::wave_period() const {
    const int frequency = ((s_.io[0x1E] & 7) << 8) | s_.io[0x1D];
    return 4 * (2048 - frequency);
}

// The fetches due by `when` counted; the next one keeps the time it was loaded with.
WaveReader Core::wave_reader_at(std::int64_t when) const {
    WaveReader reader = s_.wave;
    if (when >= reader.next_fetch) {
        const std::int64_t period = wave_period();
        const std::int64_t fetches = (when - reader.next_fetch) / period + 1;
        reader.last_fetch = reader.next_fetch + (fetches - 1) * period;
        reader.next_fetch += fetches * period;
        reader.position = static_cast<std::uint8_t>((reader.position + fetches) & 31);
    }
    return reader;
}

// While channel 3 plays, the CPU's wave RAM accesses land on the byte the channel reads (the Color
// always, the DMG only as it fetches, otherwise nowhere: -1).
int Core::wave_byte_in_reach() const {
    const WaveReader reader = wave_reader_at(s_.now);
    if (!color_ && (reader.last_fetch < 0 || s_.now - reader.last_fetch >= kWaveFetchTicks)) {
        return -1;
    }
    return 0x30 + reader.position / 2;
}

// On the DMG a trigger that lands as the playing channel fetches a byte overwrites the start of
// wave RAM with that byte (with its aligned group of four, past the first four bytes).
void Core::trigger_wave(bool was_playing) {
    if (!color_ && was_playing) {
        const WaveReader reader = wave_reader_at(s_.now);
        const std::int64_t lands = s_.now + kTriggerLandsTicks;
        if (reader.next_fetch >= lands && reader.next_fetch < lands + kWaveFetchTicks) {
            const int fetched = ((reader.position + 1) & 31) / 2;
            auto* wave = &s_.io[0x30];
            if (fetched < 4) {
                wave[0] = wave[fetched];
            } else {
                std::memmove(wave, wave + (fetched & ~3), 4);
            }
        }
    }
    s_.wave = WaveReader{s_.now + kWaveTriggerDelay + wave_period(), -1, 0};
}

std::uint8_t Core::read_sound(std::uint8_t reg) const {
    if (reg == 0x26) {
        std::uint8_t status = s_.apu_on ? 0xF0 : 0x70;
        for (int i = 0; i < 4; ++i) {
            if (s_.channels[i].enabled) status |= static_cast<std::uint8_t>(1 << i);
        }
        return status;
    }
    if (reg >= 0x30 && s_.channels[2].enabled) {
        const int reached = wave_byte_in_reach();
        return reached < 0 ? 0xFF : s_.io[reached];
    }
    return static_cast<std::uint8_t>(s_.io[reg] | kSoundReadMasks[reg - 0x10]);
}

void Core::write_sound(std::uint8_t reg, std::uint8_t value) {
    if (reg >= 0x30) {
        const int reached = s_.channels[2].enabled ? wave_byte_in_reach() : reg;
        if (reached >= 0) s_.io[reached] = value;
        return;
    }
    if (reg == 0x26) {
        const bool on = value & 0x80;
        if (s_.apu_on && !on) {
            for (std::uint8_t r = 0x10; r < 0x26; ++r)
                s_.io[r] = 0;
            s_.sweep = Sweep{};
            for (auto& channel : s_.channels) {
                channel.enabled = false;
                channel.dac_on = false;
                channel.length_enabled = false;
                if (color_) channel.length = 0;
            }
        } else if (!s_.apu_on && on) {
            s_.apu_frame_step = 0;
        }
        s_.apu_on = on;
        return;
    }
    const int index = channel_of(reg);
    const int place = index >= 0 ? (reg - 0x10) % 5 : -1;
    if (!s_.apu_on) {
        // Powered off, only the DMG's length counters still take writes.
        if (!color_ && place == 1 && index >= 0) {
            auto& channel = s_.channels[index];
            channel.length =
                static_cast<std::uint16_t>(index == 2 ? 256 - value : 64 - (value & 0x3F));
        }
        return;
    }
    // A new period applies from the next fetch on, the one under way keeps its time.
    if (reg == 0x1D || reg == 0x1E) s_.wave = wave_reader_at(s_.now);
    s_.io[reg] = value;
    if (index < 0) return;
    auto& channel = s_.channels[index];
    const int full_length = index == 2 ? 256 : 64;
    switch (place) {
        case 0:
            if (index == 0 && s_.sweep.negated && !sweep_negates(value)) {
                channel.enabled = false;
            }
            if (index == 2) {
                channel.dac_on = value & 0x80;
                if (!channel.dac_on) channel.enabled = false;
            }
            break;
        case 1:
            channel.length =
                static_cast<std::uint16_t>(full_length - (index == 2 ? value : (value & 0x3F)));
            break;
        case 2:
            if (index != 2) {
                channel.dac_on = (value & 0xF8) != 0;
                if (!channel.dac_on) channel.enabled = false;
            }
            break;
        case 4: {
            const bool was_playing = channel.enabled;
            const bool was_enabled = channel.length_enabled;
            channel.length_enabled = value & 0x40;
            // Enabling the counter in a step that does not clock it clocks it once more.
            const bool next_clocks_length = (s_.apu_frame_step & 1) == 0;
            if (!was_enabled && channel.length_enabled && !next_clocks_length &&
                channel.length > 0) {
                if (--channel.length == 0 && !(value & 0x80)) channel.enabled = false;
            }
            if (value & 0x80) {
                channel.enabled = channel.dac_on;
                if (channel.length == 0) {
                    channel.length = static_cast<std::uint16_t>(full_length);
                    if (channel.length_enabled && !next_clocks_length) --channel.length;
                }
                if (index == 0) trigger_sweep();
                if (index == 2) trigger_wave(was_playing);
            }
            break;
        }
        default:
            break;
    }
}

// The shadow frequency is NR13/NR14's at the trigger; with a shift, a first calculation checks
// for overflow at once (its result is dropped).
void Core::trigger_sweep() {
    const std::uint8_t nr10 = s_.io[0x10];
    auto& sweep = s_.sweep;
    sweep.frequency = static_cast<std::uint16_t>(((s_.io[0x14] & 7) << 8) | s_.io[0x13]);
    sweep.timer = sweep_timer_reload(nr10);
    sweep.enabled = sweep_period(nr10) != 0 || sweep_shift(nr10) != 0;
    sweep.negated = false;
    if (sweep_shift(nr10) != 0) sweep_calculation();
}

// The next frequency from the shadow one; past 2047 it silences the channel.
int Core::sweep_calculation() {
    const std::uint8_t nr10 = s_.io[0x10];
    const int step = s_.sweep.frequency >> sweep_shift(nr10);
    int next = s_.sweep.frequency + step;
    if (sweep_negates(nr10)) {
        next = s_.sweep.frequency - step;
        s_.sweep.negated = true;
    }
    if (next > kMaxFrequency) s_.channels[0].enabled = false;
    return next;
}

// Frame-sequencer steps 2 and 6. With a shift, a frequency in range becomes the channel's own
// (written back to NR13/NR14), and the one after it is checked for overflow straight away.
void Core::clock_sweep() {
    auto& sweep = s_.sweep;
    if (sweep.timer == 0 || --sweep.timer != 0) return;
    const std::uint8_t nr10 = s_.io[0x10];
    sweep.timer = sweep_timer_reload(nr10);
    if (!sweep.enabled || sweep_period(nr10) == 0) return;
    const int next = sweep_calculation();
    if (next > kMaxFrequency || sweep_shift(nr10) == 0) return;
    sweep.frequency = static_cast<std::uint16_t>(next);
    s_.io[0x13] = static_cast<std::uint8_t>(next & 0xFF);
    s_.io[0x14] = static_cast<std::uint8_t>((s_.io[0x14] & ~7) | (next >> 8));
    sweep_calculation();
}

void Core::apu_frame() {
    if (!s_.apu_on) return;
    if ((s_.apu_frame_step & 3) == 2) clock_sweep();
    if ((s_.apu_frame_step & 1) == 0) {
        for (auto& channel : s_.channels) {
            if (channel.length_enabled && channel.length > 0 && --channel.length == 0) {
                channel.enabled = false;
            }
        }
    }
    s_.apu_frame_step = (s_.apu_frame_step + 1) & 7;
}

}  // namespace crl::emu::native
