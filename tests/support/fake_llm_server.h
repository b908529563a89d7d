// A real HTTP server on loopback that stands in for an LLM in tests: scripted replies, delays,
// HTTP errors and garbage, in order; it remembers every request.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace crl::test {

class FakeLlmServer {
  public:
    struct Reply {
        int status = 200;
        std::string body;
        std::chrono::milliseconds delay{0};
    };
    struct Request {
        std::string target;
        std::string body;
    };

    FakeLlmServer();
    ~FakeLlmServer();
    FakeLlmServer(const FakeLlmServer&) = delete;
    FakeLlmServer& operator=(const FakeLlmServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // Replies used in order; after them, `fallback` forever.
    void script(std::vector<Reply> replies, Reply fallback);
    std::vector<Request> requests() const;

    // Bodies as the two APIs send them.
    static std::string ollama(const std::string& content);
    static std::string openai(const std::string& content);
    // Tool calls as each API sends them; `calls` is [{"name": ..., "arguments": {...}}]. Ollama
    // sends arguments as an object, OpenAI-compatible servers as a JSON string (an argument that
    // is already a string is sent as it is, to test malformed JSON).
    static std::string ollama_tools(const nlohmann::json& calls, const std::string& content = "");
    static std::string openai_tools(const nlohmann::json& calls, const std::string& content = "");

  private:
    struct Impl;
    void serve(int client);
    std::unique_ptr<Impl> impl_;
    unsigned short port_ = 0;
    mutable std::mutex mutex_;
    std::deque<Reply> script_;
    Reply fallback_;
    std::vector<Request> requests_;
    std::atomic<bool> stopping_{false};
    std::vector<std::jthread> connections_;
    std::jthread acceptor_;
};

}  // namespace crl::test
