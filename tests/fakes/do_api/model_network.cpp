// Volumes (attach/detach actions), reserved IPs (assign/unassign actions), VPCs and firewalls.
#include <algorithm>
#include <cstdio>
#include <regex>

#include "fakes/do_api/model.hpp"

namespace wakufleet::fakes::do_api {

namespace {

std::string text_of(const json& body, const char* key) {
  return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
}

std::optional<std::uint32_t> parse_ipv4(const std::string& text) {
  unsigned a, b, c, d;
  char tail;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 || c > 255 || d > 255) {
    return std::nullopt;
  }
  return (a << 24) | (b << 16) | (c << 8) | d;
}

struct Cidr {
  std::uint32_t base = 0;
  int prefix = 0;
  bool overlaps(const Cidr& other) const {
    int shorter = std::min(prefix, other.prefix);
    std::uint32_t mask = shorter == 0 ? 0 : ~0u << (32 - shorter);
    return (base & mask) == (other.base & mask);
  }
};

std::optional<Cidr> parse_cidr(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto base = parse_ipv4(text.substr(0, slash));
  int prefix = 0;
  try {
    prefix = std::stoi(text.substr(slash + 1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!base) return std::nullopt;
  return Cidr{*base, prefix};
}

bool rfc1918(const Cidr& range) {
  const Cidr private_ranges[] = {{10u << 24, 8}, {(172u << 24) | (16u << 16), 12}, {(192u << 24) | (168u << 16), 16}};
  return std::any_of(std::begin(private_ranges), std::end(private_ranges),
                     [&](const Cidr& block) { return range.prefix >= block.prefix && block.overlaps(range); });
}

bool valid_ports(const std::string& ports) {
  static const std::regex pattern("^(0|[1-9][0-9]{0,4}(-[1-9][0-9]{0,4})?|all)$");
  return std::regex_match(ports, pattern);
}

std::optional<std::string> check_rules(const json& rules, const char* targets_key) {
  if (rules.is_null()) return std::nullopt;
  if (!rules.is_array()) return "rules must be arrays";
  for (const auto& rule : rules) {
    const std::string protocol = text_of(rule, "protocol");
    if (protocol != "tcp" && protocol != "udp" && protocol != "icmp") return "protocol must be tcp, udp or icmp";
    if (protocol != "icmp" && !valid_ports(text_of(rule, "ports"))) {
      return "ports must be a port, a range such as 8000-9000, or 0 for all";
    }
    if (!rule.contains(targets_key) || !rule[targets_key].is_object()) return std::string(targets_key) + " is required";
  }
  return std::nullopt;
}

}  // namespace

// ---- volumes

json Model::render(const VolumeRec& volume) const {
  return {{"id", volume.id},
          {"region", *region(volume.region)},
          {"droplet_ids", volume.droplet_ids},
          {"name", volume.name},
          {"description", volume.description},
          {"size_gigabytes", volume.size_gigabytes},
          {"created_at", volume.created_at},
          {"filesystem_type", volume.filesystem_type},
          {"filesystem_label", volume.filesystem_label},
          {"tags", volume.tags}};
}

Reply Model::list_volumes(const Call& call) {
  const std::string name = call.get("name"), where = call.get("region");
  std::vector<const VolumeRec*> matching;
  for (const auto& [id, volume] : volumes_) {
    if ((name.empty() || volume.name == name) && (where.empty() || volume.region == where)) matching.push_back(&volume);
  }
  return page(call, "volumes", matching.size(), [&](std::size_t i) { return render(*matching[i]); });
}

Reply Model::create_volume(const Call& call) {
  static const std::regex name_pattern("^[a-z][a-z0-9-]{0,63}$");
  const json& body = call.body;
  if (!body.is_object()) return unprocessable("the request body must be a JSON object");
  VolumeRec volume;
  volume.name = text_of(body, "name");
  volume.region = text_of(body, "region");
  if (!std::regex_match(volume.name, name_pattern)) {
    return unprocessable("name must be lowercase letters, numbers and '-', start with a letter, 64 at most");
  }
  if (!body.contains("size_gigabytes") || !body["size_gigabytes"].is_number_integer() ||
      body["size_gigabytes"].get<int>() < 1 || body["size_gigabytes"].get<int>() > 16384) {
    return unprocessable("size_gigabytes must be between 1 and 16384");
  }
  const json* where = region(volume.region);
  if (!where || !(*where)["available"].get<bool>()) return unprocessable("region is invalid");
  volume.filesystem_type = text_of(body, "filesystem_type");
  if (!volume.filesystem_type.empty() && volume.filesystem_type != "ext4" && volume.filesystem_type != "xfs") {
    return unprocessable("filesystem_type must be ext4 or xfs");
  }
  volume.filesystem_label = text_of(body, "filesystem_label");
  if (volume.filesystem_label.size() > 16) return unprocessable("filesystem_label is 16 characters at most");
  for (const auto& [id, other] : volumes_) {
    if (other.name == volume.name && other.region == volume.region) {
      return error_reply(409, "conflict", "a volume named " + volume.name + " already exists in " + volume.region);
    }
  }
  if (volumes_.size() >= static_cast<std::size_t>(options_.volume_limit)) return unprocessable("volume limit reached");
  if (body.contains("tags") && body["tags"].is_array()) {
    for (const auto& tag : body["tags"]) {
      if (tag.is_string()) volume.tags.push_back(tag);
    }
  }
  ensure_tags(volume.tags);
  volume.size_gigabytes = body["size_gigabytes"];
  volume.description = text_of(body, "description");
  volume.id = new_uuid();
  volume.created_at = timestamp();
  volumes_[volume.id] = volume;
  return {201, {{"volume", render(volume)}}};
}

Reply Model::get_volume(const Call& call) {
  auto found = volumes_.find(call.param(0));
  if (found == volumes_.end()) return not_found();
  return {200, {{"volume", render(found->second)}}};
}

Reply Model::delete_volume(const Call& call) {
  auto found = volumes_.find(call.param(0));
  if (found == volumes_.end()) return not_found();
  if (!found->second.droplet_ids.empty()) {
    return error_reply(409, "conflict", "Volume is currently attached to a Droplet; detach it first");
  }
  volumes_.erase(found);
  return {204, nullptr};
}

// Attach and detach change droplet_ids at once; the action locks the droplet until it completes.
Reply Model::volume_action(const Call& call) {
  auto found = volumes_.find(call.param(0));
  if (found == volumes_.end()) return not_found();
  VolumeRec& volume = found->second;
  const std::string type = text_of(call.body, "type");
  if (type == "resize") {
    if (!call.body.contains("size_gigabytes") || !call.body["size_gigabytes"].is_number_integer() ||
        call.body["size_gigabytes"].get<int>() <= volume.size_gigabytes) {
      return unprocessable("volumes can only be resized upwards");
    }
    volume.size_gigabytes = call.body["size_gigabytes"];
    return {202, {{"action", render(start_action("resize", "volume", 0, volume.region, 0))}}};
  }
  if (type != "attach" && type != "detach") return unprocessable("type must be attach, detach or resize");
  if (!call.body.contains("droplet_id") || !call.body["droplet_id"].is_number_integer()) {
    return unprocessable("droplet_id is required");
  }
  DropletRec* droplet = find_droplet(std::to_string(call.body["droplet_id"].get<std::int64_t>()));
  if (!droplet) return unprocessable("droplet_id is not a Droplet");
  if (droplet->region != volume.region) return unprocessable("the Droplet and the volume are in different regions");
  observe(*droplet);
  if (locked(*droplet)) return unprocessable("Droplet already has a pending event.");
  const bool attached = std::find(volume.droplet_ids.begin(), volume.droplet_ids.end(), droplet->id) != volume.droplet_ids.end();
  if (type == "attach") {
    if (!volume.droplet_ids.empty()) return unprocessable("volume is already attached to a Droplet");
    volume.droplet_ids = {droplet->id};
    droplet->volume_ids.push_back(volume.id);
  } else {
    if (!attached) return unprocessable("volume is not attached to this Droplet");
    volume.droplet_ids.clear();
    std::erase(droplet->volume_ids, volume.id);
  }
  const std::string action_type = type == "attach" ? "attach_volume" : "detach_volume";
  ActionRec& action = start_action(action_type, "volume", 0, volume.region, droplet->id);
  action.will_error = call.action_errors;
  return {202, {{"action", render(action)}}};
}

// ---- reserved IPs (from 198.19.0.0/16: the benchmarking range, never anyone's host)

std::string Model::allocate_reserved_ip() {
  std::uint64_t n = next_reserved_++;
  return "198.19." + std::to_string(n / 250 % 256) + "." + std::to_string(n % 250 + 1);
}

json Model::render(const ReservedIpRec& ip) const {
  json droplet = nullptr;
  if (auto found = droplets_.find(ip.droplet_id); found != droplets_.end()) droplet = render(found->second);
  return {{"ip", ip.ip},
          {"region", *region(ip.region)},
          {"droplet", droplet},
          {"locked", !ip.pending_actions.empty()},
          {"project_id", "746c6152-2fa2-11ed-92d3-27aaa54e4988"}};
}

Reply Model::list_reserved_ips(const Call& call) {
  std::vector<const ReservedIpRec*> all;
  for (const auto& [ip, reserved] : reserved_ips_) all.push_back(&reserved);
  return page(call, "reserved_ips", all.size(), [&](std::size_t i) { return render(*all[i]); });
}

Reply Model::create_reserved_ip(const Call& call) {
  const json& body = call.body;
  const bool by_droplet = body.is_object() && body.contains("droplet_id");
  const bool by_region = body.is_object() && body.contains("region");
  if (by_droplet == by_region) return unprocessable("give either droplet_id or region");
  if (reserved_ips_.size() >= static_cast<std::size_t>(options_.floating_ip_limit)) {
    return unprocessable("You have reached the limit of reserved IPs for your account");
  }
  ReservedIpRec ip;
  json links = {{"droplets", json::array()}, {"actions", json::array()}};
  DropletRec* droplet = nullptr;
  if (by_droplet) {
    droplet = body["droplet_id"].is_number_integer() ? find_droplet(std::to_string(body["droplet_id"].get<std::int64_t>())) : nullptr;
    if (!droplet) return unprocessable("droplet_id is not a Droplet");
    ip.region = droplet->region;
  } else {
    ip.region = text_of(body, "region");
    if (!region(ip.region)) return unprocessable("region is invalid");
  }
  ip.ip = allocate_reserved_ip();
  reserved_ips_[ip.ip] = ip;
  if (droplet) {
    reserved_ips_[ip.ip].droplet_id = droplet->id;
    ActionRec& action = start_action("assign_ip", "reserved_ip", 0, ip.region, droplet->id);
    action.reserved_ip = ip.ip;
    reserved_ips_[ip.ip].pending_actions.insert(action.id);
    links["droplets"].push_back({{"id", droplet->id}, {"rel", "droplet"}, {"href", call.base_url + "/v2/droplets/" + std::to_string(droplet->id)}});
    links["actions"].push_back({{"id", action.id}, {"rel", "assign_ip"}, {"href", call.base_url + "/v2/actions/" + std::to_string(action.id)}});
  }
  return {202, {{"reserved_ip", render(reserved_ips_[ip.ip])}, {"links", links}}};
}

Reply Model::get_reserved_ip(const Call& call) {
  auto found = reserved_ips_.find(call.param(0));
  if (found == reserved_ips_.end()) return not_found();
  for (auto id : std::set<std::int64_t>(found->second.pending_actions)) poll(actions_[id]);
  return {200, {{"reserved_ip", render(found->second)}}};
}

Reply Model::delete_reserved_ip(const Call& call) {
  if (!reserved_ips_.erase(call.param(0))) return not_found();
  return {204, nullptr};
}

Reply Model::reserved_ip_action(const Call& call) {
  auto found = reserved_ips_.find(call.param(0));
  if (found == reserved_ips_.end()) return not_found();
  ReservedIpRec& ip = found->second;
  for (auto id : std::set<std::int64_t>(ip.pending_actions)) poll(actions_[id]);  // a touch moves it along
  if (!ip.pending_actions.empty()) return unprocessable("Reserved IP already has a pending event.");
  const std::string type = text_of(call.body, "type");
  DropletRec* droplet = nullptr;
  if (type == "assign") {
    if (!call.body.contains("droplet_id") || !call.body["droplet_id"].is_number_integer()) {
      return unprocessable("droplet_id is required");
    }
    droplet = find_droplet(std::to_string(call.body["droplet_id"].get<std::int64_t>()));
    if (!droplet) return unprocessable("droplet_id is not a Droplet");
    if (droplet->region != ip.region) return unprocessable("the Droplet is not in the reserved IP's region");
    observe(*droplet);
    if (locked(*droplet)) return unprocessable("Droplet already has a pending event.");
    ip.droplet_id = droplet->id;
  } else if (type == "unassign") {
    if (ip.droplet_id == 0) return unprocessable("the reserved IP is not assigned");
    ip.droplet_id = 0;
  } else {
    return unprocessable("type must be assign or unassign");
  }
  ActionRec& action = start_action(type + "_ip", "reserved_ip", 0, ip.region, droplet ? droplet->id : 0);
  action.reserved_ip = ip.ip;
  action.will_error = call.action_errors;
  ip.pending_actions.insert(action.id);
  return {201, {{"action", render(action)}}};
}

// ---- VPCs

std::string Model::allocate_ip_range() {
  std::uint64_t n = next_range_++;
  return "10." + std::to_string(100 + n / 16 % 150) + "." + std::to_string(n % 16 * 16) + ".0/20";
}

json Model::render(const VpcRec& vpc) const {
  return {{"id", vpc.id},
          {"urn", "do:vpc:" + vpc.id},
          {"name", vpc.name},
          {"description", vpc.description},
          {"region", vpc.region},
          {"ip_range", vpc.ip_range},
          {"default", vpc.is_default},
          {"created_at", vpc.created_at}};
}

Reply Model::list_vpcs(const Call& call) {
  std::vector<const VpcRec*> all;
  for (const auto& [id, vpc] : vpcs_) all.push_back(&vpc);
  return page(call, "vpcs", all.size(), [&](std::size_t i) { return render(*all[i]); });
}

Reply Model::create_vpc(const Call& call) {
  static const std::regex name_pattern("^[a-zA-Z0-9\\-.]{1,255}$");
  const json& body = call.body;
  VpcRec vpc;
  vpc.name = text_of(body, "name");
  vpc.region = text_of(body, "region");
  vpc.ip_range = text_of(body, "ip_range");
  vpc.description = text_of(body, "description");
  if (!std::regex_match(vpc.name, name_pattern)) return unprocessable("name must be letters, numbers, '-' and '.'");
  if (!region(vpc.region)) return unprocessable("region is invalid");
  for (const auto& [id, other] : vpcs_) {
    if (other.name == vpc.name) return error_reply(409, "conflict", "a VPC named " + vpc.name + " already exists");
  }
  if (vpc.ip_range.empty()) {
    vpc.ip_range = allocate_ip_range();
  } else {
    auto range = parse_cidr(vpc.ip_range);
    if (!range || range->prefix < 16 || range->prefix > 28 || !rfc1918(*range)) {
      return unprocessable("ip_range must be an RFC 1918 range from /16 to /28");
    }
    for (const auto& [id, other] : vpcs_) {
      if (range->overlaps(*parse_cidr(other.ip_range))) return unprocessable("ip_range overlaps VPC " + other.name);
    }
  }
  vpc.id = new_uuid();
  vpc.created_at = timestamp();
  vpcs_[vpc.id] = vpc;
  return {201, {{"vpc", render(vpc)}}};
}

Reply Model::get_vpc(const Call& call) {
  auto found = vpcs_.find(call.param(0));
  if (found == vpcs_.end()) return not_found();
  return {200, {{"vpc", render(found->second)}}};
}

Reply Model::delete_vpc(const Call& call) {
  auto found = vpcs_.find(call.param(0));
  if (found == vpcs_.end()) return not_found();
  if (found->second.is_default) return error_reply(403, "forbidden", "The default VPC of a region cannot be deleted");
  for (const auto& [id, droplet] : droplets_) {
    if (droplet.vpc_uuid == found->first) return error_reply(403, "forbidden", "Can not delete VPC with members");
  }
  vpcs_.erase(found);
  return {204, nullptr};
}

// ---- firewalls: "waiting" when written, "succeeded" from the next read on

json Model::render(const FirewallRec& firewall) const {
  json pending = json::array();
  if (firewall.status == "waiting") {
    for (auto id : firewall.droplet_ids) pending.push_back({{"droplet_id", id}, {"removing", false}, {"status", "waiting"}});
  }
  return {{"id", firewall.id},
          {"name", firewall.name},
          {"status", firewall.status},
          {"created_at", firewall.created_at},
          {"pending_changes", pending},
          {"inbound_rules", firewall.inbound_rules},
          {"outbound_rules", firewall.outbound_rules},
          {"droplet_ids", firewall.droplet_ids},
          {"tags", firewall.tags}};
}

std::optional<std::string> Model::check_firewall(const json& body) const {
  static const std::regex name_pattern("^[a-zA-Z0-9][a-zA-Z0-9.-]+$");
  if (!body.is_object()) return "the request body must be a JSON object";
  if (!std::regex_match(text_of(body, "name"), name_pattern)) return "name must start with a letter or digit, then letters, digits, '.' or '-'";
  if (auto problem = check_rules(body.value("inbound_rules", json()), "sources")) return problem;
  if (auto problem = check_rules(body.value("outbound_rules", json()), "destinations")) return problem;
  if (body.contains("droplet_ids") && body["droplet_ids"].is_array()) {
    for (const auto& id : body["droplet_ids"]) {
      if (!id.is_number_integer() || !droplets_.count(id.get<std::int64_t>())) return "droplet_ids names a Droplet that does not exist";
    }
  }
  return std::nullopt;
}

namespace {

void fill_firewall(FirewallRec& firewall, const json& body) {
  firewall.name = text_of(body, "name");
  firewall.inbound_rules = body.value("inbound_rules", json::array());
  firewall.outbound_rules = body.value("outbound_rules", json::array());
  if (firewall.inbound_rules.is_null()) firewall.inbound_rules = json::array();
  if (firewall.outbound_rules.is_null()) firewall.outbound_rules = json::array();
  firewall.droplet_ids.clear();
  firewall.tags.clear();
  if (body.contains("droplet_ids") && body["droplet_ids"].is_array()) {
    for (const auto& id : body["droplet_ids"]) firewall.droplet_ids.push_back(id);
  }
  if (body.contains("tags") && body["tags"].is_array()) {
    for (const auto& tag : body["tags"]) {
      if (tag.is_string()) firewall.tags.push_back(tag);
    }
  }
  firewall.status = "waiting";
}

}  // namespace

Reply Model::list_firewalls(const Call& call) {
  std::vector<FirewallRec*> all;
  for (auto& [id, firewall] : firewalls_) all.push_back(&firewall);
  return page(call, "firewalls", all.size(), [&](std::size_t i) {
    json out = render(*all[i]);
    all[i]->status = "succeeded";
    return out;
  });
}

Reply Model::create_firewall(const Call& call) {
  if (auto problem = check_firewall(call.body)) return unprocessable(*problem);
  FirewallRec firewall;
  fill_firewall(firewall, call.body);
  firewall.id = new_uuid();
  firewall.created_at = timestamp();
  firewalls_[firewall.id] = firewall;
  return {202, {{"firewall", render(firewall)}}};
}

Reply Model::get_firewall(const Call& call) {
  auto found = firewalls_.find(call.param(0));
  if (found == firewalls_.end()) return not_found();
  json out = render(found->second);
  found->second.status = "succeeded";
  return {200, {{"firewall", out}}};
}

Reply Model::update_firewall(const Call& call) {
  auto found = firewalls_.find(call.param(0));
  if (found == firewalls_.end()) return not_found();
  if (auto problem = check_firewall(call.body)) return unprocessable(*problem);
  fill_firewall(found->second, call.body);
  return {200, {{"firewall", render(found->second)}}};
}

Reply Model::delete_firewall(const Call& call) {
  if (!firewalls_.erase(call.param(0))) return not_found();
  return {204, nullptr};
}

}  // namespace wakufleet::fakes::do_api
