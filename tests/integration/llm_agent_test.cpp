// The LLM agent against a real HTTP server on loopback standing in for the model: scripted
// replies, slow replies, 500s, garbage and a refused connection.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "agent/llm_agent.h"
#include "agent/simple_agents.h"
#include "demo_rom.h"
#include "env/env.h"
#include "support/fake_llm_server.h"
#include "support/test_support.h"
#include "trainer/decision_log.h"

namespace crl::test {
namespace {

using namespace std::chrono_literals;
using env::Action;
using Reply = FakeLlmServer::Reply;

// A fallback that always presses SELECT, so fallback decisions are easy to tell apart.
class SelectAgent final : public agent::Agent {
  public:
    std::string name() const override { return "select"; }
    agent::Decision decide(const agent::Observation&) override {
        return {Action::kSelect,   "select", "policy",
                "fallback policy", 0,        nlohmann::json::object()};
    }
};

agent::LlmOptions options_for(const FakeLlmServer& server, const std::string& api = "ollama") {
    agent::LlmOptions options;
    options.api = api;
    options.url = server.url();
    options.model = "test-model";
    options.interval = 1;  // ask at every step
    options.timeout_seconds = 2;
    options.backoff_seconds = 60;
    return options;
}

class LlmAgentTest : public ::testing::Test {
  protected:
    agent::Decision decide(agent::Agent& agent) {
        const agent::Observation observation{state_, step_++, 0.0, recent_, {}};
        return agent.decide(observation);
    }
    // Decides until `done` says stop, at most `seconds`; returns every decision.
    std::vector<agent::Decision> decide_until(
        agent::Agent& agent, const std::function<bool(const agent::Decision&)>& done,
        double seconds = 5) {
        std::vector<agent::Decision> decisions;
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (std::chrono::steady_clock::now() < deadline) {
            decisions.push_back(decide(agent));
            if (done(decisions.back())) break;
            std::this_thread::sleep_for(5ms);
        }
        return decisions;
    }
    game::GameState state_;
    std::deque<agent::Recent> recent_;
    std::uint64_t step_ = 0;
};

TEST_F(LlmAgentTest, ScriptedRepliesBecomeActionsWithTheirReasoning) {
    FakeLlmServer server;
    server.script(
        {{200, FakeLlmServer::ollama(R"({"action": "UP", "reasoning": "north is new"})")},
         {200, FakeLlmServer::ollama("```json\n{\"action\": \"a\", \"reasoning\": \"talk\"}\n```")},
         {200, FakeLlmServer::ollama("RIGHT")}},
        {200, FakeLlmServer::ollama(R"({"action": "B"})")});
    agent::LlmAgent llm(options_for(server), std::make_unique<SelectAgent>());
    std::vector<agent::Decision> from_llm;
    decide_until(llm, [&](const agent::Decision& decision) {
        if (decision.source == "llm") from_llm.push_back(decision);
        return from_llm.size() == 3;
    });
    ASSERT_EQ(from_llm.size(), 3u);
    EXPECT_EQ(from_llm[0].action, Action::kUp);
    EXPECT_EQ(from_llm[0].reasoning, "north is new");
    EXPECT_EQ(from_llm[1].action, Action::kA);
    EXPECT_EQ(from_llm[1].reasoning, "talk");
    EXPECT_EQ(from_llm[2].action, Action::kRight);
    EXPECT_GT(from_llm[0].latency_ms, 0);
    EXPECT_NE(from_llm[0].details["prompt"].get<std::string>().find("Goal:"), std::string::npos);

    const auto requests = server.requests();
    ASSERT_GE(requests.size(), 3u);
    EXPECT_EQ(requests[0].target, "/api/chat");
    const auto body = nlohmann::json::parse(requests[0].body);
    EXPECT_EQ(body["model"], "test-model");
    EXPECT_EQ(body["stream"], false);
    EXPECT_EQ(body["messages"][0]["role"], "system");
    EXPECT_EQ(llm.stats()["llm_errors"], 0);
    EXPECT_GE(llm.stats()["llm_calls"].get<int>(), 3);
}

TEST_F(LlmAgentTest, OpenAiCompatibleServersWork) {
    FakeLlmServer server;
    server.script({}, {200, FakeLlmServer::openai(R"({"action": "DOWN", "reasoning": "south"})")});
    agent::LlmAgent llm(options_for(server, "openai"), std::make_unique<SelectAgent>());
    const auto decisions = decide_until(llm, [](const auto& d) { return d.source == "llm"; });
    EXPECT_EQ(decisions.back().action, Action::kDown);
    EXPECT_EQ(server.requests().at(0).target, "/v1/chat/completions");
    EXPECT_EQ(nlohmann::json::parse(server.requests().at(0).body)["temperature"], 0.7);
}

TEST_F(LlmAgentTest, FallbackPlaysWhileASlowReplyIsInFlight) {
    // What the player sees, not how fast: every decision before the slow reply lands is the
    // fallback's, the reply then arrives as one "llm" decision, and while it was in flight no
    // second request was sent. (If decide() waited for the server, the very first decision
    // would already be the model's.) decide()'s speed is a bench figure, not a test.
    FakeLlmServer server;
    server.script({{200, FakeLlmServer::ollama(R"({"action": "UP"})"), 800ms}},
                  {200, FakeLlmServer::ollama(R"({"action": "DOWN"})"), 800ms});
    agent::LlmAgent llm(options_for(server), std::make_unique<SelectAgent>());
    const auto decisions = decide_until(
        llm, [&](const agent::Decision& decision) { return decision.source == "llm"; });
    ASSERT_EQ(decisions.back().source, "llm");
    EXPECT_EQ(decisions.back().action, Action::kUp);
    EXPECT_GE(decisions.back().latency_ms, 800);
    ASSERT_GE(decisions.size(), 2u) << "the first decision waited for the server";
    for (std::size_t i = 0; i + 1 < decisions.size(); ++i) {
        EXPECT_EQ(decisions[i].source, "fallback") << "decision " << i;
        EXPECT_EQ(decisions[i].action, Action::kSelect) << "decision " << i;
    }
    EXPECT_LE(server.requests().size(), 2u) << "one request at a time";
}

TEST_F(LlmAgentTest, ServerErrorsGarbageAndTimeoutsFallBackAndAreCounted) {
    FakeLlmServer server;
    server.script({{500, "internal error"},
                   {200, "this is not json"},
                   {200, FakeLlmServer::ollama("I would rather not say.")},
                   {200, FakeLlmServer::ollama(R"({"action": "LEFT"})"), 3000ms}},
                  {200, FakeLlmServer::ollama(R"({"action": "RIGHT"})")});
    auto options = options_for(server);
    options.failures_before_backoff = 10;
    agent::LlmAgent llm(options, std::make_unique<SelectAgent>());
    std::vector<std::string> errors;
    const auto decisions = decide_until(
        llm,
        [&](const agent::Decision& decision) {
            if (decision.details.contains("error")) errors.push_back(decision.details["error"]);
            return decision.source == "llm";
        },
        10);
    ASSERT_EQ(errors.size(), 4u);
    EXPECT_NE(errors[0].find("HTTP 500"), std::string::npos) << errors[0];
    EXPECT_NE(errors[1].find("no message content"), std::string::npos) << errors[1];
    EXPECT_NE(errors[2].find("no button"), std::string::npos) << errors[2];
    EXPECT_NE(errors[3].find("timeout"), std::string::npos) << errors[3];
    EXPECT_EQ(decisions.back().action, Action::kRight);
    EXPECT_EQ(llm.stats()["llm_errors"], 4);
    for (const auto& decision : decisions) {
        if (decision.source == "fallback") {
            EXPECT_EQ(decision.action, Action::kSelect);
        }
    }
}

TEST_F(LlmAgentTest, RefusedConnectionFallsBackAndBacksOff) {
    std::string dead_url;
    {
        FakeLlmServer server;  // bind a port, then free it: nothing listens there any more
        dead_url = server.url();
    }
    agent::LlmOptions options;
    options.url = dead_url;
    options.interval = 1;
    options.failures_before_backoff = 3;
    options.backoff_seconds = 60;
    agent::LlmAgent llm(options, std::make_unique<SelectAgent>());
    const auto decisions =
        decide_until(llm, [&](const auto&) { return llm.stats()["llm_errors"] >= 3; });
    EXPECT_EQ(llm.stats()["llm_errors"], 3);
    bool refused = false;
    for (const auto& decision : decisions) {
        if (decision.details.contains("error")) {
            refused |=
                decision.details["error"].get<std::string>().find("connect") != std::string::npos;
        }
    }
    EXPECT_TRUE(refused);
    // Backing off: for a while no new request is made and the fallback plays.
    for (int i = 0; i < 40; ++i) {
        EXPECT_EQ(decide(llm).source, "fallback");
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(llm.stats()["llm_calls"], 3);
}

TEST_F(LlmAgentTest, ConsultsEveryNActionsAndWhenTheScreenChanges) {
    FakeLlmServer server;
    server.script({}, {200, FakeLlmServer::ollama(R"({"action": "A"})")});
    auto options = options_for(server);
    options.interval = 1000;
    agent::LlmAgent llm(options, std::make_unique<SelectAgent>());
    decide_until(llm, [](const auto& d) { return d.source == "llm"; });
    const auto asked = server.requests().size();
    for (int i = 0; i < 30; ++i)
        decide(llm);
    EXPECT_EQ(server.requests().size(), asked) << "not due, nothing changed";
    state_.text_open = true;  // a text box opens: ask again
    decide_until(llm, [](const auto& d) { return d.source == "llm"; });
    EXPECT_EQ(server.requests().size(), asked + 1);
}

TEST_F(LlmAgentTest, VisionSendsTheScreenAsPng) {
    FakeLlmServer server;
    server.script({}, {200, FakeLlmServer::ollama(R"({"action": "A"})")});
    auto options = options_for(server);
    options.vision = true;
    agent::LlmAgent llm(options, std::make_unique<SelectAgent>());
    EXPECT_TRUE(llm.wants_screen());
    const std::vector<std::uint8_t> screen(emu::kFrameRgbBytes, 0x80);
    const agent::Observation observation{state_, 0, 0.0, recent_, screen};
    const auto body = llm.request_body(observation);
    const std::string image = body["messages"][1]["images"][0];
    EXPECT_EQ(image.substr(0, 8), "iVBORw0K") << "base64 of a PNG signature";
}

TEST(LlmEmulationTest, EmulationKeepsRunningWhileTheModelThinks) {
    if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build";
    FakeLlmServer server;
    server.script({}, {200, FakeLlmServer::ollama(R"({"action": "START"})"), 1000ms});
    agent::LlmOptions options;
    options.url = server.url();
    options.interval = 1;
    agent::LlmAgent llm(options, std::make_unique<agent::ExplorerAgent>(1));
    const auto rom = emu::Rom::from_bytes(demo_rom_bytes(), "'demo'");
    env::Env env(emu::make_machine(rom), game::make_profile(rom));
    env.reset();
    const auto frames_at_start = env.machine().frame_count();
    std::deque<agent::Recent> recent;
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    std::string source;
    std::uint64_t steps_before_reply = 0;
    while (std::chrono::steady_clock::now() < give_up) {
        const agent::Observation observation{env.state(), steps_before_reply, 0.0, recent, {}};
        const auto decision = llm.decide(observation);
        source = decision.source;
        env.step(decision.action);
        if (source == "llm") break;
        ++steps_before_reply;
    }
    ASSERT_EQ(source, "llm");
    // The model took a second; a blocked emulator would have stepped nothing meanwhile: the
    // model's answer would be the very first decision. Steps, not a rate, so no machine is too
    // slow for this test.
    EXPECT_GE(steps_before_reply, 2u) << "the emulator waited for the model";
    EXPECT_EQ(
        env.machine().frame_count() - frames_at_start,
        (steps_before_reply + 1) * static_cast<std::uint64_t>(env.options().frames_per_action));
}

std::vector<std::pair<std::string, std::string>> trainer_decisions(
    const std::filesystem::path& database) {
    std::vector<std::pair<std::string, std::string>> sources;
    for (const auto& record : trainer::DecisionLog::read_recent(database, 100000)) {
        sources.emplace_back(record.source, record.reasoning);
    }
    return sources;
}

TEST(LlmRunTest, RunWithTheLlmAgentLogsReasoningAndFallbacks) {
    if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build";
    FakeLlmServer server;
    server.script(
        {{500, "oops"}},
        {200, FakeLlmServer::ollama(R"({"action": "START", "reasoning": "begin"})"), 20ms});
    const auto run = temp_dir("llm") / "run";
    const auto result = run_cli("run --quiet --no-web --agent llm --llm-url " + server.url() +
                                " --llm-interval 1 --max-actions 120 --run-dir " + run.string());
    ASSERT_EQ(result.exit_code, 0) << result.out;
    const auto decisions = trainer_decisions(run / "decisions.sqlite");
    int llm = 0, fallback = 0, with_reasoning = 0;
    for (const auto& [source, reasoning] : decisions) {
        llm += source == "llm";
        fallback += source == "fallback";
        with_reasoning += source == "llm" && reasoning == "begin";
    }
    EXPECT_EQ(decisions.size(), 120u);
    EXPECT_GT(llm, 0);
    EXPECT_GT(fallback, 0);
    EXPECT_EQ(with_reasoning, llm);
}

}  // namespace
}  // namespace crl::test
