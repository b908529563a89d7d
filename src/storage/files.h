// storage/files.h — whole-file reads and crash-safe writes; AsyncFileWriter does the writing on
// its own thread so that the emulator thread never waits on the disk.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace crl::storage {

// Text from a user's file, made safe for a terminal message: bytes that are not printable ASCII
// become \xNN, and the result is cut at `limit` characters ("..." marks the cut).
std::string printable(std::string_view text, std::size_t limit = 80);

// Throws std::runtime_error naming `what` and the path.
std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path,
                                          const std::string& what);
// Temporary file, fsync, rename: a crash leaves the old file or the new one, never half of one.
void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);
void write_file_atomically(const std::filesystem::path& path, const std::string& text);
// Appends and fsyncs (creating the file if needed). A crash may leave part of the bytes, so a
// file grown this way records elsewhere how much of it is whole (see trainer checkpoints).
void append_to_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);

class AsyncFileWriter {
  public:
    AsyncFileWriter();
    ~AsyncFileWriter();  // writes what is queued, then stops
    AsyncFileWriter(const AsyncFileWriter&) = delete;
    AsyncFileWriter& operator=(const AsyncFileWriter&) = delete;

    // Queues a write. Jobs happen in the order queued, so a file that names others can be
    // queued after them. A newer write to a path still waiting replaces the old one and goes to
    // the back of the queue: it never jumps ahead of a job queued before it.
    void write(std::filesystem::path path, std::vector<std::uint8_t> bytes);
    void write(std::filesystem::path path, const std::string& text);
    // Queues an append (never merged with another job).
    void append(std::filesystem::path path, std::vector<std::uint8_t> bytes);
    void append(std::filesystem::path path, const std::string& text);
    // Queues the removal of a file, in order with the writes.
    void remove(std::filesystem::path path);
    // Waits until everything queued so far is on disk.
    void flush();
    // Writes that failed so far (each is also logged).
    std::uint64_t failures() const;
    // Nothing queued and nothing being written.
    bool idle() const;

  private:
    void run(std::stop_token stop);

    mutable std::mutex mutex_;
    std::condition_variable_any wake_;
    std::condition_variable idle_;
    enum class Kind { kReplace, kAppend, kRemove };
    struct Job {
        std::filesystem::path path;
        std::vector<std::uint8_t> bytes;
        Kind kind = Kind::kReplace;
    };
    void queue(Job job);
    std::deque<Job> pending_;
    bool writing_ = false;
    std::uint64_t failures_ = 0;
    std::jthread thread_;
};

}  // namespace crl::storage
