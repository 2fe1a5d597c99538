// desired(): the resources a spec wants, with the values only DigitalOcean can tell (a reserved
// IP, the VPC's range, a droplet's IPv6) taken from the last refresh, or shown as
// "(known after apply)" until apply has made them.
#include "bootstrap/bootstrap.hpp"
#include "providers/digitalocean/do_tree.hpp"
#include "providers/digitalocean/firewall_rules.hpp"
#include "providers/digitalocean/provider_impl.hpp"
#include "providers/digitalocean/secrets.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

template <typename Map>
std::string known_or_later(const Map& map, const std::string& key) {
  auto found = map.find(key);
  return found == map.end() || found->second.empty() ? std::string(kKnownAfterApply) : found->second;
}

std::string address(const char* type, const std::string& name) { return std::string(type) + "." + name; }

}  // namespace

std::string config_of(const Resource& droplet) {
  json inputs = json::object();
  for (const auto& key : droplet.force_new) {
    const json& value = droplet.attributes.at(key);
    if (value.is_string() && !known(value.get<std::string>())) return "";
    inputs[key] = value;
  }
  return short_digest(inputs.dump());
}

Result<std::vector<Resource>> DigitalOceanProvider::desired(const spec::Fleet& fleet) {
  fleet_ = fleet;
  const Facts known_facts = facts();
  std::vector<Resource> resources = {tag_resource(), vpc_resource(), firewall_resource(known_facts)};
  std::set<std::string> droplets;
  for (const auto& node : fleet.nodes) {
    resources.push_back(volume_resource(node));
    resources.push_back(reserved_ip_resource(node));
    auto droplet = droplet_resource(node, known_facts);
    if (!droplet) return droplet.error();
    droplets.insert(droplet->address());
    std::string config = config_of(*droplet);
    resources.push_back(std::move(*droplet));
    resources.push_back(record_resource(node, known_facts, config));
  }
  if (fleet.discovery.dns) resources.push_back(tree_resource(known_facts));
  std::lock_guard lock(mutex_);
  replacing_ = std::move(droplets);
  return resources;
}

Resource DigitalOceanProvider::tag_resource() const {
  Resource resource{kTagType, fleet_.name};
  resource.attributes = {{"name", fleet_tag(fleet_)}};
  return resource;
}

Resource DigitalOceanProvider::vpc_resource() const {
  Resource resource{kVpcType, fleet_.name};
  const auto& target = fleet_.target.digitalocean;
  resource.attributes = {{"name", vpc_name(fleet_)}, {"region", target.region}};
  if (!target.vpc_ip_range.empty()) resource.attributes["ip_range"] = target.vpc_ip_range;
  resource.force_new = {"name", "region"};
  if (!target.vpc_ip_range.empty()) resource.force_new.insert("ip_range");
  return resource;
}

Resource DigitalOceanProvider::firewall_resource(const Facts& known_facts) const {
  Resource resource{kFirewallType, fleet_.name};
  std::string range = fleet_.target.digitalocean.vpc_ip_range;
  if (range.empty()) range = known(known_facts.vpc_range) ? known_facts.vpc_range : kKnownAfterApply;
  auto lines = firewall_lines(fleet_, range);
  resource.attributes = {{"name", firewall_name(fleet_)},
                         {"tags", {fleet_tag(fleet_)}},
                         {"inbound", lines.inbound},
                         {"outbound", lines.outbound}};
  resource.depends_on = {address(kTagType, fleet_.name), address(kVpcType, fleet_.name)};
  return resource;
}

Resource DigitalOceanProvider::volume_resource(const spec::Node& node) const {
  Resource resource{kVolumeType, node.name};
  const auto& target = fleet_.target.digitalocean;
  resource.attributes = {{"name", volume_name(fleet_, node.name)}, {"region", target.region},
                         {"size_gb", target.volume_size_gb}};
  resource.force_new = {"name", "region"};
  resource.depends_on = {address(kTagType, fleet_.name)};
  return resource;
}

Resource DigitalOceanProvider::reserved_ip_resource(const spec::Node& node) const {
  Resource resource{kReservedIpType, node.name};
  resource.attributes = {{"region", fleet_.target.digitalocean.region}};
  resource.force_new = {"region"};
  return resource;
}

// Everything that DigitalOcean cannot change on a running droplet forces a new one: the user data
// (node settings, key, release, address), and the image, size, region, VPC and SSH keys.
Result<Resource> DigitalOceanProvider::droplet_resource(const spec::Node& node, const Facts& known_facts) {
  const auto& target = fleet_.target.digitalocean;
  Resource resource{kDropletType, node.name};
  std::string reserved_ip = known_or_later(known_facts.reserved_ips, node.name);
  std::string digest = kKnownAfterApply;
  if (known(reserved_ip)) {
    auto user_data = node_user_data(node, reserved_ip);
    if (!user_data) return user_data.error();
    digest = bootstrap::user_data_digest(*user_data);
  }
  resource.attributes = {{"name", kKnownAfterApply},
                         {"region", target.region},
                         {"size", target.size},
                         {"image", target.image},
                         {"vpc", vpc_name(fleet_)},
                         {"ipv6", true},
                         {"ssh_keys", target.ssh_keys},
                         {"volume", volume_name(fleet_, node.name)},
                         {"reserved_ip", reserved_ip},
                         {"user_data", digest},  // never the user data itself: it holds the node key
                         {"tags", {fleet_tag(fleet_)}},
                         {"copies", 1}};
  // The reserved IP and the volume are in the user data too; as attributes they say what the
  // droplet holds now, which a refresh observes: a droplet that lacks them is updated (they move).
  resource.force_new = {"region", "size", "image", "vpc", "ipv6", "ssh_keys", "user_data"};
  if (std::string config = config_of(resource); !config.empty()) {
    resource.attributes["name"] = droplet_name(fleet_, node.name, config);
  }
  // Every node's volume and address come first, so that the first droplet to be created can
  // create the others' too, ten to a request (see create_missing_droplets).
  resource.depends_on = {address(kTagType, fleet_.name), address(kVpcType, fleet_.name),
                         address(kFirewallType, fleet_.name)};
  for (const auto& member : fleet_.nodes) {
    resource.depends_on.push_back(address(kVolumeType, member.name));
    resource.depends_on.push_back(address(kReservedIpType, member.name));
  }
  // go-waku reads the tree once, when it starts; its peer manager then keeps dialling the peers it
  // found there. A droplet that boots before the tree is published would find nobody, so the tree
  // (which needs only the reserved IPs) is published first.
  if (fleet_.discovery.dns) resource.depends_on.push_back(address(kTreeType, fleet_.name));
  resource.rollout_group = "nodes";  // replacements one node at a time
  return resource;
}

// The AAAA record follows the droplet: while the droplet is about to be replaced, its new IPv6 is
// not known yet.
Resource DigitalOceanProvider::record_resource(const spec::Node& node, const Facts& known_facts,
                                               const std::string& config) const {
  Resource resource{kRecordType, node.name};
  std::string ipv6 = kKnownAfterApply;
  auto current = known_facts.configs.find(node.name);
  auto droplet = known_facts.droplets.find(node.name);
  if (!config.empty() && current != known_facts.configs.end() && current->second == config &&
      droplet != known_facts.droplets.end() && !droplet->second.public_ipv6.empty()) {
    ipv6 = droplet->second.public_ipv6;
  }
  resource.attributes = {{"fqdn", node_fqdn(fleet_, node.name)},
                         {"a", known_or_later(known_facts.reserved_ips, node.name)},
                         {"aaaa", ipv6}};
  resource.depends_on = {address(kDropletType, node.name), address(kReservedIpType, node.name)};
  return resource;
}

Resource DigitalOceanProvider::tree_resource(const Facts& known_facts) const {
  Resource resource{kTreeType, fleet_.name};
  json members = json::array();
  for (const auto& node : fleet_.nodes) {
    members.push_back(member_line(node, known_or_later(known_facts.reserved_ips, node.name)));
    resource.depends_on.push_back(address(kReservedIpType, node.name));
  }
  resource.attributes = {{"domain", tree_domain(fleet_)},
                         {"members", members},
                         {"cluster_id", fleet_.waku.cluster_id},
                         {"shards", fleet_.waku.shards},
                         {"links", fleet_.discovery.tree_links}};
  return resource;
}

// What the node's user data is made of. SECRET (it holds the node key).
Result<bootstrap::NodeDroplet> DigitalOceanProvider::node_droplet(const spec::Node& node, const std::string& reserved_ip) {
  auto key = ensure_node_key(context_.state_path, node.name);
  if (!key) return key.error();
  bootstrap::NodeDroplet droplet;
  droplet.volume_name = volume_name(fleet_, node.name);
  droplet.network = bootstrap::droplet_network(reserved_ip, node_fqdn(fleet_, node.name));
  droplet.node_key_hex = *key;
  if (fleet_.discovery.dns) {
    auto tree_key = ensure_tree_key(context_.state_path);
    if (!tree_key) return tree_key.error();
    auto url = fleet_tree_url(fleet_, *tree_key);
    if (!url) return url.error();
    droplet.enrtree_url = *url;
  }
  return droplet;
}

bootstrap::Options DigitalOceanProvider::release() const {
  bootstrap::Options options;
  options.go_waku = {fleet_.target.digitalocean.gowaku_url, fleet_.target.digitalocean.gowaku_sha256};
  return options;
}

// The node's cloud-init user data. SECRET (it holds the node key): callers keep only its digest.
Result<std::string> DigitalOceanProvider::node_user_data(const spec::Node& node, const std::string& reserved_ip) {
  auto droplet = node_droplet(node, reserved_ip);
  if (!droplet) return droplet.error();
  auto data = bootstrap::user_data(fleet_, node, *droplet, release());
  if (!data) return util::fail("node " + node.name + ": " + data.error().message);
  return data;
}

}  // namespace wakufleet::providers::digitalocean
