// env/wait.h — how a thread of an environment pool waits for another: a short spin, then a
// futex sleep, the spin dropped while it does not pay. Shared by VectorEnv and the Python
// bindings' EnvPool.
#pragma once

#include <atomic>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace crl::env {

// Steps take a few hundred microseconds to milliseconds, so a partner about to finish is caught
// by a spin of tens of microseconds (a hand-over in nanoseconds). Then sleep on a futex: a
// sleeper woken by the partner preempts whatever else runs on its core. Yielding the core
// between polls instead (tried: up to 2 ms) made two lockstep environments 2x slower beside a
// compiler: each yield gave the compiler a whole time slice, and the waiter came back late.
// Spinning longer (1 ms, tried in the Python pool) made two environments 4x slower on a loaded
// machine: a spinner burns its slice while the thread it waits for is not even running.
inline constexpr auto kSpinFor = std::chrono::microseconds(50);

inline void spin_pause() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();  // lets a sibling hyperthread run while this one polls
#endif
}

// One per waiting thread and place it waits in. It spins only while spinning catches the
// partner: after a spin that ran out and a long sleep, it sleeps at once until a wait is short
// again. When the scheduler puts both threads of a lockstep pair on one core for a while (seen
// on a 2-core VM: tens of steps at a time), every spin there is pure loss, as the partner
// cannot run until the spinner gives up the core: two environments then took 2.45x their time
// alone instead of 2x.
class Waiter {
  public:
    // may_spin = false sleeps at once, always: for threads that share cores by design.
    explicit Waiter(bool may_spin = true) : may_spin_(may_spin), spin_(may_spin) {}

    // Returns once `value` differs from `old`.
    template <class T>
    void wait_while_equal(const std::atomic<T>& value, T old) {
        using Clock = std::chrono::steady_clock;
        if (spin_) {
            const auto until = Clock::now() + kSpinFor;
            for (int i = 0;; ++i) {
                if (value.load(std::memory_order_acquire) != old) return;
                spin_pause();
                if ((i & 63) == 63 && Clock::now() > until) break;
            }
        }
        if (value.load(std::memory_order_acquire) == old) {
            const auto asleep = Clock::now();
            while (value.load(std::memory_order_acquire) == old)
                value.wait(old, std::memory_order_acquire);
            // A short sleep means the partner was nearly done: a spin would have caught it.
            spin_ = may_spin_ && Clock::now() - asleep < kSpinFor;
        }
    }

  private:
    bool may_spin_;
    bool spin_;
};

}  // namespace crl::env
