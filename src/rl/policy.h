// rl/policy.h — the actor-critic network PPO trains and the ppo agent plays: the observation of
// env/observation.h in, one logit per action and a value out. It owns the network's shape only;
// it never steps environments nor updates itself.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>

namespace crl::rl {

inline constexpr int kActionCount = 9;  // env::kAllActions: NOOP and the eight buttons

struct PolicyShape {
    // First convolution; the second has twice as many. 8, not 16: the learner's time on CPU
    // (a third of 16's arithmetic), and the demo game's screens are simple.
    int conv_channels = 8;
    int hidden = 128;        // the shared layer before the two heads
    int map_embedding = 16;  // floats per map
    nlohmann::json to_json() const;
    static PolicyShape from_json(const nlohmann::json& json);
};

// A batch of observations as tensors: screen [B,3,72,80] uint8, visited [B,15,15] uint8,
// features [B,F] float, map [B] int64.
struct ObservationBatch {
    torch::Tensor screen, visited, features, map;
    ObservationBatch index(const torch::Tensor& rows) const;
    ObservationBatch to(const torch::Device& device) const;
};

struct PolicyOutput {
    torch::Tensor logits;  // [B, kActionCount]
    torch::Tensor value;   // [B]
};

class PolicyImpl : public torch::nn::Module {
  public:
    explicit PolicyImpl(PolicyShape shape = {});
    PolicyOutput forward(const ObservationBatch& batch);
    const PolicyShape& shape() const { return shape_; }

  private:
    PolicyShape shape_;
    torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
    torch::nn::Linear screen_out_{nullptr}, visited_out_{nullptr}, features_out_{nullptr};
    torch::nn::Embedding map_embedding_{nullptr};
    torch::nn::Linear hidden_{nullptr}, policy_head_{nullptr}, value_head_{nullptr};
};
TORCH_MODULE(Policy);

// policy.pt holds the weights; policy.json beside it the shape, so an agent can rebuild it.
void save_policy(Policy& policy, const std::filesystem::path& path);
Policy load_policy(const std::filesystem::path& path, const torch::Device& device);

}  // namespace crl::rl
