#include "agent/ppo_agent.h"

#include "env/observation.h"
#include "rl/ppo.h"

namespace crl::agent {

struct PpoAgent::Model {
    explicit Model(const std::filesystem::path& path)
        : policy(rl::load_policy(path, torch::kCPU)), row(0, 1) {
        policy->eval();
    }
    env::ObservationBuffers buffers() {
        auto screen = row.observations.screen[0][0];
        auto visited = row.observations.visited[0][0];
        auto features = row.observations.features[0][0];
        auto map = row.observations.map[0][0];
        return {
            std::span(screen.data_ptr<std::uint8_t>(), static_cast<std::size_t>(screen.numel())),
            std::span(visited.data_ptr<std::uint8_t>(), static_cast<std::size_t>(visited.numel())),
            std::span(features.data_ptr<float>(), static_cast<std::size_t>(features.numel())),
            std::span(map.data_ptr<std::int64_t>(), 1)};
    }
    rl::Policy policy;
    rl::Rollout row;  // one observation, reused
    env::ObservationBuilder builder;
};

PpoAgent::PpoAgent(const std::filesystem::path& policy, bool greedy, std::uint32_t seed)
    : model_(std::make_unique<Model>(policy)), greedy_(greedy), random_(seed) {}

PpoAgent::~PpoAgent() = default;

Decision PpoAgent::decide(const Observation& observation) {
    Decision decision;
    decision.agent = name();
    decision.source = "policy";
    if (observation.screen_rgb.size() != emu::kFrameRgbBytes) return decision;  // nothing to see
    // Training's episodes begin past the title screen (env::EpisodeStart::past_title), so the
    // policy has never learned it: START is pressed there as training's episode start does.
    if (observation.state.screen == game::Screen::kTitle) {
        decision.action = env::Action::kStart;
        decision.source = "title";
        decision.reasoning = "the title screen: START, as training's episodes begin past it";
        started_ = false;
        return decision;
    }
    if (!started_) {
        model_->builder.begin_episode(observation.state, observation.screen_rgb, model_->buffers());
        started_ = true;
    } else {
        model_->builder.observe(observation.state, observation.screen_rgb, model_->buffers());
    }
    torch::NoGradGuard no_grad;
    const auto logits = model_->policy->forward(model_->row.at(0)).logits;
    const auto action = greedy_ ? logits.argmax(1) : rl::sample_actions(logits, random_);
    const auto index = static_cast<std::size_t>(action[0].item<std::int64_t>());
    decision.action = env::kAllActions.at(index);
    const auto probabilities = torch::softmax(logits, 1)[0];
    decision.reasoning =
        (greedy_ ? "greedy, p=" : "sampled, p=") +
        std::to_string(probabilities[static_cast<std::int64_t>(index)].item<double>()).substr(0, 5);
    return decision;
}

}  // namespace crl::agent
