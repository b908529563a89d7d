#include "game/memory.h"

#include "storage/files.h"

namespace crl::game {

MemoryImage::MemoryImage() : wram_(0x8000, 0), hram_(0x7F, 0), cart_ram_(0x2000 * 16, 0xFF) {}

MemoryImage MemoryImage::from_files(const std::filesystem::path& wram,
                                    const std::filesystem::path& hram) {
    MemoryImage image;
    image.wram_ = storage::read_file_bytes(wram, "WRAM image");
    image.hram_ = storage::read_file_bytes(hram, "HRAM image");
    if (image.wram_.size() != 0x8000 || image.hram_.size() != 0x7F) {
        throw std::runtime_error("memory image '" + wram.string() +
                                 "': expected 32768 bytes of WRAM and 127 of HRAM, got " +
                                 std::to_string(image.wram_.size()) + " and " +
                                 std::to_string(image.hram_.size()));
    }
    return image;
}

std::uint8_t* MemoryImage::locate(int bank, std::uint16_t address) {
    if (address >= 0xC000 && address < 0xD000) return &wram_[address - 0xC000];
    if (address >= 0xD000 && address < 0xE000) {
        int wram_bank = bank < 0 ? selected_wram_bank_ : bank;
        if (wram_bank <= 0 || wram_bank > 7) wram_bank = 1;
        return &wram_[static_cast<std::size_t>(wram_bank) * 0x1000 + (address - 0xD000)];
    }
    if (address >= 0xE000 && address < 0xFE00)
        return locate(bank, static_cast<std::uint16_t>(address - 0x2000));
    if (address >= 0xFF80 && address < 0xFFFF) return &hram_[address - 0xFF80];
    if (address >= 0xA000 && address < 0xC000) {
        const int cart_bank = bank < 0 ? 0 : bank % 16;
        return &cart_ram_[static_cast<std::size_t>(cart_bank) * 0x2000 + (address - 0xA000)];
    }
    return nullptr;
}

std::uint8_t MemoryImage::read(int bank, std::uint16_t address) const {
    const auto* at = const_cast<MemoryImage*>(this)->locate(bank, address);
    return at ? *at : 0xFF;
}

void MemoryImage::write(int bank, std::uint16_t address, std::uint8_t value) {
    if (auto* at = locate(bank, address)) *at = value;
}

}  // namespace crl::game
