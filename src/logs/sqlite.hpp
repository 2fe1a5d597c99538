// A thin RAII layer over the SQLite C API: a connection, prepared statements, errors as
// util::Result. Corruption is remembered on the connection so that its owner can rebuild.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace wakufleet::logs::sqlite {

class Database;

class Statement {
 public:
  Statement(Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Binding is 1-based, as in SQLite. Texts are copied only when `copy` (the hot insert
  // path binds strings that outlive the step).
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text, bool copy = true);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  Statement& bind_optional(int index, const std::optional<std::int64_t>& value);

  // true: a row is ready; false: done.
  util::Result<bool> step();
  util::Result<void> run();  // steps to the end, then resets
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  std::string column_blob(int index) const;
  bool column_null(int index) const;

 private:
  Database* db_;
  sqlite3_stmt* stmt_;
};

enum class Access { ReadOnly, ReadWrite };

class Database {
 public:
  static util::Result<std::unique_ptr<Database>> open(const std::string& path, Access access);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  util::Result<void> exec(std::string_view sql);
  util::Result<Statement> prepare(std::string_view sql);
  // A statement kept for the connection's lifetime (reset before it is handed out).
  util::Result<Statement*> cached(const std::string& sql);

  // One value from a query that returns one row (e.g. a PRAGMA).
  util::Result<std::int64_t> query_int(std::string_view sql);

  // Records a failed call and makes its error; remembers corruption.
  util::Error fail(int code, std::string_view what);
  bool corrupt() const { return corrupt_; }
  void forget_corruption() { corrupt_ = false; }  // after a successful repair
  std::int64_t changes();                          // rows changed by the last statement
  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  bool corrupt_ = false;
  std::map<std::string, std::unique_ptr<Statement>> cache_;
};

// True for the result codes that mean the file is not a sound database.
bool is_corruption_code(int code);

}  // namespace wakufleet::logs::sqlite
