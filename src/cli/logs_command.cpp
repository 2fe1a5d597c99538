// `wakufleet logs`: the fleet's log index, queried like kubectl logs / journalctl, and the hidden
// `__collect-logs` command that the supervised collector service runs.
#include "cli/logs_command.hpp"

#include <signal.h>

#include <algorithm>
#include <atomic>

#include "cli/steps.hpp"
#include "logs/collector.hpp"
#include "logs/query.hpp"
#include "util/text.hpp"

namespace wakufleet::cli {

namespace {

std::atomic<bool> interrupted{false};

void on_interrupt(int) { interrupted = true; }

// Reads the log lines written since the collector's last poll, so that `logs` is current even
// between two polls of the service (or when it is down). Safe next to the running service.
void catch_up(const std::string& fleet_root, Io& io) {
  logs::CollectorOptions options;
  options.fleet_root = fleet_root;
  options.check_on_open = false;
  auto collector = logs::Collector::open(options);
  if (collector) {
    auto polled = (*collector)->poll_once();
    if (polled) return;
    io.err << "note: could not read the newest lines: " << polled.error().message << "\n";
  } else {
    io.err << "note: could not read the newest lines: " << collector.error().message << "\n";
  }
}

util::Result<logs::LogQuery> query_from(const Args& args) {
  logs::LogQuery query;
  if (args.has("node")) query.node = args.get("node");
  if (args.has("grep")) query.grep = args.get("grep");
  if (args.has("level")) {
    query.min_level = logs::parse_level(args.get("level"));
    if (!query.min_level) return util::fail("--level takes debug, info, warn, error or fatal");
  }
  for (const char* bound : {"since", "until"}) {
    if (!args.has(bound)) continue;
    auto when = logs::parse_time_arg(args.get(bound), logs::now());
    if (!when) return util::fail(std::string("--") + bound + ": " + when.error().message);
    (std::string(bound) == "since" ? query.since : query.until) = *when;
  }
  std::string limit = args.get("limit");
  if (limit.empty() || limit.find_first_not_of("0123456789") != std::string::npos || std::stoul(limit) == 0) {
    return util::fail("--limit takes a positive number of lines");
  }
  query.limit = std::stoul(limit);
  return query;
}

}  // namespace

int cmd_logs(const Args& args, Io& io) {
  Session session;
  if (!load_spec(args, io, session) || !open_provider(args, io, session)) return 1;
  auto root = session.provider->log_root(session.fleet);
  if (!root) {
    io.err << error_prefix(io) << root.error().message << "\n";
    return 1;
  }
  auto query = query_from(args);
  if (!query) {
    io.err << error_prefix(io) << query.error().message << "\n";
    return 1;
  }
  catch_up(*root, io);
  auto index = logs::Index::open_for_reading(logs::index_path(*root));
  if (!index) {
    io.err << error_prefix(io) << index.error().message << "\n";
    return 1;
  }
  auto result = logs::run_query(**index, *query);
  if (!result) {
    io.err << error_prefix(io) << result.error().message << "\n";
    return 1;
  }
  logs::RenderOptions render{io.color, 0};
  for (const auto& node : session.fleet.nodes) render.node_width = std::max(render.node_width, node.name.size());
  bool as_json = args.has("json");
  auto print = [&](const logs::LogRecord& record) {
    io.out << (as_json ? logs::render_json(record) : logs::render_text(record, render)) << "\n" << std::flush;
    return static_cast<bool>(io.out);
  };
  for (const auto& record : result->records) print(record);
  if (!args.has("follow")) return 0;
  signal(SIGINT, on_interrupt);
  signal(SIGTERM, on_interrupt);
  auto followed = logs::follow(**index, *query, result->last_id, print, interrupted);
  if (!followed) {
    io.err << error_prefix(io) << followed.error().message << "\n";
    return 1;
  }
  return 0;
}

int cmd_collect_logs(const Args& args, Io& io) {
  if (args.positional.size() != 1) {
    io.err << error_prefix(io) << "__collect-logs takes the fleet's data folder\n";
    return 1;
  }
  return logs::run_collector(args.positional[0]);
}

std::vector<OptionSpec> logs_options() {
  return {{"file", 'f', "PATH", "the fleet spec", "fleet.toml"},
          {"state", 0, "PATH", "the state file (default: the spec's path with .state.json)", ""},
          {"node", 0, "NAME", "only this node's lines", ""},
          {"level", 0, "LEVEL", "only lines at this level or above (debug, info, warn, error, fatal)", ""},
          {"since", 0, "TIME", "only lines since TIME: 10m, 2h, 7d or an RFC 3339 time", ""},
          {"until", 0, "TIME", "only lines before TIME", ""},
          {"grep", 0, "WORDS", "only lines whose message has these words (whole words; \"a phrase\"; word*)", ""},
          {"limit", 0, "N", "how many of the newest matching lines", "100"},
          {"follow", 0, "", "keep printing new lines as they come (Ctrl-C stops)", ""},
          {"json", 0, "", "one JSON object per line", ""},
          {"no-color", 0, "", "plain output even on a terminal", ""},
          {"help", 'h', "", "show this help", ""}};
}

}  // namespace wakufleet::cli
