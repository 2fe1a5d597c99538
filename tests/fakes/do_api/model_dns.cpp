// Domains and domain records. Records are named relative to the domain ("@" is the apex); the
// list filter `name` takes the full name, as at DigitalOcean.
#include <algorithm>
#include <cstdio>
#include <regex>

#include "fakes/do_api/model.hpp"

namespace wakufleet::fakes::do_api {

namespace {

const std::vector<std::string> kTypes = {"A", "AAAA", "CAA", "CNAME", "MX", "NS", "SOA", "SRV", "TXT"};

// The records DigitalOcean adds to every new domain.
std::vector<json> default_records() {
  return {{{"type", "SOA"}, {"name", "@"}, {"data", "1800"}, {"ttl", 1800}},
          {{"type", "NS"}, {"name", "@"}, {"data", "ns1.digitalocean.com"}, {"ttl", 1800}},
          {{"type", "NS"}, {"name", "@"}, {"data", "ns2.digitalocean.com"}, {"ttl", 1800}},
          {{"type", "NS"}, {"name", "@"}, {"data", "ns3.digitalocean.com"}, {"ttl", 1800}}};
}

std::string full_name(const json& record, const std::string& domain) {
  const std::string name = record.value("name", "");
  return name == "@" ? domain : name + "." + domain;
}

json normalized(json record, std::int64_t id) {
  record["id"] = id;
  for (const char* key : {"priority", "port", "weight", "flags", "tag"}) {
    if (!record.contains(key)) record[key] = nullptr;
  }
  if (!record.contains("ttl") || !record["ttl"].is_number_integer()) record["ttl"] = 1800;
  return record;
}

bool valid_ipv4(const std::string& text) {
  unsigned a, b, c, d;
  char tail;
  return std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a < 256 && b < 256 && c < 256 && d < 256;
}

}  // namespace

std::optional<std::string> Model::check_record(const json& record) const {
  if (!record.is_object()) return "the request body must be a JSON object";
  const std::string type = record.value("type", "");
  if (std::find(kTypes.begin(), kTypes.end(), type) == kTypes.end()) return "type is not a supported record type";
  if (!record.contains("name") || !record["name"].is_string() || record["name"].get<std::string>().empty()) {
    return "name is required";
  }
  if (!record.contains("data") || !record["data"].is_string()) return "data is required";
  const std::string data = record["data"];
  if (type == "A" && !valid_ipv4(data)) return "data must be an IPv4 address for an A record";
  if (type == "AAAA" && data.find(':') == std::string::npos) return "data must be an IPv6 address for an AAAA record";
  // Each TXT character-string is at most 255 bytes; DigitalOcean splits longer data, up to a total
  // that it does not document (about 512 bytes is what works).
  if (type == "TXT" && data.size() > 512) return "TXT record data is too long";
  if ((type == "MX" || type == "SRV") && !(record.contains("priority") && record["priority"].is_number_integer())) {
    return "priority is required for " + type + " records";
  }
  if (type == "SRV" && !(record.contains("port") && record.contains("weight"))) return "port and weight are required for SRV records";
  if (record.contains("ttl") && (!record["ttl"].is_number_integer() || record["ttl"].get<int>() < 30)) {
    return "ttl must be at least 30";
  }
  return std::nullopt;
}

Reply Model::list_domains(const Call& call) {
  std::vector<const DomainRec*> all;
  for (const auto& [name, domain] : domains_) all.push_back(&domain);
  return page(call, "domains", all.size(), [&](std::size_t i) {
    return json{{"name", all[i]->name}, {"ttl", all[i]->ttl}, {"zone_file", ""}};
  });
}

Reply Model::create_domain(const Call& call) {
  static const std::regex pattern("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$");
  const std::string name = call.body.is_object() ? call.body.value("name", "") : "";
  if (!std::regex_match(name, pattern)) return unprocessable("name is not a domain name");
  if (domains_.count(name)) return unprocessable("Name already exists");
  DomainRec domain;
  domain.name = name;
  for (auto& record : default_records()) {
    auto id = next_record_++;
    domain.records[id] = normalized(record, id);
  }
  if (call.body.contains("ip_address") && call.body["ip_address"].is_string()) {
    auto id = next_record_++;
    domain.records[id] = normalized({{"type", "A"}, {"name", "@"}, {"data", call.body["ip_address"]}}, id);
  }
  domains_[name] = domain;
  return {201, {{"domain", {{"name", name}, {"ttl", domain.ttl}, {"zone_file", nullptr}}}}};
}

Reply Model::get_domain(const Call& call) {
  auto found = domains_.find(call.param(0));
  if (found == domains_.end()) return not_found();
  std::string zone = "$ORIGIN " + found->first + ".\n$TTL 1800\n";
  for (const auto& [id, record] : found->second.records) {
    zone += full_name(record, found->first) + ". " + std::to_string(record["ttl"].get<int>()) + " IN " +
            record["type"].get<std::string>() + " " + record["data"].get<std::string>() + "\n";
  }
  return {200, {{"domain", {{"name", found->first}, {"ttl", found->second.ttl}, {"zone_file", zone}}}}};
}

Reply Model::delete_domain(const Call& call) {
  if (!domains_.erase(call.param(0))) return not_found();
  return {204, nullptr};
}

Reply Model::list_records(const Call& call) {
  auto found = domains_.find(call.param(0));
  if (found == domains_.end()) return not_found();
  const std::string type = call.get("type"), name = call.get("name");
  std::vector<const json*> matching;
  for (const auto& [id, record] : found->second.records) {
    if ((type.empty() || record["type"] == type) && (name.empty() || full_name(record, found->first) == name)) {
      matching.push_back(&record);
    }
  }
  return page(call, "domain_records", matching.size(), [&](std::size_t i) { return *matching[i]; });
}

Reply Model::create_record(const Call& call) {
  auto found = domains_.find(call.param(0));
  if (found == domains_.end()) return not_found();
  if (auto problem = check_record(call.body)) return unprocessable(*problem);
  auto id = next_record_++;
  found->second.records[id] = normalized(call.body, id);
  return {201, {{"domain_record", found->second.records[id]}}};
}

Reply Model::get_record(const Call& call) {
  auto found = domains_.find(call.param(0));
  if (found == domains_.end()) return not_found();
  for (const auto& [id, record] : found->second.records) {
    if (std::to_string(id) == call.param(1)) return {200, {{"domain_record", record}}};
  }
  return not_found();
}

Reply Model::replace_record(const Call& call) {
  auto found = domains_.find(call.param(0));
  if (found == domains_.end()) return not_found();
  for (auto& [id, record] : found->second.records) {
    if (std::to_string(id) != call.param(1)) continue;
    json replacement = call.body;
    if (replacement.is_object() && !replacement.contains("type")) replacement["type"] = record["type"];
    if (auto problem = check_record(replacement)) return unprocessable(*problem);
    record = normalized(replacement, id);
    return {200, {{"domain_record", record}}};
  }
  return not_found();
}

Reply Model::patch_record(const Call& call) {
  auto found = domains_.find(call.param(0));
  if (found == domains_.end()) return not_found();
  for (auto& [id, record] : found->second.records) {
    if (std::to_string(id) != call.param(1)) continue;
    json merged = record;
    if (call.body.is_object()) merged.update(call.body);
    if (auto problem = check_record(merged)) return unprocessable(*problem);
    record = normalized(merged, id);
    return {200, {{"domain_record", record}}};
  }
  return not_found();
}

Reply Model::delete_record(const Call& call) {
  auto found = domains_.find(call.param(0));
  if (found == domains_.end()) return not_found();
  for (auto it = found->second.records.begin(); it != found->second.records.end(); ++it) {
    if (std::to_string(it->first) == call.param(1)) {
      found->second.records.erase(it);
      return {204, nullptr};
    }
  }
  return not_found();
}

}  // namespace wakufleet::fakes::do_api
