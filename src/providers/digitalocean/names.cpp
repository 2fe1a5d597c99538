#include "providers/digitalocean/names.hpp"

#include "discovery/fleet_tree.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <cstdio>

namespace wakufleet::providers::digitalocean {

namespace {

constexpr std::size_t kMaxVolumeName = 64;

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

}  // namespace

std::string short_digest(const std::string& text) { return sha256_hex(text).substr(0, 12); }

std::string fleet_tag(const spec::Fleet& fleet) { return "wakufleet:" + fleet.name; }

std::string node_tag(const spec::Fleet& fleet, const std::string& node) { return fleet_tag(fleet) + ":" + node; }

std::string node_of_tag(const spec::Fleet& fleet, const std::string& tag) {
  const std::string prefix = fleet_tag(fleet) + ":";
  if (tag.rfind(prefix, 0) != 0) return "";
  std::string rest = tag.substr(prefix.size());
  return rest.find(':') == std::string::npos ? rest : "";
}

constexpr std::size_t kMaxHostname = 63;
constexpr std::size_t kConfigDigits = 12;

std::string droplet_stem(const spec::Fleet& fleet, const std::string& node) {
  std::string stem = fleet.name + "-" + node;
  const std::size_t room = kMaxHostname - kConfigDigits - 1;
  if (stem.size() <= room) return stem;
  std::string digest = short_digest(stem);
  return stem.substr(0, room - digest.size() - 1) + "-" + digest;
}

std::string droplet_name(const spec::Fleet& fleet, const std::string& node, const std::string& config) {
  return droplet_stem(fleet, node) + "-" + config;
}

DropletName parse_droplet_name(const std::string& name) {
  const auto dash = name.rfind('-');
  if (dash == std::string::npos || name.size() - dash - 1 != kConfigDigits) return {name, ""};
  for (char c : name.substr(dash + 1)) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return {name, ""};
  }
  return {name.substr(0, dash), name.substr(dash + 1)};
}

// Fleet and node names are DNS labels (lowercase, digits, '-'), so only the length can be wrong:
// a long name keeps a readable start and ends in a digest that keeps it unique.
std::string volume_name(const spec::Fleet& fleet, const std::string& node) {
  std::string name = "wakufleet-" + fleet.name + "-" + node;
  if (name.size() <= kMaxVolumeName) return name;
  std::string digest = short_digest(name);
  return name.substr(0, kMaxVolumeName - digest.size() - 1) + "-" + digest;
}

std::string vpc_name(const spec::Fleet& fleet) {
  return "wakufleet-" + fleet.name + "-" + fleet.target.digitalocean.region;
}

std::string firewall_name(const spec::Fleet& fleet) { return "wakufleet-" + fleet.name; }

std::string node_fqdn(const spec::Fleet& fleet, const std::string& node) { return node + "." + fleet.domain; }

std::string tree_domain(const spec::Fleet& fleet) { return discovery::tree_domain(fleet); }

}  // namespace wakufleet::providers::digitalocean
