#include <gtest/gtest.h>

#include <algorithm>

#include "waku/identity.hpp"
#include "waku/node_config.hpp"
#include "waku/rest.hpp"

namespace wakufleet::waku {
namespace {

// The EIP-778 example key. go-waku v0.10.0, started with it as --nodekey, reports this peer id
// in /debug/v1/info (checked by hand against the real binary; the e2e tests check every node).
TEST(Identity, PeerIdMatchesGoWaku) {
  auto key = private_key_from_hex("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291");
  ASSERT_TRUE(key.ok());
  auto public_key = public_key_of(*key);
  ASSERT_TRUE(public_key.ok());
  EXPECT_EQ(to_hex(public_key->data(), public_key->size()),
            "03ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138");
  EXPECT_EQ(peer_id_of(*public_key), "16Uiu2HAmSH2XVgZqYHWucap5kuPzLnt2TsNQkoppVxB5eJGvaXwm");
}

TEST(Identity, GeneratedKeysAreValidAndDifferent) {
  auto a = generate_private_key(), b = generate_private_key();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(private_key_from_hex(to_hex(a->data(), a->size())).ok());
}

TEST(Identity, BadKeysAreRefused) {
  EXPECT_FALSE(private_key_from_hex("1234").ok());
  EXPECT_FALSE(private_key_from_hex(std::string(64, 'z')).ok());
  EXPECT_FALSE(private_key_from_hex(std::string(64, '0')).ok());  // zero is not a valid scalar
}

TEST(Base58, KnownVectors) {
  const std::uint8_t hello[] = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
  EXPECT_EQ(base58btc(hello, sizeof hello), "StV1DL6CwTryKyV");
  const std::uint8_t zeros[] = {0, 0, 1};
  EXPECT_EQ(base58btc(zeros, sizeof zeros), "112");
}

spec::Fleet fleet_with_cluster(int cluster, std::vector<int> shards) {
  spec::Fleet fleet;
  fleet.name = "f";
  fleet.waku.cluster_id = cluster;
  fleet.waku.shards = std::move(shards);
  return fleet;
}

bool has(const std::vector<std::string>& flags, const std::string& flag) {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

TEST(NodeFlags, EveryListenerIsOnTheNodesOwnAddress) {
  spec::Fleet fleet = fleet_with_cluster(1, {0, 3});
  spec::Node node;
  node.name = "n";
  node.protocols.store = true;
  auto flags = node_flags(fleet, node, {"127.9.9.10", "127.9.9.10", "", "127.9.9.10", false}, {"/data/store.db"});
  for (const char* expected :
       {"--address=127.9.9.10", "--websocket-address=127.9.9.10", "--metrics-server-address=127.9.9.10",
        "--rest-address=127.9.9.10", "--ext-multiaddr=/ip4/127.9.9.10/tcp/60000", "--ip-colocation-limit=0",
        "--rest-admin=true", "--log-encoding=json", "--cluster-id=1", "--pubsub-topic=/waku/2/rs/1/0",
        "--pubsub-topic=/waku/2/rs/1/3", "--store=true", "--store-message-db-url=sqlite3:///data/store.db"}) {
    EXPECT_TRUE(has(flags, expected)) << expected;
  }
  for (const auto& flag : flags) EXPECT_EQ(flag.find("nodekey"), std::string::npos) << "the key never goes in argv";
}

// A droplet: metrics and REST come from the environment (its private address, known at boot), and
// go-waku keeps its limit of peers from one address.
TEST(NodeFlags, WithoutAnAdminAddressMetricsAndRestComeFromTheEnvironment) {
  spec::Node node;
  node.name = "n";
  auto flags = node_flags(fleet_with_cluster(1, {0}), node, {"0.0.0.0", "203.0.113.7", "n.x.test", "", true}, {"x"});
  EXPECT_TRUE(has(flags, "--address=0.0.0.0"));
  EXPECT_TRUE(has(flags, "--ext-multiaddr=/ip4/203.0.113.7/tcp/60000"));
  EXPECT_TRUE(has(flags, "--metrics-server=true"));
  EXPECT_TRUE(has(flags, "--rest=true"));
  for (const auto& flag : flags) {
    EXPECT_EQ(flag.rfind("--metrics-server-address", 0), std::string::npos) << flag;
    EXPECT_EQ(flag.rfind("--rest-address", 0), std::string::npos) << flag;
    EXPECT_EQ(flag.rfind("--ip-colocation-limit", 0), std::string::npos) << flag;
  }
}

TEST(NodeFlags, ProtocolsThatAreOffAreNotMounted) {
  spec::Node node;
  node.protocols = {true, false, false, false, false};
  auto flags = node_flags(fleet_with_cluster(0, {}), node, {"127.0.0.5", "127.0.0.5", "", "127.0.0.5", false}, {"x"});
  EXPECT_FALSE(has(flags, "--store=true"));
  EXPECT_FALSE(has(flags, "--filter=true"));
  EXPECT_TRUE(has(flags, "--pubsub-topic=/waku/2/default-waku/proto"));
}

TEST(Metrics, SumsEverySeriesOfAMetric) {
  std::string exposition =
      "# HELP waku_node_messages Number of messages\n"
      "waku_node_messages{pubsubTopic=\"/waku/2/rs/1/0\"} 3\n"
      "waku_node_messages{pubsubTopic=\"/waku/2/rs/1/1\"} 4\n"
      "waku_node_messages_total 100\n"
      "waku_connected_peers 2\n";
  EXPECT_EQ(metric_value(exposition, "waku_node_messages"), 7.0);
  EXPECT_EQ(metric_value(exposition, "waku_connected_peers"), 2.0);
  EXPECT_EQ(metric_value(exposition, "waku_missing"), std::nullopt);
}

}  // namespace
}  // namespace wakufleet::waku
