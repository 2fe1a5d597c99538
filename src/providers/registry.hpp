// The provider registry: target name -> implementation (like ccache's storage back-ends).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/provider.hpp"

namespace wakufleet::providers {

// What a provider needs to know about this run, beyond the spec.
struct Context {
  std::string spec_dir;    // folder of fleet.toml; relative paths in the spec are resolved from it
  std::string state_path;  // the state file; providers keep their secrets beside it
  bool keep_data = false;  // destroy: keep node data directories / volumes
  bool destroy_volumes = false;  // destroy: also delete persistent volumes (digitalocean keeps them by default)
};

using Factory = std::unique_ptr<engine::Provider> (*)(const Context& context);

struct Entry {
  std::string name;     // as written in fleet.toml: [target] kind = "local"
  std::string summary;  // one line for `wakufleet help`
  Factory make;         // nullptr: known but not available in this build (the error says why)
};

const std::vector<Entry>& registry();

util::Result<std::unique_ptr<engine::Provider>> make_provider(const std::string& name, const Context& context);

}  // namespace wakufleet::providers
