// Refresh: the fleet's real resources from a handful of lists (the fleet's droplets by its tag,
// volumes by region, reserved IPs, VPCs, firewalls, the zone's records), not one GET per resource.
// It also adopts what a run that was killed before saving the state left behind: droplets under
// the fleet's tag and the reserved IPs assigned to them. read() is the one-resource fallback.
#include <algorithm>

#include "providers/digitalocean/do_tree.hpp"
#include "providers/digitalocean/do_zone.hpp"
#include "providers/digitalocean/firewall_rules.hpp"
#include "providers/digitalocean/provider_impl.hpp"
#include "util/text.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

bool recorded_type(const std::map<std::string, ResourceState>& recorded, const char* type) {
  return std::any_of(recorded.begin(), recorded.end(), [&](const auto& entry) { return entry.second.type == type; });
}

std::string address(const char* type, const std::string& name) { return std::string(type) + "." + name; }

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The configuration a droplet was made with, from its name ("" when it names none).
std::string config_of_droplet(const Droplet& droplet) { return parse_droplet_name(droplet.name).config; }

template <typename T, typename Key>
const T* find_by(const std::vector<T>& items, Key key) {
  auto found = std::find_if(items.begin(), items.end(), key);
  return found == items.end() ? nullptr : &*found;
}

// What a droplet holds of its node: the reserved IP assigned to it and the volume attached to it.
std::string reserved_ip_of(const Droplet& droplet, const Inventory& inventory) {
  const ReservedIp* ip = find_by(inventory.reserved_ips, [&](const ReservedIp& r) { return r.droplet_id == droplet.id; });
  return ip ? ip->ip : "none";
}

std::string volume_of(const Droplet& droplet, const Inventory& inventory) {
  for (const auto& id : droplet.volume_ids) {
    if (const Volume* held = find_by(inventory.volumes, [&](const Volume& v) { return v.id == id; })) return held->name;
  }
  return "none";
}

}  // namespace

Result<std::map<std::string, ResourceState>> DigitalOceanProvider::refresh(
    const std::map<std::string, ResourceState>& recorded) {
  if (auto connected = connect(); !connected) return connected.error();
  if (fleet_.name.empty()) return engine::Provider::refresh(recorded);  // no spec bound: one read each
  auto inventory = take_inventory(recorded);
  if (!inventory) return inventory.error();
  std::map<std::string, ResourceState> actual;
  for (const auto& [address_of, resource] : recorded) {
    if (auto fresh = refreshed(resource, *inventory)) actual[address_of] = std::move(*fresh);
  }
  learn_from(actual, *inventory);
  if (auto adopted = adopt_strays(actual, *inventory); !adopted) return adopted.error();
  learn_from(actual, *inventory);
  for (const auto& [address_of, resource] : actual) {
    if (resource.type == kReservedIpType) (void)journal_.finish(resource.name);  // recorded: no longer pending
  }
  return actual;
}

Result<Inventory> DigitalOceanProvider::take_inventory(const std::map<std::string, ResourceState>& recorded) {
  Inventory inventory;
  if (recorded_type(recorded, kTagType)) {
    auto tag = client_->transport().send("GET", "/v2/tags/" + util::url_encode(fleet_tag(fleet_)));
    if (!tag) return tag.error();
    inventory.tag_exists = tag->success();
  }
  if (recorded_type(recorded, kVpcType)) {
    auto vpcs = client_->list_vpcs();
    if (!vpcs) return vpcs.error();
    inventory.vpcs = std::move(*vpcs);
  }
  if (recorded_type(recorded, kFirewallType)) {
    auto firewalls = client_->list_firewalls();
    if (!firewalls) return firewalls.error();
    inventory.firewalls = std::move(*firewalls);
  }
  auto droplets = client_->list_droplets_by_tag(fleet_tag(fleet_));
  if (!droplets) return droplets.error();
  inventory.droplets = std::move(*droplets);
  if (recorded_type(recorded, kVolumeType) || !inventory.droplets.empty() || context_.destroy_volumes) {
    auto volumes = client_->list_volumes("", fleet_.target.digitalocean.region);
    if (!volumes) return volumes.error();
    inventory.volumes = std::move(*volumes);
  }
  if (recorded_type(recorded, kReservedIpType) || !inventory.droplets.empty()) {
    auto ips = client_->list_reserved_ips();
    if (!ips) return ips.error();
    inventory.reserved_ips = std::move(*ips);
  }
  if (recorded_type(recorded, kRecordType) || recorded_type(recorded, kTreeType)) {
    auto records = fresh_zone()->list();
    if (!records) return records.error();
    inventory.records = std::move(*records);
  }
  return inventory;
}

std::optional<ResourceState> DigitalOceanProvider::refreshed(const ResourceState& recorded,
                                                             const Inventory& inventory) const {
  const std::string id = text_attribute(recorded, "id");
  ResourceState fresh = recorded;
  if (recorded.type == kTagType) return inventory.tag_exists ? std::optional(fresh) : std::nullopt;
  if (recorded.type == kVpcType) {
    const Vpc* vpc = find_by(inventory.vpcs, [&](const Vpc& v) { return v.id == id; });
    if (!vpc) return std::nullopt;
    fresh.attributes["region"] = vpc->region;
    fresh.attributes["ip_range"] = vpc->ip_range;
    return fresh;
  }
  if (recorded.type == kFirewallType) {
    const Firewall* firewall = find_by(inventory.firewalls, [&](const Firewall& f) { return f.id == id; });
    if (!firewall) return std::nullopt;
    fresh.attributes["inbound"] = rule_lines(firewall->spec.inbound_rules, true);
    fresh.attributes["outbound"] = rule_lines(firewall->spec.outbound_rules, false);
    fresh.attributes["tags"] = firewall->spec.tags;
    return fresh;
  }
  if (recorded.type == kVolumeType) {
    const Volume* volume = find_by(inventory.volumes, [&](const Volume& v) { return v.id == id; });
    if (!volume) return std::nullopt;
    fresh.attributes["size_gb"] = volume->size_gigabytes;
    return fresh;
  }
  if (recorded.type == kReservedIpType) {
    const std::string ip = text_attribute(recorded, "ip");
    const ReservedIp* found = find_by(inventory.reserved_ips, [&](const ReservedIp& r) { return r.ip == ip; });
    return found ? std::optional(fresh) : std::nullopt;
  }
  if (recorded.type == kDropletType) return refreshed_droplet(recorded, inventory);
  if (recorded.type == kRecordType) return refreshed_record(recorded, inventory);
  if (recorded.type == kTreeType) {
    const std::string root = lower(tree_domain(fleet_));
    bool published = std::any_of(inventory.records.begin(), inventory.records.end(), [&](const dns::Record& r) {
      return r.type == "TXT" && lower(r.name) == root;
    });
    return published ? std::optional(fresh) : std::nullopt;
  }
  return fresh;
}

// What a droplet shows: where it runs, whether it holds the node's volume and reserved IP, how
// many droplets the node has, and (through its name) whether it is still the droplet wakufleet
// made. Anything else changed on it outside wakufleet forces a replacement.
std::optional<ResourceState> DigitalOceanProvider::refreshed_droplet(const ResourceState& recorded,
                                                                     const Inventory& inventory) const {
  const std::string id = text_attribute(recorded, "id");
  const Droplet* droplet = find_by(inventory.droplets, [&](const Droplet& d) { return std::to_string(d.id) == id; });
  if (!droplet) return std::nullopt;
  ResourceState fresh = recorded;
  fresh.attributes["name"] = droplet->name;
  fresh.attributes["region"] = droplet->region;
  fresh.attributes["size"] = droplet->size;
  if (!droplet->image.empty()) fresh.attributes["image"] = droplet->image;
  fresh.attributes["copies"] = std::count_if(inventory.droplets.begin(), inventory.droplets.end(), [&](const Droplet& d) {
    return node_of_droplet(d) == recorded.name;
  });
  const std::string config = config_of_droplet(*droplet);
  if (config != text_attribute(recorded, "config")) {
    fresh.attributes["user_data"] = "unknown: the droplet's name says configuration " + (config.empty() ? "nothing" : config);
  }
  fresh.attributes["reserved_ip"] = reserved_ip_of(*droplet, inventory);
  fresh.attributes["volume"] = volume_of(*droplet, inventory);
  fresh.attributes["status"] = droplet->status;
  fresh.attributes["public_ipv4"] = droplet->public_ipv4;
  fresh.attributes["public_ipv6"] = droplet->public_ipv6;
  return fresh;
}

std::optional<ResourceState> DigitalOceanProvider::refreshed_record(const ResourceState& recorded,
                                                                    const Inventory& inventory) const {
  const std::string fqdn = lower(text_attribute(recorded, "fqdn"));
  std::string a, aaaa;
  for (const auto& record : inventory.records) {
    if (lower(record.name) != fqdn || record.values.empty()) continue;
    if (record.type == "A") a = record.values.front();
    if (record.type == "AAAA") aaaa = record.values.front();
  }
  if (a.empty() && aaaa.empty()) return std::nullopt;
  ResourceState fresh = recorded;
  fresh.attributes["a"] = a;
  fresh.attributes["aaaa"] = aaaa;
  return fresh;
}

void DigitalOceanProvider::learn_from(const std::map<std::string, ResourceState>& actual, const Inventory& inventory) {
  Facts learnt;
  for (const auto& [address_of, resource] : actual) {
    const std::string id = text_attribute(resource, "id");
    if (resource.type == kVpcType) {
      learnt.vpc_id = id;
      learnt.vpc_range = text_attribute(resource, "ip_range");
    } else if (resource.type == kReservedIpType) {
      learnt.reserved_ips[resource.name] = text_attribute(resource, "ip");
    } else if (resource.type == kVolumeType) {
      if (const Volume* volume = find_by(inventory.volumes, [&](const Volume& v) { return v.id == id; })) {
        learnt.volumes[resource.name] = *volume;
      }
    } else if (resource.type == kDropletType) {
      const Droplet* droplet = find_by(inventory.droplets, [&](const Droplet& d) { return std::to_string(d.id) == id; });
      if (!droplet) continue;
      learnt.droplets[resource.name] = *droplet;
      learnt.configs[resource.name] = config_of_droplet(*droplet);
    }
  }
  std::lock_guard lock(mutex_);
  facts_ = std::move(learnt);
}

// Droplets under the fleet's tag that the state does not record (their run died before saving
// it), and the reserved IPs assigned to them. A droplet made with the configuration the spec wants
// is taken as it is; any other one will be replaced (or deleted, if its node is gone from the spec).
Result<void> DigitalOceanProvider::adopt_strays(std::map<std::string, ResourceState>& actual,
                                                const Inventory& inventory) {
  for (const auto& ip : inventory.reserved_ips) {
    if (!ip.droplet_id) continue;
    const Droplet* holder = find_by(inventory.droplets, [&](const Droplet& d) { return d.id == *ip.droplet_id; });
    std::string node = holder ? node_of_droplet(*holder) : "";
    if (node.empty() || actual.count(address(kReservedIpType, node))) continue;
    actual[address(kReservedIpType, node)] = ResourceState{kReservedIpType, node, {{"region", ip.region}, {"ip", ip.ip}}, {}};
  }
  if (context_.destroy_volumes) adopt_kept_volumes(actual, inventory);
  learn_from(actual, inventory);
  for (const auto& droplet : inventory.droplets) {
    std::string node = node_of_droplet(droplet);
    if (node.empty() || actual.count(address(kDropletType, node))) continue;
    auto adopted = adopted_droplet(droplet, node);
    if (!adopted) return adopted.error();
    if (auto observed = refreshed_droplet(*adopted, inventory)) actual[address(kDropletType, node)] = std::move(*observed);
  }
  return {};
}

// `destroy --destroy-volumes` also deletes the volumes an earlier destroy kept (they carry their
// node's tag; the fleet's tag went with the fleet).
void DigitalOceanProvider::adopt_kept_volumes(std::map<std::string, ResourceState>& actual,
                                              const Inventory& inventory) const {
  for (const auto& volume : inventory.volumes) {
    for (const auto& tag : volume.tags) {
      const std::string node = node_of_tag(fleet_, tag);
      if (node.empty() || volume.name != volume_name(fleet_, node) || actual.count(address(kVolumeType, node))) continue;
      json attributes = {{"name", volume.name}, {"region", volume.region}, {"size_gb", volume.size_gigabytes},
                         {"id", volume.id}};
      actual[address(kVolumeType, node)] = ResourceState{kVolumeType, node, attributes, {}};
    }
  }
}

Result<ResourceState> DigitalOceanProvider::adopted_droplet(const Droplet& droplet, const std::string& node) {
  const std::string config = config_of_droplet(droplet);
  ResourceState state{kDropletType, node, json::object(), {}};
  if (const spec::Node* wanted = node_named(node)) {
    auto resource = droplet_resource(*wanted, facts());
    if (!resource) return resource.error();
    state.depends_on = resource->depends_on;
    if (config_of(*resource) == config && !config.empty()) state.attributes = resource->attributes;
  }
  state.attributes["id"] = std::to_string(droplet.id);
  state.attributes["config"] = config;
  return state;
}

// ---- one resource at a time (the engine's default refresh, and the benchmark's baseline)

Result<std::optional<ResourceState>> DigitalOceanProvider::read_one(const ResourceState& recorded) {
  Inventory inventory;
  const std::string id = text_attribute(recorded, "id");
  std::string path;
  if (recorded.type == kTagType) path = "/v2/tags/" + util::url_encode(text_attribute(recorded, "name"));
  if (recorded.type == kVpcType) path = "/v2/vpcs/" + id;
  if (recorded.type == kFirewallType) path = "/v2/firewalls/" + id;
  if (recorded.type == kVolumeType) path = "/v2/volumes/" + id;
  if (recorded.type == kReservedIpType) path = "/v2/reserved_ips/" + text_attribute(recorded, "ip");
  if (recorded.type == kDropletType) path = "/v2/droplets/" + id;
  if (recorded.type == kRecordType || recorded.type == kTreeType) {
    const std::string name = recorded.type == kRecordType ? text_attribute(recorded, "fqdn") : tree_domain(fleet_);
    auto listed = client_->list_domain_records(account_domain_.empty() ? fleet_.domain : account_domain_, "", name);
    if (!listed) return listed.error();
    inventory.records = zone_records(*listed, account_domain_.empty() ? fleet_.domain : account_domain_);
    return refreshed(recorded, inventory);
  }
  auto response = client_->transport().send("GET", path);
  if (!response) return response.error();
  if (response->status == 404) return std::optional<ResourceState>();
  if (!response->success()) return client_->transport().api_error("GET", path, *response);
  return std::optional<ResourceState>(recorded);
}

}  // namespace wakufleet::providers::digitalocean
