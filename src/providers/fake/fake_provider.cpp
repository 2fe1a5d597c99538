#include "providers/fake/fake_provider.hpp"

#include <thread>

namespace wakufleet::providers::fake {

using engine::Resource;
using nlohmann::json;
using util::Result;

namespace {

json protocols_json(const spec::Protocols& protocols) {
  json list = json::array();
  if (protocols.relay) list.push_back("relay");
  if (protocols.store) list.push_back("store");
  if (protocols.filter) list.push_back("filter");
  if (protocols.lightpush) list.push_back("lightpush");
  if (protocols.peer_exchange) list.push_back("peer-exchange");
  return list;
}

Resource network_for(const spec::Fleet& fleet) {
  Resource network{"fake_network", fleet.name};
  network.attributes = {{"cluster_id", fleet.waku.cluster_id}};
  network.force_new = {"cluster_id"};
  return network;
}

Resource node_for(const spec::Fleet& fleet, const spec::Node& node, const Resource& network) {
  Resource resource{"fake_node", node.name};
  resource.attributes = {{"index", node.index},
                         {"protocols", protocols_json(node.protocols)},
                         {"log_level", fleet.waku.log_level},
                         {"shards", fleet.waku.shards},
                         {"node_key_digest", "sha256:" + std::to_string(node.index * 7919)}};
  resource.sensitive = {"node_key_digest"};
  resource.force_new = {"shards"};
  resource.depends_on = {network.address()};
  resource.rollout_group = "nodes";
  return resource;
}

Resource record_for(const spec::Fleet& fleet, const Resource& node) {
  Resource record{"fake_record", node.name};
  record.attributes = {{"fqdn", node.name + "." + fleet.domain}};
  record.depends_on = {node.address()};
  return record;
}

}  // namespace

Result<void> FakeProvider::check(const spec::Fleet&) { return {}; }

Result<std::vector<Resource>> FakeProvider::desired(const spec::Fleet& fleet) {
  std::vector<Resource> resources;
  resources.reserve(1 + 2 * fleet.nodes.size());
  resources.push_back(network_for(fleet));
  for (const auto& node : fleet.nodes) resources.push_back(node_for(fleet, node, resources.front()));
  for (const auto& node : fleet.nodes) resources.push_back(record_for(fleet, Resource{"fake_node", node.name}));
  return resources;
}

Result<std::optional<state::ResourceState>> FakeProvider::read(const state::ResourceState& recorded) {
  std::lock_guard lock(world_->mutex);
  ++world_->reads;
  auto found = world_->resources.find(recorded.address());
  if (found == world_->resources.end()) return std::optional<state::ResourceState>();
  return std::optional<state::ResourceState>(found->second);
}

Result<state::ResourceState> FakeProvider::store(const Resource& desired, const char* verb) {
  std::lock_guard lock(world_->mutex);
  std::string address = desired.address();
  world_->log.push_back(std::string(verb) + " " + address);
  if (std::string(verb) == "create" && world_->fail_create.count(address)) {
    return util::fail("injected failure creating " + address);
  }
  state::ResourceState resource{desired.type, desired.name, desired.attributes, desired.depends_on};
  auto previous = world_->resources.find(address);
  resource.attributes["id"] = previous != world_->resources.end() ? previous->second.attributes["id"]
                                                                   : json(world_->next_id++);
  world_->resources[address] = resource;
  return resource;
}

void FakeProvider::busy(bool update) {
  std::chrono::milliseconds delay;
  {
    std::lock_guard lock(world_->mutex);
    world_->max_running = std::max(world_->max_running, ++world_->running);
    if (update) world_->max_running_updates = std::max(world_->max_running_updates, ++world_->running_updates);
    delay = world_->delay;
  }
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
}

void FakeProvider::idle(bool update) {
  std::lock_guard lock(world_->mutex);
  --world_->running;
  if (update) --world_->running_updates;
}

Result<state::ResourceState> FakeProvider::create(const Resource& desired, const engine::ProgressFn& progress) {
  progress(desired.address(), "creating");
  busy(false);
  auto result = store(desired, "create");
  idle(false);
  return result;
}

Result<state::ResourceState> FakeProvider::update(const Resource& desired, const state::ResourceState&,
                                                  const engine::ProgressFn&) {
  busy(true);
  auto result = store(desired, "update");
  idle(true);
  return result;
}

Result<void> FakeProvider::destroy(const state::ResourceState& prior, const engine::ProgressFn&) {
  busy(false);
  idle(false);
  std::lock_guard lock(world_->mutex);
  world_->log.push_back("delete " + prior.address());
  if (world_->fail_destroy.count(prior.address())) return util::fail("injected failure deleting " + prior.address());
  world_->resources.erase(prior.address());
  return {};
}

}  // namespace wakufleet::providers::fake
