// trainer/decision_log.h — every decision of a run, one row per action, in a SQLite file (WAL
// mode, so readers never block the writer and a killed process leaves it intact). Rows are
// written in batches on the log's own thread: append() never waits on the disk.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

struct sqlite3;

namespace crl::trainer {

struct DecisionRecord {
    std::uint64_t step = 0;  // 1-based action number in the run
    double time = 0;         // Unix seconds
    std::string agent;
    std::string action;
    std::string source;  // policy, llm, fallback, human
    std::string reasoning;
    double latency_ms = 0;
    double reward = 0;
    nlohmann::json breakdown = nlohmann::json::object();
    int map = 0;
    int x = 0;
    int y = 0;
    nlohmann::json details = nlohmann::json::object();  // prompt, reply, errors

    nlohmann::json to_json() const;
};

class DecisionLog {
  public:
    explicit DecisionLog(const std::filesystem::path& database);
    ~DecisionLog();  // writes what is queued
    DecisionLog(const DecisionLog&) = delete;
    DecisionLog& operator=(const DecisionLog&) = delete;

    void append(DecisionRecord record);
    void flush();                           // waits until every appended row is committed
    void delete_after(std::uint64_t step);  // for resuming at a checkpoint
    // The "milestones" table (trainer/milestones.h): rare, so written at once, on the caller.
    void add_milestone(std::uint64_t step, const std::string& kind, const std::string& detail);
    std::uint64_t queued() const;

    // A separate read-only look at a log, newest first (for /api/decisions and tests).
    static std::vector<DecisionRecord> read_recent(const std::filesystem::path& database,
                                                   int limit);

  private:
    void run(std::stop_token stop);
    void write_batch(const std::vector<DecisionRecord>& batch);

    std::filesystem::path path_;
    sqlite3* db_ = nullptr;
    mutable std::mutex mutex_;
    std::condition_variable_any wake_;
    std::condition_variable idle_;
    std::vector<DecisionRecord> queue_;
    bool writing_ = false;
    std::jthread thread_;
};

}  // namespace crl::trainer
