// End to end: the local fleet's Prometheus (Debian's) scraping real go-waku nodes, a second real
// Prometheus receiving remote_write as a managed service would, and the log index.
#include <gtest/gtest.h>

#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "private_network.hpp"
#include "util/http.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using wakufleet::util::ProcessResult;

class Observability_e2e : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!wakufleet::util::have_program("prometheus")) {
      // In CI scripts/deps.sh installs it: a skip there would hide a missing install step.
      if (std::getenv("CI")) FAIL() << "prometheus is not installed: scripts/deps.sh should install it";
      GTEST_SKIP() << "prometheus is not installed";
    }
    const auto& network_error = wakufleet::test::private_network_error();
    ASSERT_TRUE(network_error.empty()) << network_error;
    char pattern[] = "/tmp/wakufleet-obs-XXXXXX";
    dir_ = mkdtemp(pattern);
    spec_ = dir_ + "/fleet.toml";
  }

  void TearDown() override {
    if (dir_.empty()) return;
    run({"destroy", "-f", spec_, "--auto-approve"});
    if (receiver_pid_ > 0) ::kill(static_cast<pid_t>(receiver_pid_), SIGKILL);
    fs::remove_all(dir_);
  }

  void write_spec(int nodes, const std::string& extra = "") {
    std::ofstream(spec_) << "[fleet]\nname = \"obs\"\ndomain = \"obs.waku.test\"\nnodes = " << nodes
                         << "\n\n[target.local]\nsubnet = \"127.204.1.0/24\"\n\n"
                            "[waku]\nprotocols = [\"relay\", \"store\"]\ncluster_id = 1\nshards = [0]\n\n"
                            "[observability]\nprometheus = true\n"
                         << extra;
  }

  ProcessResult run(std::vector<std::string> args) {
    std::vector<std::string> argv = {"env", "NO_COLOR=1", WAKUFLEET_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = runner_->run(argv, 180s);
    return result.ok() ? *result : ProcessResult{-1, result.error().message};
  }

  json get(const std::string& url) {
    auto response = http_->send({"GET", url, "", {}, 3000ms});
    if (!response.ok() || response->status != 200) return json();
    return json::parse(response->body, nullptr, false);
  }

  // Polls until `done` holds for the answer of `url` (Prometheus scrapes every 5 s).
  json poll(const std::string& url, const std::function<bool(const json&)>& done, std::chrono::seconds timeout = 40s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    json answer;
    while (std::chrono::steady_clock::now() < deadline) {
      answer = get(url);
      if (!answer.is_null() && done(answer)) return answer;
      std::this_thread::sleep_for(500ms);
    }
    return answer;
  }

  static std::size_t healthy_targets(const json& targets) {
    std::size_t up = 0;
    for (const auto& target : targets["data"]["activeTargets"]) up += target.value("health", "") == "up";
    return up;
  }

  static std::set<std::string> node_labels(const json& query) {
    std::set<std::string> nodes;
    for (const auto& series : query["data"]["result"]) {
      if (series["metric"].value("fleet", "") == "obs") nodes.insert(series["metric"].value("node", ""));
    }
    return nodes;
  }

  std::unique_ptr<wakufleet::util::ProcessRunner> runner_ = wakufleet::util::make_process_runner();
  std::unique_ptr<wakufleet::util::HttpClient> http_ = wakufleet::util::make_curl_client();
  std::string dir_, spec_;
  long receiver_pid_ = 0;
  const std::string prometheus_ = "http://127.204.1.3:9090";
};

TEST_F(Observability_e2e, PrometheusScrapesEveryNodeWithFleetAndNodeLabelsAndFollowsScaling) {
  write_spec(3);
  auto applied = run({"apply", "-f", spec_, "--auto-approve"});
  ASSERT_EQ(applied.exit_code, 0) << applied.output;
  json targets = poll(prometheus_ + "/api/v1/targets", [](const json& t) { return healthy_targets(t) == 3; });
  EXPECT_EQ(healthy_targets(targets), 3u) << targets.dump();
  json peers = poll(prometheus_ + "/api/v1/query?query=waku_connected_peers",
                    [](const json& q) { return node_labels(q).size() == 3; });
  EXPECT_EQ(node_labels(peers), (std::set<std::string>{"node-0", "node-1", "node-2"})) << peers.dump();

  write_spec(4);
  applied = run({"apply", "-f", spec_, "--auto-approve"});
  ASSERT_EQ(applied.exit_code, 0) << applied.output;
  EXPECT_NE(applied.output.find("local_prometheus.obs: Modifications complete"), std::string::npos) << applied.output;
  targets = poll(prometheus_ + "/api/v1/targets", [](const json& t) { return healthy_targets(t) == 4; });
  EXPECT_EQ(healthy_targets(targets), 4u) << targets.dump();
}

TEST_F(Observability_e2e, RemoteWritePushesTheFleetsSeriesToAManagedService) {
  // The "managed service": a second, real Prometheus with its remote-write receiver on.
  std::string receiver = "127.204.9.1:9090";
  auto started = runner_->spawn_detached(
      {"prometheus", "--config.file=/dev/null", "--storage.tsdb.path=" + dir_ + "/receiver",
       "--web.listen-address=" + receiver, "--web.enable-remote-write-receiver"},
      dir_ + "/receiver.log");
  ASSERT_TRUE(started.ok());
  receiver_pid_ = *started;
  write_spec(3, "\n[observability.remote_write]\nurl = \"http://" + receiver + "/api/v1/write\"\n");
  auto applied = run({"apply", "-f", spec_, "--auto-approve"});
  ASSERT_EQ(applied.exit_code, 0) << applied.output;
  json pushed = poll("http://" + receiver + "/api/v1/query?query=waku_connected_peers",
                     [](const json& q) { return node_labels(q).size() == 3; }, 60s);
  EXPECT_EQ(node_labels(pushed), (std::set<std::string>{"node-0", "node-1", "node-2"})) << pushed.dump();
}

}  // namespace

namespace {

class Logs_e2e : public Observability_e2e {
 protected:
  // Every line of a node's log files as s6-log wrote them (rotated files and current).
  std::size_t raw_lines(const std::string& node) {
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator(dir_ + "/.wakufleet/obs/nodes/" + node + "/logs")) {
      std::string name = entry.path().filename().string();
      if (name != "current" && name[0] != '@') continue;
      std::ifstream in(entry.path());
      for (std::string line; std::getline(in, line);) ++count;
    }
    return count;
  }

  std::size_t rotated_files(const std::string& node) {
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator(dir_ + "/.wakufleet/obs/nodes/" + node + "/logs")) {
      count += entry.path().filename().string()[0] == '@';
    }
    return count;
  }

  static bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(50ms);
    }
    return true;
  }

  // A REST call makes the node write a line (go-waku's access log).
  void touch(const std::string& address) {
    (void)http_->send({"GET", "http://" + address + ":8645/debug/v1/info", "", {}, 2000ms});
  }

  std::vector<json> logs(std::vector<std::string> filters) {
    std::vector<std::string> args = {"logs", "-f", spec_, "--json", "--limit", "1000000"};
    args.insert(args.end(), filters.begin(), filters.end());
    auto shown = run(args);
    std::vector<json> records;
    for (const auto& line : wakufleet::util::split(shown.output, '\n')) {
      json record = json::parse(line, nullptr, false);
      if (record.is_object()) records.push_back(record);
    }
    return records;
  }

  json node(const std::string& name) {
    json shown = json::parse(run({"status", "-f", spec_, "--json"}).output, nullptr, false);
    for (const auto& entry : shown["nodes"]) {
      if (entry.value("name", "") == name) return entry;
    }
    return json();
  }
};

TEST_F(Logs_e2e, RestartShowsUpAndRotationLosesNothing) {
  write_spec(3);
  auto applied = run({"apply", "-f", spec_, "--auto-approve"});
  ASSERT_EQ(applied.exit_code, 0) << applied.output;
  EXPECT_EQ(logs({"--node", "node-1", "--grep", "\"Version details\""}).size(), 1u);

  // kill -9: the restarted go-waku logs its start again, and only node-1 does.
  long pid = node("node-1").value("pid", 0L);
  ASSERT_GT(pid, 0);
  ::kill(static_cast<pid_t>(pid), SIGKILL);
  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < deadline &&
         logs({"--node", "node-1", "--grep", "\"Version details\""}).size() < 2) {
    std::this_thread::sleep_for(300ms);
  }
  auto starts = logs({"--node", "node-1", "--grep", "\"Version details\""});
  ASSERT_EQ(starts.size(), 2u);
  for (const auto& record : starts) EXPECT_EQ(record.value("node", ""), "node-1");
  EXPECT_EQ(logs({"--node", "node-0", "--grep", "\"Version details\""}).size(), 1u);

  // Force s6-log to rotate node-0's log a few times, then compare: every line written is indexed
  // exactly once (the node keeps writing, so compare once both sides are quiet and equal).
  // s6-log rotates only a non-empty current, and the signal reaches it through s6-supervise: each
  // round waits for a line in current and for the rotated file (a loaded machine can be slow).
  std::string logger = dir_ + "/.wakufleet/obs/s6/node-0/log";
  const std::string current = dir_ + "/.wakufleet/obs/nodes/node-0/logs/current";
  for (int i = 0; i < 3; ++i) {
    const std::size_t before = rotated_files("node-0");
    touch("127.204.1.10");
    wait_until([&] { return fs::exists(current) && fs::file_size(current) > 0; }, 10s);
    (void)runner_->run({"s6-svc", "-a", logger}, 5s);  // SIGALRM: s6-log rotates a non-empty current
    EXPECT_TRUE(wait_until([&] { return rotated_files("node-0") > before; }, 10s)) << "rotation " << i;
  }
  std::size_t written = 0;
  std::vector<json> records;
  deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    written = raw_lines("node-0");
    records = logs({"--node", "node-0"});
    if (records.size() == written && raw_lines("node-0") == written) break;
    std::this_thread::sleep_for(500ms);
  }
  EXPECT_EQ(records.size(), written);
  EXPECT_GE(rotated_files("node-0"), 3u);
  std::set<long> ids;
  for (const auto& record : records) ids.insert(record.value("id", 0L));
  EXPECT_EQ(ids.size(), records.size()) << "a line was indexed twice";
}

TEST_F(Logs_e2e, FiltersSelectWhatTheySay) {
  write_spec(2);
  auto applied = run({"apply", "-f", spec_, "--auto-approve"});
  ASSERT_EQ(applied.exit_code, 0) << applied.output;
  std::this_thread::sleep_for(1s);
  auto all = logs({});
  ASSERT_FALSE(all.empty());
  for (const auto& record : logs({"--level", "warn"})) {
    std::string level = record.value("level", "");
    EXPECT_TRUE(level == "warn" || level == "error" || level == "fatal" || level == "dpanic" || level == "panic")
        << record.dump();
  }
  // apply's mesh check asked each node for /admin/v1/peers; the access log lines may still be
  // on their way to the index.
  auto about_peers = logs({"--grep", "peers"});
  for (auto by = std::chrono::steady_clock::now() + 10s; about_peers.empty() && std::chrono::steady_clock::now() < by;) {
    std::this_thread::sleep_for(300ms);
    about_peers = logs({"--grep", "peers"});
  }
  EXPECT_FALSE(about_peers.empty());
  EXPECT_LT(about_peers.size(), all.size());
  for (const auto& record : about_peers) {
    EXPECT_NE(record.value("line", "").find("peers"), std::string::npos) << record.dump();
  }
  // A line written a moment ago is among --since 5s, and older lines are not. Under load the
  // line can take a while to reach the index, and the window moves on meanwhile, so each try
  // writes a fresh line.
  std::this_thread::sleep_for(6s);
  bool fresh_line = false;
  std::vector<json> recent;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!fresh_line && std::chrono::steady_clock::now() < deadline) {
    touch("127.204.1.11");  // a fresh line from node-1
    std::this_thread::sleep_for(200ms);
    recent = logs({"--since", "5s"});
    for (const auto& record : recent) {
      fresh_line = fresh_line || (record.value("node", "") == "node-1" &&
                                  record.value("line", "").find("/debug/v1/info") != std::string::npos);
    }
  }
  EXPECT_TRUE(fresh_line) << "no line written a moment ago is among --since 5s";
  EXPECT_LT(recent.size(), logs({}).size());
  EXPECT_EQ(logs({"--node", "node-9"}).size(), 0u);
}

}  // namespace
