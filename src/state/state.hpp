// The state: what wakufleet has created, as last recorded. JSON on disk (see state/store.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wakufleet::state {

using nlohmann::json;

// One managed resource as recorded after it was created or last updated.
struct ResourceState {
  std::string type;  // e.g. "local_node"
  std::string name;  // unique within the type
  json attributes = json::object();  // desired inputs plus what the provider computed (ids, pids, ...)
  std::vector<std::string> depends_on;  // addresses ("type.name") it was created after
  std::string address() const { return type + "." + name; }
  bool operator==(const ResourceState&) const = default;
};

struct State {
  static constexpr int kFormatVersion = 1;
  int version = kFormatVersion;
  std::uint64_t serial = 0;  // bumped on every write
  std::string lineage;       // random id fixed at first write; a state of another lineage is refused
  std::string fleet;         // fleet name
  std::string target;        // provider name
  std::map<std::string, ResourceState> resources;  // by address
  bool operator==(const State&) const = default;
};

json to_json(const State& state);
// Throws nothing: a malformed document gives an error message.
bool from_json(const json& document, State& out, std::string& error);

}  // namespace wakufleet::state
