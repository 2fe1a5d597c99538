// The model's plumbing (ids, time, pagination, the region/size catalogue) and the account,
// SSH key and tag endpoints.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <regex>

#include "fakes/do_api/model.hpp"
#include "providers/digitalocean/types.hpp"
#include "util/http.hpp"

namespace wakufleet::fakes::do_api {

namespace {

long to_long(const std::string& text, long fallback) {
  try {
    return text.empty() ? fallback : std::stol(text);
  } catch (const std::exception&) {
    return fallback;
  }
}

// Region "nyc2" exists but takes no new droplets; "s-1vcpu-512mb-10gb" is not offered in every
// region. Both let tests check the client's validation messages.
json make_sizes() {
  struct Spec { const char* slug; int memory, vcpus, disk; double price; };
  const Spec specs[] = {{"s-1vcpu-512mb-10gb", 512, 1, 10, 4},   {"s-1vcpu-1gb", 1024, 1, 25, 6},
                        {"s-1vcpu-2gb", 2048, 1, 50, 12},        {"s-2vcpu-2gb", 2048, 2, 60, 18},
                        {"s-2vcpu-4gb", 4096, 2, 80, 24},        {"s-4vcpu-8gb", 8192, 4, 160, 48},
                        {"s-8vcpu-16gb", 16384, 8, 320, 96}};
  const std::vector<std::string> everywhere = {"ams3", "blr1", "fra1", "lon1", "nyc1", "nyc3", "sfo3", "sgp1", "syd1", "tor1"};
  json sizes = json::array();
  for (const auto& spec : specs) {
    std::vector<std::string> regions = everywhere;
    if (std::string(spec.slug) == "s-1vcpu-512mb-10gb") regions = {"ams3", "fra1", "nyc1", "sfo3", "sgp1"};
    sizes.push_back({{"slug", spec.slug}, {"memory", spec.memory}, {"vcpus", spec.vcpus}, {"disk", spec.disk},
                     {"transfer", 1.0}, {"price_monthly", spec.price}, {"price_hourly", spec.price / 730.0},
                     {"regions", regions}, {"available", true}, {"description", "Basic"}});
  }
  return sizes;
}

json make_regions(const json& sizes) {
  const std::vector<std::pair<std::string, std::string>> names = {
      {"ams3", "Amsterdam 3"}, {"blr1", "Bangalore 1"}, {"fra1", "Frankfurt 1"},   {"lon1", "London 1"},
      {"nyc1", "New York 1"},  {"nyc2", "New York 2"},  {"nyc3", "New York 3"},    {"sfo3", "San Francisco 3"},
      {"sgp1", "Singapore 1"}, {"syd1", "Sydney 1"},    {"tor1", "Toronto 1"}};
  json regions = json::array();
  for (const auto& [slug, name] : names) {
    std::vector<std::string> offered;
    for (const auto& size : sizes) {
      const auto& in = size["regions"];
      if (std::find(in.begin(), in.end(), slug) != in.end()) offered.push_back(size["slug"]);
    }
    regions.push_back({{"slug", slug}, {"name", name}, {"sizes", offered}, {"available", slug != "nyc2"},
                       {"features", {"backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"}}});
  }
  return regions;
}

json render_key(const SshKeyRec& key) {
  return {{"id", key.id}, {"fingerprint", key.fingerprint}, {"public_key", key.public_key}, {"name", key.name}};
}

}  // namespace

bool valid_tag(const std::string& name) {
  static const std::regex pattern("^[a-zA-Z0-9_\\-:]+$");
  return name.size() <= 255 && std::regex_match(name, pattern);
}

Reply error_reply(int status, const std::string& id, const std::string& message) {
  return {status, {{"id", id}, {"message", message}}};
}

Reply not_found() { return error_reply(404, "not_found", "The resource you were accessing could not be found."); }

Reply unprocessable(const std::string& message) { return error_reply(422, "unprocessable_entity", message); }

Model::Model(ModelOptions options, Clock now) : options_(options), now_(std::move(now)) {
  sizes_ = make_sizes();
  regions_ = make_regions(sizes_);
}

Reply Model::handle(Handler handler, const Call& call) {
  std::lock_guard lock(mutex_);
  return (this->*handler)(call);
}

std::string Model::timestamp() const {
  std::time_t seconds = std::chrono::system_clock::to_time_t(now_());
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string Model::new_uuid() {
  std::uint64_t n = next_uuid_++;
  char text[40];
  std::snprintf(text, sizeof text, "%08llx-f4ce-4d0a-8000-%012llx", static_cast<unsigned long long>(0xd0000000 + n),
                static_cast<unsigned long long>(n));
  return text;
}

// DigitalOcean's list shape: items under `key`, links.pages.{first,prev,next,last}, meta.total.
Reply Model::page(const Call& call, const std::string& key, std::size_t total,
                  const std::function<json(std::size_t index)>& render_item) const {
  const long per_page = std::clamp(to_long(call.get("per_page"), 20), 1L, 200L);
  const long page_number = std::max(1L, to_long(call.get("page"), 1));
  const long last = std::max(1L, static_cast<long>((total + per_page - 1) / per_page));
  json items = json::array();
  for (auto at = static_cast<std::size_t>((page_number - 1) * per_page);
       at < total && at < static_cast<std::size_t>(page_number * per_page); ++at) {
    items.push_back(render_item(at));
  }
  auto link = [&](long number) {
    auto query = call.query;
    query["page"] = std::to_string(number);
    std::string url = call.base_url + call.path;
    char separator = '?';
    for (const auto& [name, value] : query) {
      url += separator + name + "=" + util::url_encode(value);
      separator = '&';
    }
    return url;
  };
  json pages = json::object();
  if (page_number < last) pages["next"] = link(page_number + 1), pages["last"] = link(last);
  if (page_number > 1) pages["first"] = link(1), pages["prev"] = link(page_number - 1);
  return {200, {{key, items}, {"links", {{"pages", pages}}}, {"meta", {{"total", total}}}}};
}

const json* Model::region(const std::string& slug) const {
  for (const auto& item : regions_) {
    if (item["slug"] == slug) return &item;
  }
  return nullptr;
}

const json* Model::size(const std::string& slug) const {
  for (const auto& item : sizes_) {
    if (item["slug"] == slug) return &item;
  }
  return nullptr;
}

void Model::ensure_tags(const std::vector<std::string>& tags) {
  for (const auto& tag : tags) tags_.insert(tag);
}

Reply Model::get_account(const Call&) {
  return {200,
          {{"account",
            {{"droplet_limit", options_.droplet_limit},
             {"floating_ip_limit", options_.floating_ip_limit},
             {"volume_limit", options_.volume_limit},
             {"email", "fleet@example.com"},
             {"name", "Fake Account"},
             {"uuid", "b6fr89dbf6d9156cace5f3c78dc9851d957381ef"},
             {"email_verified", true},
             {"status", "active"},
             {"status_message", ""},
             {"team", {{"uuid", "5df3e3004a17e242b7c20ca6c9fc25b701a47ece"}, {"name", "My Team"}}}}}}};
}

Reply Model::list_regions(const Call& call) {
  return page(call, "regions", regions_.size(), [&](std::size_t i) { return regions_[i]; });
}

Reply Model::list_sizes(const Call& call) {
  return page(call, "sizes", sizes_.size(), [&](std::size_t i) { return sizes_[i]; });
}

Reply Model::list_keys(const Call& call) {
  std::vector<const SshKeyRec*> keys;
  for (const auto& [id, key] : keys_) keys.push_back(&key);
  return page(call, "ssh_keys", keys.size(), [&](std::size_t i) { return render_key(*keys[i]); });
}

Reply Model::create_key(const Call& call) {
  const json& body = call.body;
  if (!body.is_object() || !body.contains("name") || !body["name"].is_string() || body["name"].get<std::string>().empty()) {
    return unprocessable("name is required");
  }
  if (!body.contains("public_key") || !body["public_key"].is_string()) return unprocessable("public_key is required");
  const std::string public_key = body["public_key"];
  const std::string fingerprint = providers::digitalocean::ssh_key_fingerprint(public_key);
  if (fingerprint.empty()) return unprocessable("Key invalid, type not supported");
  for (const auto& [id, key] : keys_) {
    if (key.fingerprint == fingerprint) return unprocessable("SSH Key is already in use on your account");
  }
  SshKeyRec key{next_key_++, fingerprint, body["name"], public_key};
  keys_[key.id] = key;
  return {201, {{"ssh_key", render_key(key)}}};
}

Reply Model::get_key(const Call& call) {
  for (const auto& [id, key] : keys_) {
    if (std::to_string(id) == call.param(0) || key.fingerprint == call.param(0)) return {200, {{"ssh_key", render_key(key)}}};
  }
  return not_found();
}

Reply Model::delete_key(const Call& call) {
  for (auto it = keys_.begin(); it != keys_.end(); ++it) {
    if (std::to_string(it->first) == call.param(0) || it->second.fingerprint == call.param(0)) {
      keys_.erase(it);
      return {204, nullptr};
    }
  }
  return not_found();
}

// Creating a tag that exists answers 201 with the tag, as DigitalOcean does.
Reply Model::create_tag(const Call& call) {
  if (!call.body.is_object() || !call.body.contains("name") || !call.body["name"].is_string()) {
    return unprocessable("name is required");
  }
  const std::string name = call.body["name"];
  if (!valid_tag(name)) {
    return unprocessable("tag name may contain only letters, numbers, colons, dashes and underscores (255 at most)");
  }
  tags_.insert(name);
  return {201, {{"tag", {{"name", name}, {"resources", {{"count", 0}}}}}}};
}

Reply Model::get_tag(const Call& call) {
  const std::string name = call.param(0);
  if (!tags_.count(name)) return not_found();
  int droplets = 0, volumes = 0;
  for (const auto& [id, droplet] : droplets_) droplets += std::count(droplet.tags.begin(), droplet.tags.end(), name) > 0;
  for (const auto& [id, volume] : volumes_) volumes += std::count(volume.tags.begin(), volume.tags.end(), name) > 0;
  json resources = {{"count", droplets + volumes}, {"droplets", {{"count", droplets}}}, {"volumes", {{"count", volumes}}}};
  return {200, {{"tag", {{"name", name}, {"resources", resources}}}}};
}

Reply Model::delete_tag(const Call& call) {
  const std::string name = call.param(0);
  if (!tags_.erase(name)) return not_found();
  for (auto& [id, droplet] : droplets_) std::erase(droplet.tags, name);
  for (auto& [id, volume] : volumes_) std::erase(volume.tags, name);
  return {204, nullptr};
}

Reply Model::tag_resources(const Call& call) {
  const std::string name = call.param(0);
  if (!tags_.count(name)) return not_found();
  if (!call.body.is_object() || !call.body.contains("resources") || !call.body["resources"].is_array()) {
    return unprocessable("resources is required");
  }
  for (const auto& resource : call.body["resources"]) {
    const std::string id = resource.value("resource_id", "");
    const std::string type = resource.value("resource_type", "");
    std::vector<std::string>* tags = nullptr;
    if (type == "droplet") {
      auto* droplet = find_droplet(id);
      if (droplet) tags = &droplet->tags;
    } else if (type == "volume") {
      auto found = volumes_.find(id);
      if (found != volumes_.end()) tags = &found->second.tags;
    } else {
      return unprocessable("resource_type must be droplet, image, volume or volume_snapshot");
    }
    if (tags == nullptr) return not_found();
    if (std::find(tags->begin(), tags->end(), name) == tags->end()) tags->push_back(name);
  }
  return {204, nullptr};
}

Reply Model::untag_resources(const Call& call) {
  const std::string name = call.param(0);
  if (!tags_.count(name)) return not_found();
  if (!call.body.is_object() || !call.body.contains("resources") || !call.body["resources"].is_array()) {
    return unprocessable("resources is required");
  }
  for (const auto& resource : call.body["resources"]) {
    const std::string id = resource.value("resource_id", "");
    if (auto* droplet = find_droplet(id)) std::erase(droplet->tags, name);
    if (auto found = volumes_.find(id); found != volumes_.end()) std::erase(found->second.tags, name);
  }
  return {204, nullptr};
}

json Model::snapshot() {
  std::lock_guard lock(mutex_);
  json out = {{"droplets", json::array()}, {"volumes", json::array()}, {"reserved_ips", json::array()},
              {"vpcs", json::array()},     {"firewalls", json::array()}, {"domains", json::array()},
              {"ssh_keys", json::array()}, {"tags", tags_},               {"actions", json::array()}};
  for (const auto& [id, droplet] : droplets_) out["droplets"].push_back(render(droplet));
  // What each droplet's metadata service would serve it: the API itself never returns user data.
  out["user_data"] = json::object();
  for (const auto& [id, droplet] : droplets_) out["user_data"][std::to_string(id)] = droplet.user_data;
  for (const auto& [id, volume] : volumes_) out["volumes"].push_back(render(volume));
  for (const auto& [ip, reserved] : reserved_ips_) out["reserved_ips"].push_back(render(reserved));
  for (const auto& [id, vpc] : vpcs_) out["vpcs"].push_back(render(vpc));
  for (const auto& [id, firewall] : firewalls_) out["firewalls"].push_back(render(firewall));
  for (const auto& [id, key] : keys_) out["ssh_keys"].push_back(render_key(key));
  for (const auto& [id, action] : actions_) out["actions"].push_back(render(action));
  for (const auto& [name, domain] : domains_) {
    json records = json::array();
    for (const auto& [record_id, record] : domain.records) records.push_back(record);
    out["domains"].push_back({{"name", name}, {"ttl", domain.ttl}, {"records", records}});
  }
  return out;
}

}  // namespace wakufleet::fakes::do_api
