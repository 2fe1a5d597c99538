#include "engine/engine.hpp"

namespace wakufleet::engine {

namespace {

// Refresh keeps the engine's own bookkeeping (depends_on, sensitive keys) that providers
// need not know about.
void keep_bookkeeping(const state::ResourceState& recorded, state::ResourceState& fresh) {
  fresh.type = recorded.type;
  fresh.name = recorded.name;
  fresh.depends_on = recorded.depends_on;
  auto sensitive = recorded.attributes.find(kSensitiveKeysAttribute);
  if (sensitive != recorded.attributes.end()) fresh.attributes[kSensitiveKeysAttribute] = *sensitive;
}

}  // namespace

Result<Plan> refresh_and_plan(Provider& provider, const spec::Fleet& fleet, state::State& state, PlanMode mode) {
  auto actual = provider.refresh(state.resources);
  if (!actual) return actual.error();
  for (auto& [address, fresh] : *actual) {
    auto recorded = state.resources.find(address);
    if (recorded != state.resources.end()) keep_bookkeeping(recorded->second, fresh);
  }
  state.resources = std::move(*actual);
  if (mode == PlanMode::Destroy) return destroy_plan(state.resources);
  auto desired = provider.desired(fleet);
  if (!desired) return desired.error();
  return diff(*desired, state.resources);
}

}  // namespace wakufleet::engine
