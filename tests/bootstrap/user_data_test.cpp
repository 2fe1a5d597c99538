#include <gtest/gtest.h>
#include <stdlib.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include "bootstrap/bootstrap.hpp"
#include "bootstrap_fixture.hpp"
#include "util/process.hpp"

namespace wakufleet::bootstrap {
namespace {

using namespace std::chrono_literals;
using testing::do_fleet;
using testing::droplet_of;
using testing::options_with_release;

std::string user_data_of(const spec::Fleet& fleet, const spec::Node& node, const Options& options) {
  auto generated = user_data(fleet, node, droplet_of(fleet, node), options);
  if (!generated.ok()) throw std::runtime_error(generated.error().message);
  return *generated;
}

std::string user_data_of(const spec::Fleet& fleet, const spec::Node& node) {
  return user_data_of(fleet, node, options_with_release());
}

// write_files path -> content, as cloud-init will read them.
std::map<std::string, YAML::Node> files_of(const YAML::Node& cloud_config) {
  std::map<std::string, YAML::Node> files;
  for (const YAML::Node& file : cloud_config["write_files"]) files.emplace(file["path"].as<std::string>(), file);
  return files;
}

util::ProcessResult run(const std::vector<std::string>& argv) {
  auto result = util::make_process_runner()->run(argv, 120s);
  if (!result.ok()) throw std::runtime_error(argv[0] + ": " + result.error().message);
  return *result;
}

TEST(UserData, PassesCloudInitSchema) {
  auto fleet = do_fleet();
  testing::TempDir dir;
  for (const auto& node : fleet.nodes) {
    std::string file = dir.write(node.name + ".yaml", user_data_of(fleet, node));
    // cloud-init 22.4: "--annotate" crashes on some errors, so the plain report is used.
    auto result = run({"cloud-init", "schema", "--config-file", file});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("Valid cloud-config"), std::string::npos) << result.output;
  }
}

TEST(UserData, WithoutDatadogAlsoPassesCloudInitSchema) {
  auto fleet = do_fleet();
  auto options = options_with_release();
  options.datadog = false;
  testing::TempDir dir;
  std::string text = user_data_of(fleet, fleet.nodes[0], options);
  for (const auto& [path, file] : files_of(YAML::Load(text))) EXPECT_EQ(path.find("datadog"), std::string::npos) << path;
  EXPECT_NE(text.find("DATADOG='no'"), std::string::npos);
  auto result = run({"cloud-init", "schema", "--config-file", dir.write("user-data.yaml", text)});
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST(UserData, WritesEveryFileExactlyAsGenerated) {
  auto fleet = do_fleet();
  const auto& node = fleet.nodes.back();
  auto droplet = droplet_of(fleet, node);
  auto options = options_with_release();
  YAML::Node cloud_config = YAML::Load(user_data_of(fleet, node));
  auto files = files_of(cloud_config);

  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {kStagedNodeKeyFile, {"0600", "WAKUNODE2_NODEKEY=" + testing::kNodeKey + "\n"}},
      {kBootstrapScript, {"0700", bootstrap_script(fleet, options)}},
      {kMetadataGuardFile, {"0644", metadata_guard_nft()}},
      {"/etc/systemd/system/wakufleet-metadata-guard.service", {"0644", metadata_guard_unit()}},
      {kNodeEnvFile, {"0644", node_env(droplet)}},
      {"/etc/systemd/system/go-waku.service", {"0644", go_waku_unit(fleet, node, droplet.network)}},
      {"/etc/systemd/journald.conf.d/wakufleet.conf", {"0644", journald_dropin(fleet, options)}},
      {"/etc/wakufleet/datadog/datadog.yaml", {"0644", datadog_yaml(fleet, node)}},
      {"/etc/wakufleet/datadog/openmetrics.yaml", {"0644", openmetrics_yaml(droplet.network)}},
      {"/etc/wakufleet/datadog/journald.yaml", {"0644", journald_logs_yaml()}},
      {"/etc/systemd/system/wakufleet-datadog.path", {"0644", datadog_path_unit()}},
      {"/etc/systemd/system/wakufleet-datadog.service", {"0644", datadog_service_unit()}},
  };
  for (const auto& [path, want] : expected) {
    ASSERT_EQ(files.count(path), 1u) << path;
    EXPECT_EQ(files[path]["permissions"].as<std::string>(), want.first) << path;
    EXPECT_EQ(files[path]["content"].as<std::string>(), want.second) << path;
  }
}

TEST(UserData, CreatesTheSystemUserAndRunsTheBootstrap) {
  auto fleet = do_fleet();
  YAML::Node cloud_config = YAML::Load(user_data_of(fleet, fleet.nodes[0]));
  ASSERT_EQ(cloud_config["users"].size(), 2u);
  EXPECT_EQ(cloud_config["users"][0].as<std::string>(), "default");
  EXPECT_EQ(cloud_config["users"][1]["name"].as<std::string>(), "waku");
  EXPECT_TRUE(cloud_config["users"][1]["system"].as<bool>());
  ASSERT_EQ(cloud_config["runcmd"].size(), 1u);
  EXPECT_EQ(cloud_config["runcmd"][0].as<std::vector<std::string>>(),
            (std::vector<std::string>{kBootstrapScript, "node"}));
}

TEST(UserData, StartsWithTheCloudConfigHeader) {
  auto fleet = do_fleet();
  EXPECT_EQ(user_data_of(fleet, fleet.nodes[0]).rfind("#cloud-config\n", 0), 0u);
}

TEST(NodeKey, AppearsExactlyOnceInsideItsWriteFilesEntry) {
  auto fleet = do_fleet();
  const std::string text = user_data_of(fleet, fleet.nodes[0]);
  EXPECT_EQ(testing::count_of(text, testing::kNodeKey), 1u);
  auto files = files_of(YAML::Load(text));
  for (const auto& [path, file] : files) {
    bool holds_key = file["content"].as<std::string>().find(testing::kNodeKey) != std::string::npos;
    EXPECT_EQ(holds_key, path == kStagedNodeKeyFile) << path;
  }
}

TEST(NodeKey, NeverInTheDigestPlansShow) {
  auto fleet = do_fleet();
  const std::string text = user_data_of(fleet, fleet.nodes[0]);
  const std::string digest = user_data_digest(text);
  EXPECT_EQ(digest.find(testing::kNodeKey), std::string::npos);
  EXPECT_EQ(digest.rfind("sha256:", 0), 0u);
  EXPECT_EQ(digest.size(), 7u + 64u);
}

TEST(NodeKey, ErrorsNeverQuoteIt) {
  auto fleet = do_fleet();
  auto droplet = droplet_of(fleet, fleet.nodes[0]);
  droplet.node_key_hex = testing::kNodeKey.substr(0, 63) + "z";
  auto generated = user_data(fleet, fleet.nodes[0], droplet, options_with_release());
  ASSERT_FALSE(generated.ok());
  EXPECT_EQ(generated.error().message.find(testing::kNodeKey.substr(0, 16)), std::string::npos);
}

TEST(Digest, IsTheSha256OfTheUserData) {
  EXPECT_EQ(user_data_digest("abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto fleet = do_fleet();
  auto a = user_data_digest(user_data_of(fleet, fleet.nodes[0]));
  EXPECT_EQ(a, user_data_digest(user_data_of(fleet, fleet.nodes[0]))) << "generation must be deterministic";
  EXPECT_NE(a, user_data_digest(user_data_of(fleet, fleet.nodes[1])));
}

TEST(DatadogApiKey, NeverEntersTheUserData) {
  ::setenv("DD_API_KEY", "0123456789abcdef0123456789abcdef", 1);
  auto fleet = do_fleet();
  const std::string text = user_data_of(fleet, fleet.nodes[0]);
  ::unsetenv("DD_API_KEY");
  EXPECT_EQ(text.find("0123456789abcdef0123456789abcdef"), std::string::npos);
  EXPECT_EQ(testing::count_of(text, kDatadogApiKeyPlaceholder), 2u) << "datadog.yaml's line, the script's pattern";
}

TEST(UserData, StaysUnderDigitalOceansLimit) {
  auto fleet = do_fleet();
  fleet.waku.shards.clear();
  for (int shard = 0; shard < 64; ++shard) fleet.waku.shards.push_back(shard);  // a flag per shard topic
  fleet.nodes.back().name = std::string(50, 'n');  // volume "ams-nnn...": 54 of DigitalOcean's 64
  const std::string text = user_data_of(fleet, fleet.nodes.back());
  std::cout << "user data of a node subscribed to 64 shards: " << text.size() << " bytes\n";
  EXPECT_LT(text.size(), kMaxUserDataBytes);
  // Room to grow: a single node's user data is ~18 KB (a batch of ten, which shares most of it,
  // is checked in batch_user_data_test.cpp).
  EXPECT_LT(user_data_of(do_fleet(), do_fleet().nodes[0]).size(), kMaxUserDataBytes / 3);
}

TEST(UserData, RefusesWhatDigitalOceanWouldRefuse) {
  auto fleet = do_fleet();
  fleet.waku.shards.clear();
  // Artificial (a cluster has at most 1024 shards): a way to make the unit alone exceed 64 KiB.
  for (int shard = 0; shard < 3000; ++shard) fleet.waku.shards.push_back(shard);
  auto generated = user_data(fleet, fleet.nodes[0], droplet_of(fleet, fleet.nodes[0]), options_with_release());
  ASSERT_FALSE(generated.ok());
  EXPECT_NE(generated.error().message.find("at most 65536"), std::string::npos) << generated.error().message;
}

TEST(UserData, RefusesInputsThatWouldMakeABadDroplet) {
  auto fleet = do_fleet();
  const auto& node = fleet.nodes[0];
  auto good = droplet_of(fleet, node);
  auto expect_refused = [&](NodeDroplet droplet, Options options, const std::string& why) {
    auto generated = user_data(fleet, node, droplet, options);
    ASSERT_FALSE(generated.ok()) << why;
    EXPECT_NE(generated.error().message.find(why), std::string::npos) << generated.error().message;
  };
  auto droplet = good;
  droplet.node_key_hex = "1234";
  expect_refused(droplet, options_with_release(), "node key");
  droplet = good;
  droplet.volume_name = "Ams-Relay";
  expect_refused(droplet, options_with_release(), "volume name");
  droplet.volume_name = "ams/../x";
  expect_refused(droplet, options_with_release(), "volume name");
  expect_refused(good, Options{}, "sha256");  // the default release is a placeholder without a checksum
  auto options = options_with_release();
  options.go_waku.url = "http://releases.example.com/waku";
  expect_refused(good, options, "https");
}

TEST(UserData, VolumeDeviceIsDigitalOceansById) {
  EXPECT_EQ(volume_device("ams-relay-0"), "/dev/disk/by-id/scsi-0DO_Volume_ams-relay-0");
  auto fleet = do_fleet();
  const std::string script = bootstrap_script(fleet, options_with_release());
  EXPECT_NE(node_env(droplet_of(fleet, fleet.nodes[0])).find("VOLUME_DEVICE='/dev/disk/by-id/scsi-0DO_Volume_ams-relay-0'"),
            std::string::npos);
  EXPECT_NE(script.find("GO_WAKU_SHA256='" + testing::kBinarySha256 + "'"), std::string::npos);
  EXPECT_NE(script.find("DD_SITE='datadoghq.eu'"), std::string::npos);
}

TEST(BootstrapScript, IsValidPosixShell) {
  auto fleet = do_fleet();
  testing::TempDir dir;
  std::string script =
      dir.write("wakufleet-bootstrap", bootstrap_script(fleet, options_with_release()));
  auto dash = run({"dash", "-n", script});
  EXPECT_EQ(dash.exit_code, 0) << dash.output;
  if (!util::have_program("shellcheck")) GTEST_SKIP() << "shellcheck is not installed (scripts/deps.sh installs it)";
  auto shellcheck = run({"shellcheck", "--shell=sh", "--severity=style", script});
  EXPECT_EQ(shellcheck.exit_code, 0) << shellcheck.output;
}

// The admin-env step, run for real under a scratch root; the metadata service is a file:// tree
// (curl reads it like DigitalOcean's http://169.254.169.254/metadata/v1).
class AdminEnv : public ::testing::Test {
 protected:
  std::string run_step(const std::string& private_address) {
    namespace fs = std::filesystem;
    const fs::path metadata = fs::path(dir_.path()) / "metadata/v1";
    if (!private_address.empty()) {
      fs::create_directories(metadata / "interfaces/private/0/ipv4");
      dir_.write("metadata/v1/interfaces/private/0/ipv4/address", private_address);
    }
    const fs::path root = fs::path(dir_.path()) / "root";
    const fs::path templates = root / std::string(kDatadogTemplateDir).substr(1);
    fs::create_directories(templates);
    dir_.write("root" + std::string(kDatadogTemplateDir) + "/openmetrics.yaml",
               openmetrics_yaml(droplet_network("203.0.113.10", "")));
    const std::string script = dir_.write("wakufleet-bootstrap", bootstrap_script(do_fleet(), options_with_release()));
    auto result = run({"env", "WAKUFLEET_ROOT=" + root.string(), "WAKUFLEET_METADATA_URL=file://" + metadata.string(),
                       "sh", script, "admin-env"});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return result.output;
  }
  std::string admin_env() const { return read(dir_.path() + "/root" + kAdminEnvFile); }
  std::string scrape_url() const {
    YAML::Node yaml = YAML::LoadFile(dir_.path() + "/root" + kDatadogTemplateDir + "/openmetrics.yaml");
    return yaml["instances"][0]["openmetrics_endpoint"].as<std::string>();
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  testing::TempDir dir_;
};

TEST_F(AdminEnv, MetricsAndRestListenOnThePrivateAddress) {
  run_step("10.10.0.7");
  EXPECT_EQ(admin_env(), "WAKUNODE2_METRICS_SERVER_ADDRESS=10.10.0.7\nWAKUNODE2_REST_ADDRESS=10.10.0.7\n");
  EXPECT_EQ(scrape_url(), "http://10.10.0.7:8008/metrics");
}

TEST_F(AdminEnv, WithoutAPrivateAddressOnlyLoopback) {
  std::string output = run_step("");
  EXPECT_EQ(admin_env(), "WAKUNODE2_METRICS_SERVER_ADDRESS=127.0.0.1\nWAKUNODE2_REST_ADDRESS=127.0.0.1\n");
  EXPECT_EQ(scrape_url(), "http://127.0.0.1:8008/metrics");
  EXPECT_NE(output.find("listen on 127.0.0.1 only"), std::string::npos) << output;
}

TEST_F(AdminEnv, AnAnswerThatIsNotAnAddressIsNotUsed) {
  for (const char* answer : {"10.10.0.300", "10.10.0", "10.10.0.7; rm -rf /", "<html>error</html>", "10.10.0.7\n10.1.1.1"}) {
    run_step(answer);
    EXPECT_EQ(admin_env(), "WAKUNODE2_METRICS_SERVER_ADDRESS=127.0.0.1\nWAKUNODE2_REST_ADDRESS=127.0.0.1\n") << answer;
  }
}

TEST(GoWakuUnit, TakesTheAdminAddressFromTheFileTheBootstrapWrites) {
  auto fleet = do_fleet();
  const std::string unit = go_waku_unit(fleet, fleet.nodes[0], droplet_network("203.0.113.10", "relay-0.x.test"));
  EXPECT_NE(unit.find("EnvironmentFile=" + std::string(kAdminEnvFile) + "\n"), std::string::npos) << unit;
  EXPECT_EQ(unit.find("--rest-address"), std::string::npos) << unit;
  EXPECT_EQ(unit.find("--metrics-server-address"), std::string::npos) << unit;
}

}  // namespace
}  // namespace wakufleet::bootstrap
