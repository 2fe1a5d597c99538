#include "logs/index.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace wakufleet::logs {

namespace {

constexpr std::int64_t kSchemaVersion = 1;
constexpr std::int64_t kDeleteBatch = 5000;

// auto_vacuum must come before the first table; it lets retention give pages back to the disk.
constexpr const char* kSchema = R"sql(
PRAGMA auto_vacuum = INCREMENTAL;
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS records(
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: followers read "id > last seen"
  ts INTEGER NOT NULL,
  node TEXT NOT NULL,
  level INTEGER,
  logger TEXT,
  message TEXT,
  fields TEXT,
  raw TEXT
);
CREATE INDEX IF NOT EXISTS records_node_ts ON records(node, ts, level);
CREATE INDEX IF NOT EXISTS records_ts ON records(ts, level);
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(
  message, fields, content='records', content_rowid='id',
  columnsize=0  -- no per-row sizes: they only serve bm25 ranking, which we never use
);
CREATE TRIGGER IF NOT EXISTS records_ad AFTER DELETE ON records BEGIN
  INSERT INTO records_fts(records_fts, rowid, message, fields) VALUES ('delete', old.id, old.message, old.fields);
END;
CREATE TABLE IF NOT EXISTS cursors(
  node TEXT PRIMARY KEY,
  device INTEGER NOT NULL,
  inode INTEGER NOT NULL,
  birth INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  head BLOB,
  last_ts INTEGER NOT NULL
);
PRAGMA user_version = 1;
)sql";

// Per connection. NORMAL in WAL mode: a power cut may lose the last commits, but each commit
// (lines + cursor) is lost or kept whole, so lines are read again, never twice.
constexpr const char* kConnectionSettings =
    "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;";

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string check_marker(const std::string& index_path) { return index_path + ".check"; }

// Moves the damaged file (and its WAL) aside, keeping one copy for a post-mortem.
void move_aside(const std::string& path) {
  std::rename(path.c_str(), (path + ".corrupt").c_str());
  std::rename((path + "-wal").c_str(), (path + ".corrupt-wal").c_str());
  ::unlink((path + "-shm").c_str());
}

// Opens and checks an existing file: ok = sound, with our schema version.
util::Result<bool> existing_file_is_sound(const std::string& path, bool check) {
  auto db = sqlite::Database::open(path, sqlite::Access::ReadWrite);
  if (!db) return db.error();
  auto version = (*db)->query_int("PRAGMA user_version");
  if (!version) return (*db)->corrupt() ? util::Result<bool>(false) : util::Result<bool>(version.error());
  if (*version != kSchemaVersion) return false;  // another layout: rebuilt from the raw files
  if (!check) return true;
  auto checked = (*db)->prepare("PRAGMA quick_check(1)");
  if (!checked) return (*db)->corrupt() ? util::Result<bool>(false) : util::Result<bool>(checked.error());
  auto row = checked->step();
  if (!row) return (*db)->corrupt() ? util::Result<bool>(false) : util::Result<bool>(row.error());
  return *row && checked->column_text(0) == "ok";
}

util::Result<std::unique_ptr<sqlite::Database>> create_or_open(const std::string& path) {
  auto db = sqlite::Database::open(path, sqlite::Access::ReadWrite);
  if (!db) return db.error();
  if (auto settings = (*db)->exec(kConnectionSettings); !settings) return settings.error();
  if (auto schema = (*db)->exec(kSchema); !schema) return schema.error();
  return std::move(*db);
}

}  // namespace

std::string index_path(const std::string& fleet_root) { return fleet_root + "/logs.db"; }

void request_check(const std::string& index_path) { std::ofstream(check_marker(index_path)) << "check\n"; }
bool check_requested(const std::string& index_path) { return file_exists(check_marker(index_path)); }
void clear_check_request(const std::string& index_path) { ::unlink(check_marker(index_path).c_str()); }

util::Result<std::unique_ptr<Index>> Index::wrap(std::unique_ptr<sqlite::Database> db) {
  struct stat st {};
  if (::stat(db->path().c_str(), &st) != 0) return util::fail("log index " + db->path() + " vanished while opening");
  return std::unique_ptr<Index>(new Index(std::move(db), st.st_dev, st.st_ino));
}

util::Result<std::unique_ptr<Index>> Index::open_for_reading(const std::string& path) {
  if (!file_exists(path)) {
    return util::fail("no log index at " + path + " yet (the fleet's log collector creates it)");
  }
  auto db = sqlite::Database::open(path, sqlite::Access::ReadOnly);
  if (!db) return db.error();
  if (auto settings = (*db)->exec("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768;"); !settings) {
    return settings.error();
  }
  return wrap(std::move(*db));
}

util::Result<std::unique_ptr<Index>> Index::open_for_writing(const std::string& path, bool* rebuilt, bool check) {
  if (rebuilt != nullptr) *rebuilt = false;
  if (file_exists(path)) {
    auto sound = existing_file_is_sound(path, check);
    if (!sound) return sound.error();
    if (!*sound) {
      move_aside(path);
      if (rebuilt != nullptr) *rebuilt = true;
    }
  }
  auto db = create_or_open(path);
  if (!db) return db.error();
  return wrap(std::move(*db));
}

util::Result<std::unique_ptr<Index>> Index::recreate(const std::string& path) {
  move_aside(path);
  auto db = create_or_open(path);
  if (!db) return db.error();
  return wrap(std::move(*db));
}

bool Index::replaced() const {
  struct stat st {};
  if (::stat(path().c_str(), &st) != 0) return true;
  return static_cast<std::uint64_t>(st.st_dev) != device_ || static_cast<std::uint64_t>(st.st_ino) != inode_;
}

util::Result<void> Index::begin_write() {
  if (auto begun = db_->exec("BEGIN IMMEDIATE"); !begun) return begun;
  auto last = max_id();
  if (!last) {
    rollback();
    return last.error();
  }
  fts_after_id_ = *last;
  inserted_ = false;
  return {};
}

// New records reach the word index in one statement per transaction: FTS5 takes a batch about
// four times faster than row by row (a trigger), and it is still the same transaction.
util::Result<void> Index::commit() {
  if (inserted_) {
    auto statement = db_->cached(
        "INSERT INTO records_fts(rowid, message, fields) SELECT id, message, fields FROM records WHERE id > ?");
    if (!statement) return statement.error();
    (*statement)->bind(1, fts_after_id_);
    if (auto indexed = (*statement)->run(); !indexed) return indexed.error();
    inserted_ = false;
  }
  return db_->exec("COMMIT");
}

void Index::rollback() {
  inserted_ = false;
  (void)db_->exec("ROLLBACK");
}

util::Result<Cursor> Index::cursor(const std::string& node) {
  auto statement = db_->cached("SELECT device, inode, birth, offset, head, last_ts FROM cursors WHERE node = ?");
  if (!statement) return statement.error();
  (*statement)->bind(1, node);
  auto row = (*statement)->step();
  if (!row) return row.error();
  Cursor cursor;
  if (*row) {
    const sqlite::Statement& s = **statement;
    cursor.device = static_cast<std::uint64_t>(s.column_int(0));
    cursor.inode = static_cast<std::uint64_t>(s.column_int(1));
    cursor.birth_ns = s.column_int(2);
    cursor.offset = s.column_int(3);
    cursor.head = s.column_blob(4);
    cursor.last_time_ns = s.column_int(5);
  }
  (*statement)->reset();
  return cursor;
}

util::Result<void> Index::save_cursor(const std::string& node, const Cursor& cursor) {
  auto statement = db_->cached(
      "INSERT INTO cursors(node, device, inode, birth, offset, head, last_ts) VALUES (?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(node) DO UPDATE SET device = excluded.device, inode = excluded.inode, birth = excluded.birth, "
      "offset = excluded.offset, head = excluded.head, last_ts = excluded.last_ts");
  if (!statement) return statement.error();
  (*statement)
      ->bind(1, node)
      .bind(2, static_cast<std::int64_t>(cursor.device))
      .bind(3, static_cast<std::int64_t>(cursor.inode))
      .bind(4, cursor.birth_ns)
      .bind(5, cursor.offset)
      .bind_blob(6, cursor.head)
      .bind(7, cursor.last_time_ns);
  return (*statement)->run();
}

util::Result<void> Index::insert(std::string_view node, const NewRecord& record) {
  auto statement = db_->cached(
      "INSERT INTO records(ts, node, level, logger, message, fields, raw) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!statement) return statement.error();
  sqlite::Statement& s = **statement;
  // SQLITE_STATIC (copy = false): every view outlives this call's step.
  s.bind(1, record.time_ns).bind(2, node, false);
  s.bind_optional(3, record.level ? std::optional<std::int64_t>(static_cast<int>(*record.level)) : std::nullopt);
  if (record.logger.empty()) s.bind_null(4); else s.bind(4, record.logger, false);
  s.bind(5, record.message, false);
  if (record.fields.empty()) s.bind_null(6); else s.bind(6, record.fields, false);
  if (record.raw.empty()) s.bind_null(7); else s.bind(7, record.raw, false);
  inserted_ = true;
  return s.run();
}

util::Result<std::int64_t> Index::count() { return db_->query_int("SELECT count(*) FROM records"); }
util::Result<std::int64_t> Index::max_id() { return db_->query_int("SELECT coalesce(max(id), 0) FROM records"); }

util::Result<std::uint64_t> Index::used_bytes() {
  auto pages = db_->query_int("PRAGMA page_count");
  auto free_pages = db_->query_int("PRAGMA freelist_count");
  auto page_size = db_->query_int("PRAGMA page_size");
  if (!pages) return pages.error();
  if (!free_pages) return free_pages.error();
  if (!page_size) return page_size.error();
  return static_cast<std::uint64_t>((*pages - *free_pages) * *page_size);
}

// One batch: the `limit` oldest records matching `where` (with one bound parameter).
util::Result<std::int64_t> Index::delete_oldest(std::string_view where, std::int64_t bound, std::int64_t limit) {
  auto statement = db_->prepare("DELETE FROM records WHERE id IN (SELECT id FROM records WHERE " + std::string(where) +
                                " ORDER BY ts LIMIT ?)");
  if (!statement) return statement.error();
  statement->bind(1, bound).bind(2, limit);
  if (auto begun = begin_write(); !begun) return begun.error();
  if (auto done = statement->run(); !done) {
    rollback();
    return done.error();
  }
  const auto deleted = db_->changes();
  if (auto committed = commit(); !committed) return committed.error();
  return deleted;
}

util::Result<std::int64_t> Index::retain_age(std::chrono::seconds max_age, TimePoint reference) {
  const std::int64_t cutoff = to_ns(reference - max_age);
  std::int64_t total = 0;
  for (;;) {
    auto deleted = delete_oldest("ts < ?", cutoff, kDeleteBatch);
    if (!deleted) return deleted.error();
    total += *deleted;
    if (*deleted < kDeleteBatch) return total;
  }
}

// Deletes the oldest records until the data fits in 90% of max_bytes (the margin keeps the
// next polls from trimming again at once). Row sizes vary, so it measures after each round.
util::Result<std::int64_t> Index::retain_size(std::uint64_t max_bytes) {
  std::int64_t total = 0;
  const auto target = static_cast<double>(max_bytes) * 0.9;
  for (int round = 0; round < 100; ++round) {
    auto used = used_bytes();
    auto rows = count();
    if (!used) return used.error();
    if (!rows) return rows.error();
    if (*used <= max_bytes || *rows == 0) return total;
    const double per_row = static_cast<double>(*used) / static_cast<double>(*rows);
    auto excess_rows = static_cast<std::int64_t>((static_cast<double>(*used) - target) / per_row) + 1;
    while (excess_rows > 0) {
      auto deleted = delete_oldest("1 = ?", 1, std::min(excess_rows, kDeleteBatch));
      if (!deleted) return deleted.error();
      if (*deleted == 0) return total;
      total += *deleted;
      excess_rows -= *deleted;
    }
    // FTS5 records deletions as new entries until its segments are merged: merge now, or the
    // freed record pages are eaten by tombstones and the size never goes down.
    if (auto merged = db_->exec("INSERT INTO records_fts(records_fts, rank) VALUES ('merge', -64)"); !merged) {
      return merged.error();
    }
  }
  return total;
}

util::Result<std::int64_t> Index::apply_retention(const Retention& retention, TimePoint reference) {
  std::int64_t total = 0;
  if (retention.max_age) {
    auto deleted = retain_age(*retention.max_age, reference);
    if (!deleted) return deleted.error();
    total += *deleted;
  }
  if (retention.max_bytes) {
    auto deleted = retain_size(*retention.max_bytes);
    if (!deleted) return deleted.error();
    total += *deleted;
  }
  if (total > 0) {
    if (auto vacuumed = db_->exec("PRAGMA incremental_vacuum"); !vacuumed) return vacuumed.error();
  }
  return total;
}

util::Result<bool> Index::verify_and_repair() {
  auto check = db_->prepare("PRAGMA quick_check(1)");
  if (!check) return corrupt() ? util::Result<bool>(false) : util::Result<bool>(check.error());
  auto row = check->step();
  if (!row) return corrupt() ? util::Result<bool>(false) : util::Result<bool>(row.error());
  if (!*row || check->column_text(0) != "ok") return false;
  if (db_->exec("INSERT INTO records_fts(records_fts) VALUES ('integrity-check')")) return true;
  // The records are sound but their word index is not: it is derived data, rebuild it in place.
  auto repaired = db_->exec("INSERT INTO records_fts(records_fts) VALUES ('rebuild')");
  if (!repaired) return false;
  db_->forget_corruption();
  return true;
}

}  // namespace wakufleet::logs
