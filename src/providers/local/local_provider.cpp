#include "providers/local/local_provider.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "providers/local/dns_server.hpp"
#include "discovery/fleet_tree.hpp"
#include "providers/local/dns_tree.hpp"
#include "providers/local/layout.hpp"
#include "providers/local/mesh.hpp"
#include "providers/local/node_service.hpp"
#include "providers/local/prometheus.hpp"
#include "providers/local/supervisor.hpp"
#include "util/http.hpp"
#include "util/process.hpp"
#include "util/text.hpp"
#include "waku/node_config.hpp"
#include "waku/rest.hpp"

#ifndef WAKUFLEET_DEFAULT_CACHE
#define WAKUFLEET_DEFAULT_CACHE ".cache"
#endif

namespace wakufleet::providers::local {

namespace fs = std::filesystem;
using engine::Resource;
using state::ResourceState;
using util::Result;
using nlohmann::json;

namespace {

inline constexpr const char* kLogsService = "_logs";

// Pinned go-waku versions and the commit each was built from (see tools/gowaku/go.mod).
const std::map<std::string, std::string> kBuilds = {{"0.10.0", "01bb2e1c"}};

// True when something else listens on address:port (a test bind fails with EADDRINUSE).
bool port_taken(const std::string& address, int port, int type = SOCK_STREAM) {
  int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  // As the real servers do: connections in TIME_WAIT (e.g. from scrapes) do not block a new listener.
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, address.c_str(), &where.sin_addr);
  bool taken = bind(fd, reinterpret_cast<sockaddr*>(&where), sizeof where) != 0 && errno == EADDRINUSE;
  close(fd);
  return taken;
}

json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return json();
  return json::parse(in, nullptr, false);
}

Result<void> write_json_file(const std::string& path, const json& document) {
  std::ofstream out(path + ".tmp", std::ios::trunc);
  if (!(out << document.dump(2) << "\n")) return util::fail("cannot write " + path);
  out.close();
  std::error_code error;
  fs::rename(path + ".tmp", path, error);
  if (error) return util::fail("cannot write " + path + ": " + error.message());
  return {};
}

class LocalProvider : public engine::Provider {
 public:
  explicit LocalProvider(Context context)
      : context_(std::move(context)), runner_(util::make_process_runner()), http_(util::make_curl_client()) {}

  std::string name() const override { return "local"; }

  Result<void> check(const spec::Fleet& fleet) override {
    if (auto bound = bind(fleet); !bound) return bound;
    std::string binary = gowaku_binary(fleet.waku.version);
    if (!util::have_program(binary)) {
      return util::fail("go-waku " + fleet.waku.version + " is not built yet (looked for " + binary +
                        "); run scripts/install-gowaku.sh, or set WAKUFLEET_GOWAKU to a go-waku binary");
    }
    for (const char* tool : {"s6-svscan", "s6-svc", "s6-svstat", "s6-log", "unshare"}) {
      if (!util::have_program(tool)) return util::fail(std::string(tool) + " not found; install the Debian package s6");
    }
    notes_.clear();
    if (fleet.discovery.dns && !dns_enabled()) {
      notes_.push_back("DNS discovery is off: the fleet's DNS server must listen on port 53, which needs root "
                       "(and the Debian package knot); the nodes find each other through static peers instead");
    }
    if (dns_enabled()) {
      if (auto sized = discovery::check_fleet_enr_sizes(fleet); !sized) return sized;
    }
    return check_addresses_free();
  }

  std::vector<std::string> notes() const override { return notes_; }

  Result<std::vector<Resource>> desired(const spec::Fleet& fleet) override {
    std::vector<Resource> resources;
    resources.push_back(supervisor_resource(fleet));
    for (const auto& node : fleet.nodes) resources.push_back(node_resource(fleet, node));
    resources.push_back(mesh_resource(fleet));
    if (fleet.observability.prometheus) resources.push_back(prometheus_resource(fleet));
    if (fleet.observability.logs) resources.push_back(log_collector_resource(fleet));
    if (dns_enabled()) {
      resources.push_back(dns_server_resource(fleet));
      for (const auto& node : fleet.nodes) resources.push_back(dns_record_resource(fleet, node));
      resources.push_back(dns_tree_resource(fleet));
    }
    return resources;
  }

  Result<std::optional<ResourceState>> read(const ResourceState& recorded) override {
    if (recorded.type == "local_supervisor") return read_supervisor(recorded);
    if (recorded.type == "local_node") return read_node(recorded);
    if (recorded.type == "local_mesh") return read_mesh(recorded);
    if (recorded.type == "local_prometheus") return read_service(recorded, kPrometheusService);
    if (recorded.type == "local_log_collector") return read_service(recorded, kLogsService);
    if (recorded.type == "local_dns_server") return read_service(recorded, kDnsService);
    if (recorded.type == "local_dns_record") return read_record(recorded);
    if (recorded.type == "local_dns_tree") return read_tree(recorded);
    return util::fail("unknown resource type " + recorded.type);
  }

  Result<ResourceState> create(const Resource& desired, const engine::ProgressFn& progress) override {
    if (desired.type == "local_supervisor") return start_supervisor(desired);
    if (desired.type == "local_node") return start_node(desired, progress, false);
    if (desired.type == "local_mesh") return mesh(desired, progress);
    if (desired.type == "local_prometheus") return start_prometheus(desired, nullptr);
    if (desired.type == "local_log_collector") return start_log_collector(desired);
    if (desired.type == "local_dns_server") return start_dns(desired);
    if (desired.type == "local_dns_record") return publish_record(desired);
    if (desired.type == "local_dns_tree") return publish_fleet_tree(desired, nullptr);
    return util::fail("unknown resource type " + desired.type);
  }

  Result<ResourceState> update(const Resource& desired, const ResourceState& prior,
                               const engine::ProgressFn& progress) override {
    if (desired.type == "local_node") return start_node(desired, progress, true);
    if (desired.type == "local_prometheus") return start_prometheus(desired, &prior);
    if (desired.type == "local_dns_tree") return publish_fleet_tree(desired, &prior);
    return create(desired, progress);
  }

  Result<void> destroy(const ResourceState& prior, const engine::ProgressFn& progress) override {
    if (prior.type == "local_node") return stop_node(prior, progress);
    if (prior.type == "local_supervisor") return stop_supervisor();
    if (prior.type == "local_prometheus") return supervisor_->remove(kPrometheusService);
    if (prior.type == "local_log_collector") return supervisor_->remove(kLogsService);
    if (prior.type == "local_dns_server") return supervisor_->remove(kDnsService);
    if (prior.type == "local_dns_record") return unpublish_record(prior);
    if (prior.type == "local_dns_tree") return unpublish_tree();
    return {};  // the mesh is only files and connections: it goes with the nodes
  }

  Result<json> status(const spec::Fleet& fleet, const state::State& state) override;

  Result<std::string> log_root(const spec::Fleet& fleet) override {
    if (auto bound = bind(fleet); !bound) return bound.error();
    if (!fleet.observability.logs) {
      return util::fail("this fleet collects no logs ([observability] logs = false); each node's own files are in " +
                        layout_->root() + "/nodes/<node>/logs");
    }
    return layout_->root();
  }

 private:
  // Every entry point starts here: the fleet decides the folders and addresses.
  Result<void> bind(const spec::Fleet& fleet) {
    fleet_ = fleet;
    auto layout = Layout::make(fleet, context_.spec_dir);
    if (!layout) return layout.error();
    layout_ = *layout;
    supervisor_.emplace(*runner_, *layout_);
    return {};
  }

  Resource supervisor_resource(const spec::Fleet& fleet) const {
    Resource resource{"local_supervisor", fleet.name};
    resource.attributes = {{"scan_dir", layout_->scan_dir()}};
    return resource;
  }

  Resource node_resource(const spec::Fleet& fleet, const spec::Node& node) const {
    std::string address = layout_->node_address(node.index);
    waku::NodeNetwork network{address, address, "", address, false};
    waku::NodePaths paths{layout_->node_dir(node.name) + "/store.db"};
    Resource resource{"local_node", node.name};
    auto flags = waku::node_flags(fleet, node, network, paths);
    resource.depends_on = {"local_supervisor." + fleet.name};
    if (dns_enabled()) {
      // The URL itself comes from the tree's file at each start (see the run script).
      flags.push_back("--dns-discovery=true");
      flags.push_back("--dns-discovery-name-server=" + dns_address(*layout_));
      resource.depends_on.push_back("local_dns_tree." + fleet.name);
    }
    resource.attributes = {{"address", address},
                           {"version", fleet.waku.version},
                           {"binary", gowaku_binary(fleet.waku.version)},
                           {"flags", flags}};
    resource.rollout_group = "nodes";  // settings changes restart one node at a time
    return resource;
  }

  Resource mesh_resource(const spec::Fleet& fleet) const {
    Resource resource{"local_mesh", fleet.name};
    json members = json::array();
    for (const auto& node : fleet.nodes) {
      members.push_back(node.name + " " + layout_->node_address(node.index));
      resource.depends_on.push_back("local_node." + node.name);
    }
    resource.attributes = {{"members", members}};
    return resource;
  }

  Resource prometheus_resource(const spec::Fleet& fleet) const {
    Resource resource{"local_prometheus", fleet.name};
    json targets = json::array();
    for (const auto& node : fleet.nodes) targets.push_back(node.name + " " + layout_->node_address(node.index) + ":8008");
    const auto& remote = fleet.observability.remote_write;
    resource.attributes = {{"address", prometheus_address(*layout_) + ":" + std::to_string(kPrometheusPort)},
                           {"retention", fleet.observability.prometheus_retention},
                           {"targets", targets},
                           {"remote_write_url", remote ? remote->url : ""},
                           {"remote_write_username", remote ? remote->username : ""}};
    resource.depends_on = {"local_supervisor." + fleet.name};
    return resource;
  }

  // The DNS server needs port 53 (go-waku always asks port 53), so root, and knot.
  bool dns_enabled() const {
    return fleet_.discovery.dns && geteuid() == 0 && util::have_program("knotd") && util::have_program("knsupdate");
  }

  Resource dns_server_resource(const spec::Fleet& fleet) const {
    Resource resource{"local_dns_server", fleet.name};
    resource.attributes = {{"address", dns_address(*layout_) + ":53"}, {"zone", fleet.domain}};
    resource.depends_on = {"local_supervisor." + fleet.name};
    return resource;
  }

  Resource dns_record_resource(const spec::Fleet& fleet, const spec::Node& node) const {
    Resource resource{"local_dns_record", node.name};
    resource.attributes = {{"fqdn", node.name + "." + fleet.domain},
                           {"type", "A"},
                           {"value", layout_->node_address(node.index)}};
    resource.depends_on = {"local_dns_server." + fleet.name};
    return resource;
  }

  Resource dns_tree_resource(const spec::Fleet& fleet) const {
    Resource resource{"local_dns_tree", fleet.name};
    json members = json::array();
    for (const auto& node : fleet.nodes) members.push_back(discovery::member_line(node, layout_->node_address(node.index)));
    resource.attributes = {{"domain", discovery::tree_domain(fleet)},
                           {"members", members},
                           {"cluster_id", fleet.waku.cluster_id},
                           {"shards", fleet.waku.shards},
                           {"links", fleet.discovery.tree_links}};
    resource.depends_on = {"local_dns_server." + fleet.name};
    return resource;
  }

  // The collector is wakufleet itself, as a supervised service: it follows every node's rotated
  // log files into the fleet's SQLite index.
  Resource log_collector_resource(const spec::Fleet& fleet) const {
    Resource resource{"local_log_collector", fleet.name};
    resource.attributes = {{"binary", self_path()}, {"index", layout_->root() + "/logs.db"}};
    resource.depends_on = {"local_supervisor." + fleet.name};
    return resource;
  }

  static std::string self_path() {
    std::error_code error;
    auto path = fs::read_symlink("/proc/self/exe", error);
    return error ? std::string("wakufleet") : path.string();
  }

  Result<ResourceState> start_log_collector(const Resource& desired) {
    std::string root = layout_->root();
    ServiceFiles files;
    files.run = "#!/bin/sh\n# The log collector of fleet " + fleet_.name + ". Written by wakufleet apply; do not edit.\n"
                "exec 2>&1\nexec '" + desired.attributes.at("binary").get<std::string>() + "' __collect-logs '" + root + "'\n";
    files.finish = "#!/bin/sh\nexit 0\n";
    files.log_run = "#!/bin/sh\nexec s6-log -b n3 s1000000 '" + root + "/collector-logs'\n";
    if (auto installed = supervisor_->install(kLogsService, files); !installed) return installed.error();
    return ResourceState{desired.type, desired.name, desired.attributes, {}};
  }

  Result<void> check_addresses_free() const {
    std::vector<std::string> problems;
    for (const auto& node : fleet_.nodes) {
      if (supervisor_->installed(node.name)) continue;  // ours, running
      std::string address = layout_->node_address(node.index);
      for (int port : {kTcpPort, kWebsocketPort, kMetricsPort, kRestPort}) {
        if (port_taken(address, port)) problems.push_back(address + ":" + std::to_string(port) + " (node " + node.name + ")");
      }
    }
    if (fleet_.observability.prometheus && !supervisor_->installed(kPrometheusService) &&
        port_taken(prometheus_address(*layout_), kPrometheusPort)) {
      problems.push_back(prometheus_address(*layout_) + ":" + std::to_string(kPrometheusPort) + " (Prometheus)");
    }
    if (dns_enabled() && !supervisor_->installed(kDnsService) &&
        (port_taken(dns_address(*layout_), kDnsPort) || port_taken(dns_address(*layout_), kDnsPort, SOCK_DGRAM))) {
      problems.push_back(dns_address(*layout_) + ":53 (DNS server)");
    }
    if (problems.empty()) return {};
    return util::fail("these addresses are already in use by another program, so the fleet cannot start there: " +
                      util::join(problems, ", ") + ". Stop that program, or give the fleet another block with "
                      "[target.local] subnet = \"127.A.B.0/24\"");
  }

  // --- supervisor ---
  Result<std::optional<ResourceState>> read_supervisor(const ResourceState& recorded) {
    auto pid = supervisor_->scanner_pid();
    if (!pid) return std::optional<ResourceState>();  // gone (or killed): apply starts it again
    ResourceState fresh = recorded;
    fresh.attributes["pid"] = *pid;
    return std::optional<ResourceState>(fresh);
  }

  Result<ResourceState> start_supervisor(const Resource& desired) {
    auto pid = supervisor_->ensure_running();
    if (!pid) return pid.error();
    // After a repair (s6-svscan had been killed) the nodes start again: wait for them as a
    // fresh apply would, so that apply returns with a working fleet. They all start at once, and
    // go-waku dials its static peers only once, at start, when its neighbours may not listen yet:
    // dial them again (the mesh resource, unchanged in the plan, will not).
    bool restarted = false;
    for (const auto& node : fleet_.nodes) {
      if (!supervisor_->installed(node.name)) continue;
      auto ready = wait_ready(*http_, *supervisor_, *layout_, node.name, layout_->node_address(node.index),
                              fleet_.target.local.ready_timeout_seconds);
      if (!ready) return ready.error();
      restarted = true;
    }
    if (restarted) {
      if (auto meshed = reconnect(); !meshed) return meshed.error();
    }
    ResourceState created{desired.type, desired.name, desired.attributes, {}};
    created.attributes["pid"] = *pid;
    return created;
  }

  Result<void> stop_supervisor() {
    if (auto stopped = supervisor_->shut_down(); !stopped) return stopped;
    if (!context_.keep_data) {
      std::error_code error;
      fs::remove_all(layout_->root(), error);
    }
    return {};
  }

  Result<std::optional<ResourceState>> read_service(const ResourceState& recorded, const std::string& service) {
    if (!supervisor_->installed(service)) return std::optional<ResourceState>();
    return std::optional<ResourceState>(recorded);
  }

  // --- prometheus ---
  // A change of targets or remote_write is a reload; a new address or retention a restart.
  Result<ResourceState> start_prometheus(const Resource& desired, const ResourceState* prior) {
    if (!util::have_program("prometheus")) return util::fail("prometheus not found; install the Debian package prometheus");
    if (auto written = write_prometheus_config(fleet_, *layout_); !written) return written.error();
    bool restart = prior == nullptr || prior->attributes.value("address", "") != desired.attributes["address"] ||
                   prior->attributes.value("retention", "") != desired.attributes["retention"] ||
                   !supervisor_->installed(kPrometheusService);
    if (restart) {
      auto files = prometheus_service(fleet_, *layout_, "prometheus");
      if (auto installed = supervisor_->install(kPrometheusService, files); !installed) return installed.error();
      if (auto ready = wait_prometheus_ready(*http_, *layout_, fleet_.target.local.ready_timeout_seconds); !ready) {
        return ready.error();
      }
    } else if (auto reloaded = reload_prometheus(*http_, *layout_); !reloaded) {
      return reloaded.error();
    }
    return ResourceState{desired.type, desired.name, desired.attributes, {}};
  }

  // --- DNS ---
  Result<dns::Zone*> zone() {
    std::lock_guard lock(mutex_);
    if (!zone_) {
      auto key = ensure_tsig_key(context_.state_path);
      if (!key) return key.error();
      zone_ = fleet_zone(*runner_, *layout_, fleet_.domain, *key, context_.state_path);
    }
    return zone_.get();
  }

  Result<ResourceState> start_dns(const Resource& desired) {
    auto key = ensure_tsig_key(context_.state_path);
    if (!key) return key.error();
    if (auto written = write_dns_config(fleet_, *layout_, *key); !written) return written.error();
    if (auto installed = supervisor_->install(kDnsService, dns_service(*layout_)); !installed) return installed.error();
    if (auto ready = wait_dns_ready(*runner_, *layout_, fleet_.domain, fleet_.target.local.ready_timeout_seconds); !ready) {
      return ready.error();
    }
    return ResourceState{desired.type, desired.name, desired.attributes, {}};
  }

  Result<ResourceState> publish_record(const Resource& desired) {
    auto fleet_zone_ = zone();
    if (!fleet_zone_) return fleet_zone_.error();
    dns::Record record{desired.attributes.at("fqdn"), desired.attributes.at("type"), 60,
                       {desired.attributes.at("value").get<std::string>()}};
    if (auto upserted = (*fleet_zone_)->upsert(record); !upserted) return upserted.error();
    return ResourceState{desired.type, desired.name, desired.attributes, {}};
  }

  Result<void> unpublish_record(const ResourceState& prior) {
    if (!supervisor_->installed(kDnsService)) return {};  // the whole zone is gone already
    auto fleet_zone_ = zone();
    if (!fleet_zone_) return fleet_zone_.error();
    return (*fleet_zone_)->remove(prior.attributes.value("fqdn", ""), prior.attributes.value("type", "A"));
  }

  Result<std::optional<ResourceState>> read_record(const ResourceState& recorded) {
    if (!supervisor_->installed(kDnsService)) return std::optional<ResourceState>();
    auto fleet_zone_ = zone();
    if (!fleet_zone_) return fleet_zone_.error();
    auto records = (*fleet_zone_)->list();
    if (!records) return records.error();
    for (const auto& record : *records) {
      if (record.name == recorded.attributes.value("fqdn", "") && record.type == recorded.attributes.value("type", "")) {
        ResourceState fresh = recorded;
        fresh.attributes["value"] = record.values.empty() ? "" : record.values.front();
        return std::optional<ResourceState>(fresh);
      }
    }
    return std::optional<ResourceState>();
  }

  // A new tree every time its content changes, with seq one higher than the last one published.
  Result<ResourceState> publish_fleet_tree(const Resource& desired, const ResourceState* prior) {
    auto fleet_zone_ = zone();
    if (!fleet_zone_) return fleet_zone_.error();
    auto key = ensure_tree_key(context_.state_path);
    if (!key) return key.error();
    auto published = published_tree(**fleet_zone_, discovery::tree_domain(fleet_));
    if (!published) return published.error();
    std::uint64_t seq = (prior ? prior->attributes.value("seq", 0ull) : 0ull) + 1;
    auto wanted = tree_records(fleet_, *layout_, *key, seq);
    if (!wanted) return wanted.error();
    if (auto done = discovery::publish_tree(**fleet_zone_, *published, *wanted, discovery::tree_domain(fleet_)); !done) return done.error();
    auto url = tree_url_for(context_.state_path, fleet_);
    if (!url) return url.error();
    if (auto written = write_json_file(tree_url_file(*layout_) + ".json", json{{"url", *url}}); !written) {
      return written.error();
    }
    std::ofstream(tree_url_file(*layout_), std::ios::trunc) << *url << "\n";
    ResourceState created{desired.type, desired.name, desired.attributes, {}};
    created.attributes["seq"] = seq;
    created.attributes["url"] = *url;
    return created;
  }

  Result<void> unpublish_tree() {
    std::error_code error;
    fs::remove(tree_url_file(*layout_), error);
    fs::remove(tree_url_file(*layout_) + ".json", error);
    if (!supervisor_->installed(kDnsService)) return {};
    auto fleet_zone_ = zone();
    if (!fleet_zone_) return fleet_zone_.error();
    auto published = published_tree(**fleet_zone_, discovery::tree_domain(fleet_));
    if (!published) return published.error();
    return discovery::publish_tree(**fleet_zone_, *published, {}, discovery::tree_domain(fleet_));
  }

  Result<std::optional<ResourceState>> read_tree(const ResourceState& recorded) {
    if (!supervisor_->installed(kDnsService)) return std::optional<ResourceState>();
    auto fleet_zone_ = zone();
    if (!fleet_zone_) return fleet_zone_.error();
    auto published = published_tree(**fleet_zone_, discovery::tree_domain(fleet_));
    if (!published) return published.error();
    if (!published->count(discovery::tree_domain(fleet_))) return std::optional<ResourceState>();  // no root: republish
    return std::optional<ResourceState>(recorded);
  }

  // --- nodes ---
  std::string metadata_path(const std::string& node) const { return layout_->service_dir(node) + "/wakufleet.json"; }

  Result<std::optional<ResourceState>> read_node(const ResourceState& recorded) {
    if (!supervisor_->installed(recorded.name)) return std::optional<ResourceState>();
    json written = read_json_file(metadata_path(recorded.name));
    ResourceState fresh = recorded;
    if (written.is_object()) {
      for (const auto& [key, value] : written.items()) fresh.attributes[key] = value;
    }
    return std::optional<ResourceState>(fresh);
  }

  Result<ResourceState> start_node(const Resource& desired, const engine::ProgressFn& progress, bool restart) {
    std::string node = desired.name;
    std::string address = desired.attributes.at("address");
    std::string peer_id;
    {
      std::lock_guard lock(mutex_);
      std::string nameserver = dns_enabled() ? dns_address(*layout_) : "127.0.0.1";
      if (auto resolver = write_private_resolver(*layout_, nameserver); !resolver) return resolver.error();
      auto identity = ensure_identity(*layout_, node);
      if (!identity) return identity.error();
      peer_id = *identity;
    }
    NodePlan plan{node, fleet_.name, address, desired.attributes.at("binary"),
                  desired.attributes.at("flags").get<std::vector<std::string>>(),
                  dns_enabled() ? tree_url_file(*layout_) : std::string()};
    long old_pid = restart ? supervisor_->status(node).pid : 0;
    progress(desired.address(), restart ? "restarting go-waku with the new settings" : "starting go-waku on " + address);
    if (auto installed = supervisor_->install(node, service_files(plan, *layout_)); !installed) return installed.error();
    if (auto written = write_json_file(metadata_path(node), desired.attributes); !written) return written.error();
    if (restart) wait_pid_change(node, old_pid);
    if (auto ready = wait_ready(*http_, *supervisor_, *layout_, node, address, fleet_.target.local.ready_timeout_seconds);
        !ready) {
      return ready.error();
    }
    if (restart) {
      if (auto meshed = reconnect(); !meshed) return meshed.error();
    }
    ResourceState created{desired.type, desired.name, desired.attributes, {}};
    created.attributes["peer_id"] = peer_id;
    created.attributes["data_dir"] = layout_->node_dir(node);
    created.attributes["log_file"] = layout_->log_file(node);
    return created;
  }

  void wait_pid_change(const std::string& node, long old_pid) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      auto status = supervisor_->status(node);
      if (status.up && status.pid != old_pid) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // After a restart: dial the node's neighbours now rather than wait for go-waku to find them.
  // Only nodes that are installed take part: others may still be on their way (a scale-up).
  Result<void> reconnect() {
    std::vector<Member> running;
    for (const auto& node : fleet_.nodes) {
      auto peer_id = existing_peer_id(*layout_, node.name);
      if (peer_id && supervisor_->installed(node.name)) {
        running.push_back({node.name, layout_->node_address(node.index), *peer_id});
      }
    }
    if (running.size() < 2) return {};
    return connect_mesh(*http_, running, fleet_.waku.shards, fleet_.target.local.ready_timeout_seconds);
  }

  Result<void> stop_node(const ResourceState& prior, const engine::ProgressFn& progress) {
    progress(prior.address(), "stopping go-waku");
    if (auto removed = supervisor_->remove(prior.name); !removed) return removed;
    if (!context_.keep_data) {
      std::error_code error;
      fs::remove_all(layout_->node_dir(prior.name), error);
      if (error) return util::fail("cannot remove " + layout_->node_dir(prior.name) + ": " + error.message());
    }
    return {};
  }

  // --- mesh ---
  Result<std::vector<Member>> members() {
    std::vector<Member> all;
    std::lock_guard lock(mutex_);
    for (const auto& node : fleet_.nodes) {
      auto peer_id = ensure_identity(*layout_, node.name);
      if (!peer_id) return peer_id.error();
      all.push_back({node.name, layout_->node_address(node.index), *peer_id});
    }
    return all;
  }

  // The members the recorded mesh was made of ("name address" entries), with their peer ids.
  std::vector<Member> recorded_members(const ResourceState& recorded) const {
    std::vector<Member> all;
    for (const auto& entry : recorded.attributes.value("members", json::array())) {
      auto parts = util::split(entry.is_string() ? entry.get<std::string>() : "", ' ');
      if (parts.size() != 2) continue;
      auto peer_id = existing_peer_id(*layout_, parts[0]);
      if (peer_id) all.push_back({parts[0], parts[1], *peer_id});
    }
    return all;
  }

  Result<std::optional<ResourceState>> read_mesh(const ResourceState& recorded) {
    ResourceState fresh = recorded;
    // A node that lost a neighbour (go-waku dials static peers only once, and its peer manager
    // may drop a connection) is drift: the next apply dials the missing ones again.
    auto all = recorded_members(recorded);
    if (all.size() > 1) {
      auto counts = connected_neighbours(*http_, all);
      json missing = json::array();
      for (std::size_t i = 0; i < counts.size(); ++i) {
        std::size_t expected = neighbours(i, all.size()).size();
        if (counts[i] < expected) {
          missing.push_back(all[i].name + " is connected to " + std::to_string(counts[i]) + " of its " +
                            std::to_string(expected) + " peers");
        }
      }
      if (!missing.empty()) fresh.attributes["members"] = missing;
    }
    return std::optional<ResourceState>(fresh);
  }

  Result<ResourceState> mesh(const Resource& desired, const engine::ProgressFn& progress) {
    auto all = members();
    if (!all) return all.error();
    if (auto written = write_peer_files(*layout_, *all); !written) return written.error();
    if (all->size() > 1) {
      progress(desired.address(), "connecting " + std::to_string(all->size()) + " nodes");
      auto meshed = connect_mesh(*http_, *all, fleet_.waku.shards, fleet_.target.local.ready_timeout_seconds);
      if (!meshed) return meshed.error();
    }
    return ResourceState{desired.type, desired.name, desired.attributes, {}};
  }

  json enrtree_url() const {
    json written = read_json_file(tree_url_file(*layout_) + ".json");
    return written.is_object() ? written.value("url", json(nullptr)) : json(nullptr);
  }

  Context context_;
  std::unique_ptr<util::ProcessRunner> runner_;
  std::unique_ptr<util::HttpClient> http_;
  spec::Fleet fleet_;
  std::optional<Layout> layout_;
  std::optional<Supervisor> supervisor_;
  std::unique_ptr<dns::Zone> zone_;
  std::vector<std::string> notes_;
  std::mutex mutex_;
};

std::string uptime_text(long seconds) {
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds < 3600) return std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) + "s";
  return std::to_string(seconds / 3600) + "h" + std::to_string(seconds % 3600 / 60) + "m";
}

Result<json> LocalProvider::status(const spec::Fleet& fleet, const state::State& state) {
  if (auto bound = bind(fleet); !bound) return bound.error();
  json nodes = json::array();
  for (const auto& [address, resource] : state.resources) {
    if (resource.type != "local_node") continue;
    const std::string& node = resource.name;
    std::string node_address = resource.attributes.value("address", "");
    waku::NodeApi api(*http_, node_address);
    ServiceStatus service = supervisor_->status(node);
    std::string health = !service.supervised ? "down" : !service.up ? "restarting" : api.healthy() ? "running" : "starting";
    json entry = {{"name", node},
                  {"address", node_address},
                  {"peer_id", resource.attributes.value("peer_id", "")},
                  {"version", resource.attributes.value("version", "")},
                  {"state", health},
                  {"pid", service.up ? json(service.pid) : json(nullptr)},
                  {"restarts", restarts_of(*layout_, node)},
                  {"uptime", service.up ? json(uptime_text(service.seconds)) : json(nullptr)},
                  {"rest_url", api.rest_url()},
                  {"metrics_url", api.metrics_url()},
                  {"data_dir", layout_->node_dir(node)},
                  {"log_file", layout_->log_file(node)}};
    // Key figures from one scrape of the node's metrics: peers, messages relayed, messages stored.
    auto exposition = api.metrics();
    auto figure = [&](const char* metric) {
      if (!exposition) return json(nullptr);  // the node does not answer
      // go-waku creates a series on first use: absent means none yet.
      return json(static_cast<long>(waku::metric_value(*exposition, metric).value_or(0)));
    };
    entry["peers"] = figure("waku_connected_peers");
    entry["messages"] = figure("waku_node_messages");
    entry["stored"] = figure("waku_archive_messages");
    nodes.push_back(std::move(entry));
  }
  auto scanner = supervisor_->scanner_pid();
  bool prometheus = state.resources.count("local_prometheus." + fleet.name) > 0;
  bool dns = state.resources.count("local_dns_server." + fleet.name) > 0;
  return json{{"fleet", fleet.name},
              {"target", "local"},
              {"prometheus", prometheus ? json("http://" + prometheus_address(*layout_) + ":" + std::to_string(kPrometheusPort))
                                        : json(nullptr)},
              {"supervisor", scanner ? "running (s6-svscan pid " + std::to_string(*scanner) + ")"
                                     : std::string("down: run 'wakufleet apply' to start it again")},
              {"data_dir", layout_->root()},
              {"dns_server", dns ? json(dns_address(*layout_) + ":53") : json(nullptr)},
              {"enrtree", enrtree_url()},
              {"nodes", nodes}};
}

}  // namespace

std::string gowaku_binary(const std::string& version) {
  if (const char* explicit_path = std::getenv("WAKUFLEET_GOWAKU"); explicit_path && *explicit_path) return explicit_path;
  const char* cache = std::getenv("WAKUFLEET_CACHE");
  std::string root = cache && *cache ? cache : WAKUFLEET_DEFAULT_CACHE;
  auto build = kBuilds.find(version);
  std::string tag = build == kBuilds.end() ? version : version + "-" + build->second;
  return root + "/go-waku/" + tag + "/waku";
}

std::unique_ptr<engine::Provider> make_local_provider(const Context& context) {
  return std::make_unique<LocalProvider>(context);
}

}  // namespace wakufleet::providers::local
