// A node's droplet, and how it is replaced without losing the node's identity.
//
// A droplet's name says its node and its configuration (a digest of what forces a new droplet).
// Creating, updating and replacing are one idempotent routine, converge_droplet, that works from
// what DigitalOcean lists under the fleet's tag rather than from memory, so a run that was killed
// at any point is finished by the next one:
//   1. a droplet with the wanted configuration is the node's new droplet; if there is none it is
//      created: with every other node that has no droplet at all, ten to a request, when the node
//      has none either; alone (its volume attached from the start when free) when it is replaced;
//   2. droplets of any other configuration are old: each is shut down;
//   3. the volume is detached from an old droplet and attached to the new one;
//   4. once the new droplet is active with its public address, the reserved IP moves to it;
//   5. once the node accepts libp2p connections on the reserved IP, the old droplets are deleted.
// The engine replaces a droplet as "destroy, then create": the destroy of a droplet this run still
// wants is therefore left to step 5, and the rollout group keeps replacements one node at a time.
#include <algorithm>
#include <optional>
#include <cstdlib>

#include "providers/digitalocean/provider_impl.hpp"
#include "bootstrap/bootstrap.hpp"
#include "util/text.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

std::vector<std::string> strings_of(const json& value) {
  std::vector<std::string> out;
  for (const auto& item : value) out.push_back(item.get<std::string>());
  return out;
}

// The node's droplets by generation: those made with `config`, and the others.
struct Generations {
  std::vector<Droplet> current;
  std::vector<Droplet> old;
};

Generations split(const std::vector<Droplet>& droplets, const std::string& config) {
  Generations out;
  for (const auto& droplet : droplets) {
    (parse_droplet_name(droplet.name).config == config ? out.current : out.old).push_back(droplet);
  }
  // Two of the wanted configuration (made outside wakufleet): keep the oldest, retire the rest.
  std::sort(out.current.begin(), out.current.end(), [](const Droplet& a, const Droplet& b) { return a.id < b.id; });
  while (out.current.size() > 1) {
    out.old.push_back(out.current.back());
    out.current.pop_back();
  }
  return out;
}

}  // namespace

// What converge_droplet works with, gathered once.
struct DigitalOceanProvider::NodePlan {
  const spec::Node* node = nullptr;
  Resource resource;
  std::string config;
  std::string reserved_ip;
  Volume volume;
  std::string vpc_id;
};

Result<DigitalOceanProvider::NodePlan> DigitalOceanProvider::plan_node(const std::string& name) {
  NodePlan plan;
  plan.node = node_named(name);
  if (plan.node == nullptr) return util::fail("node " + name + " is not in the spec");
  const Facts known_facts = facts();
  auto resource = droplet_resource(*plan.node, known_facts);
  if (!resource) return resource.error();
  plan.resource = std::move(*resource);
  plan.config = config_of(plan.resource);
  auto ip = known_facts.reserved_ips.find(name);
  auto volume = known_facts.volumes.find(name);
  if (plan.config.empty() || ip == known_facts.reserved_ips.end() || volume == known_facts.volumes.end() ||
      known_facts.vpc_id.empty()) {
    return util::fail("node " + name + ": its reserved IP, volume or the fleet's VPC is not known yet; run apply again");
  }
  plan.reserved_ip = ip->second;
  plan.volume = volume->second;
  plan.vpc_id = known_facts.vpc_id;
  return plan;
}

Result<ResourceState> DigitalOceanProvider::create_droplet(const Resource& desired, const engine::ProgressFn& progress) {
  return converge_droplet(desired, progress);
}

Result<ResourceState> DigitalOceanProvider::update_droplet(const Resource& desired, const ResourceState& /*prior*/,
                                                           const engine::ProgressFn& progress) {
  return converge_droplet(desired, progress);
}

Result<ResourceState> DigitalOceanProvider::converge_droplet(const Resource& desired, const engine::ProgressFn& progress) {
  auto plan = plan_node(desired.name);
  if (!plan) return plan.error();
  auto listed = droplets_of_node(desired.name);
  if (!listed) return listed.error();
  if (listed->empty()) {
    if (auto made = create_missing_droplets(progress); !made) return made.error();
    listed = droplets_of_node(desired.name);
    if (!listed) return listed.error();
  }
  Generations generations = split(*listed, plan->config);
  const bool fresh = generations.current.empty() || created_by_this_run(generations.current.front());
  Droplet target;
  if (generations.current.empty()) {
    auto made = make_droplet(*plan, volume_holders(*listed, plan->volume).empty(), progress);
    if (!made) return made.error();
    target = *made;
  } else {
    target = generations.current.front();
  }
  for (const auto& old : generations.old) {
    if (auto stopped = stop_droplet(old, progress); !stopped) return stopped.error();
  }
  if (auto moved = move_volume(*plan, *listed, target, progress); !moved) return moved.error();
  auto ready = client_->wait_droplets_ready(fleet_tag(fleet_), {target.id});
  if (!ready) return ready.error();
  target = ready->front();
  if (auto assigned = move_reserved_ip(*plan, target, fresh, progress); !assigned) return assigned.error();
  if (auto up = wait_node(*plan, progress); !up) return up.error();
  for (const auto& old : generations.old) {
    if (auto deleted = delete_droplet(old, progress); !deleted) return deleted.error();
  }
  return record_droplet(*plan, target);
}

DropletRequest DigitalOceanProvider::droplet_request(const NodePlan& plan, std::string user_data) const {
  const json& attributes = plan.resource.attributes;
  DropletRequest request;
  request.name = attributes.at("name");
  request.region = attributes.at("region");
  request.size = attributes.at("size");
  request.image = attributes.at("image");
  request.ssh_keys = strings_of(attributes.at("ssh_keys"));
  request.ipv6 = true;
  request.monitoring = true;
  request.tags = {fleet_tag(fleet_)};
  request.user_data = std::move(user_data);
  request.vpc_uuid = plan.vpc_id;
  request.lookup_tag = fleet_tag(fleet_);  // the unique name tells this create's droplet apart
  return request;
}

// A replacement's droplet: alone, with the node's own user data.
Result<Droplet> DigitalOceanProvider::make_droplet(const NodePlan& plan, bool with_volume,
                                                   const engine::ProgressFn& progress) {
  auto user_data = node_user_data(*plan.node, plan.reserved_ip);
  if (!user_data) return user_data.error();
  DropletRequest request = droplet_request(plan, std::move(*user_data));
  // A free volume is attached from the first boot; one still on an old droplet moves later.
  if (with_volume) request.volume_ids = {plan.volume.id};
  progress(plan.resource.address(), "creating droplet " + request.name + " (" + request.size + ", " + request.image + ")");
  auto made = client_->create_droplets({request});
  if (!made) return made.error();
  remember_created(*made);
  return made->front();
}

// Every node of the spec that has no droplet at all gets one now, up to ten to a request
// (DigitalOcean's names[]): a fleet of 100 is created in ten requests instead of a hundred, and
// its droplets boot together. A multi-create shares its user data, so the members' user data is
// merged (bootstrap::batch_user_data) and each droplet picks its own part by name. Their volumes
// are attached, and their addresses assigned, when converge_droplet gets to each node; their
// bootstraps wait for that. One caller at a time: the others find their droplets made.
Result<void> DigitalOceanProvider::create_missing_droplets(const engine::ProgressFn& progress) {
  std::lock_guard serial(create_mutex_);
  auto listed = client_->list_droplets_by_tag(fleet_tag(fleet_));
  if (!listed) return listed.error();
  std::vector<NodePlan> plans;
  for (const auto& node : fleet_.nodes) {
    const bool has_droplet = std::any_of(listed->begin(), listed->end(), [&](const Droplet& d) {
      return node_of_droplet(d) == node.name;
    });
    if (has_droplet) continue;
    auto plan = plan_node(node.name);
    if (!plan) return plan.error();
    plans.push_back(std::move(*plan));
  }
  auto batches = batch_requests(plans);
  if (!batches) return batches.error();
  for (const auto& batch : *batches) {
    std::vector<std::string> names;
    for (const auto& request : batch) names.push_back(request.name);
    progress(kDropletType + std::string(".") + node_of_name(names.front()),
             "creating " + std::to_string(batch.size()) + " droplet(s) in one request: " + util::join(names, ", "));
    auto made = client_->create_droplets(batch);
    if (!made) return made.error();
    remember_created(*made);
  }
  return {};
}

// Consecutive nodes, as many as fit in one request: at most droplets_per_request (ten), and user
// data within 64 KiB.
Result<std::vector<std::vector<DropletRequest>>> DigitalOceanProvider::batch_requests(const std::vector<NodePlan>& plans) {
  std::vector<std::vector<DropletRequest>> batches;
  std::vector<bootstrap::BatchMember> members;
  std::vector<const NodePlan*> included;
  std::string shared;  // the user data of `members`
  const std::size_t per_request = std::clamp<std::size_t>(
      static_cast<std::size_t>(fleet_.target.digitalocean.droplets_per_request), 1, kDropletsPerRequest);
  // A droplet alone in its request gets the user data it would get in a replacement.
  auto close = [&]() -> Result<void> {
    if (members.empty()) return {};
    if (included.size() == 1) {
      auto own = node_user_data(*included.front()->node, included.front()->reserved_ip);
      if (!own) return own.error();
      shared = std::move(*own);
    }
    std::vector<DropletRequest> batch;
    for (const auto* plan : included) batch.push_back(droplet_request(*plan, shared));
    batches.push_back(std::move(batch));
    members.clear();
    included.clear();
    return {};
  };
  // The user data of `members` with `member` added, or nothing when it would not fit a request.
  auto merged_with = [&](const bootstrap::BatchMember& member) -> std::optional<Result<std::string>> {
    if (members.size() + 1 > per_request) return std::nullopt;
    auto candidate = members;
    candidate.push_back(member);
    return bootstrap::batch_user_data(fleet_, candidate, release());
  };
  for (const auto& plan : plans) {
    auto member = batch_member(plan);
    if (!member) return member.error();
    auto merged = merged_with(*member);
    if (!members.empty() && (!merged || !*merged)) {  // full: the node opens the next request
      if (auto closed = close(); !closed) return closed.error();
      merged = merged_with(*member);
    }
    if (!*merged) return util::fail("node " + plan.node->name + ": " + merged->error().message);
    shared = std::move(**merged);
    members.push_back(std::move(*member));
    included.push_back(&plan);
  }
  if (auto closed = close(); !closed) return closed.error();
  return batches;
}

Result<bootstrap::BatchMember> DigitalOceanProvider::batch_member(const NodePlan& plan) {
  auto droplet = node_droplet(*plan.node, plan.reserved_ip);
  if (!droplet) return droplet.error();
  return bootstrap::BatchMember{plan.resource.attributes.at("name"), plan.node, std::move(*droplet)};
}

void DigitalOceanProvider::remember_created(const std::vector<Droplet>& droplets) {
  std::lock_guard lock(mutex_);
  for (const auto& droplet : droplets) created_.insert(droplet.id);
}

bool DigitalOceanProvider::created_by_this_run(const Droplet& droplet) const {
  std::lock_guard lock(mutex_);
  return created_.count(droplet.id) > 0;
}

// A graceful shutdown lets go-waku close its store; a droplet that does not stop is powered off.
Result<void> DigitalOceanProvider::stop_droplet(const Droplet& old, const engine::ProgressFn& progress) {
  if (old.status == "off" || old.status == "archive") return {};
  progress(std::string(kDropletType) + "." + node_of_droplet(old), "stopping the old droplet " + std::to_string(old.id));
  if (client_->droplet_action(old.id, "shutdown")) return {};
  auto off = client_->droplet_action(old.id, "power_off");
  if (!off) return off.error();
  return {};
}

// Which of the node's droplets (as just listed) hold its volume; a volume that the last refresh saw
// on a droplet outside the node's tag counts as held too.
std::vector<std::int64_t> DigitalOceanProvider::volume_holders(const std::vector<Droplet>& node_droplets,
                                                               const Volume& volume) const {
  std::vector<std::int64_t> holders;
  for (const auto& droplet : node_droplets) {
    if (std::find(droplet.volume_ids.begin(), droplet.volume_ids.end(), volume.id) != droplet.volume_ids.end()) {
      holders.push_back(droplet.id);
    }
  }
  for (auto id : volume.droplet_ids) {
    bool listed = std::any_of(node_droplets.begin(), node_droplets.end(), [&](const Droplet& d) { return d.id == id; });
    if (!listed) holders.push_back(id);
  }
  return holders;
}

Result<void> DigitalOceanProvider::move_volume(const NodePlan& plan, const std::vector<Droplet>& node_droplets,
                                               const Droplet& target, const engine::ProgressFn& progress) {
  if (std::find(target.volume_ids.begin(), target.volume_ids.end(), plan.volume.id) != target.volume_ids.end()) {
    return {};
  }
  for (auto holder : volume_holders(node_droplets, plan.volume)) {
    if (holder == target.id) return {};
    progress(plan.resource.address(), "detaching volume " + plan.volume.name + " from droplet " + std::to_string(holder));
    if (auto detached = client_->detach_volume(plan.volume.id, holder, plan.volume.region); !detached) return detached;
  }
  progress(plan.resource.address(), "attaching volume " + plan.volume.name + " to droplet " + std::to_string(target.id));
  return client_->attach_volume(plan.volume.id, target.id, plan.volume.region);
}

// A droplet made by this call cannot hold the address yet: it is assigned without asking.
Result<void> DigitalOceanProvider::move_reserved_ip(const NodePlan& plan, const Droplet& target, bool fresh,
                                                    const engine::ProgressFn& progress) {
  if (!fresh) {
    auto now = client_->transport().call("GET", "/v2/reserved_ips/" + plan.reserved_ip);
    if (!now) return now.error();
    if (parse_reserved_ip(now->value("reserved_ip", json::object())).droplet_id == target.id) return {};
  }
  progress(plan.resource.address(), "assigning reserved IP " + plan.reserved_ip + " to droplet " + std::to_string(target.id));
  return client_->assign_reserved_ip(plan.reserved_ip, target.id);
}

// The node is up when it accepts libp2p connections on its reserved IP; then the DataDog key (if
// any) is handed over, which needs the droplet's SSH server, up by then.
Result<void> DigitalOceanProvider::wait_node(const NodePlan& plan, const engine::ProgressFn& progress) {
  if (options_.probe) {
    progress(plan.resource.address(), "waiting for go-waku to accept connections on " + plan.reserved_ip + ":" +
                                          std::to_string(kTcpPort));
    if (auto up = options_.probe(plan.reserved_ip, kTcpPort, options_.ready_timeout); !up) {
      return util::fail("node " + plan.node->name + " did not come up: " + up.error().message +
                        " (see the droplet's journal: journalctl -u go-waku, and /var/log/cloud-init-output.log)");
    }
  }
  const char* key = std::getenv("DD_API_KEY");
  if (!options_.deliver_datadog_key || key == nullptr || *key == '\0') return {};
  progress(plan.resource.address(), "handing the DataDog API key to the droplet over SSH");
  if (auto delivered = options_.deliver_datadog_key(plan.reserved_ip, key); !delivered) {
    return util::fail("node " + plan.node->name + ": the DataDog API key could not be delivered: " +
                      delivered.error().message + " (is this machine in admin_cidrs?)");
  }
  return {};
}

Result<void> DigitalOceanProvider::delete_droplet(const Droplet& old, const engine::ProgressFn& progress) {
  progress(std::string(kDropletType) + "." + node_of_droplet(old), "deleting the old droplet " + std::to_string(old.id));
  return client_->delete_droplet(old.id);
}

// The node whose droplet this is, by its name ("" for a droplet of no node of this fleet). Nodes
// of the spec are matched by their stem (which may be shortened); others by the name's middle.
std::string DigitalOceanProvider::node_of_name(const std::string& name) const {
  const std::string stem = parse_droplet_name(name).stem;
  for (const auto& node : fleet_.nodes) {
    if (droplet_stem(fleet_, node.name) == stem) return node.name;
  }
  const std::string prefix = fleet_.name + "-";
  return stem.rfind(prefix, 0) == 0 && stem.size() > prefix.size() ? stem.substr(prefix.size()) : "";
}

std::string DigitalOceanProvider::node_of_droplet(const Droplet& droplet) const { return node_of_name(droplet.name); }

// The node's droplets, every generation, from one list of the fleet's.
Result<std::vector<Droplet>> DigitalOceanProvider::droplets_of_node(const std::string& node) {
  auto listed = client_->list_droplets_by_tag(fleet_tag(fleet_));
  if (!listed) return listed.error();
  std::vector<Droplet> out;
  for (auto& droplet : *listed) {
    if (node_of_droplet(droplet) == node) out.push_back(std::move(droplet));
  }
  return out;
}

ResourceState DigitalOceanProvider::record_droplet(const NodePlan& plan, const Droplet& target) {
  learn([&](Facts& facts) {
    facts.droplets[plan.node->name] = target;
    facts.configs[plan.node->name] = plan.config;
  });
  return state_of(plan.resource, {{"id", std::to_string(target.id)},
                                  {"config", plan.config},
                                  {"public_ipv4", target.public_ipv4},
                                  {"public_ipv6", target.public_ipv6},
                                  {"private_ipv4", target.private_ipv4},
                                  {"status", target.status}});
}

// Deleting a node deletes every droplet under its tag (a replacement's old one included).
Result<void> DigitalOceanProvider::destroy_droplet(const ResourceState& prior, const engine::ProgressFn& progress) {
  {
    std::lock_guard lock(mutex_);
    if (replacing_.count(prior.address())) {
      progress(prior.address(), "the old droplet keeps running until the new one has taken over");
      return {};
    }
  }
  auto listed = droplets_of_node(prior.name);
  if (!listed) return listed.error();
  for (const auto& droplet : *listed) {
    if (auto deleted = delete_droplet(droplet, progress); !deleted) return deleted;
  }
  learn([&](Facts& facts) {
    facts.droplets.erase(prior.name);
    facts.configs.erase(prior.name);
  });
  return {};
}

}  // namespace wakufleet::providers::digitalocean
