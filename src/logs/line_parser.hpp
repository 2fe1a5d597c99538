// Splits one log line into what the index stores. go-waku writes zap JSON objects, one a line;
// anything else (Go's standard logger, panics, stack traces) is kept as plain text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "logs/record.hpp"

namespace wakufleet::logs {

struct ParsedLine {
  bool json = false;
  std::optional<std::int64_t> time_ns;  // the time the line carries, if any
  bool coarse_time = false;             // time_ns came from Go's log prefix (whole seconds)
  std::optional<Level> level;
  std::string logger;
  std::string message;  // msg, or the whole line when it is not JSON
  std::string fields;   // members other than level/ts/logger/caller/msg, as a compact object

  void clear();
};

// Fills `out` (its buffers are reused: the collector calls this once per line).
// A line is JSON when it is one object with a "level" or a "msg" member; its member values are
// copied as written (zap writes compact JSON), so no re-serialisation happens.
void parse_line(std::string_view line, ParsedLine& out);

}  // namespace wakufleet::logs
