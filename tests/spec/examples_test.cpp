// The shipped examples parse cleanly, and load_fleet reads files (or says why it cannot).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "spec/parse.hpp"

namespace wakufleet::spec {
namespace {

std::string example(const std::string& name) { return std::string(WAKUFLEET_SOURCE_DIR) + "/examples/" + name; }

ParseResult load_clean(const std::string& path) {
  ParseResult result = load_fleet(path);
  std::string text;
  if (std::ifstream file(path); file) text.assign(std::istreambuf_iterator<char>(file), {});
  EXPECT_TRUE(result.ok()) << render_all(result.diagnostics, text);
  return result;
}

TEST(Examples, LocalParsesWithoutDiagnostics) {
  ParseResult result = load_clean(example("local.toml"));
  const Fleet& fleet = result.fleet;
  EXPECT_EQ(fleet.source_path, example("local.toml"));
  EXPECT_EQ(fleet.name, "demo");
  EXPECT_EQ(fleet.domain, "demo.waku.test");
  EXPECT_EQ(fleet.target.kind, TargetKind::Local);
  ASSERT_EQ(fleet.nodes.size(), 3u);
  EXPECT_EQ(fleet.nodes[2].name, "node-2");
  EXPECT_EQ(fleet.nodes[0].protocols, (Protocols{true, true, true, true, true}));
  EXPECT_EQ(fleet.waku.cluster_id, 1);
  EXPECT_EQ(fleet.waku.shards, std::vector<int>{0});
  EXPECT_TRUE(fleet.discovery.dns);  // the example publishes its EIP-1459 tree (as root)
  EXPECT_TRUE(fleet.observability.prometheus);
  EXPECT_TRUE(fleet.observability.logs);
}

TEST(Examples, DigitalOceanParsesWithoutDiagnostics) {
  ParseResult result = load_clean(example("digitalocean.toml"));
  const Fleet& fleet = result.fleet;
  EXPECT_EQ(fleet.target.kind, TargetKind::DigitalOcean);
  EXPECT_EQ(fleet.target.digitalocean.region, "ams3");
  EXPECT_EQ(fleet.nodes.size(), 3u);
  EXPECT_TRUE(fleet.discovery.dns);
  EXPECT_EQ(fleet.observability.datadog_site, "datadoghq.eu");
}

// The ```toml blocks of docs/spec.md, in order.
std::vector<std::string> documented_specs() {
  std::ifstream file(std::string(WAKUFLEET_SOURCE_DIR) + "/docs/spec.md");
  std::vector<std::string> blocks;
  std::string line;
  bool inside = false;
  while (std::getline(file, line)) {
    if (!inside && line == "```toml") {
      inside = true;
      blocks.emplace_back();
    } else if (inside && line == "```") {
      inside = false;
    } else if (inside) {
      blocks.back() += line + "\n";
    }
  }
  return blocks;
}

TEST(Docs, SpecExamplesParseWithoutDiagnostics) {
  std::vector<std::string> blocks = documented_specs();
  ASSERT_EQ(blocks.size(), 2u);  // the complete example and the minimal one
  for (const auto& text : blocks) {
    ParseResult result = parse_fleet(text, "docs/spec.md");
    EXPECT_TRUE(result.ok()) << render_all(result.diagnostics, text);
  }
  ParseResult complete = parse_fleet(blocks[0], "docs/spec.md");
  ASSERT_EQ(complete.fleet.nodes.size(), 4u);
  EXPECT_EQ(complete.fleet.nodes[3].name, "archive-fra");
  EXPECT_EQ(complete.fleet.nodes[3].store_retention, "720h");
}

TEST(LoadFleet, MissingFileIsOneWholeFileDiagnostic) {
  ParseResult result = load_fleet("/nonexistent/fleet.toml");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].file, "/nonexistent/fleet.toml");
  EXPECT_EQ(result.diagnostics[0].line, 0);
  EXPECT_EQ(result.diagnostics[0].message, "cannot read the fleet spec: No such file or directory");
}

TEST(LoadFleet, FolderIsNotASpec) {
  ParseResult result = load_fleet(std::string(WAKUFLEET_SOURCE_DIR) + "/examples");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].message, "is a folder, not a fleet spec");
}

TEST(LoadFleet, DiagnosticsNameThePathAsGiven) {
  auto path = std::filesystem::temp_directory_path() / ("wakufleet-spec-test-" + std::to_string(::getpid()) + ".toml");
  { std::ofstream(path) << "[fleet]\nname = \"demo\"\n"; }
  ParseResult result = load_fleet(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(result.diagnostics.empty());
  EXPECT_EQ(result.diagnostics[0].file, path.string());
}

}  // namespace
}  // namespace wakufleet::spec
