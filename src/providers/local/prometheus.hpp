// The fleet's Prometheus (Debian package `prometheus`): scrapes every node's metrics with
// `fleet` and `node` labels, keeps data under the fleet's folder with bounded retention, and
// pushes every series to a managed service when [observability.remote_write] is set.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "providers/local/layout.hpp"
#include "providers/local/supervisor.hpp"
#include "spec/fleet.hpp"
#include "util/http.hpp"
#include "util/result.hpp"

namespace wakufleet::providers::local {

inline constexpr int kPrometheusPort = 9090;
// s6 service name: node names are DNS labels, so a leading '_' can never collide with one.
inline constexpr const char* kPrometheusService = "_prometheus";

std::string prometheus_address(const Layout& layout);
std::string prometheus_config(const spec::Fleet& fleet, const Layout& layout);
ServiceFiles prometheus_service(const spec::Fleet& fleet, const Layout& layout, const std::string& binary);

// Writes the config (and the remote-write password file, 0600, from the environment).
util::Result<void> write_prometheus_config(const spec::Fleet& fleet, const Layout& layout);
util::Result<void> wait_prometheus_ready(util::HttpClient& http, const Layout& layout, int timeout_seconds);
// Asks the running Prometheus to read its config again (POST /-/reload; --web.enable-lifecycle).
util::Result<void> reload_prometheus(util::HttpClient& http, const Layout& layout);

}  // namespace wakufleet::providers::local
