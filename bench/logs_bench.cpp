// The log index: how fast the collector ingests go-waku-like lines (goal ≥ 100k lines/s), and
// how long `wakufleet logs --node N --grep X --since 1h` takes over 1,000,000 indexed lines
// (goal ≤ 50 ms and ≥ 10× faster than grep over the same raw files).
//
// Generates once per run, in a temp folder: 10 nodes × 100,000 lines over 24 hours, written as
// s6-log would (10 MB @ archives + current). Prints a summary after the benchmarks.
// WAKUFLEET_LOGS_BENCH_DIR=DIR keeps the data and its index in DIR and reuses them next time.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "logs/collector.hpp"
#include "logs/query.hpp"

namespace {

using namespace wakufleet;
namespace fs = std::filesystem;

constexpr int kNodes = 10;
constexpr std::size_t kLinesPerNode = 100'000;
constexpr std::int64_t kSpanNs = 24LL * 3600 * 1'000'000'000;
constexpr std::int64_t kStartNs = 1'795'600'200'000'000'000;  // 2026-11-25T09:50:00Z
constexpr std::size_t kFileBytes = 10'000'000;
constexpr int kPeers = 500;

// xorshift64*: fast and reproducible.
struct Random {
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  std::uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1DULL;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

std::vector<std::string> make_peers(Random& random) {
  static const char kBase58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  std::vector<std::string> peers;
  for (int i = 0; i < kPeers; ++i) {
    std::string peer = "16Uiu2HAm";
    for (int c = 0; c < 44; ++c) peer += kBase58[random.below(58)];
    peers.push_back(peer);
  }
  return peers;
}

struct Template {
  const char* level;
  const char* logger;
  const char* msg;
  bool peer;
};

// Messages and loggers as go-waku v0.10 writes them, roughly in their usual proportions.
const std::vector<Template>& templates() {
  static const std::vector<Template> kTemplates = {
      {"info", "gowaku.node2.relay", "received message", false},
      {"info", "gowaku.node2.relay", "received message", false},
      {"info", "gowaku.node2.relay", "publishing message", false},
      {"debug", "gowaku.node2.peer-manager", "connected to peer", true},
      {"debug", "gowaku.node2.peer-manager", "disconnected from peer", true},
      {"info", "gowaku.node2.peer-exchange", "peer exchange response received", true},
      {"warn", "gowaku.node2.peer-manager", "failed to dial peer", true},
      {"info", "gowaku.node2.store", "store query received", true},
      {"debug", "gowaku.node2.discv5", "discovered peer", true},
      {"info", "gowaku.node2.filter", "filter push", true},
      {"error", "gowaku.node2.lightpush", "could not push message", true},
      {"info", "gowaku.node2.keepalive", "ping", true},
  };
  return kTemplates;
}

std::string json_line(Random& random, const std::vector<std::string>& peers, std::int64_t ts) {
  const Template& t = templates()[random.below(templates().size())];
  std::string line = R"({"level":")";
  line += t.level;
  line += R"(","ts":")" + logs::format_time(ts) + R"(","logger":")" + t.logger +
          R"(","caller":"node/wakunode2.go:)" + std::to_string(100 + random.below(900)) + R"(","msg":")" + t.msg + '"';
  if (t.peer) line += R"(,"peerID":")" + peers[random.below(peers.size())] + '"';
  line += R"(,"pubsubTopic":"/waku/2/rs/1/)" + std::to_string(random.below(8)) + R"(","hash":"0x)";
  for (int i = 0; i < 16; ++i) line += "0123456789abcdef"[random.below(16)];
  line += "\"}";
  return line;
}

std::string access_line(Random& random, std::int64_t ts) {
  const time_t seconds = static_cast<time_t>(ts / 1'000'000'000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char prefix[32];
  std::strftime(prefix, sizeof prefix, "%Y/%m/%d %H:%M:%S", &utc);
  return std::string(prefix) + " \"POST http://127.0.0.1:8645/relay/v1/auto/messages HTTP/1.1\" from 127.0.0.1:" +
         std::to_string(40000 + random.below(20000)) + " - 200 2B in " + std::to_string(random.below(900)) + "µs";
}

// Writes one node's lines as s6-log leaves them: @ archives of kFileBytes, then current.
void write_node(const std::string& dir, Random& random, const std::vector<std::string>& peers, std::size_t lines) {
  fs::create_directories(dir);
  std::string text;
  int archive = 0;
  auto flush = [&](const std::string& name) {
    std::FILE* file = std::fopen((dir + "/" + name).c_str(), "wb");
    std::fwrite(text.data(), 1, text.size(), file);
    std::fclose(file);
    text.clear();
  };
  for (std::size_t i = 0; i < lines; ++i) {
    const std::int64_t ts = kStartNs + static_cast<std::int64_t>(i) * (kSpanNs / static_cast<std::int64_t>(lines));
    text += random.below(100) < 15 ? access_line(random, ts) : json_line(random, peers, ts);
    text += '\n';
    if (text.size() >= kFileBytes) {
      char name[40];
      std::snprintf(name, sizeof name, "@400000006%015x.s", ++archive);
      flush(name);
    }
  }
  flush("current");
}

struct Dataset {
  std::string root;
  std::vector<std::string> peers;
  std::uint64_t raw_bytes = 0;
};

// `write` false: only recomputes what a previous run generated (the data is deterministic).
Dataset generate(const std::string& root, int nodes, std::size_t lines_per_node, bool write = true) {
  Random random;
  Dataset data{root, make_peers(random), 0};
  if (write) {
    for (int n = 0; n < nodes; ++n) {
      write_node(root + "/nodes/node-" + std::to_string(n) + "/logs", random, data.peers, lines_per_node);
    }
  }
  for (const auto& entry : fs::recursive_directory_iterator(root + "/nodes")) {
    if (entry.is_regular_file()) data.raw_bytes += entry.file_size();
  }
  return data;
}

std::string make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "wf-logs-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

void remove_index(const std::string& root) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(logs::index_path(root) + suffix);
}

std::size_t ingest(const std::string& root) {
  logs::CollectorOptions options;
  options.fleet_root = root;
  auto collector = logs::Collector::open(options);
  if (!collector) throw std::runtime_error(collector.error().message);
  auto stats = (*collector)->poll_once();
  if (!stats) throw std::runtime_error(stats.error().message);
  return stats->lines;
}

// The state shared by the benchmarks: built in main before they run.
struct World {
  std::string big;    // 1M lines, indexed
  std::string small;  // 2 nodes × 50k lines, for the ingest benchmark
  Dataset big_data;
  std::string peer;   // a peer id that node-3 logs about
};
World world;

logs::LogQuery peer_query() {
  logs::LogQuery query;
  query.node = "node-3";
  query.grep = world.peer;
  query.since = logs::from_ns(kStartNs + kSpanNs - 3600LL * 1'000'000'000);  // the last hour
  return query;
}

logs::LogQuery word_query() {
  logs::LogQuery query = peer_query();
  query.grep = "dial";  // about 8% of all lines
  return query;
}

logs::LogQuery rare_everywhere_query() {
  logs::LogQuery query;
  query.grep = world.peer;  // ~0.1% of the lines, over the whole index
  return query;
}

logs::LogQuery common_everywhere_query() {
  logs::LogQuery query;
  query.grep = "dial";
  return query;
}

logs::LogQuery absent_level_query() {
  logs::LogQuery query;
  query.node = "node-3";
  query.min_level = logs::Level::Fatal;  // no fatal line at all: every line of node-3 is looked at
  return query;
}

// What the CLI does: open the index, run the query, render.
std::size_t run_cli_query(const logs::LogQuery& query) {
  auto index = logs::Index::open_for_reading(logs::index_path(world.big));
  if (!index) throw std::runtime_error(index.error().message);
  auto result = logs::run_query(**index, query);
  if (!result) throw std::runtime_error(result.error().message);
  std::size_t bytes = 0;
  for (const auto& record : result->records) bytes += logs::render_text(record).size();
  return bytes + result->records.size();
}

// grep over raw files, its output read through a pipe (GNU grep stops at the first match when
// its output is /dev/null, so that would not be the same work).
std::size_t run_grep(const std::string& pattern, const std::string& files) {
  const std::string command = "LC_ALL=C grep -F -h -- '" + pattern + "' " + files;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed");
  char buffer[1 << 16];
  std::size_t bytes = 0;
  while (std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) bytes += got;
  ::pclose(pipe);
  return bytes;
}

std::string node_files(int node) { return world.big + "/nodes/node-" + std::to_string(node) + "/logs/*"; }
std::string all_files() { return world.big + "/nodes/*/logs/*"; }

void BM_Ingest(benchmark::State& state) {
  std::size_t lines = 0;
  for (auto _ : state) {
    state.PauseTiming();
    remove_index(world.small);
    state.ResumeTiming();
    lines = ingest(world.small);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(lines * state.iterations()));
  state.counters["lines"] = static_cast<double>(lines);
}

void BM_QueryPeerNodeSince(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(run_cli_query(peer_query()));
}

void BM_QueryWordNodeSince(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(run_cli_query(word_query()));
}

void BM_QueryRareWordEverywhere(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(run_cli_query(rare_everywhere_query()));
}

void BM_QueryCommonWordEverywhere(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(run_cli_query(common_everywhere_query()));
}

void BM_QueryAbsentLevelOnNode(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(run_cli_query(absent_level_query()));
}

void BM_QueryTailNoFilter(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(run_cli_query({}));
}

void BM_GrepPeerNodeFiles(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(run_grep(world.peer, node_files(3)));
}

void BM_GrepPeerAllFiles(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(run_grep(world.peer, all_files()));
}

BENCHMARK(BM_Ingest)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_QueryPeerNodeSince)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueryWordNodeSince)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueryRareWordEverywhere)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueryCommonWordEverywhere)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueryAbsentLevelOnNode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueryTailNoFilter)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GrepPeerNodeFiles)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GrepPeerAllFiles)->Unit(benchmark::kMillisecond);

double seconds_of(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median_ms(const std::function<void()>& work, int runs = 15) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) times.push_back(seconds_of(work) * 1000);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// The kept folder, or "" for a temporary one removed at the end.
std::string kept_dir() {
  const char* dir = std::getenv("WAKUFLEET_LOGS_BENCH_DIR");
  return dir != nullptr ? dir : "";
}

void prepare_world() {
  const std::string kept = kept_dir();
  world.big = kept.empty() ? make_temp_dir() : kept + "/big";
  world.small = kept.empty() ? make_temp_dir() : kept + "/small";
  const bool reuse = !kept.empty() && fs::exists(logs::index_path(world.big));
  double generate_s = seconds_of([&] { world.big_data = generate(world.big, kNodes, kLinesPerNode, !reuse); });
  generate(world.small, 2, 50'000, !reuse);
  world.peer = world.big_data.peers[7];
  std::printf("generated %zu lines (%.0f MB of raw logs) in %.2f s\n", kNodes * kLinesPerNode,
              static_cast<double>(world.big_data.raw_bytes) / 1e6, generate_s);
  if (reuse) {
    std::printf("reusing the index in %s\n", world.big.c_str());
    return;
  }
  std::size_t lines = 0;
  const double cpu_start = cpu_seconds();
  double ingest_s = seconds_of([&] { lines = ingest(world.big); });
  const double cpu_s = cpu_seconds() - cpu_start;
  std::printf("indexed %zu lines in %.2f s (%.2f s CPU): %.0f lines/s (%.0f per CPU second); index %.0f MB\n", lines,
              ingest_s, cpu_s, static_cast<double>(lines) / ingest_s, static_cast<double>(lines) / cpu_s,
              static_cast<double>(fs::file_size(logs::index_path(world.big))) / 1e6);
}

void print_summary() {
  auto peer_records = run_cli_query(peer_query());
  const double query_ms = median_ms([] { run_cli_query(peer_query()); });
  const double word_ms = median_ms([] { run_cli_query(word_query()); });
  const double grep_node_ms = median_ms([] { run_grep(world.peer, node_files(3)); });
  const double grep_all_ms = median_ms([] { run_grep(world.peer, all_files()); });
  std::printf("\nsummary (medians of 15 runs, page cache warm)\n");
  std::printf("  logs --node node-3 --grep <peer id> --since 1h : %7.2f ms (%zu bytes out)\n", query_ms, peer_records);
  std::printf("  logs --node node-3 --grep dial --since 1h      : %7.2f ms\n", word_ms);
  std::printf("  grep <peer id> over node-3's raw files          : %7.2f ms  → index %.0f× faster\n", grep_node_ms,
              grep_node_ms / query_ms);
  std::printf("  grep <peer id> over the fleet's raw files       : %7.2f ms  → index %.0f× faster\n", grep_all_ms,
              grep_all_ms / query_ms);
}

}  // namespace

int main(int argc, char** argv) {
  prepare_world();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  print_summary();
  benchmark::Shutdown();
  if (kept_dir().empty()) {
    fs::remove_all(world.big);
    fs::remove_all(world.small);
  }
  return 0;
}
