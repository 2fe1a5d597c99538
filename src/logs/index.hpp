// The fleet's log index: one SQLite file (WAL) with every collected line, a full-text index over
// the message and the extra fields, and one read position per node.
//
// Schema (user_version 1):
//   records(id, ts ns, node, level 1..7 | NULL, logger, message, fields, raw)
//     JSON lines: message = msg, fields = the other members, raw = the whole line.
//     Plain lines: message = the line, raw = NULL (not stored twice).
//     Indexes (node, ts, level) and (ts, level): SQLite appends the rowid to both, so
//     "ORDER BY ts, id" walks an index without sorting, and a level filter (or an id list from
//     the word index) is checked in the index before any row is read.
//   records_fts: FTS5, external content = records(message, fields): new records are added in
//     bulk when their transaction commits, deleted ones removed by a trigger.
//   cursors(node, device, inode, birth, offset, head, last_ts): where the collector stopped reading,
//     written in the same transaction as the lines before it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "logs/record.hpp"
#include "logs/sqlite.hpp"
#include "logs/time.hpp"
#include "util/result.hpp"

namespace wakufleet::logs {

// <fleet root>/logs.db
std::string index_path(const std::string& fleet_root);

struct Cursor {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;  // 0: nothing read yet
  std::int64_t birth_ns = 0;  // the file's birth time, 0 when the filesystem has none
  std::int64_t offset = 0;  // just past the last complete line indexed
  std::string head;         // the file's first bytes: tells our file from a new one on a reused inode
  std::int64_t last_time_ns = 0;  // time of the last indexed line (lines without a time inherit it)

  bool valid() const { return inode != 0; }
};

struct NewRecord {
  std::int64_t time_ns = 0;
  std::optional<Level> level;
  std::string_view logger;
  std::string_view message;
  std::string_view fields;
  std::string_view raw;  // empty for plain lines
};

struct Retention {
  std::optional<std::chrono::seconds> max_age;  // drop lines older than this
  std::optional<std::uint64_t> max_bytes;       // drop the oldest lines while the data is larger
};

class Index {
 public:
  // For `wakufleet logs`: fails when the file does not exist yet.
  static util::Result<std::unique_ptr<Index>> open_for_reading(const std::string& path);

  // For the collector: creates the file when missing. A file that cannot be opened as a
  // database, fails PRAGMA quick_check or has another schema version is moved aside to
  // <path>.corrupt and replaced by an empty index; `rebuilt` tells the caller, whose cursors are
  // then gone, so the raw files that still exist are read again from their start. `check` false
  // skips quick_check (it reads the whole file): only a file SQLite cannot open is then caught.
  static util::Result<std::unique_ptr<Index>> open_for_writing(const std::string& path, bool* rebuilt = nullptr,
                                                               bool check = true);

  // Moves whatever is at `path` aside (to <path>.corrupt) and starts an empty index there.
  static util::Result<std::unique_ptr<Index>> recreate(const std::string& path);

  // One writer at a time: BEGIN IMMEDIATE takes the write lock before the cursor is read, so two
  // collectors (or the CLI catching up) cannot index the same lines twice. insert() needs this
  // transaction: commit() adds its records to the word index.
  util::Result<void> begin_write();
  util::Result<void> commit();
  void rollback();

  util::Result<Cursor> cursor(const std::string& node);
  util::Result<void> save_cursor(const std::string& node, const Cursor& cursor);
  util::Result<void> insert(std::string_view node, const NewRecord& record);

  // Deletes in batches (each its own transaction) so that readers and the collector are never
  // blocked for long. Returns the number of records deleted.
  util::Result<std::int64_t> apply_retention(const Retention& retention, TimePoint reference);

  util::Result<std::int64_t> count();
  util::Result<std::int64_t> max_id();
  util::Result<std::uint64_t> used_bytes();  // pages in use × page size (free pages excluded)

  // A full check (quick_check and the FTS index against the records), repairing the FTS index
  // in place when only it is damaged. false: the file must be rebuilt.
  util::Result<bool> verify_and_repair();

  bool corrupt() const { return db_->corrupt(); }
  // True when the file at path() is no longer the one this connection opened (the collector
  // rebuilt it): a follower must reopen.
  bool replaced() const;

  sqlite::Database& db() { return *db_; }
  const std::string& path() const { return db_->path(); }

 private:
  Index(std::unique_ptr<sqlite::Database> db, std::uint64_t device, std::uint64_t inode)
      : db_(std::move(db)), device_(device), inode_(inode) {}
  static util::Result<std::unique_ptr<Index>> wrap(std::unique_ptr<sqlite::Database> db);

  util::Result<std::int64_t> delete_oldest(std::string_view where, std::int64_t bound, std::int64_t limit);
  util::Result<std::int64_t> retain_age(std::chrono::seconds max_age, TimePoint reference);
  util::Result<std::int64_t> retain_size(std::uint64_t max_bytes);

  std::unique_ptr<sqlite::Database> db_;
  std::uint64_t device_ = 0;
  std::uint64_t inode_ = 0;
  std::int64_t fts_after_id_ = 0;  // the newest id when the write transaction began
  bool inserted_ = false;
};

// Readers that meet a corrupt index leave this marker; the collector checks the index on its
// next poll and rebuilds it when the check fails.
void request_check(const std::string& index_path);
bool check_requested(const std::string& index_path);
void clear_check_request(const std::string& index_path);

}  // namespace wakufleet::logs
