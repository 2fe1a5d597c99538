// diff(): desired resources vs actual state -> changes.
#include <set>

#include "engine/plan.hpp"

namespace wakufleet::engine {

namespace {

std::vector<AttributeChange> compare_attributes(const Resource& want, const ResourceState& have) {
  std::vector<AttributeChange> changes;
  for (const auto& [key, value] : want.attributes.items()) {
    auto found = have.attributes.find(key);
    bool missing = found == have.attributes.end();
    if (!missing && *found == value) continue;
    AttributeChange change;
    change.key = key;
    if (!missing) change.before = *found;
    change.after = value;
    change.sensitive = want.sensitive.count(key) > 0;
    change.forces_replacement = want.force_new.count(key) > 0;
    changes.push_back(std::move(change));
  }
  return changes;
}

std::vector<AttributeChange> all_attributes_added(const Resource& want) {
  std::vector<AttributeChange> changes;
  for (const auto& [key, value] : want.attributes.items()) {
    changes.push_back({key, std::nullopt, value, want.sensitive.count(key) > 0, false});
  }
  return changes;
}

// The engine records which keys were sensitive when it saved the resource (see apply.cpp),
// so that a later delete can still redact them.
bool is_sensitive_in_state(const ResourceState& have, const std::string& key) {
  auto found = have.attributes.find(kSensitiveKeysAttribute);
  if (found == have.attributes.end() || !found->is_array()) return false;
  for (const auto& name : *found) {
    if (name == key) return true;
  }
  return key == kSensitiveKeysAttribute;
}

std::vector<AttributeChange> all_attributes_removed(const ResourceState& have) {
  std::vector<AttributeChange> changes;
  for (const auto& [key, value] : have.attributes.items()) {
    changes.push_back({key, value, std::nullopt, is_sensitive_in_state(have, key), false});
  }
  return changes;
}

Change change_for(const Resource& want, const ResourceState* have) {
  Change change;
  change.address = want.address();
  change.desired = want;
  if (have == nullptr) {
    change.action = Action::Create;
    change.attributes = all_attributes_added(want);
    return change;
  }
  change.prior = *have;
  change.attributes = compare_attributes(want, *have);
  bool replace = false;
  for (const auto& attribute : change.attributes) replace = replace || attribute.forces_replacement;
  change.action = replace ? Action::Replace : Action::Update;
  return change;
}

void count(Plan& plan) {
  for (const auto& change : plan.changes) {
    switch (change.action) {
      case Action::Create: ++plan.to_add; break;
      case Action::Update: ++plan.to_change; break;
      case Action::Delete: ++plan.to_destroy; break;
      case Action::Replace: ++plan.to_add; ++plan.to_destroy; break;
    }
  }
}

Change deletion_of(const ResourceState& have) {
  Change change;
  change.action = Action::Delete;
  change.address = have.address();
  change.prior = have;
  change.attributes = all_attributes_removed(have);
  return change;
}

}  // namespace

std::string to_string(Action action) {
  switch (action) {
    case Action::Create: return "create";
    case Action::Update: return "update";
    case Action::Replace: return "replace";
    case Action::Delete: return "delete";
  }
  return "?";
}

Plan diff(const std::vector<Resource>& desired, const std::map<std::string, ResourceState>& actual) {
  Plan plan;
  std::set<std::string> wanted;
  for (const auto& want : desired) {
    std::string address = want.address();
    wanted.insert(address);
    auto found = actual.find(address);
    Change change = change_for(want, found == actual.end() ? nullptr : &found->second);
    if (change.action == Action::Update && change.attributes.empty()) continue;  // converged
    plan.changes.push_back(std::move(change));
  }
  for (const auto& [address, have] : actual) {
    if (!wanted.count(address)) plan.changes.push_back(deletion_of(have));
  }
  count(plan);
  return plan;
}

Plan destroy_plan(const std::map<std::string, ResourceState>& actual) {
  return diff({}, actual);
}

}  // namespace wakufleet::engine
