// Volumes, reserved IPs, VPCs and firewalls. Each create knows how to find its resource again
// after an unknown outcome: volumes by name and region (unique there), VPCs and firewalls by name,
// reserved IPs by the droplet they were made for or as the one new address in the region.
#include <algorithm>
#include <set>

#include "providers/digitalocean/api.hpp"
#include "providers/digitalocean/create.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

using json = nlohmann::json;

template <typename T>
util::Result<std::optional<T>> find_by_name(util::Result<std::vector<T>> listed, const std::string& name) {
  if (!listed) return listed.error();
  for (auto& item : *listed) {
    if (item.name == name) return std::optional<T>(std::move(item));
  }
  return std::optional<T>();
}

Action done_already() {
  Action action;
  action.status = "completed";
  return action;
}

}  // namespace

// ---- volumes

util::Result<std::vector<Volume>> DigitalOceanClient::list_volumes(const std::string& name, const std::string& region) {
  return list_parsed(transport_, with_query("/v2/volumes", {{"name", name}, {"region", region}}), "volumes", parse_volume);
}

util::Result<Volume> DigitalOceanClient::create_volume(const VolumeRequest& request) {
  return create_once<Volume>(
      transport_, "/v2/volumes", volume_body(request),
      [](const json& created) { return parse_volume(created.value("volume", json::object())); },
      [&] { return find_by_name(list_volumes(request.name, request.region), request.name); });
}

util::Result<void> DigitalOceanClient::delete_volume(const std::string& id) { return delete_path("/v2/volumes/" + id); }

util::Result<void> DigitalOceanClient::attach_volume(const std::string& volume_id, std::int64_t droplet_id,
                                                     const std::string& region) {
  return volume_action("attach", volume_id, droplet_id, region);
}

util::Result<void> DigitalOceanClient::detach_volume(const std::string& volume_id, std::int64_t droplet_id,
                                                     const std::string& region) {
  return volume_action("detach", volume_id, droplet_id, region);
}

// After an unknown outcome the volume's droplet_ids tell whether the attach or detach happened.
util::Result<void> DigitalOceanClient::volume_action(const std::string& type, const std::string& volume_id,
                                                     std::int64_t droplet_id, const std::string& region) {
  auto lock = droplet_lock(droplet_id);  // attaching and detaching are events on the droplet too
  std::lock_guard guard(*lock);
  const json body = {{"type", type}, {"droplet_id", droplet_id}, {"region", region}};
  auto done = post_action("/v2/volumes/" + volume_id + "/actions", body, [&]() -> util::Result<std::optional<Action>> {
    auto now = transport_.call("GET", "/v2/volumes/" + volume_id);
    if (!now) return now.error();
    auto ids = parse_volume(now->value("volume", json::object())).droplet_ids;
    bool attached = std::find(ids.begin(), ids.end(), droplet_id) != ids.end();
    if (attached == (type == "attach")) return std::optional<Action>(done_already());
    return std::optional<Action>();
  });
  if (!done) return done.error();
  return {};
}

// ---- reserved IPs

util::Result<std::vector<ReservedIp>> DigitalOceanClient::list_reserved_ips() {
  return list_parsed(transport_, "/v2/reserved_ips", "reserved_ips", parse_reserved_ip);
}

util::Result<ReservedIp> DigitalOceanClient::create_reserved_ip_for_droplet(std::int64_t droplet_id) {
  const json body = {{"droplet_id", droplet_id}};
  return create_once<ReservedIp>(
      transport_, "/v2/reserved_ips", body,
      [](const json& created) { return parse_reserved_ip(created.value("reserved_ip", json::object())); },
      [&]() -> util::Result<std::optional<ReservedIp>> {
        auto listed = list_reserved_ips();
        if (!listed) return listed.error();
        for (auto& ip : *listed) {
          if (ip.droplet_id == droplet_id) return std::optional<ReservedIp>(ip);
        }
        return std::optional<ReservedIp>();
      });
}

// Reserved IPs carry no name or tag: the addresses of the region are noted before the create,
// and after an unknown outcome an unassigned address that was not there before is ours.
util::Result<ReservedIp> DigitalOceanClient::create_reserved_ip_in_region(const std::string& region) {
  return create_reserved_ip_in_region(region, [](const std::vector<ReservedIp>&) { return util::Result<void>(); });
}

util::Result<ReservedIp> DigitalOceanClient::create_reserved_ip_in_region(
    const std::string& region, const std::function<util::Result<void>(const std::vector<ReservedIp>&)>& before_create) {
  auto before = list_reserved_ips();
  if (!before) return before.error();
  if (auto noted = before_create(*before); !noted) return noted.error();
  std::set<std::string> known;
  for (const auto& ip : *before) known.insert(ip.ip);
  const json body = {{"region", region}};
  return create_once<ReservedIp>(
      transport_, "/v2/reserved_ips", body,
      [](const json& created) { return parse_reserved_ip(created.value("reserved_ip", json::object())); },
      [&]() -> util::Result<std::optional<ReservedIp>> {
        auto listed = list_reserved_ips();
        if (!listed) return listed.error();
        for (auto& ip : *listed) {
          if (ip.region == region && !ip.droplet_id && !known.count(ip.ip)) return std::optional<ReservedIp>(ip);
        }
        return std::optional<ReservedIp>();
      });
}

util::Result<void> DigitalOceanClient::assign_reserved_ip(const std::string& ip, std::int64_t droplet_id) {
  auto lock = droplet_lock(droplet_id);
  std::lock_guard guard(*lock);
  const json body = {{"type", "assign"}, {"droplet_id", droplet_id}};
  auto done = post_action("/v2/reserved_ips/" + ip + "/actions", body, [&]() -> util::Result<std::optional<Action>> {
    auto body_now = transport_.call("GET", "/v2/reserved_ips/" + ip);
    if (!body_now) return body_now.error();
    auto now = parse_reserved_ip(body_now->value("reserved_ip", json::object()));
    if (now.droplet_id == droplet_id) return std::optional<Action>(done_already());
    return std::optional<Action>();
  });
  if (!done) return done.error();
  return {};
}

util::Result<void> DigitalOceanClient::unassign_reserved_ip(const std::string& ip) {
  const json body = {{"type", "unassign"}};
  auto done = post_action("/v2/reserved_ips/" + ip + "/actions", body, [&]() -> util::Result<std::optional<Action>> {
    auto body_now = transport_.call("GET", "/v2/reserved_ips/" + ip);
    if (!body_now) return body_now.error();
    if (!parse_reserved_ip(body_now->value("reserved_ip", json::object())).droplet_id) {
      return std::optional<Action>(done_already());
    }
    return std::optional<Action>();
  });
  if (!done) return done.error();
  return {};
}

util::Result<void> DigitalOceanClient::delete_reserved_ip(const std::string& ip) {
  return delete_path("/v2/reserved_ips/" + ip);
}

// ---- VPCs

util::Result<std::vector<Vpc>> DigitalOceanClient::list_vpcs() {
  return list_parsed(transport_, "/v2/vpcs", "vpcs", parse_vpc);
}

util::Result<Vpc> DigitalOceanClient::create_vpc(const VpcRequest& request) {
  return create_once<Vpc>(
      transport_, "/v2/vpcs", vpc_body(request),
      [](const json& created) { return parse_vpc(created.value("vpc", json::object())); },
      [&] { return find_by_name(list_vpcs(), request.name); });
}

util::Result<void> DigitalOceanClient::delete_vpc(const std::string& id) { return delete_path("/v2/vpcs/" + id); }

// ---- firewalls

util::Result<std::vector<Firewall>> DigitalOceanClient::list_firewalls() {
  return list_parsed(transport_, "/v2/firewalls", "firewalls", parse_firewall);
}

util::Result<Firewall> DigitalOceanClient::create_firewall(const FirewallRequest& request) {
  return create_once<Firewall>(
      transport_, "/v2/firewalls", firewall_body(request),
      [](const json& created) { return parse_firewall(created.value("firewall", json::object())); },
      [&]() -> util::Result<std::optional<Firewall>> {
        auto listed = list_firewalls();
        if (!listed) return listed.error();
        for (auto& firewall : *listed) {
          if (firewall.spec.name == request.name) return std::optional<Firewall>(firewall);
        }
        return std::optional<Firewall>();
      });
}

util::Result<Firewall> DigitalOceanClient::update_firewall(const std::string& id, const FirewallRequest& request) {
  const json body = firewall_body(request);  // PUT replaces the whole firewall: safe to repeat
  auto updated = transport_.call("PUT", "/v2/firewalls/" + id, &body);
  if (!updated) return updated.error();
  return parse_firewall(updated->value("firewall", json::object()));
}

util::Result<void> DigitalOceanClient::delete_firewall(const std::string& id) {
  return delete_path("/v2/firewalls/" + id);
}

}  // namespace wakufleet::providers::digitalocean
