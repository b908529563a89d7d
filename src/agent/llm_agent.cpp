#include "agent/llm_agent.h"

#include <curl/curl.h>

#include <chrono>
#include <mutex>

#include "agent/llm_reply.h"
#include "emu/machine.h"
#include "image/base64.h"
#include "image/png.h"

namespace crl::agent {
namespace {

constexpr double kMaxBackoffSeconds = 300;

void init_curl_once() {
    static std::once_flag once;  // libcurl's global set-up must run once, before any transfer
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct HeadersDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* target) {
    static_cast<std::string*>(target)->append(data, size * count);
    return size * count;
}

int check_cancel(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<std::atomic<bool>*>(cancel)->load() ? 1 : 0;  // non-zero aborts
}

std::string describe_state(const game::GameState& state) {
    nlohmann::json party = nlohmann::json::array();
    for (const auto& member : state.party) {
        party.push_back({{"name", member.name},
                         {"level", member.level},
                         {"hp", member.hp},
                         {"max_hp", member.max_hp}});
    }
    nlohmann::json summary = {
        {"screen", game::to_string(state.screen)},
        {"map", state.map_name.empty() ? std::to_string(state.map_id) : state.map_name},
        {"x", state.x},
        {"y", state.y},
        {"facing", state.facing},
        {"badges", state.badges},
        {"money", state.money},
        {"party", party},
        {"text_box_open", state.text_open}};
    if (state.in_battle()) {
        summary["battle"] = {{"kind", game::to_string(state.battle.kind)},
                             {"enemy", state.battle.enemy_name},
                             {"enemy_level", state.battle.enemy_level},
                             {"enemy_hp", state.battle.enemy_hp}};
    }
    return summary.dump();
}

}  // namespace

std::string LlmOptions::endpoint() const {
    std::string base = url;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    if (api == "openai") {
        if (base.size() >= 3 && base.compare(base.size() - 3, 3, "/v1") == 0)
            return base + "/chat/completions";
        return base + "/v1/chat/completions";
    }
    return base + "/api/chat";
}

LlmAgent::LlmAgent(LlmOptions options, std::unique_ptr<Agent> fallback)
    : options_(std::move(options)), fallback_(std::move(fallback)) {
    if (options_.api != "ollama" && options_.api != "openai") {
        throw std::invalid_argument("--llm-api '" + options_.api + "': use ollama or openai");
    }
    init_curl_once();
    thread_ = std::jthread([this](std::stop_token stop) { worker(stop); });
}

LlmAgent::~LlmAgent() {
    cancel_ = true;
    thread_.request_stop();
    wake_.notify_all();
}

double LlmAgent::now() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string LlmAgent::prompt(const Observation& observation) const {
    std::string recent;
    for (const auto& step : observation.recent) {
        if (!recent.empty()) recent += ", ";
        char reward[32];
        std::snprintf(reward, sizeof reward, "%+.3f", step.reward);
        recent += env::to_string(step.action) + " (" + reward + ")";
    }
    return "Goal: " + options_.goal + "\nStep: " + std::to_string(observation.step) +
           "\nGame state: " + describe_state(observation.state) +
           "\nRecent actions (reward): " + (recent.empty() ? "none" : recent) +
           "\nWhich button next?";
}

nlohmann::json LlmAgent::request_body(const Observation& observation) const {
    const std::string system =
        "You are playing a Game Boy game, one button press at a time. Answer with JSON only: "
        "{\"action\": one of \"A\", \"B\", \"START\", \"SELECT\", \"UP\", \"DOWN\", \"LEFT\", "
        "\"RIGHT\", "
        "\"NOOP\", \"reasoning\": one short sentence}.";
    const std::string user = prompt(observation);
    std::string image;
    if (options_.vision && observation.screen_rgb.size() == emu::kFrameRgbBytes) {
        image = image::base64(
            image::encode_png(observation.screen_rgb, emu::kScreenWidth, emu::kScreenHeight));
    }
    nlohmann::json messages = nlohmann::json::array({{{"role", "system"}, {"content", system}}});
    if (options_.api == "ollama") {
        nlohmann::json message = {{"role", "user"}, {"content", user}};
        if (!image.empty()) message["images"] = {image};
        messages.push_back(message);
        return {{"model", options_.model},
                {"messages", messages},
                {"stream", false},
                {"format", "json"},
                {"options", {{"temperature", options_.temperature}}}};
    }
    if (image.empty()) {
        messages.push_back({{"role", "user"}, {"content", user}});
    } else {
        messages.push_back({{"role", "user"},
                            {"content",
                             {{{"type", "text"}, {"text", user}},
                              {{"type", "image_url"},
                               {"image_url", {{"url", "data:image/png;base64," + image}}}}}}});
    }
    return {
        {"model", options_.model}, {"messages", messages}, {"temperature", options_.temperature}};
}

bool LlmAgent::should_consult(const Observation& observation) {
    const auto& state = observation.state;
    const bool changed = state.map_id != last_map_ || (state.in_battle() && !last_battle_) ||
                         (state.text_open && !last_text_);
    last_map_ = state.map_id;
    last_battle_ = state.in_battle();
    last_text_ = state.text_open;
    const bool due =
        !consulted_once_ ||
        observation.step >= last_consulted_step_ + static_cast<std::uint64_t>(options_.interval);
    return (due || changed) && now() >= backoff_until_;
}

Decision LlmAgent::decide(const Observation& observation) {
    std::optional<Outcome> outcome;
    bool busy = false;
    {
        std::lock_guard lock(mutex_);
        outcome.swap(outcome_);
        busy = in_flight_ || request_.has_value();
    }
    if (outcome) {
        calls_ += 1;
        total_latency_ms_ = total_latency_ms_.load() + outcome->latency_ms;
        if (!outcome->action) {
            errors_ += 1;
            if (++consecutive_failures_ >= options_.failures_before_backoff) {
                current_backoff_ = current_backoff_ == 0
                                       ? options_.backoff_seconds
                                       : std::min(current_backoff_ * 2, kMaxBackoffSeconds);
                backoff_until_ = now() + current_backoff_;
            }
        } else {
            consecutive_failures_ = 0;
            current_backoff_ = 0;
        }
    }
    if (!busy && should_consult(observation)) {
        auto body = request_body(observation).dump();
        {
            std::lock_guard lock(mutex_);
            request_ = std::make_pair(std::move(body), prompt(observation));
        }
        wake_.notify_all();
        consulted_once_ = true;
        last_consulted_step_ = observation.step;
    }
    if (outcome && outcome->action) {
        Decision decision;
        decision.action = *outcome->action;
        decision.agent = name();
        decision.source = "llm";
        decision.reasoning = outcome->reasoning;
        decision.latency_ms = outcome->latency_ms;
        decision.details = {{"prompt", outcome->prompt}, {"reply", outcome->reply}};
        return decision;
    }
    Decision decision = fallback_->decide(observation);
    fallbacks_ += 1;
    decision.agent = name();
    decision.source = "fallback";
    if (outcome) {  // a failed request: say why, once, with the decision that replaced it
        decision.latency_ms = outcome->latency_ms;
        decision.details = {
            {"prompt", outcome->prompt}, {"reply", outcome->reply}, {"error", outcome->error}};
        decision.reasoning = "LLM failed (" + outcome->error + "); " + decision.reasoning;
    }
    return decision;
}

void LlmAgent::worker(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, stop, [this] { return request_.has_value(); });
        if (stop.stop_requested()) return;
        auto [body, prompt] = std::move(*request_);
        request_.reset();
        in_flight_ = true;
        lock.unlock();
        auto result = perform(body, prompt);
        lock.lock();
        in_flight_ = false;
        outcome_ = std::move(result);
    }
}

LlmAgent::Outcome LlmAgent::perform(const std::string& body, const std::string& prompt) {
    Outcome outcome;
    outcome.prompt = prompt;
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) {
        outcome.error = "libcurl could not start a request";
        return outcome;
    }
    std::unique_ptr<curl_slist, HeadersDeleter> headers(
        curl_slist_append(nullptr, "Content-Type: application/json"));
    if (!options_.api_key.empty()) {
        headers.reset(curl_slist_append(headers.release(),
                                        ("Authorization: Bearer " + options_.api_key).c_str()));
    }
    std::string response;
    const auto endpoint = options_.endpoint();
    curl_easy_setopt(curl.get(), CURLOPT_URL, endpoint.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS,
                     static_cast<long>(options_.timeout_seconds * 1000));
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, check_cancel);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &cancel_);

    const auto start = std::chrono::steady_clock::now();
    const CURLcode code = curl_easy_perform(curl.get());
    outcome.latency_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (code != CURLE_OK) {
        outcome.error = std::string(code == CURLE_OPERATION_TIMEDOUT ? "timeout: " : "") +
                        curl_easy_strerror(code) + " (" + endpoint + ")";
        return outcome;
    }
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    outcome.reply = response.substr(0, 4000);
    if (status != 200) {
        outcome.error = "HTTP " + std::to_string(status) + " from " + endpoint;
        return outcome;
    }
    const auto json = nlohmann::json::parse(response, nullptr, false);
    std::string content;
    if (!json.is_discarded()) {
        if (json.contains("message") && json["message"].contains("content") &&
            json["message"]["content"].is_string()) {
            content = json["message"]["content"];  // Ollama
        } else if (json.contains("choices") && !json["choices"].empty() &&
                   json["choices"][0].contains("message") &&
                   json["choices"][0]["message"]["content"].is_string()) {
            content = json["choices"][0]["message"]["content"];  // OpenAI-compatible
        }
    }
    if (content.empty()) {
        outcome.error = "the server's answer has no message content";
        return outcome;
    }
    outcome.reply = content;
    const auto parsed = parse_reply(content);
    if (!parsed) {
        outcome.error = "no button in the reply";
        return outcome;
    }
    outcome.action = parsed->action;
    outcome.reasoning = parsed->reasoning;
    return outcome;
}

nlohmann::json LlmAgent::stats() const {
    const auto calls = calls_.load();
    return {{"llm_calls", calls},
            {"llm_errors", errors_.load()},
            {"llm_fallbacks", fallbacks_.load()},
            {"llm_avg_time",
             calls ? total_latency_ms_.load() / static_cast<double>(calls) / 1000.0 : 0.0}};
}

}  // namespace crl::agent
