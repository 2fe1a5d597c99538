#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <sstream>

#include "bootstrap/bootstrap.hpp"
#include "bootstrap_fixture.hpp"

namespace wakufleet::bootstrap {
namespace {

using testing::do_fleet;

// family -> Prometheus type, from a fixture recorded from go-waku v0.10.0 (see its header).
std::map<std::string, std::string> exported_families(const std::string& fixture) {
  std::map<std::string, std::string> families;
  std::istringstream lines(testing::read_file(std::string(BOOTSTRAP_FIXTURES) + "/" + fixture));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, type;
    fields >> name >> type;
    families[name] = type;
  }
  return families;
}

// The names the agent's OpenMetrics check matches `metrics` entries against: its Prometheus
// parser (prometheus_client.parser) names a counter family without its "_total" suffix.
std::set<std::string> names_seen_by_the_check(const std::map<std::string, std::string>& families) {
  std::set<std::string> names;
  for (const auto& [name, type] : families) {
    const std::string suffix = "_total";
    bool counter_total = type == "counter" && name.size() > suffix.size() &&
                         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    names.insert(counter_total ? name.substr(0, name.size() - suffix.size()) : name);
  }
  return names;
}

std::set<std::string> configured_families(const YAML::Node& instance) {
  std::set<std::string> families;
  for (const auto& entry : instance["metrics"]) {
    EXPECT_TRUE(entry.IsMap()) << "each entry renames one family";
    for (const auto& pair : entry) families.insert(pair.first.as<std::string>());
  }
  return families;
}

TEST(DatadogYaml, HasSiteLogsTagsAndOnlyAPlaceholderKey) {
  auto fleet = do_fleet();
  for (const auto& node : fleet.nodes) {
    YAML::Node yaml = YAML::Load(datadog_yaml(fleet, node));
    EXPECT_EQ(yaml["api_key"].as<std::string>(), kDatadogApiKeyPlaceholder);
    EXPECT_EQ(yaml["site"].as<std::string>(), "datadoghq.eu");
    EXPECT_TRUE(yaml["logs_enabled"].as<bool>());
    std::vector<std::string> tags = yaml["tags"].as<std::vector<std::string>>();
    EXPECT_EQ(tags, (std::vector<std::string>{"fleet:ams", "node:" + node.name, "region:ams3"}));
  }
}

TEST(DatadogYaml, PlaceholderLineIsTheOneTheBootstrapReplaces) {
  auto fleet = do_fleet();
  // setup_datadog's awk matches this exact line.
  EXPECT_EQ(testing::count_of(datadog_yaml(fleet, fleet.nodes[0]),
                              "\napi_key: " + std::string(kDatadogApiKeyPlaceholder) + "\n"),
            1u);
}

TEST(OpenMetrics, ScrapesTheNodeUnderTheWakuNamespace) {
  YAML::Node yaml = YAML::Load(openmetrics_yaml(droplet_network("203.0.113.10", "")));
  ASSERT_TRUE(yaml["instances"].IsSequence());
  ASSERT_EQ(yaml["instances"].size(), 1u);
  const YAML::Node instance = yaml["instances"][0];
  // The bootstrap puts the droplet's private address in place of the placeholder.
  EXPECT_EQ(instance["openmetrics_endpoint"].as<std::string>(),
            "http://" + std::string(kAdminAddressPlaceholder) + ":8008/metrics");
  EXPECT_EQ(instance["namespace"].as<std::string>(), "waku");
  EXPECT_FALSE(configured_families(instance).empty());
}

TEST(OpenMetrics, EndpointIsTheAdminAddress) {
  EXPECT_EQ(metrics_endpoint({"0.0.0.0", "203.0.113.10", "", "10.10.0.5", true}), "http://10.10.0.5:8008/metrics");
  EXPECT_EQ(metrics_endpoint({"0.0.0.0", "203.0.113.10", "", "0.0.0.0", true}), "http://127.0.0.1:8008/metrics");
}

TEST(GoWakuMetricsFixture, WasRecordedFromARealNode) {
  auto observed = exported_families("gowaku-0.10.0-metrics.txt");
  EXPECT_GT(observed.size(), 50u);
  EXPECT_EQ(observed.at("waku_version"), "gauge");
  EXPECT_EQ(observed.at("process_cpu_seconds_total"), "counter");
  EXPECT_EQ(observed.at("waku_node_messages"), "counter");
  // The lazily exported families are a short, separately justified list.
  auto lazy = exported_families("gowaku-0.10.0-lazy-metrics.txt");
  EXPECT_LE(lazy.size(), 3u);
  for (const auto& [name, type] : lazy) EXPECT_EQ(observed.count(name), 0u) << name << " is observed already";
}

// Every curated entry must name a family go-waku v0.10.0 really exports, as the check sees it:
// a typo (or "process_cpu_seconds_total", which the check never sees) would silently collect nothing.
TEST(OpenMetrics, EveryMetricIsOneGoWakuExports) {
  auto families = exported_families("gowaku-0.10.0-metrics.txt");
  auto lazy = exported_families("gowaku-0.10.0-lazy-metrics.txt");
  families.insert(lazy.begin(), lazy.end());
  const auto known = names_seen_by_the_check(families);

  YAML::Node yaml = YAML::Load(openmetrics_yaml(droplet_network("203.0.113.10", "")));
  for (const auto& family : configured_families(yaml["instances"][0])) {
    EXPECT_EQ(known.count(family), 1u) << family << " is not exported by go-waku v0.10.0";
  }
}

TEST(OpenMetrics, CoversEveryGroup) {
  YAML::Node yaml = YAML::Load(openmetrics_yaml(droplet_network("203.0.113.10", "")));
  auto families = configured_families(yaml["instances"][0]);
  for (const char* required : {"waku_connected_peers", "waku_peer_store_size", "waku_node_messages",
                               "waku_store_queries", "waku_archive_messages", "waku_filter_requests",
                               "waku_lightpush_messages", "waku_dnsdisc_discovered", "waku_discv5_errors",
                               "process_cpu_seconds", "process_resident_memory_bytes", "go_goroutines"}) {
    EXPECT_EQ(families.count(required), 1u) << required;
  }
  std::set<std::string> groups;
  for (const auto& metric : curated_metrics()) groups.insert(metric.group);
  EXPECT_EQ(groups, (std::set<std::string>{"peers", "messages", "store", "filter", "lightpush", "discovery",
                                           "process"}));
}

TEST(OpenMetrics, DatadogNamesAreUniqueAndWithoutTheRedundantPrefix) {
  std::set<std::string> names;
  for (const auto& metric : curated_metrics()) {
    EXPECT_TRUE(names.insert(metric.name).second) << metric.name;
    EXPECT_NE(metric.name.rfind("waku_", 0), 0u) << metric.name << " would read waku.waku_...";
  }
}

TEST(JournaldLogs, CollectsTheGoWakuUnit) {
  YAML::Node yaml = YAML::Load(journald_logs_yaml());
  ASSERT_EQ(yaml["logs"].size(), 1u);
  EXPECT_EQ(yaml["logs"][0]["type"].as<std::string>(), "journald");
  EXPECT_EQ(yaml["logs"][0]["include_units"].as<std::vector<std::string>>(),
            std::vector<std::string>{kUnitName});
}

TEST(DatadogKeyDelivery, ReadsTheKeyFromStdinIntoAPrivateFileAtomically) {
  const std::string command = datadog_key_install_command();
  EXPECT_EQ(command.rfind("umask 077 && ", 0), 0u);
  EXPECT_NE(command.find("cat > " + std::string(kDatadogKeyFile) + ".new"), std::string::npos);
  EXPECT_NE(command.find("mv -f " + std::string(kDatadogKeyFile) + ".new " + kDatadogKeyFile), std::string::npos);
}

}  // namespace
}  // namespace wakufleet::bootstrap
