// One indexed log line, and go-waku's log levels.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wakufleet::logs {

// zap's levels, in order, as go-waku writes them ("warn" includes everything above it).
// Stored as these integers so that a minimum level is one `level >= ?` comparison.
enum class Level : int { Debug = 1, Info = 2, Warn = 3, Error = 4, DPanic = 5, Panic = 6, Fatal = 7 };

// Accepts zap's names in any case, and "warning" for warn.
std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level level);  // lower case, as zap writes it

struct LogRecord {
  std::int64_t id = 0;
  std::int64_t time_ns = 0;  // nanoseconds since the Unix epoch, UTC
  std::string node;
  std::optional<Level> level;  // empty for plain-text lines and unknown levels
  std::string logger;
  std::string message;  // the JSON line's msg, or the whole plain-text line
  std::string fields;   // the other JSON members as a compact object ("" when none)
  std::string raw;      // the full JSON line ("" for plain-text lines: message is the line)

  bool is_json() const { return !raw.empty(); }
  const std::string& line() const { return raw.empty() ? message : raw; }
};

}  // namespace wakufleet::logs
