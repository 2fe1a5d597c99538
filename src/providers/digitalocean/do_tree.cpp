#include "providers/digitalocean/do_tree.hpp"

#include <algorithm>

#include "discovery/dns_tree.hpp"
#include "discovery/waku_enr.hpp"
#include "discovery/zone_update.hpp"
#include "providers/digitalocean/names.hpp"
#include "util/text.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

std::uint8_t capabilities_of(const spec::Protocols& protocols) {
  std::uint8_t bits = 0;
  if (protocols.relay) bits |= discovery::capability::relay;
  if (protocols.store) bits |= discovery::capability::store;
  if (protocols.filter) bits |= discovery::capability::filter;
  if (protocols.lightpush) bits |= discovery::capability::lightpush;
  return bits;
}

std::optional<discovery::RelayShards> relay_shards(const spec::Fleet& fleet) {
  if (fleet.waku.cluster_id == 0 && fleet.waku.shards.empty()) return std::nullopt;
  discovery::RelayShards shards{static_cast<std::uint16_t>(fleet.waku.cluster_id), {}};
  for (int shard : fleet.waku.shards.empty() ? std::vector<int>{0} : fleet.waku.shards) {
    shards.shards.push_back(static_cast<std::uint16_t>(shard));
  }
  return shards;
}

util::Result<discovery::WakuEnrInput> enr_input(const spec::Fleet& fleet, const spec::Node& node,
                                                const TreeMember& member, std::uint64_t seq) {
  auto key = waku::private_key_from_hex(member.key_hex);
  if (!key) return util::fail("node " + node.name + ": its key is not a secp256k1 key");
  discovery::WakuEnrInput input;
  input.node = node.name;
  input.key = *key;
  input.ipv4 = member.ipv4;
  input.tcp_port = kTcpPort;
  if (fleet.discovery.discv5) input.udp_port = kDiscv5Port;
  input.capabilities = capabilities_of(node.protocols);
  input.shards = relay_shards(fleet);
  // Browsers and js-waku reach nodes over websocket by name: the node's A record.
  input.multiaddrs = {"/dns4/" + node_fqdn(fleet, node.name) + "/tcp/" + std::to_string(kWebsocketPort) + "/ws"};
  input.seq = seq;
  return input;
}

std::string lower(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

bool in_tree(const std::string& name, const std::string& domain) {
  return name == domain ||
         (name.size() > domain.size() && name.compare(name.size() - domain.size() - 1, std::string::npos, "." + domain) == 0);
}

}  // namespace

std::string member_line(const spec::Node& node, const std::string& ipv4) {
  std::vector<std::string> protocols;
  for (const auto& [name, protocol] : spec::protocol_names()) {
    bool on = (protocol == spec::Protocol::Relay && node.protocols.relay) ||
              (protocol == spec::Protocol::Store && node.protocols.store) ||
              (protocol == spec::Protocol::Filter && node.protocols.filter) ||
              (protocol == spec::Protocol::Lightpush && node.protocols.lightpush);
    if (on) protocols.push_back(name);
  }
  return node.name + " " + ipv4 + " " + util::join(protocols, ",");
}

util::Result<std::map<std::string, std::string>> fleet_tree_records(const spec::Fleet& fleet,
                                                                    const std::vector<TreeMember>& members,
                                                                    const waku::PrivateKey& tree_key, std::uint64_t seq) {
  std::vector<std::string> enrs;
  for (const auto& node : fleet.nodes) {
    auto member = std::find_if(members.begin(), members.end(), [&](const TreeMember& m) { return m.node == node.name; });
    if (member == members.end()) return util::fail("node " + node.name + " has no reserved IP yet for the DNS tree");
    auto input = enr_input(fleet, node, *member, seq);
    if (!input) return input.error();
    auto record = discovery::make_waku_enr(*input);
    if (!record) return record.error();
    enrs.push_back(discovery::enr_text(*record));
  }
  auto tree = discovery::make_tree(enrs, fleet.discovery.tree_links, seq, tree_key);
  if (!tree) return tree.error();
  std::map<std::string, std::string> records;
  for (const auto& [name, value] : discovery::zone_records(*tree, tree_domain(fleet))) records[lower(name)] = value;
  return records;
}

util::Result<void> check_enr_sizes(const spec::Fleet& fleet) {
  waku::PrivateKey placeholder{};
  placeholder[31] = 1;
  for (const auto& node : fleet.nodes) {
    TreeMember member{node.name, "255.255.255.255", waku::to_hex(placeholder.data(), placeholder.size())};
    auto input = enr_input(fleet, node, member, 1u << 30);
    if (!input) return input.error();
    if (auto record = discovery::make_waku_enr(*input); !record) return record.error();
  }
  return {};
}

std::map<std::string, std::string> published_tree(const std::vector<dns::Record>& records, const std::string& domain) {
  std::map<std::string, std::string> tree;
  for (const auto& record : records) {
    if (record.type != "TXT" || !in_tree(lower(record.name), lower(domain))) continue;
    tree[lower(record.name)] = util::join(record.values, "");
  }
  return tree;
}

util::Result<void> publish_tree(dns::Zone& zone, const std::map<std::string, std::string>& published,
                                const std::map<std::string, std::string>& wanted, const std::string& domain) {
  for (const auto& change : discovery::order_zone_update(published, wanted, lower(domain))) {
    util::Result<void> done = change.kind == discovery::RecordChange::Kind::upsert
                                  ? zone.upsert(dns::Record{change.name, "TXT", 60, {change.value}})
                                  : zone.remove(change.name, "TXT");
    if (!done) return done;
  }
  return {};
}

util::Result<std::string> fleet_tree_url(const spec::Fleet& fleet, const waku::PrivateKey& tree_key) {
  auto public_key = waku::public_key_of(tree_key);
  if (!public_key) return public_key.error();
  return discovery::tree_url(*public_key, tree_domain(fleet));
}

}  // namespace wakufleet::providers::digitalocean
