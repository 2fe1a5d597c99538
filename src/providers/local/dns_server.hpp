// The fleet's authoritative DNS server (knot, Debian package `knot`), for the fleet's domain on
// port 53 of the fleet's DNS address: per-node A records and the EIP-1459 tree live there.
// go-waku's DNS discovery always asks port 53, so this needs root; without it the fleet runs on
// static peers alone (apply says so).
#pragma once

#include <memory>
#include <string>

#include "dns/zone.hpp"
#include "providers/local/layout.hpp"
#include "providers/local/supervisor.hpp"
#include "spec/fleet.hpp"
#include "util/process.hpp"
#include "util/result.hpp"

namespace wakufleet::providers::local {

inline constexpr int kDnsPort = 53;
inline constexpr const char* kDnsService = "_dns";
inline constexpr const char* kTsigKeyName = "wakufleet";

std::string dns_address(const Layout& layout);

// Secrets of a fleet live beside its state, in <state>.secrets/ (0700, files 0600), so that
// destroying the fleet's data keeps them and they never enter the spec or git.

// The fleet's TSIG key (hmac-sha256, generated once).
util::Result<dns::TsigKey> ensure_tsig_key(const std::string& state_path);

// Writes knot.conf and the initial zone (SOA, NS, ns A) under <root>/dns.
util::Result<void> write_dns_config(const spec::Fleet& fleet, const Layout& layout, const dns::TsigKey& key);
ServiceFiles dns_service(const Layout& layout);
util::Result<void> wait_dns_ready(util::ProcessRunner& runner, const Layout& layout, const std::string& domain,
                                  int timeout_seconds);

std::unique_ptr<dns::Zone> fleet_zone(util::ProcessRunner& runner, const Layout& layout, const std::string& domain,
                                      const dns::TsigKey& key, const std::string& state_path);

}  // namespace wakufleet::providers::local
