// The fleet's EIP-1459 node list, published by apply in the fleet's zone at
// <tree_subdomain>.<domain>: one signed ENR per node (built from the node's key before the node
// first starts), branches, and a root signed with the fleet's tree key. Nodes start with
// --dns-discovery-url pointing at it, so the tree is live before they start.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dns/zone.hpp"
#include "providers/local/layout.hpp"
#include "spec/fleet.hpp"
#include "util/result.hpp"
#include "waku/identity.hpp"

namespace wakufleet::providers::local {

std::string tree_domain(const spec::Fleet& fleet);

// The fleet's tree key, generated once, kept beside the state (secret, 0600).
util::Result<waku::PrivateKey> ensure_tree_key(const std::string& state_path);
util::Result<std::string> tree_url_for(const std::string& state_path, const spec::Fleet& fleet);

// The file every node's run script reads the enrtree:// URL from.
std::string tree_url_file(const Layout& layout);

// Checks that every node's ENR fits in 300 bytes (the size does not depend on the key).
util::Result<void> check_enr_sizes(const spec::Fleet& fleet, const Layout& layout);

// TXT records (full name -> value) of the tree for the fleet's nodes at sequence `seq`.
// Node keys are created if they do not exist yet.
util::Result<std::map<std::string, std::string>> tree_records(const spec::Fleet& fleet, const Layout& layout,
                                                              const waku::PrivateKey& tree_key, std::uint64_t seq);

// The tree's records as published now in the zone (full name -> value).
util::Result<std::map<std::string, std::string>> published_tree(dns::Zone& zone, const std::string& domain);

// Publishes `wanted` over `published` in a safe order: new leaves and branches, then the root,
// then removal of what nothing references any more.
util::Result<void> publish_tree(dns::Zone& zone, const std::map<std::string, std::string>& published,
                                const std::map<std::string, std::string>& wanted, const std::string& domain);

}  // namespace wakufleet::providers::local
