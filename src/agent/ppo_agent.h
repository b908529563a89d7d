// agent/ppo_agent.h — plays a policy trained by `crystal-rl train` (RUN/policy.pt) in the normal
// runner: it builds the same observation as training (env/observation.h) from the game state and
// the screen, and samples (or, greedy, takes the most likely) action; on a title screen it presses
// START, as training's episodes begin past the title. It never learns.
#pragma once

#include <filesystem>
#include <memory>
#include <random>

#include "agent/agent.h"

namespace crl::agent {

class PpoAgent final : public Agent {
  public:
    // Throws std::runtime_error when the policy cannot be read.
    PpoAgent(const std::filesystem::path& policy, bool greedy, std::uint32_t seed = 1);
    ~PpoAgent() override;
    std::string name() const override { return "ppo"; }
    Decision decide(const Observation& observation) override;
    bool wants_screen() const override { return true; }

  private:
    struct Model;  // keeps libtorch out of this header
    std::unique_ptr<Model> model_;
    bool greedy_;
    std::mt19937_64 random_;
    bool started_ = false;
};

}  // namespace crl::agent
