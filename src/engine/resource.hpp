// Desired resources: what a provider wants to exist for a spec.
#pragma once

#include <set>
#include <utility>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wakufleet::engine {

using nlohmann::json;

struct Resource {
  Resource() = default;
  Resource(std::string type_name, std::string resource_name) : type(std::move(type_name)), name(std::move(resource_name)) {}

  std::string type;  // e.g. "local_node"
  std::string name;  // unique within the type
  json attributes = json::object();  // flat object of desired inputs
  std::vector<std::string> depends_on;   // addresses that must exist first
  std::set<std::string> sensitive;       // attribute keys never shown in plans or logs
  std::set<std::string> force_new;       // attribute keys whose change means replace, not update
  // Resources sharing a non-empty rollout group are changed one at a time (rolling restarts).
  std::string rollout_group;
  std::string address() const { return type + "." + name; }
};

}  // namespace wakufleet::engine
