// The fleet-wide resources: its tag, its VPC and its cloud firewall. Each create first looks for
// what a run that died before saving the state may have made (the VPC and the firewall by name),
// so that a second run adopts it instead of making another.
#include <thread>

#include "providers/digitalocean/firewall_rules.hpp"
#include "providers/digitalocean/provider_impl.hpp"
#include "util/text.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

std::vector<std::string> strings_of(const json& value) {
  std::vector<std::string> out;
  if (!value.is_array()) return out;
  for (const auto& item : value) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// Deletes that DigitalOcean refuses for a while after the members went (a VPC keeps its droplets
// for some seconds after they were deleted) are tried again a few times.
template <typename Attempt>
Result<void> with_patience(Clock& clock, std::chrono::milliseconds pause, Attempt attempt) {
  Result<void> outcome = attempt();
  for (int round = 0; !outcome && round < 12; ++round) {
    clock.sleep_for(pause);
    outcome = attempt();
  }
  return outcome;
}

}  // namespace

// ---- tag

Result<ResourceState> DigitalOceanProvider::create_tag(const Resource& desired) {
  if (auto made = client_->create_tag(desired.attributes.at("name")); !made) return made.error();
  return state_of(desired);
}

Result<void> DigitalOceanProvider::destroy_tag(const ResourceState& prior) {
  const std::string path = "/v2/tags/" + util::url_encode(text_attribute(prior, "name"));
  auto response = client_->transport().send("DELETE", path);
  if (!response) return response.error();
  if (response->success() || response->status == 404) return {};
  return client_->transport().api_error("DELETE", path, *response);
}

// ---- VPC

Result<ResourceState> DigitalOceanProvider::create_vpc(const Resource& desired) {
  VpcRequest request;
  request.name = desired.attributes.at("name");
  request.region = desired.attributes.at("region");
  request.ip_range = desired.attributes.value("ip_range", "");
  request.description = "wakufleet fleet " + fleet_.name;
  auto listed = client_->list_vpcs();
  if (!listed) return listed.error();
  std::optional<Vpc> vpc;
  for (const auto& existing : *listed) {
    if (existing.name == request.name) vpc = existing;  // made by a run that died before saving it
  }
  if (!vpc) {
    auto made = client_->create_vpc(request);
    if (!made) return made.error();
    vpc = *made;
  }
  learn([&](Facts& facts) {
    facts.vpc_id = vpc->id;
    facts.vpc_range = vpc->ip_range;
  });
  return state_of(desired, {{"id", vpc->id}, {"ip_range", vpc->ip_range}});
}

Result<void> DigitalOceanProvider::destroy_vpc(const ResourceState& prior, const engine::ProgressFn& progress) {
  progress(prior.address(), "deleting VPC " + text_attribute(prior, "name"));
  return with_patience(client_->transport().clock(), client_->transport().options().locked_retry_interval,
                       [&] { return client_->delete_vpc(text_attribute(prior, "id")); });
}

// ---- firewall: created or replaced whole (PUT), from the lines the plan showed

Result<ResourceState> DigitalOceanProvider::put_firewall(const Resource& desired, const ResourceState* prior) {
  std::string range = fleet_.target.digitalocean.vpc_ip_range;
  if (range.empty()) range = facts().vpc_range;
  if (!known(range)) return util::fail("the fleet's VPC range is not known yet");
  auto lines = firewall_lines(fleet_, range);
  FirewallRequest request;
  request.name = desired.attributes.at("name");
  request.inbound_rules = rules_from_lines(lines.inbound);
  request.outbound_rules = rules_from_lines(lines.outbound);
  request.tags = strings_of(desired.attributes.at("tags"));
  std::string id = prior ? text_attribute(*prior, "id") : "";
  if (id.empty()) {
    auto listed = client_->list_firewalls();
    if (!listed) return listed.error();
    for (const auto& existing : *listed) {
      if (existing.spec.name == request.name) id = existing.id;  // made by a run that died before saving it
    }
  }
  auto written = id.empty() ? client_->create_firewall(request) : client_->update_firewall(id, request);
  if (!written) return written.error();
  ResourceState state = state_of(desired, {{"id", written->id}});
  state.attributes["inbound"] = lines.inbound;
  state.attributes["outbound"] = lines.outbound;
  return state;
}

Result<void> DigitalOceanProvider::destroy_firewall(const ResourceState& prior) {
  return client_->delete_firewall(text_attribute(prior, "id"));
}

}  // namespace wakufleet::providers::digitalocean
