#include "rl/ppo.h"

#include <algorithm>
#include <numeric>

namespace crl::rl {

std::uint64_t PpoConfig::total_updates() const {
    const auto batch = static_cast<std::uint64_t>(batch_size());
    return std::max<std::uint64_t>(1, (total_steps + batch - 1) / batch);
}

nlohmann::json PpoConfig::to_json() const {
    return {{"envs", envs},
            {"rollout_steps", rollout_steps},
            {"minibatches", minibatches},
            {"epochs", epochs},
            {"gamma", gamma},
            {"gae_lambda", gae_lambda},
            {"clip", clip},
            {"value_coef", value_coef},
            {"entropy_coef", entropy_coef},
            {"learning_rate", learning_rate},
            {"max_grad_norm", max_grad_norm},
            {"anneal_lr", anneal_lr},
            {"normalise_advantages", normalise_advantages},
            {"total_steps", total_steps},
            {"network", shape.to_json()}};
}

PpoConfig PpoConfig::from_json(const nlohmann::json& json) {
    PpoConfig config;
    config.envs = json.value("envs", config.envs);
    config.rollout_steps = json.value("rollout_steps", config.rollout_steps);
    config.minibatches = json.value("minibatches", config.minibatches);
    config.epochs = json.value("epochs", config.epochs);
    config.gamma = json.value("gamma", config.gamma);
    config.gae_lambda = json.value("gae_lambda", config.gae_lambda);
    config.clip = json.value("clip", config.clip);
    config.value_coef = json.value("value_coef", config.value_coef);
    config.entropy_coef = json.value("entropy_coef", config.entropy_coef);
    config.learning_rate = json.value("learning_rate", config.learning_rate);
    config.max_grad_norm = json.value("max_grad_norm", config.max_grad_norm);
    config.anneal_lr = json.value("anneal_lr", config.anneal_lr);
    config.normalise_advantages = json.value("normalise_advantages", config.normalise_advantages);
    config.total_steps = json.value("total_steps", config.total_steps);
    if (json.contains("network")) config.shape = PolicyShape::from_json(json["network"]);
    return config;
}

Rollout::Rollout(int steps_, int envs_) : steps(steps_), envs(envs_) {
    const auto rows = static_cast<std::int64_t>(steps) + 1;
    observations.screen = torch::zeros(
        {rows, envs, env::kObsFrames, env::kObsScreenHeight, env::kObsScreenWidth}, torch::kUInt8);
    observations.visited =
        torch::zeros({rows, envs, env::kObsVisitedSide, env::kObsVisitedSide}, torch::kUInt8);
    observations.features =
        torch::zeros({rows, envs, static_cast<std::int64_t>(env::feature_count())});
    observations.map = torch::zeros({rows, envs}, torch::kInt64);
    actions = torch::zeros({steps, envs}, torch::kInt64);
    log_probs = torch::zeros({steps, envs});
    values = torch::zeros({rows, envs});
    rewards = torch::zeros({steps, envs});
    dones = torch::zeros({steps, envs});
}

ObservationBatch Rollout::at(int t) const {
    return {observations.screen[t], observations.visited[t], observations.features[t],
            observations.map[t]};
}

env::ObservationBuffers Rollout::buffers(int t, int n) const {
    auto screen = observations.screen[t][n];
    auto visited = observations.visited[t][n];
    auto features = observations.features[t][n];
    auto map = observations.map[t][n];
    return {std::span(screen.data_ptr<std::uint8_t>(), static_cast<std::size_t>(screen.numel())),
            std::span(visited.data_ptr<std::uint8_t>(), static_cast<std::size_t>(visited.numel())),
            std::span(features.data_ptr<float>(), static_cast<std::size_t>(features.numel())),
            std::span(map.data_ptr<std::int64_t>(), 1)};
}

void Rollout::carry_over() {
    observations.screen[0].copy_(observations.screen[steps]);
    observations.visited[0].copy_(observations.visited[steps]);
    observations.features[0].copy_(observations.features[steps]);
    observations.map[0].copy_(observations.map[steps]);
}

std::pair<torch::Tensor, torch::Tensor> advantages_and_returns(const Rollout& rollout, double gamma,
                                                               double lambda) {
    auto advantages = torch::zeros_like(rollout.rewards);
    auto last = torch::zeros({rollout.envs});
    for (int t = rollout.steps - 1; t >= 0; --t) {
        const auto continues = 1.0 - rollout.dones[t];
        const auto delta =
            rollout.rewards[t] + gamma * rollout.values[t + 1] * continues - rollout.values[t];
        last = delta + gamma * lambda * continues * last;
        advantages[t] = last;
    }
    return {advantages, advantages + rollout.values.slice(0, 0, rollout.steps)};
}

torch::Tensor sample_actions(const torch::Tensor& logits, std::mt19937_64& rng) {
    const auto probabilities = torch::softmax(logits.to(torch::kCPU).to(torch::kFloat64), 1);
    const auto rows = probabilities.size(0);
    auto actions = torch::zeros({rows}, torch::kInt64);
    auto probability = probabilities.accessor<double, 2>();
    auto action = actions.accessor<std::int64_t, 1>();
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (std::int64_t row = 0; row < rows; ++row) {
        double left = uniform(rng);
        std::int64_t chosen = probabilities.size(1) - 1;
        for (std::int64_t a = 0; a < probabilities.size(1); ++a) {
            left -= probability[row][a];
            if (left < 0) {
                chosen = a;
                break;
            }
        }
        action[row] = chosen;
    }
    return actions;
}

PpoLearner::PpoLearner(Policy policy, PpoConfig config, torch::Device device)
    : policy_(std::move(policy)),
      config_(config),
      device_(device),
      optimizer_(policy_->parameters(), torch::optim::AdamOptions(config.learning_rate).eps(1e-5)) {
    policy_->to(device_);
}

PpoLearner::Act PpoLearner::act(const ObservationBatch& observations, std::mt19937_64& rng) {
    torch::NoGradGuard no_grad;
    const auto output = policy_->forward(observations.to(device_));
    const auto logits = output.logits.to(torch::kCPU);
    auto actions = sample_actions(logits, rng);
    auto log_probs = torch::log_softmax(logits, 1).gather(1, actions.unsqueeze(1)).squeeze(1);
    return {actions, log_probs, output.value.to(torch::kCPU)};
}

torch::Tensor PpoLearner::values(const ObservationBatch& observations) {
    torch::NoGradGuard no_grad;
    return policy_->forward(observations.to(device_)).value.to(torch::kCPU);
}

UpdateStats PpoLearner::update(const Rollout& rollout, std::uint64_t update_index,
                               std::mt19937_64& rng) {
    UpdateStats stats;
    stats.learning_rate = config_.learning_rate;
    if (config_.anneal_lr) {
        const double left =
            1.0 - static_cast<double>(update_index) / static_cast<double>(config_.total_updates());
        stats.learning_rate = config_.learning_rate * std::max(left, 0.0);
    }
    for (auto& group : optimizer_.param_groups())
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(stats.learning_rate);

    auto [advantages, returns] = advantages_and_returns(rollout, config_.gamma, config_.gae_lambda);
    const auto samples = static_cast<std::int64_t>(rollout.steps) * rollout.envs;
    auto flat = [&](const torch::Tensor& tensor) {
        auto sizes = tensor.sizes().vec();
        sizes.erase(sizes.begin());
        sizes[0] = samples;
        return tensor.slice(0, 0, rollout.steps).reshape(sizes);
    };
    const ObservationBatch observations{
        flat(rollout.observations.screen), flat(rollout.observations.visited),
        flat(rollout.observations.features), flat(rollout.observations.map)};
    const auto actions = rollout.actions.reshape({samples});
    const auto old_log_probs = rollout.log_probs.reshape({samples});
    const auto old_values = rollout.values.slice(0, 0, rollout.steps).reshape({samples});
    advantages = advantages.reshape({samples});
    returns = returns.reshape({samples});

    const std::int64_t minibatch = std::max<std::int64_t>(1, samples / config_.minibatches);
    std::vector<std::int64_t> order(static_cast<std::size_t>(samples));
    std::iota(order.begin(), order.end(), 0);
    int minibatches_done = 0;
    for (int epoch = 0; epoch < config_.epochs; ++epoch) {
        std::shuffle(order.begin(), order.end(), rng);
        for (std::int64_t start = 0; start + minibatch <= samples; start += minibatch) {
            const auto rows = torch::from_blob(order.data() + start, {minibatch}, torch::kInt64);
            const auto batch = observations.index(rows).to(device_);
            const auto output = policy_->forward(batch);
            const auto log_softmax = torch::log_softmax(output.logits, 1);
            const auto new_log_probs =
                log_softmax.gather(1, actions.index_select(0, rows).to(device_).unsqueeze(1))
                    .squeeze(1);
            const auto entropy = -(log_softmax.exp() * log_softmax).sum(1).mean();
            const auto log_ratio = new_log_probs - old_log_probs.index_select(0, rows).to(device_);
            const auto ratio = log_ratio.exp();
            auto advantage = advantages.index_select(0, rows).to(device_);
            if (config_.normalise_advantages)
                advantage = (advantage - advantage.mean()) / (advantage.std() + 1e-8);
            const auto policy_loss =
                torch::max(-advantage * ratio,
                           -advantage * torch::clamp(ratio, 1.0 - config_.clip, 1.0 + config_.clip))
                    .mean();
            const auto value_loss =
                0.5 * (output.value - returns.index_select(0, rows).to(device_)).pow(2).mean();
            const auto loss =
                policy_loss - config_.entropy_coef * entropy + config_.value_coef * value_loss;

            optimizer_.zero_grad();
            loss.backward();
            torch::nn::utils::clip_grad_norm_(policy_->parameters(), config_.max_grad_norm);
            optimizer_.step();

            torch::NoGradGuard no_grad;
            stats.policy_loss += policy_loss.item<double>();
            stats.value_loss += value_loss.item<double>();
            stats.entropy += entropy.item<double>();
            stats.approx_kl += ((ratio - 1) - log_ratio).mean().item<double>();
            stats.clip_fraction +=
                ((ratio - 1.0).abs() > config_.clip).to(torch::kFloat32).mean().item<double>();
            ++minibatches_done;
        }
    }
    if (minibatches_done > 0) {
        stats.policy_loss /= minibatches_done;
        stats.value_loss /= minibatches_done;
        stats.entropy /= minibatches_done;
        stats.approx_kl /= minibatches_done;
        stats.clip_fraction /= minibatches_done;
    }
    const auto return_variance = returns.var().item<double>();
    stats.explained_variance =
        return_variance > 0 ? 1.0 - (returns - old_values).var().item<double>() / return_variance
                            : 0.0;
    return stats;
}

}  // namespace crl::rl
