// The fleet's EIP-1459 node list in DigitalOcean DNS: one ENR per node, with the node's reserved
// IP (its address for good: it moves with the node from droplet to droplet), signed with the
// node's key; a tree over them signed with the fleet's tree key, published in a safe order (see
// discovery/zone_update.hpp). Built with the same discovery library the local target uses.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "dns/zone.hpp"
#include "spec/fleet.hpp"
#include "util/result.hpp"
#include "waku/identity.hpp"

namespace wakufleet::providers::digitalocean {

struct TreeMember {
  std::string node;
  std::string ipv4;     // the reserved IP
  std::string key_hex;  // SECRET: the node's key, only to sign its ENR
};

// "<node> <ip> <protocols>": what the state and the plan show for a member.
std::string member_line(const spec::Node& node, const std::string& ipv4);

// TXT records (lower-case full name -> value) of the tree at sequence `seq`.
util::Result<std::map<std::string, std::string>> fleet_tree_records(const spec::Fleet& fleet,
                                                                    const std::vector<TreeMember>& members,
                                                                    const waku::PrivateKey& tree_key, std::uint64_t seq);

// Fails when a node's ENR would exceed 300 bytes (the size does not depend on the key or address).
util::Result<void> check_enr_sizes(const spec::Fleet& fleet);

// The tree's records now published in the zone (lower-case full name -> value).
std::map<std::string, std::string> published_tree(const std::vector<dns::Record>& records, const std::string& domain);

// Moves the zone from `published` to `wanted`: leaves and branches, then the root, then removals.
util::Result<void> publish_tree(dns::Zone& zone, const std::map<std::string, std::string>& published,
                                const std::map<std::string, std::string>& wanted, const std::string& domain);

// enrtree://<public key>@<domain>
util::Result<std::string> fleet_tree_url(const spec::Fleet& fleet, const waku::PrivateKey& tree_key);

}  // namespace wakufleet::providers::digitalocean
