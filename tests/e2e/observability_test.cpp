// End to end: the local fleet's Prometheus (Debian's) scraping real go-waku nodes, a second real
// Prometheus receiving remote_write as a managed service would, and the log index.
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
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
    if (!wakufleet::util::have_program("prometheus")) GTEST_SKIP() << "prometheus is not installed";
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
