// Times in the log index: integer nanoseconds since the Unix epoch (UTC), and the texts that
// name them (go-waku's RFC3339 "ts", Go's log prefix "2026/11/25 12:30:00", CLI arguments).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace wakufleet::logs {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;

inline std::int64_t to_ns(TimePoint time) { return time.time_since_epoch().count(); }
inline TimePoint from_ns(std::int64_t ns) { return TimePoint(std::chrono::nanoseconds(ns)); }
inline TimePoint now() {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

// "2026-11-25T12:30:00.833Z", "...+01:00", "...+0100", a space for the T; no zone means UTC
// (go-waku writes UTC, and so do people who paste its timestamps).
std::optional<std::int64_t> parse_rfc3339_ns(std::string_view text);

// The prefix Go's standard logger writes, "2026/11/25 12:30:00" (optionally ".123456"), in the
// machine's local time zone as Go's logger uses it. Empty when the line does not start so.
std::optional<std::int64_t> parse_go_log_prefix_ns(std::string_view line);

// "2026-11-25T12:30:00.833Z": UTC, millisecond precision (go-waku's own format).
std::string format_time(std::int64_t ns);

// A --since/--until argument: a duration back from `reference` ("10m", "2h", "7d", "1h30m")
// or an absolute RFC3339 time.
util::Result<TimePoint> parse_time_arg(std::string_view text, TimePoint reference);

}  // namespace wakufleet::logs
