// The mGBA implementation of Machine: the only C++ file that includes mGBA's headers.
#include <mgba/flags.h>  // first: it fixes the layout of struct mCore

#include <mgba-util/vfs.h>
#include <mgba/core/blip_buf.h>
#include <mgba/core/config.h>
#include <mgba/core/core.h>
#include <mgba/core/log.h>
#include <mgba/core/serialize.h>
#include <mgba/gb/core.h>
#include <zlib.h>

#include <algorithm>
#include <cstdarg>
#include <cstring>
#include <mutex>

#include "emu/machine.h"
#include "emu/mgba_board.h"
#include "emu/native/native_machine.h"
#include "emu/state_header.h"

namespace crl::emu {
namespace {

// mGBA's default logger is process-wide and prints to stdout; ours must stay quiet.
void install_quiet_logger() {
    static std::once_flag once;
    std::call_once(once, [] {
        static mLogger quiet{};
        quiet.log = [](mLogger*, int, mLogLevel, const char*, va_list) {};
        mLogSetDefaultLogger(&quiet);
    });
}

struct CoreDeleter {
    void operator()(mCore* core) const {
        mCoreConfigDeinit(&core->config);  // mCoreInitConfig's tables; deinit leaves them
        core->deinit(core);                // also frees the core
    }
};
struct VFileCloser {
    void operator()(VFile* file) const { file->close(file); }
};
using VFilePtr = std::unique_ptr<VFile, VFileCloser>;

// Our state file: a fixed header that names its ROM and guards the payload, then mGBA's state
// with cartridge RAM and the clock appended.
constexpr std::uint32_t kStateVersion = 1;
constexpr int kStateContents = SAVESTATE_SAVEDATA | SAVESTATE_RTC;

class MgbaMachine final : public Machine {
  public:
    MgbaMachine(const Rom& rom, const MachineOptions& options)
        : rom_(rom.bytes().begin(), rom.bytes().end()), header_(rom.header()), options_(options) {
        install_quiet_logger();
        core_.reset(GBCoreCreate());
        if (!core_ || !core_->init(core_.get())) {
            throw std::runtime_error("the mGBA core could not be created (out of memory?)");
        }
        // Settings come from us only: a user's mGBA config file must not change a run.
        mCoreInitConfig(core_.get(), nullptr);
        mCoreConfigSetIntValue(&core_->config, "sgb.borders", 0);
        mCoreLoadForeignConfig(core_.get(), &core_->config);
        core_->setVideoBuffer(core_.get(), video_.data(), kScreenWidth);

        // mGBA reads the ROM in place: rom_ lives as long as the core.
        VFile* file = VFileFromConstMemory(rom_.data(), rom_.size());
        if (!file || !core_->loadROM(core_.get(), file)) {
            if (file) file->close(file);
            throw RomError("ROM " + rom.source() + " was refused by the emulator core");
        }
        apply_clock();
        serial_ = crl_board_attach_serial(core_.get(), &MgbaMachine::on_serial_byte, this);
        reset();
    }

    ~MgbaMachine() override {
        if (serial_) crl_board_detach_serial(core_.get(), serial_);
    }

    MgbaMachine(const MgbaMachine&) = delete;
    MgbaMachine& operator=(const MgbaMachine&) = delete;

    const RomHeader& header() const override { return header_; }
    const MachineOptions& options() const override { return options_; }

    void reset() override {
        apply_clock();
        core_->reset(core_.get());
        crl_board_stop_audio_output(core_.get());
        serial_text_.clear();
    }

    void run_frames(int frames, Buttons buttons, Render render) override {
        core_->setKeys(core_.get(), buttons);
        for (int i = 0; i < frames; ++i) {
            const bool draw =
                render == Render::kAll || (render == Render::kLast && i == frames - 1);
            crl_board_draw_next_frame(core_.get(), draw);
            core_->runFrame(core_.get());
        }
    }

    std::uint64_t frame_count() const override { return core_->frameCounter(core_.get()); }

    void copy_frame_rgb(std::span<std::uint8_t, kFrameRgbBytes> out) const override {
        // mGBA's 32-bit pixels hold red in the lowest byte, then green, then blue.
        std::uint8_t* target = out.data();
        for (const std::uint32_t pixel : video_) {
            *target++ = static_cast<std::uint8_t>(pixel);
            *target++ = static_cast<std::uint8_t>(pixel >> 8);
            *target++ = static_cast<std::uint8_t>(pixel >> 16);
        }
    }

    std::uint8_t read(int bank, std::uint16_t address) const override {
        return static_cast<std::uint8_t>(
            core_->rawRead8(core_.get(), address, segment_for(bank, address)));
    }

    void write(int bank, std::uint16_t address, std::uint8_t value) override {
        core_->rawWrite8(core_.get(), address, segment_for(bank, address), value);
    }

    std::vector<std::uint8_t> read_region(Region region) const override {
        switch (region) {
            case Region::kWram:
                return memory_block("wram", 0);
            case Region::kHram:
                return memory_block("hram", 0);
            case Region::kCartRam:
                return memory_block("sram", 0);
            // mGBA reports one VRAM bank's size, but the block holds both banks on Color.
            case Region::kVram:
                return memory_block("vram", header_.supports_color() ? 0x4000 : 0x2000);
        }
        return {};
    }

    std::vector<std::uint8_t> save_state() const override {
        VFilePtr file(VFileMemChunk(nullptr, 0));
        if (!file || !mCoreSaveStateNamed(core_.get(), file.get(), kStateContents)) {
            throw std::runtime_error("the emulator could not save its state (out of memory?)");
        }
        const auto payload_bytes = static_cast<std::size_t>(file->size(file.get()));
        std::vector<std::uint8_t> state(sizeof(StateHeader) + payload_bytes);
        file->seek(file.get(), 0, SEEK_SET);
        file->read(file.get(), state.data() + sizeof(StateHeader), payload_bytes);

        StateHeader header{};
        set_state_magic(header, CoreKind::kMgba);
        header.version = kStateVersion;
        header.payload_bytes = static_cast<std::uint32_t>(payload_bytes);
        header.payload_checksum = static_cast<std::uint32_t>(
            crc32(0, state.data() + sizeof(StateHeader), static_cast<uInt>(payload_bytes)));
        write_state_header(header, header_, state);
        return state;
    }

    void load_state(std::span<const std::uint8_t> state) override {
        const auto payload = checked_payload(state);
        const auto backup = save_state();
        if (!restore_payload(payload)) {
            restore_payload(checked_payload(backup));
            throw StateError(
                "the emulator core rejected its contents (a state from another "
                "emulator version?); the game was left as it was");
        }
    }

    std::vector<std::uint8_t> battery_ram() const override {
        void* data = nullptr;
        const std::size_t size = core_->savedataClone(core_.get(), &data);
        std::vector<std::uint8_t> ram(static_cast<std::uint8_t*>(data),
                                      static_cast<std::uint8_t*>(data) + size);
        std::free(data);
        return ram;
    }

    void load_battery_ram(std::span<const std::uint8_t> ram) override {
        if (!core_->savedataRestore(core_.get(), ram.data(), ram.size(), true)) {
            throw std::runtime_error("the emulator refused " + std::to_string(ram.size()) +
                                     " bytes of battery RAM");
        }
    }

    std::string serial_output() const override { return serial_text_; }

    std::int64_t clock_now() const override {
        return static_cast<std::int64_t>(core_->rtc.d.unixTime(&core_->rtc.d));
    }

  private:
    static void on_serial_byte(void* self, std::uint8_t byte) {
        static_cast<MgbaMachine*>(self)->serial_text_ += static_cast<char>(byte);
    }

    void apply_clock() {
        if (options_.clock == Clock::kHost) {
            core_->rtc.override = RTC_NO_OVERRIDE;
        } else {
            // mGBA then reads the clock as start + frames * frame length: emulated time.
            core_->rtc.override = RTC_FAKE_EPOCH;
            core_->rtc.value = options_.rtc_start * 1000;
        }
    }

    static int segment_for(int bank, std::uint16_t address) {
        if (bank == 0 && address >= 0xD000 && address < 0xE000) return 1;  // as SVBK=0 does
        return bank;
    }

    // A copy of one of mGBA's memory blocks; `size` overrides the size mGBA reports.
    std::vector<std::uint8_t> memory_block(const char* name, std::size_t size) const {
        const mCoreMemoryBlock* blocks = nullptr;
        const std::size_t count = core_->listMemoryBlocks(core_.get(), &blocks);
        for (std::size_t i = 0; i < count; ++i) {
            if (std::strcmp(blocks[i].internalName, name) != 0) continue;
            std::size_t reported = 0;
            const auto* data = static_cast<const std::uint8_t*>(
                core_->getMemoryBlock(core_.get(), blocks[i].id, &reported));
            if (!data) return {};
            return {data, data + (size ? size : reported)};
        }
        return {};
    }

    std::span<const std::uint8_t> checked_payload(std::span<const std::uint8_t> state) const {
        const auto header = read_state_header(state);
        check_state_magic(header, CoreKind::kMgba);
        if (header.version != kStateVersion) {
            throw StateError("format version " + std::to_string(header.version) +
                             ", this build reads version " + std::to_string(kStateVersion));
        }
        const auto payload = state_payload(state, header, header_);
        const auto crc = crc32(0, payload.data(), static_cast<uInt>(payload.size()));
        if (crc != header.payload_checksum) {
            throw StateError("its checksum does not match: the file is corrupt");
        }
        return payload;
    }

    bool restore_payload(std::span<const std::uint8_t> payload) {
        VFilePtr file(VFileFromConstMemory(payload.data(), payload.size()));
        const bool loaded = file && mCoreLoadStateNamed(core_.get(), file.get(), kStateContents);
        crl_board_stop_audio_output(core_.get());
        return loaded;
    }

    std::vector<std::uint8_t> rom_;
    RomHeader header_;
    MachineOptions options_;
    std::array<std::uint32_t, kScreenWidth * kScreenHeight> video_{};
    std::unique_ptr<mCore, CoreDeleter> core_;
    crl_serial_listener* serial_ = nullptr;
    std::string serial_text_;
};

}  // namespace

std::unique_ptr<Machine> make_mgba_machine(const Rom& rom, const MachineOptions& options) {
    return std::make_unique<MgbaMachine>(rom, options);
}

}  // namespace crl::emu
