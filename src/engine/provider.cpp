#include "engine/provider.hpp"

namespace wakufleet::engine {

Result<std::map<std::string, ResourceState>> Provider::refresh(const std::map<std::string, ResourceState>& recorded) {
  std::map<std::string, ResourceState> actual;
  for (const auto& [address, resource] : recorded) {
    auto read_back = read(resource);
    if (!read_back) return util::fail(address + ": " + read_back.error().message);
    if (read_back->has_value()) actual[address] = std::move(**read_back);
  }
  return actual;
}

Result<json> Provider::status(const spec::Fleet& fleet, const state::State& state) {
  json resources = json::array();
  for (const auto& [address, resource] : state.resources) {
    resources.push_back({{"address", address}, {"type", resource.type}, {"name", resource.name}});
  }
  return json{{"fleet", fleet.name}, {"target", name()}, {"resources", resources}, {"nodes", json::array()}};
}

Result<std::string> Provider::log_root(const spec::Fleet&) {
  return util::fail("the " + name() + " target keeps no local log index: its nodes' logs go to journald and DataDog");
}

}  // namespace wakufleet::engine
