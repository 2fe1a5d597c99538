#include "providers/digitalocean/do_zone.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string full_name(const std::string& relative, const std::string& domain) {
  return relative == "@" || relative.empty() ? domain : relative + "." + domain;
}

std::string relative_name(const std::string& fqdn, const std::string& domain) {
  if (lower(fqdn) == lower(domain)) return "@";
  return fqdn.substr(0, fqdn.size() - domain.size() - 1);
}

// DigitalOcean keeps a TXT value whole (it splits it into character-strings itself), so the
// strings of a record travel joined.
std::string data_of(const dns::Record& record) { return util::join(record.values, ""); }

}  // namespace

DigitalOceanZone::DigitalOceanZone(DigitalOceanClient& client, std::string domain, int ttl)
    : client_(client), domain_(std::move(domain)), ttl_(ttl) {}

util::Result<std::vector<dns::Record>> DigitalOceanZone::list() {
  auto listed = client_.list_domain_records(domain_);
  if (!listed) return listed.error();
  return zone_records(*listed, domain_);
}

util::Result<std::vector<dns::Record>> DigitalOceanZone::prime(const std::string& fqdn) {
  auto listed = client_.list_domain_records(domain_, "", fqdn);
  if (!listed) return listed.error();
  std::lock_guard lock(mutex_);
  covered_ = lower(fqdn);
  known_.clear();
  for (const auto& record : *listed) known_[{record.type, lower(full_name(record.name, domain_))}].push_back(record);
  return zone_records(*listed, domain_);
}

util::Result<std::vector<DomainRecord>> DigitalOceanZone::existing(const std::string& type, const std::string& fqdn) {
  {
    std::lock_guard lock(mutex_);
    if (covered_ && (covered_->empty() || *covered_ == lower(fqdn))) {
      auto found = known_.find({type, lower(fqdn)});
      return found == known_.end() ? std::vector<DomainRecord>() : found->second;
    }
  }
  return client_.list_domain_records(domain_, type, fqdn);
}

void DigitalOceanZone::remember(const std::string& type, const std::string& fqdn, std::vector<DomainRecord> records) {
  std::lock_guard lock(mutex_);
  if (covered_) known_[{type, lower(fqdn)}] = std::move(records);
}

util::Result<void> DigitalOceanZone::upsert(const dns::Record& record) {
  auto found = existing(record.type, record.name);
  if (!found) return found.error();
  DomainRecord wanted;
  wanted.type = record.type;
  wanted.name = relative_name(record.name, domain_);
  wanted.data = data_of(record);
  wanted.ttl = record.ttl > 0 ? record.ttl : ttl_;
  if (found->empty()) {
    auto created = client_.create_domain_record(domain_, wanted);
    if (!created) return created.error();
    remember(record.type, record.name, {*created});
    return {};
  }
  DomainRecord kept = found->front();
  if (kept.data != wanted.data || kept.ttl != wanted.ttl) {
    auto updated = client_.update_domain_record(domain_, kept.id, wanted);
    if (!updated) return updated.error();
    kept = *updated;
  }
  for (std::size_t i = 1; i < found->size(); ++i) {
    if (auto removed = client_.delete_domain_record(domain_, (*found)[i].id); !removed) return removed;
  }
  remember(record.type, record.name, {kept});
  return {};
}

util::Result<void> DigitalOceanZone::remove(const std::string& name, const std::string& type) {
  auto found = existing(type, name);
  if (!found) return found.error();
  for (const auto& record : *found) {
    if (auto removed = client_.delete_domain_record(domain_, record.id); !removed) return removed;
  }
  remember(type, name, {});
  return {};
}

util::Result<std::optional<std::string>> find_account_domain(DigitalOceanClient& client, const std::string& fqdn) {
  std::string candidate = lower(fqdn);
  // Stop at two labels: a top-level domain is never an account's zone.
  while (std::count(candidate.begin(), candidate.end(), '.') >= 1) {
    auto found = client.get_domain(candidate);
    if (!found) return found.error();
    if (*found) return std::optional<std::string>(candidate);
    candidate = candidate.substr(candidate.find('.') + 1);
  }
  return std::optional<std::string>();
}

std::unique_ptr<DigitalOceanZone> make_digitalocean_zone(DigitalOceanClient& client, std::string domain, int ttl) {
  return std::make_unique<DigitalOceanZone>(client, std::move(domain), ttl);
}

std::vector<dns::Record> zone_records(const std::vector<DomainRecord>& listed, const std::string& domain) {
  std::vector<dns::Record> records;
  for (const auto& record : listed) {
    if (record.type == "SOA" || record.type == "NS") continue;
    records.push_back({full_name(record.name, domain), record.type, record.ttl, {record.data}});
  }
  return records;
}

}  // namespace wakufleet::providers::digitalocean
