// trainer/snapshot.h — what the trainer shows the world after a step, and the one-slot mailbox
// it leaves it in. The trainer never waits for a reader: publishing replaces the previous
// snapshot; readers take the newest and share it (it is immutable).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "game/game_state.h"
#include "game/map_view.h"
#include "trainer/decision_log.h"
#include "trainer/stats.h"

namespace crl::trainer {

struct Snapshot {
    std::uint64_t frame_id = 0;     // the machine's frame counter when the screen was drawn
    double timestamp = 0;           // Unix seconds
    std::vector<std::uint8_t> rgb;  // 160x144 RGB
    game::GameState state;
    std::shared_ptr<const game::MapView> map;  // the current map, when the profile can read it
    Stats stats;
    std::vector<DecisionRecord> recent_decisions;  // newest last
};

class SnapshotMailbox {
  public:
    void publish(std::shared_ptr<const Snapshot> snapshot) {
        std::lock_guard lock(mutex_);
        latest_ = std::move(snapshot);
    }
    std::shared_ptr<const Snapshot> latest() const {
        std::lock_guard lock(mutex_);
        return latest_;
    }

  private:
    mutable std::mutex mutex_;
    std::shared_ptr<const Snapshot> latest_;
};

}  // namespace crl::trainer
