// crystal-rl probe: a wscat-like client to look at a monitor from the terminal.
#include <utility>  // before Boost 1.74 Asio: its awaitable.hpp uses std::exchange

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <chrono>
#include <iostream>
#include <regex>

#include "app/commands.h"
#include "monitor/protocol.h"

namespace crl::app {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct ProbeOptions {
    std::string url;
    std::vector<std::string> send;
    int count = 3;
    double timeout = 10;
};

std::string describe_binary(const std::string& message) {
    if (message.size() < monitor::kBinaryHeaderBytes || message[0] != 'C' || message[1] != 'R') {
        return "<binary " + std::to_string(message.size()) + " bytes>";
    }
    std::uint32_t frame = 0;
    for (int i = 0; i < 4; ++i)
        frame |= static_cast<std::uint32_t>(static_cast<unsigned char>(message[4 + i])) << (8 * i);
    return "<binary frame " + std::to_string(frame) + ", " +
           monitor::to_string(static_cast<monitor::FrameFormat>(message[3])) + ", " +
           std::to_string(message.size() - monitor::kBinaryHeaderBytes) + " bytes>";
}

int probe(const ProbeOptions& options) {
    static const std::regex kUrl(R"(ws://([^/:]+):(\d+)(/.*)?)");
    std::smatch match;
    if (!std::regex_match(options.url, match, kUrl)) {
        std::cerr << "crystal-rl probe: '" << options.url << "' is not a ws://HOST:PORT/PATH URL\n";
        return 2;
    }
    const std::string host = match[1], port = match[2],
                      path = match[3].matched ? match[3].str() : "/ws";
    asio::io_context io;
    websocket::stream<beast::tcp_stream> ws(io);
    tcp::resolver resolver(io);
    beast::get_lowest_layer(ws).expires_after(
        std::chrono::milliseconds(static_cast<long>(options.timeout * 1000)));
    beast::get_lowest_layer(ws).connect(resolver.resolve(host, port));
    ws.handshake(host + ":" + port, path);
    for (const auto& message : options.send)
        ws.write(asio::buffer(message));
    beast::flat_buffer buffer;
    for (int received = 0; received < options.count; ++received) {
        beast::get_lowest_layer(ws).expires_after(
            std::chrono::milliseconds(static_cast<long>(options.timeout * 1000)));
        ws.read(buffer);
        const auto message = beast::buffers_to_string(buffer.data());
        buffer.consume(buffer.size());
        std::cout << (ws.got_text() ? message : describe_binary(message)) << std::endl;
    }
    beast::error_code ignored;
    ws.close(websocket::close_code::normal, ignored);
    return 0;
}

}  // namespace

Command add_probe_command(CLI::App& app) {
    auto options = std::make_shared<ProbeOptions>();
    auto* command =
        app.add_subcommand("probe", "Connect to a monitor's WebSocket and print what it sends");
    command->add_option("url", options->url, "ws://HOST:PORT/ws")->required();
    command->add_option("--send", options->send, "JSON text to send after connecting (repeatable)");
    command->add_option("--count", options->count, "messages to print before closing")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    command->add_option("--timeout", options->timeout, "seconds to wait for each message")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    return [options] {
        try {
            return probe(*options);
        } catch (const beast::system_error& error) {
            throw std::runtime_error("probe " + options->url + ": " + error.code().message());
        }
    };
}

}  // namespace crl::app
