// The state lock. fcntl locks are per process, so contention is tested against forked children.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>

#include <gtest/gtest.h>

#include "state/store.hpp"
#include "support/temp_dir.hpp"

namespace wakufleet::state {
namespace {

using namespace std::chrono_literals;
using wakufleet::testing::TempDir;

// Runs in the child: takes the lock, reports 'L' (or 'E') on `ready`, then holds the lock until
// `control` is closed by the parent or `hold_for` has passed (negative: no time limit).
[[noreturn]] void hold_lock_in_child(const std::string& state_path, int ready, int control,
                                     std::chrono::milliseconds hold_for) {
  int status = 1;
  {
    auto lock = Lock::acquire(state_path, "apply", 5s);
    const char report = lock.ok() ? 'L' : 'E';
    if (::write(ready, &report, 1) != 1) ::_exit(2);
    if (lock.ok()) {
      pollfd wait_for_close{control, POLLIN, 0};
      while (::poll(&wait_for_close, 1, static_cast<int>(hold_for.count())) < 0 && errno == EINTR) {
      }
      status = 0;
    }
  }  // the Lock is destroyed here, as at the end of a normal run
  ::_exit(status);
}

// A forked process holding the lock on a state path.
class ChildHolder {
 public:
  ChildHolder(const std::string& state_path, std::chrono::milliseconds hold_for = -1ms) {
    int ready[2];
    int control[2];
    if (::pipe(ready) != 0 || ::pipe(control) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(control[1]);
      hold_lock_in_child(state_path, ready[1], control[0], hold_for);
    }
    ::close(ready[1]);
    ::close(control[0]);
    control_ = control[1];
    char report = 0;
    const bool reported = ::read(ready[0], &report, 1) == 1;
    ::close(ready[0]);
    if (!reported || report != 'L') throw std::runtime_error("child could not take the lock");
  }
  ~ChildHolder() {
    if (pid_ > 0) kill_hard();
    if (control_ >= 0) ::close(control_);
  }
  ChildHolder(const ChildHolder&) = delete;
  ChildHolder& operator=(const ChildHolder&) = delete;

  long pid() const { return static_cast<long>(pid_); }

  // Lets the child release the lock and exit normally.
  int release() {
    ::close(control_);
    control_ = -1;
    return reap();
  }
  // SIGKILL: the child gets no chance to clean up; the kernel still drops its fcntl lock.
  void kill_hard() {
    ::kill(pid_, SIGKILL);
    reap();
  }

 private:
  int reap() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  pid_t pid_ = -1;
  int control_ = -1;
};

// True when some other process could take the fcntl lock right now. Checked from a fresh child
// with raw fcntl: a forked child inherits the parent's in-process registry, so Lock::acquire in
// the child would report the registry, not the kernel lock.
bool another_process_could_lock(const std::string& state_path) {
  const pid_t child = ::fork();
  if (child == 0) {
    const int fd = ::open((state_path + ".lock").c_str(), O_RDWR | O_CREAT, 0600);
    struct flock request {};
    request.l_type = F_WRLCK;
    request.l_whence = SEEK_SET;
    ::_exit(fd >= 0 && ::fcntl(fd, F_SETLK, &request) == 0 ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::unique_ptr<Lock> acquire_ok(const std::string& state_path, const std::string& operation,
                                 std::chrono::milliseconds timeout = 2s) {
  auto lock = Lock::acquire(state_path, operation, timeout);
  EXPECT_TRUE(lock.ok()) << lock.error().message;
  return lock ? std::move(*lock) : nullptr;
}

class LockTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::string path = dir.file("fleet.state.json");
};

TEST_F(LockTest, AcquireWritesInfoAndReleaseRemovesIt) {
  auto lock = acquire_ok(path, "plan");
  ASSERT_TRUE(lock);
  const auto info = read_lock_info(path);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->id, lock->info().id);
  EXPECT_TRUE(std::regex_match(info->id, std::regex("[0-9a-f]{16}"))) << info->id;
  EXPECT_NE(info->who.find('@'), std::string::npos) << info->who;
  EXPECT_EQ(info->operation, "plan");
  EXPECT_TRUE(std::regex_match(info->created, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << info->created;
  EXPECT_EQ(info->pid, static_cast<long>(::getpid()));
  EXPECT_FALSE(another_process_could_lock(path));

  lock.reset();
  EXPECT_FALSE(read_lock_info(path).has_value());
  EXPECT_TRUE(another_process_could_lock(path));
}

TEST_F(LockTest, LockFilesAreOwnerOnly) {
  auto lock = acquire_ok(path, "apply");
  for (const std::string& file : {path + ".lock", path + ".lock.info"}) {
    EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
        << file;
  }
}

TEST_F(LockTest, ContentionNamesTheHolderThenFreesWhenHolderIsKilled) {
  ChildHolder holder(path);
  const auto held = read_lock_info(path);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->pid, holder.pid());

  const auto started = std::chrono::steady_clock::now();
  auto refused = Lock::acquire(path, "destroy", 300ms);
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(refused.ok());
  EXPECT_GE(waited, 280ms);  // it polled until the timeout rather than giving up at once
  const std::string expected = "state is locked by " + held->who + " (operation \"apply\", id " + held->id +
                               ", pid " + std::to_string(holder.pid()) + ", since " + held->created +
                               "); wait for it to finish, or if that process is gone run: "
                               "wakufleet force-unlock " +
                               held->id;
  EXPECT_EQ(refused.error().message, expected);

  holder.kill_hard();
  auto lock = acquire_ok(path, "destroy", 1s);
  ASSERT_TRUE(lock);
  EXPECT_EQ(read_lock_info(path)->pid, static_cast<long>(::getpid()));
  EXPECT_EQ(read_lock_info(path)->operation, "destroy");
}

TEST_F(LockTest, WaiterGetsTheLockWhenHolderFinishesWithinTimeout) {
  ChildHolder holder(path, 300ms);  // releases by itself after 300 ms
  auto lock = acquire_ok(path, "apply", 3s);
  ASSERT_TRUE(lock);
  EXPECT_EQ(lock->info().pid, static_cast<long>(::getpid()));
  const int status = holder.release();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(LockTest, CleanReleaseByHolderRemovesItsInfo) {
  ChildHolder holder(path);
  holder.release();
  EXPECT_FALSE(read_lock_info(path).has_value());
}

TEST_F(LockTest, MissingInfoGivesGenericMessage) {
  ChildHolder holder(path);
  ASSERT_EQ(::unlink((path + ".lock.info").c_str()), 0);
  auto refused = Lock::acquire(path, "apply", 100ms);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "state is locked by another wakufleet process (no lock info)");
}

TEST_F(LockTest, SecondAcquireInSameProcessWaitsAndFails) {
  auto first = acquire_ok(path, "apply");
  ASSERT_TRUE(first);
  auto second = Lock::acquire(path, "plan", 200ms);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("operation \"apply\", id " + first->info().id), std::string::npos)
      << second.error().message;
  // The failed attempt must not have dropped the kernel lock (closing any descriptor of the
  // lock file would), nor removed the holder's info.
  EXPECT_FALSE(another_process_could_lock(path));
  EXPECT_EQ(read_lock_info(path)->id, first->info().id);
}

TEST_F(LockTest, SameProcessSeesOtherSpellingsAsTheSameLock) {
  auto first = acquire_ok(path, "apply");
  ASSERT_TRUE(first);
  const std::string other_spelling = dir.path() + "/./fleet.state.json";
  EXPECT_FALSE(Lock::acquire(other_spelling, "plan", 100ms).ok());
}

TEST_F(LockTest, SameProcessCanReacquireAfterRelease) {
  acquire_ok(path, "apply").reset();
  auto again = acquire_ok(path, "apply", 100ms);
  EXPECT_TRUE(again);
}

TEST_F(LockTest, MissingDirectoryFailsAtOnce) {
  const auto started = std::chrono::steady_clock::now();
  auto lock = Lock::acquire(dir.file("absent/fleet.state.json"), "apply", 2s);
  ASSERT_FALSE(lock.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_NE(lock.error().message.find("cannot open lock file"), std::string::npos) << lock.error().message;
}

TEST_F(LockTest, StaleInfoDoesNotBlockAcquire) {
  ChildHolder holder(path);
  const std::string stale_id = read_lock_info(path)->id;
  holder.kill_hard();
  ASSERT_TRUE(read_lock_info(path).has_value());  // SIGKILL left the info behind
  auto lock = acquire_ok(path, "apply", 100ms);
  ASSERT_TRUE(lock);
  EXPECT_NE(read_lock_info(path)->id, stale_id);
}

TEST_F(LockTest, ForceUnlockWithoutInfoHasNothingToDo) {
  auto result = force_unlock(path, "0123456789abcdef");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "no lock info at " + path + ".lock.info; nothing to unlock");
}

TEST_F(LockTest, ForceUnlockRefusesWrongId) {
  ChildHolder holder(path);
  const std::string real_id = read_lock_info(path)->id;
  holder.kill_hard();
  auto result = force_unlock(path, "ffffffffffffffff");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find(real_id), std::string::npos) << result.error().message;
  EXPECT_TRUE(read_lock_info(path).has_value());
}

TEST_F(LockTest, ForceUnlockRefusesWhileLiveProcessHoldsIt) {
  ChildHolder holder(path);
  const std::string id = read_lock_info(path)->id;
  auto result = force_unlock(path, id);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "the lock is held by live process " + std::to_string(holder.pid()) + "; stop it first");
  EXPECT_EQ(read_lock_info(path)->id, id);
}

TEST_F(LockTest, ForceUnlockRefusesWhileThisProcessHoldsIt) {
  auto lock = acquire_ok(path, "apply");
  ASSERT_TRUE(lock);
  auto result = force_unlock(path, lock->info().id);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "the lock is held by live process " + std::to_string(::getpid()) + "; stop it first");
  EXPECT_FALSE(another_process_could_lock(path));
  EXPECT_TRUE(read_lock_info(path).has_value());
}

TEST_F(LockTest, ForceUnlockRemovesStaleInfo) {
  ChildHolder holder(path);
  const std::string id = read_lock_info(path)->id;
  holder.kill_hard();
  auto result = force_unlock(path, id);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_FALSE(read_lock_info(path).has_value());
  EXPECT_TRUE(another_process_could_lock(path));
}

TEST_F(LockTest, ReadLockInfoIgnoresGarbage) {
  std::ofstream(path + ".lock.info") << "{\"id\": 5";
  EXPECT_FALSE(read_lock_info(path).has_value());
}

}  // namespace
}  // namespace wakufleet::state
