// Reading and writing the state file, and the lock that keeps two runs from interleaving.
//
// Files, for a state path P (default: fleet.state.json beside the spec):
//   P          the state, JSON, mode 0600, replaced atomically (write P.tmp, fsync, rename, fsync dir)
//   P.backup   the previous snapshot, kept on every write
//   P.lock     an empty file locked with fcntl(F_SETLK) for the whole run. It is separate from P
//              because the atomic rename replaces P's inode, which would drop a lock held on P.
//   P.lock.info  who holds the lock: {"id","who","operation","created","pid"}; written after the
//              fcntl lock is taken, removed on release.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "state/state.hpp"
#include "util/result.hpp"

namespace wakufleet::state {

using util::Result;

// Loads the state at `path`. A missing file gives an empty State (serial 0, no lineage).
// A corrupt file is an error naming the backup to restore from.
Result<State> load(const std::string& path);

// Writes `state` atomically with serial+1 (the caller's object is updated), mode 0600, after
// copying the current file to P.backup. Assigns a lineage (random UUID-like) when empty.
Result<void> save(const std::string& path, State& state);

struct LockInfo {
  std::string id;         // random, what force-unlock takes
  std::string who;        // user@host
  std::string operation;  // "apply", "destroy", ...
  std::string created;    // RFC 3339 UTC
  long pid = 0;
};

class Lock {
 public:
  ~Lock();  // releases
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  const LockInfo& info() const { return info_; }

  // Takes the lock, polling until `timeout` has passed; on timeout the error names the holder
  // ("state is locked by root@host (apply, id ..., since ...)"), and says how to force-unlock.
  static Result<std::unique_ptr<Lock>> acquire(const std::string& state_path, const std::string& operation,
                                               std::chrono::milliseconds timeout);

 private:
  Lock(int fd, std::string path, LockInfo info) : fd_(fd), path_(std::move(path)), info_(std::move(info)) {}
  int fd_;
  std::string path_;
  LockInfo info_;
};

// Reads P.lock.info, if any.
std::optional<LockInfo> read_lock_info(const std::string& state_path);

// Removes a stale lock-info whose id matches (the fcntl lock itself dies with its process).
// Refuses when the id does not match, or when a live process still holds the fcntl lock.
Result<void> force_unlock(const std::string& state_path, const std::string& id);

}  // namespace wakufleet::state
