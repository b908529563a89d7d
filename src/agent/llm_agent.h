// agent/llm_agent.h — a chat model plays: a local Ollama (/api/chat) or any OpenAI-compatible
// server (/v1/chat/completions). Requests run on the agent's own worker thread; while one is in
// flight (or the server is failing) the fallback agent plays, so emulation never waits. Every
// prompt, reply, parsed action, reasoning, latency and error is reported with the decision.
// The model acts through tools (agent/llm_tools.h) that the agent carries out over several steps
// (agent/llm_tool_runner.h); a plain JSON answer with one button still works.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "agent/agent.h"
#include "agent/llm_tool_runner.h"
#include "agent/llm_tools.h"

namespace crl::agent {

struct LlmOptions {
    std::string api = "ollama";                  // ollama or openai
    std::string url = "http://127.0.0.1:11434";  // server base URL
    std::string model = "llama3.2";
    std::string api_key;  // sent as a Bearer token when set (OpenAI-compatible servers)
    double temperature = 0.7;
    int interval = 10;  // consult every N actions, and when the map, a battle or a text box changes
    bool vision = false;  // send the screen as a PNG
    bool tools = true;    // offer the tools (function calling); off: one button as JSON
    double timeout_seconds = 10;
    int failures_before_backoff = 3;
    double backoff_seconds = 15;  // doubles after each further failure, up to 5 minutes
    std::string goal = "Explore the world, talk to people, win battles and earn every badge.";

    std::string endpoint() const;  // the full URL requests go to
};

class LlmAgent final : public Agent {
  public:
    LlmAgent(LlmOptions options, std::unique_ptr<Agent> fallback);
    ~LlmAgent() override;  // cancels a request in flight at once
    LlmAgent(const LlmAgent&) = delete;
    LlmAgent& operator=(const LlmAgent&) = delete;

    std::string name() const override { return "llm"; }
    Decision decide(const Observation& observation) override;
    nlohmann::json stats() const override;
    bool wants_screen() const override { return options_.vision; }
    bool wants_map() const override { return true; }

    // The request body for an observation, and the user message inside it (exposed for tests).
    nlohmann::json request_body(const Observation& observation) const;
    std::string prompt(const Observation& observation) const;

  private:
    struct Outcome {
        std::optional<env::Action> action;
        std::vector<ToolCall> calls;
        std::string reasoning;
        std::string prompt;
        std::string reply;
        std::string error;
        double latency_ms = 0;
    };
    void worker(std::stop_token stop);
    Outcome perform(const std::string& body, const std::string& prompt);
    void read_answer(const std::string& response, Outcome& outcome);
    bool note_events(const Observation& observation);  // true when a map, battle or text began
    void event(std::string text);
    void count(const Outcome& outcome);
    void start_tools(const Outcome& outcome, const Observation& observation,
                     nlohmann::json& details);
    void ask(const Observation& observation);
    double now() const;

    LlmOptions options_;
    std::unique_ptr<Agent> fallback_;

    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::optional<std::pair<std::string, std::string>> request_;  // body, prompt
    std::optional<Outcome> outcome_;
    bool in_flight_ = false;
    std::atomic<bool> cancel_{false};

    // Emulator-thread state.
    std::uint64_t last_consulted_step_ = 0;
    bool consulted_once_ = false;
    bool consult_now_ = false;  // a tool ended or a call was refused: tell the model at once
    int last_map_ = -1;
    bool last_battle_ = false;
    bool last_text_ = false;
    int last_badges_ = 0;
    std::size_t last_party_size_ = 0;
    ToolRunner tools_;
    std::deque<std::string> events_;     // what happened in the game lately, newest last
    std::vector<std::string> feedback_;  // tool outcomes and errors not yet told to the model
    nlohmann::json tool_details_;        // the request that started the running tool
    std::string tool_reasoning_;
    double tool_latency_ms_ = 0;
    int consecutive_failures_ = 0;
    double backoff_until_ = 0;
    double current_backoff_ = 0;

    std::atomic<std::uint64_t> calls_{0};
    std::atomic<std::uint64_t> errors_{0};
    std::atomic<std::uint64_t> fallbacks_{0};
    std::atomic<double> total_latency_ms_{0};
    std::atomic<std::uint64_t> tool_calls_{0};
    std::atomic<std::uint64_t> tool_errors_{0};
    std::atomic<bool> tools_supported_{true};  // cleared when the server refuses `tools`

    std::jthread thread_;
};

}  // namespace crl::agent
