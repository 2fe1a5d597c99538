#include "providers/local/dns_tree.hpp"

#include <filesystem>
#include <fstream>

#include "discovery/dns_tree.hpp"
#include "discovery/waku_enr.hpp"
#include "discovery/zone_update.hpp"
#include "providers/local/dns_server.hpp"
#include "providers/local/node_service.hpp"
#include "util/text.hpp"

namespace wakufleet::providers::local {

namespace fs = std::filesystem;

namespace {

std::uint8_t capabilities_of(const spec::Protocols& protocols) {
  std::uint8_t bits = 0;
  if (protocols.relay) bits |= discovery::capability::relay;
  if (protocols.store) bits |= discovery::capability::store;
  if (protocols.filter) bits |= discovery::capability::filter;
  if (protocols.lightpush) bits |= discovery::capability::lightpush;
  return bits;
}

discovery::WakuEnrInput enr_input(const spec::Fleet& fleet, const spec::Node& node, const Layout& layout,
                                  const waku::PrivateKey& key, std::uint64_t seq) {
  discovery::WakuEnrInput input;
  input.node = node.name;
  input.key = key;
  input.ipv4 = layout.node_address(node.index);
  input.tcp_port = kTcpPort;
  input.capabilities = capabilities_of(node.protocols);
  if (fleet.waku.cluster_id != 0 || !fleet.waku.shards.empty()) {
    discovery::RelayShards shards{static_cast<std::uint16_t>(fleet.waku.cluster_id), {}};
    for (int shard : fleet.waku.shards.empty() ? std::vector<int>{0} : fleet.waku.shards) {
      shards.shards.push_back(static_cast<std::uint16_t>(shard));
    }
    input.shards = shards;
  }
  // Browsers and js-waku reach nodes over websocket; the A record makes the dns4 name work.
  input.multiaddrs = {"/dns4/" + node.name + "." + fleet.domain + "/tcp/" + std::to_string(kWebsocketPort) + "/ws"};
  input.seq = seq;
  return input;
}

util::Result<waku::PrivateKey> node_key(const Layout& layout, const std::string& node) {
  if (auto identity = ensure_identity(layout, node); !identity) return identity.error();
  std::ifstream in(layout.key_path(node));
  std::string hex;
  std::getline(in, hex);
  return waku::private_key_from_hex(hex);
}

// DNS names are case-insensitive and servers answer in their own case (knot: lower case), while
// tree labels are upper-case base32: compare names in one case, or an unchanged record would
// look like a new one plus a stale one, and the stale one's deletion would remove both.
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
  return name == domain || (name.size() > domain.size() && name.compare(name.size() - domain.size() - 1,
                                                                         std::string::npos, "." + domain) == 0);
}

}  // namespace

std::string tree_domain(const spec::Fleet& fleet) { return fleet.discovery.tree_subdomain + "." + fleet.domain; }

std::string tree_url_file(const Layout& layout) { return layout.root() + "/enrtree"; }

util::Result<waku::PrivateKey> ensure_tree_key(const std::string& state_path) {
  std::string dir = secrets_dir(state_path);
  std::error_code error;
  fs::create_directories(dir, error);
  fs::permissions(dir, fs::perms::owner_all, error);
  std::string path = dir + "/tree.key";
  if (!fs::exists(path)) {
    auto key = waku::generate_private_key();
    if (!key) return key.error();
    {
      std::ofstream out(path + ".tmp", std::ios::trunc);
      out << waku::to_hex(key->data(), key->size()) << "\n";
    }
    fs::permissions(path + ".tmp", fs::perms::owner_read | fs::perms::owner_write, error);
    fs::rename(path + ".tmp", path, error);
    if (error) return util::fail("cannot write " + path + ": " + error.message());
  }
  std::ifstream in(path);
  std::string hex;
  std::getline(in, hex);
  auto key = waku::private_key_from_hex(hex);
  if (!key) return util::fail(path + ": " + key.error().message);
  return key;
}

util::Result<std::string> tree_url_for(const std::string& state_path, const spec::Fleet& fleet) {
  auto key = ensure_tree_key(state_path);
  if (!key) return key.error();
  auto public_key = waku::public_key_of(*key);
  if (!public_key) return public_key.error();
  return discovery::tree_url(*public_key, tree_domain(fleet));
}

util::Result<void> check_enr_sizes(const spec::Fleet& fleet, const Layout& layout) {
  waku::PrivateKey placeholder{};
  placeholder[31] = 1;  // any valid key: signatures and keys have fixed sizes
  for (const auto& node : fleet.nodes) {
    auto record = discovery::make_waku_enr(enr_input(fleet, node, layout, placeholder, 1u << 30));
    if (!record) return record.error();
  }
  return {};
}

util::Result<std::map<std::string, std::string>> tree_records(const spec::Fleet& fleet, const Layout& layout,
                                                              const waku::PrivateKey& tree_key, std::uint64_t seq) {
  std::vector<std::string> enrs;
  for (const auto& node : fleet.nodes) {
    auto key = node_key(layout, node.name);
    if (!key) return key.error();
    auto record = discovery::make_waku_enr(enr_input(fleet, node, layout, *key, seq));
    if (!record) return record.error();
    enrs.push_back(discovery::enr_text(*record));
  }
  auto tree = discovery::make_tree(enrs, fleet.discovery.tree_links, seq, tree_key);
  if (!tree) return tree.error();
  return discovery::zone_records(*tree, tree_domain(fleet));
}

util::Result<std::map<std::string, std::string>> published_tree(dns::Zone& zone, const std::string& domain) {
  auto records = zone.list();
  if (!records) return records.error();
  std::map<std::string, std::string> tree;
  for (const auto& record : *records) {
    if (record.type != "TXT" || !in_tree(lower(record.name), lower(domain))) continue;
    tree[record.name] = util::join(record.values, "");
  }
  return tree;
}

util::Result<void> publish_tree(dns::Zone& zone, const std::map<std::string, std::string>& published,
                                const std::map<std::string, std::string>& wanted, const std::string& domain) {
  for (const auto& change : discovery::order_zone_update(lower_names(published), lower_names(wanted), lower(domain))) {
    util::Result<void> done =
        change.kind == discovery::RecordChange::Kind::upsert
            ? zone.upsert(dns::Record{change.name, "TXT", 60, discovery::split_txt(change.value)})
            : zone.remove(change.name, "TXT");
    if (!done) return done;
  }
  return {};
}

}  // namespace wakufleet::providers::local
