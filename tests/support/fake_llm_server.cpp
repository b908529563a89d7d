#include "support/fake_llm_server.h"

#include <utility>  // before Boost 1.74 Asio: its awaitable.hpp uses std::exchange

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <nlohmann/json.hpp>

namespace crl::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct FakeLlmServer::Impl {
    asio::io_context io;
    tcp::acceptor acceptor{io};
};

FakeLlmServer::FakeLlmServer() : impl_(std::make_unique<Impl>()) {
    fallback_.body = ollama(R"({"action": "NOOP", "reasoning": "default"})");
    auto& acceptor = impl_->acceptor;
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen();
    port_ = acceptor.local_endpoint().port();
    acceptor_ = std::jthread([this] {
        while (!stopping_) {
            beast::error_code ec;
            tcp::socket socket(impl_->io);
            impl_->acceptor.accept(socket, ec);
            if (ec || stopping_) return;
            const int handle = socket.release(ec);
            std::lock_guard lock(mutex_);
            connections_.emplace_back([this, handle] { serve(handle); });
        }
    });
}

FakeLlmServer::~FakeLlmServer() {
    stopping_ = true;
    beast::error_code ec;
    impl_->acceptor.cancel(ec);
    impl_->acceptor.close(ec);
    // Wake the blocking accept with one last connection.
    {
        asio::io_context io;
        tcp::socket poke(io);
        poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    }
    acceptor_ = {};
    std::lock_guard lock(mutex_);
    connections_.clear();
}

void FakeLlmServer::script(std::vector<Reply> replies, Reply fallback) {
    std::lock_guard lock(mutex_);
    script_.assign(replies.begin(), replies.end());
    fallback_ = std::move(fallback);
}

std::vector<FakeLlmServer::Request> FakeLlmServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::string FakeLlmServer::ollama(const std::string& content) {
    return nlohmann::json{{"model", "fake"},
                          {"message", {{"role", "assistant"}, {"content", content}}},
                          {"done", true}}
        .dump();
}

std::string FakeLlmServer::openai(const std::string& content) {
    return nlohmann::json{
        {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}}}}}
        .dump();
}

std::string FakeLlmServer::ollama_tools(const nlohmann::json& calls, const std::string& content) {
    nlohmann::json tool_calls = nlohmann::json::array();
    for (const auto& call : calls)
        tool_calls.push_back({{"function", call}});
    return nlohmann::json{
        {"model", "fake"},
        {"message", {{"role", "assistant"}, {"content", content}, {"tool_calls", tool_calls}}},
        {"done", true}}
        .dump();
}

std::string FakeLlmServer::openai_tools(const nlohmann::json& calls, const std::string& content) {
    nlohmann::json tool_calls = nlohmann::json::array();
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const auto& arguments = calls[i]["arguments"];
        tool_calls.push_back({{"id", "call_" + std::to_string(i)},
                              {"type", "function"},
                              {"function",
                               {{"name", calls[i]["name"]},
                                {"arguments", arguments.is_string() ? arguments.get<std::string>()
                                                                    : arguments.dump()}}}});
    }
    nlohmann::json message = {{"role", "assistant"}, {"tool_calls", tool_calls}};
    message["content"] = content.empty() ? nlohmann::json(nullptr) : nlohmann::json(content);
    return nlohmann::json{
        {"choices", {{{"index", 0}, {"message", message}, {"finish_reason", "tool_calls"}}}}}
        .dump();
}

void FakeLlmServer::serve(int handle) {
    asio::io_context io;
    beast::error_code ec;
    tcp::socket socket(io, tcp::v4(), handle);
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(socket, buffer, request, ec);
    if (ec) return;
    Reply reply;
    {
        std::lock_guard lock(mutex_);
        requests_.push_back({std::string(request.target()), request.body()});
        if (!script_.empty()) {
            reply = script_.front();
            script_.pop_front();
        } else {
            reply = fallback_;
        }
    }
    const auto until = std::chrono::steady_clock::now() + reply.delay;
    while (std::chrono::steady_clock::now() < until && !stopping_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    http::response<http::string_body> response{static_cast<http::status>(reply.status),
                                               request.version()};
    response.set(http::field::content_type, "application/json");
    response.body() = reply.body;
    response.prepare_payload();
    http::write(socket, response, ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
}

}  // namespace crl::test
