// The memory map: page tables for plain memory, the slow path for I/O, cartridge controllers
// (MBC1/2/3/5 and the MBC3 clock), OAM DMA and Color VRAM DMA.
#include <ctime>

#include "emu/native/core.h"

namespace crl::emu::native {

namespace {
// Bits that read as 1 whatever was written (as mGBA masks them).
constexpr std::array<std::uint8_t, 0x80> make_read_masks() {
    std::array<std::uint8_t, 0x80> masks{};
    masks[0x02] = 0x7E, masks[0x0F] = 0xE0, masks[0x07] = 0xF8, masks[0x41] = 0x80;
    masks[0x4D] = 0x7E, masks[0x4F] = 0xFE, masks[0x68] = 0x40, masks[0x6A] = 0x40;
    masks[0x6C] = 0xFE, masks[0x70] = 0xF8, masks[0x75] = 0x8F;
    return masks;
}
constexpr auto kReadMasks = make_read_masks();

// Registers that read back at all (mGBA's list); the others read 0xFF.
constexpr std::array<bool, 0x80> make_readable() {
    std::array<bool, 0x80> readable{};
    for (const int reg : {0x01, 0x02, 0x04, 0x05, 0x06, 0x07, 0x0F, 0x40, 0x41, 0x42, 0x43, 0x44,
                          0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4D, 0x4F, 0x51, 0x52, 0x53,
                          0x54, 0x55, 0x68, 0x69, 0x6A, 0x6B, 0x70, 0x72, 0x73, 0x75}) {
        readable[reg] = true;
    }
    return readable;
}
constexpr auto kReadable = make_readable();

// The bus each 8 KiB region sits on, for what OAM DMA blocks (0 = never blocked).
int dma_bus(std::uint16_t address, bool color) {
    const int region = address >> 13;
    if (region == 4) return 2;           // VRAM
    if (region == 7) return 0;           // OAM, I/O, HRAM
    if (region == 6 && color) return 3;  // Color WRAM has a bus of its own
    return 1;                            // cartridge (and DMG WRAM)
}
}  // namespace

std::int64_t Core::clock_seconds() const {
    if (host_clock_) return static_cast<std::int64_t>(std::time(nullptr));
    // mGBA's fake epoch: the start plus whole frames of emulated time, in milliseconds.
    const std::int64_t ms =
        s_.rtc_start * 1000 + static_cast<std::int64_t>(s_.frame_counter) * 70224 * 1000 / 4194304;
    return ms / 1000;
}

void Core::remap() {
    const std::uint8_t* rom = rom_.data();
    const std::size_t rom_size = rom_.size();
    auto rom_page = [&](std::size_t offset) -> const std::uint8_t* {
        return offset + 0x1000 <= rom_size ? rom + offset : nullptr;
    };
    std::size_t bank0 = 0;
    if (mbc_ == Mbc::kMbc1 && s_.mbc1_mode && rom_banks_ > 32) {
        bank0 = static_cast<std::size_t>((s_.ram_bank & 3) << 5) % rom_banks_ * 0x4000;
    }
    const bool dma = s_.oam_dma_remaining > 0;
    for (int page = 0; page < 4; ++page) {
        set_page(read_page_, page, dma ? nullptr : rom_page(bank0 + page * 0x1000));
        set_page(write_page_, page, nullptr);
        set_page(write_page_, page + 4, nullptr);
    }
    remap_rom_bank();
    remap_vram();
    remap_cart_ram();

    set_page(read_page_, 0xC, dma ? nullptr : s_.wram.data());
    set_page(read_page_, 0xE, dma ? nullptr : s_.wram.data());
    set_page(write_page_, 0xC, s_.wram.data());
    set_page(write_page_, 0xE, s_.wram.data());
    remap_wram_bank();
    set_page(read_page_, 0xF, nullptr);
    set_page(write_page_, 0xF, nullptr);
}

// D000-DFFF, the switchable WRAM bank (its mirror at F000 shares a page with OAM and I/O: the
// slow path).
void Core::remap_wram_bank() {
    std::uint8_t* wram1 = s_.wram.data() + (s_.cgb_mode ? s_.wram_bank : 1) * 0x1000;
    set_page(read_page_, 0xD, s_.oam_dma_remaining > 0 ? nullptr : wram1);
    set_page(write_page_, 0xD, wram1);
}

// 4000-7FFF, the switchable ROM bank (closed to reads during OAM DMA, as all but HRAM and I/O).
// Crystal switches banks ~7 times a frame: the four pages of a whole bank share one base.
void Core::remap_rom_bank() {
    const int bank = s_.rom_bank < rom_banks_ ? s_.rom_bank : s_.rom_bank % rom_banks_;
    const std::size_t bank1 = static_cast<std::size_t>(bank) * 0x4000;
    const bool dma = s_.oam_dma_remaining > 0;
    if (!dma && bank1 + 0x4000 <= rom_.size()) [[likely]] {
        const std::uintptr_t base = reinterpret_cast<std::uintptr_t>(rom_.data() + bank1) - 0x4000;
        read_page_[4] = read_page_[5] = read_page_[6] = read_page_[7] = base;
        return;
    }
    for (int page = 4; page < 8; ++page) {  // a ROM whose size is no whole number of banks
        const std::size_t offset = bank1 + (page - 4) * 0x1000;
        set_page(read_page_, page,
                 !dma && offset + 0x1000 <= rom_.size() ? rom_.data() + offset : nullptr);
    }
}

// A000-BFFF: cartridge RAM, or the slow path for the MBC3 clock, MBC2's nibbles and disabled
// RAM.
void Core::remap_cart_ram() {
    std::uint8_t* cart = nullptr;
    if (s_.ram_enabled && !s_.rtc_select && mbc_ != Mbc::kMbc2 && cart_ram_.size() >= 0x2000) {
        const std::size_t banks = cart_ram_.size() / 0x2000;
        cart = cart_ram_.data() + (s_.ram_bank % banks) * 0x2000;
    }
    const bool dma = s_.oam_dma_remaining > 0;
    set_page(read_page_, 0xA, dma ? nullptr : cart);
    set_page(read_page_, 0xB, cart && !dma ? cart + 0x1000 : nullptr);
    set_page(write_page_, 0xA, cart);
    set_page(write_page_, 0xB, cart ? cart + 0x1000 : nullptr);
}

// VRAM is closed to the CPU in mode 3 (and to reads during OAM DMA): the only pages the PPU's
// mode changes move. The page tables open it only while no mode 3 can begin unseen and no line
// is drawn: in V-Blank or with the screen off; otherwise the slow path brings the PPU up to date
// and looks at the mode.
void Core::remap_vram() {
    std::uint8_t* vram = s_.vram.data() + s_.vram_bank * 0x2000;
    const bool open = s_.mode == 1 || !(s_.io[0x40] & 0x80);
    const bool read_open = open && s_.oam_dma_remaining == 0;
    set_page(read_page_, 8, read_open ? vram : nullptr);
    set_page(read_page_, 9, read_open ? vram + 0x1000 : nullptr);
    set_page(write_page_, 8, open ? vram : nullptr);
    set_page(write_page_, 9, open ? vram + 0x1000 : nullptr);
}

std::uint8_t Core::read_slow(std::uint16_t address) {
    video_advance(s_.now);
    if (s_.oam_dma_remaining > 0) {
        const int bus = dma_bus(s_.oam_dma_source, color_);
        if ((bus && bus == dma_bus(address, color_)) || (address >= 0xFE00 && address < 0xFF00)) {
            return 0xFF;
        }
    }
    if (address == 0xFF00) update_joypad();  // only the CPU's read latches the buttons
    return peek(address);
}

std::uint8_t Core::peek(std::uint16_t address) const {
    const std::uint8_t* page = nullptr;
    switch (address >> 12) {
        case 0x0:
        case 0x1:
        case 0x2:
        case 0x3:
        case 0x4:
        case 0x5:
        case 0x6:
        case 0x7: {
            std::size_t offset = address;
            if (address >= 0x4000) {
                offset = static_cast<std::size_t>(s_.rom_bank % rom_banks_) * 0x4000 +
                         (address & 0x3FFF);
            } else if (mbc_ == Mbc::kMbc1 && s_.mbc1_mode && rom_banks_ > 32) {
                offset = static_cast<std::size_t>((s_.ram_bank & 3) << 5) % rom_banks_ * 0x4000 +
                         address;
            }
            return offset < rom_.size() ? rom_[offset] : 0xFF;
        }
        case 0x8:
        case 0x9:
            if (s_.mode == 3) return 0xFF;
            return s_.vram[s_.vram_bank * 0x2000 + (address & 0x1FFF)];
        case 0xA:
        case 0xB:
            return read_cart_ram(address);
        case 0xC:
        case 0xE:
            return s_.wram[address & 0xFFF];
        case 0xD:
            page = s_.wram.data() + (s_.cgb_mode ? s_.wram_bank : 1) * 0x1000;
            return page[address & 0xFFF];
        default:
            break;
    }
    if (address < 0xFE00)
        return s_.wram[(s_.cgb_mode ? s_.wram_bank : 1) * 0x1000 + (address & 0xFFF)];
    if (address < 0xFEA0) return s_.mode < 2 ? s_.oam[address & 0xFF] : 0xFF;
    if (address < 0xFF00) return 0xFF;
    if (address == 0xFFFF) return s_.hram[0x7F];
    if (address >= 0xFF80) return s_.hram[address & 0x7F];
    return read_io(static_cast<std::uint8_t>(address));
}

// The joypad register as the CPU reads it: the selected lines, low while pressed.
std::uint8_t Core::joypad_value() const {
    const std::uint8_t select = s_.io[0x00] & 0x30;
    std::uint8_t keys = 0;
    if (!(select & 0x10)) keys |= s_.buttons >> 4;
    if (!(select & 0x20)) keys |= s_.buttons & 0x0F;
    return static_cast<std::uint8_t>(0xC0 | select | (~keys & 0x0F));
}

// As mGBA: the register keeps what the CPU last read; a line going low requests the joypad
// interrupt. Only CPU reads and selects do this, never peek().
void Core::update_joypad() {
    const std::uint8_t value = joypad_value();
    if (s_.io[0x00] & ~value & 0x0F) s_.io[0x0F] |= 0x10;
    s_.io[0x00] = value;
}

std::uint8_t Core::read_io(std::uint8_t reg) const {
    switch (reg) {
        case 0x00:
            return joypad_value();
        case 0x04:
            if (s_.now < s_.div_hold_until) return s_.div_hold_value;
            return static_cast<std::uint8_t>(system_counter() >> 8);
        case 0x05:
            return static_cast<std::uint8_t>(s_.io[0x05] + tima_increments(s_.now));
        case 0x41:
            return static_cast<std::uint8_t>(0x80 | s_.stat);
        case 0x69:
            return color_ ? s_.bg_palette[s_.io[0x68] & 0x3F] : 0xFF;
        case 0x6B:
            return color_ ? s_.obj_palette[s_.io[0x6A] & 0x3F] : 0xFF;
        default:
            break;
    }
    if (reg >= 0x10 && reg < 0x40) return read_sound(reg);
    if (!kReadable[reg]) return 0xFF;
    return static_cast<std::uint8_t>(s_.io[reg] | kReadMasks[reg]);
}

void Core::write_slow(std::uint16_t address, std::uint8_t value) {
    video_advance(s_.now);
    if (address < 0x8000) {
        write_cart(address, value);
    } else if (address < 0xA000) {
        if (s_.mode != 3) s_.vram[s_.vram_bank * 0x2000 + (address & 0x1FFF)] = value;
    } else if (address < 0xC000) {
        write_cart_ram(address, value);
    } else if (address < 0xFE00) {
        poke(address, value);
    } else if (address < 0xFEA0) {
        if (s_.mode < 2 && s_.oam_dma_remaining == 0) {
            s_.oam[address & 0xFF] = value;
            objects_changed();
        }
    } else if (address >= 0xFF80) {
        if (address == 0xFFFF) {
            s_.hram[0x7F] = value;
        } else {
            s_.hram[address & 0x7F] = value;
        }
    } else if (address >= 0xFF00) {
        write_io(static_cast<std::uint8_t>(address), value);
    }
}

void Core::poke(std::uint16_t address, std::uint8_t value) {
    if (address >= 0xC000 && address < 0xFE00) {
        const bool bank0 = (address & 0x1000) == 0;
        const int bank = bank0 ? 0 : (s_.cgb_mode ? s_.wram_bank : 1);
        s_.wram[bank * 0x1000 + (address & 0xFFF)] = value;
    } else if (address >= 0x8000 && address < 0xA000) {
        s_.vram[s_.vram_bank * 0x2000 + (address & 0x1FFF)] = value;
    } else if (address >= 0xA000 && address < 0xC000) {
        if (!cart_ram_.empty()) {
            const std::size_t offset =
                (static_cast<std::size_t>(s_.ram_bank) * 0x2000 + (address & 0x1FFF)) %
                cart_ram_.size();
            cart_ram_[offset] = value;
        }
    } else if (address >= 0xFE00 && address < 0xFEA0) {
        s_.oam[address & 0xFF] = value;
        objects_changed();
    } else if (address >= 0xFF80) {
        s_.hram[address & 0x7F] = value;
    } else if (address >= 0xFF00) {
        s_.io[address & 0x7F] = value;
    }
}

void Core::write_io(std::uint8_t reg, std::uint8_t value) {
    if (reg >= 0x10 && reg < 0x40) {
        write_sound(reg, value);
        return;
    }
    // LCDC, SCY, SCX, BGP, OBP0/1, WY, WX: mGBA draws the line so far before these change.
    if (reg >= 0x40 && reg <= 0x4B && reg != 0x41 && (reg < 0x44 || reg > 0x46)) draw_line_so_far();
    switch (reg) {
        case 0x00:
            s_.io[0x00] = static_cast<std::uint8_t>(value | 0x0F);
            update_joypad();
            return;
        case 0x01:
            s_.io[0x01] = value;
            return;
        case 0x02:
            s_.io[0x02] = value;
            if ((value & 0x81) == 0x81) {
                serial_text_ += static_cast<char>(s_.io[0x01]);
                s_.serial_bits = 8;
                const int period = (value & 2) && color_ ? 16 : 512;
                schedule(kSerialEvent, s_.now + period * (s_.double_speed ? 1 : 2));
            }
            return;
        case 0x04:
            write_div();
            return;
        case 0x05:
            tima_settle(s_.now);
            if (value && s_.events[kTimerIrqEvent] != kNever &&
                s_.events[kTimerIrqEvent] - s_.now > 2) {
                s_.events[kTimerIrqEvent] = kNever;
                recompute_next_event();
            }
            s_.io[0x05] = value;
            schedule_tima_overflow();
            return;
        case 0x07:
            write_tac(value);
            return;
        case 0x0F:
            s_.io[0x0F] = value | 0xE0;
            return;
        case 0x40:
            write_lcdc(value);
            return;
        case 0x41:
            write_stat(value);
            return;
        case 0x44:
            return;
        case 0x45:
            write_lyc(value);
            return;
        case 0x46:
            s_.io[0x46] = value;
            s_.oam_dma_source = static_cast<std::uint16_t>(value << 8);
            if (s_.oam_dma_source >= 0xE000) s_.oam_dma_source &= 0xDFFF;
            s_.oam_dma_remaining = 0xA0;
            schedule(kOamDmaEvent, s_.now + 2 * ticks_per_mcycle());
            remap();
            return;
        case 0x4D:
            if (color_) s_.io[0x4D] = static_cast<std::uint8_t>((s_.io[0x4D] & 0x80) | (value & 1));
            return;
        case 0x4F:
            if (!color_) return;
            s_.vram_bank = value & 1;
            s_.io[0x4F] = value;
            remap_vram();
            return;
        case 0x43:
            s_.io[0x43] = value;
            video_reschedule();  // SCX's fine scroll lengthens mode 3
            return;
        case 0x55:
            if (color_) start_hdma(value);
            video_reschedule();
            return;
        case 0x69:
        case 0x6B:
            if (color_) write_palette_data(reg == 0x6B, value);
            return;
        case 0x70:
            if (!color_) return;
            s_.io[0x70] = value;
            s_.wram_bank = (value & 7) ? (value & 7) : 1;
            remap_wram_bank();
            return;
        default:
            s_.io[reg] = value;
            return;
    }
}

void Core::write_cart(std::uint16_t address, std::uint8_t value) {
    switch (mbc_) {
        case Mbc::kNone:
            return;
        case Mbc::kMbc1:
            if (address < 0x2000) {
                s_.ram_enabled = (value & 0xF) == 0xA;
            } else if (address < 0x4000) {
                const int low = (value & 0x1F) ? (value & 0x1F) : 1;
                s_.rom_bank = static_cast<std::uint16_t>((s_.rom_bank & 0x60) | low);
            } else if (address < 0x6000) {
                s_.ram_bank = value & 3;
                s_.rom_bank = static_cast<std::uint16_t>((s_.rom_bank & 0x1F) | (value & 3) << 5);
            } else {
                s_.mbc1_mode = value & 1;
            }
            break;
        case Mbc::kMbc2:
            if (address >= 0x4000) return;
            if (address & 0x100) {
                s_.rom_bank = (value & 0xF) ? (value & 0xF) : 1;
            } else {
                s_.ram_enabled = (value & 0xF) == 0xA;
            }
            break;
        case Mbc::kMbc3:
            // Games write to the controller several times a frame (Crystal: ROM banks, and the
            // clock latched, RAM opened and closed): only the pages a write moves are remapped.
            if (address < 0x2000) {
                // As mGBA: 0 disables, A enables, anything else leaves it.
                if ((value & 0xF) == 0xA) s_.ram_enabled = true;
                if ((value & 0xF) == 0) s_.ram_enabled = false;
                remap_cart_ram();
            } else if (address < 0x4000) {
                const int bank = rom_banks_ < 0x80 ? (value & 0x7F) : value;  // MBC30: 8 bits
                s_.rom_bank = static_cast<std::uint16_t>(bank ? bank : 1);
                remap_rom_bank();
            } else if (address < 0x6000) {
                if ((value & 0xF) < 8) {
                    s_.ram_bank = value & 7;
                    s_.rtc_select = 0;
                } else if ((value & 0xF) <= 0xC && has_rtc_) {
                    s_.rtc_select = value & 0xF;
                }
                remap_cart_ram();
            } else if (has_rtc_) {
                if (s_.rtc_latched && value == 0) {
                    s_.rtc_latched = false;
                } else if (!s_.rtc_latched && value == 1) {
                    latch_rtc();
                    s_.rtc_latched = true;
                }
            }
            return;
        case Mbc::kMbc5:
            if (address < 0x2000) {
                s_.ram_enabled = (value & 0xF) == 0xA;
                remap_cart_ram();
            } else if (address < 0x3000) {
                s_.rom_bank = static_cast<std::uint16_t>((s_.rom_bank & 0x100) | value);
                remap_rom_bank();
            } else if (address < 0x4000) {
                s_.rom_bank = static_cast<std::uint16_t>((s_.rom_bank & 0xFF) | (value & 1) << 8);
                remap_rom_bank();
            } else if (address < 0x6000) {
                s_.ram_bank = value & 0xF;
                remap_cart_ram();
            }
            return;
    }
    remap();  // MBC1's mode and MBC2 move more than one region
}

std::uint8_t Core::read_cart_ram(std::uint16_t address) const {
    if (!s_.ram_enabled) return 0xFF;
    if (s_.rtc_select) return s_.rtc[s_.rtc_select - 8];
    if (cart_ram_.empty()) return 0xFF;
    if (mbc_ == Mbc::kMbc2) return static_cast<std::uint8_t>(cart_ram_[address & 0x1FF] | 0xF0);
    const std::size_t offset =
        (static_cast<std::size_t>(s_.ram_bank) * 0x2000 + (address & 0x1FFF)) % cart_ram_.size();
    return cart_ram_[offset];
}

void Core::write_cart_ram(std::uint16_t address, std::uint8_t value) {
    if (!s_.ram_enabled) return;
    if (s_.rtc_select) {
        s_.rtc[s_.rtc_select - 8] = value;
        return;
    }
    if (cart_ram_.empty()) return;
    if (mbc_ == Mbc::kMbc2) {
        cart_ram_[address & 0x1FF] = value & 0x0F;
        return;
    }
    const std::size_t offset =
        (static_cast<std::size_t>(s_.ram_bank) * 0x2000 + (address & 0x1FFF)) % cart_ram_.size();
    cart_ram_[offset] = value;
}

// The clock's registers move on by the seconds since the previous latch (as mGBA does).
void Core::latch_rtc() {
    const std::int64_t now = clock_seconds();
    std::int64_t t = now - s_.rtc_last_latch;
    s_.rtc_last_latch = now;
    auto carry = [&t](std::uint8_t& reg, int modulo) {
        std::int64_t sum = reg + t % modulo;
        if (sum < 0) sum += modulo, t -= modulo;
        reg = static_cast<std::uint8_t>(sum % modulo);
        t = t / modulo + sum / modulo;
    };
    carry(s_.rtc[0], 60);
    carry(s_.rtc[1], 60);
    carry(s_.rtc[2], 24);
    const std::int64_t days = s_.rtc[3] + ((s_.rtc[4] & 1) << 8) + (t & 0x1FF);
    s_.rtc[3] = static_cast<std::uint8_t>(days);
    s_.rtc[4] = static_cast<std::uint8_t>((s_.rtc[4] & 0xFE) | ((days >> 8) & 1));
    if (days & 0x200) s_.rtc[4] |= 0x80;
}

void Core::oam_dma_step() {
    const int index = 0xA0 - s_.oam_dma_remaining;
    const int remaining = s_.oam_dma_remaining;
    s_.oam_dma_remaining = 0;  // the DMA itself reads past its own block
    s_.oam[index] = peek(static_cast<std::uint16_t>(s_.oam_dma_source + index));
    objects_changed();
    s_.oam_dma_remaining = remaining - 1;
    if (s_.oam_dma_remaining == 0) remap();
}

void Core::start_hdma(std::uint8_t value) {
    // As mGBA: every write reloads the addresses; a VRAM source is refused.
    s_.hdma_source = static_cast<std::uint16_t>((s_.io[0x51] << 8 | s_.io[0x52]) & 0xFFF0);
    if (s_.hdma_source >= 0x8000 && s_.hdma_source < 0xA000) {
        s_.io[0x55] = value | 0x80;
        return;
    }
    s_.hdma_dest = static_cast<std::uint16_t>(0x8000 | ((s_.io[0x53] << 8 | s_.io[0x54]) & 0x1FF0));
    const bool was_hdma = s_.hdma_active;
    s_.hdma_active = value & 0x80;
    if ((!was_hdma && !s_.hdma_active) || s_.mode == 0) {
        s_.hdma_remaining = s_.hdma_active ? 0x10 : ((value & 0x7F) + 1) * 0x10;
        s_.hdma_block_start = s_.now + ticks_per_mcycle() / 4;
        schedule(kHdmaEvent, s_.hdma_block_start);
    }
    s_.io[0x55] = value & 0x7F;
}

void Core::hdma_step() {
    const std::uint8_t byte = peek(s_.hdma_source);
    if (s_.mode != 3) s_.vram[s_.vram_bank * 0x2000 + (s_.hdma_dest & 0x1FFF)] = byte;
    ++s_.hdma_source;
    s_.hdma_dest = static_cast<std::uint16_t>(0x8000 | ((s_.hdma_dest + 1) & 0x1FFF));
    if (--s_.hdma_remaining > 0) return;
    s_.io[0x51] = static_cast<std::uint8_t>(s_.hdma_source >> 8);
    s_.io[0x52] = static_cast<std::uint8_t>(s_.hdma_source);
    s_.io[0x53] = static_cast<std::uint8_t>(s_.hdma_dest >> 8);
    s_.io[0x54] = static_cast<std::uint8_t>(s_.hdma_dest);
    if (s_.hdma_active) {
        if (--s_.io[0x55] == 0xFF) s_.hdma_active = false;
    } else {
        s_.io[0x55] = 0xFF;
    }
}

}  // namespace crl::emu::native
