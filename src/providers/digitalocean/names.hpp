// How the digitalocean target names and tags what it creates. Names are how resources are found
// again after wakufleet died between a create and the state write (volumes by name and region,
// the VPC and the firewall by name, droplets by name under the fleet's tag, which refresh lists
// with one request).
#pragma once

#include <string>

#include "spec/fleet.hpp"

namespace wakufleet::providers::digitalocean {

// Resource types in the state.
inline constexpr const char* kTagType = "do_tag";
inline constexpr const char* kVpcType = "do_vpc";
inline constexpr const char* kFirewallType = "do_firewall";
inline constexpr const char* kVolumeType = "do_volume";
inline constexpr const char* kReservedIpType = "do_reserved_ip";
inline constexpr const char* kDropletType = "do_droplet";
inline constexpr const char* kRecordType = "do_dns_record";
inline constexpr const char* kTreeType = "do_dns_tree";

// What plans show for a value that exists only once apply has made it (a reserved IP, a digest of
// user data that contains it).
inline constexpr const char* kKnownAfterApply = "(known after apply)";

// Ports of a node (see waku/node_config.cpp).
inline constexpr int kTcpPort = 60000;
inline constexpr int kWebsocketPort = 60001;
inline constexpr int kDiscv5Port = 9000;
inline constexpr int kMetricsPort = 8008;
inline constexpr int kRestPort = 8645;

// "wakufleet:<fleet>": every droplet, volume and the firewall's target. Colons cannot occur in
// fleet or node names (DNS labels), so no fleet's tag is a prefix-collision of another's.
std::string fleet_tag(const spec::Fleet& fleet);
// "wakufleet:<fleet>:<node>": the volume of one node (it outlives the fleet's tag after a destroy).
std::string node_tag(const spec::Fleet& fleet, const std::string& node);
// The node a node tag names ("" when `tag` is not one of this fleet's node tags).
std::string node_of_tag(const spec::Fleet& fleet, const std::string& tag);

// "<fleet>-<node>-<config>": a droplet's name says whose it is and which configuration (12 hex
// digits, a digest of what forces a new droplet) it was made with, like a Kubernetes pod's
// template hash. Names are per droplet even in a multi-create, where tags are shared, and they
// are the droplet's hostname (at most 63 characters: a long fleet or node name is cut and ends in
// a digest). Refresh reads the configuration back from it: DigitalOcean never returns user data.
std::string droplet_name(const spec::Fleet& fleet, const std::string& node, const std::string& config);
// What every droplet of the node starts with, whatever its configuration: "<fleet>-<node>".
std::string droplet_stem(const spec::Fleet& fleet, const std::string& node);
// A droplet name taken apart; `config` is "" when the name ends in no configuration.
struct DropletName {
  std::string stem;
  std::string config;
};
DropletName parse_droplet_name(const std::string& name);
// DigitalOcean volume names: lowercase, a letter first, at most 64; unique per region.
std::string volume_name(const spec::Fleet& fleet, const std::string& node);
std::string vpc_name(const spec::Fleet& fleet);       // wakufleet-<fleet>-<region>, unique per account
std::string firewall_name(const spec::Fleet& fleet);  // wakufleet-<fleet>
std::string node_fqdn(const spec::Fleet& fleet, const std::string& node);  // <node>.<domain>
std::string tree_domain(const spec::Fleet& fleet);  // <tree_subdomain>.<domain>

// The first 12 hex digits of sha256(text).
std::string short_digest(const std::string& text);

}  // namespace wakufleet::providers::digitalocean
