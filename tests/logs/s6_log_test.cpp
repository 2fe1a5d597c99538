// The collector against a real s6-log (`s6-log -b n3 s4096 DIR`): 4 KB files, so it rotates
// hundreds of times, and only 3 archives kept, so a file is deleted soon after it is finished.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "util/process.hpp"

extern char** environ;

namespace wakufleet::logs {
namespace {

using namespace testing;
using namespace std::chrono_literals;

// s6-log reading from a pipe that the test writes to.
class S6Log {
 public:
  explicit S6Log(const std::string& dir) {
    ::signal(SIGPIPE, SIG_IGN);  // a dead s6-log must fail the test, not kill it
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
    const char* argv[] = {"s6-log", "-b", "n3", "s4096", dir.c_str(), nullptr};
    const int spawned = ::posix_spawnp(&pid_, "s6-log", &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[0]);
    if (spawned != 0) throw std::runtime_error("cannot start s6-log");
    fd_ = fds[1];
  }
  ~S6Log() {
    if (fd_ >= 0) finish();
  }

  void write(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::runtime_error("write to s6-log failed");
      done += static_cast<std::size_t>(n);
    }
  }

  // Closes its input and waits: s6-log writes what it has and exits 0.
  int finish() {
    ::close(fd_);
    fd_ = -1;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
};

// Polls in its own thread until told the writing is over, then polls once more.
class CollectorThread {
 public:
  CollectorThread(const std::string& root, int restart_every, std::chrono::microseconds pause)
      : thread_([this, root, restart_every, pause] { loop(root, restart_every, pause); }) {}

  // Call after s6-log has exited: the last poll then sees everything.
  void finish() {
    writing_done_ = true;
    thread_.join();
  }
  std::size_t indexed() const { return indexed_.load(); }
  std::vector<std::string> warnings() {
    std::lock_guard lock(mutex_);
    return warnings_;
  }
  int restarts() const { return restarts_; }

 private:
  void loop(const std::string& root, int restart_every, std::chrono::microseconds pause) {
    auto collector = open_collector(root, 64);
    for (int polls = 1;; ++polls) {
      const bool last = writing_done_.load();  // read before the poll, so the last one is complete
      PollStats stats = poll(*collector);
      indexed_ += stats.lines;
      {
        std::lock_guard lock(mutex_);
        warnings_.insert(warnings_.end(), stats.warnings.begin(), stats.warnings.end());
      }
      if (last) return;
      if (restart_every > 0 && polls % restart_every == 0) {
        collector = open_collector(root, 64);
        ++restarts_;
      }
      std::this_thread::sleep_for(pause);
    }
  }

  std::atomic<bool> writing_done_{false};
  std::atomic<std::size_t> indexed_{0};
  std::mutex mutex_;
  std::vector<std::string> warnings_;
  int restarts_ = 0;
  std::thread thread_;
};

std::vector<std::string> lines_on_disk(const std::string& dir) {
  std::vector<std::string> lines;
  for (const auto& file : list_log_files(dir)) {
    std::ifstream in(file.path);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  return lines;
}

std::size_t archives_in(const std::string& dir) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) count += entry.path().filename().string()[0] == '@';
  return count;
}

// "103..360 567..669": the runs of missing sequence numbers, for failure messages.
std::string gaps_of(const std::map<std::size_t, int>& counts) {
  std::string text;
  std::size_t expected = counts.empty() ? 0 : counts.begin()->first;
  for (const auto& [seq, count] : counts) {
    if (seq != expected) text += std::to_string(expected) + ".." + std::to_string(seq - 1) + " ";
    expected = seq + 1;
  }
  return text.empty() ? "none" : text;
}

class RealS6Log : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!util::have_program("s6-log")) GTEST_SKIP() << "s6-log is not installed (Debian package s6)";
  }
};

// The writer never gets more than 24 lines (about 5 KB, a file and a bit) ahead of the index,
// less than the 3 archives s6-log keeps: every line written must then be indexed exactly once,
// however the rotations and the collector's restarts interleave.
TEST_F(RealS6Log, EveryLineIsIndexedOnceAcrossHundredsOfRotations) {
  TempFleet fleet;
  const std::string dir = fleet.log_dir("node-0");
  S6Log s6log(dir);
  CollectorThread collector(fleet.root(), 25, 500us);
  const std::size_t total = 10000;
  std::size_t bytes = 0;
  for (std::size_t seq = 0; seq < total; ++seq) {
    const std::string line = waku_line(seq) + "\n";
    s6log.write(line);
    bytes += line.size();
    while (seq + 1 > collector.indexed() + 24) std::this_thread::sleep_for(100us);
  }
  ASSERT_EQ(s6log.finish(), 0);
  collector.finish();
  EXPECT_GT(bytes, 300u * 4096) << "enough data for hundreds of rotations";
  EXPECT_LE(archives_in(dir), 3u) << "s6-log deleted the old files";
  EXPECT_GT(collector.restarts(), 0);
  EXPECT_TRUE(collector.warnings().empty()) << collector.warnings().front();
  auto index = Index::open_for_reading(index_path(fleet.root()));
  ASSERT_TRUE(index);
  auto records = all_records(**index);
  ASSERT_EQ(records.size(), total);
  auto counts = seq_counts(records);
  ASSERT_EQ(counts.size(), total);
  for (const auto& [seq, count] : counts) {
    ASSERT_LT(seq, total);
    ASSERT_EQ(count, 1) << "line " << seq;
  }
  for (const auto& record : records) ASSERT_EQ(record.line(), waku_line(*seq_of(record.line())));
}

// No back-pressure: s6-log may delete files the collector has not reached. Whatever happens,
// no line is indexed twice or torn, every line still on disk is indexed, and a gap is never
// silent (each loss after the first poll is reported).
TEST_F(RealS6Log, WhenTheCollectorFallsBehindLossesAreReportedAndNothingRepeats) {
  TempFleet fleet;
  const std::string dir = fleet.log_dir("node-0");
  S6Log s6log(dir);
  CollectorThread collector(fleet.root(), 0, 3ms);
  const std::size_t total = 10000;
  for (std::size_t seq = 0; seq < total; ++seq) s6log.write(waku_line(seq) + "\n");
  ASSERT_EQ(s6log.finish(), 0);
  collector.finish();
  auto index = Index::open_for_reading(index_path(fleet.root()));
  ASSERT_TRUE(index);
  auto records = all_records(**index);
  auto counts = seq_counts(records);
  ASSERT_EQ(counts.size(), records.size());
  for (const auto& [seq, count] : counts) ASSERT_EQ(count, 1) << "line " << seq;
  for (const auto& record : records) ASSERT_EQ(record.line(), waku_line(*seq_of(record.line())));
  for (const auto& line : lines_on_disk(dir)) ASSERT_EQ(counts.count(*seq_of(line)), 1u) << line;
  // Lines deleted before the collector's first poll leave no trace it could see; a gap after the
  // first indexed line must have been reported.
  const std::size_t span = counts.rbegin()->first - counts.begin()->first + 1;
  EXPECT_EQ(counts.size() < span, !collector.warnings().empty()) << "gaps: " << gaps_of(counts);
  EXPECT_EQ(counts.rbegin()->first, total - 1);
}

}  // namespace
}  // namespace wakufleet::logs
