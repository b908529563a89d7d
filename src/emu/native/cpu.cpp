// The SM83 interpreter: one switch over the opcode, memory through the page tables, hardware
// events run only when the clock reaches the next one (at each memory access, as on the bus).
#include <bit>
#include <cstddef>
#include <cstring>

#include "emu/native/core.h"

namespace crl::emu::native {

namespace {
static_assert(std::endian::native == std::endian::little, "16-bit operands are read as one load");
constexpr std::uint8_t kZ = 0x80, kN = 0x40, kH = 0x20, kC = 0x10;
}  // namespace

// The CPU's view of one Core while it runs. The clock and the next event's time are copies held
// here (in registers, as long as no call outside sees this object), written back to the state
// (save) before any code that reads them there and read again (load) after any that may move them.
struct Cpu {
    Core& m;
    State& s;
    std::int64_t now;   // s.now while the CPU runs
    std::int64_t next;  // m.next_event_
    std::int64_t mc;    // ticks per M-cycle at the current speed
    // Before next, or at once when the next instruction boundary has more to do than fetch.
    std::int64_t attention;
    // Whether bus accesses look for events falling due: not for the instructions the frame loop
    // runs far enough from the next event (see kUncheckedMcycles). Only ever set to a constant
    // just before an inlined execute, so each copy of it is compiled for one value.
    bool checked = true;

    // Between two instructions the frame loop looks at one number: events may fall due within the
    // next instruction, the frame ended, the CPU sleeps, the HALT bug repeats a byte or an
    // interrupt is taken. All but the first change only on the slow paths, which end in load()
    // or refresh().
    static constexpr std::int64_t kAttention = std::numeric_limits<std::int64_t>::min();
    // An instruction fetched this many M-cycles or more before the next event cannot reach it
    // with its own bus accesses (CALL's last push begins 5 M-cycles after the fetch), so these
    // need not look: a compare less per access on nearly every instruction. Only a slow access
    // can bring an event closer (a write to I/O or OAM), and slow accesses still look first;
    // within one instruction no plain access follows such a write (the bytes around I/O and OAM
    // are slow too, but for HRAM after FF7F, which is no register and schedules nothing).
    static constexpr int kUncheckedMcycles = 5;

    explicit Cpu(Core& core) : m(core), s(core.s_), mc(core.ticks_per_mcycle()) { load(); }
    // A T-cycle in ticks (mc is positive: a shift, not a signed division).
    std::int64_t tcycle() const { return mc >> 2; }
    [[gnu::always_inline]] void save() { s.now = now; }
    // (mc is not reloaded: only STOP changes the speed, and it does so itself.)
    [[gnu::always_inline]] void load() {
        now = s.now;
        refresh();
    }
    [[gnu::always_inline]] void refresh() {
        next = m.next_event_;
        const bool wanted =
            s.frame_done || s.halted || s.halt_bug || (s.ime && (s.hram[0x7F] & s.io[0x0F] & 0x1F));
        attention = wanted ? kAttention : next - kUncheckedMcycles * mc;
    }

    // The one check on the fast path: a compare of the clock with the next event's time.
    [[gnu::always_inline]] void sync() {
        if (checked && now >= next) [[unlikely]]
            catch_up(now);
    }
    // Before a slow access when the instruction runs unchecked.
    [[gnu::always_inline]] void sync_unchecked() {
        if (!checked && now >= next) [[unlikely]]
            catch_up(now);
    }
    [[gnu::always_inline]] void sync_until(std::int64_t until) {
        if (until >= next) catch_up(until);
    }
    // Runs the hardware events due by `until` (the bus access at now sees all up to it).
    [[gnu::always_inline]] void catch_up(std::int64_t until) {
        save();
        m.cpu_catch_up(until);
        load();
    }
    // Game Boy addresses travel as host words below 0x10000: the page index and the host address
    // are then taken from the register as it is, with no zero-extension of a 16-bit value first
    // (GCC re-extends those at every use: two host instructions per access). Whoever adds or
    // subtracts masks the result (wrap), or stores it into a 16-bit register of the state.
    using Address = std::size_t;
    static Address wrap(Address address) { return address & 0xFFFF; }

    [[gnu::always_inline]] std::uint8_t read(Address address) {
        sync();
        const std::uintptr_t page = m.read_page_[address >> 12];
        const std::uint8_t value =
            page ? *reinterpret_cast<const std::uint8_t*>(page + address) : read_unmapped(address);
        now += mc;
        return value;
    }
    [[gnu::always_inline]] void write(Address address, std::uint8_t value) {
        sync();
        const std::uintptr_t page = m.write_page_[address >> 12];
        if (page) [[likely]] {
            *reinterpret_cast<std::uint8_t*>(page + address) = value;
        } else {
            write_unmapped(address, value);
        }
        now += mc;
    }
    // FF00-FFFF (LDH) is never in the page tables (I/O shares HRAM's page): no lookup.
    [[gnu::always_inline]] std::uint8_t read_high(std::uint8_t low) {
        sync();
        const std::uint8_t value = low & 0x80 ? s.hram[low & 0x7F] : read_unmapped(0xFF00u | low);
        now += mc;
        return value;
    }
    [[gnu::always_inline]] void write_high(std::uint8_t low, std::uint8_t value) {
        sync();
        if (low & 0x80 && low != 0xFF) {
            s.hram[low & 0x7F] = value;
        } else {
            write_unmapped(0xFF00u | low, value);
        }
        now += mc;
    }
    [[gnu::always_inline]] std::uint8_t read_unmapped(Address address) {
        if (address >= 0xFF80) return s.hram[address & 0x7F];  // HRAM and IE: never blocked by DMA
        sync_unchecked();
        save();
        const std::uint8_t value = m.read_slow(static_cast<std::uint16_t>(address));
        refresh();  // the joypad's interrupt
        return value;
    }
    [[gnu::always_inline]] void write_unmapped(Address address, std::uint8_t value) {
        if (address >= 0xFF80 && address != 0xFFFF) {  // HRAM (IE needs a refresh)
            s.hram[address & 0x7F] = value;
        } else {
            sync_unchecked();
            save();
            m.write_slow(static_cast<std::uint16_t>(address), value);
            load();
        }
    }
    [[gnu::always_inline]] void idle() { now += mc; }
    [[gnu::always_inline]] std::uint8_t imm() {
        const Address pc = s.pc;
        const std::uint8_t value = read(pc);
        s.pc = static_cast<std::uint16_t>(pc + 1);
        return value;
    }
    // PC moves once for both bytes: nothing outside the CPU looks at it within an instruction.
    [[gnu::always_inline]] Address imm16() {
        const Address pc = s.pc;
        const Address value = read16(pc);
        s.pc = static_cast<std::uint16_t>(pc + 2);
        return value;
    }
    // Whether address + 1 is in address's page (so in its page table entry).
    static bool pair_in_page(Address address) { return (address & 0xFFF) != 0xFFF; }
    template <typename T>
    static T* host(std::uintptr_t page, Address address) {
        return reinterpret_cast<T*>(page + address);
    }
    // The two bytes of a 16-bit operand (immediate, POP) as the bus reads them, low one first.
    // Unchecked and in one page of plain memory (nearly always), that is one page lookup and one
    // host load (the SM83 is little-endian, as the hosts we build for).
    [[gnu::always_inline]] Address read16(Address address) {
        if (!checked) {
            const std::uintptr_t page = m.read_page_[address >> 12];
            if (page && pair_in_page(address)) [[likely]] {
                std::uint16_t value;
                std::memcpy(&value, host<const void>(page, address), 2);
                now += 2 * mc;
                return value;
            }
        }
        const std::uint8_t lo = read(address);
        return lo | Address{read(wrap(address + 1))} << 8;
    }

    Address bc() const { return Address{s.b} << 8 | s.c; }
    Address de() const { return Address{s.d} << 8 | s.e; }
    Address hl() const { return Address{s.h} << 8 | s.l; }
    void set_hl(std::uint16_t v) {
        s.h = static_cast<std::uint8_t>(v >> 8);
        s.l = static_cast<std::uint8_t>(v);
    }
    // rr as numbered in opcodes 0x01/0x11/0x21/0x31 (SP) or 0xC1.. (AF)
    [[gnu::always_inline]] std::uint16_t pair(int index, bool af) const {
        switch (index) {
            case 0:
                return bc();
            case 1:
                return de();
            case 2:
                return hl();
            default:
                return af ? static_cast<std::uint16_t>(s.a << 8 | s.f) : s.sp;
        }
    }
    [[gnu::always_inline]] void set_pair(int index, std::uint16_t v, bool af) {
        const auto hi = static_cast<std::uint8_t>(v >> 8), lo = static_cast<std::uint8_t>(v);
        switch (index) {
            case 0:
                s.b = hi, s.c = lo;
                break;
            case 1:
                s.d = hi, s.e = lo;
                break;
            case 2:
                s.h = hi, s.l = lo;
                break;
            default:
                if (af) {
                    s.a = hi, s.f = lo & 0xF0;
                } else {
                    s.sp = v;
                }
        }
    }
    // B, C, D, E, H, L, (HL), A as opcodes number them, found by a table load rather than a
    // jump through a table of cases per operand.
    static constexpr std::array<std::uint8_t, 8> kRegOffset = {
        offsetof(State, b), offsetof(State, c), offsetof(State, d), offsetof(State, e),
        offsetof(State, h), offsetof(State, l), offsetof(State, a), offsetof(State, a)};
    [[gnu::always_inline]] std::uint8_t& reg(int index) {
        return reinterpret_cast<std::uint8_t*>(&s)[kRegOffset[index]];
    }
    [[gnu::always_inline]] std::uint8_t get(int index) {
        return index == 6 ? read(hl()) : reg(index);
    }
    [[gnu::always_inline]] void put(int index, std::uint8_t v) {
        if (index == 6) {
            write(hl(), v);
        } else {
            reg(index) = v;
        }
    }
    [[gnu::always_inline]] void jr(bool taken) {
        const auto offset = static_cast<std::int8_t>(imm());
        if (taken) {
            s.pc = static_cast<std::uint16_t>(s.pc + offset);
            idle();
        }
    }
    [[gnu::always_inline]] void jp(bool taken) {
        const std::uint16_t target = imm16();
        if (taken) {
            s.pc = target;
            idle();
        }
    }
    [[gnu::always_inline]] void call(bool taken) {
        const std::uint16_t target = imm16();
        if (taken) {
            idle();
            push(s.pc);
            s.pc = target;
        }
    }
    [[gnu::always_inline]] void ret(bool taken) {
        idle();
        if (taken) {
            s.pc = pop();
            idle();
        }
    }

    [[gnu::always_inline]] void alu(int op, std::uint8_t v) {
        const unsigned a = s.a;
        const unsigned carry = (s.f & kC) ? 1 : 0;
        unsigned r = 0;
        switch (op) {
            case 0:  // ADD
            case 1:  // ADC
            {
                const unsigned cin = op == 1 ? carry : 0;
                r = a + v + cin;
                s.f = static_cast<std::uint8_t>(((r & 0xFF) ? 0 : kZ) |
                                                (((a & 0xF) + (v & 0xF) + cin) > 0xF ? kH : 0) |
                                                (r > 0xFF ? kC : 0));
                s.a = static_cast<std::uint8_t>(r);
                return;
            }
            case 2:  // SUB
            case 3:  // SBC
            case 7:  // CP
            {
                const unsigned cin = op == 3 ? carry : 0;
                r = a - v - cin;
                s.f = static_cast<std::uint8_t>(((r & 0xFF) ? 0 : kZ) | kN |
                                                ((a & 0xF) < (v & 0xF) + cin ? kH : 0) |
                                                (a < v + cin ? kC : 0));
                if (op != 7) s.a = static_cast<std::uint8_t>(r);
                return;
            }
            case 4:
                s.a = static_cast<std::uint8_t>(a & v);
                s.f = static_cast<std::uint8_t>((s.a ? 0 : kZ) | kH);
                return;
            case 5:
                s.a = static_cast<std::uint8_t>(a ^ v);
                s.f = s.a ? 0 : kZ;
                return;
            default:
                s.a = static_cast<std::uint8_t>(a | v);
                s.f = s.a ? 0 : kZ;
                return;
        }
    }
    [[gnu::always_inline]] std::uint8_t inc(std::uint8_t v) {
        const auto r = static_cast<std::uint8_t>(v + 1);
        s.f = static_cast<std::uint8_t>((s.f & kC) | (r ? 0 : kZ) | ((v & 0xF) == 0xF ? kH : 0));
        return r;
    }
    [[gnu::always_inline]] std::uint8_t dec(std::uint8_t v) {
        const auto r = static_cast<std::uint8_t>(v - 1);
        s.f = static_cast<std::uint8_t>((s.f & kC) | (r ? 0 : kZ) | kN | ((v & 0xF) == 0 ? kH : 0));
        return r;
    }
    [[gnu::always_inline]] void add_hl(std::uint16_t v) {
        const unsigned h = hl();
        const unsigned r = h + v;
        s.f = static_cast<std::uint8_t>(
            (s.f & kZ) | (((h & 0xFFF) + (v & 0xFFF)) > 0xFFF ? kH : 0) | (r > 0xFFFF ? kC : 0));
        set_hl(static_cast<std::uint16_t>(r));
    }
    [[gnu::always_inline]] std::uint16_t sp_plus(std::uint8_t offset) {
        const unsigned base = s.sp;
        s.f = static_cast<std::uint8_t>((((base & 0xF) + (offset & 0xF)) > 0xF ? kH : 0) |
                                        (((base & 0xFF) + offset) > 0xFF ? kC : 0));
        return static_cast<std::uint16_t>(base + static_cast<std::int8_t>(offset));
    }
    // SP moves once for both bytes, as PC in imm16. The high byte is written first, as on the
    // bus; unchecked and in one page of plain memory, both go in one host store (as in read16).
    [[gnu::always_inline]] void push(std::uint16_t v) {
        const Address sp = s.sp;
        const Address low = wrap(sp - 2);
        s.sp = static_cast<std::uint16_t>(low);
        if (!checked) {
            const std::uintptr_t page = m.write_page_[low >> 12];
            if (page && pair_in_page(low)) [[likely]] {
                std::memcpy(host<void>(page, low), &v, 2);
                now += 2 * mc;
                return;
            }
        }
        write(wrap(sp - 1), static_cast<std::uint8_t>(v >> 8));
        write(low, static_cast<std::uint8_t>(v));
    }
    [[gnu::always_inline]] std::uint16_t pop() {
        const Address sp = s.sp;
        s.sp = static_cast<std::uint16_t>(sp + 2);
        return static_cast<std::uint16_t>(read16(sp));
    }

    [[gnu::always_inline]] std::uint8_t rotate_shift(int op, std::uint8_t v) {
        unsigned r = 0;
        bool carry = false;
        const bool old_carry = s.f & kC;
        switch (op) {
            case 0:  // RLC
                carry = v & 0x80, r = (v << 1) | (v >> 7);
                break;
            case 1:  // RRC
                carry = v & 1, r = (v >> 1) | (v << 7);
                break;
            case 2:  // RL
                carry = v & 0x80, r = (v << 1) | (old_carry ? 1 : 0);
                break;
            case 3:  // RR
                carry = v & 1, r = (v >> 1) | (old_carry ? 0x80 : 0);
                break;
            case 4:  // SLA
                carry = v & 0x80, r = v << 1;
                break;
            case 5:  // SRA
                carry = v & 1, r = (v >> 1) | (v & 0x80);
                break;
            case 6:  // SWAP
                r = (v >> 4) | (v << 4);
                break;
            default:  // SRL
                carry = v & 1, r = v >> 1;
                break;
        }
        r &= 0xFF;
        s.f = static_cast<std::uint8_t>((r ? 0 : kZ) | (carry ? kC : 0));
        return static_cast<std::uint8_t>(r);
    }

    [[gnu::always_inline]] void prefixed() {
        const std::uint8_t op = imm();
        const int target = op & 7, bit = (op >> 3) & 7;
        switch (op >> 6) {
            case 0:
                put(target, rotate_shift(bit, get(target)));
                return;
            case 1:
                s.f = static_cast<std::uint8_t>((s.f & kC) | kH |
                                                ((get(target) >> bit) & 1 ? 0 : kZ));
                return;
            case 2:
                put(target, static_cast<std::uint8_t>(get(target) & ~(1 << bit)));
                return;
            default:
                put(target, static_cast<std::uint8_t>(get(target) | (1 << bit)));
                return;
        }
    }

    [[gnu::always_inline]] void daa() {
        unsigned a = s.a;
        if (s.f & kN) {
            if (s.f & kH) a = (a - 6) & 0xFF;
            if (s.f & kC) a -= 0x60;
        } else {
            if ((s.f & kH) || (a & 0xF) > 9) a += 6;
            if ((s.f & kC) || a > 0x9F) a += 0x60;
        }
        const bool carry = (s.f & kC) || a > 0xFF;
        s.a = static_cast<std::uint8_t>(a);
        s.f = static_cast<std::uint8_t>((s.f & kN) | (s.a ? 0 : kZ) | (carry ? kC : 0));
    }

    // Runs the events due by `until` with the clock as the CPU has it.
    [[gnu::always_inline]] void run_events(std::int64_t until) {
        save();
        m.run_events(until);
        load();
    }

    void interrupt() {
        // As mGBA: the fetch slot notices the interrupt, two pushes, then two idle M-cycles.
        const std::int64_t start = now;
        s.ime = false;
        if (s.events[kEiEvent] != kNever) {
            s.events[kEiEvent] = kNever;
            m.recompute_next_event();
        }
        refresh();
        idle();
        write(--s.sp, static_cast<std::uint8_t>(s.pc >> 8));
        // The vector is chosen late in the first push.
        if (start + 7 * tcycle() >= next) run_events(start + 7 * tcycle());
        const std::uint8_t pending = s.hram[0x7F] & s.io[0x0F] & 0x1F;
        std::uint16_t vector = 0;
        for (int bit = 0; bit < 5; ++bit) {
            if (pending & (1 << bit)) {
                s.io[0x0F] = static_cast<std::uint8_t>(s.io[0x0F] & ~(1 << bit));
                vector = static_cast<std::uint16_t>(0x40 + 8 * bit);
                break;
            }
        }
        write(--s.sp, static_cast<std::uint8_t>(s.pc));
        s.pc = vector;
        idle();
        idle();
    }

    // The interrupt entry as the frame loop takes it when nothing can happen during it (no event
    // due by the second push, so none runs before the vector is chosen, and the stack in plain
    // memory, both bytes in one page): the same M-cycles as interrupt() without its bus accesses'
    // checks. Crystal takes one per line (its H-Blank interrupt), most of them straight out of
    // HALT.
    [[gnu::always_inline]] bool interrupt_fast() {
        const Address low = wrap(Address{s.sp} - 2);
        const std::uintptr_t page = m.write_page_[low >> 12];
        if (now + 2 * mc >= next || !page || !pair_in_page(low) || s.events[kEiEvent] != kNever)
            [[unlikely]]
            return false;
        s.ime = false;
        const auto pending = static_cast<unsigned>(s.hram[0x7F] & s.io[0x0F] & 0x1F);
        if (!pending) __builtin_unreachable();  // its callers looked (no bit 32 case to handle)
        const int bit = std::countr_zero(pending);
        s.io[0x0F] = static_cast<std::uint8_t>(s.io[0x0F] & ~(1 << bit));
        std::memcpy(host<void>(page, low), &s.pc, 2);
        s.sp = static_cast<std::uint16_t>(low);
        s.pc = static_cast<std::uint16_t>(0x40 + 8 * bit);
        now += 5 * mc;
        // IME is off: only the frame's end, HALT and the HALT bug could still want attention, and
        // the first two did not (the loop looked), nor did an event come.
        attention = s.halt_bug ? kAttention : next - kUncheckedMcycles * mc;
        return true;
    }

    // HALT and the sleep after it are inlined where they run (the frame loop, step): Crystal
    // halts about once per line, waiting for its H-Blank interrupt.
    [[gnu::always_inline]] void halt(std::int64_t fetch_start) {
        const std::int64_t t = tcycle();
        if (fetch_start + 3 * t >= next) run_events(fetch_start + 3 * t);
        if (s.hram[0x7F] & s.io[0x0F] & 0x1F) {
            // Not halted after all; as in mGBA the instruction still ends one T-cycle early.
            if (!s.ime) s.halt_bug = true;
            now -= t;
            refresh();
            return;
        }
        s.halted = true;
        // The first wake-up check comes one T-cycle after the first event (as in mGBA).
        now = fetch_start;
        skip_to_wake(false);
        // Woken for an interrupt that IME lets in (Crystal's H-Blank, each line): enter it here,
        // as the frame loop would first thing (interrupt_fast declines if an event falls due
        // before, and the loop takes over). Not when tracing (step), which sees each apart.
        if (!checked && !s.halted && !s.frame_done && s.ime && interrupt_fast()) return;
        refresh();
    }

    // Skips from event to event until an interrupt is requested or the frame ends.
    [[gnu::always_inline]] void sleep(bool first) {
        skip_to_wake(first);
        refresh();
    }
    // sleep() but for the attention time, which the caller works out.
    [[gnu::always_inline]] void skip_to_wake(bool first) {
        const std::int64_t t = tcycle();
        while (true) {
            if (next == kNever) break;  // nothing can ever wake it
            std::int64_t wake = next + (first ? t : 0);
            first = false;
            const std::int64_t phase = (now - wake) & (mc - 1);  // mc is 4 or 8: no division
            now = wake + phase;
            // run_events without load(): only the clock and the next event can have moved, and
            // what the frame loop looks at is worked out once, when the CPU wakes.
            save();
            m.run_events(wake);
            now = s.now;
            next = m.next_event_;
            if (s.hram[0x7F] & s.io[0x0F] & 0x1F) {
                s.halted = false;
                break;
            }
            if (s.frame_done) break;
        }
    }

    // The rare paths run out of line on a Cpu of their own, so that the frame loop's never has
    // its address taken (which would send its clock back to memory at every store).
    [[gnu::noinline]] static void interrupt(Core& core) {
        Cpu cpu(core);
        cpu.interrupt();
        cpu.save();
    }
    [[gnu::noinline]] static void sleep(Core& core) {
        Cpu cpu(core);
        cpu.sleep(false);
        cpu.save();
    }
    [[gnu::noinline]] static void stop(Core& core) {
        if (core.color_ && (core.s_.io[0x4D] & 1)) core.set_double_speed(!core.s_.double_speed);
    }
    template <typename Fn>
    [[gnu::always_inline]] void out_of_line(Fn fn) {
        save();
        fn();
        load();
    }

    // The opcode fetch between boundaries that need no attention: no event is due before it.
    [[gnu::always_inline]] std::uint8_t fetch() {
        const Address pc = s.pc;
        const std::uintptr_t page = m.read_page_[pc >> 12];
        std::uint8_t op;
        if (page) [[likely]] {
            // Page F000-FFFF is never mapped: the compiler may take PC + 1 for a clean address
            // (see Address), with no mask on the immediates that follow.
            if (pc >= 0xF000) __builtin_unreachable();
            op = *reinterpret_cast<const std::uint8_t*>(page + pc);
            s.pc = static_cast<std::uint16_t>(pc + 1);
        } else {
            if (pc >= 0xFF80) {
                op = s.hram[pc & 0x7F];
            } else {
                save();
                op = m.read_slow(static_cast<std::uint16_t>(pc));
                refresh();
            }
            s.pc = static_cast<std::uint16_t>(pc + 1);
        }
        now += mc;
        return op;
    }
    // The fetch at a boundary that needed attention (the HALT bug reads its byte twice).
    [[gnu::always_inline]] std::uint8_t fetch_checked() {
        const std::uint8_t op = read(s.pc);
        if (s.halt_bug) {
            s.halt_bug = false;
            refresh();
        } else {
            ++s.pc;
        }
        return op;
    }

    // One instruction, or the entry to an interrupt: for tracing.
    void step() {
        if (s.ime && (s.hram[0x7F] & s.io[0x0F] & 0x1F)) {
            out_of_line([&] { interrupt(m); });
            return;
        }
        const std::int64_t fetch_start = now;
        execute(fetch_checked(), fetch_start);
    }

    // Inlined into the frame loop: no call per instruction.
    [[gnu::always_inline]] void execute(std::uint8_t op, std::int64_t fetch_start);
};

inline void Cpu::execute(std::uint8_t op, std::int64_t fetch_start) {
    switch (op) {
        case 0x00:
            return;
        case 0x01:  // one case per register pair (see POP)
            set_pair(0, imm16(), false);
            return;
        case 0x11:
            set_pair(1, imm16(), false);
            return;
        case 0x21:
            set_pair(2, imm16(), false);
            return;
        case 0x31:
            set_pair(3, imm16(), false);
            return;
        case 0x02:
            write(bc(), s.a);
            return;
        case 0x12:
            write(de(), s.a);
            return;
        case 0x22:
            write(hl(), s.a);
            set_hl(static_cast<std::uint16_t>(hl() + 1));
            return;
        case 0x32:
            write(hl(), s.a);
            set_hl(static_cast<std::uint16_t>(hl() - 1));
            return;
        case 0x0A:
            s.a = read(bc());
            return;
        case 0x1A:
            s.a = read(de());
            return;
        case 0x2A:
            s.a = read(hl());
            set_hl(static_cast<std::uint16_t>(hl() + 1));
            return;
        case 0x3A:
            s.a = read(hl());
            set_hl(static_cast<std::uint16_t>(hl() - 1));
            return;
        case 0x03:
            set_pair(0, static_cast<std::uint16_t>(pair(0, false) + 1), false);
            idle();
            return;
        case 0x13:
            set_pair(1, static_cast<std::uint16_t>(pair(1, false) + 1), false);
            idle();
            return;
        case 0x23:
            set_pair(2, static_cast<std::uint16_t>(pair(2, false) + 1), false);
            idle();
            return;
        case 0x33:
            set_pair(3, static_cast<std::uint16_t>(pair(3, false) + 1), false);
            idle();
            return;
        case 0x0B:
            set_pair(0, static_cast<std::uint16_t>(pair(0, false) - 1), false);
            idle();
            return;
        case 0x1B:
            set_pair(1, static_cast<std::uint16_t>(pair(1, false) - 1), false);
            idle();
            return;
        case 0x2B:
            set_pair(2, static_cast<std::uint16_t>(pair(2, false) - 1), false);
            idle();
            return;
        case 0x3B:
            set_pair(3, static_cast<std::uint16_t>(pair(3, false) - 1), false);
            idle();
            return;
        case 0x09:
            add_hl(pair(0, false));
            idle();
            return;
        case 0x19:
            add_hl(pair(1, false));
            idle();
            return;
        case 0x29:
            add_hl(pair(2, false));
            idle();
            return;
        case 0x39:
            add_hl(pair(3, false));
            idle();
            return;
        case 0x07:
            s.a = rotate_shift(0, s.a), s.f &= kC;
            return;
        case 0x0F:
            s.a = rotate_shift(1, s.a), s.f &= kC;
            return;
        case 0x17:
            s.a = rotate_shift(2, s.a), s.f &= kC;
            return;
        case 0x1F:
            s.a = rotate_shift(3, s.a), s.f &= kC;
            return;
        case 0x08: {
            const Address address = imm16();
            write(address, static_cast<std::uint8_t>(s.sp));
            write(wrap(address + 1), static_cast<std::uint8_t>(s.sp >> 8));
            return;
        }
        case 0x10:  // STOP: a second byte, then a speed switch if one was armed
            imm();
            out_of_line([&] { stop(m); });
            mc = m.ticks_per_mcycle();
            return;
        // Conditional control flow: one case per condition, each testing its flag directly
        // (flag tests worked out from the opcode cost a dozen instructions).
        case 0x18:
            jr(true);
            return;
        case 0x20:
            jr(!(s.f & kZ));
            return;
        case 0x28:
            jr(s.f & kZ);
            return;
        case 0x30:
            jr(!(s.f & kC));
            return;
        case 0x38:
            jr(s.f & kC);
            return;
        case 0x27:
            daa();
            return;
        case 0x2F:
            s.a = static_cast<std::uint8_t>(~s.a);
            s.f |= kN | kH;
            return;
        case 0x37:
            s.f = static_cast<std::uint8_t>((s.f & kZ) | kC);
            return;
        case 0x3F:
            s.f = static_cast<std::uint8_t>((s.f & kZ) | ((s.f & kC) ^ kC));
            return;
        case 0x76:
            halt(fetch_start);
            return;
        case 0xC3:
            s.pc = imm16();
            idle();
            return;
        case 0xC2:
            jp(!(s.f & kZ));
            return;
        case 0xCA:
            jp(s.f & kZ);
            return;
        case 0xD2:
            jp(!(s.f & kC));
            return;
        case 0xDA:
            jp(s.f & kC);
            return;
        case 0xE9:
            s.pc = hl();
            return;
        case 0xCD: {
            const std::uint16_t target = imm16();
            idle();
            push(s.pc);
            s.pc = target;
            return;
        }
        case 0xC4:
            call(!(s.f & kZ));
            return;
        case 0xCC:
            call(s.f & kZ);
            return;
        case 0xD4:
            call(!(s.f & kC));
            return;
        case 0xDC:
            call(s.f & kC);
            return;
        case 0xC9:
            s.pc = pop();
            idle();
            return;
        case 0xD9:
            s.pc = pop();
            idle();
            // IME is set 7 T-cycles after the fetch as after EI, but within RETI's own cycles, and
            // only a boundary between instructions looks at it: no event needed.
            s.ime = true;
            // refresh() less what cannot hold here: the CPU runs (not halted), a HALT bug was
            // consumed by this fetch, and next is current (the reads caught up with any event).
            attention = s.frame_done || (s.hram[0x7F] & s.io[0x0F] & 0x1F)
                            ? kAttention
                            : next - kUncheckedMcycles * mc;
            return;
        case 0xC0:
            ret(!(s.f & kZ));
            return;
        case 0xC8:
            ret(s.f & kZ);
            return;
        case 0xD0:
            ret(!(s.f & kC));
            return;
        case 0xD8:
            ret(s.f & kC);
            return;
        case 0xC1:  // one case per register pair, as for the conditions
            set_pair(0, pop(), true);
            return;
        case 0xD1:
            set_pair(1, pop(), true);
            return;
        case 0xE1:
            set_pair(2, pop(), true);
            return;
        case 0xF1:
            set_pair(3, pop(), true);
            return;
        case 0xC5:
            idle();
            push(pair(0, true));
            return;
        case 0xD5:
            idle();
            push(pair(1, true));
            return;
        case 0xE5:
            idle();
            push(pair(2, true));
            return;
        case 0xF5:
            idle();
            push(pair(3, true));
            return;
        case 0xC7:
        case 0xCF:
        case 0xD7:
        case 0xDF:
        case 0xE7:
        case 0xEF:
        case 0xF7:
        case 0xFF:
            idle();
            push(s.pc);
            s.pc = op & 0x38;
            return;
        case 0xCB:
            prefixed();
            return;
        case 0xE0:
            write_high(imm(), s.a);
            return;
        case 0xF0:
            s.a = read_high(imm());
            return;
        case 0xE2:
            write_high(s.c, s.a);
            return;
        case 0xF2:
            s.a = read_high(s.c);
            return;
        case 0xEA:
            write(imm16(), s.a);
            return;
        case 0xFA:
            s.a = read(imm16());
            return;
        case 0xE8:
            s.sp = sp_plus(imm());
            idle();
            idle();
            return;
        case 0xF8:
            set_hl(sp_plus(imm()));
            idle();
            return;
        case 0xF9:
            s.sp = hl();
            idle();
            return;
        case 0xF3:
            s.ime = false;
            s.events[kEiEvent] = kNever;
            m.recompute_next_event();
            refresh();
            return;
        case 0xFB:
            if (!s.ime) {
                m.schedule(kEiEvent, fetch_start + 7 * tcycle());
                refresh();
            }
            return;
        case 0xD3:
        case 0xDB:
        case 0xDD:
        case 0xE3:
        case 0xE4:
        case 0xEB:
        case 0xEC:
        case 0xED:
        case 0xF4:
        case 0xFC:
        case 0xFD:
            // An illegal opcode locks the CPU up, as in mGBA: it spins on itself.
            s.ime = false;
            --s.pc;
            return;
        case 0x40 ... 0x75:
        case 0x77 ... 0x7F:  // LD r, r' (0x76 is HALT)
            put((op >> 3) & 7, get(op & 7));
            return;
        // One case per operation (the operand still by table), as above for the conditions.
        case 0x80 ... 0x87:
            alu(0, get(op & 7));
            return;
        case 0x88 ... 0x8F:
            alu(1, get(op & 7));
            return;
        case 0x90 ... 0x97:
            alu(2, get(op & 7));
            return;
        case 0x98 ... 0x9F:
            alu(3, get(op & 7));
            return;
        case 0xA0 ... 0xA6:
            alu(4, get(op & 7));
            return;
        case 0xA8 ... 0xAE:
            alu(5, get(op & 7));
            return;
        case 0xB0 ... 0xB6:
            alu(6, get(op & 7));
            return;
        // AND A and OR A (the usual tests for zero) and XOR A (the usual clear) name their
        // operand: no table.
        case 0xA7:
            alu(4, s.a);
            return;
        case 0xAF:
            alu(5, s.a);
            return;
        case 0xB7:
            alu(6, s.a);
            return;
        case 0xB8 ... 0xBF:
            alu(7, get(op & 7));
            return;
        case 0xC6:
            alu(0, imm());
            return;
        case 0xCE:
            alu(1, imm());
            return;
        case 0xD6:
            alu(2, imm());
            return;
        case 0xDE:
            alu(3, imm());
            return;
        case 0xE6:
            alu(4, imm());
            return;
        case 0xEE:
            alu(5, imm());
            return;
        case 0xF6:
            alu(6, imm());
            return;
        case 0xFE:
            alu(7, imm());
            return;
        // INC r and DEC r name their register (loop counters and pointers step often).
        case 0x04:
            s.b = inc(s.b);
            return;
        case 0x0C:
            s.c = inc(s.c);
            return;
        case 0x14:
            s.d = inc(s.d);
            return;
        case 0x1C:
            s.e = inc(s.e);
            return;
        case 0x24:
            s.h = inc(s.h);
            return;
        case 0x2C:
            s.l = inc(s.l);
            return;
        case 0x34: {
            const Address address = hl();
            write(address, inc(read(address)));
            return;
        }
        case 0x3C:
            s.a = inc(s.a);
            return;
        case 0x05:
            s.b = dec(s.b);
            return;
        case 0x0D:
            s.c = dec(s.c);
            return;
        case 0x15:
            s.d = dec(s.d);
            return;
        case 0x1D:
            s.e = dec(s.e);
            return;
        case 0x25:
            s.h = dec(s.h);
            return;
        case 0x2D:
            s.l = dec(s.l);
            return;
        case 0x35: {
            const Address address = hl();
            write(address, dec(read(address)));
            return;
        }
        case 0x3D:
            s.a = dec(s.a);
            return;
        case 0x06:
        case 0x0E:
        case 0x16:
        case 0x1E:
        case 0x26:
        case 0x2E:
        case 0x36:
        case 0x3E:
            put((op >> 3) & 7, imm());
            return;
    }
}

[[gnu::noinline]] void Core::cpu_catch_up(std::int64_t until) {
    run_events(until);
    // VRAM DMA holds the CPU from its block's first byte to its last: everything the CPU does
    // after that moment moves later by as much (off the M-cycle grid, as in mGBA).
    while (s_.hdma_remaining > 0 && next_event_ != kNever)
        run_events(next_event_);
    if (s_.cpu_stall) {
        s_.now += s_.cpu_stall;
        s_.cpu_stall = 0;
    }
}

void Core::step() {
    Cpu cpu(*this);
    cpu.sync();
    cpu.save();
    if (s_.frame_done) frame_counted();
    cpu.load();
    if (!s_.halted) cpu.step();
    cpu.save();
    while (s_.halted && next_event_ != kNever) {
        Cpu::sleep(*this);
        if (s_.frame_done) frame_counted();
    }
    cpu.load();
    cpu.sync_until(s_.now - 1);  // what happened during the instruction, as a tracer sees it
    cpu.save();
    if (s_.frame_done) frame_counted();
    video_advance(s_.now - 1);
}

void Core::run_until_frame_end() {
    Cpu cpu(*this);
    while (true) {
        if (cpu.now < cpu.attention) [[likely]] {
            const std::int64_t fetch_start = cpu.now;
            cpu.checked = false;
            cpu.execute(cpu.fetch(), fetch_start);
            cpu.checked = true;
            continue;
        }
        cpu.sync();
        if (s_.frame_done) break;
        if (s_.halted) {
            cpu.sleep(false);
            if (s_.frame_done) break;
            continue;
        }
        if (s_.ime && (s_.hram[0x7F] & s_.io[0x0F] & 0x1F)) {
            if (!cpu.interrupt_fast()) cpu.out_of_line([&] { Cpu::interrupt(*this); });
            continue;
        }
        const std::int64_t fetch_start = cpu.now;
        cpu.execute(cpu.fetch_checked(), fetch_start);
    }
    cpu.save();
    frame_counted();
}

}  // namespace crl::emu::native
