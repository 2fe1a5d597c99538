// dns::Zone on DigitalOcean's DNS API: the fleet's records (A, AAAA, the EIP-1459 tree's TXT) in
// a domain of the account. The domain may be the fleet's domain itself or a parent of it
// ("example.com" for a fleet at waku.example.com): records are named relative to it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "dns/zone.hpp"
#include "providers/digitalocean/api.hpp"

namespace wakufleet::providers::digitalocean {

class DigitalOceanZone : public dns::Zone {
 public:
  DigitalOceanZone(DigitalOceanClient& client, std::string domain, int ttl);

  const std::string& origin() const override { return domain_; }
  util::Result<std::vector<dns::Record>> list() override;
  // One record per (name, type): the first existing one is rewritten if it differs, the rest go.
  util::Result<void> upsert(const dns::Record& record) override;
  util::Result<void> remove(const std::string& name, const std::string& type) override;

  // Lists the records of one name (or of the whole zone when `fqdn` is empty) once, so that the
  // upserts and removes that follow for those names need no list of their own. The listing is kept
  // up to date by them; names it does not cover are still asked for. Returns what it listed.
  util::Result<std::vector<dns::Record>> prime(const std::string& fqdn = "");

 private:
  using Key = std::pair<std::string, std::string>;  // type, lower-case full name
  util::Result<std::vector<DomainRecord>> existing(const std::string& type, const std::string& fqdn);
  void remember(const std::string& type, const std::string& fqdn, std::vector<DomainRecord> records);

  DigitalOceanClient& client_;
  std::string domain_;
  int ttl_;
  std::mutex mutex_;
  std::optional<std::string> covered_;  // "" covers the whole zone
  std::map<Key, std::vector<DomainRecord>> known_;
};

// The account's domain that holds `fqdn`: the longest suffix of it that DigitalOcean knows
// (nullopt when none does).
util::Result<std::optional<std::string>> find_account_domain(DigitalOceanClient& client, const std::string& fqdn);

std::unique_ptr<DigitalOceanZone> make_digitalocean_zone(DigitalOceanClient& client, std::string domain, int ttl = 60);

// Records of a listing, named in full ("relay-0.waku.example.com"), without SOA and NS.
std::vector<dns::Record> zone_records(const std::vector<DomainRecord>& listed, const std::string& domain);

}  // namespace wakufleet::providers::digitalocean
