#include "providers/local/prometheus.hpp"

#include "util/files.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace wakufleet::providers::local {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string root_of(const Layout& layout) { return layout.root() + "/prometheus"; }
std::string config_path(const Layout& layout) { return root_of(layout) + "/prometheus.yml"; }
std::string password_path(const Layout& layout) { return root_of(layout) + "/remote_write_password"; }

// YAML double-quoted scalar (JSON strings are valid YAML).
std::string yaml_string(const std::string& text) { return nlohmann::json(text).dump(); }

std::string remote_write_section(const spec::Fleet& fleet, const Layout& layout) {
  if (!fleet.observability.remote_write) return "";
  const auto& remote = *fleet.observability.remote_write;
  std::string text = "remote_write:\n  - url: " + yaml_string(remote.url) + "\n";
  if (!remote.username.empty() || !remote.password_env.empty()) {
    text += "    basic_auth:\n";
    if (!remote.username.empty()) text += "      username: " + yaml_string(remote.username) + "\n";
    if (!remote.password_env.empty()) text += "      password_file: " + yaml_string(password_path(layout)) + "\n";
  }
  return text;
}

}  // namespace

std::string prometheus_address(const Layout& layout) { return layout.address_at(kPrometheusOffset); }

std::string prometheus_config(const spec::Fleet& fleet, const Layout& layout) {
  std::string text = "# Written by wakufleet for fleet " + fleet.name + ". Do not edit: apply rewrites it.\n"
                     "global:\n  scrape_interval: 5s\n  scrape_timeout: 4s\n  evaluation_interval: 15s\n"
                     "  external_labels:\n    fleet: " + yaml_string(fleet.name) + "\n"
                     "scrape_configs:\n  - job_name: waku\n    metrics_path: /metrics\n    static_configs:\n";
  for (const auto& node : fleet.nodes) {
    text += "      - targets: [" + yaml_string(layout.node_address(node.index) + ":8008") + "]\n"
            "        labels: {fleet: " + yaml_string(fleet.name) + ", node: " + yaml_string(node.name) + "}\n";
  }
  return text + remote_write_section(fleet, layout);
}

ServiceFiles prometheus_service(const spec::Fleet& fleet, const Layout& layout, const std::string& binary) {
  ServiceFiles files;
  files.run = "#!/bin/sh\n# The Prometheus of fleet " + fleet.name + ". Written by wakufleet apply; do not edit.\n"
              "exec 2>&1\n"
              "exec " + binary + " --config.file='" + config_path(layout) + "'" +
              " --storage.tsdb.path='" + root_of(layout) + "/data'" +
              " --storage.tsdb.retention.time=" + fleet.observability.prometheus_retention +
              " --web.listen-address=" + prometheus_address(layout) + ":" + std::to_string(kPrometheusPort) +
              " --web.enable-lifecycle\n";
  files.finish = "#!/bin/sh\nexit 0\n";
  files.log_run = "#!/bin/sh\nexec s6-log -b n5 s5000000 '" + root_of(layout) + "/logs'\n";
  return files;
}

util::Result<void> write_prometheus_config(const spec::Fleet& fleet, const Layout& layout) {
  std::error_code error;
  fs::create_directories(root_of(layout) + "/logs", error);
  fs::create_directories(root_of(layout) + "/data", error);
  if (error) return util::fail("cannot create " + root_of(layout) + ": " + error.message());
  if (fleet.observability.remote_write && !fleet.observability.remote_write->password_env.empty()) {
    const std::string& variable = fleet.observability.remote_write->password_env;
    const char* password = std::getenv(variable.c_str());
    if (!password) return util::fail("remote_write needs its password in the environment variable " + variable);
    if (auto written = util::write_file_atomically(password_path(layout), password); !written) return written;
  }
  return util::write_file_atomically(config_path(layout), prometheus_config(fleet, layout));
}

util::Result<void> wait_prometheus_ready(util::HttpClient& http, const Layout& layout, int timeout_seconds) {
  std::string url = "http://" + prometheus_address(layout) + ":" + std::to_string(kPrometheusPort) + "/-/ready";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    auto response = http.send({"GET", url, "", {}, 1000ms});
    if (response && response->status == 200) return {};
    std::this_thread::sleep_for(100ms);
  }
  return util::fail("Prometheus was not ready at " + url + " after " + std::to_string(timeout_seconds) + "s; see " +
                    root_of(layout) + "/logs/current");
}

util::Result<void> reload_prometheus(util::HttpClient& http, const Layout& layout) {
  std::string url = "http://" + prometheus_address(layout) + ":" + std::to_string(kPrometheusPort) + "/-/reload";
  auto response = http.send({"POST", url, "", {}, 10000ms});
  if (!response) return response.error();
  if (response->status != 200) return util::fail("Prometheus refused the new configuration: " + response->body);
  return {};
}

}  // namespace wakufleet::providers::local
