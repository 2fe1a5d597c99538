// A DigitalOcean fleet, a droplet and scratch space for the bootstrap tests.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "bootstrap/bootstrap.hpp"
#include "spec/fleet.hpp"
#include "support/temp_dir.hpp"

namespace wakufleet::bootstrap::testing {

// The EIP-778 example key: recognisable, and never a real node's.
inline const std::string kNodeKey = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";
inline const std::string kBinarySha256 = "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

inline spec::Fleet do_fleet(int nodes = 3) {
  spec::Fleet fleet;
  fleet.name = "ams";
  fleet.domain = "waku.example.com";
  fleet.target.kind = spec::TargetKind::DigitalOcean;
  fleet.target.digitalocean.region = "ams3";
  fleet.waku.cluster_id = 1;
  fleet.waku.shards = {0, 1};
  fleet.observability.datadog_site = "datadoghq.eu";
  for (int i = 0; i < nodes; ++i) {
    spec::Node node;
    node.name = (i == nodes - 1 ? "store-0" : "relay-" + std::to_string(i));
    node.group = (i == nodes - 1 ? "store" : "relay");
    node.index = i;
    node.protocols.store = (i == nodes - 1);
    node.protocols.filter = node.protocols.lightpush = node.protocols.peer_exchange = true;
    fleet.nodes.push_back(node);
  }
  return fleet;
}

inline NodeDroplet droplet_of(const spec::Fleet& fleet, const spec::Node& node) {
  NodeDroplet droplet;
  droplet.volume_name = fleet.name + "-" + node.name;
  droplet.network = droplet_network("203.0.113.10", node.name + "." + fleet.domain);
  droplet.node_key_hex = kNodeKey;
  return droplet;
}

inline Options options_with_release() {
  Options options;
  options.go_waku = {"https://releases.example.com/go-waku/0.10.0/waku", kBinarySha256};
  return options;
}

inline std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++count;
  return count;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

using TempDir = wakufleet::testing::TempDir;

}  // namespace wakufleet::bootstrap::testing
