// Shared by the log tests: a throw-away fleet folder whose nodes' log directories are written
// the way s6-log writes them, and go-waku-like lines that carry a sequence number.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "logs/collector.hpp"
#include "logs/query.hpp"
#include "logs/time.hpp"
#include "support/temp_dir.hpp"

namespace wakufleet::logs::testing {

class TempFleet {
 public:
  // A scratch fleet data directory, removed with everything in it at the end of the test.
  const std::string& root() const { return dir_.path(); }
  std::string log_dir(const std::string& node) const {
    std::string dir = root() + "/nodes/" + node + "/logs";
    std::filesystem::create_directories(dir);
    return dir;
  }
  std::string current(const std::string& node) const { return log_dir(node) + "/current"; }

  // Appends raw bytes to the node's `current` (no newline added).
  void append(const std::string& node, const std::string& bytes) const {
    std::ofstream out(current(node), std::ios::app | std::ios::binary);
    out << bytes;
  }
  void append_line(const std::string& node, const std::string& line) const { append(node, line + "\n"); }

  // s6-log's rotation, step by step: current → previous, a new current, previous linked to
  // @<tai64n>.s, previous unlinked, then the oldest archives beyond `keep` deleted.
  // `between` runs after each step (the collector may poll at any of these moments).
  void rotate(const std::string& node, const std::function<void()>& between = [] {},
              std::optional<std::size_t> keep = std::nullopt) {
    const std::string dir = log_dir(node);
    std::filesystem::rename(dir + "/current", dir + "/previous");
    between();
    std::ofstream(dir + "/current", std::ios::app).close();
    between();
    const std::string archive = dir + "/" + next_archive_name();
    if (::link((dir + "/previous").c_str(), archive.c_str()) != 0) throw std::runtime_error("link failed");
    between();
    std::filesystem::remove(dir + "/previous");
    between();
    if (keep) trim(node, *keep);
  }

  // Deletes the oldest @ files beyond `keep`, as s6-log's n option does.
  void trim(const std::string& node, std::size_t keep) const {
    std::vector<std::string> archives;
    for (const auto& entry : std::filesystem::directory_iterator(log_dir(node))) {
      const std::string name = entry.path().filename().string();
      if (!name.empty() && name[0] == '@') archives.push_back(entry.path().string());
    }
    std::sort(archives.begin(), archives.end());
    for (std::size_t i = 0; i + keep < archives.size(); ++i) std::filesystem::remove(archives[i]);
  }

  // An @ name whose TAI64N label grows with each call, as real ones do with time.
  std::string next_archive_name() {
    char name[32];
    std::snprintf(name, sizeof name, "@400000006%015llx.s", static_cast<unsigned long long>(++archives_));
    return name;
  }

 private:
  wakufleet::testing::TempDir dir_;
  unsigned long long archives_ = 0;
};

inline constexpr std::int64_t kBaseTime = 1'795'600'200'000'000'000;  // 2026-11-25T09:50:00Z

// A go-waku-like JSON line whose "seq" field identifies it; every 7th line is instead a plain
// line as Go's REST access log writes it.
// Go's log prefix for a time: local wall-clock seconds, "2026/11/25 09:50:00".
inline std::string go_log_prefix(std::int64_t time_ns) {
  const time_t seconds = static_cast<time_t>(time_ns / 1'000'000'000);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y/%m/%d %H:%M:%S", &local);
  return text;
}

inline std::string waku_line(std::size_t seq, std::int64_t time_ns = kBaseTime) {
  time_ns += static_cast<std::int64_t>(seq) * 1'000'000;
  if (seq % 7 == 3) {
    return go_log_prefix(time_ns) + " \"POST http://127.0.0.1:8645/relay/v1/messages HTTP/1.1\" from 127.0.0.1 - 200 seq=" +
           std::to_string(seq);
  }
  return std::string(R"({"level":")") + (seq % 5 == 0 ? "warn" : "info") + R"(","ts":")" + format_time(time_ns) +
         R"(","logger":"gowaku.relay","caller":"relay/waku_relay.go:412","msg":"received message","seq":)" +
         std::to_string(seq) + R"(,"topic":"/waku/2/rs/1/0"})";
}

// The sequence number a waku_line carries ("seq":N or seq=N).
inline std::optional<std::size_t> seq_of(const std::string& line) {
  for (const char* key : {"\"seq\":", "seq="}) {
    const auto at = line.find(key);
    if (at != std::string::npos) return std::stoull(line.substr(at + std::char_traits<char>::length(key)));
  }
  return std::nullopt;
}

// Every record of the index, oldest first.
inline std::vector<LogRecord> all_records(Index& index, std::optional<std::string> node = std::nullopt) {
  LogQuery query;
  query.node = std::move(node);
  query.limit = 100'000'000;
  auto result = run_query(index, query);
  if (!result) throw std::runtime_error(result.error().message);
  return result->records;
}

// seq → how many times it was indexed.
inline std::map<std::size_t, int> seq_counts(const std::vector<LogRecord>& records) {
  std::map<std::size_t, int> counts;
  for (const auto& record : records) {
    if (auto seq = seq_of(record.line())) ++counts[*seq];
  }
  return counts;
}

inline std::unique_ptr<Collector> open_collector(const std::string& root, std::size_t batch_lines = 20000) {
  CollectorOptions options;
  options.fleet_root = root;
  options.batch_lines = batch_lines;
  auto collector = Collector::open(options);
  if (!collector) throw std::runtime_error(collector.error().message);
  return std::move(*collector);
}

inline PollStats poll(Collector& collector) {
  auto stats = collector.poll_once();
  if (!stats) throw std::runtime_error(stats.error().message);
  return *stats;
}

}  // namespace wakufleet::logs::testing
