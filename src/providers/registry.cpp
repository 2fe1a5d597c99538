#include "providers/registry.hpp"

#include "providers/digitalocean/provider.hpp"
#include "providers/local/local_provider.hpp"
#include "util/text.hpp"

namespace wakufleet::providers {

const std::vector<Entry>& registry() {
  static const std::vector<Entry> entries = {
      {"local", "the whole fleet on this machine, each node on its own loopback address", local::make_local_provider},
      {"digitalocean", "droplets, volumes, reserved IPs, DNS and a firewall on DigitalOcean",
       digitalocean::make_digitalocean_provider},
  };
  return entries;
}

util::Result<std::unique_ptr<engine::Provider>> make_provider(const std::string& name, const Context& context) {
  std::vector<std::string> names;
  for (const auto& entry : registry()) {
    if (entry.name != name) {
      names.push_back(entry.name);
      continue;
    }
    if (!entry.make) {
      return util::fail("target '" + name + "' is not available in this build of wakufleet yet; use kind = \"local\"");
    }
    return entry.make(context);
  }
  std::string message = "unknown target '" + name + "'";
  if (auto close = util::closest_match(name, names)) message += "; did you mean '" + *close + "'?";
  return util::fail(message);
}

}  // namespace wakufleet::providers
