// The digitalocean target: construction, the checks made before any plan, the dispatch of the
// engine's calls by resource type, and status.
#include "providers/digitalocean/provider.hpp"

#include <arpa/inet.h>

#include <cstdlib>

#include "providers/digitalocean/do_tree.hpp"
#include "providers/digitalocean/do_zone.hpp"
#include "providers/digitalocean/provider_impl.hpp"
#include "util/text.hpp"

namespace wakufleet::providers::digitalocean {

ResourceState state_of(const Resource& desired, json computed) {
  ResourceState state{desired.type, desired.name, desired.attributes, desired.depends_on};
  for (auto& [key, value] : computed.items()) state.attributes[key] = std::move(value);
  return state;
}

std::string text_attribute(const ResourceState& state, const char* key) {
  auto found = state.attributes.find(key);
  return found != state.attributes.end() && found->is_string() ? found->get<std::string>() : "";
}

bool known(const std::string& value) { return !value.empty() && value != kKnownAfterApply; }

bool is_loopback_url(const std::string& url) {
  auto start = url.find("://");
  std::string host = url.substr(start == std::string::npos ? 0 : start + 3);
  if (host.rfind("[::1]", 0) == 0) return true;
  host = host.substr(0, host.find_first_of(":/"));
  in_addr address{};
  return host == "localhost" || (inet_pton(AF_INET, host.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127);
}

// The fake DigitalOcean moves droplets and actions along as they are polled, not as time passes:
// polling it quickly changes nothing but the wall-clock time of tests.
ClientOptions quick_client_options() {
  ClientOptions options;
  options.backoff_base = std::chrono::milliseconds(20);
  options.backoff_max = std::chrono::milliseconds(200);
  options.request_timeout = std::chrono::milliseconds(1500);
  options.max_retry_after = std::chrono::seconds(1);
  options.action_poll_interval = std::chrono::milliseconds(10);
  options.locked_retry_interval = std::chrono::milliseconds(10);
  options.max_attempts = 8;
  return options;
}

DigitalOceanProvider::DigitalOceanProvider(Context context, ProviderOptions options)
    : context_(std::move(context)), options_(std::move(options)), journal_(context_.state_path) {}

// Every entry point starts here. The client is made once, on first use: a missing token is an
// error of check(), not of constructing the provider.
Result<void> DigitalOceanProvider::bind(const spec::Fleet& fleet) {
  fleet_ = fleet;
  return connect();
}

Result<void> DigitalOceanProvider::connect() {
  if (client_) return {};
  ClientConfig config;
  if (options_.client_config) {
    config = *options_.client_config;
  } else {
    auto from_environment = ClientConfig::from_environment();
    if (!from_environment) return from_environment.error();
    config = *from_environment;
  }
  fake_ = is_loopback_url(config.base_url);
  if (!options_.http) {
    own_http_ = util::make_curl_client();
    options_.http = own_http_.get();
  }
  ClientOptions client_options = options_.client_options.value_or(fake_ ? quick_client_options() : ClientOptions{});
  client_ = std::make_unique<DigitalOceanClient>(*options_.http, config, options_.clock ? *options_.clock : real_clock(),
                                                 client_options);
  if (!options_.probe && !fake_) options_.probe = tcp_probe;
  if (!options_.deliver_datadog_key && !fake_) options_.deliver_datadog_key = ssh_deliver_key;
  return {};
}

std::unique_ptr<DigitalOceanZone> DigitalOceanProvider::fresh_zone() {
  return make_digitalocean_zone(*client_, account_domain_.empty() ? fleet_.domain : account_domain_);
}

const spec::Node* DigitalOceanProvider::node_named(const std::string& name) const {
  for (const auto& node : fleet_.nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

Facts DigitalOceanProvider::facts() const {
  std::lock_guard lock(mutex_);
  return facts_;
}

// ---- checks: everything that can be known wrong before a plan is shown

Result<void> DigitalOceanProvider::check(const spec::Fleet& fleet) {
  if (auto bound = bind(fleet); !bound) return bound;
  if (auto release = check_release(); !release) return release;
  if (auto account = check_account(); !account) return account;
  const auto& target = fleet.target.digitalocean;
  if (auto placement = client_->check_placement(target.region, target.size); !placement) {
    return util::fail(placement.error().message + " ([target.digitalocean] in " + fleet.source_path + ")");
  }
  if (auto domain = check_domain(); !domain) return domain;
  if (auto keys = check_ssh_keys(); !keys) return keys;
  if (auto sized = check_tree_size(); !sized) return sized;
  notes_.clear();
  if (target.admin_cidrs.empty()) notes_.push_back("no admin_cidrs: the firewall keeps SSH (port 22) closed");
  const char* datadog_key = std::getenv("DD_API_KEY");
  if (datadog_key == nullptr || *datadog_key == '\0') {
    notes_.push_back("DD_API_KEY is not set: the droplets get the DataDog agent's configuration but not its key, so "
                     "the agent stays uninstalled (run apply with DD_API_KEY to deliver it to new droplets)");
  }
  if (fake_) {
    notes_.push_back("DIGITALOCEAN_API_URL is a loopback address, taken for the fake DigitalOcean API: quick polling, "
                     "and no libp2p readiness check or SSH to the droplets");
  }
  return {};
}

Result<void> DigitalOceanProvider::check_release() const {
  const auto& target = fleet_.target.digitalocean;
  if (target.gowaku_url.empty() || target.gowaku_sha256.empty()) {
    return util::fail("[target.digitalocean] needs gowaku_url and gowaku_sha256: the droplets download the pinned "
                      "go-waku " + fleet_.waku.version + " from there and check it (see docs/bootstrap.md, "
                      "\"The go-waku release\")");
  }
  return {};
}

Result<void> DigitalOceanProvider::check_account() {
  auto account = client_->account();
  if (!account) return util::fail("cannot use the DigitalOcean account: " + account.error().message);
  if (account->status == "locked") {
    return util::fail("the DigitalOcean account is locked: " + account->status_message);
  }
  return {};
}

Result<void> DigitalOceanProvider::check_domain() {
  auto domain = find_account_domain(*client_, fleet_.domain);
  if (!domain) return domain.error();
  if (!*domain) {
    return util::fail("domain \"" + fleet_.domain + "\" (nor any parent of it) is not a domain of this DigitalOcean "
                      "account, so the nodes' DNS records cannot be made: add it (Networking > Domains, or "
                      "doctl compute domain create " + fleet_.domain + ") or change [fleet] domain");
  }
  account_domain_ = **domain;
  return {};
}

Result<void> DigitalOceanProvider::check_ssh_keys() {
  for (const auto& key : fleet_.target.digitalocean.ssh_keys) {
    auto found = client_->ssh_key_by_fingerprint(key);
    if (!found) return found.error();
    if (!*found) {
      return util::fail("SSH key " + key + " ([target.digitalocean] ssh_keys) is not in this DigitalOcean account: "
                        "upload its public key first (Settings > Security > Add SSH Key, or doctl compute ssh-key "
                        "import NAME --public-key-file KEY.pub), or remove it from ssh_keys");
    }
  }
  return {};
}

// An ENR holds at most 300 bytes; its size does not depend on the key or the address.
Result<void> DigitalOceanProvider::check_tree_size() const {
  return fleet_.discovery.dns ? discovery::check_fleet_enr_sizes(fleet_) : Result<void>();
}

// ---- dispatch

Result<std::optional<ResourceState>> DigitalOceanProvider::read(const ResourceState& recorded) {
  if (auto connected = connect(); !connected) return connected.error();
  return read_one(recorded);
}

Result<ResourceState> DigitalOceanProvider::create(const Resource& desired, const engine::ProgressFn& progress) {
  if (auto connected = connect(); !connected) return connected.error();
  if (desired.type == kTagType) return create_tag(desired);
  if (desired.type == kVpcType) return create_vpc(desired);
  if (desired.type == kFirewallType) return put_firewall(desired, nullptr);
  if (desired.type == kVolumeType) return create_volume(desired, progress);
  if (desired.type == kReservedIpType) return create_reserved_ip(desired, progress);
  if (desired.type == kDropletType) return create_droplet(desired, progress);
  if (desired.type == kRecordType) return put_record(desired);
  if (desired.type == kTreeType) return put_tree(desired, nullptr);
  return util::fail("unknown resource type " + desired.type);
}

Result<ResourceState> DigitalOceanProvider::update(const Resource& desired, const ResourceState& prior,
                                                   const engine::ProgressFn& progress) {
  if (auto connected = connect(); !connected) return connected.error();
  if (desired.type == kFirewallType) return put_firewall(desired, &prior);
  if (desired.type == kVolumeType) return resize_volume(desired, prior);
  if (desired.type == kDropletType) return update_droplet(desired, prior, progress);
  if (desired.type == kTreeType) return put_tree(desired, &prior);
  return create(desired, progress);  // the others converge by creating again (they find what exists)
}

Result<void> DigitalOceanProvider::destroy(const ResourceState& prior, const engine::ProgressFn& progress) {
  if (auto connected = connect(); !connected) return connected;
  if (prior.type == kTagType) return destroy_tag(prior);
  if (prior.type == kVpcType) return destroy_vpc(prior, progress);
  if (prior.type == kFirewallType) return destroy_firewall(prior);
  if (prior.type == kVolumeType) return destroy_volume(prior, progress);
  if (prior.type == kReservedIpType) return destroy_reserved_ip(prior);
  if (prior.type == kDropletType) return destroy_droplet(prior, progress);
  if (prior.type == kRecordType) return destroy_record(prior);
  if (prior.type == kTreeType) return destroy_tree();
  return util::fail("unknown resource type " + prior.type);
}

// ---- status: the droplets as DigitalOcean sees them now (one list), with what state recorded

Result<json> DigitalOceanProvider::status(const spec::Fleet& fleet, const state::State& state) {
  if (auto bound = bind(fleet); !bound) return bound.error();
  auto droplets = client_->list_droplets_by_tag(fleet_tag(fleet));
  if (!droplets) return droplets.error();
  json nodes = json::array();
  for (const auto& [address, resource] : state.resources) {
    if (resource.type != kDropletType) continue;
    const std::string id = text_attribute(resource, "id");
    std::string health = "gone";
    for (const auto& droplet : *droplets) {
      if (std::to_string(droplet.id) == id) health = droplet.status == "active" ? "running" : droplet.status;
    }
    auto ip = state.resources.find(std::string(kReservedIpType) + "." + resource.name);
    nodes.push_back({{"name", resource.name},
                     {"address", ip == state.resources.end() ? json(nullptr) : json(text_attribute(ip->second, "ip"))},
                     {"state", health},
                     {"droplet", id},
                     {"ipv6", text_attribute(resource, "public_ipv6")},
                     {"dns", node_fqdn(fleet, resource.name)},
                     {"peer_id", peer_id_of_node(context_.state_path, resource.name)}});
  }
  auto tree = state.resources.find(std::string(kTreeType) + "." + fleet.name);
  return json{{"fleet", fleet.name},
              {"target", "digitalocean"},
              {"region", fleet.target.digitalocean.region},
              {"enrtree", tree == state.resources.end() ? json(nullptr) : json(text_attribute(tree->second, "url"))},
              {"nodes", nodes}};
}

std::unique_ptr<engine::Provider> make_digitalocean_provider(const Context& context) {
  return make_digitalocean_provider(context, ProviderOptions{});
}

std::unique_ptr<engine::Provider> make_digitalocean_provider(const Context& context, ProviderOptions options) {
  return std::make_unique<DigitalOceanProvider>(context, std::move(options));
}

}  // namespace wakufleet::providers::digitalocean
