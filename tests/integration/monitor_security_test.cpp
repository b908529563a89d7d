// The monitor as an attacker on this machine would probe it: pages from other origins, controls
// without the token, state names that try to escape the run's folder, oversized or malformed
// HTTP requests, and a flood of connections while the process is at its file limit.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "monitor/monitor.h"
#include "support/test_support.h"
#include "support/ws_client.h"

namespace crl::test {
namespace {

using namespace std::chrono_literals;

struct Server {
    explicit Server(monitor::MonitorOptions options = {}) {
        options.port = 0;
        options.stats_interval_seconds = 0.2;
        states = temp_dir("monitor-states") / "states";
        monitor::MonitorHooks hooks;
        hooks.latest = [] { return std::shared_ptr<const trainer::Snapshot>(); };
        hooks.post = [this](trainer::Command command) {
            std::lock_guard lock(mutex);
            commands.push_back(std::move(command));
        };
        hooks.agents = {"explorer", "random"};
        hooks.states_folder = states;
        monitor = std::make_unique<monitor::Monitor>(options, hooks);
        monitor->start();
    }
    unsigned short port() const { return monitor->port(); }
    std::size_t command_count() {
        std::lock_guard lock(mutex);
        return commands.size();
    }
    std::string hello_with_token() const {
        return R"({"type":"hello","token":")" + monitor->control_token() + R"("})";
    }

    std::filesystem::path states;
    std::mutex mutex;
    std::vector<trainer::Command> commands;
    std::unique_ptr<monitor::Monitor> monitor;  // last: stopped before the rest goes
};

std::string upgrade_request(const std::string& origin) {
    return "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Origin: " +
           origin + "\r\n\r\n";
}

std::string error_text(WsClient& client) {
    const auto error = client.read_type("error");
    return error ? (*error)["message"].get<std::string>() : "(no error message)";
}

TEST(MonitorOriginTest, APageFromAnotherOriginGets403AndIsCounted) {
    Server server;
    const auto refused = http_raw(server.port(), upgrade_request("http://evil.example.com"));
    EXPECT_EQ(refused.status, 403);
    EXPECT_THROW(WsClient(server.port(), "/ws", 0, "http://evil.example.com"), std::exception);
    // Same host, another port: another origin too.
    EXPECT_EQ(http_raw(server.port(), upgrade_request("http://127.0.0.1:1")).status, 403);
    EXPECT_EQ(server.monitor->counters()["origins_refused"], 3);
    EXPECT_NE(http_get(server.port(), "/metrics").body.find("crystal_rl_ws_origin_refused_total 3"),
              std::string::npos);
    EXPECT_EQ(server.command_count(), 0u);
}

TEST(MonitorOriginTest, TheDashboardsOwnOriginNoOriginAndAllowedOriginsConnect) {
    monitor::MonitorOptions options;
    options.allowed_origins = {"https://embed.example.org"};
    Server server(options);
    const auto port = std::to_string(server.port());
    for (const auto& origin : {"http://127.0.0.1:" + port, "http://localhost:" + port,
                               std::string("https://embed.example.org"), std::string()}) {
        WsClient client(server.port(), "/ws", 0, origin);
        EXPECT_TRUE(client.read_type("connection")) << origin;
    }
    EXPECT_EQ(server.monitor->counters()["origins_refused"], 0);
}

TEST(MonitorTokenTest, ARandomTokenIsMadeAndPrintedInTheUrlFragment) {
    Server first;
    Server second;
    EXPECT_EQ(first.monitor->control_token().size(), 32u);
    EXPECT_NE(first.monitor->control_token(), second.monitor->control_token());
    EXPECT_EQ(first.monitor->control_url(),
              first.monitor->url() + "/#token=" + first.monitor->control_token());
}

TEST(MonitorTokenTest, WritingAndEndingControlsNeedTheTokenEvenOnLoopback) {
    Server server;
    WsClient client(server.port());
    for (const auto* control : {R"({"type":"control","command":"stop"})",
                                R"({"type":"control","command":"agent","value":"random"})",
                                R"({"type":"control","command":"save_state","value":"victim"})",
                                R"({"type":"control","command":"load_state","value":"victim"})"}) {
        client.send(control);
        EXPECT_NE(error_text(client).find("needs the control token"), std::string::npos) << control;
    }
    EXPECT_EQ(server.command_count(), 0u);
    EXPECT_FALSE(std::filesystem::exists(server.states));
    // Steering stays open on loopback without a user-given token.
    client.send(R"({"type":"control","command":"pause"})");
    EXPECT_TRUE(client.read_type("control_ack"));
    // With the token (in hello, or with the control) everything is accepted.
    client.send(R"({"type":"control","command":"stop","token":")" +
                server.monitor->control_token() + "\"}");
    EXPECT_TRUE(client.read_type("control_ack"));
    client.send(R"({"type":"hello","token":"wrong"})");
    EXPECT_EQ((*client.read_type("welcome"))["authorized"], false);
    client.send(server.hello_with_token());
    EXPECT_EQ((*client.read_type("welcome"))["authorized"], true);
    client.send(R"({"type":"control","command":"agent","value":"random"})");
    EXPECT_TRUE(client.read_type("control_ack"));
    ASSERT_EQ(server.command_count(), 3u);
    EXPECT_TRUE(std::holds_alternative<trainer::command::Stop>(server.commands[1]));
}

TEST(MonitorStateTest, EveryBadStateNameIsRefusedWithTheRuleItBreaks) {
    Server server;
    WsClient client(server.port());
    client.send(server.hello_with_token());
    ASSERT_TRUE(client.read_type("welcome"));
    const std::vector<std::pair<nlohmann::json, std::string>> bad = {
        {"", "cannot be empty"},
        {".", "not '.'"},
        {"..", "not '.'"},
        {".hidden", "not '.'"},
        {"../escape", "not '.'"},
        {"a/b", "not '/'"},
        {"a\\b", "not '\\'"},
        {" ", "not ' '"},
        {std::string("nul\0byte", 8), "not '\\x00'"},
        {"\xC3\xA9t\xC3\xA9", "not '\\xC3'"},
        {std::string(65, 'a'), "at most 64"},
        {42, "needs a state name"},
    };
    for (const auto& [name, rule] : bad) {
        client.send(
            nlohmann::json{{"type", "control"}, {"command", "save_state"}, {"value", name}}.dump());
        const auto message = error_text(client);
        EXPECT_NE(message.find(rule), std::string::npos) << name.dump() << ": " << message;
    }
    EXPECT_EQ(server.command_count(), 0u);
    EXPECT_FALSE(std::filesystem::exists(server.states));
}

TEST(MonitorStateTest, StatesLiveInTheRunsFolderAndAreNotOverwrittenUnlessAsked) {
    Server server;
    WsClient client(server.port());
    client.send(server.hello_with_token());
    ASSERT_TRUE(client.read_type("welcome"));
    client.send(R"({"type":"control","command":"load_state","value":"missing"})");
    EXPECT_NE(error_text(client).find("no state 'missing'"), std::string::npos);

    client.send(R"({"type":"control","command":"save_state","value":"before-gym_1"})");
    ASSERT_TRUE(client.read_type("control_ack"));
    ASSERT_EQ(server.command_count(), 1u);
    const auto path = std::get<trainer::command::SaveState>(server.commands[0]).path;
    EXPECT_EQ(path, server.states / "before-gym_1.state");
    { std::ofstream(path) << "a state"; }  // as the trainer would have written it

    client.send(R"({"type":"control","command":"save_state","value":"before-gym_1"})");
    EXPECT_NE(error_text(client).find("\"overwrite\": true"), std::string::npos);
    client.send(
        R"({"type":"control","command":"save_state","value":"before-gym_1","overwrite":true})");
    EXPECT_TRUE(client.read_type("control_ack"));
    client.send(R"({"type":"control","command":"load_state","value":"before-gym_1"})");
    EXPECT_TRUE(client.read_type("control_ack"));
    ASSERT_EQ(server.command_count(), 3u);
    EXPECT_EQ(std::get<trainer::command::LoadState>(server.commands[2]).path, path);
}

TEST(MonitorProtocolSecurityTest, ATypeThatIsNotAStringIsNamedAsSuch) {
    Server server;
    WsClient client(server.port());
    for (const auto* message : {R"({"type":5})", R"({"type":["ping"]})"}) {
        client.send(message);
        EXPECT_EQ(error_text(client), "\"type\" must be a string") << message;
    }
    client.send(R"({"kind":"ping"})");
    EXPECT_EQ(error_text(client), "missing \"type\"");
}

TEST(MonitorHttpLimitsTest, OversizedAndMalformedRequestsAreAnswered) {
    Server server;
    const auto port = server.port();
    const std::string start = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    EXPECT_EQ(http_raw(port, start + "X-Long: " + std::string(9000, 'a') + "\r\n\r\n").status, 431);
    std::string many;
    for (int i = 0; i < 5000; ++i)
        many += "X-" + std::to_string(i) + ": 1\r\n";
    EXPECT_EQ(http_raw(port, start + many + "\r\n").status, 431);
    EXPECT_EQ(
        http_raw(port, "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
            .status,
        413);
    EXPECT_EQ(http_raw(port,
                       "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "ffffffffffffffff\r\n")
                      .status /
                  100,
              4);
    EXPECT_EQ(http_raw(port, "NOT AN HTTP REQUEST\r\n\r\n").status, 400);
    EXPECT_GE(server.monitor->counters()["http_rejected"].get<int>(), 5);
    EXPECT_EQ(http_get(port, "/health").status, 200) << "the server still answers";
}

// A TCP connection that sends nothing: a half-open request, as a flood would make.
class IdleConnection {
  public:
    explicit IdleConnection(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        if (fd_ < 0) return;
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~IdleConnection() {
        if (fd_ >= 0) ::close(fd_);
    }
    IdleConnection(const IdleConnection&) = delete;
    IdleConnection& operator=(const IdleConnection&) = delete;
    bool open() const { return fd_ >= 0; }

  private:
    int fd_;
};

bool health_answers(unsigned short port) {
    try {
        return http_get(port, "/health").status == 200;
    } catch (const std::exception&) {
        return false;
    }
}

TEST(MonitorHttpLimitsTest, ConnectionsOverTheCapGet503AndTheServerStaysUp) {
    monitor::MonitorOptions options;
    options.max_http_connections = 4;
    Server server(options);
    std::vector<std::unique_ptr<IdleConnection>> flood;
    for (int i = 0; i < 4; ++i)
        flood.push_back(std::make_unique<IdleConnection>(server.port()));
    ASSERT_TRUE(wait_until(
        [&] { return server.monitor->counters()["http_connections"].get<int>() == 4; }, 10));
    EXPECT_EQ(http_get(server.port(), "/health").status, 503);
    EXPECT_GE(server.monitor->counters()["http_refused"].get<int>(), 1);
    flood.clear();
    EXPECT_TRUE(wait_until([&] { return health_answers(server.port()); }, 10));
}

TEST(MonitorHttpLimitsTest, AtTheFileLimitAcceptBacksOffAndRecoversWhenTheFloodEnds) {
    monitor::MonitorOptions options;
    options.max_http_connections = 100000;  // no cap: the file limit is what runs out
    Server server(options);
    ASSERT_TRUE(health_answers(server.port()));
    rlimit original{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &original), 0);
    int open_now = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        (void)entry;
        ++open_now;
    }
    rlimit lowered = original;
    lowered.rlim_cur = static_cast<rlim_t>(open_now + 40);
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
    std::vector<std::unique_ptr<IdleConnection>> flood;
    for (int i = 0; i < 200; ++i) {
        flood.push_back(std::make_unique<IdleConnection>(server.port()));
        if (!flood.back()->open()) break;  // this process (server included) is at its limit
    }
    EXPECT_TRUE(
        wait_until([&] { return server.monitor->counters()["accept_errors"].get<int>() > 0; }, 10))
        << "the flood never reached the file limit";
    const auto errors_before = server.monitor->counters()["accept_errors"].get<int>();
    std::this_thread::sleep_for(500ms);
    const auto errors_in_half_a_second =
        server.monitor->counters()["accept_errors"].get<int>() - errors_before;
    // A tight loop would fail tens of thousands of times; the back-off tries every 50 ms.
    EXPECT_LT(errors_in_half_a_second, 100);
    flood.clear();
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &original), 0);
    const auto ended = std::chrono::steady_clock::now();
    EXPECT_TRUE(wait_until([&] { return health_answers(server.port()); }, 10));
    std::cout << "[ measured ] /health answered "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - ended).count()
              << " s after the flood ended\n";
}

}  // namespace
}  // namespace crl::test
