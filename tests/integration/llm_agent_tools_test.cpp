// The LLM agent's tools end to end against the loopback stand-in server: tool calls in both
// servers' shapes are carried out over several steps on a small hand-made map (a tiny simulator
// moves the player the way Crystal does: a press in a new direction only turns him), their
// outcomes and every bad call are fed back in the next prompt, and nothing crashes.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "agent/llm_agent.h"
#include "demo_rom.h"
#include "support/fake_llm_server.h"
#include "support/test_support.h"
#include "trainer/decision_log.h"

namespace crl::test {
namespace {

using namespace std::chrono_literals;
using env::Action;
using game::Direction;
using game::TileKind;
using nlohmann::json;
using Reply = FakeLlmServer::Reply;

class IdleAgent final : public agent::Agent {  // the fallback: does nothing, visibly
  public:
    std::string name() const override { return "idle"; }
    agent::Decision decide(const agent::Observation&) override {
        return {Action::kSelect, "idle", "policy", "fallback", 0, json::object()};
    }
};

// A 10 x 8 room: a wall at x = 4 for y 0..5, a door (warp 0) at 9,7 to map 2, a person at 2,6,
// an exit north to map 3; tall grass at 7,1 starts a battle.
game::MapView make_room() {
    game::MapView map;
    map.map_id = 1;
    map.name = "TEST ROOM";
    map.width = 10;
    map.height = 8;
    map.tiles.assign(80, game::Tile{TileKind::kFloor});
    for (int y = 0; y <= 5; ++y)
        map.set(4, y, {TileKind::kWall});
    map.set(9, 7, {TileKind::kWarp});
    map.set(7, 1, {TileKind::kGrass});
    game::Warp door;
    door.x = 9;
    door.y = 7;
    door.destination_map = 2;
    door.destination_name = "TEST HALL";
    map.warps.push_back(door);
    game::Connection north;
    north.side = Direction::kUp;
    north.map = 3;
    north.name = "TEST ROUTE";
    map.connections.push_back(north);
    game::Person person;
    person.id = 1;
    person.x = 2;
    person.y = 6;
    person.facing = Direction::kUp;
    map.people.push_back(person);
    map.turn_takes_a_press = true;
    return map;
}

class ToolsTest : public ::testing::Test {
  protected:
    ToolsTest() {
        map_ = make_room();
        state_.profile = "test";
        state_.screen = game::Screen::kOverworld;
        state_.map_id = 1;
        state_.map_name = "TEST ROOM";
        place(1, 1, Direction::kDown);
    }
    void place(int x, int y, Direction facing) {
        state_.x = map_.player_x = x;
        state_.y = map_.player_y = y;
        state_.facing = game::to_string(facing);
        map_.player_facing = facing;
    }
    // What the game would do with the button.
    void apply(Action action) {
        const auto facing = game::direction_from_text(state_.facing).value_or(Direction::kDown);
        if (action == Action::kA) {
            const int x = state_.x + game::dx(facing), y = state_.y + game::dy(facing);
            if (map_.person_at(x, y)) {
                state_.text_open = true;
                state_.screen = game::Screen::kText;
            }
            return;
        }
        const auto direction = agent::direction_of(action);
        if (!direction || state_.screen != game::Screen::kOverworld) return;
        if (*direction != facing) return place(state_.x, state_.y, *direction);  // a turn
        const int x = state_.x + game::dx(*direction), y = state_.y + game::dy(*direction);
        if (!map_.inside(x, y)) {
            if (y < 0) state_.map_id = 3;  // the north exit
            return;
        }
        const auto kind = map_.at(x, y).kind;
        if (!game::walkable(kind) && kind != TileKind::kWarp) return;
        if (map_.person_at(x, y)) return;
        place(x, y, *direction);
        if (kind == TileKind::kWarp) state_.map_id = map_.warp_at(x, y)->destination_map;
        if (kind == TileKind::kGrass) {
            state_.battle.kind = game::BattleKind::kWild;
            state_.battle.enemy_name = "RATTATA";
            state_.screen = game::Screen::kBattle;
        }
    }
    agent::Decision step(agent::Agent& agent) {
        const bool on_room = state_.map_id == 1;
        const agent::Observation observation{state_,  step_++, 0.0,
                                             recent_, {},      on_room ? &map_ : nullptr};
        auto decision = agent.decide(observation);
        apply(decision.action);
        return decision;
    }
    // Steps until a prompt sent to the server contains `text` (at most `seconds`).
    std::vector<agent::Decision> run_until_prompt_says(agent::Agent& agent,
                                                       const FakeLlmServer& server,
                                                       const std::string& text,
                                                       double seconds = 5) {
        std::vector<agent::Decision> decisions;
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (std::chrono::steady_clock::now() < deadline) {
            decisions.push_back(step(agent));
            for (const auto& request : server.requests()) {
                if (prompt_of(request).find(text) != std::string::npos) return decisions;
            }
            std::this_thread::sleep_for(2ms);
        }
        ADD_FAILURE() << "no prompt said: " << text << "\nlast prompt:\n" << last_prompt(server);
        return decisions;
    }
    static std::string prompt_of(const FakeLlmServer::Request& request) {
        const auto body = json::parse(request.body);
        return body["messages"].back()["content"].get<std::string>();
    }
    static std::string last_prompt(const FakeLlmServer& server) {
        const auto requests = server.requests();
        return requests.empty() ? "" : prompt_of(requests.back());
    }
    static agent::LlmOptions options_for(const FakeLlmServer& server,
                                         const std::string& api = "ollama") {
        agent::LlmOptions options;
        options.api = api;
        options.url = server.url();
        options.interval = 1000;  // only when something happens: a tool ended, an error
        options.timeout_seconds = 2;
        return options;
    }
    static Reply idle_reply() { return {200, FakeLlmServer::ollama(R"({"action": "NOOP"})")}; }

    game::MapView map_;
    game::GameState state_;
    std::deque<agent::Recent> recent_;
    std::uint64_t step_ = 0;
};

TEST_F(ToolsTest, TheRequestOffersTheToolsAndThePromptShowsTheMap) {
    FakeLlmServer server;
    agent::LlmAgent llm(options_for(server), std::make_unique<IdleAgent>());
    const agent::Observation observation{state_, 0, 0.0, recent_, {}, &map_};
    const auto body = llm.request_body(observation);
    ASSERT_EQ(body["tools"].size(), 4u);
    EXPECT_FALSE(body.contains("format")) << "Ollama's JSON mode would hide tool calls";
    const std::string prompt = body["messages"][1]["content"];
    for (const auto* part : {"Goal:", "Progress:", "Minimap", "Legend:", "0: (9, 7) -> TEST HALL",
                             "north -> TEST ROUTE", "0: (2, 6), 6 steps away",
                             "Your notes:", "Recent events:", "Party:"}) {
        EXPECT_NE(prompt.find(part), std::string::npos) << part << " in\n" << prompt;
    }
    EXPECT_NE(prompt.find("y=  1  .P..#"), std::string::npos) << prompt;

    auto plain = options_for(server);
    plain.tools = false;
    agent::LlmAgent no_tools(plain, std::make_unique<IdleAgent>());
    const auto plain_body = no_tools.request_body(observation);
    EXPECT_FALSE(plain_body.contains("tools"));
    EXPECT_EQ(plain_body["format"], "json");
}

TEST_F(ToolsTest, NavigateToWalksAroundTheWallAndReportsArrival) {
    FakeLlmServer server;
    server.script({{200, FakeLlmServer::ollama_tools(
                             {{{"name", "navigate_to"}, {"arguments", {{"x", 6}, {"y", 2}}}}},
                             "the east side")}},
                  idle_reply());
    agent::LlmAgent llm(options_for(server), std::make_unique<IdleAgent>());
    const auto decisions = run_until_prompt_says(llm, server, "navigate_to(6, 2): reached");
    EXPECT_EQ(state_.x, 6);
    EXPECT_EQ(state_.y, 2);
    int walked = 0;
    for (const auto& decision : decisions) {
        if (decision.reasoning.rfind("navigate_to", 0) != 0) continue;  // the model's own
        ++walked;
        EXPECT_TRUE(agent::direction_of(decision.action)) << env::to_string(decision.action);
        if (decision.details.contains("tool_calls")) {
            EXPECT_EQ(decision.details["tool"], "navigate_to(6, 2)");
            EXPECT_TRUE(decision.details.contains("plan"));
            EXPECT_GT(decision.latency_ms, 0);
            EXPECT_EQ(decision.reasoning, "navigate_to(6, 2): the east side");
        }
    }
    EXPECT_GE(walked, 13) << "around the wall: at least 12 moves and a turn";
}

TEST_F(ToolsTest, TalkToWalksUpFacesThePersonAndPressesA) {
    FakeLlmServer server;
    server.script({{200, FakeLlmServer::ollama_tools(
                             {{{"name", "talk_to"}, {"arguments", {{"person", 0}}}}})}},
                  idle_reply());
    agent::LlmAgent llm(options_for(server), std::make_unique<IdleAgent>());
    const auto decisions = run_until_prompt_says(llm, server, "talk_to(0): talking");
    EXPECT_TRUE(state_.text_open);
    EXPECT_EQ(std::abs(state_.x - 2) + std::abs(state_.y - 6), 1) << "next to the person";
}

TEST_F(ToolsTest, OpenAiPressSequenceRunsInOrder) {
    FakeLlmServer server;
    server.script(
        {{200,
          FakeLlmServer::openai_tools(
              {{{"name", "press"}, {"arguments", {{"buttons", {"RIGHT", "RIGHT", "DOWN"}}}}}})}},
        {200, FakeLlmServer::openai(R"({"action": "NOOP"})")});
    agent::LlmAgent llm(options_for(server, "openai"), std::make_unique<IdleAgent>());
    const auto decisions = run_until_prompt_says(llm, server, "press(RIGHT, RIGHT, DOWN): done");
    std::vector<Action> pressed;
    for (const auto& decision : decisions)
        if (decision.reasoning.rfind("press(", 0) == 0) pressed.push_back(decision.action);
    EXPECT_EQ(pressed, (std::vector<Action>{Action::kRight, Action::kRight, Action::kDown}));
    EXPECT_EQ(state_.x, 2) << "a turn, then one step right";
    EXPECT_EQ(state_.facing, "down");
}

TEST_F(ToolsTest, BadCallsAreFedBackAndNeverCrash) {
    FakeLlmServer server;
    const json bad = {
        {{"name", "fly"}, {"arguments", {{"to", "Violet"}}}},
        {{"name", "press"}, {"arguments", "{\"buttons\": [\"UP\""}},      // malformed JSON
        {{"name", "navigate_to"}, {"arguments", {{"x", 4}, {"y", 2}}}},   // a wall
        {{"name", "navigate_to"}, {"arguments", {{"x", 40}, {"y", 2}}}},  // outside
        {{"name", "navigate_to"}, {"arguments", {{"warp", 5}}}},
        {{"name", "navigate_to"}, {"arguments", {{"exit", "south"}}}},
        {{"name", "talk_to"}, {"arguments", {{"person", 3}}}},
    };
    server.script({{200, FakeLlmServer::openai_tools(bad)}},
                  {200, FakeLlmServer::openai(R"({"action": "NOOP"})")});
    agent::LlmAgent llm(options_for(server, "openai"), std::make_unique<IdleAgent>());
    const auto decisions = run_until_prompt_says(llm, server, "ERROR");
    const auto prompt = last_prompt(server);
    for (const auto* error :
         {"fly: ERROR: unknown tool 'fly'", "press: ERROR: the arguments of press are not valid",
          "navigate_to(4, 2): ERROR: (4, 2) is wall", "(40, 2) is outside TEST ROOM",
          "there is no warp 5 on TEST ROOM (warps 0..0)", "TEST ROOM has no exit south",
          "there is no person 3 on TEST ROOM (people 0..0)"}) {
        EXPECT_NE(prompt.find(error), std::string::npos) << error << " in\n" << prompt;
    }
    EXPECT_EQ(llm.stats()["llm_tool_errors"], 7);
    EXPECT_EQ(llm.stats()["llm_errors"], 0) << "the server answered; the calls were wrong";
    for (const auto& decision : decisions) {  // nothing was carried out (NOOP: the next answer)
        EXPECT_TRUE(decision.source == "fallback" || decision.action == Action::kNoop)
            << decision.source << " " << env::to_string(decision.action);
    }
    bool recorded = false;
    for (const auto& decision : decisions)
        recorded |=
            decision.details.contains("tool_errors") && decision.details["tool_errors"].size() == 7;
    EXPECT_TRUE(recorded) << "the refused calls are kept with the decision";
}

TEST_F(ToolsTest, NoPathAndInterruptionsAreReported) {
    FakeLlmServer server;
    for (int x = 5; x < 10; ++x)
        map_.set(x, 3, {TileKind::kWall});  // the north-east is cut off ...
    server.script({{200, FakeLlmServer::ollama_tools(
                             {{{"name", "navigate_to"}, {"arguments", {{"x", 8}, {"y", 0}}}}})},
                   {200, FakeLlmServer::ollama_tools(
                             {{{"name", "navigate_to"}, {"arguments", {{"x", 7}, {"y", 6}}}}})}},
                  idle_reply());
    agent::LlmAgent llm(options_for(server), std::make_unique<IdleAgent>());
    run_until_prompt_says(llm, server, "ERROR: no known path to (8, 0)");
    // ... and a walk through tall grass meets a battle: reported, the walk stops.
    for (int x = 0; x < 4; ++x)
        map_.set(x, 4, {TileKind::kGrass});
    run_until_prompt_says(llm, server, "navigate_to(7, 6): interrupted by a battle with RATTATA");
    EXPECT_EQ(state_.screen, game::Screen::kBattle);
}

TEST_F(ToolsTest, WarpsAndExitsEndOnTheirMap) {
    FakeLlmServer server;
    server.script({{200, FakeLlmServer::ollama_tools(
                             {{{"name", "navigate_to"}, {"arguments", {{"warp", 0}}}}})}},
                  idle_reply());
    agent::LlmAgent llm(options_for(server), std::make_unique<IdleAgent>());
    run_until_prompt_says(llm, server, "navigate_to(warp 0): reached");
    EXPECT_EQ(state_.map_id, 2);
}

TEST_F(ToolsTest, NotesAreKeptBoundedAndShownInEveryPrompt) {
    FakeLlmServer server;
    json notes = json::array();
    for (int i = 0; i < 10; ++i)
        notes.push_back(
            {{"name", "write_note"}, {"arguments", {{"text", "note " + std::to_string(i)}}}});
    server.script({{200, FakeLlmServer::ollama_tools(notes)}}, idle_reply());
    agent::LlmAgent llm(options_for(server), std::make_unique<IdleAgent>());
    run_until_prompt_says(llm, server, "- note 9");
    const auto prompt = last_prompt(server);
    EXPECT_EQ(prompt.find("- note 1\n"), std::string::npos) << "the oldest are dropped";
    EXPECT_NE(prompt.find("- note 2\n"), std::string::npos);
}

TEST_F(ToolsTest, AModelWithoutToolsIsAskedForPlainJson) {
    FakeLlmServer server;
    server.script({{400, R"({"error": "registry/tiny does not support tools"})"}},
                  {200, FakeLlmServer::ollama(R"({"action": "UP", "reasoning": "plain"})")});
    auto options = options_for(server);
    options.interval = 1;
    agent::LlmAgent llm(options, std::make_unique<IdleAgent>());
    agent::Decision answered;
    for (int i = 0; i < 2000 && answered.source != "llm"; ++i) {
        answered = step(llm);
        std::this_thread::sleep_for(2ms);
    }
    EXPECT_EQ(answered.action, Action::kUp);
    const auto requests = server.requests();
    ASSERT_GE(requests.size(), 2u);
    EXPECT_TRUE(json::parse(requests[0].body).contains("tools"));
    EXPECT_FALSE(json::parse(requests.back().body).contains("tools"));
}

// A whole run on the demo game: the calls, refusals and outcomes are kept with the decisions.
TEST(LlmToolsRunTest, ARunKeepsToolCallsRefusalsAndOutcomesWithItsDecisions) {
    if (demo_rom_bytes().empty()) GTEST_SKIP() << "no demo game in this build";
    FakeLlmServer server;
    server.script(
        {{200, FakeLlmServer::ollama_tools({{{"name", "fly"}, {"arguments", json::object()}}})}},
        {200, FakeLlmServer::ollama_tools(
                  {{{"name", "press"}, {"arguments", {{"buttons", {"A", "START", "B"}}}}}},
                  "through the title")});
    const auto run = temp_dir("llm-tools") / "run";
    const auto result = run_cli("run --quiet --no-web --agent llm --llm-url " + server.url() +
                                " --max-actions 150 --run-dir " + run.string());
    ASSERT_EQ(result.exit_code, 0) << result.out;
    int calls = 0, refusals = 0, outcomes = 0, pressed = 0;
    for (const auto& record : trainer::DecisionLog::read_recent(run / "decisions.sqlite", 1000)) {
        calls += record.details.contains("tool_calls");
        refusals += record.details.contains("tool_errors");
        outcomes += record.details.contains("tool_outcome") &&
                    record.details["tool_outcome"].get<std::string>().find(
                        "press(A, START, B): done") != std::string::npos;
        pressed +=
            record.source == "llm" && record.reasoning == "press(A, START, B): through the title";
    }
    EXPECT_GT(calls, 1);
    EXPECT_EQ(refusals, 1);
    EXPECT_GT(outcomes, 0);
    EXPECT_GE(pressed, 3);
}

}  // namespace
}  // namespace crl::test
