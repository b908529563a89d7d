#include "storage/files.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace crl::storage {

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path,
                                          const std::string& what) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw std::runtime_error(what + " '" + path.string() + "' does not exist: check the path");
    }
    if (std::filesystem::is_directory(path, ec)) {
        throw std::runtime_error(what + " '" + path.string() + "' is a directory, not a file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error(what + " '" + path.string() +
                                 "' cannot be read: " + std::strerror(errno));
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
    auto temporary = path;
    temporary += ".tmp";
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (!file) {
        throw std::runtime_error("cannot write '" + temporary.string() + "': " +
                                 std::strerror(errno) + " (is the folder there and writable?)");
    }
    const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size() &&
                         std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
    const int saved_errno = errno;
    std::fclose(file);
    if (!written) {
        std::filesystem::remove(temporary);
        throw std::runtime_error("cannot write '" + path.string() +
                                 "': " + std::strerror(saved_errno));
    }
    std::filesystem::rename(temporary, path);
}

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
    write_file_atomically(
        path, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

AsyncFileWriter::AsyncFileWriter() : thread_([this](std::stop_token stop) { run(stop); }) {}

AsyncFileWriter::~AsyncFileWriter() {
    flush();
    thread_.request_stop();
    wake_.notify_all();
}

void AsyncFileWriter::write(std::filesystem::path path, std::vector<std::uint8_t> bytes) {
    {
        std::lock_guard lock(mutex_);
        auto waiting = std::find_if(pending_.begin(), pending_.end(), [&](const Job& job) {
            return job.path == path && !job.remove;
        });
        if (waiting != pending_.end()) {
            waiting->bytes = std::move(bytes);
        } else {
            pending_.push_back({std::move(path), std::move(bytes), false});
        }
    }
    wake_.notify_all();
}

void AsyncFileWriter::remove(std::filesystem::path path) {
    {
        std::lock_guard lock(mutex_);
        pending_.push_back({std::move(path), {}, true});
    }
    wake_.notify_all();
}

void AsyncFileWriter::write(std::filesystem::path path, const std::string& text) {
    write(std::move(path), std::vector<std::uint8_t>(text.begin(), text.end()));
}

void AsyncFileWriter::flush() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return pending_.empty() && !writing_; });
}

std::uint64_t AsyncFileWriter::failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
}

void AsyncFileWriter::run(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, stop, [this] { return !pending_.empty(); });
        if (pending_.empty()) return;  // stopping, nothing left
        auto job = std::move(pending_.front());
        pending_.pop_front();
        writing_ = true;
        lock.unlock();
        bool failed = false;
        try {
            if (job.remove) {
                std::error_code ignored;
                std::filesystem::remove(job.path, ignored);
            } else {
                write_file_atomically(job.path, job.bytes);
            }
        } catch (const std::exception& error) {
            spdlog::error("{}", error.what());
            failed = true;
        }
        lock.lock();
        failures_ += failed;
        writing_ = false;
        if (pending_.empty()) idle_.notify_all();
    }
}

}  // namespace crl::storage
