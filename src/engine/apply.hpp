// Carrying out a plan: dependency-ordered, bounded-parallel, state saved after every resource.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "engine/plan.hpp"
#include "engine/provider.hpp"
#include "state/state.hpp"

namespace wakufleet::engine {

// Told about each step as it happens; the CLI prints progress from it. Called from worker
// threads, one call at a time (the executor serializes them).
class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void started(const Change& /*change*/) {}
  virtual void progress(const std::string& /*address*/, const std::string& /*message*/) {}
  virtual void finished(const Change& /*change*/, std::chrono::milliseconds /*elapsed*/) {}
  virtual void failed(const Change& /*change*/, const std::string& /*error*/) {}
};

struct ApplyOptions {
  int parallelism = 4;
};

struct ApplyOutcome {
  int completed = 0;                 // changes fully carried out
  int skipped = 0;                   // not started because something failed first
  std::vector<std::string> errors;   // "address: message", every failure
  bool ok() const { return errors.empty(); }
};

// Persists the state; called after every resource (under the executor's lock).
using SaveFn = std::function<util::Result<void>(state::State&)>;

// Creates/updates/replaces in dependency order after all deletes, which run in reverse
// dependency order. On the first failure no new work is started; running work finishes and is
// saved. `state` is updated in place and holds exactly what exists when this returns.
ApplyOutcome apply(Provider& provider, const Plan& plan, state::State& state, const SaveFn& save,
                   Reporter& reporter, const ApplyOptions& options = {});

}  // namespace wakufleet::engine
