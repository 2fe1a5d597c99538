// What makes a node's identity beside its key, and outlives its droplets: the volume, the reserved
// IP, and the DNS records of its name.
#include <algorithm>

#include "providers/digitalocean/provider_impl.hpp"
#include "util/http.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

Result<std::optional<Volume>> volume_named(DigitalOceanClient& client, const std::string& name, const std::string& region) {
  auto listed = client.list_volumes(name, region);
  if (!listed) return listed.error();
  for (auto& volume : *listed) {
    if (volume.name == name) return std::optional<Volume>(std::move(volume));
  }
  return std::optional<Volume>();
}

}  // namespace

// ---- volume: found by name (unique per region) before it is created. A volume kept by an
// earlier destroy is adopted this way too, with the node key and the store it holds.
Result<ResourceState> DigitalOceanProvider::create_volume(const Resource& desired, const engine::ProgressFn& progress) {
  const std::string name = desired.attributes.at("name");
  const std::string region = desired.attributes.at("region");
  const int size = desired.attributes.at("size_gb");
  auto existing = volume_named(*client_, name, region);
  if (!existing) return existing.error();
  Volume volume;
  if (*existing) {
    progress(desired.address(), "using the existing volume " + name);
    volume = **existing;
  } else {
    VolumeRequest request;
    request.name = name;
    request.region = region;
    request.size_gigabytes = size;
    request.filesystem_label = "waku";
    request.tags = {fleet_tag(fleet_)};
    request.resource_tag = node_tag(fleet_, desired.name);
    auto made = client_->create_volume(request);
    if (!made) return made.error();
    volume = *made;
  }
  learn([&](Facts& facts) { facts.volumes[desired.name] = volume; });
  ResourceState state = state_of(desired, {{"id", volume.id}});
  state.attributes["size_gb"] = volume.size_gigabytes;
  if (volume.size_gigabytes < size) return resize_volume(desired, state);
  return state;
}

// Volumes only grow: shrinking would lose data, so it is refused with the way out.
Result<ResourceState> DigitalOceanProvider::resize_volume(const Resource& desired, const ResourceState& prior) {
  const int want = desired.attributes.at("size_gb");
  const int have = prior.attributes.value("size_gb", 0);
  const std::string id = text_attribute(prior, "id");
  if (want < have) {
    return util::fail("volume " + text_attribute(prior, "name") + " is " + std::to_string(have) + " GB and cannot "
                      "shrink to " + std::to_string(want) + " GB; keep volume_size_gb at " + std::to_string(have) +
                      " or more");
  }
  if (want > have) {
    const json body = {{"type", "resize"}, {"size_gigabytes", want}, {"region", desired.attributes.at("region")}};
    auto answered = client_->transport().call("POST", "/v2/volumes/" + id + "/actions", &body);
    if (!answered) return answered.error();
    auto action = client_->wait_action(parse_action(answered->value("action", json::object())).id);
    if (!action) return action.error();
  }
  return state_of(desired, {{"id", id}});
}

// Persistent: only `destroy --destroy-volumes` deletes a volume (and the node key with it).
Result<void> DigitalOceanProvider::destroy_volume(const ResourceState& prior, const engine::ProgressFn& progress) {
  const std::string name = text_attribute(prior, "name");
  if (!context_.destroy_volumes || context_.keep_data) {
    progress(prior.address(), "keeping volume " + name + " (the node's key and store); destroy --destroy-volumes "
                              "deletes it, and a later apply adopts it again");
    return {};
  }
  progress(prior.address(), "deleting volume " + name);
  auto existing = volume_named(*client_, name, text_attribute(prior, "region"));
  if (!existing) return existing.error();
  if (*existing) {
    for (auto droplet : (*existing)->droplet_ids) {
      if (auto detached = client_->detach_volume((*existing)->id, droplet, (*existing)->region); !detached) return detached;
    }
    if (auto deleted = client_->delete_volume((*existing)->id); !deleted) return deleted;
  }
  // The node's tag outlived its droplets for the volume's sake; now nothing carries it.
  (void)client_->transport().send("DELETE", "/v2/tags/" + util::url_encode(node_tag(fleet_, prior.name)));
  remove_node_key(context_.state_path, prior.name);
  return {};
}

// ---- reserved IP: made in the region before the droplet (its address goes into the user data),
// one create at a time so that the journal tells every run's new address apart.
Result<ResourceState> DigitalOceanProvider::create_reserved_ip(const Resource& desired,
                                                               const engine::ProgressFn& progress) {
  std::lock_guard serial(reserved_ip_mutex_);
  const std::string region = desired.attributes.at("region");
  auto adopted = adopt_journaled_ip(desired.name, region);
  if (!adopted) return adopted.error();
  std::string ip;
  if (*adopted) {
    ip = **adopted;
    progress(desired.address(), "using reserved IP " + ip + ", made by an earlier run that was interrupted");
  } else {
    auto made = client_->create_reserved_ip_in_region(region, [&](const std::vector<ReservedIp>& before) {
      ReservedIpJournal::Entry entry{region, {}};
      for (const auto& existing : before) entry.known_before.insert(existing.ip);
      return journal_.begin(desired.name, entry);
    });
    if (!made) return made.error();
    ip = made->ip;
  }
  learn([&](Facts& facts) { facts.reserved_ips[desired.name] = ip; });
  return state_of(desired, {{"ip", ip}});
}

// After an interrupted run: an unassigned address of the region that did not exist before that
// run's create, and that no other node has taken, is the one it made.
Result<std::optional<std::string>> DigitalOceanProvider::adopt_journaled_ip(const std::string& node,
                                                                            const std::string& region) {
  auto pending = journal_.pending(node);
  if (!pending || pending->region != region) return std::optional<std::string>();
  auto listed = client_->list_reserved_ips();
  if (!listed) return listed.error();
  const Facts known_facts = facts();
  for (const auto& ip : *listed) {
    bool taken = std::any_of(known_facts.reserved_ips.begin(), known_facts.reserved_ips.end(),
                             [&](const auto& entry) { return entry.second == ip.ip; });
    if (ip.region == region && !ip.droplet_id && !pending->known_before.count(ip.ip) && !taken) {
      return std::optional<std::string>(ip.ip);
    }
  }
  return std::optional<std::string>();
}

Result<void> DigitalOceanProvider::destroy_reserved_ip(const ResourceState& prior) {
  if (auto deleted = client_->delete_reserved_ip(text_attribute(prior, "ip")); !deleted) return deleted;
  return journal_.finish(prior.name);
}

// ---- DNS: A <node>.<domain> -> reserved IP, AAAA -> the current droplet's IPv6

Result<ResourceState> DigitalOceanProvider::put_record(const Resource& desired) {
  const std::string fqdn = desired.attributes.at("fqdn");
  const Facts known_facts = facts();
  auto ip = known_facts.reserved_ips.find(desired.name);
  auto droplet = known_facts.droplets.find(desired.name);
  if (ip == known_facts.reserved_ips.end()) return util::fail("node " + desired.name + " has no reserved IP yet");
  const std::string ipv6 = droplet == known_facts.droplets.end() ? "" : droplet->second.public_ipv6;
  auto records = fresh_zone();
  if (auto primed = records->prime(fqdn); !primed) return primed.error();
  if (auto a = records->upsert({fqdn, "A", 60, {ip->second}}); !a) return a.error();
  auto aaaa = ipv6.empty() ? records->remove(fqdn, "AAAA") : records->upsert({fqdn, "AAAA", 60, {ipv6}});
  if (!aaaa) return aaaa.error();
  return state_of(desired, {{"a", ip->second}, {"aaaa", ipv6}});
}

Result<void> DigitalOceanProvider::destroy_record(const ResourceState& prior) {
  const std::string fqdn = text_attribute(prior, "fqdn");
  auto records = fresh_zone();
  if (auto primed = records->prime(fqdn); !primed) return primed.error();
  if (auto a = records->remove(fqdn, "A"); !a) return a;
  return records->remove(fqdn, "AAAA");
}

}  // namespace wakufleet::providers::digitalocean
