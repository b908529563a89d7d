// The monitor with real WebSocket and HTTP clients: every message type, bad input, limits, many
// viewers, a viewer that never reads, keep-alive, restarts. A fake game publishes snapshots.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "image/base64.h"
#include "image/frame_codecs.h"
#include "monitor/monitor.h"
#include "monitor/protocol.h"
#include "support/test_support.h"
#include "support/ws_client.h"

namespace crl::test {
namespace {

using namespace std::chrono_literals;

// Publishes a new snapshot `fps` times a second: a picture that changes with the frame id.
class FakeGame {
  public:
    explicit FakeGame(double fps = 60)
        : thread_([this, fps](std::stop_token stop) {
              std::uint64_t frame = 1;
              while (!stop.stop_requested()) {
                  publish(frame++);
                  std::this_thread::sleep_for(std::chrono::duration<double>(1.0 / fps));
              }
          }) {}

    std::shared_ptr<const trainer::Snapshot> latest() const {
        std::lock_guard lock(mutex_);
        return latest_;
    }
    std::uint64_t published() const { return published_.load(); }

    // Noisy on purpose: frames of tens of kilobytes, like a busy game screen at worst.
    static std::vector<std::uint8_t> picture(std::uint64_t frame) {
        std::vector<std::uint8_t> rgb(emu::kFrameRgbBytes);
        std::uint32_t seed = static_cast<std::uint32_t>(frame) * 2654435761u;
        for (std::size_t i = 0; i < rgb.size(); i += 3) {
            seed = seed * 1103515245u + 12345u;
            const auto shade = static_cast<std::uint8_t>((seed >> 16) & 0xE0);
            rgb[i] = shade;
            rgb[i + 1] = static_cast<std::uint8_t>(shade ^ 0x40);
            rgb[i + 2] = static_cast<std::uint8_t>(i / 480 % 4 * 64);  // 32 colours in all
        }
        return rgb;
    }

  private:
    void publish(std::uint64_t frame) {
        auto snapshot = std::make_shared<trainer::Snapshot>();
        snapshot->frame_id = frame;
        snapshot->timestamp = 1e9 + static_cast<double>(frame);
        snapshot->rgb = picture(frame);
        snapshot->state.profile = "fake";
        snapshot->state.x = static_cast<int>(frame % 10);
        snapshot->state.map_name = "FAKE TOWN";
        snapshot->stats.total_actions = frame;
        trainer::DecisionRecord record;
        record.step = frame;
        record.action = "UP";
        record.reasoning = "because";
        snapshot->recent_decisions.push_back(record);
        std::lock_guard lock(mutex_);
        latest_ = std::move(snapshot);
        ++published_;
    }

    mutable std::mutex mutex_;
    std::shared_ptr<const trainer::Snapshot> latest_;
    std::atomic<std::uint64_t> published_{0};
    std::jthread thread_;
};

struct Harness {
    explicit Harness(monitor::MonitorOptions options = {}, bool with_game = true) {
        if (with_game) game = std::make_unique<FakeGame>();
        options.port = options.port ? options.port : 0;
        monitor::MonitorHooks hooks;
        hooks.latest = [this] { return game ? game->latest() : nullptr; };
        hooks.post = [this](trainer::Command command) {
            std::lock_guard lock(mutex);
            commands.push_back(std::move(command));
        };
        hooks.decisions = [](int limit) {
            return nlohmann::json::array({{{"step", 1}, {"limit", limit}}});
        };
        hooks.watchers = [this](int count) { watchers = count; };
        hooks.agents = {"explorer", "random"};
        server = std::make_unique<monitor::Monitor>(options, hooks);
        server->start();
        // Tests that expect game frames must not race the first snapshot (else: the placeholder).
        if (game) wait_until([this] { return game->published() >= 2; }, 5);
    }
    unsigned short port() const { return server->port(); }
    std::size_t command_count() {
        std::lock_guard lock(mutex);
        return commands.size();
    }

    std::unique_ptr<FakeGame> game;
    std::unique_ptr<monitor::Monitor> server;
    std::mutex mutex;
    std::vector<trainer::Command> commands;
    std::atomic<int> watchers{0};
};

monitor::MonitorOptions fast(double fps = 30) {
    monitor::MonitorOptions options;
    options.port = 0;
    options.stream_fps = fps;
    options.stats_interval_seconds = 0.2;
    return options;
}

image::RgbImage png_of_screen_update(const nlohmann::json& message) {
    const std::string data = message["image_data"];
    std::string decoded;
    // Decode base64 with the PNG decoder's help: write through OpenSSL's encoder inverse.
    static const std::string kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned value = 0;
    int bits = -8;
    for (const char c : data) {
        const auto index = kAlphabet.find(c);
        if (index == std::string::npos) break;
        value = (value << 6) | static_cast<unsigned>(index);
        bits += 6;
        if (bits >= 0) {
            decoded += static_cast<char>((value >> bits) & 0xFF);
            bits -= 8;
        }
    }
    return image::decode_png(
        {reinterpret_cast<const std::uint8_t*>(decoded.data()), decoded.size()});
}

TEST(MonitorProtocolTest, ConnectionThenScreenAndStatsWithTheOriginalKeys) {
    Harness harness(fast());
    WsClient client(harness.port());
    const auto first = client.read();
    ASSERT_TRUE(first);
    const auto connection = first->json();
    EXPECT_EQ(connection["type"], "connection");
    EXPECT_EQ(connection["status"], "connected");
    EXPECT_TRUE(connection.contains("message"));

    const auto screen = client.read_type("screen_update");
    ASSERT_TRUE(screen);
    EXPECT_GT((*screen)["frame_id"].get<std::uint64_t>(), 0u);
    EXPECT_TRUE((*screen)["timestamp"].is_number());
    EXPECT_FALSE(screen->contains("placeholder"));
    const auto picture = png_of_screen_update(*screen);
    EXPECT_EQ(picture.width, 160);
    EXPECT_EQ(picture.rgb, FakeGame::picture((*screen)["frame_id"]));

    const auto stats = client.read_type("stats_update");
    ASSERT_TRUE(stats);
    EXPECT_TRUE((*stats)["stats"].contains("total_actions"));
    for (const char* key :
         {"PLAYER_X", "PLAYER_Y", "PLAYER_MAP", "PLAYER_LEVEL", "BADGES", "MONEY"}) {
        EXPECT_TRUE((*stats)["game_state"].contains(key)) << key;
    }
    EXPECT_EQ((*stats)["game_state"]["map"]["name"], "FAKE TOWN");
    EXPECT_EQ(harness.watchers.load(), 1);
}

TEST(MonitorProtocolTest, PingRequestScreenAndRequestStatsAreAnswered) {
    Harness harness(fast());
    WsClient client(harness.port());
    client.send(R"({"type":"ping"})");
    EXPECT_TRUE(client.read_type("pong"));
    client.send(R"({"type":"request_screen"})");
    EXPECT_TRUE(client.read_type("screen_update"));
    client.send(R"({"type":"request_stats"})");
    EXPECT_TRUE(client.read_type("stats_update"));
}

TEST(MonitorProtocolTest, ScreenIsPushedOnlyWhenANewFrameExists) {
    Harness harness(fast(30));
    WsClient client(harness.port());
    std::set<std::uint64_t> ids;
    int updates = 0;
    const auto until = std::chrono::steady_clock::now() + 1s;
    while (std::chrono::steady_clock::now() < until) {
        if (const auto message = client.read_type("screen_update", 500ms)) {
            ++updates;
            ids.insert((*message)["frame_id"].get<std::uint64_t>());
        }
    }
    // How many arrive in a second depends on the machine's load (make bench measures it);
    // that none comes twice does not.
    EXPECT_GE(updates, 1);
    EXPECT_EQ(static_cast<int>(ids.size()), updates) << "no frame twice";
}

TEST(MonitorProtocolTest, BadInputGetsAnErrorAndTheConnectionStays) {
    Harness harness(fast());
    WsClient client(harness.port());
    for (const std::string bad : {"not json", "[1,2]", R"({"no":"type"})", R"({"type":"dance"})",
                                  R"({"type":"hello","format":"gif"})", R"({"type":"control"})"}) {
        client.send(bad);
        const auto error = client.read_type("error");
        ASSERT_TRUE(error) << bad;
        EXPECT_FALSE((*error)["message"].get<std::string>().empty());
    }
    client.send_binary("\x01\x02\x03");
    EXPECT_TRUE(client.read_type("error"));
    client.send(R"({"type":"ping"})");
    EXPECT_TRUE(client.read_type("pong")) << "still connected";
}

TEST(MonitorProtocolTest, OversizeMessageClosesWith1009) {
    Harness harness(fast());
    WsClient client(harness.port());
    client.send(std::string(70 * 1024, 'x'));
    EXPECT_THROW(
        {
            for (int i = 0; i < 100; ++i)
                client.read(2s);
        },
        std::exception);
    EXPECT_EQ(client.close_code(), 1009);
}

TEST(MonitorProtocolTest, PlaceholderWhenNoGameRuns) {
    Harness harness(fast(), /*with_game=*/false);
    WsClient client(harness.port());
    const auto screen = client.read_type("screen_update");
    ASSERT_TRUE(screen);
    EXPECT_EQ((*screen)["placeholder"], true);
    const auto picture = png_of_screen_update(*screen);
    EXPECT_EQ(picture.width, 320);
    EXPECT_EQ(picture.height, 288);
    EXPECT_FALSE(is_uniform(picture)) << "it says No Game Screen Available";
}

TEST(MonitorProtocolTest, HelloChoosesBinaryFramesInEachFormat) {
    Harness harness(fast());
    WsClient client(harness.port());
    for (const std::string format : {"png", "indexed", "jpeg"}) {
        client.send(R"({"type":"hello","version":1,"binary":true,"format":")" + format +
                    R"(","fps":30})");
        const auto welcome = client.read_type("welcome");
        ASSERT_TRUE(welcome);
        EXPECT_EQ((*welcome)["format"], format);
        std::optional<WsMessage> frame;
        for (int i = 0; i < 50 && !(frame && !frame->text); ++i)
            frame = client.read();
        ASSERT_TRUE(frame && !frame->text) << format;
        const auto& data = frame->data;
        ASSERT_GT(data.size(), monitor::kBinaryHeaderBytes);
        EXPECT_EQ(data.substr(0, 2), "CR");
        EXPECT_EQ(data[2], 1);
        std::uint32_t id = 0;
        for (int i = 0; i < 4; ++i)
            id |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[4 + i])) << (8 * i);
        const std::span<const std::uint8_t> payload(
            reinterpret_cast<const std::uint8_t*>(data.data()) + 16, data.size() - 16);
        if (format == "png") {
            EXPECT_EQ(data[3], 1);
            EXPECT_EQ(image::decode_png(payload).rgb, FakeGame::picture(id));
        } else if (format == "indexed") {
            EXPECT_EQ(data[3], 2);
            EXPECT_EQ(image::decode_indexed(payload).rgb, FakeGame::picture(id));
        } else {
            EXPECT_EQ(data[3], 3);
            EXPECT_EQ(static_cast<unsigned char>(data[16]), 0xFF) << "a JPEG starts FF D8";
        }
    }
}

TEST(MonitorProtocolTest, DecisionEventsForThoseWhoAsk) {
    Harness harness(fast());
    WsClient client(harness.port());
    client.send(R"({"type":"hello","decisions":true})");
    const auto decision = client.read_type("decision");
    ASSERT_TRUE(decision);
    EXPECT_EQ((*decision)["decision"]["action"], "UP");
    EXPECT_EQ((*decision)["decision"]["reasoning"], "because");
}

TEST(MonitorControlTest, ControlsNeedTheTokenWhenOneIsSet) {
    auto options = fast();
    options.control_token = "s3cret";
    Harness harness(options);
    WsClient client(harness.port());
    client.send(R"({"type":"control","command":"pause"})");
    EXPECT_NE((*client.read_type("error"))["message"].get<std::string>().find("token"),
              std::string::npos);
    client.send(R"({"type":"hello","token":"wrong"})");
    EXPECT_EQ((*client.read_type("welcome"))["control"], false);
    EXPECT_EQ(harness.command_count(), 0u);

    client.send(R"({"type":"hello","token":"s3cret"})");
    EXPECT_EQ((*client.read_type("welcome"))["control"], true);
    client.send(R"({"type":"control","command":"pause"})");
    EXPECT_EQ((*client.read_type("control_ack"))["command"], "pause");
    client.send(R"({"type":"control","command":"press","value":"start"})");
    EXPECT_TRUE(client.read_type("control_ack"));
    client.send(R"({"type":"control","command":"speed","value":2})");
    EXPECT_TRUE(client.read_type("control_ack"));
    client.send(R"({"type":"control","command":"agent","value":"random"})");
    EXPECT_TRUE(client.read_type("control_ack"));
    client.send(R"({"type":"control","command":"save_state","value":"../../etc/x"})");
    EXPECT_TRUE(client.read_type("error"));
    client.send(R"({"type":"control","command":"press","value":"jump"})");
    EXPECT_TRUE(client.read_type("error"));
    ASSERT_EQ(harness.command_count(), 4u);
    EXPECT_TRUE(std::holds_alternative<trainer::command::Pause>(harness.commands[0]));
    EXPECT_EQ(std::get<trainer::command::Press>(harness.commands[1]).action, env::Action::kStart);
    EXPECT_DOUBLE_EQ(std::get<trainer::command::SetSpeed>(harness.commands[2]).speed, 2);
    EXPECT_EQ(std::get<trainer::command::SwitchAgent>(harness.commands[3]).name, "random");
}

TEST(MonitorControlTest, NonLoopbackHostNeedsAToken) {
    monitor::MonitorOptions options;
    options.host = "0.0.0.0";
    EXPECT_THROW(monitor::check_options(options), std::invalid_argument);
    options.control_token = "t";
    EXPECT_NO_THROW(monitor::check_options(options));
}

TEST(MonitorScaleTest, TwoHundredClientsAllReceiveFrames) {
    Harness harness(fast(30));
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < 200; ++i)
        clients.push_back(std::make_unique<WsClient>(harness.port()));
    std::atomic<int> satisfied{0};
    std::vector<std::jthread> readers;
    for (int part = 0; part < 4; ++part) {
        readers.emplace_back([&, part] {
            for (std::size_t i = static_cast<std::size_t>(part); i < clients.size(); i += 4) {
                int frames = 0;
                for (int tries = 0; tries < 40 && frames < 3; ++tries) {
                    if (const auto message = clients[i]->read(2s);
                        message && message->text &&
                        message->json().value("type", "") == "screen_update") {
                        ++frames;
                    }
                }
                satisfied += frames >= 3;
            }
        });
    }
    readers.clear();
    EXPECT_EQ(satisfied.load(), 200);
    EXPECT_EQ(harness.server->counters()["clients"], 200);
}

long resident_kilobytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

TEST(MonitorScaleTest, AViewerThatNeverReadsStallsNobodyAndCostsBoundedMemory) {
    // What cannot flake on a slow or loaded machine: every healthy viewer keeps receiving new
    // frames (rising ids) while one viewer never reads, and the server's memory stays bounded.
    // Delivery rates are measured in make bench, not asserted here.
    auto options = fast(30);
    Harness harness(options);
    // The stalled viewer: a small receive buffer, and it never reads.
    WsClient stalled(harness.port(), "/ws", 4096);
    std::vector<std::unique_ptr<WsClient>> viewers;
    for (int i = 0; i < 5; ++i)
        viewers.push_back(std::make_unique<WsClient>(harness.port()));
    const long memory_before = resident_kilobytes();
    constexpr int kFramesEach = 30;
    std::vector<std::uint64_t> last_id(viewers.size(), 0);
    for (int round = 0; round < kFramesEach; ++round) {
        for (std::size_t i = 0; i < viewers.size(); ++i) {
            const auto update = viewers[i]->read_type("screen_update", 10s);
            ASSERT_TRUE(update) << "viewer " << i << " stopped receiving frames in round " << round;
            const auto id = (*update)["frame_id"].get<std::uint64_t>();
            EXPECT_GT(id, last_id[i]) << "viewer " << i << ": frame ids must rise";
            last_id[i] = id;
        }
    }
#ifdef __SANITIZE_ADDRESS__
    (void)
        memory_before;  // AddressSanitizer keeps freed memory in quarantine: RSS says nothing here
#else
    EXPECT_LT(resident_kilobytes() - memory_before, 50 * 1024)
        << "the stalled viewer must not pile up frames";
#endif
    EXPECT_GT(harness.server->counters()["frames_replaced"].get<int>(), 0)
        << "newest frame wins for the stalled one";
}

TEST(MonitorLifecycleTest, SilentPeerIsDroppedAfterThePongTimeout) {
    auto options = fast();
    options.ping_interval = 300ms;
    options.pong_timeout = 200ms;
    Harness harness(options);
    WsClient answering(harness.port());  // Beast answers pings while it reads
    WsClient silent(harness.port());     // reads nothing, so answers no ping
    ASSERT_TRUE(wait_until([&] { return harness.server->counters()["clients"] == 2; }, 2));
    const auto until = std::chrono::steady_clock::now() + 1500ms;
    while (std::chrono::steady_clock::now() < until)
        answering.read(50ms);
    EXPECT_TRUE(wait_until([&] { return harness.server->counters()["clients"] == 1; }, 2));
    answering.send(R"({"type":"ping"})");
    EXPECT_TRUE(answering.read_type("pong"));
}

TEST(MonitorLifecycleTest, ClientLimitAnswers503) {
    auto options = fast();
    options.max_clients = 3;
    Harness harness(options);
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < 3; ++i)
        clients.push_back(std::make_unique<WsClient>(harness.port()));
    ASSERT_TRUE(wait_until([&] { return harness.server->counters()["clients"] == 3; }, 2));
    EXPECT_EQ(http_get(harness.port(), "/ws", "GET", true).status, 503);
    EXPECT_THROW(WsClient extra(harness.port()), std::exception);
}

TEST(MonitorLifecycleTest, RestartedServerTakesReconnectingClients) {
    auto options = fast();
    Harness first(options);
    const auto port = first.port();
    WsClient client(port);
    ASSERT_TRUE(client.read_type("connection"));
    first.server->stop();
    EXPECT_THROW(
        {
            for (int i = 0; i < 100; ++i) {
                if (!client.read(1s)) break;
            }
        },
        std::exception)
        << "the client sees the server go";
    options.port = port;
    Harness second(options);
    WsClient again(port);
    EXPECT_TRUE(again.read_type("connection"));
}

TEST(MonitorLifecycleTest, PortInUseIsAnErrorNamingThePort) {
    Harness first(fast());
    auto options = fast();
    options.port = first.port();
    try {
        Harness second(options);
        ADD_FAILURE() << "two servers on one port";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find(std::to_string(first.port())), std::string::npos)
            << error.what();
        EXPECT_NE(std::string(error.what()).find("in use"), std::string::npos) << error.what();
    }
}

TEST(MonitorHttpTest, DashboardApiHealthAndMetrics) {
    Harness harness(fast());
    ASSERT_TRUE(wait_until([&] { return harness.game->published() > 2; }, 2));
    const auto page = http_get(harness.port(), "/");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.content_type.find("text/html"), std::string::npos);
    EXPECT_NE(page.body.find("Live Game Screen"), std::string::npos);
    EXPECT_NE(page.body.find("/app.js"), std::string::npos);
    const auto script = http_get(harness.port(), "/app.js");
    EXPECT_EQ(script.status, 200);
    EXPECT_NE(script.body.find("location.host"), std::string::npos) << "same-origin WebSocket";
    EXPECT_EQ(script.body.find(":8080"), std::string::npos) << "no hard-coded port";
    EXPECT_EQ(http_get(harness.port(), "/style.css").status, 200);

    EXPECT_TRUE(nlohmann::json::parse(http_get(harness.port(), "/api/stats").body)
                    .contains("total_actions"));
    EXPECT_EQ(
        nlohmann::json::parse(http_get(harness.port(), "/api/game_state").body)["map"]["name"],
        "FAKE TOWN");
    const auto screen = http_get(harness.port(), "/api/screen.png");
    EXPECT_EQ(screen.content_type, "image/png");
    EXPECT_EQ(image::decode_png(
                  {reinterpret_cast<const std::uint8_t*>(screen.body.data()), screen.body.size()})
                  .width,
              160);
    EXPECT_EQ(
        nlohmann::json::parse(http_get(harness.port(), "/api/decisions?limit=5").body)[0]["limit"],
        5);
    const auto bad_limit = http_get(harness.port(), "/api/decisions?limit=lots");
    EXPECT_EQ(bad_limit.status, 400);
    EXPECT_NE(bad_limit.body.find("lots"), std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(http_get(harness.port(), "/health").body)["status"], "ok");
    const auto metrics = http_get(harness.port(), "/metrics");
    EXPECT_NE(metrics.body.find("# TYPE crystal_rl_actions_total counter"), std::string::npos);
    EXPECT_NE(metrics.body.find("crystal_rl_ws_clients "), std::string::npos);
}

TEST(MonitorHttpTest, UnknownPathsTraversalAndOtherMethodsAreRefused) {
    Harness harness(fast());
    EXPECT_EQ(http_get(harness.port(), "/nope").status, 404);
    EXPECT_EQ(http_get(harness.port(), "/../../etc/passwd").status, 404);
    EXPECT_EQ(http_get(harness.port(), "/%2e%2e/%2e%2e/etc/passwd").status, 404);
    EXPECT_EQ(http_get(harness.port(), "/static/../../../etc/passwd").status, 404);
    EXPECT_EQ(http_get(harness.port(), "/api/stats", "POST").status, 405);
    EXPECT_EQ(http_get(harness.port(), "/not-ws", "GET", true).status, 404);
}

}  // namespace
}  // namespace crl::test

namespace crl::test {
namespace {

TEST(ProbeTest, PrintsWhatTheMonitorSends) {
    Harness harness(fast());
    const auto url = "ws://127.0.0.1:" + std::to_string(harness.port()) + "/ws";
    const auto result = run_cli("probe " + url + " --count 6 --send '{\"type\":\"ping\"}'");
    ASSERT_EQ(result.exit_code, 0) << result.out;
    EXPECT_NE(result.out.find("\"type\":\"connection\""), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("\"type\":\"screen_update\""), std::string::npos) << result.out;
    const auto binary =
        run_cli("probe " + url + " --count 8 --send '{\"type\":\"hello\",\"binary\":true}'");
    EXPECT_NE(binary.out.find("<binary frame"), std::string::npos) << binary.out;
    const auto refused = run_cli("probe ws://127.0.0.1:1/ws --timeout 2");
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.out.find("refused"), std::string::npos) << refused.out;
    EXPECT_EQ(run_cli("probe http://nope").exit_code, 2);
}

}  // namespace
}  // namespace crl::test
