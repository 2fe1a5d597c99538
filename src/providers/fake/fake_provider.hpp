// An in-memory provider for tests and benchmarks: a "world" of resources that the engine
// creates, updates and deletes, with failures that a test can inject.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/provider.hpp"

namespace wakufleet::providers::fake {

struct World {
  std::mutex mutex;
  std::map<std::string, state::ResourceState> resources;  // what "really" exists
  std::vector<std::string> log;                           // "create fake_node.a", in order
  std::set<std::string> fail_create;                      // addresses whose create fails
  std::set<std::string> fail_destroy;
  int reads = 0;
  int next_id = 1;
  std::chrono::milliseconds delay{0};  // how long each create/update/delete takes
  int running = 0;                     // calls in progress now
  int max_running = 0;                 // the most that were ever in progress at once
  int running_updates = 0;
  int max_running_updates = 0;
};

// Desired resources for a spec: one fake_network for the fleet, a fake_node per node (depends
// on the network), and a fake_record per node (depends on its node).
class FakeProvider : public engine::Provider {
 public:
  explicit FakeProvider(std::shared_ptr<World> world) : world_(std::move(world)) {}

  std::string name() const override { return "fake"; }
  util::Result<void> check(const spec::Fleet& fleet) override;
  util::Result<std::vector<engine::Resource>> desired(const spec::Fleet& fleet) override;
  util::Result<std::optional<state::ResourceState>> read(const state::ResourceState& recorded) override;
  util::Result<state::ResourceState> create(const engine::Resource& desired, const engine::ProgressFn& progress) override;
  util::Result<state::ResourceState> update(const engine::Resource& desired, const state::ResourceState& prior,
                                            const engine::ProgressFn& progress) override;
  util::Result<void> destroy(const state::ResourceState& prior, const engine::ProgressFn& progress) override;

 private:
  util::Result<state::ResourceState> store(const engine::Resource& desired, const char* verb);
  void busy(bool update);  // counts a call in progress for the concurrency figures, then waits
  void idle(bool update);
  std::shared_ptr<World> world_;
};

}  // namespace wakufleet::providers::fake
