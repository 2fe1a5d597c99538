// Loading and saving the state file: round trips, serials, lineage, modes, backup, crash leftovers.
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "state/file_io.hpp"
#include "state/store.hpp"
#include "support/temp_dir.hpp"

namespace wakufleet::state {
namespace {

using wakufleet::testing::TempDir;

State fleet_with_nodes(int count) {
  State state;
  state.fleet = "demo";
  state.target = "local";
  for (int i = 0; i < count; ++i) {
    ResourceState node;
    node.type = "local_node";
    node.name = "node-" + std::to_string(i);
    node.attributes = json{{"pid", 1000 + i}, {"tcp_port", 60000 + i}};
    state.resources.emplace(node.address(), node);
  }
  return state;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

unsigned mode_of(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0;
  return info.st_mode & 07777;
}

State load_ok(const std::string& path) {
  auto loaded = load(path);
  EXPECT_TRUE(loaded.ok()) << loaded.error().message;
  return loaded ? *loaded : State{};
}

void save_ok(const std::string& path, State& state) {
  auto saved = save(path, state);
  ASSERT_TRUE(saved.ok()) << saved.error().message;
}

class StoreTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::string path = dir.file("fleet.state.json");
};

TEST_F(StoreTest, MissingFileIsEmptyState) {
  const State loaded = load_ok(path);
  EXPECT_EQ(loaded, State{});
  EXPECT_EQ(loaded.serial, 0u);
  EXPECT_TRUE(loaded.lineage.empty());
}

TEST_F(StoreTest, RoundTrip) {
  State state = fleet_with_nodes(3);
  save_ok(path, state);
  EXPECT_EQ(load_ok(path), state);
}

TEST_F(StoreTest, SerialIncrementsOnEachSave) {
  State state = fleet_with_nodes(1);
  for (std::uint64_t expected = 1; expected <= 3; ++expected) {
    save_ok(path, state);
    EXPECT_EQ(state.serial, expected);
    EXPECT_EQ(load_ok(path).serial, expected);
  }
}

TEST_F(StoreTest, LineageAssignedOnceAndKept) {
  State state = fleet_with_nodes(1);
  save_ok(path, state);
  const std::string lineage = state.lineage;
  EXPECT_EQ(lineage.size(), 32u);
  EXPECT_EQ(lineage.find_first_not_of("0123456789abcdef"), std::string::npos) << lineage;
  save_ok(path, state);
  EXPECT_EQ(state.lineage, lineage);
  EXPECT_EQ(load_ok(path).lineage, lineage);
}

TEST_F(StoreTest, DistinctStatesGetDistinctLineages) {
  State first = fleet_with_nodes(0);
  State second = fleet_with_nodes(0);
  save_ok(path, first);
  save_ok(dir.file("other.json"), second);
  EXPECT_NE(first.lineage, second.lineage);
}

TEST_F(StoreTest, FilesAreOwnerOnlyWhateverTheUmask) {
  const mode_t previous = ::umask(0);
  State state = fleet_with_nodes(1);
  save_ok(path, state);
  save_ok(path, state);
  ::umask(previous);
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(path + ".backup"), 0600u);
}

TEST_F(StoreTest, LooseModeOfLeftoverTmpIsTightened) {
  write_text(path + ".tmp", "left by someone");
  ASSERT_EQ(::chmod((path + ".tmp").c_str(), 0666), 0);
  State state = fleet_with_nodes(1);
  save_ok(path, state);
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST_F(StoreTest, LooseModeStillLoads) {
  State state = fleet_with_nodes(2);
  save_ok(path, state);
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_EQ(load_ok(path), state);
}

TEST_F(StoreTest, BackupHoldsThePreviousSnapshot) {
  State state = fleet_with_nodes(1);
  save_ok(path, state);
  const State first = state;
  const std::string first_text = read_text(path);
  state.resources.clear();
  save_ok(path, state);

  EXPECT_EQ(read_text(path + ".backup"), first_text);
  const State backup = load_ok(path + ".backup");
  EXPECT_EQ(backup, first);
  EXPECT_EQ(backup.serial, state.serial - 1);
}

TEST_F(StoreTest, FirstSaveMakesNoBackup) {
  State state = fleet_with_nodes(1);
  save_ok(path, state);
  EXPECT_FALSE(std::filesystem::exists(path + ".backup"));
}

TEST_F(StoreTest, OutputIsPrettyInReadingOrderWithTrailingNewline) {
  State state = fleet_with_nodes(1);
  save_ok(path, state);
  const std::string text = read_text(path);
  EXPECT_EQ(json::parse(text), to_json(state));
  EXPECT_EQ(text.rfind("{\n  \"version\": 1,\n  \"serial\": 1,\n  \"lineage\": \"", 0), 0u) << text;
  EXPECT_NE(text.find("\n  \"resources\": [\n    {\n      \"type\": \"local_node\",\n      \"name\": \"node-0\",\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.substr(text.size() - 3), "\n}\n");
}

TEST_F(StoreTest, NoTemporaryFilesLeftAfterSave) {
  State state = fleet_with_nodes(1);
  save_ok(path, state);
  save_ok(path, state);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_FALSE(std::filesystem::exists(path + ".backup.tmp"));
}

// A crash after P.tmp was written but before the rename leaves P.tmp beside an intact P.
TEST_F(StoreTest, CrashBeforeRenameKeepsPreviousState) {
  State state = fleet_with_nodes(2);
  save_ok(path, state);
  const State committed = state;

  State next = state;
  next.serial += 1;
  next.resources.clear();
  const std::string half_written = to_json(next).dump(2).substr(0, 40);  // torn write
  ASSERT_TRUE(detail::write_file_synced(path + ".tmp", half_written, 0600).ok());

  EXPECT_EQ(load_ok(path), committed);

  save_ok(path, next);
  EXPECT_EQ(load_ok(path), next);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(load_ok(path + ".backup"), committed);
}

TEST_F(StoreTest, CorruptFileNamesTheBackup) {
  State state = fleet_with_nodes(1);
  save_ok(path, state);
  save_ok(path, state);
  write_text(path, "{\"version\": 1, \"serial\": ");

  auto loaded = load(path);
  ASSERT_FALSE(loaded.ok());
  const std::string& message = loaded.error().message;
  EXPECT_EQ(message.rfind("state file " + path + " is corrupt (", 0), 0u) << message;
  EXPECT_NE(message.find("; the previous snapshot is in " + path + ".backup"), std::string::npos) << message;
  EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
}

TEST_F(StoreTest, CorruptFileWithoutBackupSaysSo) {
  write_text(path, "");
  auto loaded = load(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("there is no previous snapshot at " + path + ".backup"), std::string::npos)
      << loaded.error().message;
}

TEST_F(StoreTest, WrongShapeIsCorruptToo) {
  write_text(path, R"({"version": 1, "serial": 3, "lineage": "x", "fleet": "f", "target": "t", "resources": {}})");
  auto loaded = load(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("is corrupt (resources: expected an array, found object)"),
            std::string::npos)
      << loaded.error().message;
}

TEST_F(StoreTest, NewerVersionIsRefused) {
  State state = fleet_with_nodes(1);
  save_ok(path, state);
  json document = json::parse(read_text(path));
  document["version"] = State::kFormatVersion + 1;
  write_text(path, document.dump());

  auto loaded = load(path);
  ASSERT_FALSE(loaded.ok());
  const std::string& message = loaded.error().message;
  EXPECT_NE(message.find("state file " + path + ": state format version 2 is newer"), std::string::npos) << message;
  EXPECT_NE(message.find("upgrade wakufleet"), std::string::npos) << message;
  EXPECT_EQ(message.find("corrupt"), std::string::npos) << message;
}

TEST_F(StoreTest, FailedSaveLeavesCallerStateAlone) {
  State state = fleet_with_nodes(1);
  const State before = state;
  auto saved = save(dir.file("no-such-directory/fleet.state.json"), state);
  ASSERT_FALSE(saved.ok());
  EXPECT_NE(saved.error().message.find("no-such-directory"), std::string::npos) << saved.error().message;
  EXPECT_EQ(state, before);
}

TEST_F(StoreTest, UnreadableStateIsAnErrorNotEmpty) {
  // A directory where the file should be: reading fails for a reason other than absence.
  std::filesystem::create_directory(path);
  auto loaded = load(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find(path), std::string::npos) << loaded.error().message;
}

}  // namespace
}  // namespace wakufleet::state
