#include "logs/query.hpp"

#include <algorithm>
#include <thread>
#include <variant>

namespace wakufleet::logs {

namespace {

constexpr std::int64_t kFollowBatch = 1000;
// Up to this many lines matching --grep, the query may start from the word index (fetch those
// rows, filter, sort); beyond it, from the time index (newest first, stopping at the limit): a
// common word's matches are dense enough that the time index finds `limit` of them quickly.
constexpr std::int64_t kWordFirstMax = 3000;
// Fetching a row costs about as much as checking this many index entries (measured on 1M
// lines): a node/time window smaller than matches × this is cheaper to walk.
constexpr std::int64_t kRowCostInIndexEntries = 10;
constexpr const char* kSelect = "SELECT id, ts, node, level, logger, message, fields, raw";

using Param = std::variant<std::int64_t, std::string>;

struct Sql {
  std::string text;
  std::vector<Param> params;

  void add(const std::string& condition, Param param) {
    text += text.empty() ? " WHERE " : " AND ";
    text += condition;
    params.push_back(std::move(param));
  }
};

// The filters shared by the query and the follower. `fts` is the checked FTS5 expression.
Sql where_clause(const LogQuery& query, const std::optional<std::string>& fts) {
  Sql sql;
  if (query.node) sql.add("node = ?", *query.node);
  if (query.min_level) sql.add("level >= ?", static_cast<std::int64_t>(*query.min_level));
  if (query.since) sql.add("ts >= ?", to_ns(*query.since));
  if (query.until) sql.add("ts < ?", to_ns(*query.until));
  if (fts) sql.add("id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)", *fts);
  return sql;
}

util::Result<sqlite::Statement> prepare(Index& index, const std::string& text, const std::vector<Param>& params) {
  auto statement = index.db().prepare(text);
  if (!statement) return statement.error();
  int position = 1;
  for (const auto& param : params) {
    if (const auto* number = std::get_if<std::int64_t>(&param)) {
      statement->bind(position++, *number);
    } else {
      statement->bind(position++, std::get<std::string>(param));
    }
  }
  return statement;
}

LogRecord read_record(const sqlite::Statement& row) {
  LogRecord record;
  record.id = row.column_int(0);
  record.time_ns = row.column_int(1);
  record.node = row.column_text(2);
  if (!row.column_null(3)) {
    const auto level = row.column_int(3);
    if (level >= 1 && level <= 7) record.level = static_cast<Level>(level);
  }
  record.logger = row.column_text(4);
  record.message = row.column_text(5);
  record.fields = row.column_text(6);
  record.raw = row.column_text(7);
  return record;
}

util::Result<std::vector<LogRecord>> collect(sqlite::Statement& statement) {
  std::vector<LogRecord> records;
  for (;;) {
    auto row = statement.step();
    if (!row) return row.error();
    if (!*row) return records;
    records.push_back(read_record(statement));
  }
}

// How many lines match `fts`, counting no further than `cap` (fails on invalid FTS5 syntax).
util::Result<std::int64_t> count_matches(Index& index, const std::string& fts, std::int64_t cap) {
  auto statement =
      index.db().cached("SELECT count(*) FROM (SELECT 1 FROM records_fts WHERE records_fts MATCH ? LIMIT ?)");
  if (!statement) return statement.error();
  (*statement)->bind(1, fts).bind(2, cap);
  auto row = (*statement)->step();
  if (!row) return row.error();
  const std::int64_t count = (*statement)->column_int(0);
  (*statement)->reset();
  return count;
}

// How many lines the node/level/time filters leave, counting no further than `cap` (in the
// index alone: it holds node, ts and level).
util::Result<std::int64_t> count_window(Index& index, const LogQuery& query, std::int64_t cap) {
  Sql sql = where_clause(query, std::nullopt);
  sql.params.emplace_back(cap);
  auto statement = prepare(index, "SELECT count(*) FROM (SELECT 1 FROM records" + sql.text + " LIMIT ?)", sql.params);
  if (!statement) return statement.error();
  auto row = statement->step();
  if (!row) return row.error();
  return statement->column_int(0);
}

bool has_window(const LogQuery& query) { return query.node || query.since || query.until || query.min_level; }

// SQLite cannot know how common a word is: the counts tell which index to start from.
util::Result<std::string> table_for(Index& index, const LogQuery& query, std::optional<std::int64_t> matches) {
  const std::string by_time =
      query.node ? " FROM records INDEXED BY records_node_ts" : " FROM records INDEXED BY records_ts";
  if (!matches) return std::string(" FROM records");
  if (*matches > kWordFirstMax) return by_time;
  if (has_window(query)) {
    const std::int64_t cheaper_below = *matches * kRowCostInIndexEntries;
    auto window = count_window(index, query, cheaper_below);
    if (!window) return window.error();
    if (*window < cheaper_below) return by_time;
  }
  return std::string(" FROM records NOT INDEXED");  // rowid lookups of the matches only
}

// Turns a damaged-index error into advice, and asks the collector to check the file.
util::Error explain(Index& index, const util::Error& error) {
  if (!index.corrupt()) return error;
  request_check(index.path());
  return util::fail(error.message + "\nThe log index is damaged; the log collector will rebuild it from the nodes' "
                                    "log files. Try again in a moment.");
}

util::Result<std::optional<std::string>> grep_expression(Index& index, const LogQuery& query) {
  if (!query.grep || query.grep->empty()) return std::optional<std::string>();
  auto expression = fts_expression(index, *query.grep);
  if (!expression) return expression.error();
  return std::optional<std::string>(*expression);
}

// The newest `limit` matches, newest first, and the newest id, from one read snapshot.
util::Result<QueryResult> query_snapshot(Index& index, const LogQuery& query, const std::optional<std::string>& fts) {
  std::optional<std::int64_t> matches;
  if (fts) {
    auto counted = count_matches(index, *fts, kWordFirstMax + 1);
    if (!counted) return counted.error();
    matches = *counted;
  }
  auto last_id = index.max_id();
  if (!last_id) return last_id.error();
  if (matches == 0) return QueryResult{{}, *last_id};
  auto table = table_for(index, query, matches);
  if (!table) return table.error();
  Sql sql = where_clause(query, fts);
  sql.params.emplace_back(static_cast<std::int64_t>(query.limit));
  auto statement = prepare(index, kSelect + *table + sql.text + " ORDER BY ts DESC, id DESC LIMIT ?", sql.params);
  if (!statement) return statement.error();
  auto records = collect(*statement);
  if (!records) return records.error();
  return QueryResult{std::move(*records), *last_id};
}

// Sleeps `interval` in short slices so that `stop` is honoured quickly.
void pause(std::chrono::milliseconds interval, const std::atomic<bool>& stop) {
  const auto until = std::chrono::steady_clock::now() + interval;
  while (!stop.load() && std::chrono::steady_clock::now() < until) {
    const auto left = until - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(50), left));
  }
}

}  // namespace

std::string fts_phrase(std::string_view text) {
  std::string phrase = "\"";
  for (char c : text) {
    if (c == '"') phrase += '"';  // FTS5 doubles a quote inside a string
    phrase += c;
  }
  return phrase + "\"";
}

util::Result<std::string> fts_expression(Index& index, std::string_view text) {
  // Parsing happens when the MATCH runs, so try it on at most one row.
  auto statement = index.db().prepare("SELECT rowid FROM records_fts WHERE records_fts MATCH ? LIMIT 1");
  if (!statement) return explain(index, statement.error());
  statement->bind(1, text);
  auto row = statement->step();
  if (row) return std::string(text);
  if (index.corrupt()) return explain(index, row.error());
  return fts_phrase(text);
}

util::Result<QueryResult> run_query(Index& index, const LogQuery& query) {
  if (auto begun = index.db().exec("BEGIN"); !begun) return explain(index, begun.error());
  std::optional<std::string> fts;
  if (query.grep && !query.grep->empty()) fts = *query.grep;
  auto result = query_snapshot(index, query, fts);
  // Only the MATCH can fail on a sound index: the text is not FTS5 syntax, so search it as a
  // phrase (trying first saves a separate syntax check on every query).
  if (!result && fts && !index.corrupt()) result = query_snapshot(index, query, fts_phrase(*fts));
  (void)index.db().exec("COMMIT");
  if (!result) return explain(index, result.error());
  std::reverse(result->records.begin(), result->records.end());
  return result;
}

util::Result<void> follow(Index& index, const LogQuery& query, std::int64_t after_id,
                          const std::function<bool(const LogRecord&)>& emit, const std::atomic<bool>& stop,
                          std::chrono::milliseconds interval) {
  auto fts = grep_expression(index, query);
  if (!fts) return fts.error();
  Sql sql = where_clause(query, *fts);
  const std::string text = std::string(kSelect) + " FROM records" + sql.text + (sql.text.empty() ? " WHERE" : " AND") +
                           " id > ? ORDER BY id LIMIT " + std::to_string(kFollowBatch);
  while (!stop.load()) {
    if (index.replaced()) return util::fail("the log index was rebuilt meanwhile; run the command again");
    std::vector<Param> params = sql.params;
    params.emplace_back(after_id);
    auto statement = prepare(index, text, params);
    if (!statement) return explain(index, statement.error());
    auto records = collect(*statement);
    if (!records) return explain(index, records.error());
    for (const auto& record : *records) {
      if (!emit(record)) return {};
      after_id = record.id;
    }
    if (static_cast<std::int64_t>(records->size()) < kFollowBatch) pause(interval, stop);
  }
  return {};
}

}  // namespace wakufleet::logs
