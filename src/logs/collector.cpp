#include "logs/collector.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <thread>

#include "logs/log_files.hpp"

namespace wakufleet::logs {

namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

constexpr int kListAttempts = 5;
// A line without a time that ends this close to the end of `current` is being read as it is
// written: "now" is a good time for it. Further back, the collector is catching up.
constexpr std::int64_t kLiveTailBytes = 64 * 1024;

enum class Found { Here, Gone, Moved };

struct Start {
  Found found = Found::Here;
  std::size_t file = 0;
  std::int64_t offset = 0;
};

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> subdirectories(const std::string& dir) {
  std::vector<std::string> names;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return names;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string name = entry->d_name;
    if (name != "." && name != ".." && is_directory(dir + "/" + name)) names.push_back(name);
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

// Whether files[i], which has the cursor's inode, is the cursor's file: its first bytes are
// read through a descriptor checked to be that inode, so a rename in between reads as Moved.
Found check_file(const LogFile& file, const Cursor& cursor) {
  if (file.size < cursor.offset) return Found::Gone;  // files only grow: this inode was reused
  if (cursor.head.empty()) return Found::Here;
  auto head = read_head(file, cursor.head.size());
  if (!head) return Found::Moved;
  return *head == cursor.head ? Found::Here : Found::Gone;
}

// Where reading resumes. list_log_files cannot miss a file that is being rotated, so a cursor
// whose inode is absent (or now holds other bytes) names a file s6-log has deleted: everything
// still on disk is newer than it and is read from the start.
Start locate(const Cursor& cursor, const std::vector<LogFile>& files) {
  if (!cursor.valid()) return {};
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i].device != cursor.device || files[i].inode != cursor.inode) continue;
    if (!same_identity(files[i], cursor.device, cursor.inode, cursor.birth_ns)) break;  // a reused inode
    const Found found = check_file(files[i], cursor);
    return found == Found::Here ? Start{Found::Here, i, cursor.offset} : Start{found, 0, 0};
  }
  return {Found::Gone, 0, 0};
}

void point_at(Cursor& cursor, const LogFile& file, std::int64_t offset) {
  if (!same_identity(file, cursor.device, cursor.inode, cursor.birth_ns)) cursor.head.clear();
  cursor.device = file.device;
  cursor.inode = file.inode;
  cursor.birth_ns = file.birth_ns;
  cursor.offset = offset;
}

// A line's time: its own when it has one. Go's log prefix only has whole seconds: when the
// previous line falls inside that second, it keeps the previous line's time so the file's order
// survives sorting. A line without a time (a panic, a stack trace) was written after the
// previous line: it takes that line's time, so that a trace stays next to what preceded it even
// when read long after; at the live end of `current` it takes the time it was written (the
// file's mtime, or now), so that a fresh panic is not dated back to the last quiet line.
std::int64_t line_time(const ParsedLine& line, std::int64_t previous, bool live_end, std::int64_t written_by) {
  if (line.time_ns && !line.coarse_time) return *line.time_ns;
  if (line.time_ns) {
    const bool same_second = previous >= *line.time_ns && previous < *line.time_ns + kNsPerSecond;
    return same_second ? previous : *line.time_ns;
  }
  return live_end || previous == 0 ? std::max(previous, written_by) : previous;
}

std::string timestamp() { return format_time(to_ns(now())); }

}  // namespace

util::Result<std::unique_ptr<Collector>> Collector::open(CollectorOptions options) {
  if (options.index_file.empty()) options.index_file = index_path(options.fleet_root);
  if (options.batch_lines == 0) options.batch_lines = 1;
  std::unique_ptr<Collector> collector(new Collector(std::move(options)));
  auto index = Index::open_for_writing(collector->options_.index_file, nullptr, collector->options_.check_on_open);
  if (!index) return index.error();
  collector->index_ = std::move(*index);
  return collector;
}

std::vector<Collector::Node> Collector::nodes() const {
  std::vector<std::string> names = options_.nodes;
  if (names.empty()) names = subdirectories(options_.fleet_root + "/nodes");
  std::vector<Node> found;
  for (const auto& name : names) {
    std::string dir = options_.fleet_root + "/nodes/" + name + "/logs";
    if (is_directory(dir)) found.push_back({name, dir});
  }
  return found;
}

util::Result<void> Collector::rebuild() {
  const std::string path = index_->path();
  index_.reset();
  auto index = Index::recreate(path);
  if (!index) return index.error();
  index_ = std::move(*index);
  return {};
}

util::Result<void> Collector::reopen_if_replaced() {
  if (!index_->replaced()) return {};
  index_.reset();
  auto index = Index::open_for_writing(options_.index_file, nullptr, options_.check_on_open);
  if (!index) return index.error();
  index_ = std::move(*index);
  return {};
}

util::Result<PollStats> Collector::poll_once() {
  // Someone removed the file to start afresh, or another collector rebuilt it: writing on into
  // the old inode would index into nothing.
  if (auto reopened = reopen_if_replaced(); !reopened) return reopened.error();
  bool rebuilt = false;
  if (check_requested(options_.index_file)) {
    clear_check_request(options_.index_file);
    auto sound = index_->verify_and_repair();
    if (!sound || !*sound) {
      if (auto done = rebuild(); !done) return done.error();
      rebuilt = true;
    }
  }
  auto stats = poll_nodes();
  if (!stats && index_->corrupt()) {
    if (auto done = rebuild(); !done) return done.error();
    rebuilt = true;
    stats = poll_nodes();
  }
  if (stats) stats->rebuilt = rebuilt;
  return stats;
}

util::Result<PollStats> Collector::poll_nodes() {
  PollStats stats;
  for (const auto& node : nodes()) {
    auto lines = ingest_node(node, stats);
    if (lines) {
      stats.lines += *lines;
    } else if (index_->corrupt()) {
      return lines.error();
    } else {
      // One node's unreadable folder must not stop the others.
      stats.warnings.push_back("node " + node.name + ": " + lines.error().message);
    }
  }
  return stats;
}

util::Result<std::size_t> Collector::ingest_node(const Node& node, PollStats& stats) {
  std::size_t total = 0;
  for (;;) {
    auto batch = ingest_batch(node, stats);
    if (!batch) return batch.error();
    total += batch->lines;
    if (!batch->more) return total;
  }
}

util::Result<Collector::Batch> Collector::ingest_batch(const Node& node, PollStats& stats) {
  if (auto begun = index_->begin_write(); !begun) return begun.error();
  auto batch = [&]() -> util::Result<Batch> {
    auto cursor = index_->cursor(node.name);
    if (!cursor) return cursor.error();
    const Cursor before = *cursor;
    auto read = read_files(node, *cursor, stats);
    if (!read) return read.error();
    const bool moved = cursor->inode != before.inode || cursor->birth_ns != before.birth_ns ||
                       cursor->offset != before.offset || cursor->head != before.head;
    if (moved) {
      if (auto saved = index_->save_cursor(node.name, *cursor); !saved) return saved.error();
    }
    return read;
  }();
  if (!batch) {
    index_->rollback();
    return batch.error();
  }
  if (auto committed = index_->commit(); !committed) return committed.error();
  return batch;
}

util::Result<Collector::Batch> Collector::read_files(const Node& node, Cursor& cursor, PollStats& stats) {
  Batch batch;
  std::vector<LogFile> files;
  Start start;
  for (int attempt = 0; attempt < kListAttempts; ++attempt) {
    files = list_log_files(node.log_dir);
    start = locate(cursor, files);
    if (start.found != Found::Moved) break;
  }
  // Still moving after several listings: try again at the next poll rather than guess.
  if (files.empty() || start.found == Found::Moved) return batch;
  if (start.found == Found::Gone) {
    stats.warnings.push_back("node " + node.name + ": the log file being read was deleted by s6-log before it was "
                             "finished; its unread lines are lost, reading on from the oldest file left");
    cursor.inode = 0;  // forget the old file's identity and head entirely
    cursor.head.clear();
  }
  for (std::size_t i = start.file; i < files.size(); ++i) {
    const LogFile& file = files[i];
    point_at(cursor, file, i == start.file ? start.offset : 0);
    auto read = read_lines(file, cursor.offset, options_.batch_lines - batch.lines, buffer_,
                           [&](std::string_view line, std::int64_t end_offset) -> util::Result<void> {
                             ++batch.lines;
                             const bool live_end = file.live && file.size - end_offset < kLiveTailBytes;
                             return index_line(node, line, file, live_end, cursor);
                           });
    if (!read) return read.error();
    cursor.offset = read->offset;
    if (read->head.size() > cursor.head.size()) cursor.head = read->head;
    if (read->end == ReadEnd::Budget) batch.more = true;
    if (read->end != ReadEnd::EndOfFile || file.live) break;
    // Finished and read to its end: point at the next file now, so that s6-log deleting this
    // one later is not taken for a loss.
    if (i + 1 < files.size()) point_at(cursor, files[i + 1], 0);
  }
  return batch;
}

util::Result<void> Collector::index_line(const Node& node, std::string_view line, const LogFile& file, bool live_end,
                                         Cursor& cursor) {
  parse_line(line, parsed_);
  const std::int64_t written_by = std::min(to_ns(now()), file.mtime_ns);
  const std::int64_t time = line_time(parsed_, cursor.last_time_ns, live_end, written_by);
  NewRecord record{time, parsed_.level, parsed_.logger, parsed_.message, parsed_.fields,
                   parsed_.json ? line : std::string_view()};
  if (auto inserted = index_->insert(node.name, record); !inserted) return inserted.error();
  cursor.last_time_ns = time;
  return {};
}

void Collector::run(const std::atomic<bool>& stop, std::ostream& log) {
  auto next_retention = std::chrono::steady_clock::now();
  while (!stop.load()) {
    const auto next_poll = std::chrono::steady_clock::now() + options_.poll_interval;
    auto stats = poll_once();
    if (!stats) {
      log << timestamp() << " error: " << stats.error().message << std::endl;
    } else {
      if (stats->rebuilt) {
        log << timestamp() << " the log index was corrupt; rebuilt it from the log files" << std::endl;
      }
      for (const auto& warning : stats->warnings) log << timestamp() << " warning: " << warning << std::endl;
    }
    if (std::chrono::steady_clock::now() >= next_retention) {
      next_retention = std::chrono::steady_clock::now() + options_.retention_interval;
      auto deleted = index_->apply_retention(options_.retention, now());
      if (!deleted) log << timestamp() << " error: retention: " << deleted.error().message << std::endl;
    }
    // Short slices: a stop request is seen within 50 ms (sleep_for resumes after signals).
    while (!stop.load() && std::chrono::steady_clock::now() < next_poll) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          std::chrono::milliseconds(50), next_poll - std::chrono::steady_clock::now()));
    }
  }
}

namespace {

std::atomic<bool> g_stop{false};  // lock-free, so safe to set from a signal handler

void on_stop_signal(int) { g_stop.store(true); }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

}  // namespace

int run_collector(const CollectorOptions& options) {
  install_stop_handlers();
  std::unique_ptr<Collector> collector;
  // The index may be unavailable for a while (disk full, permissions fixed by hand): keep trying
  // rather than exit and be restarted by s6 in a tight loop.
  while (!g_stop.load()) {
    auto opened = Collector::open(options);
    if (opened) {
      collector = std::move(*opened);
      break;
    }
    std::cerr << timestamp() << " error: " << opened.error().message << std::endl;
    for (int i = 0; i < 20 && !g_stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (collector) collector->run(g_stop, std::cerr);
  return 0;
}

int run_collector(const std::string& fleet_root) {
  CollectorOptions options;
  options.fleet_root = fleet_root;
  return run_collector(options);
}

}  // namespace wakufleet::logs
