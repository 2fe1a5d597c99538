// The `digitalocean` target: a fleet as DigitalOcean droplets, each node with its own persistent
// volume, reserved IP and DNS name; a VPC and a cloud firewall per fleet; the fleet's EIP-1459
// tree in DigitalOcean DNS. Resources (state addresses):
//   do_tag.<fleet>          the fleet's tag "wakufleet:<fleet>" (droplets, volumes, firewall target)
//   do_vpc.<fleet>          the fleet's private network in its region
//   do_firewall.<fleet>     inbound rules from the enabled protocols, applied to the fleet's tag
//   do_volume.<node>        block storage for the node key and the store (kept on destroy unless
//                           --destroy-volumes)
//   do_reserved_ip.<node>   the node's public address for good
//   do_droplet.<node>       the node's current droplet; any change of image, size, user data or node
//                           settings replaces it, one node at a time, keeping key, volume, IP, name
//   do_dns_record.<node>    A <node>.<domain> -> reserved IP, AAAA -> the droplet's IPv6
//   do_dns_tree.<fleet>     the EIP-1459 tree (when [discovery] dns is on)
// See docs/digitalocean.md.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/provider.hpp"
#include "providers/digitalocean/api.hpp"
#include "providers/registry.hpp"

namespace wakufleet::providers::digitalocean {

// Succeeds once something accepts TCP connections at address:port (the node's libp2p port), or
// fails after `timeout`.
using ReadinessProbe =
    std::function<util::Result<void>(const std::string& address, int port, std::chrono::seconds timeout)>;

// Hands the DataDog API key to a node's droplet (see bootstrap::datadog_key_install_command).
using KeyDelivery = std::function<util::Result<void>(const std::string& address, const std::string& api_key)>;

// Everything defaults to the real thing; tests and benchmarks inject their own.
struct ProviderOptions {
  std::optional<ClientConfig> client_config;    // default: DIGITALOCEAN_TOKEN, DIGITALOCEAN_API_URL
  util::HttpClient* http = nullptr;              // default: libcurl, owned by the provider
  Clock* clock = nullptr;                        // default: the real clock
  std::optional<ClientOptions> client_options;   // default: as shipped, or quick_client_options() for a fake
  ReadinessProbe probe;                          // default: tcp_probe, or none for a fake
  KeyDelivery deliver_datadog_key;               // default: ssh_deliver_key, or none for a fake
  std::chrono::seconds ready_timeout{900};       // a fresh droplet installs go-waku before it listens
};

std::unique_ptr<engine::Provider> make_digitalocean_provider(const Context& context);
std::unique_ptr<engine::Provider> make_digitalocean_provider(const Context& context, ProviderOptions options);

// True when the API URL's host is a loopback address: the fake DigitalOcean API (tests/fakes/do_api).
// The real API is never on loopback, so there the target polls quickly and skips the libp2p and SSH
// steps, whose addresses (198.18.0.0/15) belong to nobody.
bool is_loopback_url(const std::string& url);
ClientOptions quick_client_options();

util::Result<void> tcp_probe(const std::string& address, int port, std::chrono::seconds timeout);
// Runs the bootstrap's key install command as root@address over ssh, the key on its stdin.
util::Result<void> ssh_deliver_key(const std::string& address, const std::string& api_key);

}  // namespace wakufleet::providers::digitalocean
