// The digitalocean target's provider class, private to this folder. Its methods live in several
// files, one per concern: provider.cpp (wiring, checks, dispatch, status), desired.cpp,
// refresh.cpp, network.cpp (tag, VPC, firewall), node_parts.cpp (volume, reserved IP, DNS record),
// droplet.cpp (create and replacement), tree.cpp (the EIP-1459 tree).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "bootstrap/bootstrap.hpp"
#include "dns/zone.hpp"
#include "providers/digitalocean/do_zone.hpp"
#include "providers/digitalocean/names.hpp"
#include "providers/digitalocean/provider.hpp"
#include "providers/digitalocean/secrets.hpp"

namespace wakufleet::providers::digitalocean {

using engine::Resource;
using nlohmann::json;
using state::ResourceState;
using util::Result;

// DigitalOcean's limit for one multi-create (names[]).
inline constexpr std::size_t kDropletsPerRequest = 10;

// What the target knows about the fleet's real resources, from the last refresh and from what this
// run created. desired() takes the values DigitalOcean chooses from here (a reserved IP, the VPC's
// range, a droplet's IPv6); creates take ids from here.
struct Facts {
  std::string vpc_id;
  std::string vpc_range;
  std::map<std::string, std::string> reserved_ips;  // node -> address
  std::map<std::string, Volume> volumes;            // node -> its volume
  std::map<std::string, Droplet> droplets;          // node -> its current droplet
  std::map<std::string, std::string> configs;       // node -> config of its current droplet
};

// The lists one refresh reads: one request each (per page of 200), whatever the fleet's size.
struct Inventory {
  bool tag_exists = false;
  std::vector<Vpc> vpcs;
  std::vector<Firewall> firewalls;
  std::vector<Volume> volumes;
  std::vector<ReservedIp> reserved_ips;
  std::vector<Droplet> droplets;  // carrying the fleet's tag
  std::vector<dns::Record> records;
};

class DigitalOceanProvider : public engine::Provider {
 public:
  DigitalOceanProvider(Context context, ProviderOptions options);

  std::string name() const override { return "digitalocean"; }
  Result<void> check(const spec::Fleet& fleet) override;
  std::vector<std::string> notes() const override { return notes_; }
  Result<std::vector<Resource>> desired(const spec::Fleet& fleet) override;
  Result<std::map<std::string, ResourceState>> refresh(const std::map<std::string, ResourceState>& recorded) override;
  Result<std::optional<ResourceState>> read(const ResourceState& recorded) override;
  Result<ResourceState> create(const Resource& desired, const engine::ProgressFn& progress) override;
  Result<ResourceState> update(const Resource& desired, const ResourceState& prior,
                               const engine::ProgressFn& progress) override;
  Result<void> destroy(const ResourceState& prior, const engine::ProgressFn& progress) override;
  Result<json> status(const spec::Fleet& fleet, const state::State& state) override;

 private:
  // provider.cpp
  Result<void> bind(const spec::Fleet& fleet);
  Result<void> connect();
  Result<void> check_account();
  Result<void> check_domain();
  Result<void> check_ssh_keys();
  Result<void> check_release() const;
  Result<void> check_tree_size() const;
  std::unique_ptr<DigitalOceanZone> fresh_zone();  // for one operation, primed by the caller
  const spec::Node* node_named(const std::string& name) const;
  Facts facts() const;
  template <typename Change>
  void learn(Change change) {
    std::lock_guard lock(mutex_);
    change(facts_);
  }

  // desired.cpp
  Resource tag_resource() const;
  Resource vpc_resource() const;
  Resource firewall_resource(const Facts& known) const;
  Resource volume_resource(const spec::Node& node) const;
  Resource reserved_ip_resource(const spec::Node& node) const;
  Result<Resource> droplet_resource(const spec::Node& node, const Facts& known);
  Resource record_resource(const spec::Node& node, const Facts& known, const std::string& config) const;
  Resource tree_resource(const Facts& known) const;
  Result<std::string> node_user_data(const spec::Node& node, const std::string& reserved_ip);
  Result<bootstrap::NodeDroplet> node_droplet(const spec::Node& node, const std::string& reserved_ip);
  bootstrap::Options release() const;

  // refresh.cpp
  Result<Inventory> take_inventory(const std::map<std::string, ResourceState>& recorded);
  std::optional<ResourceState> refreshed(const ResourceState& recorded, const Inventory& inventory) const;
  std::optional<ResourceState> refreshed_droplet(const ResourceState& recorded, const Inventory& inventory) const;
  std::optional<ResourceState> refreshed_record(const ResourceState& recorded, const Inventory& inventory) const;
  void learn_from(const std::map<std::string, ResourceState>& actual, const Inventory& inventory);
  Result<void> adopt_strays(std::map<std::string, ResourceState>& actual, const Inventory& inventory);
  Result<ResourceState> adopted_droplet(const Droplet& droplet, const std::string& node);
  void adopt_kept_volumes(std::map<std::string, ResourceState>& actual, const Inventory& inventory) const;
  Result<std::optional<ResourceState>> read_one(const ResourceState& recorded);

  // network.cpp
  Result<ResourceState> create_tag(const Resource& desired);
  Result<void> destroy_tag(const ResourceState& prior);
  Result<ResourceState> create_vpc(const Resource& desired);
  Result<void> destroy_vpc(const ResourceState& prior, const engine::ProgressFn& progress);
  Result<ResourceState> put_firewall(const Resource& desired, const ResourceState* prior);
  Result<void> destroy_firewall(const ResourceState& prior);

  // node_parts.cpp
  Result<ResourceState> create_volume(const Resource& desired, const engine::ProgressFn& progress);
  Result<ResourceState> resize_volume(const Resource& desired, const ResourceState& prior);
  Result<void> destroy_volume(const ResourceState& prior, const engine::ProgressFn& progress);
  Result<ResourceState> create_reserved_ip(const Resource& desired, const engine::ProgressFn& progress);
  Result<std::optional<std::string>> adopt_journaled_ip(const std::string& node, const std::string& region);
  Result<void> destroy_reserved_ip(const ResourceState& prior);
  Result<ResourceState> put_record(const Resource& desired);
  Result<void> destroy_record(const ResourceState& prior);

  // droplet.cpp
  struct NodePlan;
  Result<ResourceState> create_droplet(const Resource& desired, const engine::ProgressFn& progress);
  Result<ResourceState> update_droplet(const Resource& desired, const ResourceState& prior,
                                       const engine::ProgressFn& progress);
  Result<void> destroy_droplet(const ResourceState& prior, const engine::ProgressFn& progress);
  Result<ResourceState> converge_droplet(const Resource& desired, const engine::ProgressFn& progress);
  Result<NodePlan> plan_node(const std::string& name);
  DropletRequest droplet_request(const NodePlan& plan, std::string user_data) const;
  Result<Droplet> make_droplet(const NodePlan& plan, bool with_volume, const engine::ProgressFn& progress);
  Result<void> create_missing_droplets(const engine::ProgressFn& progress);
  Result<std::vector<std::vector<DropletRequest>>> batch_requests(const std::vector<NodePlan>& plans);
  Result<bootstrap::BatchMember> batch_member(const NodePlan& plan);
  void remember_created(const std::vector<Droplet>& droplets);
  bool created_by_this_run(const Droplet& droplet) const;
  Result<std::vector<Droplet>> droplets_of_node(const std::string& node);
  Result<void> stop_droplet(const Droplet& old, const engine::ProgressFn& progress);
  std::vector<std::int64_t> volume_holders(const std::vector<Droplet>& node_droplets, const Volume& volume) const;
  Result<void> move_volume(const NodePlan& plan, const std::vector<Droplet>& node_droplets, const Droplet& target,
                           const engine::ProgressFn& progress);
  Result<void> move_reserved_ip(const NodePlan& plan, const Droplet& target, bool fresh,
                                const engine::ProgressFn& progress);
  Result<void> wait_node(const NodePlan& plan, const engine::ProgressFn& progress);
  Result<void> delete_droplet(const Droplet& old, const engine::ProgressFn& progress);
  std::string node_of_name(const std::string& droplet_name) const;  // "" when no node of this fleet
  std::string node_of_droplet(const Droplet& droplet) const;
  ResourceState record_droplet(const NodePlan& plan, const Droplet& target);

  // tree.cpp
  Result<ResourceState> put_tree(const Resource& desired, const ResourceState* prior);
  Result<void> destroy_tree();

  Context context_;
  ProviderOptions options_;
  std::unique_ptr<util::HttpClient> own_http_;
  std::unique_ptr<DigitalOceanClient> client_;
  spec::Fleet fleet_;
  bool fake_ = false;
  std::string account_domain_;  // the account's domain that holds the fleet's domain
  std::vector<std::string> notes_;
  ReservedIpJournal journal_;

  mutable std::mutex mutex_;        // guards facts_ and replacing_
  Facts facts_;
  std::set<std::string> replacing_;  // droplets this run wants: destroying one is a replacement's first half
  std::mutex reserved_ip_mutex_;     // reserved IP creates one at a time (see create_reserved_ip)
  std::mutex create_mutex_;          // one create_missing_droplets at a time
  std::set<std::int64_t> created_;   // droplets this run created (guarded by mutex_)
};

// Helpers shared by the files above.
ResourceState state_of(const Resource& desired, json computed = json::object());
std::string text_attribute(const ResourceState& state, const char* key);
bool known(const std::string& value);  // not kKnownAfterApply
// The droplet's configuration: a digest of the attributes that force a new droplet; "" while one
// of them is still unknown.
std::string config_of(const Resource& droplet);

}  // namespace wakufleet::providers::digitalocean
