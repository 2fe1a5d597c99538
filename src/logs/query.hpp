// The core of `wakufleet logs`: filter the index, print lines, follow new ones.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logs/index.hpp"
#include "logs/record.hpp"
#include "logs/time.hpp"
#include "util/result.hpp"

namespace wakufleet::logs {

struct LogQuery {
  std::optional<std::string> node;
  std::optional<Level> min_level;  // plain-text lines have no level: a level filter leaves them out
  std::optional<TimePoint> since;  // inclusive
  std::optional<TimePoint> until;  // exclusive
  // Full-text search over the message and the extra fields (words, case-insensitive): FTS5
  // syntax when valid ("peer AND dial", "dial*", "\"failed to dial\""), otherwise searched as
  // one phrase ("peer-id" → the words peer, id in a row).
  std::optional<std::string> grep;
  std::size_t limit = 100;
};

struct QueryResult {
  std::vector<LogRecord> records;  // the LAST `limit` matches, oldest first (as journalctl -n)
  std::int64_t last_id = 0;        // the newest id in the index at that moment: follow from here
};

util::Result<QueryResult> run_query(Index& index, const LogQuery& query);

// --follow: calls `emit` for every record indexed after `after_id` that matches `query` (its
// limit aside), in the order they were indexed, polling every `interval` until `stop` or until
// `emit` returns false. Fails if the collector replaces the index meanwhile (rebuilt after a
// corruption): its ids start again, so the caller must query afresh.
util::Result<void> follow(Index& index, const LogQuery& query, std::int64_t after_id,
                          const std::function<bool(const LogRecord&)>& emit, const std::atomic<bool>& stop,
                          std::chrono::milliseconds interval = std::chrono::milliseconds(200));

// The FTS5 expression for --grep text: `text` itself when FTS5 accepts it, else `text` as one
// quoted phrase.
util::Result<std::string> fts_expression(Index& index, std::string_view text);
std::string fts_phrase(std::string_view text);

struct RenderOptions {
  bool color = false;         // ANSI colors for the level
  std::size_t node_width = 0; // pad node names to this width (the longest name of the fleet)
};

// 2026-11-25T12:30:00.833Z node-0 INFO  gowaku.rest: fetched peers {"count":3}
std::string render_text(const LogRecord& record, const RenderOptions& options = {});
// {"id":..,"time":"..","node":..,"level":"info"|null,"logger":..,"msg":..,"fields":{..},"line":".."}
std::string render_json(const LogRecord& record);

}  // namespace wakufleet::logs
