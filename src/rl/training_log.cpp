#include "rl/training_log.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace crl::rl {
namespace {

class Statement {
  public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string("training log: ") + sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(statement_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    void bind(int index, double value) { sqlite3_bind_double(statement_, index, value); }
    void bind(int index, std::uint64_t value) {
        sqlite3_bind_int64(statement_, index, static_cast<sqlite3_int64>(value));
    }
    void bind(int index, int value) { sqlite3_bind_int(statement_, index, value); }
    void bind(int index, const std::string& text) {
        sqlite3_bind_text(statement_, index, text.c_str(), -1, SQLITE_TRANSIENT);
    }
    void run() {
        if (sqlite3_step(statement_) != SQLITE_DONE)
            throw std::runtime_error(std::string("training log: ") + sqlite3_errmsg(db_));
    }

  private:
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
};

}  // namespace

TrainingLog::TrainingLog(const std::filesystem::path& database) {
    if (sqlite3_open(database.c_str(), &db_) != SQLITE_OK) {
        const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw std::runtime_error("cannot open '" + database.string() + "': " + message);
    }
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec(
        "CREATE TABLE IF NOT EXISTS training (update_index INTEGER PRIMARY KEY, env_steps "
        "INTEGER, steps_per_second REAL, mean_return REAL, mean_length REAL, episodes INTEGER, "
        "policy_loss REAL, value_loss REAL, entropy REAL, approx_kl REAL, clip_fraction REAL, "
        "explained_variance REAL, learning_rate REAL, learner_share REAL, reward_parts TEXT)");
    exec(
        "CREATE TABLE IF NOT EXISTS episodes (episode INTEGER PRIMARY KEY, env INTEGER, "
        "env_steps INTEGER, episode_return REAL, length INTEGER, badges INTEGER, cells INTEGER, "
        "maps INTEGER)");
}

TrainingLog::~TrainingLog() {
    if (in_transaction_) sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
}

void TrainingLog::exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("training log: " + message);
    }
}

void TrainingLog::forget_after(std::uint64_t update, std::uint64_t episode) {
    exec("DELETE FROM training WHERE update_index > " + std::to_string(update));
    exec("DELETE FROM episodes WHERE episode > " + std::to_string(episode));
}

void TrainingLog::add_episode(const EpisodeRow& row) {
    if (!in_transaction_) {
        exec("BEGIN");
        in_transaction_ = true;
    }
    Statement insert(db_, "INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, row.episode);
    insert.bind(2, row.env);
    insert.bind(3, row.env_steps);
    insert.bind(4, row.episode_return);
    insert.bind(5, row.length);
    insert.bind(6, row.badges);
    insert.bind(7, row.cells);
    insert.bind(8, row.maps);
    insert.run();
}

void TrainingLog::add_update(const UpdateRow& row) {
    if (!in_transaction_) exec("BEGIN");
    in_transaction_ = true;
    Statement insert(db_,
                     "INSERT INTO training VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, row.update);
    insert.bind(2, row.env_steps);
    insert.bind(3, row.steps_per_second);
    insert.bind(4, row.mean_return);
    insert.bind(5, row.mean_length);
    insert.bind(6, row.episodes);
    insert.bind(7, row.policy_loss);
    insert.bind(8, row.value_loss);
    insert.bind(9, row.entropy);
    insert.bind(10, row.approx_kl);
    insert.bind(11, row.clip_fraction);
    insert.bind(12, row.explained_variance);
    insert.bind(13, row.learning_rate);
    insert.bind(14, row.learner_share);
    insert.bind(15, row.reward_parts.dump());
    insert.run();
    exec("COMMIT");
    in_transaction_ = false;
}

std::string prometheus_text(const UpdateRow& row, std::uint64_t total_episodes) {
    std::ostringstream out;
    auto metric = [&out](const char* name, const char* type, const char* help, double value) {
        out << "# HELP crystal_rl_train_" << name << ' ' << help << '\n'
            << "# TYPE crystal_rl_train_" << name << ' ' << type << '\n'
            << "crystal_rl_train_" << name << ' ' << value << '\n';
    };
    metric("updates_total", "counter", "PPO updates done", static_cast<double>(row.update));
    metric("env_steps_total", "counter", "environment steps", static_cast<double>(row.env_steps));
    metric("episodes_total", "counter", "episodes finished", static_cast<double>(total_episodes));
    metric("steps_per_second", "gauge", "env steps per second in the last update",
           row.steps_per_second);
    metric("mean_episode_return", "gauge", "mean return of the last update's episodes",
           row.mean_return);
    metric("mean_episode_length", "gauge", "mean length of the last update's episodes",
           row.mean_length);
    metric("policy_loss", "gauge", "clipped surrogate loss", row.policy_loss);
    metric("value_loss", "gauge", "value loss", row.value_loss);
    metric("entropy", "gauge", "policy entropy (nats)", row.entropy);
    metric("approx_kl", "gauge", "approximate KL between old and new policy", row.approx_kl);
    metric("clip_fraction", "gauge", "share of samples clipped", row.clip_fraction);
    metric("explained_variance", "gauge", "value function's explained variance",
           row.explained_variance);
    metric("learner_share", "gauge", "share of wall time in the learner", row.learner_share);
    return out.str();
}

void write_prometheus(const std::filesystem::path& path, const UpdateRow& row,
                      std::uint64_t total_episodes) {
    const auto temporary = path.string() + ".tmp";
    std::ofstream(temporary) << prometheus_text(row, total_episodes);
    std::filesystem::rename(temporary, path);
}

}  // namespace crl::rl
