// rl/ppo.h — proximal policy optimisation: the hyper-parameters, the rollout storage and one
// update (clipped objective, GAE(λ), value loss, entropy bonus, advantage normalisation,
// gradient-norm clipping, learning-rate annealing). It learns from rollouts; it never steps
// environments or touches the disk.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>

#include "env/observation.h"
#include "rl/policy.h"

namespace crl::rl {

struct PpoConfig {
    int envs = 4;
    int rollout_steps = 128;  // per environment and update
    int minibatches = 4;
    int epochs = 4;
    double gamma = 0.99;
    double gae_lambda = 0.95;
    double clip = 0.2;
    double value_coef = 0.5;
    // Larger steps than Atari's usual 2.5e-4 and 0.01: with them the demo game's policy still
    // moved by an approximate KL of only ~0.002 per update, and stayed near uniform at 500k steps.
    double entropy_coef = 0.003;
    double learning_rate = 1e-3;
    double max_grad_norm = 0.5;
    bool anneal_lr = true;
    bool normalise_advantages = true;
    std::uint64_t total_steps = 500'000;  // env steps in all (all envs)
    PolicyShape shape;

    std::int64_t batch_size() const { return std::int64_t{envs} * rollout_steps; }
    std::uint64_t total_updates() const;
    nlohmann::json to_json() const;
    // Keys not present keep their defaults.
    static PpoConfig from_json(const nlohmann::json& json);
};

// Observations, actions and what the policy said, for T steps of N envs. The observations hold
// T + 1 rows: the last is the one after the rollout, where the next rollout starts.
struct Rollout {
    Rollout(int steps, int envs);
    int steps, envs;
    ObservationBatch observations;  // [T+1, N, ...]
    torch::Tensor actions;          // [T, N] int64
    torch::Tensor log_probs;        // [T, N] float
    torch::Tensor values;           // [T+1, N] float: the last filled by finish()
    torch::Tensor rewards;          // [T, N] float
    torch::Tensor dones;            // [T, N] float: 1 where an episode ended after step t

    // Row t of observations (views into the tensors).
    ObservationBatch at(int t) const;
    // Row t, env n as the memory ObservationBuilder writes into.
    env::ObservationBuffers buffers(int t, int n) const;
    // Copies the last observation row to the first, ready for the next rollout.
    void carry_over();
};

// GAE(λ): advantages [T, N] and returns (= advantages + values).
std::pair<torch::Tensor, torch::Tensor> advantages_and_returns(const Rollout& rollout, double gamma,
                                                               double lambda);

struct UpdateStats {
    double policy_loss = 0;
    double value_loss = 0;
    double entropy = 0;
    double approx_kl = 0;
    double clip_fraction = 0;
    double explained_variance = 0;
    double learning_rate = 0;
};

// Samples from a policy's logits with our own generator, so a checkpoint can keep its state.
torch::Tensor sample_actions(const torch::Tensor& logits, std::mt19937_64& rng);

class PpoLearner {
  public:
    PpoLearner(Policy policy, PpoConfig config, torch::Device device);
    Policy& policy() { return policy_; }
    torch::optim::Adam& optimizer() { return optimizer_; }
    const PpoConfig& config() const { return config_; }
    const torch::Device& device() const { return device_; }

    // Acting: actions, their log-probabilities and the values for one row of observations.
    struct Act {
        torch::Tensor actions, log_probs, values;
    };
    Act act(const ObservationBatch& observations, std::mt19937_64& rng);
    torch::Tensor values(const ObservationBatch& observations);
    // One PPO update; `update_index` (0-based) sets the annealed learning rate.
    UpdateStats update(const Rollout& rollout, std::uint64_t update_index, std::mt19937_64& rng);

  private:
    Policy policy_;
    PpoConfig config_;
    torch::Device device_;
    torch::optim::Adam optimizer_;
};

}  // namespace crl::rl
