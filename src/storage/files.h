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
#include <thread>
#include <vector>

namespace crl::storage {

// Throws std::runtime_error naming `what` and the path.
std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path,
                                          const std::string& what);
// Temporary file, fsync, rename: a crash leaves the old file or the new one, never half of one.
void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

class AsyncFileWriter {
  public:
    AsyncFileWriter();
    ~AsyncFileWriter();  // writes what is queued, then stops
    AsyncFileWriter(const AsyncFileWriter&) = delete;
    AsyncFileWriter& operator=(const AsyncFileWriter&) = delete;

    // Queues a write. Writes happen in the order queued (so a file that names another can be
    // written after it); a newer write to a path still waiting replaces it in its place.
    void write(std::filesystem::path path, std::vector<std::uint8_t> bytes);
    void write(std::filesystem::path path, const std::string& text);
    // Queues the removal of a file, in order with the writes.
    void remove(std::filesystem::path path);
    // Waits until everything queued so far is on disk.
    void flush();
    // Writes that failed so far (each is also logged).
    std::uint64_t failures() const;

  private:
    void run(std::stop_token stop);

    mutable std::mutex mutex_;
    std::condition_variable_any wake_;
    std::condition_variable idle_;
    struct Job {
        std::filesystem::path path;
        std::vector<std::uint8_t> bytes;
        bool remove = false;
    };
    std::deque<Job> pending_;
    bool writing_ = false;
    std::uint64_t failures_ = 0;
    std::jthread thread_;
};

}  // namespace crl::storage
