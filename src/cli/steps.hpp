// The named steps that commands are made of (mold style: each command reads as a short list).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "cli/app.hpp"
#include "engine/apply.hpp"
#include "engine/engine.hpp"
#include "providers/registry.hpp"
#include "spec/fleet.hpp"
#include "state/store.hpp"

namespace wakufleet::cli {

// Everything a command works with once the spec is loaded.
struct Session {
  spec::Fleet fleet;
  std::string spec_path;
  std::string state_path;
  std::unique_ptr<engine::Provider> provider;
  std::unique_ptr<state::Lock> lock;
  state::State state;
};

// Each step prints its own error and returns false when the command must stop.
bool load_spec(const Args& args, Io& io, Session& session);
bool open_provider(const Args& args, Io& io, Session& session);
bool check_environment(Io& io, Session& session);
bool take_lock(const Args& args, Io& io, Session& session, const std::string& operation);
bool load_state(Io& io, Session& session);
std::optional<engine::Plan> make_plan(Io& io, Session& session, engine::PlanMode mode);
bool confirm(const Args& args, Io& io, const std::string& question);
bool apply_plan(const Args& args, Io& io, Session& session, const engine::Plan& plan);

// Where the state lives: --state, or the spec's path with ".toml" replaced by ".state.json".
std::string state_path_for(const Args& args, const std::string& spec_path);

std::string error_prefix(const Io& io);

}  // namespace wakufleet::cli
