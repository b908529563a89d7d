// trainer/commands.h — what the outside world may ask of a running trainer (from the dashboard,
// a test or a signal). Posted from any thread; the trainer applies them between steps.
#pragma once

#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

#include "env/action.h"

namespace crl::trainer {

namespace command {
struct Pause {};
struct Resume {};
struct Step {};  // one action while paused
struct SetSpeed {
    double speed;  // 0 unthrottled, 1 real time
};
struct SwitchAgent {
    std::string name;
};
struct Press {
    env::Action action;
};
struct SaveState {
    std::filesystem::path path;
};
struct LoadState {
    std::filesystem::path path;
};
struct Stop {};
}  // namespace command

using Command = std::variant<command::Pause, command::Resume, command::Step, command::SetSpeed,
                             command::SwitchAgent, command::Press, command::SaveState,
                             command::LoadState, command::Stop>;

class CommandQueue {
  public:
    void post(Command command) {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(command));
    }
    std::optional<Command> take() {
        std::lock_guard lock(mutex_);
        if (queue_.empty()) return std::nullopt;
        auto command = std::move(queue_.front());
        queue_.pop_front();
        return command;
    }

  private:
    std::mutex mutex_;
    std::deque<Command> queue_;
};

}  // namespace crl::trainer
