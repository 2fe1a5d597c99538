#include "providers/digitalocean/types.hpp"

#include <openssl/evp.h>

#include <cstdio>

namespace wakufleet::providers::digitalocean {

namespace {

using json = nlohmann::json;

std::string text(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return "";
  const auto& value = object[key];
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  return "";
}

std::int64_t integer(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number()) return 0;
  return object[key].get<std::int64_t>();
}

std::optional<int> optional_int(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number()) return std::nullopt;
  return object[key].get<int>();
}

bool boolean(const json& object, const char* key) {
  return object.is_object() && object.contains(key) && object[key].is_boolean() && object[key].get<bool>();
}

std::vector<std::string> texts(const json& object, const char* key) {
  std::vector<std::string> out;
  if (!object.is_object() || !object.contains(key) || !object[key].is_array()) return out;
  for (const auto& item : object[key]) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<std::int64_t> integers(const json& object, const char* key) {
  std::vector<std::int64_t> out;
  if (!object.is_object() || !object.contains(key) || !object[key].is_array()) return out;
  for (const auto& item : object[key]) {
    if (item.is_number_integer()) out.push_back(item.get<std::int64_t>());
  }
  return out;
}

// DigitalOcean embeds whole region objects in droplets and volumes but takes slugs on create.
std::string region_slug(const json& object) {
  if (!object.is_object() || !object.contains("region")) return "";
  const auto& region = object["region"];
  return region.is_string() ? region.get<std::string>() : text(region, "slug");
}

std::string address_of(const json& networks, const char* family, const char* type) {
  if (!networks.is_object() || !networks.contains(family) || !networks[family].is_array()) return "";
  for (const auto& network : networks[family]) {
    if (text(network, "type") == type) return text(network, "ip_address");
  }
  return "";
}

FirewallRule parse_rule(const json& rule, const char* targets_key) {
  FirewallRule out;
  out.protocol = text(rule, "protocol");
  out.ports = text(rule, "ports");
  const json targets = rule.is_object() && rule.contains(targets_key) ? rule[targets_key] : json::object();
  out.addresses = texts(targets, "addresses");
  out.droplet_ids = integers(targets, "droplet_ids");
  out.tags = texts(targets, "tags");
  return out;
}

std::vector<FirewallRule> parse_rules(const json& object, const char* key, const char* targets_key) {
  std::vector<FirewallRule> out;
  if (!object.is_object() || !object.contains(key) || !object[key].is_array()) return out;
  for (const auto& rule : object[key]) out.push_back(parse_rule(rule, targets_key));
  return out;
}

json rule_body(const FirewallRule& rule, const char* targets_key) {
  json targets = json::object();
  if (!rule.addresses.empty()) targets["addresses"] = rule.addresses;
  if (!rule.droplet_ids.empty()) targets["droplet_ids"] = rule.droplet_ids;
  if (!rule.tags.empty()) targets["tags"] = rule.tags;
  return {{"protocol", rule.protocol}, {"ports", rule.ports}, {targets_key, targets}};
}

json rules_body(const std::vector<FirewallRule>& rules, const char* targets_key) {
  json out = json::array();
  for (const auto& rule : rules) out.push_back(rule_body(rule, targets_key));
  return out;
}

}  // namespace

Account parse_account(const json& object) {
  return {static_cast<int>(integer(object, "droplet_limit")), static_cast<int>(integer(object, "floating_ip_limit")),
          static_cast<int>(integer(object, "volume_limit")),  text(object, "uuid"),
          text(object, "status"),                             text(object, "status_message")};
}

SshKey parse_ssh_key(const json& object) {
  return {integer(object, "id"), text(object, "fingerprint"), text(object, "name"), text(object, "public_key")};
}

Region parse_region(const json& object) {
  return {text(object, "slug"), text(object, "name"), boolean(object, "available"), texts(object, "sizes"),
          texts(object, "features")};
}

Size parse_size(const json& object) {
  Size size;
  size.slug = text(object, "slug");
  size.memory_mb = static_cast<int>(integer(object, "memory"));
  size.vcpus = static_cast<int>(integer(object, "vcpus"));
  size.disk_gb = static_cast<int>(integer(object, "disk"));
  if (object.contains("price_monthly") && object["price_monthly"].is_number()) {
    size.price_monthly = object["price_monthly"].get<double>();
  }
  size.available = boolean(object, "available");
  size.regions = texts(object, "regions");
  return size;
}

Droplet parse_droplet(const json& object) {
  Droplet droplet;
  droplet.id = integer(object, "id");
  droplet.name = text(object, "name");
  droplet.status = text(object, "status");
  droplet.locked = boolean(object, "locked");
  droplet.region = region_slug(object);
  droplet.size = text(object, "size_slug");
  const json image = object.is_object() && object.contains("image") ? object["image"] : json();
  droplet.image = text(image, "slug").empty() ? text(image, "id") : text(image, "slug");
  droplet.tags = texts(object, "tags");
  droplet.volume_ids = texts(object, "volume_ids");
  droplet.vpc_uuid = text(object, "vpc_uuid");
  const json networks = object.is_object() && object.contains("networks") ? object["networks"] : json();
  droplet.public_ipv4 = address_of(networks, "v4", "public");
  droplet.private_ipv4 = address_of(networks, "v4", "private");
  droplet.public_ipv6 = address_of(networks, "v6", "public");
  return droplet;
}

Action parse_action(const json& object) {
  Action action;
  action.id = integer(object, "id");
  action.status = text(object, "status");
  action.type = text(object, "type");
  action.resource_id = integer(object, "resource_id");
  action.resource_type = text(object, "resource_type");
  action.region = text(object, "region_slug");
  return action;
}

Volume parse_volume(const json& object) {
  Volume volume;
  volume.id = text(object, "id");
  volume.name = text(object, "name");
  volume.region = region_slug(object);
  volume.size_gigabytes = static_cast<int>(integer(object, "size_gigabytes"));
  volume.droplet_ids = integers(object, "droplet_ids");
  volume.filesystem_type = text(object, "filesystem_type");
  volume.filesystem_label = text(object, "filesystem_label");
  volume.tags = texts(object, "tags");
  return volume;
}

ReservedIp parse_reserved_ip(const json& object) {
  ReservedIp ip;
  ip.ip = text(object, "ip");
  ip.region = region_slug(object);
  if (object.is_object() && object.contains("droplet") && object["droplet"].is_object()) {
    ip.droplet_id = integer(object["droplet"], "id");
  }
  ip.locked = boolean(object, "locked");
  return ip;
}

Vpc parse_vpc(const json& object) {
  return {text(object, "id"),       text(object, "name"),        text(object, "region"),
          text(object, "ip_range"), text(object, "description"), boolean(object, "default")};
}

Firewall parse_firewall(const json& object) {
  Firewall firewall;
  firewall.id = text(object, "id");
  firewall.status = text(object, "status");
  firewall.spec.name = text(object, "name");
  firewall.spec.inbound_rules = parse_rules(object, "inbound_rules", "sources");
  firewall.spec.outbound_rules = parse_rules(object, "outbound_rules", "destinations");
  firewall.spec.droplet_ids = integers(object, "droplet_ids");
  firewall.spec.tags = texts(object, "tags");
  return firewall;
}

Domain parse_domain(const json& object) {
  return {text(object, "name"), static_cast<int>(integer(object, "ttl"))};
}

DomainRecord parse_domain_record(const json& object) {
  DomainRecord record;
  record.id = integer(object, "id");
  record.type = text(object, "type");
  record.name = text(object, "name");
  record.data = text(object, "data");
  record.ttl = static_cast<int>(integer(object, "ttl"));
  record.priority = optional_int(object, "priority");
  record.port = optional_int(object, "port");
  record.weight = optional_int(object, "weight");
  return record;
}

json droplet_body(const DropletRequest& request, const std::vector<std::string>& names) {
  json body = {{"region", request.region}, {"size", request.size},       {"image", request.image},
               {"ipv6", request.ipv6},     {"monitoring", request.monitoring}, {"tags", request.tags}};
  if (names.size() == 1) {
    body["name"] = names.front();
  } else {
    body["names"] = names;
  }
  if (!request.ssh_keys.empty()) body["ssh_keys"] = request.ssh_keys;
  if (!request.user_data.empty()) body["user_data"] = request.user_data;
  if (!request.vpc_uuid.empty()) body["vpc_uuid"] = request.vpc_uuid;
  if (!request.volume_ids.empty()) body["volumes"] = request.volume_ids;
  return body;
}

json volume_body(const VolumeRequest& request) {
  json body = {{"name", request.name}, {"size_gigabytes", request.size_gigabytes}, {"region", request.region}};
  if (!request.filesystem_type.empty()) body["filesystem_type"] = request.filesystem_type;
  if (!request.filesystem_label.empty()) body["filesystem_label"] = request.filesystem_label;
  std::vector<std::string> tags = request.tags;
  if (!request.resource_tag.empty()) tags.push_back(request.resource_tag);
  if (!tags.empty()) body["tags"] = tags;
  return body;
}

json vpc_body(const VpcRequest& request) {
  json body = {{"name", request.name}, {"region", request.region}};
  if (!request.ip_range.empty()) body["ip_range"] = request.ip_range;
  if (!request.description.empty()) body["description"] = request.description;
  return body;
}

json firewall_body(const FirewallRequest& request) {
  return {{"name", request.name},
          {"inbound_rules", rules_body(request.inbound_rules, "sources")},
          {"outbound_rules", rules_body(request.outbound_rules, "destinations")},
          {"droplet_ids", request.droplet_ids},
          {"tags", request.tags}};
}

json domain_record_body(const DomainRecord& record) {
  json body = {{"type", record.type}, {"name", record.name}, {"data", record.data}, {"ttl", record.ttl}};
  if (record.priority) body["priority"] = *record.priority;
  if (record.port) body["port"] = *record.port;
  if (record.weight) body["weight"] = *record.weight;
  return body;
}

std::string ssh_key_fingerprint(const std::string& public_key) {
  auto start = public_key.find(' ');
  if (start == std::string::npos) return "";
  auto end = public_key.find_first_of(" \n", start + 1);
  std::string encoded = public_key.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
  if (encoded.empty() || encoded.size() % 4 != 0) return "";
  std::string blob(encoded.size(), '\0');
  int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(blob.data()),
                               reinterpret_cast<const unsigned char*>(encoded.data()), static_cast<int>(encoded.size()));
  if (length < 0) return "";
  // EVP_DecodeBlock counts the '=' padding as zero bytes; they are not part of the key.
  for (auto at = encoded.size(); at > 0 && encoded[at - 1] == '='; --at) --length;
  if (length <= 0) return "";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (EVP_Digest(blob.data(), static_cast<std::size_t>(length), digest, &digest_length, EVP_md5(), nullptr) != 1) {
    return "";
  }
  std::string out;
  for (unsigned int i = 0; i < digest_length; ++i) {
    char hex[4];
    std::snprintf(hex, sizeof hex, i == 0 ? "%02x" : ":%02x", digest[i]);
    out += hex;
  }
  return out;
}

}  // namespace wakufleet::providers::digitalocean
