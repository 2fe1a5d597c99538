// The user data one multi-create shares: every droplet of the request must end up with exactly the
// files its own user data would have given it, and with none of the other members' keys.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "bootstrap/bootstrap.hpp"
#include "bootstrap_fixture.hpp"
#include "util/process.hpp"

namespace wakufleet::bootstrap {
namespace {

using namespace std::chrono_literals;
using testing::do_fleet;
using testing::options_with_release;
namespace fs = std::filesystem;

struct FileFacts {
  std::string permissions;
  std::string content;
  bool operator==(const FileFacts&) const = default;
};
using Files = std::map<std::string, FileFacts>;  // absolute path on the droplet -> file

std::string key_of(int i) {
  std::string key = testing::kNodeKey;
  key.replace(0, 2, (i < 10 ? "0" : "") + std::to_string(i));
  return key;
}

std::vector<BatchMember> members_of(const spec::Fleet& fleet) {
  std::vector<BatchMember> members;
  for (std::size_t i = 0; i < fleet.nodes.size(); ++i) {
    BatchMember member;
    member.droplet_name = fleet.name + "-" + fleet.nodes[i].name + "-0123456789ab";
    member.node = &fleet.nodes[i];
    member.droplet = testing::droplet_of(fleet, fleet.nodes[i]);
    member.droplet.node_key_hex = key_of(static_cast<int>(i));
    member.droplet.network.public_address = "203.0.113." + std::to_string(10 + i);
    members.push_back(member);
  }
  return members;
}

std::string generated(const util::Result<std::string>& result) {
  if (!result.ok()) throw std::runtime_error(result.error().message);
  return *result;
}

Files files_in(const std::string& cloud_config) {
  Files files;
  for (const YAML::Node& file : YAML::Load(cloud_config)["write_files"]) {
    files[file["path"].as<std::string>()] = {file["permissions"].as<std::string>(), file["content"].as<std::string>()};
  }
  return files;
}

// What cloud-init's write_files does, below `root`.
void write_files(const Files& files, const fs::path& root) {
  for (const auto& [path, file] : files) {
    fs::path target = root / path.substr(1);
    fs::create_directories(target.parent_path());
    std::ofstream(target) << file.content;
    ::chmod(target.c_str(), static_cast<mode_t>(std::stoi(file.permissions, nullptr, 8)));
  }
}

Files files_under(const fs::path& root) {
  Files files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    struct stat info {};
    ::stat(entry.path().c_str(), &info);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", info.st_mode & 07777);
    files["/" + fs::relative(entry.path(), root).string()] = {mode, testing::read_file(entry.path())};
  }
  return files;
}

util::ProcessResult select_in(const fs::path& root, const std::string& name) {
  auto result = util::make_process_runner()->run(
      {"env", "WAKUFLEET_ROOT=" + root.string(), "sh", (root / std::string(kSelectScript).substr(1)).string(), name},
      60s);
  if (!result.ok()) throw std::runtime_error(result.error().message);
  return *result;
}

TEST(BatchUserData, PassesCloudInitSchema) {
  auto fleet = do_fleet(10);
  testing::TempDir dir;
  std::string file = dir.write("batch.yaml", generated(batch_user_data(fleet, members_of(fleet), options_with_release())));
  auto result = util::make_process_runner()->run({"cloud-init", "schema", "--config-file", file}, 120s);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->exit_code, 0) << result->output;
  EXPECT_NE(result->output.find("Valid cloud-config"), std::string::npos) << result->output;
}

TEST(BatchUserData, TenNodesFitDigitalOceansLimit) {
  auto fleet = do_fleet(10);
  const std::string text = generated(batch_user_data(fleet, members_of(fleet), options_with_release()));
  const std::string single = generated(user_data(fleet, fleet.nodes[0], members_of(fleet)[0].droplet, options_with_release()));
  std::cout << "user data: one node " << single.size() << " bytes, a batch of ten " << text.size() << " bytes\n";
  EXPECT_LT(text.size(), kMaxUserDataBytes);
  EXPECT_LT(text.size(), 10 * single.size()) << "files every member shares are written once";
}

TEST(BatchUserData, EachDropletGetsExactlyItsOwnFiles) {
  auto fleet = do_fleet(4);
  auto members = members_of(fleet);
  const Files batch = files_in(generated(batch_user_data(fleet, members, options_with_release())));
  for (const auto& member : members) {
    SCOPED_TRACE(member.droplet_name);
    testing::TempDir dir;
    const fs::path root = dir.write("probe", ""), base = root.parent_path() / "root";
    write_files(batch, base);
    auto selected = select_in(base, member.droplet_name);
    ASSERT_EQ(selected.exit_code, 0) << selected.output;

    Files expected = files_in(generated(user_data(fleet, *member.node, member.droplet, options_with_release())));
    expected[kSelectScript] = {"0700", select_script()};
    Files found = files_under(base);
    for (const auto& [path, file] : expected) {
      ASSERT_EQ(found.count(path), 1u) << path;
      EXPECT_EQ(found[path].permissions, file.permissions) << path;
      EXPECT_EQ(found[path].content, file.content) << path;
    }
    for (const auto& [path, file] : found) EXPECT_EQ(expected.count(path), 1u) << "extra file " << path;
    for (const auto& other : members) {
      if (other.droplet_name == member.droplet_name) continue;
      for (const auto& [path, file] : found) {
        EXPECT_EQ(file.content.find(other.droplet.node_key_hex), std::string::npos) << other.node->name << "'s key in " << path;
      }
    }
  }
}

TEST(BatchUserData, ADropletOutsideTheBatchGetsNothingAndNoKeys) {
  auto fleet = do_fleet(3);
  const Files batch = files_in(generated(batch_user_data(fleet, members_of(fleet), options_with_release())));
  testing::TempDir dir;
  const fs::path base = fs::path(dir.write("probe", "")).parent_path() / "root";
  write_files(batch, base);
  auto selected = select_in(base, "ams-stranger-0123456789ab");
  EXPECT_EQ(selected.exit_code, 1);
  EXPECT_NE(selected.output.find("no files for droplet \"ams-stranger-0123456789ab\""), std::string::npos) << selected.output;
  EXPECT_FALSE(fs::exists(base / std::string(kBatchDir).substr(1)));
  EXPECT_FALSE(fs::exists(base / std::string(kStagedNodeKeyFile).substr(1)));
}

TEST(BatchUserData, RunsTheSelectionBeforeTheBootstrap) {
  auto fleet = do_fleet(2);
  YAML::Node config = YAML::Load(generated(batch_user_data(fleet, members_of(fleet), options_with_release())));
  ASSERT_EQ(config["runcmd"].size(), 1u);
  EXPECT_EQ(config["runcmd"][0].as<std::vector<std::string>>(),
            (std::vector<std::string>{"sh", "-c", std::string(kSelectScript) + " && exec " + kBootstrapScript + " node"}));
}

TEST(BatchUserData, RefusesDuplicateOrUnsafeNamesAndBadMembers) {
  auto fleet = do_fleet(2);
  auto members = members_of(fleet);
  members[1].droplet_name = members[0].droplet_name;
  EXPECT_FALSE(batch_user_data(fleet, members, options_with_release()).ok());
  members = members_of(fleet);
  members[1].droplet_name = "../../etc";
  EXPECT_FALSE(batch_user_data(fleet, members, options_with_release()).ok());
  members = members_of(fleet);
  members[1].droplet.node_key_hex = "12";
  auto refused = batch_user_data(fleet, members, options_with_release());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("node " + fleet.nodes[1].name), std::string::npos) << refused.error().message;
  EXPECT_EQ(refused.error().message.find(members[0].droplet.node_key_hex), std::string::npos);
  EXPECT_FALSE(batch_user_data(fleet, {}, options_with_release()).ok());
}

TEST(SelectScript, IsValidPosixShell) {
  testing::TempDir dir;
  std::string script = dir.write("wakufleet-select", select_script());
  auto dash = util::make_process_runner()->run({"dash", "-n", script}, 60s);
  ASSERT_TRUE(dash.ok());
  EXPECT_EQ(dash->exit_code, 0) << dash->output;
  if (!util::have_program("shellcheck")) GTEST_SKIP() << "shellcheck is not installed (scripts/deps.sh installs it)";
  auto shellcheck = util::make_process_runner()->run({"shellcheck", "--shell=sh", "--severity=style", script}, 60s);
  ASSERT_TRUE(shellcheck.ok());
  EXPECT_EQ(shellcheck->exit_code, 0) << shellcheck->output;
}

}  // namespace
}  // namespace wakufleet::bootstrap
