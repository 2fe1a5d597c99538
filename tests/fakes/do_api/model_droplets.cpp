// Droplets and actions. A droplet is created "new" and locked (its create action is in progress);
// after `reads_until_active` reads it is "active", and only `reads_until_public_ip` reads later
// does its public IPv4 address appear, as at DigitalOcean. Actions complete after
// `polls_until_action_done` polls of the action or touches of the droplet they lock; until then
// the droplet is locked and new actions on it get 422.
#include <algorithm>
#include <cstdio>
#include <regex>

#include "fakes/do_api/model.hpp"

namespace wakufleet::fakes::do_api {

namespace {

bool valid_droplet_name(const std::string& name) {
  static const std::regex pattern("^[a-zA-Z0-9]?[a-z0-9A-Z.\\-]*[a-z0-9A-Z]$");
  return !name.empty() && name.size() <= 255 && std::regex_match(name, pattern);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool flag(const json& body, const char* key) { return body.contains(key) && body[key].is_boolean() && body[key].get<bool>(); }

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string dotted(std::uint32_t address) {
  char text[16];
  std::snprintf(text, sizeof text, "%u.%u.%u.%u", address >> 24, (address >> 16) & 255, (address >> 8) & 255, address & 255);
  return text;
}

// The droplet's name or names[] (DigitalOcean takes at most 10 per request).
std::optional<std::string> names_of(const json& body, std::vector<std::string>& names) {
  if (body.contains("names") && !body["names"].is_null()) {
    if (!body["names"].is_array() || body["names"].empty() || body["names"].size() > 10) {
      return "names must be an array of 1 to 10 names";
    }
    for (const auto& name : body["names"]) {
      if (!name.is_string()) return "names must be strings";
      names.push_back(name);
    }
  } else if (body.contains("name") && body["name"].is_string()) {
    names.push_back(body["name"]);
  } else {
    return "name is required";
  }
  for (const auto& name : names) {
    if (!valid_droplet_name(name)) return "Name is invalid: \"" + name + "\" (letters, digits, '.' and '-' only)";
  }
  return std::nullopt;
}

std::optional<std::string> strings_of(const json& body, const char* key, std::vector<std::string>& out) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  if (!body[key].is_array()) return std::string(key) + " must be an array of strings";
  for (const auto& item : body[key]) {
    if (!item.is_string()) return std::string(key) + " must be an array of strings";
    out.push_back(item);
  }
  return std::nullopt;
}

}  // namespace

DropletRec* Model::find_droplet(const std::string& id_text) {
  try {
    std::size_t used = 0;
    auto id = std::stoll(id_text, &used);
    auto found = droplets_.find(id);
    return used == id_text.size() && found != droplets_.end() ? &found->second : nullptr;
  } catch (const std::exception&) {
    return nullptr;
  }
}

bool Model::locked(const DropletRec& droplet) const { return !droplet.pending_actions.empty(); }

std::string Model::allocate_private_ip(const std::string& vpc_uuid) {
  auto vpc = vpcs_.find(vpc_uuid);
  unsigned a = 10, b = 0, c = 0, d = 0;
  if (vpc != vpcs_.end()) std::sscanf(vpc->second.ip_range.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d);
  std::uint32_t base = (a << 24) | (b << 16) | (c << 8) | d;
  return dotted(base + 2 + next_host_[vpc_uuid]++);
}

// Public addresses come from 198.18.0.0/16 (reserved for benchmarks: never anyone's host).
void Model::assign_addresses(DropletRec& droplet, bool with_public) {
  if (droplet.private_v4.empty()) droplet.private_v4 = allocate_private_ip(droplet.vpc_uuid);
  if (!with_public) return;
  if (droplet.public_v4.empty()) droplet.public_v4 = dotted((198u << 24 | 18u << 16) + 10 + next_public_++ % 65000);
  if (droplet.ipv6 && droplet.public_v6.empty()) {
    char text[48];
    std::snprintf(text, sizeof text, "2001:db8:%llx::1", static_cast<unsigned long long>(droplet.id % 0xffff));
    droplet.public_v6 = text;
  }
}

// A read of the droplet: moves it along, and counts as a poll of the actions that lock it.
void Model::observe(DropletRec& droplet) {
  ++droplet.reads;
  if (droplet.status == "new" && droplet.reads >= options_.reads_until_active) {
    droplet.status = "active";
    assign_addresses(droplet, false);
    if (auto create = actions_.find(droplet.create_action); create != actions_.end()) complete(create->second);
  }
  if (droplet.status != "new" && droplet.reads >= options_.reads_until_active + options_.reads_until_public_ip) {
    assign_addresses(droplet, true);
  }
  const auto pending = droplet.pending_actions;  // completing erases from the set
  for (auto id : pending) {
    if (auto action = actions_.find(id); action != actions_.end() && !action->second.follows_droplet) poll(action->second);
  }
}

void Model::poll(ActionRec& action) {
  if (action.status != "in-progress") return;
  if (++action.polls >= options_.polls_until_action_done) complete(action);
}

void Model::complete(ActionRec& action) {
  if (action.status != "in-progress") return;
  action.status = action.will_error ? "errored" : "completed";
  action.completed_at = timestamp();
  if (auto droplet = droplets_.find(action.droplet); droplet != droplets_.end()) {
    droplet->second.pending_actions.erase(action.id);
  }
  if (auto ip = reserved_ips_.find(action.reserved_ip); ip != reserved_ips_.end()) ip->second.pending_actions.erase(action.id);
  if (action.effect && !action.will_error) action.effect();
}

ActionRec& Model::start_action(const std::string& type, const std::string& resource_type, std::int64_t resource_id,
                               const std::string& region_slug, std::int64_t locks_droplet) {
  ActionRec action;
  action.id = next_action_++;
  action.type = type;
  action.resource_type = resource_type;
  action.resource_id = resource_id;
  action.region = region_slug;
  action.started_at = timestamp();
  action.droplet = locks_droplet;
  if (auto droplet = droplets_.find(locks_droplet); droplet != droplets_.end()) {
    droplet->second.pending_actions.insert(action.id);
  }
  return actions_[action.id] = std::move(action);
}

json Model::render(const ActionRec& action) const {
  const json* where = region(action.region);
  return {{"id", action.id},
          {"status", action.status},
          {"type", action.type},
          {"started_at", action.started_at},
          {"completed_at", action.completed_at.empty() ? json(nullptr) : json(action.completed_at)},
          {"resource_id", action.resource_id},
          {"resource_type", action.resource_type},
          {"region", where ? *where : json(nullptr)},
          {"region_slug", action.region.empty() ? json(nullptr) : json(action.region)}};
}

json Model::render(const DropletRec& droplet) const {
  json v4 = json::array(), v6 = json::array();
  if (!droplet.private_v4.empty()) {
    v4.push_back({{"ip_address", droplet.private_v4}, {"netmask", "255.255.240.0"}, {"gateway", nullptr}, {"type", "private"}});
  }
  if (!droplet.public_v4.empty()) {
    v4.push_back({{"ip_address", droplet.public_v4}, {"netmask", "255.254.0.0"}, {"gateway", "198.18.0.1"}, {"type", "public"}});
  }
  if (!droplet.public_v6.empty()) {
    v6.push_back({{"ip_address", droplet.public_v6}, {"netmask", 64}, {"gateway", "2001:db8::1"}, {"type", "public"}});
  }
  json image = droplet.image.is_string()
                   ? json{{"id", 191457505}, {"name", droplet.image}, {"distribution", "Ubuntu"}, {"slug", droplet.image}, {"public", true}}
                   : json{{"id", droplet.image}, {"name", "custom image"}, {"distribution", "Unknown"}, {"slug", nullptr}, {"public", false}};
  json features = {"droplet_agent", "private_networking"};
  if (droplet.ipv6) features.push_back("ipv6");
  if (droplet.monitoring) features.push_back("monitoring");
  const json& size_object = *size(droplet.size);
  return {{"id", droplet.id},
          {"name", droplet.name},
          {"memory", size_object["memory"]},
          {"vcpus", size_object["vcpus"]},
          {"disk", size_object["disk"]},
          {"locked", locked(droplet)},
          {"status", droplet.status},
          {"kernel", nullptr},
          {"created_at", droplet.created_at},
          {"features", features},
          {"backup_ids", json::array()},
          {"next_backup_window", nullptr},
          {"snapshot_ids", json::array()},
          {"image", image},
          {"volume_ids", droplet.volume_ids},
          {"size", size_object},
          {"size_slug", droplet.size},
          {"networks", {{"v4", v4}, {"v6", v6}}},
          {"region", *region(droplet.region)},
          {"tags", droplet.tags},
          {"vpc_uuid", droplet.vpc_uuid}};
}

// DigitalOcean puts droplets without vpc_uuid into the region's default VPC, made on first use.
std::string Model::default_vpc(const std::string& region_slug) {
  for (const auto& [id, vpc] : vpcs_) {
    if (vpc.is_default && vpc.region == region_slug) return id;
  }
  VpcRec vpc{new_uuid(), "default-" + region_slug, region_slug, allocate_ip_range(), "", timestamp(), true};
  vpcs_[vpc.id] = vpc;
  return vpc.id;
}

std::int64_t Model::make_droplet(const std::string& name, const json& body, const std::string& vpc_uuid) {
  DropletRec droplet;
  droplet.id = next_droplet_++;
  droplet.name = name;
  droplet.region = body["region"];
  droplet.size = body["size"];
  droplet.image = body["image"];
  droplet.ipv6 = flag(body, "ipv6");
  droplet.monitoring = flag(body, "monitoring");
  (void)strings_of(body, "tags", droplet.tags);
  (void)strings_of(body, "volumes", droplet.volume_ids);
  droplet.vpc_uuid = vpc_uuid;
  droplet.user_data = body.value("user_data", "");
  droplet.created_at = timestamp();
  for (const auto& volume : droplet.volume_ids) volumes_[volume].droplet_ids = {droplet.id};
  const auto id = droplet.id;
  droplets_[id] = std::move(droplet);
  ActionRec& create = start_action("create", "droplet", id, droplets_[id].region, id);
  create.follows_droplet = true;
  droplets_[id].create_action = create.id;
  return id;
}

std::int64_t Model::add_droplet(const std::string& name, const std::vector<std::string>& tags, const std::string& region_slug) {
  std::lock_guard lock(mutex_);
  ensure_tags(tags);
  json body = {{"region", region_slug}, {"size", "s-1vcpu-1gb"}, {"image", "ubuntu-24-04-x64"}, {"tags", tags}};
  auto id = make_droplet(name, body, default_vpc(region_slug));
  DropletRec& droplet = droplets_[id];
  droplet.status = "active";
  droplet.reads = options_.reads_until_active + options_.reads_until_public_ip;
  complete(actions_[droplet.create_action]);
  assign_addresses(droplet, true);
  return id;
}

Reply Model::list_droplets(const Call& call) {
  const std::string tag = call.get("tag_name"), name = lower(call.get("name"));
  if (!tag.empty() && !name.empty()) return unprocessable("tag_name cannot be combined with name");
  std::vector<DropletRec*> matching;
  for (auto& [id, droplet] : droplets_) {
    if ((tag.empty() || has(droplet.tags, tag)) && (name.empty() || lower(droplet.name) == name)) matching.push_back(&droplet);
  }
  return page(call, "droplets", matching.size(), [&](std::size_t i) {
    observe(*matching[i]);
    return render(*matching[i]);
  });
}

// Everything DigitalOcean checks before it accepts a create; `vpc_uuid` is set when one was given.
std::optional<std::string> Model::check_droplet_create(const json& body, const std::vector<std::string>& names,
                                                       std::string& vpc_uuid) const {
  const json* where = body.contains("region") && body["region"].is_string() ? region(body["region"]) : nullptr;
  if (!where) return "You specified an invalid region for Droplet creation.";
  if (!(*where)["available"].get<bool>()) return "Region is not available.";
  const std::string region_slug = body["region"];
  const json* what = body.contains("size") && body["size"].is_string() ? size(body["size"]) : nullptr;
  if (!what) return "You specified an invalid size for Droplet creation.";
  if (!has((*what)["regions"].get<std::vector<std::string>>(), region_slug)) return "Size is not available in this region.";
  const bool image_ok = body.contains("image") && ((body["image"].is_string() && !body["image"].get<std::string>().empty()) ||
                                                   body["image"].is_number_integer());
  if (!image_ok) return "You specified an invalid image for Droplet creation.";
  if (auto problem = check_ssh_keys(body)) return problem;
  std::vector<std::string> tags, volumes;
  if (auto problem = strings_of(body, "tags", tags)) return problem;
  for (const auto& tag : tags) {
    if (!valid_tag(tag)) return "Tag \"" + tag + "\" is invalid: letters, numbers, ':', '-' and '_' only";
  }
  if (body.contains("user_data") && (!body["user_data"].is_string() || body["user_data"].get<std::string>().size() > 65536)) {
    return "user_data must be a string of at most 64 KiB";
  }
  if (body.contains("vpc_uuid") && body["vpc_uuid"].is_string()) {
    auto vpc = vpcs_.find(body["vpc_uuid"]);
    if (vpc == vpcs_.end() || vpc->second.region != region_slug) return "vpc_uuid is not a VPC in region " + region_slug;
    vpc_uuid = vpc->first;
  }
  if (auto problem = strings_of(body, "volumes", volumes)) return problem;
  if (!volumes.empty() && names.size() > 1) return "volumes can only be attached when creating one Droplet";
  for (const auto& id : volumes) {
    auto volume = volumes_.find(id);
    if (volume == volumes_.end() || volume->second.region != region_slug || !volume->second.droplet_ids.empty()) {
      return "volume " + id + " does not exist in this region or is attached already";
    }
  }
  if (droplets_.size() + names.size() > static_cast<std::size_t>(options_.droplet_limit)) {
    return names.size() == 1 ? "creating this droplet will exceed your droplet limit"
                             : "creating these droplets will exceed your droplet limit";
  }
  return std::nullopt;
}

// ssh_keys: ids (numbers or text) or fingerprints of keys on the account.
std::optional<std::string> Model::check_ssh_keys(const json& body) const {
  if (!body.contains("ssh_keys") || body["ssh_keys"].is_null()) return std::nullopt;
  if (!body["ssh_keys"].is_array()) return "ssh_keys must be an array";
  for (const auto& key : body["ssh_keys"]) {
    bool known = std::any_of(keys_.begin(), keys_.end(), [&](const auto& entry) {
      return (key.is_number_integer() && key.get<std::int64_t>() == entry.first) ||
             (key.is_string() && (key.get<std::string>() == entry.second.fingerprint ||
                                  key.get<std::string>() == std::to_string(entry.first)));
    });
    if (!known) return "Invalid key identifiers for Droplet creation.";
  }
  return std::nullopt;
}

Reply Model::create_droplets(const Call& call) {
  const json& body = call.body;
  if (!body.is_object()) return unprocessable("the request body must be a JSON object");
  std::vector<std::string> names, tags;
  if (auto problem = names_of(body, names)) return unprocessable(*problem);
  std::string vpc_uuid;
  if (auto problem = check_droplet_create(body, names, vpc_uuid)) return unprocessable(*problem);
  if (vpc_uuid.empty()) vpc_uuid = default_vpc(body["region"]);
  (void)strings_of(body, "tags", tags);
  ensure_tags(tags);
  json droplets = json::array(), links = json::array();
  for (const auto& name : names) {
    const DropletRec& droplet = droplets_[make_droplet(name, body, vpc_uuid)];
    droplets.push_back(render(droplet));
    links.push_back({{"id", droplet.create_action}, {"rel", "create"},
                     {"href", call.base_url + "/v2/actions/" + std::to_string(droplet.create_action)}});
  }
  if (!body.contains("names")) return {202, {{"droplet", droplets[0]}, {"links", {{"actions", links}}}}};
  return {202, {{"droplets", droplets}, {"links", {{"actions", links}}}}};
}

Reply Model::get_droplet(const Call& call) {
  DropletRec* droplet = find_droplet(call.param(0));
  if (!droplet) return not_found();
  observe(*droplet);
  return {200, {{"droplet", render(*droplet)}}};
}

// Deleting a droplet detaches its volumes, unassigns its reserved IPs and leaves its firewalls.
void Model::forget_droplet(std::int64_t id) {
  for (auto& [volume_id, volume] : volumes_) std::erase(volume.droplet_ids, id);
  for (auto& [ip, reserved] : reserved_ips_) {
    if (reserved.droplet_id == id) reserved.droplet_id = 0;
  }
  for (auto& [firewall_id, firewall] : firewalls_) std::erase(firewall.droplet_ids, id);
  droplets_.erase(id);
}

Reply Model::delete_droplet(const Call& call) {
  DropletRec* droplet = find_droplet(call.param(0));
  if (!droplet) return not_found();
  forget_droplet(droplet->id);
  return {204, nullptr};
}

Reply Model::delete_droplets_by_tag(const Call& call) {
  const std::string tag = call.get("tag_name");
  if (tag.empty()) return unprocessable("tag_name is required");
  std::vector<std::int64_t> doomed;
  for (const auto& [id, droplet] : droplets_) {
    if (has(droplet.tags, tag)) doomed.push_back(id);
  }
  for (auto id : doomed) forget_droplet(id);
  return {204, nullptr};
}

std::optional<std::string> Model::plan_droplet_action(const DropletRec& droplet, const json& body,
                                                      std::function<void()>& effect) {
  const std::string type = body.value("type", "");
  const std::int64_t id = droplet.id;
  auto set_status = [this, id](const char* status) {
    return [this, id, status] {
      if (auto found = droplets_.find(id); found != droplets_.end()) found->second.status = status;
    };
  };
  if (type == "power_off" || type == "shutdown") {
    effect = set_status("off");
  } else if (type == "power_on" || type == "reboot" || type == "power_cycle") {
    effect = set_status("active");
  } else if (type == "rename") {
    if (!body.contains("name") || !body["name"].is_string() || !valid_droplet_name(body["name"])) return "name is invalid";
    effect = [this, id, name = body["name"].get<std::string>()] {
      if (auto found = droplets_.find(id); found != droplets_.end()) found->second.name = name;
    };
  } else if (type == "resize") {
    const json* what = body.contains("size") && body["size"].is_string() ? size(body["size"]) : nullptr;
    if (!what || !has((*what)["regions"].get<std::vector<std::string>>(), droplet.region)) return "size is invalid";
    effect = [this, id, slug = body["size"].get<std::string>()] {
      if (auto found = droplets_.find(id); found != droplets_.end()) found->second.size = slug;
    };
  } else if (type == "rebuild") {
    if (!body.contains("image")) return "image is required";
    effect = [this, id, image = body["image"]] {
      if (auto found = droplets_.find(id); found != droplets_.end()) found->second.image = image;
    };
  } else if (type == "enable_ipv6") {
    effect = [this, id] {
      if (auto found = droplets_.find(id); found != droplets_.end()) {
        found->second.ipv6 = true;
        assign_addresses(found->second, !found->second.public_v4.empty());
      }
    };
  } else if (type == "enable_backups" || type == "disable_backups" || type == "snapshot" || type == "password_reset") {
    effect = [] {};
  } else {
    return "type \"" + type + "\" is not a droplet action";
  }
  return std::nullopt;
}

Reply Model::droplet_action(const Call& call) {
  DropletRec* droplet = find_droplet(call.param(0));
  if (!droplet) return not_found();
  observe(*droplet);
  if (locked(*droplet)) return unprocessable("Droplet already has a pending event.");
  if (!call.body.is_object()) return unprocessable("type is required");
  std::function<void()> effect;
  if (auto problem = plan_droplet_action(*droplet, call.body, effect)) return unprocessable(*problem);
  ActionRec& action = start_action(call.body["type"], "droplet", droplet->id, droplet->region, droplet->id);
  action.effect = std::move(effect);
  action.will_error = call.action_errors;
  return {201, {{"action", render(action)}}};
}

Reply Model::list_droplet_actions(const Call& call) {
  DropletRec* droplet = find_droplet(call.param(0));
  if (!droplet) return not_found();
  std::vector<const ActionRec*> mine;
  for (auto it = actions_.rbegin(); it != actions_.rend(); ++it) {  // newest first
    if (it->second.resource_type == "droplet" && it->second.resource_id == droplet->id) mine.push_back(&it->second);
  }
  return page(call, "actions", mine.size(), [&](std::size_t i) { return render(*mine[i]); });
}

Reply Model::get_action(const Call& call) {
  std::int64_t id = 0;
  try {
    id = std::stoll(call.param(0));
  } catch (const std::exception&) {
    return not_found();
  }
  auto found = actions_.find(id);
  if (found == actions_.end()) return not_found();
  ActionRec& action = found->second;
  if (!action.follows_droplet) {
    poll(action);
  } else if (auto droplet = droplets_.find(action.droplet); droplet != droplets_.end()) {
    observe(droplet->second);
  } else {
    complete(action);  // its droplet was deleted meanwhile
  }
  return {200, {{"action", render(action)}}};
}

}  // namespace wakufleet::fakes::do_api
