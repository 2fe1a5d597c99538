// The plan: the difference between what the spec wants and what exists, resource by resource.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/resource.hpp"
#include "state/state.hpp"

namespace wakufleet::engine {

using state::ResourceState;

// Attribute under which state remembers the keys that were sensitive (so deletes redact them).
inline constexpr const char* kSensitiveKeysAttribute = "sensitive_attributes";

enum class Action { Create, Update, Replace, Delete };

std::string to_string(Action action);  // "create", "update", "replace", "delete"

struct AttributeChange {
  std::string key;
  std::optional<json> before;  // nullopt: the attribute did not exist
  std::optional<json> after;   // nullopt: the attribute goes away
  bool sensitive = false;
  bool forces_replacement = false;
};

struct Change {
  Action action = Action::Create;
  std::string address;
  std::optional<Resource> desired;      // absent for Delete
  std::optional<ResourceState> prior;   // absent for Create
  std::vector<AttributeChange> attributes;
};

struct Plan {
  std::vector<Change> changes;  // in a stable order: desired order, then orphans by address
  int to_add = 0;      // creates + replaces
  int to_change = 0;   // updates
  int to_destroy = 0;  // deletes + replaces
  bool empty() const { return changes.empty(); }
};

// Compares desired resources with the actual (refreshed) ones. Only the keys the desired
// resource declares are compared: providers keep computed values (ids, pids) in state freely.
Plan diff(const std::vector<Resource>& desired, const std::map<std::string, ResourceState>& actual);

// A plan that removes every resource in `actual` (for destroy).
Plan destroy_plan(const std::map<std::string, ResourceState>& actual);

// Terraform-style text: "+ ~ - -/+" blocks with attribute changes, secrets redacted, and the
// summary line "Plan: N to add, N to change, N to destroy." ("No changes." when empty).
std::string render_text(const Plan& plan, bool color);
std::string summary_line(const Plan& plan);

// Machine-readable plan (sensitive values are never included).
json render_json(const Plan& plan);

}  // namespace wakufleet::engine
