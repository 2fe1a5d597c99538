// Valid specs: defaults, expansion of nodes, and every section landing in the model.
#include <gtest/gtest.h>

#include <random>

#include "spec/parse.hpp"
#include "spec_test_util.hpp"

namespace wakufleet::spec {
namespace {

using testing::kFleet;
using testing::parse;
using testing::toml;

// Parses a spec that must be valid; a failure shows the diagnostics.
Fleet valid(const std::string& text) {
  ParseResult result = parse(text);
  EXPECT_TRUE(result.ok()) << render_all(result.diagnostics, text);
  return result.fleet;
}

std::vector<std::string> node_names(const Fleet& fleet) {
  std::vector<std::string> names;
  for (const auto& node : fleet.nodes) names.push_back(node.name);
  return names;
}

Protocols only(bool relay, bool store, bool filter, bool lightpush, bool peer_exchange) {
  return Protocols{relay, store, filter, lightpush, peer_exchange};
}

TEST(Protocols, NamesMapBothWays) {
  const auto& names = protocol_names();
  ASSERT_EQ(names.size(), 5u);
  EXPECT_EQ(names[4].first, "peer-exchange");
  EXPECT_EQ(names[4].second, Protocol::PeerExchange);
  for (const auto& [name, protocol] : names) EXPECT_EQ(to_string(protocol), name);
  EXPECT_EQ(to_string(Protocol::Lightpush), "lightpush");
}

TEST(PinnedVersions, AreTheOnesThisBuildRuns) { EXPECT_EQ(pinned_waku_versions(), std::vector<std::string>{"0.10.0"}); }

TEST(Parse, MinimalSpecGetsTheDocumentedDefaults) {
  Fleet fleet = valid(kFleet);
  EXPECT_EQ(fleet.name, "demo");
  EXPECT_EQ(fleet.domain, "demo.waku.test");
  EXPECT_EQ(fleet.source_path, "fleet.toml");
  EXPECT_EQ(fleet.target.kind, TargetKind::Local);
  EXPECT_EQ(fleet.target.local.subnet, std::nullopt);
  EXPECT_EQ(fleet.target.local.data_dir, ".wakufleet");
  EXPECT_EQ(fleet.target.local.ready_timeout_seconds, 60);
  EXPECT_EQ(fleet.target.digitalocean.region, "ams3");
  EXPECT_EQ(fleet.waku.version, "0.10.0");
  EXPECT_EQ(fleet.waku.cluster_id, 0);
  EXPECT_TRUE(fleet.waku.shards.empty());
  EXPECT_EQ(fleet.waku.log_level, "info");
  EXPECT_EQ(fleet.waku.max_connections, 50);
  EXPECT_TRUE(fleet.discovery.static_peers);
  EXPECT_FALSE(fleet.discovery.dns);
  EXPECT_EQ(fleet.discovery.tree_subdomain, "nodes");
  EXPECT_FALSE(fleet.discovery.discv5);
  EXPECT_FALSE(fleet.discovery.peer_exchange);
  EXPECT_TRUE(fleet.observability.prometheus);
  EXPECT_EQ(fleet.observability.prometheus_retention, "7d");
  EXPECT_EQ(fleet.observability.remote_write, std::nullopt);
  EXPECT_TRUE(fleet.observability.logs);
  EXPECT_EQ(fleet.observability.log_retention, "7d");
  EXPECT_EQ(fleet.observability.datadog_site, "datadoghq.com");
}

TEST(Parse, FleetNodesIsOneGroupNamedNode) {
  Fleet fleet = valid(kFleet);
  ASSERT_EQ(fleet.nodes.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const Node& node = fleet.nodes[static_cast<std::size_t>(i)];
    EXPECT_EQ(node.name, "node-" + std::to_string(i));
    EXPECT_EQ(node.group, "node");
    EXPECT_EQ(node.index, i);
    EXPECT_EQ(node.protocols, only(true, false, false, false, false));  // [waku].protocols defaults to relay
    EXPECT_EQ(node.store_retention, "48h");
  }
}

TEST(Parse, GroupsExpandInFileOrderWithFleetWideIndexes) {
  Fleet fleet = valid(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"

[[group]]
name = "store"
count = 2

[[group]]
name = "edge"
names = ["alpha", "beta"]

[[group]]
name = "boot"
count = 1
)"));
  EXPECT_EQ(node_names(fleet), (std::vector<std::string>{"store-0", "store-1", "alpha", "beta", "boot-0"}));
  for (std::size_t i = 0; i < fleet.nodes.size(); ++i) EXPECT_EQ(fleet.nodes[i].index, static_cast<int>(i));
  EXPECT_EQ(fleet.nodes[2].group, "edge");
  EXPECT_EQ(fleet.nodes[4].group, "boot");
}

TEST(Parse, GroupOverridesWakuProtocolsAndRetention) {
  Fleet fleet = valid(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"

[waku]
protocols = ["relay", "filter", "lightpush", "peer-exchange"]
store_retention = "12h"

[[group]]
name = "relay"
count = 1

[[group]]
name = "archive"
count = 1
protocols = ["store"]
store_retention = "30m"
)"));
  ASSERT_EQ(fleet.nodes.size(), 2u);
  EXPECT_EQ(fleet.nodes[0].protocols, only(true, false, true, true, true));
  EXPECT_EQ(fleet.nodes[0].store_retention, "12h");
  // Store without relay is a valid (if unusual) node: it serves history only.
  EXPECT_EQ(fleet.nodes[1].protocols, only(false, true, false, false, false));
  EXPECT_EQ(fleet.nodes[1].store_retention, "30m");
}

TEST(Parse, StoreRetentionIsWrittenSoGoWakuAcceptsIt) {
  // go-waku parses it with Go's time.ParseDuration, which knows neither days nor weeks.
  auto retention = [](const std::string& value) {
    Fleet fleet = valid(kFleet + "[waku]\nstore_retention = \"" + value + "\"\n");
    return fleet.nodes.empty() ? std::string() : fleet.nodes[0].store_retention;
  };
  EXPECT_EQ(retention("48h"), "48h");
  EXPECT_EQ(retention("7d"), "168h");
  EXPECT_EQ(retention("1w"), "168h");
  EXPECT_EQ(retention("90m"), "1h30m");
  EXPECT_EQ(retention("45s"), "45s");
  EXPECT_EQ(retention("1h0m5s"), "1h5s");
}

TEST(Parse, ClusterWithoutShardsDefaultsToShardZero) {
  EXPECT_EQ(valid(kFleet + "[waku]\ncluster_id = 1\n").waku.shards, std::vector<int>{0});
  EXPECT_EQ(valid(kFleet + "[waku]\ncluster_id = 16\nshards = [32, 3]\n").waku.shards, (std::vector<int>{32, 3}));
  EXPECT_TRUE(valid(kFleet + "[waku]\ncluster_id = 0\n").waku.shards.empty());
}

TEST(Parse, WakuSection) {
  Fleet fleet = valid(kFleet + toml(R"(
[waku]
version = "0.10.0"
protocols = ["relay", "store", "filter", "lightpush", "peer-exchange"]
cluster_id = 65535
shards = [0, 1023]
log_level = "debug"
max_connections = 1000
)"));
  EXPECT_EQ(fleet.waku.cluster_id, 65535);
  EXPECT_EQ(fleet.waku.shards, (std::vector<int>{0, 1023}));
  EXPECT_EQ(fleet.waku.log_level, "debug");
  EXPECT_EQ(fleet.waku.max_connections, 1000);
  EXPECT_EQ(fleet.nodes[0].protocols, only(true, true, true, true, true));
}

TEST(Parse, LocalTarget) {
  Fleet fleet = valid(kFleet + toml(R"(
[target]
kind = "local"

[target.local]
subnet = "127.42.7.0/24"
data_dir = "state/here"
ready_timeout = "2m"
)"));
  EXPECT_EQ(fleet.target.kind, TargetKind::Local);
  EXPECT_EQ(fleet.target.local.subnet, "127.42.7.0/24");
  EXPECT_EQ(fleet.target.local.data_dir, "state/here");  // stays relative; resolved by the caller
  EXPECT_EQ(fleet.target.local.ready_timeout_seconds, 120);
}

TEST(Parse, DigitalOceanTarget) {
  Fleet fleet = valid(kFleet + toml(R"(
[target]
kind = "digitalocean"

[target.digitalocean]
region = "nyc3"
size = "s-2vcpu-4gb"
image = "debian-12-x64"
volume_size_gb = 16384
ssh_keys = ["3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa", "512190"]
admin_cidrs = ["203.0.113.0/24", "198.51.100.7/32", "2001:db8::/32"]
vpc_ip_range = "10.10.0.0/24"
droplets_per_request = 1

[discovery]
dns = true
)"));
  const DigitalOceanTarget& ocean = fleet.target.digitalocean;
  EXPECT_EQ(fleet.target.kind, TargetKind::DigitalOcean);
  EXPECT_EQ(ocean.region, "nyc3");
  EXPECT_EQ(ocean.size, "s-2vcpu-4gb");
  EXPECT_EQ(ocean.image, "debian-12-x64");
  EXPECT_EQ(ocean.volume_size_gb, 16384);
  EXPECT_EQ(ocean.ssh_keys.size(), 2u);
  EXPECT_EQ(ocean.admin_cidrs, (std::vector<std::string>{"203.0.113.0/24", "198.51.100.7/32", "2001:db8::/32"}));
  EXPECT_EQ(ocean.vpc_ip_range, "10.10.0.0/24");
  EXPECT_EQ(ocean.droplets_per_request, 1);
  EXPECT_EQ(DigitalOceanTarget{}.droplets_per_request, 10);
}

TEST(Parse, DiscoverySection) {
  Fleet fleet = valid(kFleet + toml(R"(
[waku]
protocols = ["relay", "peer-exchange"]

[discovery]
static_peers = false
dns = true
tree_subdomain = "enr.tree"
discv5 = true
peer_exchange = true
)"));
  EXPECT_FALSE(fleet.discovery.static_peers);
  EXPECT_TRUE(fleet.discovery.dns);
  EXPECT_EQ(fleet.discovery.tree_subdomain, "enr.tree");
  EXPECT_TRUE(fleet.discovery.discv5);
  EXPECT_TRUE(fleet.discovery.peer_exchange);
}

TEST(Parse, ObservabilitySection) {
  Fleet fleet = valid(kFleet + toml(R"(
[observability]
prometheus = false
prometheus_retention = "30d"
logs = false
log_retention = "2w"
datadog_site = "datadoghq.eu"

[observability.remote_write]
url = "https://prometheus.example.com/api/v1/write"
username = "fleet"
password_env = "REMOTE_WRITE_PASSWORD"
)"));
  const Observability& observability = fleet.observability;
  EXPECT_FALSE(observability.prometheus);
  EXPECT_EQ(observability.prometheus_retention, "30d");
  EXPECT_FALSE(observability.logs);
  EXPECT_EQ(observability.log_retention, "2w");
  EXPECT_EQ(observability.datadog_site, "datadoghq.eu");
  ASSERT_TRUE(observability.remote_write.has_value());
  EXPECT_EQ(observability.remote_write->url, "https://prometheus.example.com/api/v1/write");
  EXPECT_EQ(observability.remote_write->username, "fleet");
  EXPECT_EQ(observability.remote_write->password_env, "REMOTE_WRITE_PASSWORD");
}

TEST(Parse, AcceptsEveryTomlSpellingOfTheSameSpec) {
  Fleet fleet = valid(toml(R"(
fleet = { name = "demo", domain = "demo.waku.test" }
group = [{ name = "relay", count = 2 }]
target.kind = "local"
waku.cluster_id = 2
)"));
  EXPECT_EQ(node_names(fleet), (std::vector<std::string>{"relay-0", "relay-1"}));
  EXPECT_EQ(fleet.waku.shards, std::vector<int>{0});
}

TEST(Parse, AcceptsCrlfLineEndingsAByteOrderMarkAndUnicodeComments) {
  Fleet fleet = valid("\xEF\xBB\xBF# fl\xC3\xA8te \xE2\x9C\x93\r\n[fleet]\r\nname = \"demo\"\r\ndomain = \"d.test\"\r\nnodes = 1\r\n");
  EXPECT_EQ(node_names(fleet), std::vector<std::string>{"node-0"});
}

TEST(Parse, ATrailingDotInTheDomainIsAccepted) { EXPECT_EQ(valid(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test."
nodes = 1
)")).domain, "demo.waku.test."); }

TEST(Parse, AcceptsTheLargestFleet) {
  Fleet fleet = valid(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"

[[group]]
name = "a"
count = 999

[[group]]
name = "b"
names = ["last"]
)"));
  ASSERT_EQ(fleet.nodes.size(), 1000u);
  EXPECT_EQ(fleet.nodes[998].name, "a-998");
  EXPECT_EQ(fleet.nodes[999].name, "last");
  EXPECT_EQ(fleet.nodes[999].index, 999);
}

TEST(Parse, NeverThrowsOnMangledInput) {
  // Deterministic byte mutations of a full spec: whatever they produce, the parser must answer
  // with diagnostics (or a fleet), never an exception.
  std::string spec = kFleet + toml(R"(
[[group]]
name = "relay"
count = 2
[waku]
shards = [0, 1]
[target.local]
subnet = "127.1.2.0/24"
[observability.remote_write]
url = "https://x.test"
)");
  std::mt19937 random(42);
  for (int round = 0; round < 3000; ++round) {
    std::string text = spec;
    int edits = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < edits; ++i) text[random() % text.size()] = static_cast<char>(random() % 256);
    EXPECT_NO_THROW({
      ParseResult result = parse(text);
      (void)render_all(result.diagnostics, text);
    }) << text;
  }
}

}  // namespace
}  // namespace wakufleet::spec
