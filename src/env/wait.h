// env/wait.h — how a thread of an environment pool waits for another: a short spin, then a
// futex sleep. Shared by VectorEnv and the Python bindings' EnvPool.
#pragma once

#include <atomic>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace crl::env {

// Steps take about a millisecond, so a partner about to finish is caught by a spin of tens of
// microseconds (a hand-over in nanoseconds). Then sleep on a futex: a sleeper woken by the
// partner preempts whatever else runs on its core. Yielding the core between polls instead (tried:
// up to 2 ms) made two lockstep environments 2x slower beside a compiler: each yield gave the
// compiler a whole time slice, and the waiter came back late. Spinning longer (1 ms, tried in
// the Python pool) made two environments 4x slower on a loaded machine: a spinner burns its slice
// while the thread it waits for is not even running.
inline constexpr auto kSpinFor = std::chrono::microseconds(50);

inline void spin_pause() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();  // lets a sibling hyperthread run while this one polls
#endif
}

// Returns once `value` differs from `old`. spin = false sleeps at once: for a thread that shares
// its core with the one it waits for.
template <class T>
void wait_while_equal(const std::atomic<T>& value, T old, bool spin = true) {
    if (spin) {
        const auto until = std::chrono::steady_clock::now() + kSpinFor;
        for (int i = 0;; ++i) {
            if (value.load(std::memory_order_acquire) != old) return;
            spin_pause();
            if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) break;
        }
    }
    while (value.load(std::memory_order_acquire) == old)
        value.wait(old, std::memory_order_acquire);
}

}  // namespace crl::env
