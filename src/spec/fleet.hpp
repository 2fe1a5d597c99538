// The fleet spec as a plain data model: what fleet.toml says once it has been validated.
// Parsing and validation live in spec/parse.hpp; providers only ever see this model.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wakufleet::spec {

// Waku protocols a node can mount. The names are the ones fleet.toml uses.
enum class Protocol { Relay, Store, Filter, Lightpush, PeerExchange };

const std::vector<std::pair<std::string, Protocol>>& protocol_names();
std::string to_string(Protocol protocol);

struct Protocols {
  bool relay = true;
  bool store = false;
  bool filter = false;
  bool lightpush = false;
  bool peer_exchange = false;
  bool operator==(const Protocols&) const = default;
};

// One node of the fleet, after groups have been expanded ("relay" x3 -> relay-0, relay-1, relay-2).
struct Node {
  std::string name;   // DNS label, unique in the fleet
  std::string group;  // the [[group]] it came from
  int index = 0;      // position in the whole fleet (stable order: groups in file order)
  Protocols protocols;
  std::string store_retention = "48h";  // go-waku duration; meaningful only with store
  bool operator==(const Node&) const = default;
};

struct LocalTarget {
  std::optional<std::string> subnet;  // "127.A.B.0/24"; default derived from the fleet name
  std::string data_dir = ".wakufleet";  // relative to the spec file's folder
  int ready_timeout_seconds = 60;
};

struct DigitalOceanTarget {
  std::string region = "ams3";
  std::string size = "s-1vcpu-2gb";
  std::string image = "ubuntu-24-04-x64";
  int volume_size_gb = 10;
  std::vector<std::string> ssh_keys;     // fingerprints
  std::vector<std::string> admin_cidrs;  // who may reach port 22
  std::string vpc_ip_range;              // empty: DigitalOcean chooses
  // Droplets created in one request (DigitalOcean's names[], at most 10). Every droplet of a
  // request gets the same user data, with the node keys of all of them; 1 keeps keys apart.
  int droplets_per_request = 10;
  // The go-waku binary droplets download at boot, pinned by its checksum (see docs/bootstrap.md).
  // Empty until configured: the digitalocean target refuses to plan without them.
  std::string gowaku_url;     // https://...
  std::string gowaku_sha256;  // 64 hex digits
};

enum class TargetKind { Local, DigitalOcean };

struct Target {
  TargetKind kind = TargetKind::Local;
  LocalTarget local;
  DigitalOceanTarget digitalocean;
};

struct Waku {
  std::string version = "0.10.0";
  int cluster_id = 0;
  std::vector<int> shards;  // empty: go-waku's default for the cluster
  std::string log_level = "info";
  int max_connections = 50;
};

struct Discovery {
  bool static_peers = true;
  bool dns = false;           // EIP-1459 tree published in the fleet's zone
  std::string tree_subdomain = "nodes";  // tree at <tree_subdomain>.<domain>
  std::vector<std::string> tree_links;    // enrtree:// URLs of other trees the fleet's tree links to
  bool discv5 = false;
  bool peer_exchange = false;  // also a protocol; here: use it to find peers
};

struct RemoteWrite {
  std::string url;
  std::string username;          // may be empty
  std::string password_env;      // name of the environment variable holding the password/token
};

struct Observability {
  bool prometheus = true;
  std::string prometheus_retention = "7d";
  std::optional<RemoteWrite> remote_write;
  bool logs = true;
  std::string log_retention = "7d";
  std::string datadog_site = "datadoghq.com";
};

struct Fleet {
  std::string name;    // DNS label; names the fleet's resources and its local address block
  std::string domain;  // DNS zone: nodes are <node>.<domain>
  Target target;
  Waku waku;
  Discovery discovery;
  Observability observability;
  std::vector<Node> nodes;  // expanded, in file order
  std::string source_path;  // the fleet.toml it came from
};

}  // namespace wakufleet::spec
