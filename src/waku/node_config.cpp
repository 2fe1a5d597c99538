#include "waku/node_config.hpp"

#include <algorithm>
#include <cctype>

namespace wakufleet::waku {

namespace {

std::string flag(const std::string& name, const std::string& value) { return "--" + name + "=" + value; }
std::string flag(const std::string& name, int value) { return flag(name, std::to_string(value)); }
std::string flag(const std::string& name, bool value) { return flag(name, std::string(value ? "true" : "false")); }

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

void add_listeners(std::vector<std::string>& flags, const NodeNetwork& network) {
  flags.push_back(flag("address", network.listen_address));
  flags.push_back(flag("tcp-port", 60000));
  flags.push_back(flag("websocket-support", true));
  flags.push_back(flag("websocket-address", network.listen_address));
  flags.push_back(flag("websocket-port", 60001));
  // Only the TCP address: go-waku also listens on every --ext-multiaddr, so announcing the
  // websocket address here would make it bind 60001 twice (a warning at every start).
  flags.push_back(flag("ext-multiaddr", "/ip4/" + network.public_address + "/tcp/60000"));
  if (!network.dns_name.empty()) flags.push_back(flag("dns4-domain-name", network.dns_name));
}

void add_protocols(std::vector<std::string>& flags, const spec::Fleet& fleet, const spec::Node& node,
                   const NodePaths& paths) {
  flags.push_back(flag("relay", node.protocols.relay));
  flags.push_back(flag("cluster-id", fleet.waku.cluster_id));
  if (node.protocols.relay) {
    for (const auto& topic : pubsub_topics(fleet)) flags.push_back(flag("pubsub-topic", topic));
  }
  if (node.protocols.store) {
    flags.push_back(flag("store", true));
    flags.push_back(flag("store-message-db-url", "sqlite3://" + paths.store_db));
    flags.push_back(flag("store-message-retention-time", node.store_retention));
  }
  if (node.protocols.filter) flags.push_back(flag("filter", true));
  if (node.protocols.lightpush) flags.push_back(flag("lightpush", true));
  if (node.protocols.peer_exchange) flags.push_back(flag("peer-exchange", true));
}

void add_operations(std::vector<std::string>& flags, const spec::Fleet& fleet, const NodeNetwork& network) {
  flags.push_back(flag("log-level", upper(fleet.waku.log_level)));
  flags.push_back(flag("log-encoding", std::string("json")));
  flags.push_back(flag("metrics-server", true));
  if (!network.admin_address.empty()) flags.push_back(flag("metrics-server-address", network.admin_address));
  flags.push_back(flag("metrics-server-port", 8008));
  flags.push_back(flag("rest", true));
  if (!network.admin_address.empty()) flags.push_back(flag("rest-address", network.admin_address));
  flags.push_back(flag("rest-port", 8645));
  flags.push_back(flag("rest-admin", true));
  flags.push_back(flag("max-connections", fleet.waku.max_connections));
  if (!network.limit_peers_per_ip) flags.push_back(flag("ip-colocation-limit", 0));
}

}  // namespace

std::vector<std::string> pubsub_topics(const spec::Fleet& fleet) {
  std::vector<std::string> topics;
  std::vector<int> shards = fleet.waku.shards;
  if (fleet.waku.cluster_id == 0 && shards.empty()) return {"/waku/2/default-waku/proto"};
  if (shards.empty()) shards = {0};
  for (int shard : shards) {
    topics.push_back("/waku/2/rs/" + std::to_string(fleet.waku.cluster_id) + "/" + std::to_string(shard));
  }
  return topics;
}

std::vector<std::string> node_flags(const spec::Fleet& fleet, const spec::Node& node, const NodeNetwork& network,
                                    const NodePaths& paths) {
  std::vector<std::string> flags;
  add_listeners(flags, network);
  add_protocols(flags, fleet, node, paths);
  add_operations(flags, fleet, network);
  return flags;
}

std::string tcp_multiaddr(const std::string& address, const std::string& peer_id) {
  return "/ip4/" + address + "/tcp/60000/p2p/" + peer_id;
}

}  // namespace wakufleet::waku
