// The native core behind emu::Machine: frames, bank-aware memory, save states in our own format
// (ROM SHA-1 and CRC guarded; a failed load changes nothing), battery RAM and the clock.
#include "emu/native/native_machine.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <type_traits>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

#include "emu/native/core.h"
#include "emu/state_header.h"

namespace crl::emu {
namespace {

using native::Core;
using native::State;
static_assert(std::is_trivially_copyable_v<State>);

// CRC-32C (Castagnoli) of the payload: x86-64 computes it 8 bytes an instruction (SSE 4.2), so
// a save plus a load of ~90 KB stays far under 50 us; other CPUs use the table.
constexpr std::array<std::uint32_t, 256> make_crc32c_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t crc = i;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ ((crc & 1) ? 0x82F63B78u : 0);
        table[i] = crc;
    }
    return table;
}
constexpr auto kCrc32cTable = make_crc32c_table();

std::uint32_t crc32c_table(const std::uint8_t* data, std::size_t size) {
    std::uint32_t crc = ~0u;
    for (std::size_t i = 0; i < size; ++i)
        crc = (crc >> 8) ^ kCrc32cTable[(crc ^ data[i]) & 0xFF];
    return ~crc;
}

#if defined(__x86_64__)
[[gnu::target("sse4.2")]] std::uint32_t crc32c_sse42(const std::uint8_t* data, std::size_t size) {
    std::uint64_t crc = ~0u;
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, data + i, 8);
        crc = _mm_crc32_u64(crc, word);
    }
    auto crc32 = static_cast<std::uint32_t>(crc);
    for (; i < size; ++i)
        crc32 = _mm_crc32_u8(crc32, data[i]);
    return ~crc32;
}
#endif

std::uint32_t crc32c(std::span<const std::uint8_t> bytes) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("sse4.2")) return crc32c_sse42(bytes.data(), bytes.size());
#endif
    return crc32c_table(bytes.data(), bytes.size());
}

// 2: CRC-32C instead of zlib's CRC-32; 3: the PPU's next mode change apart from its event, and
// the next TIMA increment; 4: the clock's epoch
constexpr std::uint32_t kStateVersion = 4;

class NativeMachine final : public Machine {
  public:
    NativeMachine(const Rom& rom, const MachineOptions& options)
        : rom_(rom.shared_bytes()),
          header_(rom.header()),
          options_(options),
          core_(*rom_, options.rtc_start, options.clock == Clock::kHost) {}

    const RomHeader& header() const override { return header_; }
    const MachineOptions& options() const override { return options_; }

    void reset() override {
        core_.reset();
        core_.serial_text().clear();
    }

    void run_frames(int frames, Buttons buttons, Render render) override {
        core_.state().buttons = buttons;
        for (int i = 0; i < frames; ++i) {
            const bool draw =
                render == Render::kAll || (render == Render::kLast && i == frames - 1);
            core_.run_frame(draw);
        }
    }

    std::uint64_t frame_count() const override { return core_.state().frame_counter; }

    void copy_frame_rgb(std::span<std::uint8_t, kFrameRgbBytes> out) const override {
        std::uint8_t* target = out.data();
        for (const std::uint32_t pixel : core_.frame()) {
            *target++ = static_cast<std::uint8_t>(pixel);
            *target++ = static_cast<std::uint8_t>(pixel >> 8);
            *target++ = static_cast<std::uint8_t>(pixel >> 16);
        }
    }

    std::uint8_t read(int bank, std::uint16_t address) const override {
        const State& s = core_.state();
        if (address < 0x4000) return address < core_.rom().size() ? core_.rom()[address] : 0xFF;
        if (address < 0x8000) {
            const std::size_t b = bank < 0 ? s.rom_bank % core_.rom_banks() : bank;
            const std::size_t offset = b * 0x4000 + (address & 0x3FFF);
            return offset < core_.rom().size() ? core_.rom()[offset] : 0xFF;
        }
        if (address < 0xA000) {
            const int b = bank < 0 ? s.vram_bank : (bank & 1);
            return s.vram[b * 0x2000 + (address & 0x1FFF)];
        }
        if (address < 0xC000) {
            const auto& ram = core_.cart_ram();
            if (ram.empty()) return 0xFF;
            const std::size_t b = bank < 0 ? s.ram_bank : bank;
            return ram[(b * 0x2000 + (address & 0x1FFF)) % ram.size()];
        }
        if (address < 0xFE00) {
            if ((address & 0x1000) == 0) return s.wram[address & 0xFFF];
            return s.wram[wram_bank(bank) * 0x1000 + (address & 0xFFF)];
        }
        return core_.peek(address);
    }

    void write(int bank, std::uint16_t address, std::uint8_t value) override {
        State& s = core_.state();
        if (address < 0x8000) return;
        if (address < 0xA000) {
            const int b = bank < 0 ? s.vram_bank : (bank & 1);
            s.vram[b * 0x2000 + (address & 0x1FFF)] = value;
        } else if (address < 0xC000) {
            auto& ram = core_.cart_ram();
            if (ram.empty()) return;
            const std::size_t b = bank < 0 ? s.ram_bank : bank;
            ram[(b * 0x2000 + (address & 0x1FFF)) % ram.size()] = value;
        } else if (address < 0xFE00) {
            if ((address & 0x1000) == 0) {
                s.wram[address & 0xFFF] = value;
            } else {
                s.wram[wram_bank(bank) * 0x1000 + (address & 0xFFF)] = value;
            }
        } else {
            core_.poke(address, value);
        }
    }

    std::vector<std::uint8_t> read_region(Region region) const override {
        const State& s = core_.state();
        const bool color = core_.color();
        switch (region) {
            case Region::kWram:
                return {s.wram.begin(), s.wram.begin() + (color ? 0x8000 : 0x2000)};
            case Region::kHram:
                return {s.hram.begin(), s.hram.begin() + 0x7F};
            case Region::kCartRam:
                return core_.cart_ram();
            case Region::kVram:
                return {s.vram.begin(), s.vram.begin() + (color ? 0x4000 : 0x2000)};
        }
        return {};
    }

    std::vector<std::uint8_t> save_state() const override {
        const auto& ram = core_.cart_ram();
        const std::size_t payload_bytes = sizeof(State) + ram.size();
        std::vector<std::uint8_t> state(sizeof(StateHeader) + payload_bytes);
        std::uint8_t* payload = state.data() + sizeof(StateHeader);
        std::memcpy(payload, &core_.state(), sizeof(State));
        if (!ram.empty()) std::memcpy(payload + sizeof(State), ram.data(), ram.size());
        StateHeader header{};
        set_state_magic(header, CoreKind::kNative);
        header.version = kStateVersion;
        header.payload_bytes = static_cast<std::uint32_t>(payload_bytes);
        header.payload_checksum = crc32c({payload, payload_bytes});  // CRC-32C
        header.core_detail = sizeof(State);                          // of the build that wrote it
        write_state_header(header, header_, state);
        return state;
    }

    void load_state(std::span<const std::uint8_t> state) override {
        const auto payload = checked_payload(state);
        State loaded;
        std::memcpy(&loaded, payload.data(), sizeof(State));
        check_consistent(loaded);
        // Nothing can fail from here on: the machine changes only now.
        core_.state() = loaded;
        std::copy(payload.begin() + sizeof(State), payload.end(), core_.cart_ram().begin());
        core_.state_replaced();
    }

    std::vector<std::uint8_t> battery_ram() const override { return core_.cart_ram(); }

    void load_battery_ram(std::span<const std::uint8_t> ram) override {
        auto& cart = core_.cart_ram();
        if (ram.size() > 0x20000) {
            throw std::runtime_error("the emulator refused " + std::to_string(ram.size()) +
                                     " bytes of battery RAM");
        }
        if (ram.size() > cart.size()) cart.resize(ram.size(), 0xFF);
        std::copy(ram.begin(), ram.end(), cart.begin());
        core_.state_replaced();
    }

    std::string serial_output() const override { return core_.serial_text(); }
    std::int64_t clock_now() const override { return core_.clock_seconds(); }

  private:
    int wram_bank(int bank) const {
        if (!core_.color()) return 1;
        if (bank < 0) return core_.state().wram_bank;
        return (bank & 7) ? (bank & 7) : 1;  // bank 0 reads as 1, as SVBK=0 does
    }

    std::span<const std::uint8_t> checked_payload(std::span<const std::uint8_t> state) const {
        const auto header = read_state_header(state);
        check_state_magic(header, CoreKind::kNative);
        if (header.version != kStateVersion || header.core_detail != sizeof(State)) {
            throw StateError("format version " + std::to_string(header.version) +
                             " of another build; this build reads version " +
                             std::to_string(kStateVersion));
        }
        const auto payload = state_payload(state, header, header_);
        if (crc32c(payload) != header.payload_checksum) {
            throw StateError("its checksum does not match: the file is corrupt");
        }
        if (payload.size() != sizeof(State) + core_.cart_ram().size()) {
            throw StateError("its cartridge RAM does not fit this cartridge");
        }
        return payload;
    }

    // Indexes the core trusts, checked so that even a forged state cannot reach outside memory.
    static void check_consistent(const State& s) {
        const bool ok = s.wram_bank >= 1 && s.wram_bank <= 7 && s.vram_bank <= 1 && s.mode >= 0 &&
                        s.mode <= 3 && s.ly >= 0 && s.ly <= 155 && s.oam_dma_remaining >= 0 &&
                        s.oam_dma_remaining <= 0xA0 && s.hdma_remaining >= 0 &&
                        s.hdma_remaining <= 0x800 && s.apu_frame_step >= 0 &&
                        s.apu_frame_step <= 7 &&
                        (s.rtc_select == 0 || (s.rtc_select >= 8 && s.rtc_select <= 0xC)) &&
                        s.window_line >= 0 && s.window_line <= 255;
        if (!ok) throw StateError("its contents are inconsistent; the game was left as it was");
    }

    std::shared_ptr<const std::vector<std::uint8_t>> rom_;  // shared by every core of this ROM
    RomHeader header_;
    MachineOptions options_;
    Core core_;
};

}  // namespace

std::unique_ptr<Machine> make_native_machine(const Rom& rom, const MachineOptions& options) {
    return std::make_unique<NativeMachine>(rom, options);
}

}  // namespace crl::emu
