// Builds fleets and states for engine tests without going through fleet.toml.
#pragma once

#include <string>

#include "spec/fleet.hpp"
#include "state/state.hpp"

namespace wakufleet::test {

inline spec::Fleet fleet_of(int nodes, const std::string& name = "test") {
  spec::Fleet fleet;
  fleet.name = name;
  fleet.domain = name + ".waku.test";
  for (int i = 0; i < nodes; ++i) {
    spec::Node node;
    node.name = "node-" + std::to_string(i);
    node.group = "node";
    node.index = i;
    fleet.nodes.push_back(node);
  }
  return fleet;
}

}  // namespace wakufleet::test
