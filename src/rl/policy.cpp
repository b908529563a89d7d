#include "rl/policy.h"

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "env/observation.h"

namespace crl::rl {
namespace {

constexpr int kVisitedFeatures = 32;
constexpr int kStateFeatures = 32;

// Orthogonal weights and zero biases, as PPO implementations commonly start: the policy head
// small so the first policy is near uniform.
template <class Layer>
void initialise(Layer& layer, double gain) {
    torch::NoGradGuard no_grad;
    torch::nn::init::orthogonal_(layer->weight, gain);
    torch::nn::init::zeros_(layer->bias);
}

// Output size of a convolution without padding.
int conv_out(int size, int kernel, int stride) {
    return (size - kernel) / stride + 1;
}

}  // namespace

nlohmann::json PolicyShape::to_json() const {
    return {{"conv_channels", conv_channels}, {"hidden", hidden}, {"map_embedding", map_embedding}};
}

PolicyShape PolicyShape::from_json(const nlohmann::json& json) {
    PolicyShape shape;
    shape.conv_channels = json.value("conv_channels", shape.conv_channels);
    shape.hidden = json.value("hidden", shape.hidden);
    shape.map_embedding = json.value("map_embedding", shape.map_embedding);
    return shape;
}

ObservationBatch ObservationBatch::index(const torch::Tensor& rows) const {
    return {screen.index_select(0, rows), visited.index_select(0, rows),
            features.index_select(0, rows), map.index_select(0, rows)};
}

ObservationBatch ObservationBatch::to(const torch::Device& device) const {
    return {screen.to(device), visited.to(device), features.to(device), map.to(device)};
}

PolicyImpl::PolicyImpl(PolicyShape shape) : shape_(shape) {
    const int channels = shape.conv_channels;
    conv1_ = register_module(
        "conv1",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(env::kObsFrames, channels, 8).stride(4)));
    conv2_ = register_module(
        "conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 2 * channels, 4).stride(2)));
    const int height = conv_out(conv_out(env::kObsScreenHeight, 8, 4), 4, 2);
    const int width = conv_out(conv_out(env::kObsScreenWidth, 8, 4), 4, 2);
    screen_out_ = register_module("screen_out",
                                  torch::nn::Linear(2 * channels * height * width, shape.hidden));
    visited_out_ = register_module(
        "visited_out",
        torch::nn::Linear(env::kObsVisitedSide * env::kObsVisitedSide, kVisitedFeatures));
    features_out_ = register_module(
        "features_out",
        torch::nn::Linear(static_cast<std::int64_t>(env::feature_count()), kStateFeatures));
    map_embedding_ = register_module("map_embedding",
                                     torch::nn::Embedding(env::kObsMapSlots, shape.map_embedding));
    hidden_ = register_module("hidden", torch::nn::Linear(shape.hidden + kVisitedFeatures +
                                                              kStateFeatures + shape.map_embedding,
                                                          shape.hidden));
    policy_head_ = register_module("policy_head", torch::nn::Linear(shape.hidden, kActionCount));
    value_head_ = register_module("value_head", torch::nn::Linear(shape.hidden, 1));

    const double relu_gain = std::sqrt(2.0);
    initialise(conv1_, relu_gain);
    initialise(conv2_, relu_gain);
    initialise(screen_out_, relu_gain);
    initialise(visited_out_, relu_gain);
    initialise(features_out_, relu_gain);
    initialise(hidden_, relu_gain);
    initialise(policy_head_, 0.01);
    initialise(value_head_, 1.0);
}

PolicyOutput PolicyImpl::forward(const ObservationBatch& batch) {
    auto screen = batch.screen.to(torch::kFloat32).div(255.0);
    screen = torch::relu(conv1_(screen));
    screen = torch::relu(conv2_(screen)).flatten(1);
    screen = torch::relu(screen_out_(screen));
    auto visited = batch.visited.to(torch::kFloat32).div(255.0).flatten(1);
    visited = torch::relu(visited_out_(visited));
    auto features = torch::relu(features_out_(batch.features));
    auto map = map_embedding_(batch.map);
    auto joined = torch::relu(hidden_(torch::cat({screen, visited, features, map}, 1)));
    return {policy_head_(joined), value_head_(joined).squeeze(1)};
}

void save_policy(Policy& policy, const std::filesystem::path& path) {
    const auto temporary = path.string() + ".tmp";
    torch::save(policy, temporary);
    std::filesystem::rename(temporary, path);
    auto shape_path = path;
    shape_path.replace_extension(".json");
    std::ofstream(shape_path) << policy->shape().to_json().dump(2) << '\n';
}

Policy load_policy(const std::filesystem::path& path, const torch::Device& device) {
    if (!std::filesystem::exists(path))
        throw std::runtime_error("policy '" + path.string() + "' does not exist");
    auto shape_path = path;
    shape_path.replace_extension(".json");
    PolicyShape shape;
    if (std::filesystem::exists(shape_path)) {
        std::ifstream in(shape_path);
        shape = PolicyShape::from_json(nlohmann::json::parse(in));
    }
    Policy policy(shape);
    std::map<std::string, std::vector<std::int64_t>> sizes;
    for (const auto& parameter : policy->named_parameters())
        sizes[parameter.key()] = parameter.value().sizes().vec();
    try {
        torch::load(policy, path.string());
    } catch (const c10::Error& error) {
        throw std::runtime_error("policy '" + path.string() +
                                 "' cannot be loaded: " + error.what_without_backtrace());
    }
    // torch::load takes the file's tensors as they are; a policy from a build whose observation
    // had other sizes would fail later, deep inside a layer.
    for (const auto& parameter : policy->named_parameters()) {
        if (parameter.value().sizes().vec() == sizes[parameter.key()]) continue;
        throw std::runtime_error(
            "policy '" + path.string() + "' does not fit this build and " + shape_path.string() +
            ": its " + parameter.key() + " is " + c10::str(parameter.value().sizes()) +
            ", expected " + c10::str(c10::IntArrayRef(sizes[parameter.key()])) +
            " (this build's observation has " + std::to_string(env::feature_count()) +
            " features); train it again with this build (crystal-rl train)");
    }
    policy->to(device);
    return policy;
}

}  // namespace crl::rl
