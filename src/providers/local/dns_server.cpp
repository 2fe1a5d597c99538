#include "providers/local/dns_server.hpp"

#include <filesystem>
#include <fstream>
#include <thread>

#include "util/files.hpp"
#include "util/text.hpp"
#include "waku/identity.hpp"

namespace wakufleet::providers::local {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string dns_root(const Layout& layout) { return layout.root() + "/dns"; }

std::string base64(const std::uint8_t* data, std::size_t size) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < size; i += 3) {
    std::uint32_t chunk = static_cast<std::uint32_t>(data[i]) << 16;
    if (i + 1 < size) chunk |= static_cast<std::uint32_t>(data[i + 1]) << 8;
    if (i + 2 < size) chunk |= data[i + 2];
    out += alphabet[(chunk >> 18) & 63];
    out += alphabet[(chunk >> 12) & 63];
    out += i + 1 < size ? alphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < size ? alphabet[chunk & 63] : '=';
  }
  return out;
}

std::string knot_config(const Layout& layout, const std::string& domain, const dns::TsigKey& key) {
  std::string root = dns_root(layout);
  return "# knot for the wakufleet fleet at " + layout.root() + ". Written by wakufleet apply; do not edit.\n"
         "server:\n"
         "    rundir: \"" + root + "/run\"\n"
         "    listen: " + dns_address(layout) + "@" + std::to_string(kDnsPort) + "\n"
         "    background-workers: 1\n    udp-workers: 1\n    tcp-workers: 1\n"
         "database:\n    storage: \"" + root + "/db\"\n"
         "log:\n  - target: stdout\n    any: info\n"
         "key:\n  - id: " + key.name + "\n    algorithm: " + key.algorithm + "\n    secret: " + key.secret + "\n"
         "acl:\n  - id: fleet-update\n    key: " + key.name + "\n    action: [update, transfer]\n"
         "template:\n  - id: default\n    storage: \"" + root + "/zones\"\n    file: \"%s.zone\"\n"
         "    journal-content: all\n    zonefile-sync: -1\n"
         "zone:\n  - domain: " + domain + "\n    acl: fleet-update\n";
}

std::string initial_zone(const Layout& layout, const std::string& domain) {
  return "$ORIGIN " + domain + ".\n$TTL 60\n"
         "@ SOA ns hostmaster 1 60 60 3600 60\n"
         "@ NS ns\n"
         "ns A " + dns_address(layout) + "\n";
}

}  // namespace

std::string dns_address(const Layout& layout) { return layout.address_at(kDnsOffset); }

util::Result<dns::TsigKey> ensure_tsig_key(const std::string& state_path) {
  const std::string path = util::ensure_secrets_dir(state_path) + "/tsig.key";
  auto secret = util::ensure_secret_line(path, []() -> util::Result<std::string> {
    // 32 random bytes: a valid secp256k1 scalar is as good a source of randomness as any.
    auto random = waku::generate_private_key();
    if (!random) return random.error();
    return base64(random->data(), random->size());
  });
  if (!secret) return secret.error();
  if (secret->empty()) return util::fail(path + " is empty; remove it to generate a new TSIG key");
  return dns::TsigKey{kTsigKeyName, "hmac-sha256", util::trim(*secret)};
}

util::Result<void> write_dns_config(const spec::Fleet& fleet, const Layout& layout, const dns::TsigKey& key) {
  std::string root = dns_root(layout);
  std::error_code error;
  for (const char* sub : {"/run", "/db", "/zones", "/logs"}) fs::create_directories(root + sub, error);
  if (error) return util::fail("cannot create " + root + ": " + error.message());
  fs::permissions(root, fs::perms::owner_all, error);
  if (auto written = util::write_file_atomically(root + "/knot.conf", knot_config(layout, fleet.domain, key)); !written) return written;
  std::string zone_file = root + "/zones/" + fleet.domain + ".zone";
  if (!fs::exists(zone_file)) return util::write_file_atomically(zone_file, initial_zone(layout, fleet.domain));
  return {};
}

ServiceFiles dns_service(const Layout& layout) {
  std::string root = dns_root(layout);
  ServiceFiles files;
  files.run = "#!/bin/sh\n# knot, the fleet's DNS server. Written by wakufleet apply; do not edit.\nexec 2>&1\n"
              "exec knotd -c '" + root + "/knot.conf'\n";
  files.finish = "#!/bin/sh\nexit 0\n";
  files.log_run = "#!/bin/sh\nexec s6-log -b n5 s1000000 '" + root + "/logs'\n";
  return files;
}

util::Result<void> wait_dns_ready(util::ProcessRunner& runner, const Layout& layout, const std::string& domain,
                                  int timeout_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    auto answer = runner.run({"kdig", "@" + dns_address(layout), domain, "SOA", "+short", "+timeout=1", "+retry=0"}, 5s);
    if (answer && answer->exit_code == 0 && answer->output.find("hostmaster") != std::string::npos) return {};
    std::this_thread::sleep_for(100ms);
  }
  return util::fail("the fleet's DNS server (knot) did not answer on " + dns_address(layout) + ":53 within " +
                    std::to_string(timeout_seconds) + "s; see " + dns_root(layout) + "/logs/current");
}

std::unique_ptr<dns::Zone> fleet_zone(util::ProcessRunner& runner, const Layout& layout, const std::string& domain,
                                      const dns::TsigKey& key, const std::string& state_path) {
  return dns::make_rfc2136_zone(runner, dns_address(layout), kDnsPort, domain, key,
                                util::secrets_dir(state_path) + "/tsig.keyfile");
}

}  // namespace wakufleet::providers::local
