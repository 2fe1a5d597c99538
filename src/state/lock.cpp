// The state lock: an fcntl write lock on P.lock, plus P.lock.info saying who holds it.
//
// fcntl locks suit a CLI: the kernel drops them when the holder dies, even by SIGKILL, so a
// crashed run never leaves the state locked. Their two traps are handled here:
//   - they belong to the process, so a second Lock in the same process would "succeed" too;
//   - closing ANY descriptor of P.lock in the process drops the process's lock.
// A process-wide registry of claimed paths covers both: a second claimant in the process waits
// as if it were another process, and only the claimant ever opens P.lock.
#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "state/file_io.hpp"
#include "state/store.hpp"

namespace wakufleet::state {
namespace {

using namespace std::chrono_literals;

constexpr auto kPollInterval = 50ms;
constexpr mode_t kLockFileMode = 0600;

std::string lock_path(const std::string& state_path) { return state_path + ".lock"; }
std::string info_path(const std::string& state_path) { return state_path + ".lock.info"; }

// The same file reached by two spellings ("s.json", "./s.json", "/abs/s.json", a symlinked
// directory) must map to one registry entry. Only the directory is resolved: save() renames over
// P itself, so P is always the file beside its lock, never a symlink's target.
std::string registry_key(const std::string& state_path) {
  const std::filesystem::path path(state_path);
  if (!path.has_filename()) return state_path;
  const std::filesystem::path directory = path.has_parent_path() ? path.parent_path() : ".";
  std::error_code error;
  const auto resolved = std::filesystem::weakly_canonical(directory, error);
  return error ? state_path : (resolved / path.filename()).string();
}

class ProcessClaims {
 public:
  bool try_claim(const std::string& key) {
    std::lock_guard guard(mutex_);
    return claimed_.insert(key).second;
  }
  void release(const std::string& key) {
    std::lock_guard guard(mutex_);
    claimed_.erase(key);
  }

 private:
  std::mutex mutex_;
  std::set<std::string> claimed_;
};

ProcessClaims& process_claims() {
  static ProcessClaims claims;
  return claims;
}

// Holds a registry claim for a scope.
class ScopedClaim {
 public:
  explicit ScopedClaim(std::string key) : key_(std::move(key)), held_(process_claims().try_claim(key_)) {}
  ~ScopedClaim() {
    if (held_) process_claims().release(key_);
  }
  ScopedClaim(const ScopedClaim&) = delete;
  ScopedClaim& operator=(const ScopedClaim&) = delete;
  bool held() const { return held_; }
  // Hands the claim over to a Lock, which releases it in its destructor.
  void keep() { held_ = false; }

 private:
  std::string key_;
  bool held_;
};

struct flock whole_file(short type) {
  struct flock request {};
  request.l_type = type;
  request.l_whence = SEEK_SET;
  request.l_start = 0;
  request.l_len = 0;  // to the end of the file, however long
  return request;
}

constexpr int kBusy = -1;

// One attempt at the fcntl lock. Gives the descriptor now holding it, kBusy when another
// process holds it, or an error for anything that waiting will not fix (no such directory,
// a file system without locks). Only call while holding the registry claim for the path.
Result<int> try_lock_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kLockFileMode);
  if (fd < 0) return detail::system_error("open lock file", path);
  struct flock request = whole_file(F_WRLCK);
  if (::fcntl(fd, F_SETLK, &request) == 0) return fd;
  const int reason = errno;
  ::close(fd);
  if (reason == EACCES || reason == EAGAIN) return kBusy;
  errno = reason;
  return detail::system_error("lock", path);
}

void unlock_and_close(int fd) {
  struct flock request = whole_file(F_UNLCK);
  ::fcntl(fd, F_SETLK, &request);
  ::close(fd);
}

// The pid holding the fcntl lock on `fd`'s file, or 0 when nobody does (any more).
long lock_holder_pid(int fd) {
  struct flock probe = whole_file(F_WRLCK);
  if (::fcntl(fd, F_GETLK, &probe) != 0 || probe.l_type == F_UNLCK) return 0;
  return static_cast<long>(probe.l_pid);
}

std::string current_user() {
  const uid_t uid = ::geteuid();
  struct passwd entry {};
  struct passwd* found = nullptr;
  std::string buffer(16 * 1024, '\0');
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return "uid" + std::to_string(uid);  // e.g. a container whose uid has no passwd entry
}

std::string current_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown-host";
  return name;
}

std::string rfc3339_utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

LockInfo describe_this_process(const std::string& operation) {
  LockInfo info;
  info.id = detail::random_hex(8);
  info.who = current_user() + "@" + current_host();
  info.operation = operation;
  info.created = rfc3339_utc_now();
  info.pid = static_cast<long>(::getpid());
  return info;
}

std::string serialize(const LockInfo& info) {
  const json document{{"id", info.id},
                      {"who", info.who},
                      {"operation", info.operation},
                      {"created", info.created},
                      {"pid", info.pid}};
  return document.dump(2) + "\n";
}

std::optional<LockInfo> parse_lock_info(const std::string& text) {
  const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) return std::nullopt;  // also what a parse failure gives
  LockInfo info;
  for (auto [key, field] : {std::pair{"id", &info.id}, std::pair{"who", &info.who},
                            std::pair{"operation", &info.operation}, std::pair{"created", &info.created}}) {
    const auto value = document.find(key);
    if (value == document.end() || !value->is_string()) return std::nullopt;
    *field = value->get<std::string>();
  }
  const auto pid = document.find("pid");
  if (pid == document.end() || !pid->is_number_integer()) return std::nullopt;
  info.pid = pid->get<long>();
  return info;
}

std::string locked_message(const std::string& state_path) {
  const auto holder = read_lock_info(state_path);
  if (!holder) return "state is locked by another wakufleet process (no lock info)";
  return "state is locked by " + holder->who + " (operation \"" + holder->operation + "\", id " + holder->id +
         ", pid " + std::to_string(holder->pid) + ", since " + holder->created +
         "); wait for it to finish, or if that process is gone run: wakufleet force-unlock " + holder->id;
}

}  // namespace

Result<std::unique_ptr<Lock>> Lock::acquire(const std::string& state_path, const std::string& operation,
                                            std::chrono::milliseconds timeout) {
  const std::string key = registry_key(state_path);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    {  // the claim must not be held while sleeping, or in-process waiters would starve
      ScopedClaim claim(key);
      if (claim.held()) {
        auto fd = try_lock_file(lock_path(key));
        if (!fd) return fd.error();
        if (*fd != kBusy) {
          LockInfo info = describe_this_process(operation);
          // Written only now that the lock is ours, so it always describes the real holder.
          auto written = detail::replace_file_atomically(info_path(key), serialize(info), kLockFileMode);
          if (!written) {
            unlock_and_close(*fd);
            return written.error();
          }
          claim.keep();
          return std::unique_ptr<Lock>(new Lock(*fd, key, std::move(info)));
        }
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return util::fail(locked_message(state_path));
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(kPollInterval, deadline - now));
  }
}

Lock::~Lock() {
  // The info goes first: once the fcntl lock is released another run may take it and write
  // its own info, which must not then be deleted.
  ::unlink(info_path(path_).c_str());
  unlock_and_close(fd_);
  process_claims().release(path_);
}

std::optional<LockInfo> read_lock_info(const std::string& state_path) {
  auto text = detail::read_file_if_exists(info_path(state_path));
  if (!text || !text->has_value()) return std::nullopt;
  return parse_lock_info(**text);
}

Result<void> force_unlock(const std::string& state_path, const std::string& id) {
  const std::string info_file = info_path(state_path);
  const auto recorded = read_lock_info(state_path);
  if (!recorded) return util::fail("no lock info at " + info_file + "; nothing to unlock");
  if (recorded->id != id) {
    return util::fail("lock id " + id + " does not match the current lock, whose id is " + recorded->id);
  }

  const std::string key = registry_key(state_path);
  ScopedClaim claim(key);
  if (!claim.held()) {
    return util::fail("the lock is held by live process " + std::to_string(::getpid()) + "; stop it first");
  }
  // Taking the lock ourselves, rather than only asking who holds it, closes the race with a
  // run that starts meanwhile: while we hold it nobody can write new info for us to delete.
  auto fd = try_lock_file(lock_path(key));
  if (!fd) return fd.error();
  if (*fd == kBusy) {
    const int probe = ::open(lock_path(key).c_str(), O_RDWR | O_CLOEXEC);
    const long holder = probe < 0 ? 0 : lock_holder_pid(probe);
    if (probe >= 0) ::close(probe);
    const std::string who = holder > 0 ? "live process " + std::to_string(holder) : "a live process";
    return util::fail("the lock is held by " + who + "; stop it first");
  }

  Result<void> outcome;
  const auto current = read_lock_info(state_path);  // it may have changed before we took the lock
  if (current && current->id != id) {
    outcome = util::fail("lock id " + id + " does not match the current lock, whose id is " + current->id);
  } else if (::unlink(info_file.c_str()) != 0 && errno != ENOENT) {
    outcome = detail::system_error("remove", info_file);
  }
  unlock_and_close(*fd);
  return outcome;
}

}  // namespace wakufleet::state
