// The fleet's EIP-1459 tree (when [discovery] dns is on): published after every node has its
// reserved IP, with sequence number one higher than the last one published.
#include "providers/digitalocean/do_tree.hpp"
#include "providers/digitalocean/provider_impl.hpp"

namespace wakufleet::providers::digitalocean {

Result<ResourceState> DigitalOceanProvider::put_tree(const Resource& desired, const ResourceState* prior) {
  auto tree_key = ensure_tree_key(context_.state_path);
  if (!tree_key) return tree_key.error();
  const Facts known_facts = facts();
  std::vector<discovery::FleetTreeMember> members;
  json lines = json::array();
  for (const auto& node : fleet_.nodes) {
    auto ip = known_facts.reserved_ips.find(node.name);
    if (ip == known_facts.reserved_ips.end()) return util::fail("node " + node.name + " has no reserved IP yet");
    auto key_hex = ensure_node_key(context_.state_path, node.name);
    if (!key_hex) return key_hex.error();
    auto key = waku::private_key_from_hex(*key_hex);
    if (!key) return util::fail("node " + node.name + ": its key is not a secp256k1 key");
    members.push_back({node.name, ip->second, *key});
    lines.push_back(member_line(node, ip->second));
  }
  std::uint64_t seq = (prior ? prior->attributes.value("seq", 0ull) : 0ull) + 1;
  auto wanted = fleet_tree_records(fleet_, members, *tree_key, seq);
  if (!wanted) return wanted.error();
  auto zone_now = fresh_zone();
  auto records = zone_now->prime();
  if (!records) return records.error();
  const std::string domain = tree_domain(fleet_);
  if (auto published = publish_tree(*zone_now, published_tree(*records, domain), *wanted, domain); !published) {
    return published.error();
  }
  auto url = fleet_tree_url(fleet_, *tree_key);
  if (!url) return url.error();
  ResourceState state = state_of(desired, {{"seq", seq}, {"url", *url}});
  state.attributes["members"] = lines;
  return state;
}

Result<void> DigitalOceanProvider::destroy_tree() {
  auto zone_now = fresh_zone();
  auto records = zone_now->prime();
  if (!records) return records.error();
  const std::string domain = tree_domain(fleet_);
  return publish_tree(*zone_now, published_tree(*records, domain), {}, domain);
}

}  // namespace wakufleet::providers::digitalocean
