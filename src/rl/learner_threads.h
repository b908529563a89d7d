// rl/learner_threads.h — how many libtorch threads the PPO update uses. With a fixed count it
// is that; on auto it times the update on one thread and on one per core, keeps the faster and
// tries the other again now and then. OpenMP's spinning threads make the update several times
// slower, not faster, when other programs keep the cores busy, and faster when they are idle.
#pragma once

#include <array>
#include <cstdint>

namespace crl::rl {

class LearnerThreads {
  public:
    // fixed: 0 = auto, between 1 and `cores`.
    LearnerThreads(int fixed, int cores);
    // The count for the coming update.
    int next();
    // How long the update on next()'s count took. The first update is not counted: it also warms
    // libtorch up.
    void took(double seconds);
    // The count the latest update used.
    int current() const { return fixed_ > 0 ? fixed_ : counts_[current_]; }
    static constexpr std::uint64_t kRetryEvery = 50;  // updates between tries of the slower count

  private:
    int fixed_;
    std::array<int, 2> counts_;
    std::array<double, 2> seconds_{-1, -1};  // the latest time of each count; -1: not tried
    std::size_t current_ = 0;
    std::uint64_t updates_ = 0;
};

}  // namespace crl::rl
