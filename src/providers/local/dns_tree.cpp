#include "providers/local/dns_tree.hpp"

#include <filesystem>
#include <fstream>

#include "discovery/fleet_tree.hpp"
#include "providers/local/dns_server.hpp"
#include "providers/local/node_service.hpp"
#include "util/files.hpp"

namespace wakufleet::providers::local {

namespace fs = std::filesystem;

namespace {

util::Result<waku::PrivateKey> node_key(const Layout& layout, const std::string& node) {
  if (auto identity = ensure_identity(layout, node); !identity) return identity.error();
  std::ifstream in(layout.key_path(node));
  std::string hex;
  std::getline(in, hex);
  return waku::private_key_from_hex(hex);
}

}  // namespace

std::string tree_url_file(const Layout& layout) { return layout.root() + "/enrtree"; }

util::Result<waku::PrivateKey> ensure_tree_key(const std::string& state_path) {
  return waku::ensure_key_file(util::ensure_secrets_dir(state_path) + "/tree.key");
}

util::Result<std::string> tree_url_for(const std::string& state_path, const spec::Fleet& fleet) {
  auto key = ensure_tree_key(state_path);
  if (!key) return key.error();
  return discovery::fleet_tree_url(fleet, *key);
}

util::Result<std::map<std::string, std::string>> tree_records(const spec::Fleet& fleet, const Layout& layout,
                                                              const waku::PrivateKey& tree_key, std::uint64_t seq) {
  std::vector<discovery::FleetTreeMember> members;
  for (const auto& node : fleet.nodes) {
    auto key = node_key(layout, node.name);
    if (!key) return key.error();
    members.push_back({node.name, layout.node_address(node.index), *key});
  }
  return discovery::fleet_tree_records(fleet, members, tree_key, seq);
}

util::Result<std::map<std::string, std::string>> published_tree(dns::Zone& zone, const std::string& domain) {
  auto records = zone.list();
  if (!records) return records.error();
  return discovery::published_tree(*records, domain);
}

}  // namespace wakufleet::providers::local
