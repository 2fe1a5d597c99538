// End to end: the local fleet's DNS (knot, port 53) and its EIP-1459 tree, read with kdig and used
// by a real go-waku node from outside the fleet. Needs root (port 53); skipped otherwise.
// Runs in a network namespace of its own (only lo), like the other e2e tests, so that nothing
// any go-waku does can leave the machine.
#include <gtest/gtest.h>

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "discovery/dns_tree.hpp"
#include "discovery/enr.hpp"
#include "discovery/waku_enr.hpp"
#include "util/http.hpp"
#include "util/process.hpp"
#include "util/text.hpp"
#include "private_network.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using wakufleet::util::ProcessResult;

// The link of EIP-1459's example zone: the fleet's tree links to another tree.
const char* kLink = "enrtree://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2@morenodes.example.org";

class DnsFleet_e2e : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "the fleet's DNS server listens on port 53: root only";
    if (!wakufleet::util::have_program("knotd") || !wakufleet::util::have_program("kdig")) {
      // In CI scripts/deps.sh installs knot: a skip there would hide a missing install step.
      if (std::getenv("CI")) FAIL() << "knot (knotd, kdig) is not installed: scripts/deps.sh should install it";
      GTEST_SKIP() << "knot (knotd, kdig) is not installed";
    }
    const auto& network_error = wakufleet::test::private_network_error();
    ASSERT_TRUE(network_error.empty()) << network_error;
    char pattern[] = "/tmp/wakufleet-dns-XXXXXX";
    dir_ = mkdtemp(pattern);
    spec_ = dir_ + "/fleet.toml";
    write_spec(3);
  }

  void TearDown() override {
    if (dir_.empty()) return;
    if (consumer_pid_ > 0) ::kill(static_cast<pid_t>(consumer_pid_), SIGKILL);
    run({"destroy", "-f", spec_, "--auto-approve"});
    fs::remove_all(dir_);
  }

  void write_spec(int nodes) {
    std::ofstream(spec_) << "[fleet]\nname = \"dnse2e\"\ndomain = \"dnse2e.waku.test\"\nnodes = " << nodes
                         << "\n\n[target.local]\nsubnet = \"127.202.1.0/24\"\n\n"
                            "[waku]\nprotocols = [\"relay\", \"store\", \"filter\", \"lightpush\"]\n"
                            "cluster_id = 1\nshards = [0]\n\n[discovery]\ndns = true\n"
                            "tree_links = [\"" << kLink << "\"]\n\n"
                            "[observability]\nprometheus = false\n";
  }

  ProcessResult run(std::vector<std::string> args) {
    std::vector<std::string> argv = {"env", "NO_COLOR=1", WAKUFLEET_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = runner_->run(argv, 180s);
    return result.ok() ? *result : ProcessResult{-1, result.error().message};
  }

  json status() {
    auto shown = run({"status", "-f", spec_, "--json"});
    return json::parse(shown.output, nullptr, false);
  }

  std::vector<std::string> dig(const std::string& name, const std::string& type) {
    auto answer = runner_->run({"kdig", "@" + dns_server_, name, type, "+short", "+timeout=2"}, 10s);
    std::vector<std::string> lines;
    if (!answer.ok()) return lines;
    for (const auto& line : wakufleet::util::split(answer->output, '\n')) {
      if (!line.empty()) lines.push_back(line);
    }
    return lines;
  }

  // One TXT record's value, its character-strings joined (kdig prints "a" "b").
  std::string txt(const std::string& name) {
    auto lines = dig(name, "TXT");
    if (lines.empty()) return "";
    std::string value;
    bool inside = false;
    for (char c : lines.front()) {
      if (c == '"') {
        inside = !inside;
      } else if (inside) {
        value += c;
      }
    }
    return value;
  }

  // Walks the tree from its root the way a client does; returns the ENR texts of the leaves.
  std::vector<std::string> walk_tree(const std::string& domain, std::set<std::string>& visited) {
    std::string root = txt(domain);
    auto parsed = wakufleet::discovery::parse_root(root);
    EXPECT_TRUE(parsed.ok()) << root;
    std::vector<std::string> enrs;
    if (!parsed.ok()) return enrs;
    std::vector<std::string> pending = {parsed->enr_root};
    while (!pending.empty()) {
      std::string label = pending.back();
      pending.pop_back();
      visited.insert(label);
      std::string entry = txt(label + "." + domain);
      if (wakufleet::util::starts_with(entry, "enrtree-branch:")) {
        for (const auto& child : wakufleet::util::split(entry.substr(15), ',')) {
          if (!child.empty()) pending.push_back(child);
        }
      } else if (wakufleet::util::starts_with(entry, "enr:")) {
        enrs.push_back(entry);
      } else {
        ADD_FAILURE() << "unexpected entry at " << label << ": " << entry;
      }
    }
    return enrs;
  }

  void apply_ok() {
    auto applied = run({"apply", "-f", spec_, "--auto-approve"});
    ASSERT_EQ(applied.exit_code, 0) << applied.output;
    json shown = status();
    ASSERT_TRUE(shown.is_object()) << "status --json did not answer JSON";
    dns_server_ = wakufleet::util::split(shown.value("dns_server", ""), ':')[0];
    enrtree_ = shown.value("enrtree", "");
    ASSERT_FALSE(dns_server_.empty());
    ASSERT_TRUE(wakufleet::util::starts_with(enrtree_, "enrtree://")) << enrtree_;
  }

  // Starts a go-waku node that is not part of the fleet and knows only the tree's URL and the
  // name server; returns the peer ids it is connected to after `wait`.
  std::set<std::string> outside_node_peers(const std::string& address, std::size_t expected) {
    std::string binary = std::string(WAKUFLEET_SOURCE_DIR) + "/.cache/go-waku/0.10.0-01bb2e1c/waku";
    auto pid = runner_->spawn_detached(
        {binary, "--address=" + address, "--relay", "--cluster-id=1", "--pubsub-topic=/waku/2/rs/1/0", "--rest",
         "--rest-address=" + address, "--rest-admin", "--metrics-server", "--metrics-server-address=" + address,
         "--ip-colocation-limit=0", "--dns-discovery", "--dns-discovery-url=" + enrtree_,
         "--dns-discovery-name-server=" + dns_server_},
        dir_ + "/outside-" + address + ".log");
    EXPECT_TRUE(pid.ok());
    consumer_pid_ = pid.ok() ? *pid : 0;
    auto http = wakufleet::util::make_curl_client();
    std::set<std::string> connected;
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline && connected.size() < expected) {
      std::this_thread::sleep_for(300ms);
      auto response = http->send({"GET", "http://" + address + ":8645/admin/v1/peers", "", {}, 2000ms});
      if (!response.ok() || response->status != 200) continue;
      json peers = json::parse(response->body, nullptr, false);
      connected.clear();
      for (const auto& peer : peers.is_array() ? peers : json::array()) {
        if (peer.value("connected", false)) connected.insert(peer.value("id", ""));
      }
    }
    ::kill(static_cast<pid_t>(consumer_pid_), SIGKILL);
    consumer_pid_ = 0;
    return connected;
  }

  std::set<std::string> fleet_peer_ids() {
    std::set<std::string> ids;
    const json shown = status();  // the loop must not run over a member of a destroyed temporary
    for (const auto& node : shown["nodes"]) ids.insert(node.value("peer_id", ""));
    return ids;
  }

  std::unique_ptr<wakufleet::util::ProcessRunner> runner_ = wakufleet::util::make_process_runner();
  std::string dir_, spec_, dns_server_, enrtree_;
  long consumer_pid_ = 0;
};

TEST_F(DnsFleet_e2e, EveryNodeHasAnAddressRecordAndTheTreeIsSignedAndComplete) {
  apply_ok();
  const json shown = status();
  for (const auto& node : shown["nodes"]) {
    auto answer = dig(node.value("name", "") + ".dnse2e.waku.test", "A");
    ASSERT_EQ(answer.size(), 1u);
    EXPECT_EQ(answer[0], node.value("address", ""));
  }
  auto url = wakufleet::discovery::parse_tree_url(enrtree_);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->domain, "nodes.dnse2e.waku.test");
  std::string root = txt(url->domain);
  std::string key = enrtree_.substr(10, enrtree_.find('@') - 10);
  EXPECT_TRUE(wakufleet::discovery::verify_root(root, key).ok()) << root;

  std::set<std::string> visited;
  auto enrs = walk_tree(url->domain, visited);
  ASSERT_EQ(enrs.size(), 3u);
  std::set<std::string> addresses;
  for (const auto& text : enrs) {
    auto record = wakufleet::discovery::parse_enr(text);
    ASSERT_TRUE(record.ok()) << text;
    auto fields = wakufleet::discovery::read_waku_fields(*record);
    ASSERT_TRUE(fields.ok());
    ASSERT_TRUE(fields->ipv4.has_value());
    addresses.insert(std::to_string((*fields->ipv4)[0]) + "." + std::to_string((*fields->ipv4)[1]) + "." +
                     std::to_string((*fields->ipv4)[2]) + "." + std::to_string((*fields->ipv4)[3]));
    EXPECT_EQ(fields->capabilities, 15);  // relay, store, filter, lightpush
  }
  EXPECT_EQ(addresses, (std::set<std::string>{"127.202.1.10", "127.202.1.11", "127.202.1.12"}));
  // The link subtree holds the linked tree's URL.
  auto parsed = wakufleet::discovery::parse_root(root);
  ASSERT_TRUE(parsed.ok());
  std::string links = txt(parsed->link_root + "." + url->domain);
  EXPECT_TRUE(links == kLink || links.find(wakufleet::discovery::entry_label(kLink)) != std::string::npos) << links;
}

TEST_F(DnsFleet_e2e, AnOutsideNodeWithOnlyTheTreeUrlConnectsToEveryFleetNode) {
  apply_ok();
  auto fleet = fleet_peer_ids();
  auto connected = outside_node_peers("127.202.9.1", fleet.size());
  for (const auto& id : fleet) EXPECT_TRUE(connected.count(id)) << id << " not found through DNS discovery";
}

TEST_F(DnsFleet_e2e, ScalingUpRepublishesWithAHigherSeqAndNoStaleRecords) {
  apply_ok();
  auto before = wakufleet::discovery::parse_root(txt("nodes.dnse2e.waku.test"));
  ASSERT_TRUE(before.ok());
  std::set<std::string> old_labels;
  walk_tree("nodes.dnse2e.waku.test", old_labels);

  write_spec(4);
  apply_ok();
  auto after = wakufleet::discovery::parse_root(txt("nodes.dnse2e.waku.test"));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->seq, before->seq + 1);
  std::set<std::string> new_labels;
  auto enrs = walk_tree("nodes.dnse2e.waku.test", new_labels);
  EXPECT_EQ(enrs.size(), 4u);
  // Records of the old tree that the new one does not use are gone.
  for (const auto& label : old_labels) {
    if (new_labels.count(label)) continue;
    EXPECT_TRUE(dig(label + ".nodes.dnse2e.waku.test", "TXT").empty()) << "stale record " << label;
  }
  auto connected = outside_node_peers("127.202.9.2", 4);
  EXPECT_EQ(connected.size(), 4u);
  for (const auto& id : fleet_peer_ids()) EXPECT_TRUE(connected.count(id)) << id;
}

TEST_F(DnsFleet_e2e, BusyDnsPortIsAClearErrorBeforeAnythingStarts) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_port = htons(53);
  inet_pton(AF_INET, "127.202.1.2", &where.sin_addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&where), sizeof where), 0);
  auto applied = run({"apply", "-f", spec_, "--auto-approve"});
  ::close(fd);
  EXPECT_EQ(applied.exit_code, 1);
  EXPECT_NE(applied.output.find("127.202.1.2:53 (DNS server)"), std::string::npos) << applied.output;
  EXPECT_NE(applied.output.find("already in use"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ + "/.wakufleet/dnse2e/s6"));
}

TEST_F(DnsFleet_e2e, WrongTsigKeyIsAClearErrorAndTheStateStaysConsistent) {
  apply_ok();
  std::string key_file = dir_ + "/fleet.state.json.secrets/tsig.key";
  std::string good_key;
  std::getline(std::ifstream(key_file), good_key);
  std::ofstream(key_file, std::ios::trunc) << "c2VjcmV0LWJ1dC13cm9uZy1rZXktZm9yLXRoZS10ZXN0Cg==\n";
  write_spec(4);
  auto applied = run({"apply", "-f", spec_, "--auto-approve"});
  EXPECT_EQ(applied.exit_code, 1);
  EXPECT_NE(applied.output.find("TSIG"), std::string::npos) << applied.output;
  // The state names only what exists: with the right key back, apply converges from there.
  std::ofstream(key_file, std::ios::trunc) << good_key << "\n";
  auto repaired = run({"apply", "-f", spec_, "--auto-approve"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.output;
  auto plan = run({"plan", "-f", spec_, "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 0) << plan.output;
  dns_server_ = "127.202.1.2";
  EXPECT_EQ(dig("node-3.dnse2e.waku.test", "A"), std::vector<std::string>{"127.202.1.13"});
}

}  // namespace
