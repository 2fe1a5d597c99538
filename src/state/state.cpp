// The JSON form of the state. Reading checks every field by hand, so that a hand-edited or
// damaged file gives a message naming the bad field ("resources[2].name: expected a string")
// rather than an exception from the JSON library.
#include "state/state.hpp"

#include <cstdint>
#include <utility>

#include "state/state_text.hpp"

namespace wakufleet::state {
namespace {

// Keys in reading order (ordered_json keeps insertion order; json would sort them), so that a
// person opening the file sees version, serial and lineage first and each resource's address
// before its attributes.
nlohmann::ordered_json resource_to_json(const ResourceState& resource) {
  nlohmann::ordered_json entry;
  entry["type"] = resource.type;
  entry["name"] = resource.name;
  entry["attributes"] = resource.attributes;
  entry["depends_on"] = resource.depends_on;
  return entry;
}

nlohmann::ordered_json to_ordered_json(const State& state) {
  nlohmann::ordered_json document;
  document["version"] = state.version;
  document["serial"] = state.serial;
  document["lineage"] = state.lineage;
  document["fleet"] = state.fleet;
  document["target"] = state.target;
  // The map is ordered by address, so the array comes out sorted and a rewrite of an unchanged
  // state gives the same bytes, which keeps diffs between snapshots small.
  auto& resources = document["resources"] = nlohmann::ordered_json::array();
  for (const auto& [address, resource] : state.resources) resources.push_back(resource_to_json(resource));
  return document;
}

// Each reader below fills `out` from object[key], or sets `error` to "<where><key>: <problem>".
// `where` is the path of the enclosing object with a trailing dot ("" or "resources[3].").

const json* find_field(const json& object, const char* key, const std::string& where, std::string& error) {
  const auto field = object.find(key);
  if (field == object.end()) {
    error = where + key + ": missing";
    return nullptr;
  }
  return &*field;
}

bool wrong_type(const json& value, const char* key, const std::string& where, const char* expected,
                std::string& error) {
  error = where + key + ": expected " + expected + ", found " + value.type_name();
  return false;
}

bool read_string(const json& object, const char* key, const std::string& where, std::string& out,
                 std::string& error) {
  const json* value = find_field(object, key, where, error);
  if (value == nullptr) return false;
  if (!value->is_string()) return wrong_type(*value, key, where, "a string", error);
  out = value->get<std::string>();
  return true;
}

bool read_name_part(const json& object, const char* key, const std::string& where, std::string& out,
                    std::string& error) {
  if (!read_string(object, key, where, out, error)) return false;
  if (out.empty()) {
    error = where + key + ": must not be empty";
    return false;
  }
  return true;
}

bool read_serial(const json& object, std::uint64_t& out, std::string& error) {
  const json* value = find_field(object, "serial", "", error);
  if (value == nullptr) return false;
  // Parsed non-negative numbers are unsigned; a json built in code may hold a signed one.
  const bool non_negative_integer =
      value->is_number_unsigned() || (value->is_number_integer() && value->get<std::int64_t>() >= 0);
  if (!non_negative_integer) return wrong_type(*value, "serial", "", "a non-negative integer", error);
  out = value->get<std::uint64_t>();
  return true;
}

// The version is checked before anything else: a newer format may have a different shape, and
// "upgrade wakufleet" is the useful message then, not a complaint about some field.
bool read_version(const json& document, int& out, std::string& error) {
  const json* value = find_field(document, "version", "", error);
  if (value == nullptr) return false;
  if (!value->is_number_integer()) return wrong_type(*value, "version", "", "an integer", error);
  // Compared as unsigned when parsed as unsigned, so that a huge number cannot wrap around.
  const bool newer = value->is_number_unsigned()
                         ? value->get<std::uint64_t>() > static_cast<std::uint64_t>(State::kFormatVersion)
                         : value->get<std::int64_t>() > State::kFormatVersion;
  if (newer) {
    error = "state format version " + value->dump() + " is newer than this wakufleet reads (up to " +
            std::to_string(State::kFormatVersion) + "); upgrade wakufleet to use this state";
    return false;
  }
  const std::int64_t version = value->get<std::int64_t>();
  if (version < 1) {
    error = "version: must be at least 1, found " + std::to_string(version);
    return false;
  }
  out = static_cast<int>(version);
  return true;
}

bool read_depends_on(const json& object, const std::string& where, std::vector<std::string>& out,
                     std::string& error) {
  const json* value = find_field(object, "depends_on", where, error);
  if (value == nullptr) return false;
  if (!value->is_array()) return wrong_type(*value, "depends_on", where, "an array", error);
  out.clear();
  for (std::size_t i = 0; i < value->size(); ++i) {
    const json& address = (*value)[i];
    if (!address.is_string()) {
      error = where + "depends_on[" + std::to_string(i) + "]: expected a string, found " + address.type_name();
      return false;
    }
    out.push_back(address.get<std::string>());
  }
  return true;
}

bool read_resource(const json& entry, const std::string& where, ResourceState& out, std::string& error) {
  if (!entry.is_object()) {
    error = where.substr(0, where.size() - 1) + ": expected an object, found " + entry.type_name();
    return false;
  }
  if (!read_name_part(entry, "type", where, out.type, error)) return false;
  if (!read_name_part(entry, "name", where, out.name, error)) return false;
  const json* attributes = find_field(entry, "attributes", where, error);
  if (attributes == nullptr) return false;
  if (!attributes->is_object()) return wrong_type(*attributes, "attributes", where, "an object", error);
  out.attributes = *attributes;
  return read_depends_on(entry, where, out.depends_on, error);
}

bool read_resources(const json& document, std::map<std::string, ResourceState>& out, std::string& error) {
  const json* list = find_field(document, "resources", "", error);
  if (list == nullptr) return false;
  if (!list->is_array()) return wrong_type(*list, "resources", "", "an array", error);
  out.clear();
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string where = "resources[" + std::to_string(i) + "].";
    ResourceState resource;
    if (!read_resource((*list)[i], where, resource, error)) return false;
    const std::string address = resource.address();
    if (!out.emplace(address, std::move(resource)).second) {
      error = "resources[" + std::to_string(i) + "]: " + address + " is listed twice";
      return false;
    }
  }
  return true;
}

}  // namespace

json to_json(const State& state) { return json(to_ordered_json(state)); }

std::string to_file_text(const State& state) {
  // replace, not throw, on invalid UTF-8 in attributes: failing here would lose the record of
  // resources that were just created.
  return to_ordered_json(state).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

bool from_json(const json& document, State& out, std::string& error) {
  if (!document.is_object()) {
    error = std::string("expected a JSON object, found ") + document.type_name();
    return false;
  }
  State state;
  if (!read_version(document, state.version, error)) return false;
  if (!read_serial(document, state.serial, error)) return false;
  if (!read_string(document, "lineage", "", state.lineage, error)) return false;
  if (!read_string(document, "fleet", "", state.fleet, error)) return false;
  if (!read_string(document, "target", "", state.target, error)) return false;
  if (!read_resources(document, state.resources, error)) return false;
  out = std::move(state);
  return true;
}

}  // namespace wakufleet::state
