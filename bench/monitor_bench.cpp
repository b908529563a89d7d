// make bench — the monitor: bytes and encode time per frame in each format; frames delivered
// and latency with 1, 50 and 200 viewers at 30 FPS; emulator throughput with 50 viewers.
#include <utility>  // before Boost 1.74 Asio: its awaitable.hpp uses std::exchange

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "agent/simple_agents.h"
#include "demo_rom.h"
#include "image/base64.h"
#include "image/frame_codecs.h"
#include "image/png.h"
#include "monitor/monitor.h"
#include "trainer/trainer.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

double unix_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

// A demo-game screen a few hundred steps into the game.
std::vector<std::uint8_t> game_frame(const crl::emu::Rom& rom) {
    crl::env::Env env(crl::emu::make_machine(rom), crl::game::make_profile(rom));
    env.reset();
    crl::agent::ExplorerAgent explorer(1);
    std::deque<crl::agent::Recent> recent;
    for (int step = 0; step < 300; ++step) {
        const crl::agent::Observation observation{
            env.state(), static_cast<std::uint64_t>(step), 0, recent, {}};
        env.step(explorer.decide(observation).action);
    }
    return env.machine().frame_rgb();
}

void formats(const std::vector<std::uint8_t>& rgb) {
    std::printf("\nFrame formats (a demo-game screen, 160x144; median of 200 encodes)\n\n");
    std::printf("| format | bytes per frame | encode us |\n|---|---|---|\n");
    auto measure = [&](const char* name, auto encode) {
        std::vector<double> us;
        std::size_t bytes = 0;
        for (int i = 0; i < 200; ++i) {
            const auto start = Clock::now();
            bytes = encode();
            us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        }
        std::printf("| %s | %zu | %.0f |\n", name, bytes, percentile(us, 0.5));
    };
    measure("JPEG q85, base64 in JSON (the original plan)",
            [&] { return crl::image::base64(crl::image::encode_jpeg(rgb, 160, 144, 85)).size(); });
    measure("PNG, base64 in JSON (screen_update)",
            [&] { return crl::image::base64(crl::image::encode_png(rgb, 160, 144)).size(); });
    measure("PNG, binary", [&] { return crl::image::encode_png(rgb, 160, 144).size(); });
    measure("indexed + deflate, binary",
            [&] { return crl::image::encode_indexed(rgb, 160, 144).size(); });
}

// Publishes the same picture with a new frame id `fps` times a second.
class Publisher {
  public:
    Publisher(std::vector<std::uint8_t> rgb, double fps)
        : thread_([this, rgb = std::move(rgb), fps](std::stop_token stop) {
              std::uint64_t frame = 1;
              auto next = Clock::now();
              while (!stop.stop_requested()) {
                  auto snapshot = std::make_shared<crl::trainer::Snapshot>();
                  snapshot->frame_id = frame++;
                  snapshot->timestamp = unix_now();
                  snapshot->rgb = rgb;
                  {
                      std::lock_guard lock(mutex_);
                      latest_ = std::move(snapshot);
                  }
                  next += std::chrono::microseconds(static_cast<long>(1e6 / fps));
                  std::this_thread::sleep_until(next);
              }
          }) {}
    std::shared_ptr<const crl::trainer::Snapshot> latest() {
        std::lock_guard lock(mutex_);
        return latest_;
    }

  private:
    std::mutex mutex_;
    std::shared_ptr<const crl::trainer::Snapshot> latest_;
    std::jthread thread_;
};

struct Delivery {
    std::vector<int> frames;
    std::vector<double> latency_ms;
};

// `count` viewers asking for binary indexed frames, each reading for `seconds`.
Delivery watch(unsigned short port, int count, double seconds) {
    Delivery delivery;
    delivery.frames.assign(static_cast<std::size_t>(count), 0);
    std::mutex mutex;
    std::vector<std::jthread> viewers;
    const auto until = Clock::now() + std::chrono::duration<double>(seconds);
    for (int i = 0; i < count; ++i) {
        viewers.emplace_back([&, i] {
            asio::io_context io;
            websocket::stream<beast::tcp_stream> ws(io);
            beast::get_lowest_layer(ws).connect(
                tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
            ws.handshake("127.0.0.1", "/ws");
            ws.write(asio::buffer(
                std::string(R"({"type":"hello","binary":true,"format":"indexed","fps":30})")));
            beast::flat_buffer buffer;
            std::vector<double> latencies;
            int frames = 0;
            while (Clock::now() < until) {
                beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(2));
                beast::error_code ec;
                ws.read(buffer, ec);
                if (ec) break;
                if (!ws.got_text()) {
                    double timestamp = 0;
                    std::memcpy(&timestamp, static_cast<const char*>(buffer.data().data()) + 8, 8);
                    latencies.push_back((unix_now() - timestamp) * 1000);
                    ++frames;
                }
                buffer.consume(buffer.size());
            }
            std::lock_guard lock(mutex);
            delivery.frames[static_cast<std::size_t>(i)] = frames;
            delivery.latency_ms.insert(delivery.latency_ms.end(), latencies.begin(),
                                       latencies.end());
        });
    }
    viewers.clear();
    return delivery;
}

void delivery(const std::vector<std::uint8_t>& rgb) {
    constexpr double kSeconds = 5;
    std::printf(
        "\nDelivery at 30 FPS (binary indexed frames, %.0f s per row; frames published at 30 "
        "FPS)\n\n",
        kSeconds);
    std::printf(
        "| viewers | FPS delivered (median viewer) | slowest viewer | latency p50 ms | p99 ms "
        "|\n|---|---|---|---|---|\n");
    for (const int count : {1, 50, 200}) {
        Publisher publisher(rgb, 30);
        crl::monitor::MonitorOptions options;
        options.port = 0;
        options.stream_fps = 30;
        crl::monitor::MonitorHooks hooks;
        hooks.latest = [&publisher] { return publisher.latest(); };
        crl::monitor::Monitor server(options, hooks);
        server.start();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        auto result = watch(server.port(), count, kSeconds);
        std::vector<double> fps;
        for (const int frames : result.frames)
            fps.push_back(frames / kSeconds);
        std::printf("| %d | %.1f | %.1f | %.1f | %.1f |\n", count, percentile(fps, 0.5),
                    percentile(fps, 0.0), percentile(result.latency_ms, 0.5),
                    percentile(result.latency_ms, 0.99));
    }
}

// Actions a second of a real run (demo game, explorer, unthrottled) with and without viewers.
double run_rate(const crl::emu::Rom& rom, int viewers) {
    crl::env::Env env(crl::emu::make_machine(rom), crl::game::make_profile(rom));
    env.reset();
    const auto dir =
        std::filesystem::temp_directory_path() /
        ("crystal-rl-bench-" + std::to_string(::getpid()) + "-" + std::to_string(viewers));
    std::filesystem::remove_all(dir);
    crl::trainer::TrainerOptions options;
    options.checkpoint_every = 1'000'000;
    crl::trainer::Trainer trainer(
        env, crl::trainer::RunDirectory::create(dir),
        [](const std::string&) { return std::make_unique<crl::agent::ExplorerAgent>(1); }, options);
    crl::monitor::MonitorOptions web;
    web.port = 0;
    web.stream_fps = 30;
    crl::monitor::MonitorHooks hooks;
    hooks.latest = [&trainer] { return trainer.latest(); };
    hooks.watchers = [&trainer](int count) { trainer.set_watchers(count); };
    crl::monitor::Monitor server(web, hooks);
    server.start();
    std::jthread loop([&](std::stop_token stop) { trainer.run(stop); });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto start_actions = trainer.latest()->stats.total_actions;
    const auto start = Clock::now();
    if (viewers > 0) {
        watch(server.port(), viewers, 5);
    } else {
        std::this_thread::sleep_for(std::chrono::seconds(5));
    }
    const double rate = static_cast<double>(trainer.latest()->stats.total_actions - start_actions) /
                        std::chrono::duration<double>(Clock::now() - start).count();
    loop.request_stop();
    loop.join();
    server.stop();
    std::filesystem::remove_all(dir);
    return rate;
}

}  // namespace

int main() {
    if (crl::demo_rom_bytes().empty()) {
        std::puts("monitor bench: this build has no demo game (SDCC missing)");
        return 0;
    }
    const auto rom = crl::emu::Rom::from_bytes(crl::demo_rom_bytes(), "demo");
    const auto rgb = game_frame(rom);
    formats(rgb);
    delivery(rgb);
    const double alone = run_rate(rom, 0);
    const double watched = run_rate(rom, 50);
    std::printf(
        "\nEmulator throughput, demo game, explorer, unthrottled: %.0f actions/s alone, %.0f with "
        "50 viewers "
        "at 30 FPS: ratio %.3f (target >= 0.95)\n",
        alone, watched, watched / alone);
    return 0;
}
