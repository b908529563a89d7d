#include "trainer/decision_log.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace crl::trainer {
namespace {

struct StatementCloser {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementCloser>;
struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

void execute(sqlite3* db, const char* sql, const std::string& where) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("decision log '" + where + "': " + message);
    }
}

Statement prepare(sqlite3* db, const char* sql, const std::string& where) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) {
        throw std::runtime_error("decision log '" + where + "': " + sqlite3_errmsg(db));
    }
    return Statement(statement);
}

std::string column_text(sqlite3_stmt* statement, int column) {
    const auto* text = sqlite3_column_text(statement, column);
    return text ? reinterpret_cast<const char*>(text) : "";
}

constexpr const char* kSchema = R"(
    CREATE TABLE IF NOT EXISTS decisions (
        step INTEGER PRIMARY KEY,
        time REAL NOT NULL,
        agent TEXT NOT NULL,
        action TEXT NOT NULL,
        source TEXT NOT NULL,
        reasoning TEXT NOT NULL,
        latency_ms REAL NOT NULL,
        reward REAL NOT NULL,
        breakdown TEXT NOT NULL,
        map INTEGER NOT NULL,
        x INTEGER NOT NULL,
        y INTEGER NOT NULL,
        details TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS milestones (
        step INTEGER NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL,
        time REAL NOT NULL
    );)";

}  // namespace

nlohmann::json DecisionRecord::to_json() const {
    nlohmann::json json = {{"step", step},
                           {"time", time},
                           {"agent", agent},
                           {"action", action},
                           {"source", source},
                           {"reasoning", reasoning},
                           {"latency_ms", latency_ms},
                           {"reward", reward},
                           {"breakdown", breakdown},
                           {"map", map},
                           {"x", x},
                           {"y", y},
                           {"fallback", source == "fallback"}};
    // The LLM's prompt, tool calls, refused calls and outcomes, for the decisions panel.
    if (details.is_object() && !details.empty()) json["details"] = details;
    return json;
}

DecisionLog::DecisionLog(const std::filesystem::path& database) : path_(database) {
    if (sqlite3_open_v2(database.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close_v2(db_);
        throw std::runtime_error("decision log '" + database.string() +
                                 "' cannot be opened: " + message);
    }
    sqlite3_busy_timeout(db_, 5000);
    execute(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", path_.string());
    execute(db_, kSchema, path_.string());
    thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

DecisionLog::~DecisionLog() {
    flush();
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
    sqlite3_close_v2(db_);
}

void DecisionLog::append(DecisionRecord record) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(record));
    }
    wake_.notify_all();
}

void DecisionLog::flush() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return queue_.empty() && !writing_; });
}

std::uint64_t DecisionLog::queued() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void DecisionLog::delete_after(std::uint64_t step) {
    flush();
    std::lock_guard lock(mutex_);
    auto statement = prepare(db_, "DELETE FROM decisions WHERE step > ?", path_.string());
    sqlite3_bind_int64(statement.get(), 1, static_cast<sqlite3_int64>(step));
    sqlite3_step(statement.get());
    auto milestones = prepare(db_, "DELETE FROM milestones WHERE step > ?", path_.string());
    sqlite3_bind_int64(milestones.get(), 1, static_cast<sqlite3_int64>(step));
    sqlite3_step(milestones.get());
}

void DecisionLog::add_milestone(std::uint64_t step, const std::string& kind,
                                const std::string& detail) {
    std::lock_guard lock(mutex_);
    auto insert = prepare(db_,
                          "INSERT INTO milestones (step, kind, detail, time) VALUES (?, ?, ?, "
                          "strftime('%s', 'now'))",
                          path_.string());
    sqlite3_bind_int64(insert.get(), 1, static_cast<sqlite3_int64>(step));
    sqlite3_bind_text(insert.get(), 2, kind.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert.get(), 3, detail.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(insert.get()) != SQLITE_DONE)
        throw std::runtime_error("decision log '" + path_.string() +
                                 "': milestone not written: " + sqlite3_errmsg(db_));
}

void DecisionLog::write_batch(const std::vector<DecisionRecord>& batch) {
    execute(db_, "BEGIN", path_.string());
    auto insert =
        prepare(db_,
                "INSERT OR REPLACE INTO decisions (step, time, agent, action, source, reasoning, "
                "latency_ms, reward, breakdown, map, x, y, details) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                path_.string());
    for (const auto& record : batch) {
        auto* s = insert.get();
        const auto breakdown = record.breakdown.dump();
        const auto details =
            record.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(record.step));
        sqlite3_bind_double(s, 2, record.time);
        sqlite3_bind_text(s, 3, record.agent.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 4, record.action.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 5, record.source.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 6, record.reasoning.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(s, 7, record.latency_ms);
        sqlite3_bind_double(s, 8, record.reward);
        sqlite3_bind_text(s, 9, breakdown.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 10, record.map);
        sqlite3_bind_int(s, 11, record.x);
        sqlite3_bind_int(s, 12, record.y);
        sqlite3_bind_text(s, 13, details.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) != SQLITE_DONE) {
            spdlog::error("decision log: {}", sqlite3_errmsg(db_));
        }
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
    execute(db_, "COMMIT", path_.string());
}

void DecisionLog::run(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, stop, [this] { return !queue_.empty(); });
        if (queue_.empty()) return;
        std::vector<DecisionRecord> batch;
        batch.swap(queue_);
        writing_ = true;
        lock.unlock();
        try {
            write_batch(batch);
        } catch (const std::exception& error) {
            spdlog::error("{}", error.what());
        }
        lock.lock();
        writing_ = false;
        if (queue_.empty()) idle_.notify_all();
    }
}

std::vector<DecisionRecord> DecisionLog::read_recent(const std::filesystem::path& database,
                                                     int limit) {
    sqlite3* raw = nullptr;
    if (sqlite3_open_v2(database.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close_v2(raw);
        throw std::runtime_error("decision log '" + database.string() +
                                 "' cannot be opened for reading");
    }
    Db db(raw);
    sqlite3_busy_timeout(db.get(), 2000);
    auto query = prepare(
        db.get(),
        "SELECT step, time, agent, action, source, reasoning, latency_ms, reward, breakdown, "
        "map, x, y, details FROM decisions ORDER BY step DESC LIMIT ?",
        database.string());
    sqlite3_bind_int(query.get(), 1, limit);
    std::vector<DecisionRecord> records;
    while (sqlite3_step(query.get()) == SQLITE_ROW) {
        auto* s = query.get();
        DecisionRecord record;
        record.step = static_cast<std::uint64_t>(sqlite3_column_int64(s, 0));
        record.time = sqlite3_column_double(s, 1);
        record.agent = column_text(s, 2);
        record.action = column_text(s, 3);
        record.source = column_text(s, 4);
        record.reasoning = column_text(s, 5);
        record.latency_ms = sqlite3_column_double(s, 6);
        record.reward = sqlite3_column_double(s, 7);
        record.breakdown = nlohmann::json::parse(column_text(s, 8), nullptr, false);
        record.map = sqlite3_column_int(s, 9);
        record.x = sqlite3_column_int(s, 10);
        record.y = sqlite3_column_int(s, 11);
        record.details = nlohmann::json::parse(column_text(s, 12), nullptr, false);
        records.push_back(std::move(record));
    }
    return records;
}

}  // namespace crl::trainer
