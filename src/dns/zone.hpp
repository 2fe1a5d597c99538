// A DNS zone that wakufleet manages records in: list, upsert, delete. Two implementations:
// RFC 2136 dynamic updates signed with TSIG (any standard authoritative server; the local target
// runs knot) and, for the digitalocean target, DigitalOcean's DNS API.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "util/process.hpp"
#include "util/result.hpp"

namespace wakufleet::dns {

struct Record {
  std::string name;  // fully qualified, without the trailing dot: node-0.demo.waku.test
  std::string type;  // A, AAAA, TXT
  int ttl = 60;
  // The data: one address for A/AAAA; for TXT the character-strings of one record (each <= 255
  // bytes; a longer value is split by split_txt before it gets here).
  std::vector<std::string> values;
  bool operator==(const Record&) const = default;
};

class Zone {
 public:
  virtual ~Zone() = default;
  virtual const std::string& origin() const = 0;
  // Every record of the zone except SOA and NS.
  virtual util::Result<std::vector<Record>> list() = 0;
  // Replaces every record of (name, type) with this one.
  virtual util::Result<void> upsert(const Record& record) = 0;
  // Removes every record of (name, type).
  virtual util::Result<void> remove(const std::string& name, const std::string& type) = 0;
};

struct TsigKey {
  std::string name;       // key name, e.g. "wakufleet"
  std::string algorithm;  // hmac-sha256
  std::string secret;     // base64
};

// RFC 2136 updates and AXFR listing, both TSIG-signed, through knot's knsupdate and kdig
// (Debian package knot-dnsutils). The key reaches them through a 0600 file, never argv.
std::unique_ptr<Zone> make_rfc2136_zone(util::ProcessRunner& runner, std::string server_address, int port,
                                        std::string origin, TsigKey key, std::string key_file);

// Splits a TXT value into character-strings of at most 255 bytes.
std::vector<std::string> split_txt(const std::string& value);

// The zone-file form of a record's data ("1.2.3.4", or "\"abc\" \"def\"" for TXT).
std::string rdata_text(const Record& record);

}  // namespace wakufleet::dns
