// app/signal_stop.h — SIGINT and SIGTERM as a stop request: a thread waits for them (they are
// blocked, not handled), so no signal handler and no global flag are needed. Commands that run
// until stopped (run, train) create one before starting any thread of their own.
#pragma once

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <stop_token>
#include <thread>

namespace crl::app {

class SignalStop {
  public:
    // Blocks both signals in the calling thread, which every thread started after inherits.
    SignalStop() {
        const sigset_t signals = handled();
        pthread_sigmask(SIG_BLOCK, &signals, nullptr);
        thread_ = std::jthread([this](std::stop_token stop) {
            const sigset_t signals = handled();
            const timespec tick{0, 50'000'000};
            while (!stop.stop_requested()) {
                if (const int signal = sigtimedwait(&signals, nullptr, &tick); signal > 0) {
                    spdlog::info("signal {}: stopping", signal);
                    stop_.request_stop();
                }
            }
        });
    }
    SignalStop(const SignalStop&) = delete;
    SignalStop& operator=(const SignalStop&) = delete;

    std::stop_token token() const { return stop_.get_token(); }

  private:
    static sigset_t handled() {
        sigset_t signals;
        sigemptyset(&signals);
        sigaddset(&signals, SIGINT);
        sigaddset(&signals, SIGTERM);
        return signals;
    }

    std::stop_source stop_;
    std::jthread thread_;  // last: it uses stop_
};

}  // namespace crl::app
