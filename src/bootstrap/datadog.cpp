// The DataDog agent's configuration for one node: datadog.yaml, the OpenMetrics check that scrapes
// go-waku, and journald log collection for go-waku.service.
#include "bootstrap/bootstrap.hpp"
#include "bootstrap/text.hpp"

namespace wakufleet::bootstrap {

namespace {

// A metric whose DataDog name is its go-waku name without the "waku_" prefix (the namespace
// "waku." already says it).
CuratedMetric waku_metric(const std::string& family, const std::string& group) {
  return {family, family.substr(std::string("waku_").size()), group};
}

CuratedMetric process_metric(const std::string& family) { return {family, family, "process"}; }

}  // namespace

// Every family here is one go-waku v0.10.0 really exports (tests/bootstrap/fixtures pins the list
// recorded from a real node). Each one is a billed custom metric in DataDog, so the list is
// curated instead of "everything": libp2p internals and Go runtime details are left out. Counters
// are named as the check's Prometheus parser names them: without "_total".
const std::vector<CuratedMetric>& curated_metrics() {
  static const std::vector<CuratedMetric> metrics = {
      waku_metric("waku_connected_peers", "peers"),
      waku_metric("waku_peer_store_size", "peers"),
      waku_metric("waku_peers_dials", "peers"),
      waku_metric("waku_node_messages", "messages"),
      waku_metric("waku_pubsub_topics", "messages"),
      waku_metric("waku_histogram_message_size", "messages"),
      waku_metric("waku_store_queries", "store"),
      waku_metric("waku_store_errors", "store"),
      waku_metric("waku_archive_messages", "store"),
      waku_metric("waku_archive_errors", "store"),
      waku_metric("waku_archive_insert_duration_seconds", "store"),
      waku_metric("waku_archive_query_duration_seconds", "store"),
      waku_metric("waku_filter_messages", "filter"),
      waku_metric("waku_filter_requests", "filter"),
      waku_metric("waku_filter_errors", "filter"),
      waku_metric("waku_filter_subscriptions", "filter"),
      waku_metric("waku_filter_request_duration_seconds", "filter"),
      waku_metric("waku_filter_handle_message_duration_seconds", "filter"),
      waku_metric("waku_lightpush_messages", "lightpush"),
      waku_metric("waku_lightpush_errors", "lightpush"),
      waku_metric("waku_dnsdisc_discovered", "discovery"),
      waku_metric("waku_dnsdisc_errors", "discovery"),
      waku_metric("waku_discv5_errors", "discovery"),
      waku_metric("waku_version", "process"),  // a gauge labelled with the version and commit
      process_metric("process_cpu_seconds"),  // exported as process_cpu_seconds_total (a counter)
      process_metric("process_resident_memory_bytes"),
      process_metric("process_open_fds"),
      process_metric("go_goroutines"),
  };
  return metrics;
}

std::string metrics_endpoint(const waku::NodeNetwork& network) {
  std::string host = network.admin_address;
  if (host.empty()) host = kAdminAddressPlaceholder;
  if (host == "0.0.0.0") host = "127.0.0.1";
  return "http://" + host + ":8008/metrics";
}

std::string datadog_yaml(const spec::Fleet& fleet, const spec::Node& node) {
  using text::yaml_quoted;
  std::string out;
  out += "# DataDog agent configuration of go-waku node " + node.name + " (fleet " + fleet.name +
         "), written by wakufleet.\n";
  out += "# api_key is filled in on the droplet from a key delivered over SSH; see docs/bootstrap.md.\n";
  out += "api_key: " + std::string(kDatadogApiKeyPlaceholder) + "\n";
  out += "site: " + yaml_quoted(fleet.observability.datadog_site) + "\n";
  out += "logs_enabled: true\n";
  out += "tags:\n";
  out += "  - " + yaml_quoted("fleet:" + fleet.name) + "\n";
  out += "  - " + yaml_quoted("node:" + node.name) + "\n";
  out += "  - " + yaml_quoted("region:" + fleet.target.digitalocean.region) + "\n";
  return out;
}

std::string openmetrics_yaml(const waku::NodeNetwork& network) {
  std::string out;
  out += "# go-waku's Prometheus metrics, written by wakufleet. Every metric is a billed custom metric:\n";
  out += "# the list is curated (family: DataDog name under waku.).\n";
  out += "init_config: {}\n";
  out += "instances:\n";
  out += "  - openmetrics_endpoint: " + text::yaml_quoted(metrics_endpoint(network)) + "\n";
  out += "    namespace: waku\n";
  out += "    metrics:\n";
  std::string group;
  for (const auto& metric : curated_metrics()) {
    if (metric.group != group) {
      group = metric.group;
      out += "      # " + group + "\n";
    }
    out += "      - " + metric.family + ": " + metric.name + "\n";
  }
  return out;
}

std::string journald_logs_yaml() {
  std::string out;
  out += "# go-waku's logs (JSON lines on stdout, kept by journald), written by wakufleet.\n";
  out += "logs:\n";
  out += "  - type: journald\n";
  out += "    include_units:\n";
  out += "      - " + std::string(kUnitName) + "\n";
  out += "    service: go-waku\n";
  out += "    source: go-waku\n";
  return out;
}

std::string datadog_key_install_command() {
  const std::string key = kDatadogKeyFile;
  // umask first: the file is never readable by anyone but root, not even while it is written.
  return "umask 077 && mkdir -p /etc/wakufleet/secrets && cat > " + key + ".new && mv -f " + key + ".new " + key;
}

}  // namespace wakufleet::bootstrap
