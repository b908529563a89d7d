#include "rl/learner_threads.h"

#include <gtest/gtest.h>

#include <vector>

namespace crl::rl {
namespace {

// Plays `updates` updates whose time depends on the thread count; returns the counts used.
std::vector<int> play(LearnerThreads& threads, int updates, double one, double many) {
    std::vector<int> used;
    for (int i = 0; i < updates; ++i) {
        used.push_back(threads.next());
        threads.took(used.back() == 1 ? one : many);
    }
    return used;
}

TEST(LearnerThreadsTest, AFixedCountIsKept) {
    LearnerThreads threads(3, 2);
    EXPECT_EQ(play(threads, 5, 1.0, 0.1), (std::vector<int>{3, 3, 3, 3, 3}));
}

TEST(LearnerThreadsTest, OneCoreMeansOneThread) {
    LearnerThreads threads(0, 1);
    EXPECT_EQ(play(threads, 4, 1.0, 0.1), (std::vector<int>{1, 1, 1, 1}));
}

TEST(LearnerThreadsTest, TriesBothAfterTheWarmUpThenKeepsTheFaster) {
    LearnerThreads idle_machine(0, 4);
    EXPECT_EQ(play(idle_machine, 6, 0.6, 0.2), (std::vector<int>{1, 1, 4, 4, 4, 4}));
    LearnerThreads busy_machine(0, 4);
    EXPECT_EQ(play(busy_machine, 6, 0.6, 7.0), (std::vector<int>{1, 1, 4, 1, 1, 1}));
}

TEST(LearnerThreadsTest, TriesTheSlowerCountAgainAndFollowsTheMachine) {
    LearnerThreads threads(0, 2);
    play(threads, 3, 0.6, 7.0);  // busy: one thread wins
    // The machine is idle from now on; one thread is kept until the retry...
    const auto until_retry = play(threads, LearnerThreads::kRetryEvery - 3, 0.6, 0.2);
    EXPECT_EQ(until_retry, std::vector<int>(LearnerThreads::kRetryEvery - 3, 1));
    // ...which finds two faster, and two stay.
    EXPECT_EQ(play(threads, 3, 0.6, 0.2), (std::vector<int>{2, 2, 2}));
}

}  // namespace
}  // namespace crl::rl
