// The local fleet's EIP-1459 tree (see discovery/fleet_tree.hpp): node keys from the nodes' data
// folders, addresses from the fleet's loopback block, the tree key beside the state. Nodes start
// with --dns-discovery-url read from tree_url_file, so the tree is live before they start.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "dns/zone.hpp"
#include "providers/local/layout.hpp"
#include "spec/fleet.hpp"
#include "util/result.hpp"
#include "waku/identity.hpp"

namespace wakufleet::providers::local {

// The fleet's tree key, generated once, kept beside the state (secret, 0600).
util::Result<waku::PrivateKey> ensure_tree_key(const std::string& state_path);
util::Result<std::string> tree_url_for(const std::string& state_path, const spec::Fleet& fleet);

// The file every node's run script reads the enrtree:// URL from.
std::string tree_url_file(const Layout& layout);

// TXT records (full name -> value) of the tree for the fleet's nodes at sequence `seq`.
// Node keys are created if they do not exist yet.
util::Result<std::map<std::string, std::string>> tree_records(const spec::Fleet& fleet, const Layout& layout,
                                                              const waku::PrivateKey& tree_key, std::uint64_t seq);

// The tree's records as published now in the zone (full name -> value).
util::Result<std::map<std::string, std::string>> published_tree(dns::Zone& zone, const std::string& domain);

}  // namespace wakufleet::providers::local
