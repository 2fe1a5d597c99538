#include <gtest/gtest.h>

#include <chrono>
#include <regex>

#include "bootstrap/bootstrap.hpp"
#include "bootstrap_fixture.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

namespace wakufleet::bootstrap {
namespace {

using namespace std::chrono_literals;
using testing::do_fleet;
using testing::droplet_of;

util::ProcessResult run(const std::vector<std::string>& argv) {
  auto result = util::make_process_runner()->run(argv, 60s);
  if (!result.ok()) throw std::runtime_error(argv[0] + ": " + result.error().message);
  return *result;
}

std::vector<std::string> lines_of(const std::string& text) { return util::split(text, '\n'); }

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& candidate : lines_of(text)) {
    if (candidate == line) return true;
  }
  return false;
}

TEST(GoWakuUnit, HasTheRequiredHardening) {
  auto fleet = do_fleet();
  const std::string unit = go_waku_unit(fleet, fleet.nodes[0], droplet_of(fleet, fleet.nodes[0]).network);
  for (const char* line : {"Restart=always", "RestartSec=5", "User=waku", "Group=waku", "NoNewPrivileges=yes",
                           "ProtectSystem=strict", "ReadWritePaths=/mnt/waku", "PrivateTmp=yes", "ProtectHome=yes",
                           "ProtectKernelTunables=yes", "ProtectKernelModules=yes", "ProtectKernelLogs=yes",
                           "ProtectControlGroups=yes", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK",
                           "CapabilityBoundingSet=", "AmbientCapabilities=", "SystemCallFilter=@system-service",
                           "LockPersonality=yes", "MemoryDenyWriteExecute=yes", "RestrictNamespaces=yes",
                           "RestrictRealtime=yes", "RestrictSUIDSGID=yes", "PrivateDevices=yes",
                           "SyslogIdentifier=go-waku", "LimitNOFILE=65536", "RequiresMountsFor=/mnt/waku",
                           "EnvironmentFile=/mnt/waku/nodekey.env"}) {
    EXPECT_TRUE(has_line(unit, line)) << line;
  }
  EXPECT_EQ(testing::count_of(unit, "ReadWritePaths="), 1u);
}

TEST(GoWakuUnit, RunsTheSharedNodeFlagsWithoutTheKey) {
  auto fleet = do_fleet();
  const auto& store = fleet.nodes.back();
  auto network = droplet_of(fleet, store).network;
  const std::string unit = go_waku_unit(fleet, store, network);
  EXPECT_NE(unit.find("ExecStart=/usr/local/bin/waku \\\n"), std::string::npos);
  // One flag per continued line: "    <flag> \\" then, for the last one, "    <flag>".
  for (const auto& flag : waku::node_flags(fleet, store, network, waku::NodePaths{kStoreDb})) {
    bool continued = unit.find("\n    " + flag + " \\\n") != std::string::npos;
    bool last = unit.find("\n    " + flag + "\nRestart=") != std::string::npos;
    EXPECT_TRUE(continued || last) << flag;
  }
  EXPECT_NE(unit.find("--store-message-db-url=sqlite3:///mnt/waku/store.db"), std::string::npos);
  EXPECT_EQ(unit.find("--nodekey"), std::string::npos);
  EXPECT_EQ(unit.find("--key-file"), std::string::npos);
  EXPECT_EQ(unit.find(testing::kNodeKey), std::string::npos);
}

TEST(GoWakuUnit, StartsFromTheFleetsTreeWhenDnsDiscoveryIsOn) {
  auto fleet = do_fleet();
  auto network = droplet_of(fleet, fleet.nodes[0]).network;
  const std::string url = "enrtree://AM6TULC7XIIUMZ234PPCODYOT7WQKKSIKC7ORD5HPKQFSM3COEOHQ@nodes.example.org";
  const std::string unit = go_waku_unit(fleet, fleet.nodes[0], network, kGoWakuBinary, url);
  EXPECT_NE(unit.find("    --dns-discovery=true \\\n"), std::string::npos) << unit;
  EXPECT_NE(unit.find("--dns-discovery-url=" + url), std::string::npos) << unit;
  EXPECT_EQ(go_waku_unit(fleet, fleet.nodes[0], network).find("--dns-discovery"), std::string::npos);
}

TEST(GoWakuUnit, PassesSystemdAnalyzeVerify) {
  auto fleet = do_fleet();
  testing::TempDir dir;
  // /bin/true: verify checks that ExecStart's binary exists. User=waku need not exist for verify.
  std::string unit = dir.write(kUnitName, go_waku_unit(fleet, fleet.nodes[0], droplet_of(fleet, fleet.nodes[0]).network,
                                                      "/bin/true"));
  auto result = run({"systemd-analyze", "verify", unit});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "") << "verify warned (unknown or misspelt directives are only warnings)";
}

TEST(GoWakuUnit, ExposureIsAtMostThree) {
  auto fleet = do_fleet();
  testing::TempDir dir;
  std::string unit = dir.write(kUnitName, go_waku_unit(fleet, fleet.nodes[0], droplet_of(fleet, fleet.nodes[0]).network,
                                                      "/bin/true"));
  auto result = run({"systemd-analyze", "security", "--offline=true", "--no-pager", unit});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  std::smatch match;
  const std::regex overall(R"(Overall exposure level for go-waku\.service: ([0-9]+\.[0-9]+))");
  ASSERT_TRUE(std::regex_search(result.output, match, overall)) << result.output;
  const double exposure = std::stod(match[1].str());
  RecordProperty("exposure", match[1].str());
  std::cout << "systemd-analyze security: overall exposure " << match[1].str() << "\n";
  EXPECT_LE(exposure, 3.0) << result.output;
}

TEST(DatadogUnits, PassSystemdAnalyzeVerify) {
  testing::TempDir dir;
  std::string path = dir.write("wakufleet-datadog.path", datadog_path_unit());
  std::string service = dir.write("wakufleet-datadog.service", datadog_service_unit("/bin/true"));
  auto result = run({"systemd-analyze", "verify", path, service});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "");
  EXPECT_TRUE(has_line(datadog_path_unit(), std::string("PathExists=") + kDatadogKeyFile));
}

TEST(JournaldDropin, BoundsTheJournal) {
  auto fleet = do_fleet();
  Options options;
  const std::string dropin = journald_dropin(fleet, options);
  EXPECT_TRUE(has_line(dropin, "[Journal]"));
  EXPECT_TRUE(has_line(dropin, "SystemMaxUse=1G"));
  EXPECT_TRUE(has_line(dropin, "SystemMaxFileSize=64M"));
  EXPECT_TRUE(has_line(dropin, "MaxRetentionSec=604800"));  // log_retention "7d"
}

}  // namespace
}  // namespace wakufleet::bootstrap
