// Client construction, account, catalogue (regions, sizes), SSH keys and tags.
#include "providers/digitalocean/api.hpp"

#include <algorithm>
#include <cstdlib>

#include "providers/digitalocean/create.hpp"
#include "util/text.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

using json = nlohmann::json;

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  auto match = util::closest_match(word, candidates);
  return match ? " (did you mean \"" + *match + "\"?)" : "";
}

}  // namespace

util::Result<ClientConfig> ClientConfig::from_environment() {
  ClientConfig config;
  const char* token = std::getenv("DIGITALOCEAN_TOKEN");
  if (token == nullptr || *token == '\0') {
    return util::fail("DIGITALOCEAN_TOKEN is not set: create a read-write API token in the DigitalOcean control "
                      "panel (API > Tokens) and export it");
  }
  config.token = token;
  if (const char* url = std::getenv("DIGITALOCEAN_API_URL"); url != nullptr && *url != '\0') config.base_url = url;
  return config;
}

DigitalOceanClient::DigitalOceanClient(util::HttpClient& http, const ClientConfig& config, Clock& clock,
                                       ClientOptions options)
    : transport_(http, config.base_url, config.token, clock, options) {}

util::Result<Account> DigitalOceanClient::account() {
  auto body = transport_.call("GET", "/v2/account");
  if (!body) return body.error();
  return parse_account(body->value("account", json::object()));
}

util::Result<std::vector<Region>> DigitalOceanClient::list_regions() {
  return list_parsed(transport_, "/v2/regions", "regions", parse_region);
}

util::Result<std::vector<Size>> DigitalOceanClient::list_sizes() {
  return list_parsed(transport_, "/v2/sizes", "sizes", parse_size);
}

util::Result<void> DigitalOceanClient::check_placement(const std::string& region, const std::string& size) {
  auto regions = list_regions();
  if (!regions) return regions.error();
  std::vector<std::string> slugs;
  for (const auto& candidate : *regions) slugs.push_back(candidate.slug);
  auto found = std::find_if(regions->begin(), regions->end(), [&](const Region& r) { return r.slug == region; });
  if (found == regions->end()) {
    return util::fail("region \"" + region + "\" is not a DigitalOcean region" + did_you_mean(region, slugs));
  }
  if (!found->available) return util::fail("region \"" + region + "\" does not accept new droplets at the moment");
  if (std::find(found->sizes.begin(), found->sizes.end(), size) != found->sizes.end()) return {};
  auto sizes = list_sizes();
  if (!sizes) return sizes.error();
  std::vector<std::string> size_slugs;
  for (const auto& candidate : *sizes) size_slugs.push_back(candidate.slug);
  if (std::find(size_slugs.begin(), size_slugs.end(), size) == size_slugs.end()) {
    return util::fail("size \"" + size + "\" is not a DigitalOcean droplet size" + did_you_mean(size, size_slugs));
  }
  return util::fail("size \"" + size + "\" is not offered in region \"" + region + "\"" +
                    did_you_mean(size, found->sizes));
}

util::Result<std::optional<SshKey>> DigitalOceanClient::ssh_key_by_fingerprint(const std::string& fingerprint) {
  const std::string path = "/v2/account/keys/" + util::url_encode(fingerprint);
  auto response = transport_.send("GET", path);
  if (!response) return transport_.transport_error("GET", path, response.error(), transport_.options().max_attempts);
  if (response->status == 404) return std::optional<SshKey>();
  if (!response->success()) return transport_.api_error("GET", path, *response);
  return std::optional<SshKey>(parse_ssh_key(response->body.value("ssh_key", json::object())));
}

util::Result<SshKey> DigitalOceanClient::create_ssh_key(const std::string& name, const std::string& public_key) {
  const std::string fingerprint = ssh_key_fingerprint(public_key);
  if (fingerprint.empty()) return util::fail("SSH key \"" + name + "\" is not an OpenSSH public key line");
  const json body = {{"name", name}, {"public_key", public_key}};
  return create_once<SshKey>(
      transport_, "/v2/account/keys", body,
      [](const json& created) { return parse_ssh_key(created.value("ssh_key", json::object())); },
      [&] { return ssh_key_by_fingerprint(fingerprint); });
}

util::Result<void> DigitalOceanClient::create_tag(const std::string& name) {
  const json body = {{"name", name}};
  // Safe to repeat: creating a tag twice leaves one tag. An answer that it exists already (if
  // DigitalOcean gives one instead of 201) is success too.
  auto response = transport_.send("POST", "/v2/tags", &body);
  if (!response) return transport_.transport_error("POST", "/v2/tags", response.error(), transport_.options().max_attempts);
  if (response->success()) return {};
  if (response->status == 422 && response->error_message().find("exist") != std::string::npos) return {};
  return transport_.api_error("POST", "/v2/tags", *response);
}

// The tag must exist (404 otherwise): on a 404 it is created and the request sent again.
util::Result<void> DigitalOceanClient::tag_resources(const std::string& tag, const std::vector<TaggedResource>& resources) {
  json list = json::array();
  for (const auto& resource : resources) list.push_back({{"resource_id", resource.id}, {"resource_type", resource.type}});
  const json body = {{"resources", list}};
  const std::string path = "/v2/tags/" + util::url_encode(tag) + "/resources";
  for (int round = 0;; ++round) {
    auto response = transport_.send("POST", path, &body);  // tagging twice is harmless
    if (!response) return transport_.transport_error("POST", path, response.error(), transport_.options().max_attempts);
    if (response->success()) return {};
    if (response->status != 404 || round > 0) return transport_.api_error("POST", path, *response);
    if (auto made = create_tag(tag); !made) return made.error();
  }
}

util::Result<void> DigitalOceanClient::delete_path(const std::string& path) {
  auto response = transport_.send("DELETE", path);
  if (!response) return transport_.transport_error("DELETE", path, response.error(), transport_.options().max_attempts);
  // 404 on a delete: already gone, possibly by our own earlier attempt whose answer was lost.
  if (response->success() || response->status == 404) return {};
  return transport_.api_error("DELETE", path, *response);
}

}  // namespace wakufleet::providers::digitalocean
