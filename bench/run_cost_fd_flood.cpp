// make bench: the emulator never slows because of the web side. A `crystal-rl run` (demo game,
// unthrottled, the dashboard on) starts with a file limit of 256; this bench alternates quiet
// phases with floods of idle half-sent HTTP requests (1,000 connections, more than the process
// may hold) and prints actions/s during the floods against the quiet phases around them, and
// how long /health takes to answer again after each flood ends. Two rows: the default HTTP cap
// (a quarter of the file limit) and no cap, where the flood runs the process out of descriptors
// (accept fails with EMFILE and backs off). Actions are counted afterwards from the run's
// decisions.sqlite (each decision's Unix time), so no progress file needs a descriptor during
// the flood. Target: ratio >= 0.9.
// Usage: crystal-rl-fd-flood-bench [SECONDS_PER_PHASE]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "run_cost_child.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr rlim_t kChildFileLimit = 256;
constexpr int kFloodConnections = 1000;
constexpr int kFloodRounds = 2;  // quiet, flood, quiet, flood, quiet

class Socket {
  public:
    explicit Socket(int fd) : fd_(fd) {}
    Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Socket& operator=(Socket&&) = delete;
    Socket(const Socket&) = delete;
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    int fd() const { return fd_; }

  private:
    int fd_;
};

sockaddr_in loopback(unsigned short port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

unsigned short free_port() {
    Socket probe(::socket(AF_INET, SOCK_STREAM, 0));
    auto address = loopback(0);
    socklen_t size = sizeof address;
    ::bind(probe.fd(), reinterpret_cast<sockaddr*>(&address), size);
    ::getsockname(probe.fd(), reinterpret_cast<sockaddr*>(&address), &size);
    return ntohs(address.sin_port);
}

// A request begun and never finished: the server holds a descriptor for it until its timeout.
std::optional<Socket> half_sent_request(unsigned short port) {
    Socket socket(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    if (socket.fd() < 0) return std::nullopt;
    const auto address = loopback(port);
    ::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
    pollfd ready{socket.fd(), POLLOUT, 0};
    if (::poll(&ready, 1, 200) == 1) {
        const std::string start = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        [[maybe_unused]] const auto sent = ::send(socket.fd(), start.data(), start.size(), 0);
    }
    return socket;
}

bool health_answers(unsigned short port) {
    Socket socket(::socket(AF_INET, SOCK_STREAM, 0));
    timeval timeout{0, 200'000};
    ::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    const auto address = loopback(port);
    if (::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        return false;
    const std::string request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(socket.fd(), request.data(), request.size(), 0) < 0) return false;
    char reply[64] = {};
    const auto got = ::recv(socket.fd(), reply, sizeof reply - 1, 0);
    return got > 12 && std::string(reply, 12) == "HTTP/1.1 200";
}

double seconds_until_health(unsigned short port, double give_up) {
    const auto start = Clock::now();
    while (std::chrono::duration<double>(Clock::now() - start).count() < give_up) {
        if (health_answers(port))
            return std::chrono::duration<double>(Clock::now() - start).count();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

double unix_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Phase {
    double start = 0, end = 0;
    bool flooded = false;
};

// Decisions per second in each phase, from the run's database (read after the run stopped).
std::vector<double> actions_per_second(const std::filesystem::path& database,
                                       const std::vector<Phase>& phases) {
    std::vector<double> rates;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::fprintf(stderr, "cannot open %s\n", database.c_str());
        sqlite3_close(db);
        return rates;
    }
    sqlite3_stmt* count = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM decisions WHERE time >= ? AND time < ?", -1,
                       &count, nullptr);
    for (const auto& phase : phases) {
        sqlite3_bind_double(count, 1, phase.start);
        sqlite3_bind_double(count, 2, phase.end);
        const bool row = sqlite3_step(count) == SQLITE_ROW;
        rates.push_back(row ? sqlite3_column_double(count, 0) / (phase.end - phase.start) : 0);
        sqlite3_reset(count);
    }
    sqlite3_finalize(count);
    sqlite3_close(db);
    return rates;
}

struct Row {
    double quiet = 0, flooded = 0, slowest_recovery = 0;
};

Phase timed_phase(double seconds, bool flooded) {
    Phase phase{unix_now(), 0, flooded};
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    phase.end = unix_now();
    return phase;
}

Row measure(const std::string& cap, double phase_seconds) {
    const auto port = free_port();
    const auto run = std::filesystem::temp_directory_path() /
                     ("crystal-rl-fd-flood-" + std::to_string(::getpid()) + "-" + cap);
    std::vector<std::string> arguments = {
        "run",       "--quiet",    "--checkpoint-every",     "1000", "--port", std::to_string(port),
        "--run-dir", run.string(), "--max-http-connections", cap};
    crl::bench::RunChild child(arguments, run, kChildFileLimit);
    Row row;
    if (seconds_until_health(port, 60) < 0) {
        std::fprintf(stderr, "the run never answered /health on port %u\n", port);
        return row;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));  // past the start-up
    std::vector<Phase> phases;
    for (int round = 0; round < kFloodRounds; ++round) {
        phases.push_back(timed_phase(phase_seconds, false));
        std::vector<Socket> flood;
        for (int i = 0; i < kFloodConnections; ++i) {
            if (auto socket = half_sent_request(port)) flood.push_back(std::move(*socket));
        }
        phases.push_back(timed_phase(phase_seconds, true));
        flood.clear();
        row.slowest_recovery = std::max(row.slowest_recovery, seconds_until_health(port, 30));
    }
    phases.push_back(timed_phase(phase_seconds, false));
    if (!child.running()) std::fprintf(stderr, "the run stopped during the flood\n");
    ::kill(child.pid(), SIGTERM);  // a clean stop: every decision reaches the database
    child.wait();
    const auto rates = actions_per_second(run / "decisions.sqlite", phases);
    for (std::size_t i = 0; i < rates.size(); ++i) {
        (phases[i].flooded ? row.flooded : row.quiet) +=
            rates[i] / (phases[i].flooded ? kFloodRounds : kFloodRounds + 1);
    }
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    const double phase_seconds = argc > 1 ? std::stod(argv[1]) : 5.0;
    rlimit ours{};  // the flood's own sockets need room
    ::getrlimit(RLIMIT_NOFILE, &ours);
    ours.rlim_cur = ours.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &ours);
    double load[3] = {};
    ::getloadavg(load, 3);
    std::printf(
        "crystal-rl run (demo game, unthrottled, file limit %llu) under a flood of %d half-sent "
        "HTTP requests, %.0f s phases; load average %.2f %.2f %.2f:\n",
        static_cast<unsigned long long>(kChildFileLimit), kFloodConnections, phase_seconds, load[0],
        load[1], load[2]);
    std::printf(
        "| HTTP cap | actions/s quiet | actions/s flooded | ratio (>= 0.9) | /health back "
        "after the flood |\n|---|---|---|---|---|\n");
    for (const auto& [cap, name] : {std::pair{"0", "default (64)"}, {"100000", "none (EMFILE)"}}) {
        const auto row = measure(cap, phase_seconds);
        std::printf("| %s | %.0f | %.0f | %.3f | %.2f s |\n", name, row.quiet, row.flooded,
                    row.quiet > 0 ? row.flooded / row.quiet : 0.0, row.slowest_recovery);
        std::fflush(stdout);
    }
    return 0;
}
