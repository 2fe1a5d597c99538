// The command line as a user meets it: the real binary, run as a child process.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "util/process.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wakufleet::util::ProcessResult;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/wakufleet-cli-XXXXXX";
    dir_ = mkdtemp(pattern);
    spec_ = dir_ + "/fleet.toml";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write_spec(const std::string& text) { std::ofstream(spec_) << text; }

  // Runs wakufleet with the given arguments. The go-waku binary is replaced by /bin/true: these
  // tests never start a node (plan only), they check the command line itself.
  ProcessResult run(std::vector<std::string> args) {
    std::vector<std::string> argv = {"env", "WAKUFLEET_GOWAKU=/bin/true", "NO_COLOR=1", WAKUFLEET_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = wakufleet::util::make_process_runner()->run(argv, std::chrono::seconds(30));
    EXPECT_TRUE(result.ok());
    return result.ok() ? *result : ProcessResult{-1, ""};
  }

  std::string dir_, spec_;
};

const char* kThreeNodes =
    "[fleet]\nname = \"cli-test\"\ndomain = \"cli.waku.test\"\nnodes = 3\n\n"
    "[target.local]\nsubnet = \"127.201.1.0/24\"\n";

TEST_F(Cli, MistypedCommandSuggestsTheRightOne) {
  auto result = run({"plna"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("error: unknown command 'plna'; did you mean 'plan'?"), std::string::npos) << result.output;
}

TEST_F(Cli, MistypedOptionSuggestsTheRightOne) {
  auto result = run({"apply", "--auto-aprove"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("unknown option '--auto-aprove' for 'apply'; did you mean '--auto-approve'?"),
            std::string::npos)
      << result.output;
}

TEST_F(Cli, HelpForACommandListsItsOptions) {
  auto result = run({"help", "plan"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.output.find("--detailed-exitcode"), std::string::npos);
  EXPECT_NE(result.output.find("-f, --file PATH"), std::string::npos);
  EXPECT_EQ(run({"plan", "--help"}).output, result.output);
}

TEST_F(Cli, ValidateReportsEveryErrorWithPositionAndChangesNothing) {
  write_spec("[fleet]\nname = \"Bad_Name\"\ndomain = \"ok.test\"\nnodez = 3\n");
  auto result = run({"validate", "-f", spec_});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find(spec_ + ":2:8: error:"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(spec_ + ":4:1: error: unknown key 'nodez'"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("did you mean 'nodes'?"), std::string::npos);
  EXPECT_NE(result.output.find("    4 | nodez = 3\n      | ^"), std::string::npos) << result.output;
  EXPECT_FALSE(fs::exists(dir_ + "/fleet.state.json"));
}

TEST_F(Cli, ValidateAcceptsTheExamples) {
  for (const char* example : {"examples/local.toml", "examples/digitalocean.toml"}) {
    auto result = run({"validate", "-f", std::string(WAKUFLEET_SOURCE_DIR) + "/" + example});
    EXPECT_EQ(result.exit_code, 0) << example << ": " << result.output;
  }
}

TEST_F(Cli, PlanJsonIsMachineReadableAndDetailedExitCodeSaysChanges) {
  write_spec(kThreeNodes);
  auto result = run({"plan", "-f", spec_, "--json", "--detailed-exitcode"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  json plan = json::parse(result.output, nullptr, false);
  ASSERT_FALSE(plan.is_discarded()) << result.output;
  EXPECT_EQ(plan["summary"]["add"], 7);  // supervisor, 3 nodes, mesh, prometheus, log collector
  EXPECT_EQ(plan["changes"][1]["address"], "local_node.node-0");
  EXPECT_EQ(plan["changes"][1]["action"], "create");
}

TEST_F(Cli, PlanTextEndsWithTheSummaryLine) {
  write_spec(kThreeNodes);
  auto result = run({"plan", "-f", spec_});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.output.find("  + local_node \"node-2\" {"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("Plan: 7 to add, 0 to change, 0 to destroy.\n"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find('\033'), std::string::npos);  // NO_COLOR and no terminal: plain
}

TEST_F(Cli, ApplyWithoutTerminalNeedsAutoApproveAndChangesNothing) {
  write_spec(kThreeNodes);
  auto result = run({"apply", "-f", spec_});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("pass --auto-approve"), std::string::npos) << result.output;
  EXPECT_FALSE(fs::exists(dir_ + "/fleet.state.json"));
  EXPECT_FALSE(fs::exists(dir_ + "/.wakufleet/cli-test/s6"));
}

TEST_F(Cli, UnpinnedGoWakuVersionIsAValidationError) {
  write_spec(std::string(kThreeNodes) + "\n[waku]\nversion = \"0.9.0\"\n");
  auto result = run({"plan", "-f", spec_});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("0.10.0"), std::string::npos) << result.output;
}

TEST_F(Cli, ForceUnlockWithoutLockSaysSo) {
  write_spec(kThreeNodes);
  auto result = run({"force-unlock", "abc123", "-f", spec_});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("nothing to unlock"), std::string::npos) << result.output;
}

TEST_F(Cli, VersionNamesThePinnedGoWaku) {
  auto result = run({"version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.output.find("go-waku 0.10.0"), std::string::npos);
}

}  // namespace
