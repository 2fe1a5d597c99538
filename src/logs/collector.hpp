// The log collector: follows every node's s6-log directory into the fleet's index.
//
// Per node and per batch, one write transaction: read the node's cursor, find the file it names
// (by device+inode, checked against the file's first bytes), deliver the complete lines from
// there on through the newer files up to `current`, insert them and save the new cursor, then
// commit. Lines and position are committed together, so a crash or a restart at any point
// neither loses nor repeats a line; a line without its newline yet waits for the next poll.
#pragma once

#include <atomic>
#include <chrono>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "logs/index.hpp"
#include "logs/line_parser.hpp"
#include "logs/log_files.hpp"
#include "util/result.hpp"

namespace wakufleet::logs {

struct CollectorOptions {
  std::string fleet_root;              // nodes' logs are <fleet_root>/nodes/<node>/logs
  std::string index_file;              // default: index_path(fleet_root)
  std::vector<std::string> nodes;      // default (empty): every <fleet_root>/nodes/* with a logs folder
  Retention retention{std::chrono::hours(24 * 7), std::uint64_t{1} << 30};  // 7 days, 1 GiB
  std::chrono::milliseconds poll_interval{200};
  std::chrono::seconds retention_interval{60};
  std::size_t batch_lines = 20000;     // lines per transaction: bounds memory and lock time
  // PRAGMA quick_check when opening (about 0.5 s per GB of index): on for the service, which
  // then rebuilds a corrupt index; a short-lived caller (the CLI catching up) may skip it.
  bool check_on_open = true;
};

struct PollStats {
  std::size_t lines = 0;
  bool rebuilt = false;               // the index was corrupt and has been started again
  std::vector<std::string> warnings;  // e.g. files deleted by s6-log before they were read
};

class Collector {
 public:
  // Opens (creating, or rebuilding when corrupt) the index.
  static util::Result<std::unique_ptr<Collector>> open(CollectorOptions options);

  // Reads everything new of every node once. A corrupt index found on the way is rebuilt and
  // the poll run again, so the raw files still on disk are indexed anew.
  util::Result<PollStats> poll_once();

  // poll_once every poll_interval and retention every retention_interval until `stop`; errors
  // and warnings go to `log`, one line each, and never end the loop.
  void run(const std::atomic<bool>& stop, std::ostream& log);

  Index& index() { return *index_; }
  const CollectorOptions& options() const { return options_; }

 private:
  struct Node {
    std::string name;
    std::string log_dir;
  };
  struct Batch {
    std::size_t lines = 0;
    bool more = false;  // the line budget ran out: call again
  };

  explicit Collector(CollectorOptions options) : options_(std::move(options)) {}
  std::vector<Node> nodes() const;
  util::Result<void> rebuild();
  util::Result<void> reopen_if_replaced();
  util::Result<PollStats> poll_nodes();
  util::Result<std::size_t> ingest_node(const Node& node, PollStats& stats);
  util::Result<Batch> ingest_batch(const Node& node, PollStats& stats);
  util::Result<Batch> read_files(const Node& node, Cursor& cursor, PollStats& stats);
  util::Result<void> index_line(const Node& node, std::string_view line, const LogFile& file, bool live_end,
                                Cursor& cursor);

  CollectorOptions options_;
  std::unique_ptr<Index> index_;
  std::string buffer_;  // reused by every read
  ParsedLine parsed_;   // reused by every line
};

// The hidden service command: collects the fleet at `fleet_root` until SIGTERM or SIGINT,
// logging to stderr. Returns the process exit code (0 after a signal).
int run_collector(const CollectorOptions& options);
int run_collector(const std::string& fleet_root);

}  // namespace wakufleet::logs
