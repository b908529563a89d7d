#include "rl/learner_threads.h"

#include <algorithm>

namespace crl::rl {

LearnerThreads::LearnerThreads(int fixed, int cores)
    : fixed_(fixed), counts_{1, std::max(1, cores)} {}

int LearnerThreads::next() {
    if (fixed_ > 0) return fixed_;
    if (counts_[1] == counts_[0]) return counts_[0];
    if (seconds_[0] < 0) {
        current_ = 0;
    } else if (seconds_[1] < 0) {
        current_ = 1;
    } else {
        const std::size_t faster = seconds_[1] < seconds_[0] ? 1 : 0;
        // The machine's load changes; the slower count gets another chance now and then.
        current_ = updates_ % kRetryEvery == 0 ? 1 - faster : faster;
    }
    return counts_[current_];
}

void LearnerThreads::took(double seconds) {
    // The first update also warms libtorch up (allocations, kernels compiled on first use).
    if (fixed_ == 0 && updates_ > 0) seconds_[current_] = seconds;
    ++updates_;
}

}  // namespace crl::rl
