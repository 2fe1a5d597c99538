#include "discovery/fleet_tree.hpp"

#include <algorithm>
#include <cctype>

#include "discovery/dns_tree.hpp"
#include "discovery/waku_enr.hpp"
#include "discovery/zone_update.hpp"
#include "util/text.hpp"

namespace wakufleet::discovery {

namespace {

// go-waku's usual ports, the same on every target.
constexpr std::uint16_t kTcpPort = 60000;
constexpr std::uint16_t kWebsocketPort = 60001;
constexpr std::uint16_t kDiscv5Port = 9000;

std::uint8_t capabilities_of(const spec::Protocols& protocols) {
  std::uint8_t bits = 0;
  if (protocols.relay) bits |= capability::relay;
  if (protocols.store) bits |= capability::store;
  if (protocols.filter) bits |= capability::filter;
  if (protocols.lightpush) bits |= capability::lightpush;
  return bits;
}

std::optional<RelayShards> relay_shards(const spec::Fleet& fleet) {
  if (fleet.waku.cluster_id == 0 && fleet.waku.shards.empty()) return std::nullopt;
  RelayShards shards{static_cast<std::uint16_t>(fleet.waku.cluster_id), {}};
  for (int shard : fleet.waku.shards.empty() ? std::vector<int>{0} : fleet.waku.shards) {
    shards.shards.push_back(static_cast<std::uint16_t>(shard));
  }
  return shards;
}

WakuEnrInput enr_input(const spec::Fleet& fleet, const spec::Node& node, const FleetTreeMember& member,
                       std::uint64_t seq) {
  WakuEnrInput input;
  input.node = node.name;
  input.key = member.key;
  input.ipv4 = member.ipv4;
  input.tcp_port = kTcpPort;
  if (fleet.discovery.discv5) input.udp_port = kDiscv5Port;
  input.capabilities = capabilities_of(node.protocols);
  input.shards = relay_shards(fleet);
  // Browsers and js-waku reach nodes over websocket by name: the node's A record.
  input.multiaddrs = {"/dns4/" + node.name + "." + fleet.domain + "/tcp/" + std::to_string(kWebsocketPort) + "/ws"};
  input.seq = seq;
  return input;
}

std::string lower(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::map<std::string, std::string> lower_names(const std::map<std::string, std::string>& records) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : records) out[lower(name)] = value;
  return out;
}

bool in_tree(const std::string& name, const std::string& domain) {
  return name == domain ||
         (name.size() > domain.size() && name.compare(name.size() - domain.size() - 1, std::string::npos, "." + domain) == 0);
}

}  // namespace

std::string tree_domain(const spec::Fleet& fleet) { return fleet.discovery.tree_subdomain + "." + fleet.domain; }

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
                                                                    const std::vector<FleetTreeMember>& members,
                                                                    const waku::PrivateKey& tree_key, std::uint64_t seq) {
  std::vector<std::string> enrs;
  for (const auto& node : fleet.nodes) {
    auto member = std::find_if(members.begin(), members.end(), [&](const FleetTreeMember& m) { return m.node == node.name; });
    if (member == members.end()) return util::fail("node " + node.name + " has no address for the DNS tree yet");
    auto record = make_waku_enr(enr_input(fleet, node, *member, seq));
    if (!record) return record.error();
    enrs.push_back(enr_text(*record));
  }
  auto tree = make_tree(enrs, fleet.discovery.tree_links, seq, tree_key);
  if (!tree) return tree.error();
  return lower_names(zone_records(*tree, tree_domain(fleet)));
}

util::Result<void> check_fleet_enr_sizes(const spec::Fleet& fleet) {
  waku::PrivateKey placeholder{};
  placeholder[31] = 1;  // any valid key: keys and signatures have fixed sizes
  for (const auto& node : fleet.nodes) {
    FleetTreeMember member{node.name, "255.255.255.255", placeholder};
    if (auto record = make_waku_enr(enr_input(fleet, node, member, 1u << 30)); !record) return record.error();
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
  for (const auto& change : order_zone_update(lower_names(published), lower_names(wanted), lower(domain))) {
    util::Result<void> done = change.kind == RecordChange::Kind::upsert
                                  ? zone.upsert(dns::Record{change.name, "TXT", 60, split_txt(change.value)})
                                  : zone.remove(change.name, "TXT");
    if (!done) return done;
  }
  return {};
}

util::Result<std::string> fleet_tree_url(const spec::Fleet& fleet, const waku::PrivateKey& tree_key) {
  auto public_key = waku::public_key_of(tree_key);
  if (!public_key) return public_key.error();
  return tree_url(*public_key, tree_domain(fleet));
}

}  // namespace wakufleet::discovery
