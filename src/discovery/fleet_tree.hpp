// A fleet's EIP-1459 tree, the same for every target: one ENR per node (its address, its
// protocols, its shards, a dns4 websocket multiaddr under the fleet's domain), signed with the
// node's key; the tree over them signed with the fleet's tree key; published in a safe order.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dns/zone.hpp"
#include "spec/fleet.hpp"
#include "util/result.hpp"
#include "waku/identity.hpp"

namespace wakufleet::discovery {

struct FleetTreeMember {
  std::string node;
  std::string ipv4;       // the address other nodes and clients dial
  waku::PrivateKey key{};  // SECRET: the node's key, only to sign its ENR
};

// <tree_subdomain>.<domain>
std::string tree_domain(const spec::Fleet& fleet);

// "<node> <ip> <protocols>": what state and plans show for a member of the tree.
std::string member_line(const spec::Node& node, const std::string& ipv4);

// TXT records (lower-case full name -> value) of the tree at sequence `seq`; every node of the
// fleet must have a member.
util::Result<std::map<std::string, std::string>> fleet_tree_records(const spec::Fleet& fleet,
                                                                    const std::vector<FleetTreeMember>& members,
                                                                    const waku::PrivateKey& tree_key, std::uint64_t seq);

// Fails when a node's ENR would exceed 300 bytes (its size does not depend on the key or address).
util::Result<void> check_fleet_enr_sizes(const spec::Fleet& fleet);

// The tree's records among a zone's records (lower-case full name -> value).
std::map<std::string, std::string> published_tree(const std::vector<dns::Record>& records, const std::string& domain);

// Moves the zone from `published` to `wanted`: new leaves and branches, then the root, then the
// removal of what nothing references any more. Names compare in lower case: DNS names are
// case-insensitive and servers answer in their own case, while tree labels are upper-case base32.
util::Result<void> publish_tree(dns::Zone& zone, const std::map<std::string, std::string>& published,
                                const std::map<std::string, std::string>& wanted, const std::string& domain);

// enrtree://<public key>@<tree domain>
util::Result<std::string> fleet_tree_url(const spec::Fleet& fleet, const waku::PrivateKey& tree_key);

}  // namespace wakufleet::discovery
