// The DigitalOcean objects a fleet uses, as typed values, and the requests that create them.
// Field names follow DigitalOcean's API v2 (digitalocean/openapi, specification/resources/...).
// Parsing is lenient: a missing or mistyped field reads as empty, never as an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wakufleet::providers::digitalocean {

struct Account {
  int droplet_limit = 0;
  int floating_ip_limit = 0;
  int volume_limit = 0;
  std::string uuid;
  std::string status;  // "active", "warning" or "locked"
  std::string status_message;
};

struct SshKey {
  std::int64_t id = 0;
  std::string fingerprint;
  std::string name;
  std::string public_key;
};

struct Region {
  std::string slug;
  std::string name;
  bool available = false;
  std::vector<std::string> sizes;
  std::vector<std::string> features;
};

struct Size {
  std::string slug;
  int memory_mb = 0;
  int vcpus = 0;
  int disk_gb = 0;
  double price_monthly = 0;
  bool available = false;
  std::vector<std::string> regions;
};

struct Droplet {
  std::int64_t id = 0;
  std::string name;
  std::string status;  // new, active, off, archive
  bool locked = false;
  std::string region;
  std::string size;
  std::string image;  // slug, or the id as text for private images
  std::vector<std::string> tags;
  std::vector<std::string> volume_ids;
  std::string vpc_uuid;
  std::string public_ipv4;   // empty until DigitalOcean has assigned it (can lag behind "active")
  std::string private_ipv4;
  std::string public_ipv6;

  bool ready() const { return status == "active" && !public_ipv4.empty(); }
};

// One droplet to create. Requests whose fields other than name and resource_tag are equal are
// sent together (names[], up to 10 per POST).
struct DropletRequest {
  std::string name;
  std::string region;
  std::string size;
  std::string image;
  std::vector<std::string> ssh_keys;  // ids or fingerprints
  bool ipv6 = false;
  bool monitoring = false;
  std::vector<std::string> tags;
  std::string user_data;  // at most 64 KiB
  std::string vpc_uuid;
  std::vector<std::string> volume_ids;
  // The fleet's tag ("wf-<fleet>"): after a timeout or a 5xx on a create the client lists the
  // droplets carrying it before it decides to retry. Required.
  std::string lookup_tag;
  // This droplet's own tag ("wf-<fleet>-<node>"), so that it can be traced to its node.
  std::string resource_tag;
};

struct Action {
  std::int64_t id = 0;
  std::string status;  // in-progress, completed, errored
  std::string type;
  std::int64_t resource_id = 0;
  std::string resource_type;
  std::string region;
};

struct Volume {
  std::string id;
  std::string name;
  std::string region;
  int size_gigabytes = 0;
  std::vector<std::int64_t> droplet_ids;
  std::string filesystem_type;
  std::string filesystem_label;
  std::vector<std::string> tags;
};

struct VolumeRequest {
  std::string name;  // lowercase letters, digits and '-', starts with a letter, at most 64
  int size_gigabytes = 0;
  std::string region;
  std::string filesystem_type = "ext4";
  std::string filesystem_label;  // at most 16
  std::vector<std::string> tags;
  std::string resource_tag;  // added to tags
};

struct ReservedIp {
  std::string ip;
  std::string region;
  std::optional<std::int64_t> droplet_id;
  bool locked = false;
};

struct Vpc {
  std::string id;
  std::string name;
  std::string region;
  std::string ip_range;
  std::string description;
  bool is_default = false;
};

struct VpcRequest {
  std::string name;
  std::string region;
  std::string ip_range;  // RFC 1918, /16 to /28; empty lets DigitalOcean choose a /20
  std::string description;
};

// One inbound (sources) or outbound (destinations) rule.
struct FirewallRule {
  std::string protocol;  // tcp, udp, icmp
  std::string ports;     // "60000", "8000-9000", "0" for all
  std::vector<std::string> addresses;
  std::vector<std::int64_t> droplet_ids;
  std::vector<std::string> tags;

  bool operator==(const FirewallRule&) const = default;
};

struct FirewallRequest {
  std::string name;
  std::vector<FirewallRule> inbound_rules;
  std::vector<FirewallRule> outbound_rules;
  std::vector<std::int64_t> droplet_ids;
  std::vector<std::string> tags;
};

struct Firewall {
  std::string id;
  std::string status;  // waiting, succeeded, failed
  FirewallRequest spec;
};

struct Domain {
  std::string name;
  int ttl = 0;
};

struct DomainRecord {
  std::int64_t id = 0;
  std::string type;  // A, AAAA, CNAME, TXT, ...
  std::string name;  // relative to the domain; "@" is the apex
  std::string data;
  int ttl = 1800;
  std::optional<int> priority;
  std::optional<int> port;
  std::optional<int> weight;
};

// Parsers from DigitalOcean's JSON objects.
Account parse_account(const nlohmann::json& object);
SshKey parse_ssh_key(const nlohmann::json& object);
Region parse_region(const nlohmann::json& object);
Size parse_size(const nlohmann::json& object);
Droplet parse_droplet(const nlohmann::json& object);
Action parse_action(const nlohmann::json& object);
Volume parse_volume(const nlohmann::json& object);
ReservedIp parse_reserved_ip(const nlohmann::json& object);
Vpc parse_vpc(const nlohmann::json& object);
Firewall parse_firewall(const nlohmann::json& object);
Domain parse_domain(const nlohmann::json& object);
DomainRecord parse_domain_record(const nlohmann::json& object);

// Request bodies.
nlohmann::json droplet_body(const DropletRequest& request, const std::vector<std::string>& names);
nlohmann::json volume_body(const VolumeRequest& request);
nlohmann::json vpc_body(const VpcRequest& request);
nlohmann::json firewall_body(const FirewallRequest& request);
nlohmann::json domain_record_body(const DomainRecord& record);

// DigitalOcean's SSH key fingerprint: MD5 of the decoded key blob, as colon-separated hex
// ("3b:16:e4:..."). Empty when the key is not "<type> <base64> [comment]".
std::string ssh_key_fingerprint(const std::string& public_key);

}  // namespace wakufleet::providers::digitalocean
