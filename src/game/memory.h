// game/memory.h — bank-qualified reads, the only way a profile sees a game's memory: from a
// running machine, or from an image (a snapshot file or bytes a test lays out).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "emu/machine.h"

namespace crl::game {

class Memory {
  public:
    virtual ~Memory() = default;
    // As emu::Machine::read: `bank` selects the WRAM bank for D000-DFFF (1-7), the cartridge
    // RAM bank for A000-BFFF; -1 means what the game has mapped now.
    virtual std::uint8_t read(int bank, std::uint16_t address) const = 0;
};

class MachineMemory final : public Memory {
  public:
    explicit MachineMemory(const emu::Machine& machine) : machine_(machine) {}
    std::uint8_t read(int bank, std::uint16_t address) const override {
        return machine_.read(bank, address);
    }

  private:
    const emu::Machine& machine_;
};

// Memory laid out as the hardware holds it; everything else reads 0xFF (an open bus).
class MemoryImage final : public Memory {
  public:
    MemoryImage();
    // wram.bin (32 KiB, bank n at n*0x1000) and hram.bin (FF80-FFFE) as the snapshot tools write.
    static MemoryImage from_files(const std::filesystem::path& wram,
                                  const std::filesystem::path& hram);

    std::uint8_t read(int bank, std::uint16_t address) const override;
    void write(int bank, std::uint16_t address, std::uint8_t value);
    // The WRAM bank mapped at D000-DFFF when bank = -1 (the game's SVBK).
    void select_wram_bank(int bank) { selected_wram_bank_ = bank; }

    std::vector<std::uint8_t>& wram() { return wram_; }
    std::vector<std::uint8_t>& hram() { return hram_; }

  private:
    std::uint8_t* locate(int bank, std::uint16_t address);
    std::vector<std::uint8_t> wram_;
    std::vector<std::uint8_t> hram_;
    std::vector<std::uint8_t> cart_ram_;
    int selected_wram_bank_ = 1;
};

}  // namespace crl::game
