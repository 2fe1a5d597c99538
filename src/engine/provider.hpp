// The interface every target implements (local, digitalocean, and the fake used by tests).
// Providers are looked up by name in providers/registry.hpp.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/resource.hpp"
#include "spec/fleet.hpp"
#include "state/state.hpp"
#include "util/result.hpp"

namespace wakufleet::engine {

using state::ResourceState;
using util::Result;

// What a provider may report while it works on one resource (shown as progress lines).
using ProgressFn = std::function<void(const std::string& address, const std::string& message)>;

class Provider {
 public:
  virtual ~Provider() = default;

  virtual std::string name() const = 0;

  // Checks that the environment can run this spec (tools present, credentials set, ...).
  // Called before plan; an error here stops everything before any change.
  virtual Result<void> check(const spec::Fleet& fleet) = 0;

  // Things the user should know about this run that are not errors ("DNS discovery is off:
  // it needs root"). Valid after check(); the CLI prints each as "note: ...".
  virtual std::vector<std::string> notes() const { return {}; }

  // The resources the spec wants, with their dependencies.
  virtual Result<std::vector<Resource>> desired(const spec::Fleet& fleet) = 0;

  // Refresh: the real attributes of resources recorded in state. A resource that no longer
  // exists is absent from the returned map. Providers that can list in bulk override this.
  virtual Result<std::map<std::string, ResourceState>> refresh(
      const std::map<std::string, ResourceState>& recorded);

  // Reads one resource; nullopt when it is gone. Used by the default refresh.
  virtual Result<std::optional<ResourceState>> read(const ResourceState& recorded) = 0;

  virtual Result<ResourceState> create(const Resource& desired, const ProgressFn& progress) = 0;
  virtual Result<ResourceState> update(const Resource& desired, const ResourceState& prior,
                                       const ProgressFn& progress) = 0;
  virtual Result<void> destroy(const ResourceState& prior, const ProgressFn& progress) = 0;

  // What `wakufleet status` shows: {"nodes":[{...}], ...}. The default lists the resources in
  // state; targets that run nodes report live figures (state, peers, pid...).
  virtual Result<json> status(const spec::Fleet& fleet, const state::State& state);

  // The folder whose nodes/*/logs the fleet's log index covers (`wakufleet logs`). Targets whose
  // logs go elsewhere (DataDog on droplets) say so.
  virtual Result<std::string> log_root(const spec::Fleet& fleet);
};

}  // namespace wakufleet::engine
