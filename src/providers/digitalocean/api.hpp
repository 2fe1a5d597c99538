// DigitalOcean API v2 client: the typed operations a fleet needs, on top of Transport (pagination,
// rate limits, retries). Two promises beyond plain HTTP:
//  - no duplicates: a create is sent once per attempt; after a timeout or a 5xx (the outcome is
//    unknown: DigitalOcean may have applied it) the client looks the resource up by its tag, name
//    or address before it decides to send the create again;
//  - actions on one droplet never overlap: they are serialized per droplet id and waited for, and
//    a 422 "pending event" (the droplet is locked by someone else's action) is waited out.
// The token comes from DIGITALOCEAN_TOKEN and is never stored anywhere but in memory, nor printed.
// Thread-safe: the engine's apply workers share one client.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "providers/digitalocean/clock.hpp"
#include "providers/digitalocean/transport.hpp"
#include "providers/digitalocean/types.hpp"
#include "util/http.hpp"
#include "util/result.hpp"

namespace wakufleet::providers::digitalocean {

inline constexpr const char* kDefaultApiUrl = "https://api.digitalocean.com";

struct ClientConfig {
  std::string base_url = kDefaultApiUrl;
  std::string token;

  // DIGITALOCEAN_TOKEN (required) and DIGITALOCEAN_API_URL (optional, for fakes and proxies).
  static util::Result<ClientConfig> from_environment();
};

struct TaggedResource {
  std::string id;    // droplet ids as text, volume ids as they are
  std::string type;  // "droplet" or "volume"
};

class DigitalOceanClient {
 public:
  DigitalOceanClient(util::HttpClient& http, const ClientConfig& config, Clock& clock = real_clock(),
                     ClientOptions options = {});

  // Account and catalogue.
  util::Result<Account> account();  // also the token check
  util::Result<std::vector<Region>> list_regions();
  util::Result<std::vector<Size>> list_sizes();
  // Region exists and is available, size exists and is offered there (with did-you-mean).
  util::Result<void> check_placement(const std::string& region, const std::string& size);

  // SSH keys: looked up by fingerprint (not by listing: GET /v2/account/keys allows 10 a minute).
  util::Result<std::optional<SshKey>> ssh_key_by_fingerprint(const std::string& fingerprint);
  util::Result<SshKey> create_ssh_key(const std::string& name, const std::string& public_key);

  // Tags. Creating an existing tag succeeds.
  util::Result<void> create_tag(const std::string& name);
  util::Result<void> tag_resources(const std::string& tag, const std::vector<TaggedResource>& resources);

  // Droplets.
  util::Result<std::vector<Droplet>> list_droplets_by_tag(const std::string& tag);
  util::Result<std::vector<Droplet>> list_droplets_by_name(const std::string& name);
  util::Result<std::optional<Droplet>> get_droplet(std::int64_t id);
  // Creates every requested droplet exactly once, in batches of up to 10 names, and tags each with
  // its resource_tag. Returns them in request order.
  util::Result<std::vector<Droplet>> create_droplets(const std::vector<DropletRequest>& requests);
  util::Result<void> delete_droplet(std::int64_t id);  // already gone is success
  // Polls the droplets carrying `tag` (one list, not one GET per droplet) until all of `ids` are
  // active with a public IPv4 address.
  util::Result<std::vector<Droplet>> wait_droplets_ready(const std::string& tag, const std::vector<std::int64_t>& ids);

  // Actions. droplet_action posts {type, ...params}, then waits until it completed.
  util::Result<Action> droplet_action(std::int64_t droplet_id, const std::string& type,
                                      const nlohmann::json& params = nlohmann::json::object());
  util::Result<Action> wait_action(std::int64_t action_id);

  // Block storage volumes. DigitalOcean filters volumes by name and region, not by tag.
  util::Result<std::vector<Volume>> list_volumes(const std::string& name = "", const std::string& region = "");
  util::Result<Volume> create_volume(const VolumeRequest& request);
  util::Result<void> delete_volume(const std::string& id);
  util::Result<void> attach_volume(const std::string& volume_id, std::int64_t droplet_id, const std::string& region);
  util::Result<void> detach_volume(const std::string& volume_id, std::int64_t droplet_id, const std::string& region);

  // Reserved IPs (formerly floating IPs).
  util::Result<std::vector<ReservedIp>> list_reserved_ips();
  util::Result<ReservedIp> create_reserved_ip_for_droplet(std::int64_t droplet_id);
  util::Result<ReservedIp> create_reserved_ip_in_region(const std::string& region);
  // The same, calling `before_create` with the region's addresses as listed before the create (the
  // digitalocean target journals them, to recognise its address after being killed mid-create).
  util::Result<ReservedIp> create_reserved_ip_in_region(
      const std::string& region, const std::function<util::Result<void>(const std::vector<ReservedIp>&)>& before_create);
  util::Result<void> assign_reserved_ip(const std::string& ip, std::int64_t droplet_id);
  util::Result<void> unassign_reserved_ip(const std::string& ip);
  util::Result<void> delete_reserved_ip(const std::string& ip);

  // VPCs (names are unique per account).
  util::Result<std::vector<Vpc>> list_vpcs();
  util::Result<Vpc> create_vpc(const VpcRequest& request);
  util::Result<void> delete_vpc(const std::string& id);

  // Cloud firewalls. An update replaces the whole firewall.
  util::Result<std::vector<Firewall>> list_firewalls();
  util::Result<Firewall> create_firewall(const FirewallRequest& request);
  util::Result<Firewall> update_firewall(const std::string& id, const FirewallRequest& request);
  util::Result<void> delete_firewall(const std::string& id);

  // DNS. Record filters: type ("A", "TXT"...) and the record's full name ("node-1.fleet.example.com").
  util::Result<std::optional<Domain>> get_domain(const std::string& name);
  util::Result<std::vector<DomainRecord>> list_domain_records(const std::string& domain, const std::string& type = "",
                                                              const std::string& fqdn = "");
  util::Result<DomainRecord> create_domain_record(const std::string& domain, const DomainRecord& record);
  util::Result<DomainRecord> update_domain_record(const std::string& domain, std::int64_t id, const DomainRecord& record);
  util::Result<void> delete_domain_record(const std::string& domain, std::int64_t id);

  Transport& transport() { return transport_; }

 private:
  util::Result<std::vector<Droplet>> create_droplet_batch(const std::vector<const DropletRequest*>& batch,
                                                          const std::set<std::int64_t>& preexisting);
  util::Result<void> add_resource_tags(std::vector<Droplet>& created, const std::vector<DropletRequest>& requests);
  util::Result<Action> post_action(const std::string& path, const nlohmann::json& body,
                                   const std::function<util::Result<std::optional<Action>>()>& already_done);
  util::Result<std::optional<Action>> running_droplet_action(std::int64_t droplet_id, const std::string& type);
  util::Result<void> volume_action(const std::string& type, const std::string& volume_id, std::int64_t droplet_id,
                                   const std::string& region);
  util::Result<void> delete_path(const std::string& path);
  std::shared_ptr<std::mutex> droplet_lock(std::int64_t droplet_id);

  Transport transport_;
  std::mutex locks_mutex_;
  std::map<std::int64_t, std::shared_ptr<std::mutex>> droplet_locks_;
};

}  // namespace wakufleet::providers::digitalocean
