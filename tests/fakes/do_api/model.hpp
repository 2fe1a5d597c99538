// The fake's in-memory DigitalOcean account: every resource, and one method per endpoint that
// turns a parsed request (Call) into a status and a JSON body (Reply). No HTTP here: server.cpp
// routes, authenticates, rate-limits and injects faults; the model only keeps state, validates
// like DigitalOcean does and moves resources along (new → active, in-progress → completed) as
// they are read.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wakufleet::fakes::do_api {

using json = nlohmann::json;

struct Reply {
  int status = 200;
  json body;  // null: no body (204)
};

Reply error_reply(int status, const std::string& id, const std::string& message);
Reply not_found();
Reply unprocessable(const std::string& message);
// DigitalOcean's tag names: letters, digits, ':', '-' and '_', at most 255.
bool valid_tag(const std::string& name);

struct Call {
  std::vector<std::string> params;            // path template captures, in order
  std::map<std::string, std::string> query;   // decoded
  json body;                                  // parsed JSON body, null if none
  std::string base_url;                       // "http://host:port", for links
  std::string path;                           // the request path, for pagination links
  bool action_errors = false;                 // the "action-errored" fault: the action will end errored
  std::string param(std::size_t i) const { return i < params.size() ? params[i] : ""; }
  std::string get(const std::string& name) const {
    auto found = query.find(name);
    return found == query.end() ? "" : found->second;
  }
};

struct ModelOptions {
  int droplet_limit = 1000;
  int floating_ip_limit = 100;
  int volume_limit = 500;
  int reads_until_active = 3;      // reads of a new droplet before it is "active"
  int reads_until_public_ip = 2;   // further reads before its public IPv4 (and IPv6) show
  int polls_until_action_done = 2;
};

struct DropletRec {
  std::int64_t id = 0;
  std::string name, region, size, status = "new", created_at, vpc_uuid, user_data;
  json image;
  bool ipv6 = false, monitoring = false;
  std::vector<std::string> tags, volume_ids;
  std::vector<std::int64_t> ssh_key_ids;
  std::string public_v4, private_v4, public_v6;
  int reads = 0;
  std::set<std::int64_t> pending_actions;  // in-progress actions that lock it
  std::int64_t create_action = 0;
};

struct ActionRec {
  std::int64_t id = 0;
  std::string type, status = "in-progress", resource_type, region, started_at, completed_at;
  std::int64_t resource_id = 0;
  int polls = 0;
  std::int64_t droplet = 0;        // the droplet it locks (0: none)
  std::string reserved_ip;         // the reserved IP it locks (empty: none)
  bool follows_droplet = false;    // a "create": completes when the droplet is active
  bool will_error = false;         // ends "errored", without its effect
  std::function<void()> effect;    // applied on completion
};

struct VolumeRec {
  std::string id, name, region, description, filesystem_type, filesystem_label, created_at;
  int size_gigabytes = 0;
  std::vector<std::int64_t> droplet_ids;
  std::vector<std::string> tags;
};

struct ReservedIpRec {
  std::string ip, region;
  std::int64_t droplet_id = 0;
  std::set<std::int64_t> pending_actions;
};

struct VpcRec {
  std::string id, name, region, ip_range, description, created_at;
  bool is_default = false;
};

struct FirewallRec {
  std::string id, name, status = "waiting", created_at;
  json inbound_rules = json::array(), outbound_rules = json::array();
  std::vector<std::int64_t> droplet_ids;
  std::vector<std::string> tags;
};

struct DomainRec {
  std::string name;
  int ttl = 1800;
  std::map<std::int64_t, json> records;
};

struct SshKeyRec {
  std::int64_t id = 0;
  std::string fingerprint, name, public_key;
};

class Model {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  using Handler = Reply (Model::*)(const Call&);

  Model(ModelOptions options, Clock now);

  // Runs one endpoint under the model's lock.
  Reply handle(Handler handler, const Call& call);
  // Every resource, for tests' assertions and GET /_fake/state.
  json snapshot();
  // Seeds a droplet without HTTP (already active, with addresses), for tests that need many.
  std::int64_t add_droplet(const std::string& name, const std::vector<std::string>& tags, const std::string& region);

  // account, catalogue, keys, tags (model_core.cpp)
  Reply get_account(const Call& call);
  Reply list_regions(const Call& call);
  Reply list_sizes(const Call& call);
  Reply list_keys(const Call& call);
  Reply create_key(const Call& call);
  Reply get_key(const Call& call);
  Reply delete_key(const Call& call);
  Reply create_tag(const Call& call);
  Reply get_tag(const Call& call);
  Reply delete_tag(const Call& call);
  Reply tag_resources(const Call& call);
  Reply untag_resources(const Call& call);

  // droplets and actions (model_droplets.cpp)
  Reply list_droplets(const Call& call);
  Reply create_droplets(const Call& call);
  Reply get_droplet(const Call& call);
  Reply delete_droplet(const Call& call);
  Reply delete_droplets_by_tag(const Call& call);
  Reply droplet_action(const Call& call);
  Reply list_droplet_actions(const Call& call);
  Reply get_action(const Call& call);

  // volumes, reserved IPs, VPCs, firewalls (model_network.cpp)
  Reply list_volumes(const Call& call);
  Reply create_volume(const Call& call);
  Reply get_volume(const Call& call);
  Reply delete_volume(const Call& call);
  Reply volume_action(const Call& call);
  Reply list_reserved_ips(const Call& call);
  Reply create_reserved_ip(const Call& call);
  Reply get_reserved_ip(const Call& call);
  Reply delete_reserved_ip(const Call& call);
  Reply reserved_ip_action(const Call& call);
  Reply list_vpcs(const Call& call);
  Reply create_vpc(const Call& call);
  Reply get_vpc(const Call& call);
  Reply delete_vpc(const Call& call);
  Reply list_firewalls(const Call& call);
  Reply create_firewall(const Call& call);
  Reply get_firewall(const Call& call);
  Reply update_firewall(const Call& call);
  Reply delete_firewall(const Call& call);

  // domains (model_dns.cpp)
  Reply list_domains(const Call& call);
  Reply create_domain(const Call& call);
  Reply get_domain(const Call& call);
  Reply delete_domain(const Call& call);
  Reply list_records(const Call& call);
  Reply create_record(const Call& call);
  Reply get_record(const Call& call);
  Reply replace_record(const Call& call);
  Reply patch_record(const Call& call);
  Reply delete_record(const Call& call);

 private:
  // ids, time, pagination, catalogue (model_core.cpp)
  std::string timestamp() const;
  std::string new_uuid();
  Reply page(const Call& call, const std::string& key, std::size_t total,
             const std::function<json(std::size_t index)>& render) const;
  const json* region(const std::string& slug) const;
  const json* size(const std::string& slug) const;
  void ensure_tags(const std::vector<std::string>& tags);

  // droplets (model_droplets.cpp)
  DropletRec* find_droplet(const std::string& id_text);
  void observe(DropletRec& droplet);
  void poll(ActionRec& action);
  void complete(ActionRec& action);
  bool locked(const DropletRec& droplet) const;
  json render(const DropletRec& droplet) const;
  json render(const ActionRec& action) const;
  ActionRec& start_action(const std::string& type, const std::string& resource_type, std::int64_t resource_id,
                          const std::string& region, std::int64_t locks_droplet);
  std::optional<std::string> check_droplet_create(const json& body, const std::vector<std::string>& names,
                                                  std::string& vpc_uuid) const;
  std::optional<std::string> check_ssh_keys(const json& body) const;
  std::int64_t make_droplet(const std::string& name, const json& body, const std::string& vpc_uuid);
  void forget_droplet(std::int64_t id);
  std::string default_vpc(const std::string& region);
  // Validates a droplet action; on success sets `effect` to what completing it changes.
  std::optional<std::string> plan_droplet_action(const DropletRec& droplet, const json& body,
                                                 std::function<void()>& effect);
  void assign_addresses(DropletRec& droplet, bool with_public);

  // network (model_network.cpp)
  json render(const VolumeRec& volume) const;
  json render(const ReservedIpRec& ip) const;
  json render(const VpcRec& vpc) const;
  json render(const FirewallRec& firewall) const;
  std::optional<std::string> check_firewall(const json& body) const;
  std::string allocate_ip_range();
  std::string allocate_reserved_ip();
  std::string allocate_private_ip(const std::string& vpc_uuid);

  // dns (model_dns.cpp)
  std::optional<std::string> check_record(const json& record) const;

  ModelOptions options_;
  Clock now_;
  std::mutex mutex_;
  json regions_, sizes_;
  std::int64_t next_droplet_ = 100000001, next_action_ = 500000001, next_record_ = 7000001, next_key_ = 9000001;
  std::uint64_t next_uuid_ = 1, next_public_ = 1, next_reserved_ = 1, next_range_ = 1;
  std::map<std::string, std::uint32_t> next_host_;  // per VPC
  std::map<std::int64_t, DropletRec> droplets_;
  std::map<std::int64_t, ActionRec> actions_;
  std::map<std::string, VolumeRec> volumes_;
  std::map<std::string, ReservedIpRec> reserved_ips_;
  std::map<std::string, VpcRec> vpcs_;
  std::map<std::string, FirewallRec> firewalls_;
  std::map<std::string, DomainRec> domains_;
  std::map<std::int64_t, SshKeyRec> keys_;
  std::set<std::string> tags_;
};

}  // namespace wakufleet::fakes::do_api
