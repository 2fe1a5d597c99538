// Droplets (batched, duplicate-free creates) and actions (serialized per droplet, waited for).
#include <algorithm>
#include <map>
#include <set>

#include "providers/digitalocean/api.hpp"
#include "providers/digitalocean/create.hpp"
#include "util/text.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

using json = nlohmann::json;
using Batch = std::vector<const DropletRequest*>;

constexpr std::size_t kMaxUserData = 64 * 1024;

// Requests that differ only in name and resource_tag can share one POST with names[].
std::string batch_key(const DropletRequest& request) {
  DropletRequest shared = request;
  shared.name.clear();
  shared.resource_tag.clear();
  return droplet_body(shared, {""}).dump() + "\n" + request.lookup_tag;
}

std::vector<Batch> make_batches(const std::vector<DropletRequest>& requests, std::size_t batch_size) {
  std::vector<std::string> keys;  // in order of first appearance, so batches follow the request order
  std::map<std::string, Batch> groups;
  for (const auto& request : requests) {
    auto key = batch_key(request);
    if (!groups.count(key)) keys.push_back(key);
    groups[key].push_back(&request);
  }
  std::vector<Batch> batches;
  for (const auto& key : keys) {
    const Batch& group = groups[key];
    for (std::size_t at = 0; at < group.size(); at += batch_size) {
      batches.emplace_back(group.begin() + static_cast<long>(at),
                           group.begin() + static_cast<long>(std::min(at + batch_size, group.size())));
    }
  }
  return batches;
}

util::Result<void> validate(const std::vector<DropletRequest>& requests) {
  std::set<std::string> names;
  for (const auto& request : requests) {
    if (request.name.empty()) return util::fail("a droplet to create has no name");
    if (!names.insert(request.name).second) {
      return util::fail("droplet name \"" + request.name + "\" is requested twice: names identify droplets");
    }
    if (request.lookup_tag.empty()) {
      return util::fail("droplet \"" + request.name + "\" has no lookup tag to find it by after a failed create");
    }
    if (request.user_data.size() > kMaxUserData) {
      return util::fail("droplet \"" + request.name + "\": user data is " + std::to_string(request.user_data.size()) +
                        " bytes, DigitalOcean takes at most 65536");
    }
  }
  return {};
}

std::vector<Droplet> parse_created(const json& body) {
  std::vector<Droplet> out;
  if (body.contains("droplet")) out.push_back(parse_droplet(body["droplet"]));
  if (body.contains("droplets") && body["droplets"].is_array()) {
    for (const auto& droplet : body["droplets"]) out.push_back(parse_droplet(droplet));
  }
  return out;
}

json batch_body(const Batch& pending) {
  std::vector<std::string> names;
  for (const auto* request : pending) names.push_back(request->name);
  DropletRequest shared = *pending.front();
  // A single droplet carries its own tag from the start; in a batch the tags are shared, so
  // resource tags are added afterwards (add_resource_tags).
  if (pending.size() == 1 && !shared.resource_tag.empty()) shared.tags.push_back(shared.resource_tag);
  if (std::find(shared.tags.begin(), shared.tags.end(), shared.lookup_tag) == shared.tags.end()) {
    shared.tags.push_back(shared.lookup_tag);
  }
  return droplet_body(shared, names);
}

// DigitalOcean's 422 for an action on a droplet that is busy: "Droplet already has a pending event."
bool is_locked(const ApiResponse& response) {
  if (response.status != 422) return false;
  std::string message = response.error_message();
  std::transform(message.begin(), message.end(), message.begin(), [](unsigned char c) { return std::tolower(c); });
  return message.find("pending") != std::string::npos || message.find("locked") != std::string::npos;
}

}  // namespace

util::Result<std::vector<Droplet>> DigitalOceanClient::list_droplets_by_tag(const std::string& tag) {
  return list_parsed(transport_, with_query("/v2/droplets", {{"tag_name", tag}}), "droplets", parse_droplet);
}

util::Result<std::vector<Droplet>> DigitalOceanClient::list_droplets_by_name(const std::string& name) {
  return list_parsed(transport_, with_query("/v2/droplets", {{"name", name}}), "droplets", parse_droplet);
}

util::Result<std::optional<Droplet>> DigitalOceanClient::get_droplet(std::int64_t id) {
  const std::string path = "/v2/droplets/" + std::to_string(id);
  auto response = transport_.send("GET", path);
  if (!response) return transport_.transport_error("GET", path, response.error(), transport_.options().max_attempts);
  if (response->status == 404) return std::optional<Droplet>();
  if (!response->success()) return transport_.api_error("GET", path, *response);
  return std::optional<Droplet>(parse_droplet(response->body.value("droplet", json::object())));
}

util::Result<std::vector<Droplet>> DigitalOceanClient::create_droplets(const std::vector<DropletRequest>& requests) {
  if (auto valid = validate(requests); !valid) return valid.error();
  // Droplets that carry the lookup tag before we start are never taken for ones this call made
  // (a node being replaced keeps its name). One list per fleet tag, not one per batch.
  std::map<std::string, std::set<std::int64_t>> preexisting;
  for (const auto& request : requests) {
    if (preexisting.count(request.lookup_tag)) continue;
    auto listed = list_droplets_by_tag(request.lookup_tag);
    if (!listed) return listed.error();
    auto& ids = preexisting[request.lookup_tag];
    for (const auto& droplet : *listed) ids.insert(droplet.id);
  }
  std::vector<Droplet> created;
  for (const auto& batch : make_batches(requests, std::max<std::size_t>(1, transport_.options().droplet_batch_size))) {
    auto made = create_droplet_batch(batch, preexisting[batch.front()->lookup_tag]);
    if (!made) return made.error();
    created.insert(created.end(), made->begin(), made->end());
  }
  if (auto tagged = add_resource_tags(created, requests); !tagged) return tagged.error();
  std::map<std::string, Droplet> by_name;
  for (auto& droplet : created) by_name[droplet.name] = std::move(droplet);
  std::vector<Droplet> ordered;
  for (const auto& request : requests) ordered.push_back(by_name[request.name]);
  return ordered;
}

// One batch: POST once per attempt; after an unknown outcome, adopt what the lookup tag shows and
// send only the names still missing.
util::Result<std::vector<Droplet>> DigitalOceanClient::create_droplet_batch(const Batch& batch,
                                                                          const std::set<std::int64_t>& preexisting) {
  Batch pending = batch;
  std::vector<Droplet> created;
  std::string last_failure;
  const int attempts = transport_.options().max_attempts;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    const json body = batch_body(pending);
    auto response = transport_.send_once("POST", "/v2/droplets", &body);
    if (response && response->success()) {
      auto made = parse_created(response->body);
      created.insert(created.end(), made.begin(), made.end());
      return created;
    }
    if (response && response->status < 500) return transport_.api_error("POST", "/v2/droplets", *response);
    last_failure = response ? transport_.api_error("POST", "/v2/droplets", *response).message
                            : transport_.transport_error("POST", "/v2/droplets", response.error(), attempt).message;
    transport_.backoff(attempt);
    auto listed = list_droplets_by_tag(pending.front()->lookup_tag);
    if (!listed) return util::fail(last_failure + "; whether droplets were created anyway is unknown: " + listed.error().message);
    for (const auto& droplet : *listed) {
      auto match = std::find_if(pending.begin(), pending.end(), [&](const DropletRequest* r) { return r->name == droplet.name; });
      if (match == pending.end() || preexisting.count(droplet.id)) continue;
      created.push_back(droplet);
      pending.erase(match);
    }
    if (pending.empty()) return created;
  }
  return util::fail(last_failure + " (" + std::to_string(pending.size()) + " droplet(s) not created)");
}

util::Result<void> DigitalOceanClient::add_resource_tags(std::vector<Droplet>& created,
                                                         const std::vector<DropletRequest>& requests) {
  std::map<std::string, std::string> tag_of;
  for (const auto& request : requests) tag_of[request.name] = request.resource_tag;
  for (auto& droplet : created) {
    const std::string& tag = tag_of[droplet.name];
    if (tag.empty() || std::find(droplet.tags.begin(), droplet.tags.end(), tag) != droplet.tags.end()) continue;
    if (auto made = create_tag(tag); !made) return made.error();
    if (auto tagged = tag_resources(tag, {{std::to_string(droplet.id), "droplet"}}); !tagged) return tagged.error();
    droplet.tags.push_back(tag);
  }
  return {};
}

util::Result<void> DigitalOceanClient::delete_droplet(std::int64_t id) {
  return delete_path("/v2/droplets/" + std::to_string(id));
}

util::Result<std::vector<Droplet>> DigitalOceanClient::wait_droplets_ready(const std::string& tag,
                                                                         const std::vector<std::int64_t>& ids) {
  const auto& options = transport_.options();
  std::vector<std::string> waiting;
  for (int poll = 0; poll < options.action_max_polls; ++poll) {
    auto listed = list_droplets_by_tag(tag);
    if (!listed) return listed.error();
    std::map<std::int64_t, Droplet> by_id;
    for (auto& droplet : *listed) by_id[droplet.id] = std::move(droplet);
    std::vector<Droplet> ready;
    waiting.clear();
    for (auto id : ids) {
      auto found = by_id.find(id);
      if (found != by_id.end() && found->second.ready()) {
        ready.push_back(found->second);
      } else {
        waiting.push_back(found == by_id.end() ? std::to_string(id) + " (not listed)" : found->second.name);
      }
    }
    if (waiting.empty()) return ready;
    transport_.clock().sleep_for(options.action_poll_interval);
  }
  return util::fail("droplets not active with a public IPv4 address after " + std::to_string(options.action_max_polls) +
                    " polls: " + util::join(waiting, ", "));
}

std::shared_ptr<std::mutex> DigitalOceanClient::droplet_lock(std::int64_t droplet_id) {
  std::lock_guard guard(locks_mutex_);
  auto& lock = droplet_locks_[droplet_id];
  if (!lock) lock = std::make_shared<std::mutex>();
  return lock;
}

util::Result<Action> DigitalOceanClient::droplet_action(std::int64_t droplet_id, const std::string& type,
                                                        const json& params) {
  // Held until the action completed: the next action on this droplet would only get a 422.
  auto lock = droplet_lock(droplet_id);
  std::lock_guard guard(*lock);
  json body = params.is_object() ? params : json::object();
  body["type"] = type;
  return post_action("/v2/droplets/" + std::to_string(droplet_id) + "/actions", body,
                     [&] { return running_droplet_action(droplet_id, type); });
}

// After an unknown outcome: an action of this type still running on the droplet is ours.
util::Result<std::optional<Action>> DigitalOceanClient::running_droplet_action(std::int64_t droplet_id,
                                                                                const std::string& type) {
  auto body = transport_.call("GET", "/v2/droplets/" + std::to_string(droplet_id) + "/actions?per_page=20");
  if (!body) return body.error();
  for (const auto& item : body->value("actions", json::array())) {
    auto action = parse_action(item);
    if (action.type == type && action.status == "in-progress") return std::optional<Action>(action);
  }
  return std::optional<Action>();
}

// Posts an action and waits for it. 422 "pending event" waits for the droplet to unlock; a timeout
// or 5xx asks `already_done` whether the action was applied before posting it again.
util::Result<Action> DigitalOceanClient::post_action(
    const std::string& path, const json& body, const std::function<util::Result<std::optional<Action>>()>& already_done) {
  const auto& options = transport_.options();
  int locked = 0;
  int failures = 0;
  while (true) {
    auto response = transport_.send_once("POST", path, &body);
    if (response && response->success()) return wait_action(parse_action(response->body.value("action", json::object())).id);
    if (response && is_locked(*response) && locked < options.locked_max_retries) {
      ++locked;
      transport_.clock().sleep_for(options.locked_retry_interval);
      continue;
    }
    if (response && response->status < 500) return transport_.api_error("POST", path, *response);
    if (++failures >= options.max_attempts) {
      return response ? transport_.api_error("POST", path, *response)
                      : transport_.transport_error("POST", path, response.error(), failures);
    }
    transport_.backoff(failures);
    auto running = already_done();
    if (!running) return running.error();
    if (*running) return running->value().id == 0 ? running->value() : wait_action(running->value().id);
  }
}

util::Result<Action> DigitalOceanClient::wait_action(std::int64_t action_id) {
  const auto& options = transport_.options();
  const std::string path = "/v2/actions/" + std::to_string(action_id);
  for (int poll = 0; poll < options.action_max_polls; ++poll) {
    transport_.clock().sleep_for(options.action_poll_interval);
    auto body = transport_.call("GET", path);
    if (!body) return body.error();
    auto action = parse_action(body->value("action", json::object()));
    if (action.status == "completed") return action;
    if (action.status == "errored") {
      return util::fail("DigitalOcean action " + std::to_string(action_id) + " (" + action.type + " on " +
                        action.resource_type + " " + std::to_string(action.resource_id) + ") errored");
    }
  }
  return util::fail("DigitalOcean action " + std::to_string(action_id) + " still in progress after " +
                    std::to_string(options.action_max_polls) + " polls");
}

}  // namespace wakufleet::providers::digitalocean
