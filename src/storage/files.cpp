#include "storage/files.h"

#include <fcntl.h>
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
namespace {

// After a rename, the folder's entry must reach the disk too, or a power cut may lose it.
void sync_folder_of(const std::filesystem::path& path) {
    const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

std::string printable(std::string_view text, std::size_t limit) {
    std::string result;
    for (const char c : text) {
        if (result.size() >= limit) return result + "...";
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7F) {
            result += c;
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
            result += escaped;
        }
    }
    return result;
}

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
    sync_folder_of(path);
}

void append_to_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw std::runtime_error("cannot append to '" + path.string() +
                                 "': " + std::strerror(errno));
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto written = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) break;
        done += static_cast<std::size_t>(written);
    }
    const bool whole = done == bytes.size() && ::fsync(fd) == 0;
    const int saved_errno = errno;
    ::close(fd);
    if (!whole) {
        throw std::runtime_error("cannot append to '" + path.string() +
                                 "': " + std::strerror(saved_errno));
    }
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

void AsyncFileWriter::queue(Job job) {
    {
        std::lock_guard lock(mutex_);
        if (job.kind == Kind::kReplace) {
            // The waiting write is out of date; the new one goes behind everything queued since,
            // which it may name (a checkpoint.json names the state queued just before it).
            std::erase_if(pending_, [&](const Job& waiting) {
                return waiting.kind == Kind::kReplace && waiting.path == job.path;
            });
        }
        pending_.push_back(std::move(job));
    }
    wake_.notify_all();
}

void AsyncFileWriter::write(std::filesystem::path path, std::vector<std::uint8_t> bytes) {
    queue({std::move(path), std::move(bytes), Kind::kReplace});
}

void AsyncFileWriter::write(std::filesystem::path path, const std::string& text) {
    write(std::move(path), std::vector<std::uint8_t>(text.begin(), text.end()));
}

void AsyncFileWriter::append(std::filesystem::path path, std::vector<std::uint8_t> bytes) {
    queue({std::move(path), std::move(bytes), Kind::kAppend});
}

void AsyncFileWriter::append(std::filesystem::path path, const std::string& text) {
    append(std::move(path), std::vector<std::uint8_t>(text.begin(), text.end()));
}

void AsyncFileWriter::remove(std::filesystem::path path) {
    queue({std::move(path), {}, Kind::kRemove});
}

void AsyncFileWriter::flush() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return pending_.empty() && !writing_; });
}

bool AsyncFileWriter::idle() const {
    std::lock_guard lock(mutex_);
    return pending_.empty() && !writing_;
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
            if (job.kind == Kind::kRemove) {
                std::error_code ignored;
                std::filesystem::remove(job.path, ignored);
            } else if (job.kind == Kind::kAppend) {
                append_to_file(job.path, job.bytes);
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
