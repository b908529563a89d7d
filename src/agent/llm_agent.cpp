#include "agent/llm_agent.h"

#include <curl/curl.h>

#include <chrono>
#include <mutex>

#include "agent/llm_prompt.h"
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

constexpr std::size_t kEventsKept = 8;
constexpr std::size_t kFeedbackKept = 10;  // a reply may hold several refused calls

std::string place_name(const game::GameState& state) {
    return state.map_name.empty() ? "map " + std::to_string(state.map_id) : state.map_name;
}

nlohmann::json calls_json(const std::vector<ToolCall>& calls) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& call : calls) {
        nlohmann::json entry = {{"name", call.name}, {"arguments", call.arguments}};
        if (!call.error.empty()) entry["error"] = call.error;
        list.push_back(std::move(entry));
    }
    return list;
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
    return build_prompt({options_.goal, observation, tools_, events_, feedback_,
                         options_.tools && tools_supported_});
}

nlohmann::json LlmAgent::request_body(const Observation& observation) const {
    const bool offer_tools = options_.tools && tools_supported_;
    const std::string user = prompt(observation);
    std::string image;
    if (options_.vision && observation.screen_rgb.size() == emu::kFrameRgbBytes) {
        image = image::base64(
            image::encode_png(observation.screen_rgb, emu::kScreenWidth, emu::kScreenHeight));
    }
    nlohmann::json messages =
        nlohmann::json::array({{{"role", "system"}, {"content", system_prompt(offer_tools)}}});
    nlohmann::json body;
    if (options_.api == "ollama") {
        nlohmann::json message = {{"role", "user"}, {"content", user}};
        if (!image.empty()) message["images"] = {image};
        messages.push_back(message);
        body = {{"model", options_.model},
                {"messages", messages},
                {"stream", false},
                {"options", {{"temperature", options_.temperature}}}};
        // Ollama's JSON mode would hold back tool calls; it is for the plain answer only.
        if (!offer_tools) body["format"] = "json";
    } else {
        if (image.empty()) {
            messages.push_back({{"role", "user"}, {"content", user}});
        } else {
            messages.push_back({{"role", "user"},
                                {"content",
                                 {{{"type", "text"}, {"text", user}},
                                  {{"type", "image_url"},
                                   {"image_url", {{"url", "data:image/png;base64," + image}}}}}}});
        }
        body = {{"model", options_.model},
                {"messages", messages},
                {"temperature", options_.temperature}};
    }
    if (offer_tools) body["tools"] = tool_schemas();
    return body;
}

void LlmAgent::event(std::string text) {
    events_.push_back(std::move(text));
    while (events_.size() > kEventsKept)
        events_.pop_front();
}

bool LlmAgent::note_events(const Observation& observation) {
    const auto& state = observation.state;
    const bool new_map = state.map_id != last_map_;
    const bool battle_began = state.in_battle() && !last_battle_;
    const bool text_opened = state.text_open && !last_text_;
    const std::string at = " at (" + std::to_string(state.x) + ", " + std::to_string(state.y) + ")";
    if (new_map && last_map_ != -1) event("entered " + place_name(state) + at);
    if (battle_began) {
        event(game::to_string(state.battle.kind) + " battle began against " +
              state.battle.enemy_name + " L" + std::to_string(state.battle.enemy_level));
    }
    if (!state.in_battle() && last_battle_) {
        event("the battle ended; lead " +
              (state.party.empty()
                   ? std::string("none")
                   : state.party.front().name + " HP " + std::to_string(state.party.front().hp) +
                         "/" + std::to_string(state.party.front().max_hp)));
    }
    if (text_opened) event("a text box opened" + at + " on " + place_name(state));
    if (state.badges > last_badges_ && last_map_ != -1) {
        event("badge earned: now " + std::to_string(state.badges));
    }
    if (state.party.size() > last_party_size_ && last_map_ != -1) {
        event("new Pokémon in the party: " + state.party.back().name);
    }
    last_map_ = state.map_id;
    last_battle_ = state.in_battle();
    last_text_ = state.text_open;
    last_badges_ = state.badges;
    last_party_size_ = state.party.size();
    return new_map || battle_began || text_opened;
}

void LlmAgent::count(const Outcome& outcome) {
    calls_ += 1;
    total_latency_ms_ = total_latency_ms_.load() + outcome.latency_ms;
    if (!outcome.action && outcome.calls.empty()) {
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

// Notes are kept at once; the first press/navigate_to/talk_to that can start runs; every refused
// call becomes feedback for the next prompt.
void LlmAgent::start_tools(const Outcome& outcome, const Observation& observation,
                           nlohmann::json& details) {
    tool_calls_ += outcome.calls.size();
    nlohmann::json errors = nlohmann::json::array();
    auto refuse = [&](const std::string& what, const std::string& why) {
        tool_errors_ += 1;
        feedback_.push_back(what + ": ERROR: " + why);
        errors.push_back(what + ": " + why);
    };
    bool started = false;
    for (const auto& call : outcome.calls) {
        const auto checked = check_tool_call(call);
        if (const auto* error = std::get_if<std::string>(&checked)) {
            refuse(call.name.empty() ? "a call without a name" : call.name, *error);
            continue;
        }
        const auto& command = std::get<ToolCommand>(checked);
        const bool is_note = std::holds_alternative<NoteTool>(command);
        if (started && !is_note) {
            refuse(describe(command), "ignored: one action per turn (the first one runs)");
            continue;
        }
        if (const auto error = tools_.start(command, observation)) {
            refuse(describe(command), *error);
            continue;
        }
        if (is_note) {
            if (auto kept = tools_.take_outcome()) feedback_.push_back(*kept);
        } else {
            started = true;
            details["tool"] = tools_.label();
            if (auto plan = tools_.plan_json(); !plan.is_null()) details["plan"] = plan;
        }
    }
    if (!errors.empty()) details["tool_errors"] = errors;
    if (!started) consult_now_ = true;  // nothing to carry out: ask again with the errors
}

void LlmAgent::ask(const Observation& observation) {
    auto body = request_body(observation).dump();
    auto text = prompt(observation);
    feedback_.clear();  // told now
    {
        std::lock_guard lock(mutex_);
        request_ = std::make_pair(std::move(body), std::move(text));
    }
    wake_.notify_all();
    consulted_once_ = true;
    consult_now_ = false;
    last_consulted_step_ = observation.step;
}

Decision LlmAgent::decide(const Observation& observation) {
    tools_.observe(observation);
    const bool changed = note_events(observation);
    std::optional<Outcome> outcome;
    bool busy = false;
    {
        std::lock_guard lock(mutex_);
        outcome.swap(outcome_);
        busy = in_flight_ || request_.has_value();
    }
    Decision decision;
    decision.agent = name();
    nlohmann::json details = nlohmann::json::object();
    if (outcome) {
        count(*outcome);
        details = {{"prompt", outcome->prompt}, {"reply", outcome->reply}};
        if (!outcome->calls.empty()) {
            details["tool_calls"] = calls_json(outcome->calls);
            start_tools(*outcome, observation, details);
            tool_details_ = details;
            tool_reasoning_ = outcome->reasoning;
            tool_latency_ms_ = outcome->latency_ms;
            details = nlohmann::json::object();
        }
    }
    std::optional<env::Action> tool_action;
    bool first_tool_step = false;
    if (tools_.active()) {
        first_tool_step = !tool_details_.empty();
        tool_action = tools_.next(observation);
    }
    if (auto ended = tools_.take_outcome()) {
        feedback_.push_back(*ended);
        details["tool_outcome"] = *ended;
        consult_now_ = true;
    }
    while (feedback_.size() > kFeedbackKept)
        feedback_.erase(feedback_.begin());
    const bool due =
        !consulted_once_ || consult_now_ ||
        observation.step >= last_consulted_step_ + static_cast<std::uint64_t>(options_.interval);
    if (!busy && !tools_.active() && (due || changed) && now() >= backoff_until_) ask(observation);

    if (tool_action) {  // a step of the running tool
        decision.action = *tool_action;
        decision.source = "llm";
        decision.reasoning =
            tools_.label() + (tool_reasoning_.empty() ? "" : ": " + tool_reasoning_);
        if (first_tool_step) {
            details.update(tool_details_);
            decision.latency_ms = tool_latency_ms_;
            tool_details_ = nlohmann::json::object();
        } else {
            details["tool"] = tools_.label();
        }
        decision.details = std::move(details);
        return decision;
    }
    if (outcome && outcome->action) {  // the plain answer: one button
        decision.action = *outcome->action;
        decision.source = "llm";
        decision.reasoning = outcome->reasoning;
        decision.latency_ms = outcome->latency_ms;
        decision.details = std::move(details);
        return decision;
    }
    Decision fallback = fallback_->decide(observation);
    fallbacks_ += 1;
    fallback.agent = name();
    fallback.source = "fallback";
    if (outcome && outcome->calls.empty()) {  // a failed request: say why, once
        fallback.latency_ms = outcome->latency_ms;
        details["error"] = outcome->error;
        fallback.reasoning = "LLM failed (" + outcome->error + "); " + fallback.reasoning;
    } else if (outcome) {
        fallback.latency_ms = outcome->latency_ms;
        details.update(tool_details_);  // every call refused: keep what was asked
        tool_details_ = nlohmann::json::object();
    }
    if (!details.empty()) fallback.details = std::move(details);
    return fallback;
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
    if (status == 400 && tools_supported_ && response.find("tool") != std::string::npos) {
        // Models without function calling: ask for the plain JSON answer from now on.
        tools_supported_ = false;
        outcome.error = "HTTP 400: the model does not take tools; plain JSON answers from now on";
        return outcome;
    }
    if (status != 200) {
        outcome.error = "HTTP " + std::to_string(status) + " from " + endpoint;
        return outcome;
    }
    read_answer(response, outcome);
    return outcome;
}

void LlmAgent::read_answer(const std::string& response, Outcome& outcome) {
    const auto json = nlohmann::json::parse(response, nullptr, false);
    nlohmann::json message;
    if (!json.is_discarded() && json.is_object()) {
        if (json.contains("message") && json["message"].is_object()) {
            message = json["message"];  // Ollama
        } else if (json.contains("choices") && json["choices"].is_array() &&
                   !json["choices"].empty() && json["choices"][0].is_object() &&
                   json["choices"][0].contains("message")) {
            message = json["choices"][0]["message"];  // OpenAI-compatible
        }
    }
    const std::string content =
        message.is_object() && message.contains("content") && message["content"].is_string()
            ? message["content"].get<std::string>()
            : std::string();
    outcome.calls = read_tool_calls(message);
    if (!outcome.calls.empty()) {
        outcome.reply = content.empty() ? calls_json(outcome.calls).dump() : content;
        // Text beside the calls is the model's reasoning (unless it was the call itself).
        if (!content.empty() && content.front() != '{') outcome.reasoning = content;
        return;
    }
    if (content.empty()) {
        outcome.error = "the server's answer has no message content";
        return;
    }
    outcome.reply = content;
    const auto parsed = parse_reply(content);
    if (!parsed) {
        outcome.error = "no button in the reply";
        return;
    }
    outcome.action = parsed->action;
    outcome.reasoning = parsed->reasoning;
}

nlohmann::json LlmAgent::stats() const {
    const auto calls = calls_.load();
    return {{"llm_calls", calls},
            {"llm_errors", errors_.load()},
            {"llm_fallbacks", fallbacks_.load()},
            {"llm_tool_calls", tool_calls_.load()},
            {"llm_tool_errors", tool_errors_.load()},
            {"llm_avg_time",
             calls ? total_latency_ms_.load() / static_cast<double>(calls) / 1000.0 : 0.0}};
}

}  // namespace crl::agent
