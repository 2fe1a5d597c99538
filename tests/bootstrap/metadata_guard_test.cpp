// The rule that keeps the metadata service (and so the node keys in the user data) to root, loaded
// for real with nft in a private network namespace where a stand-in metadata service listens on
// 169.254.169.254: root reads the user data, any other user is refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

#include "bootstrap/bootstrap.hpp"
#include "support/temp_dir.hpp"
#include "util/process.hpp"

namespace wakufleet::bootstrap {
namespace {

using namespace std::chrono_literals;

util::ProcessResult run(const std::vector<std::string>& argv) {
  auto result = util::make_process_runner()->run(argv, 120s);
  if (!result.ok()) throw std::runtime_error(argv[0] + ": " + result.error().message);
  return *result;
}

// Runs inside `unshare -n`: $1 the bootstrap script, $2 the stand-in's document root. The guard
// step is run twice: loading it again must replace the rules, not add to them.
const char* kInPrivateNetwork = R"SH(
set -eu
ip link set lo up
ip addr add 169.254.169.254/32 dev lo
sh "$1" metadata-guard
sh "$1" metadata-guard
echo "rules: $(nft list chain inet wakufleet_metadata output | grep -c 'reject')"
python3 -m http.server --bind 169.254.169.254 --directory "$2" 80 >/dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
i=0
until curl -s -o /dev/null --max-time 1 http://169.254.169.254/; do
  i=$((i + 1)); [ "$i" -lt 100 ] || { echo "the stand-in never answered"; exit 1; }; sleep 0.1
done
echo "root: $(curl -s --max-time 5 http://169.254.169.254/metadata/v1/user-data)"
status=0
setpriv --reuid=65534 --regid=65534 --clear-groups curl -s --max-time 5 \
  http://169.254.169.254/metadata/v1/user-data || status=$?
echo "nobody: exit $status"
)SH";

class MetadataGuardLoaded : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for a private network namespace and nft";
    for (const char* tool : {"nft", "unshare", "setpriv", "python3", "curl"}) {
      if (!util::have_program(tool)) GTEST_SKIP() << tool << " is not installed (scripts/deps.sh installs it)";
    }
  }

  // The real guard step, with the rules at their place below a scratch root and `trusted_users`
  // trusted besides root.
  std::string run_guard(const std::string& trusted_users) {
    std::filesystem::create_directories(dir_.path() + "/root/etc/wakufleet");
    dir_.write("root" + std::string(kMetadataGuardFile), metadata_guard_nft());
    Options options;
    options.go_waku.sha256 = std::string(64, 'a');
    spec::Fleet fleet;
    fleet.name = "guard";
    const std::string bootstrap = dir_.write("wakufleet-bootstrap", bootstrap_script(fleet, options));
    const std::string script = dir_.write("in-private-network.sh", kInPrivateNetwork);
    std::filesystem::create_directories(dir_.path() + "/www/metadata/v1");
    dir_.write("www/metadata/v1/user-data", "WAKUNODE2_NODEKEY=secret");
    auto result = run({"env", "WAKUFLEET_ROOT=" + dir_.path() + "/root", "WAKUFLEET_TRUSTED_USERS=" + trusted_users,
                       "unshare", "-n", "sh", script, bootstrap, dir_.path() + "/www"});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("rules: 1\n"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("root: WAKUNODE2_NODEKEY=secret\n"), std::string::npos) << result.output;
    return result.output;
  }

  testing::TempDir dir_;
};

TEST_F(MetadataGuardLoaded, OnlyRootReachesTheMetadataService) {
  std::string output = run_guard("no-such-user");  // a trusted user that does not exist is skipped
  // curl's exit 7: the connection was refused.
  EXPECT_NE(output.find("nobody: exit 7\n"), std::string::npos) << output;
  EXPECT_EQ(output.find("secret", output.find("nobody")), std::string::npos) << output;
}

// DigitalOcean's monitoring agent runs as its own user and needs the metadata service; `nobody`
// stands in for it here.
TEST_F(MetadataGuardLoaded, ATrustedUserKeepsIt) {
  std::string output = run_guard("nobody");
  EXPECT_NE(output.find("stays open to nobody (uid 65534)"), std::string::npos) << output;
  EXPECT_NE(output.find("WAKUNODE2_NODEKEY=secretnobody: exit 0\n"), std::string::npos) << output;  // no newline in the file
}

TEST(MetadataGuard, UnitPassesSystemdAnalyzeVerifyAndRunsTheGuardStep) {
  testing::TempDir dir;
  const std::string unit = metadata_guard_unit();
  EXPECT_NE(unit.find("ExecStart=" + std::string(kBootstrapScript) + " metadata-guard\n"), std::string::npos) << unit;
  EXPECT_NE(unit.find("Before=network-pre.target"), std::string::npos) << unit;
  std::string path = dir.write(kMetadataGuardUnit, metadata_guard_unit("/bin/true"));
  auto result = run({"systemd-analyze", "verify", path});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "");
}

TEST(MetadataGuard, EveryDropletGetsItAndLoadsItFirst) {
  Options options;
  options.go_waku.sha256 = std::string(64, 'a');
  spec::Fleet fleet;
  fleet.name = "ams";
  const std::string script = bootstrap_script(fleet, options);
  const auto guard = script.find("\n    guard_metadata\n");
  ASSERT_NE(guard, std::string::npos) << script;
  EXPECT_LT(guard, script.find("\n    install_go_waku"));
}

}  // namespace
}  // namespace wakufleet::bootstrap
