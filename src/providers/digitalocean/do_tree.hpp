// The fleet's EIP-1459 node list in DigitalOcean DNS: one ENR per node with the node's reserved IP
// (its address for good: it moves with the node from droplet to droplet). The tree itself is the
// same on every target: see discovery/fleet_tree.hpp.
#pragma once

#include "discovery/fleet_tree.hpp"

namespace wakufleet::providers::digitalocean {

using discovery::fleet_tree_records;
using discovery::fleet_tree_url;
using discovery::member_line;
using discovery::publish_tree;
using discovery::published_tree;

}  // namespace wakufleet::providers::digitalocean
