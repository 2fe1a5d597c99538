// The steps every command shares: refresh what exists, then diff it against the spec.
#pragma once

#include "engine/plan.hpp"
#include "engine/provider.hpp"
#include "spec/fleet.hpp"
#include "state/state.hpp"

namespace wakufleet::engine {

enum class PlanMode { Converge, Destroy };

// Refreshes `state` through the provider (resources that vanished outside wakufleet are dropped
// from it, drifted attributes are updated) and returns the plan that would converge it.
Result<Plan> refresh_and_plan(Provider& provider, const spec::Fleet& fleet, state::State& state, PlanMode mode);

}  // namespace wakufleet::engine
