// The fleet's cloud firewall, derived from the spec: libp2p TCP and websocket open to the world
// (and discv5's UDP port when discv5 is on), SSH only from the admin CIDRs, metrics and REST only
// from the fleet's VPC, everything outbound. Rules are kept in the state as one line each
// ("tcp 60000 from 0.0.0.0/0 ::/0", "udp all to 0.0.0.0/0 ::/0"), which is what a plan shows and what a refresh compares.
#pragma once

#include <string>
#include <vector>

#include "providers/digitalocean/names.hpp"
#include "providers/digitalocean/types.hpp"
#include "spec/fleet.hpp"

namespace wakufleet::providers::digitalocean {

struct FirewallLines {
  std::vector<std::string> inbound;
  std::vector<std::string> outbound;
};

// `vpc_range` may be kKnownAfterApply when DigitalOcean has yet to choose the VPC's range.
FirewallLines firewall_lines(const spec::Fleet& fleet, const std::string& vpc_range);

// One line per rule, sorted, for comparing what DigitalOcean has with what the spec wants.
std::vector<std::string> rule_lines(const std::vector<FirewallRule>& rules, bool inbound);
std::vector<FirewallRule> rules_from_lines(const std::vector<std::string>& lines);

}  // namespace wakufleet::providers::digitalocean
