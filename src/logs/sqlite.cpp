#include "logs/sqlite.hpp"

#include <sqlite3.h>

namespace wakufleet::logs::sqlite {

bool is_corruption_code(int code) {
  const int primary = code & 0xFF;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

// --- Statement ---

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text, bool copy) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

util::Result<bool> Statement::step() {
  const int code = sqlite3_step(stmt_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  auto error = db_->fail(code, "step");
  sqlite3_reset(stmt_);
  return error;
}

util::Result<void> Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) break;
  }
  reset();
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::string Statement::column_blob(int index) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, index));
  if (bytes == nullptr) return {};
  return std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

bool Statement::column_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

// --- Database ---

util::Result<std::unique_ptr<Database>> Database::open(const std::string& path, Access access) {
  sqlite3* handle = nullptr;
  const int flags = access == Access::ReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const int code = sqlite3_open_v2(path.c_str(), &handle, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (code != SQLITE_OK) {
    std::string message = handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(code);
    sqlite3_close(handle);
    return util::fail("cannot open the log index " + path + ": " + message);
  }
  sqlite3_extended_result_codes(handle, 1);
  // The collector and `wakufleet logs` share the file; a writer holds the lock for one batch.
  sqlite3_busy_timeout(handle, 10000);
  return std::unique_ptr<Database>(new Database(handle, path));
}

Database::~Database() {
  cache_.clear();  // statements first: sqlite3_close refuses while any is alive
  sqlite3_close(db_);
}

util::Error Database::fail(int code, std::string_view what) {
  if (is_corruption_code(code)) corrupt_ = true;
  return util::fail("log index " + path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

std::int64_t Database::changes() { return sqlite3_changes(db_); }

util::Result<void> Database::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int code = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (code == SQLITE_OK) return {};
  std::string detail = message != nullptr ? message : sqlite3_errstr(code);
  sqlite3_free(message);
  if (is_corruption_code(code)) corrupt_ = true;
  return util::fail("log index " + path_ + ": " + detail);
}

util::Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int code = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (code != SQLITE_OK) return fail(code, "prepare");
  return Statement(*this, stmt);
}

util::Result<Statement*> Database::cached(const std::string& sql) {
  auto found = cache_.find(sql);
  if (found != cache_.end()) {
    found->second->reset();
    return found->second.get();
  }
  auto statement = prepare(sql);
  if (!statement) return statement.error();
  auto owned = std::make_unique<Statement>(std::move(*statement));
  Statement* raw = owned.get();
  cache_.emplace(sql, std::move(owned));
  return raw;
}

util::Result<std::int64_t> Database::query_int(std::string_view sql) {
  auto statement = prepare(sql);
  if (!statement) return statement.error();
  auto row = statement->step();
  if (!row) return row.error();
  return *row ? statement->column_int(0) : 0;
}

}  // namespace wakufleet::logs::sqlite
