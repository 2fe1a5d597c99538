// The fake's HTTP side (cpp-httplib): the route table, and per request authentication, rate
// limiting, fault injection and counting around the model. Admin endpoints live under /_fake/.
//
// Request and response shapes follow DigitalOcean's OpenAPI spec, repository digitalocean/openapi
// at commit 7c1300c479fed9c353cda9fc21cd968619552304, these files under specification/:
//   shared/pages.yml, shared/meta.yml, shared/parameters.yml (per_page 1-200, default 20),
//   shared/headers.yml (ratelimit-limit/-remaining/-reset, x-request-id), shared/models/error.yml,
//   shared/models/action_link.yml, shared/responses/{unauthorized,too_many_requests,
//   unprocessable_entity,server_error}.yml
//   resources/account/models/account.yml; resources/ssh_keys/{sshKeys_create.yml,models/sshKeys.yml}
//   resources/regions/models/region.yml; resources/sizes/models/size.yml
//   resources/droplets/{droplets_create.yml,droplets_list.yml,droplets_destroy.yml,parameters.yml,
//   dropletActions_post.yml,models/droplet.yml,models/droplet_create.yml,models/droplet_multi_create.yml,
//   models/network_v4.yml,models/droplet_actions.yml,responses/droplet_create.yml}
//   resources/actions/models/action.yml
//   resources/volumes/{volumes_create.yml,volumes_list.yml,volumes_delete.yml,volumeActions_post_byId.yml,
//   models/volume_base.yml,models/volume_full.yml,models/volumes_ext4.yml,
//   models/volume_action_post_base.yml,models/volume_action_post_attach.yml}
//   resources/reserved_ips/{reservedIPs_create.yml,reservedIPs_delete.yml,reservedIPsActions_post.yml,
//   models/reserved_ip.yml,models/reserved_ip_create.yml,models/reserved_ip_actions.yml,
//   responses/reserved_ip_created.yml}
//   resources/vpcs/{vpcs_create.yml,vpcs_delete.yml,models/vpc.yml}
//   resources/firewalls/{firewalls_create.yml,firewalls_update.yml,firewalls_delete.yml,
//   models/firewall.yml,models/firewall_rule.yml}
//   resources/tags/{tags_create.yml,tags_assign_resources.yml,models/tags.yml,models/tags_resource.yml}
//   resources/domains/{domains_create.yml,domains_list_records.yml,domains_create_record.yml,
//   domains_update_record.yml,domains_delete_record.yml,parameters.yml,models/domain.yml,
//   models/domain_record.yml}
// Where the live API is known to differ from the spec's examples the live behaviour wins (the 401
// body's id "Unauthorized"); where the spec is silent the fake says so in a comment (volume delete
// while attached: 409; a tag created twice: 201; errors on TXT data over 512 bytes).
#include <httplib.h>

#include <condition_variable>
#include <optional>
#include <thread>

#include "fakes/do_api/control.hpp"
#include "fakes/do_api/fake_do.hpp"
#include "fakes/do_api/model.hpp"

namespace wakufleet::fakes::do_api {

namespace {

struct Route {
  std::string method;
  std::string path_template;  // "/v2/droplets/{id}": also the key of the request counts
  Model::Handler handler;
  bool action = false;        // POST .../actions: the "422" fault applies
};

const std::vector<Route>& routes() {
  static const std::vector<Route> table = {
      {"GET", "/v2/account", &Model::get_account},
      {"GET", "/v2/account/keys", &Model::list_keys},
      {"POST", "/v2/account/keys", &Model::create_key},
      {"GET", "/v2/account/keys/{key}", &Model::get_key},
      {"DELETE", "/v2/account/keys/{key}", &Model::delete_key},
      {"GET", "/v2/regions", &Model::list_regions},
      {"GET", "/v2/sizes", &Model::list_sizes},
      {"POST", "/v2/tags", &Model::create_tag},
      {"GET", "/v2/tags/{tag}", &Model::get_tag},
      {"DELETE", "/v2/tags/{tag}", &Model::delete_tag},
      {"POST", "/v2/tags/{tag}/resources", &Model::tag_resources},
      {"DELETE", "/v2/tags/{tag}/resources", &Model::untag_resources},
      {"GET", "/v2/droplets", &Model::list_droplets},
      {"POST", "/v2/droplets", &Model::create_droplets},
      {"DELETE", "/v2/droplets", &Model::delete_droplets_by_tag},
      {"GET", "/v2/droplets/{id}", &Model::get_droplet},
      {"DELETE", "/v2/droplets/{id}", &Model::delete_droplet},
      {"GET", "/v2/droplets/{id}/actions", &Model::list_droplet_actions},
      {"POST", "/v2/droplets/{id}/actions", &Model::droplet_action, true},
      {"GET", "/v2/actions/{id}", &Model::get_action},
      {"GET", "/v2/volumes", &Model::list_volumes},
      {"POST", "/v2/volumes", &Model::create_volume},
      {"GET", "/v2/volumes/{id}", &Model::get_volume},
      {"DELETE", "/v2/volumes/{id}", &Model::delete_volume},
      {"POST", "/v2/volumes/{id}/actions", &Model::volume_action, true},
      {"GET", "/v2/reserved_ips", &Model::list_reserved_ips},
      {"POST", "/v2/reserved_ips", &Model::create_reserved_ip},
      {"GET", "/v2/reserved_ips/{ip}", &Model::get_reserved_ip},
      {"DELETE", "/v2/reserved_ips/{ip}", &Model::delete_reserved_ip},
      {"POST", "/v2/reserved_ips/{ip}/actions", &Model::reserved_ip_action, true},
      {"GET", "/v2/vpcs", &Model::list_vpcs},
      {"POST", "/v2/vpcs", &Model::create_vpc},
      {"GET", "/v2/vpcs/{id}", &Model::get_vpc},
      {"DELETE", "/v2/vpcs/{id}", &Model::delete_vpc},
      {"GET", "/v2/firewalls", &Model::list_firewalls},
      {"POST", "/v2/firewalls", &Model::create_firewall},
      {"GET", "/v2/firewalls/{id}", &Model::get_firewall},
      {"PUT", "/v2/firewalls/{id}", &Model::update_firewall},
      {"DELETE", "/v2/firewalls/{id}", &Model::delete_firewall},
      {"GET", "/v2/domains", &Model::list_domains},
      {"POST", "/v2/domains", &Model::create_domain},
      {"GET", "/v2/domains/{name}", &Model::get_domain},
      {"DELETE", "/v2/domains/{name}", &Model::delete_domain},
      {"GET", "/v2/domains/{name}/records", &Model::list_records},
      {"POST", "/v2/domains/{name}/records", &Model::create_record},
      {"GET", "/v2/domains/{name}/records/{id}", &Model::get_record},
      {"PUT", "/v2/domains/{name}/records/{id}", &Model::replace_record},
      {"PATCH", "/v2/domains/{name}/records/{id}", &Model::patch_record},
      {"DELETE", "/v2/domains/{name}/records/{id}", &Model::delete_record},
  };
  return table;
}

std::string to_regex(const std::string& path_template) {
  std::string out;
  for (std::size_t at = 0; at < path_template.size(); ++at) {
    if (path_template[at] != '{') {
      out += path_template[at];
      continue;
    }
    at = path_template.find('}', at);
    out += "([^/]+)";
  }
  return out;
}

ModelOptions model_options(const FakeOptions& options) {
  ModelOptions out;
  out.droplet_limit = options.droplet_limit;
  out.floating_ip_limit = options.floating_ip_limit;
  out.volume_limit = options.volume_limit;
  out.reads_until_active = options.reads_until_active;
  out.reads_until_public_ip = options.reads_until_public_ip;
  out.polls_until_action_done = options.polls_until_action_done;
  return out;
}

using HttpHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

void add_route(httplib::Server& server, const std::string& method, const std::string& pattern, HttpHandler handler) {
  if (method == "GET") server.Get(pattern, std::move(handler));
  if (method == "POST") server.Post(pattern, std::move(handler));
  if (method == "PUT") server.Put(pattern, std::move(handler));
  if (method == "PATCH") server.Patch(pattern, std::move(handler));
  if (method == "DELETE") server.Delete(pattern, std::move(handler));
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

}  // namespace

struct FakeDigitalOcean::Impl {
  explicit Impl(FakeOptions fake_options)
      : options(std::move(fake_options)),
        control(options.ratelimit_limit, options.ratelimit_window),
        model(model_options(options), [this] { return control.now(); }) {}

  void install();
  void install_admin();
  void serve(const Route& route, const httplib::Request& req, httplib::Response& res);
  std::optional<Reply> fault_before(Fault fault, httplib::Response& res);
  std::optional<Call> make_call(const httplib::Request& req) const;
  void write(httplib::Response& res, Reply reply, const RateState& rate, const std::string& request_id) const;
  void sleep_ms(int milliseconds);

  FakeOptions options;
  Control control;
  Model model;
  httplib::Server server;
  std::thread thread;
  std::string host;
  int port = 0;
  std::mutex sleep_mutex;
  std::condition_variable sleep_wakeup;
  bool stopping = false;
};

void FakeDigitalOcean::Impl::install() {
  for (const auto& route : routes()) {
    add_route(server, route.method, to_regex(route.path_template),
              [this, &route](const httplib::Request& req, httplib::Response& res) { serve(route, req, res); });
  }
  install_admin();
  // Anything else: DigitalOcean's 404, counted under "<unknown>" so that a client bug shows.
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    add_route(server, method, ".*", [this, method](const httplib::Request&, httplib::Response& res) {
      control.count(std::string(method) + " <unknown>");
      write(res, not_found(), control.peek(), control.next_request_id());
    });
  }
}

void FakeDigitalOcean::Impl::install_admin() {
  server.Post("/_fake/faults", [this](const httplib::Request& req, httplib::Response& res) {
    auto config = FaultConfig::from_json(json::parse(req.body, nullptr, false));
    if (!config) return send_json(res, 400, {{"id", "bad_request"}, {"message", config.error().message}});
    control.set_faults(*config);
    send_json(res, 200, config->to_json());
  });
  server.Get("/_fake/faults", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, control.faults().to_json());
  });
  server.Get("/_fake/stats", [this](const httplib::Request&, httplib::Response& res) { send_json(res, 200, control.stats()); });
  server.Delete("/_fake/stats", [this](const httplib::Request&, httplib::Response& res) {
    control.reset_stats();
    res.status = 204;
  });
  server.Post("/_fake/ratelimit", [this](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return send_json(res, 400, {{"id", "bad_request"}, {"message", "expected {remaining, reset_in}"}});
    control.set_rate_limit(body.value("remaining", 5000L), std::chrono::seconds(body.value("reset_in", 3600L)));
    res.status = 204;
  });
  server.Post("/_fake/clock", [this](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return send_json(res, 400, {{"id", "bad_request"}, {"message", "expected {advance_ms}"}});
    control.advance(std::chrono::milliseconds(body.value("advance_ms", 0L)));
    res.status = 204;
  });
  server.Get("/_fake/state", [this](const httplib::Request&, httplib::Response& res) { send_json(res, 200, model.snapshot()); });
}

void FakeDigitalOcean::Impl::serve(const Route& route, const httplib::Request& req, httplib::Response& res) {
  control.count(route.method + " " + route.path_template);
  const std::string request_id = control.next_request_id();
  if (req.get_header_value("Authorization") != "Bearer " + options.token) {
    // DigitalOcean's live answer (the OpenAPI example spells the id in lower case).
    return write(res, error_reply(401, "Unauthorized", "Unable to authenticate you"), control.peek(), request_id);
  }
  const RateState rate = control.take();
  if (!rate.allowed) {
    res.set_header("retry-after", std::to_string(rate.retry_after));
    return write(res, error_reply(429, "too_many_requests", "API Rate limit exceeded."), rate, request_id);
  }
  const Fault fault = control.draw(route.method, route.action);
  if (auto early = fault_before(fault, res)) return write(res, *early, rate, request_id);
  auto call = make_call(req);
  if (!call) return write(res, error_reply(400, "bad_request", "unable to parse the request body as JSON"), rate, request_id);
  call->action_errors = fault == Fault::action_errored;
  Reply reply = model.handle(route.handler, *call);
  if (fault == Fault::applied_server_error) {
    reply = error_reply(500, "server_error", "Unexpected server-side error");
  } else if (fault == Fault::applied_timeout) {
    sleep_ms(control.faults().timeout_ms);  // applied, but the client has given up by now
  }
  write(res, reply, rate, request_id);
}

// Faults that answer before the request reaches the model (so nothing is applied).
std::optional<Reply> FakeDigitalOcean::Impl::fault_before(Fault fault, httplib::Response& res) {
  switch (fault) {
    case Fault::rate_limited:
      res.set_header("retry-after", std::to_string(control.faults().retry_after_seconds));
      return error_reply(429, "too_many_requests", "API Rate limit exceeded.");
    case Fault::server_error:
      return error_reply(500, "server_error", "Unexpected server-side error");
    case Fault::service_unavailable:
      return error_reply(503, "service_unavailable", "The service is temporarily unavailable");
    case Fault::timeout:
      sleep_ms(control.faults().timeout_ms);
      return error_reply(504, "gateway_timeout", "The request timed out");
    case Fault::locked:
      return unprocessable("Droplet already has a pending event.");
    default:
      return std::nullopt;
  }
}

std::optional<Call> FakeDigitalOcean::Impl::make_call(const httplib::Request& req) const {
  Call call;
  for (std::size_t i = 1; i < req.matches.size(); ++i) call.params.push_back(req.matches[i]);
  for (const auto& [name, value] : req.params) call.query[name] = value;
  if (!req.body.empty()) {
    call.body = json::parse(req.body, nullptr, false);
    if (call.body.is_discarded()) return std::nullopt;
  }
  const std::string authority = req.get_header_value("Host");
  call.base_url = "http://" + (authority.empty() ? host + ":" + std::to_string(port) : authority);
  call.path = req.path;
  return call;
}

void FakeDigitalOcean::Impl::write(httplib::Response& res, Reply reply, const RateState& rate,
                                   const std::string& request_id) const {
  res.status = reply.status;
  res.set_header("ratelimit-limit", std::to_string(rate.limit));
  res.set_header("ratelimit-remaining", std::to_string(rate.remaining));
  res.set_header("ratelimit-reset", std::to_string(rate.reset_epoch));
  res.set_header("x-request-id", request_id);
  if (reply.body.is_null()) return;
  if (reply.status >= 400 && reply.body.is_object()) reply.body["request_id"] = request_id;
  res.set_content(reply.body.dump(), "application/json; charset=utf-8");
}

// Interruptible, so that stop() does not wait for a simulated timeout to run out.
void FakeDigitalOcean::Impl::sleep_ms(int milliseconds) {
  std::unique_lock lock(sleep_mutex);
  sleep_wakeup.wait_for(lock, std::chrono::milliseconds(milliseconds), [this] { return stopping; });
}

FakeDigitalOcean::FakeDigitalOcean(FakeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

FakeDigitalOcean::~FakeDigitalOcean() { stop(); }

util::Result<void> FakeDigitalOcean::start(const std::string& host, int port) {
  Impl& impl = *impl_;
  // Simulated timeouts hold a thread each: more than httplib's default of 8.
  impl.server.new_task_queue = [] { return new httplib::ThreadPool(32); };
  impl.install();
  impl.host = host;
  impl.port = port == 0 ? impl.server.bind_to_any_port(host) : (impl.server.bind_to_port(host, port) ? port : -1);
  if (impl.port <= 0) return util::fail("fake DigitalOcean: cannot listen on " + host + ":" + std::to_string(port));
  impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
  return {};
}

void FakeDigitalOcean::stop() {
  Impl& impl = *impl_;
  {
    std::lock_guard lock(impl.sleep_mutex);
    impl.stopping = true;
  }
  impl.sleep_wakeup.notify_all();
  impl.server.stop();
  if (impl.thread.joinable()) impl.thread.join();
}

int FakeDigitalOcean::port() const { return impl_->port; }

std::string FakeDigitalOcean::url() const { return "http://" + impl_->host + ":" + std::to_string(impl_->port); }

void FakeDigitalOcean::set_faults(const FaultConfig& faults) { impl_->control.set_faults(faults); }

void FakeDigitalOcean::set_rate_limit(long remaining, std::chrono::seconds reset_in) {
  impl_->control.set_rate_limit(remaining, reset_in);
}

void FakeDigitalOcean::advance_clock(std::chrono::milliseconds by) { impl_->control.advance(by); }

nlohmann::json FakeDigitalOcean::stats() const { return impl_->control.stats(); }

long FakeDigitalOcean::requests(const std::string& method_and_template) const {
  return impl_->control.requests(method_and_template);
}

long FakeDigitalOcean::total_requests() const { return impl_->control.total(); }

void FakeDigitalOcean::reset_stats() { impl_->control.reset_stats(); }

nlohmann::json FakeDigitalOcean::snapshot() const { return impl_->model.snapshot(); }

std::int64_t FakeDigitalOcean::add_droplet(const std::string& name, const std::vector<std::string>& tags,
                                           const std::string& region) {
  return impl_->model.add_droplet(name, tags, region);
}

}  // namespace wakufleet::fakes::do_api
