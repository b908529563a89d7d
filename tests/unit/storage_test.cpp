// storage: the background writer keeps its promised order (a file that names others is written
// after them, even when a newer version of it replaces one still waiting), and appends.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "storage/files.h"
#include "support/test_support.h"

namespace crl::test {
namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A named pipe: the writer thread blocks on it until the test opens it for reading, which holds
// the queue still at a known place without any timing.
class Gate {
  public:
    explicit Gate(std::filesystem::path path) : path_(std::move(path)) {
        ::mkfifo(path_.c_str(), 0600);
    }
    ~Gate() { pass(); }
    Gate(const Gate&) = delete;
    Gate& operator=(const Gate&) = delete;
    // Returns once the writer has reached the gate (opening a pipe waits for the other end).
    void wait_for_writer() {
        if (fd_ == -1) fd_ = ::open(path_.c_str(), O_RDONLY);
    }
    // Lets the writer through (its fsync of a pipe fails: a counted failure, nothing more).
    void pass() {
        if (fd_ == -2) return;  // passed already
        wait_for_writer();
        char buffer[64];
        while (fd_ >= 0 && ::read(fd_, buffer, sizeof buffer) > 0) {
        }
        if (fd_ >= 0) ::close(fd_);
        fd_ = -2;
    }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
    int fd_ = -1;
};

TEST(AsyncFileWriterTest, AReplacedWriteNeverJumpsAheadOfWhatWasQueuedBeforeIt) {
    const auto dir = temp_dir("storage");
    Gate first(dir / "first.gate");
    Gate second(dir / "second.gate");
    const auto info = dir / "checkpoint.json";
    {
        storage::AsyncFileWriter writer;
        writer.append(first.path(), std::string("x"));  // the writer waits here
        writer.write(info, std::string("names state 1"));
        writer.append(second.path(), std::string("x"));    // stands for state 2
        writer.write(info, std::string("names state 2"));  // must stay behind "state 2"
        first.pass();
        second.wait_for_writer();  // everything queued before "state 2" is done now
        EXPECT_FALSE(std::filesystem::exists(info))
            << "the newer checkpoint.json was written before the state it names";
        second.pass();
        writer.flush();
        EXPECT_EQ(read_text(info), "names state 2");
    }
}

TEST(AsyncFileWriterTest, AppendsAddToTheFileInOrder) {
    const auto path = temp_dir("storage") / "inputs.movie";
    storage::AsyncFileWriter writer;
    writer.append(path, std::string("1 A\n"));
    writer.append(path, std::string("2 B\n"));
    writer.write(path.string() + ".other", std::string("x"));
    writer.append(path, std::string("3 -\n"));
    writer.flush();
    EXPECT_EQ(read_text(path), "1 A\n2 B\n3 -\n");
    EXPECT_EQ(writer.failures(), 0u);
    EXPECT_TRUE(writer.idle());
}

TEST(AsyncFileWriterTest, AFailedWriteIsCounted) {
    storage::AsyncFileWriter writer;
    writer.write(temp_dir("storage") / "no" / "such" / "folder.txt", std::string("x"));
    writer.flush();
    EXPECT_EQ(writer.failures(), 1u);
}

TEST(PrintableTest, BytesThatAreNotPrintableAreEscaped) {
    EXPECT_EQ(storage::printable("ok"), "ok");
    EXPECT_EQ(storage::printable(std::string("a\0b\x1b[2J\xff", 8)), "a\\x00b\\x1B[2J\\xFF");
    EXPECT_EQ(storage::printable(std::string(100, 'a'), 10), "aaaaaaaaaa...");
}

}  // namespace
}  // namespace crl::test
