// Domains and domain records. A record create is found again after an unknown outcome by listing
// the records of its type and full name (DigitalOcean's own filters) and matching the data.
#include "providers/digitalocean/api.hpp"
#include "providers/digitalocean/create.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

using json = nlohmann::json;

std::string records_path(const std::string& domain) { return "/v2/domains/" + util::url_encode(domain) + "/records"; }

// The record filter takes full names; records themselves are named relative to the domain.
std::string full_name(const std::string& name, const std::string& domain) {
  return name == "@" || name.empty() ? domain : name + "." + domain;
}

}  // namespace

util::Result<std::optional<Domain>> DigitalOceanClient::get_domain(const std::string& name) {
  const std::string path = "/v2/domains/" + util::url_encode(name);
  auto response = transport_.send("GET", path);
  if (!response) return transport_.transport_error("GET", path, response.error(), transport_.options().max_attempts);
  if (response->status == 404) return std::optional<Domain>();
  if (!response->success()) return transport_.api_error("GET", path, *response);
  return std::optional<Domain>(parse_domain(response->body.value("domain", json::object())));
}

util::Result<std::vector<DomainRecord>> DigitalOceanClient::list_domain_records(const std::string& domain,
                                                                                const std::string& type,
                                                                                const std::string& fqdn) {
  return list_parsed(transport_, with_query(records_path(domain), {{"type", type}, {"name", fqdn}}), "domain_records", parse_domain_record);
}

util::Result<DomainRecord> DigitalOceanClient::create_domain_record(const std::string& domain, const DomainRecord& record) {
  return create_once<DomainRecord>(
      transport_, records_path(domain), domain_record_body(record),
      [](const json& created) { return parse_domain_record(created.value("domain_record", json::object())); },
      [&]() -> util::Result<std::optional<DomainRecord>> {
        auto listed = list_domain_records(domain, record.type, full_name(record.name, domain));
        if (!listed) return listed.error();
        for (auto& existing : *listed) {
          if (existing.data == record.data) return std::optional<DomainRecord>(existing);
        }
        return std::optional<DomainRecord>();
      });
}

util::Result<DomainRecord> DigitalOceanClient::update_domain_record(const std::string& domain, std::int64_t id,
                                                                    const DomainRecord& record) {
  const json body = domain_record_body(record);  // PUT sets every field: safe to repeat
  auto updated = transport_.call("PUT", records_path(domain) + "/" + std::to_string(id), &body);
  if (!updated) return updated.error();
  return parse_domain_record(updated->value("domain_record", json::object()));
}

util::Result<void> DigitalOceanClient::delete_domain_record(const std::string& domain, std::int64_t id) {
  return delete_path(records_path(domain) + "/" + std::to_string(id));
}

}  // namespace wakufleet::providers::digitalocean
