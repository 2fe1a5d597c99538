// go-waku's command line for a node of the fleet: one place that knows go-waku's flags, shared
// by every target (the local run script, and the systemd unit on a droplet).
#pragma once

#include <string>
#include <vector>

#include "spec/fleet.hpp"

namespace wakufleet::waku {

struct NodeNetwork {
  std::string listen_address;  // where the libp2p ports listen (the node's own address)
  std::string public_address;  // what others dial (the same locally; the reserved IP on a droplet)
  std::string dns_name;        // <node>.<domain>, for the ENR's dns4 multiaddr (may be empty)
  // Where metrics and the REST admin API listen. Empty: no flag, go-waku reads
  // WAKUNODE2_METRICS_SERVER_ADDRESS and WAKUNODE2_REST_ADDRESS from its environment (a droplet
  // learns its private address only once it runs).
  std::string admin_address;
  // go-waku drops peers beyond 5 from one IP address. Local nodes dial out from 127.0.0.1
  // (LIBP2P_TCP_REUSEPORT=false, docs/go-waku-notes.md), so there the limit is lifted.
  bool limit_peers_per_ip = true;
};

struct NodePaths {
  std::string store_db;  // sqlite file of the store
};

// The shard topics every relay node subscribes to: /waku/2/rs/<cluster>/<shard>.
std::vector<std::string> pubsub_topics(const spec::Fleet& fleet);

// Flags for go-waku v0.10.0, without the node key (it comes from the environment, never argv:
// argv is world-readable in /proc) and without static peers (they change as the fleet scales
// and must not force a restart; the run script reads them from a file at each start).
std::vector<std::string> node_flags(const spec::Fleet& fleet, const spec::Node& node, const NodeNetwork& network,
                                    const NodePaths& paths);

std::string tcp_multiaddr(const std::string& address, const std::string& peer_id);

}  // namespace wakufleet::waku
