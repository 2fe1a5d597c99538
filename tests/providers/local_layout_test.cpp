#include <gtest/gtest.h>

#include "providers/local/layout.hpp"
#include "providers/local/mesh.hpp"

namespace wakufleet::providers::local {
namespace {

spec::Fleet named(const std::string& name) {
  spec::Fleet fleet;
  fleet.name = name;
  return fleet;
}

TEST(Layout, DefaultBlockIsInLoopbackAndNotTheMachines) {
  for (const char* name : {"demo", "prod", "a", "staging-eu"}) {
    std::uint32_t block = default_block_for(name);
    EXPECT_EQ(block >> 24, 127u) << name;
    EXPECT_NE((block >> 16) & 255, 0u) << name << ": 127.0.x.x belongs to the machine";
    EXPECT_EQ(block & 255, 0u);
  }
  EXPECT_NE(default_block_for("demo"), default_block_for("prod"));
  EXPECT_EQ(default_block_for("demo"), default_block_for("demo"));
}

TEST(Layout, NodesGetConsecutiveAddressesAcrossOctets) {
  spec::Fleet fleet = named("f");
  fleet.target.local.subnet = "127.42.7.0/24";
  auto layout = Layout::make(fleet, "/specs");
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->node_address(0), "127.42.7.10");
  EXPECT_EQ(layout->node_address(245), "127.42.7.255");
  EXPECT_EQ(layout->node_address(246), "127.42.8.0");
  EXPECT_EQ(layout->root(), "/specs/.wakufleet/f");
  EXPECT_EQ(layout->key_path("node-0"), "/specs/.wakufleet/f/nodes/node-0/nodekey");
}

TEST(Mesh, SmallFleetsAreAFullMesh) {
  EXPECT_EQ(neighbours(0, 3), (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(neighbours(4, 5), (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_TRUE(neighbours(0, 1).empty());
}

TEST(Mesh, LargeFleetsAreARingLatticeOfBoundedDegree) {
  for (std::size_t i = 0; i < 30; ++i) {
    auto chosen = neighbours(i, 30);
    EXPECT_EQ(chosen.size(), 2 * kRingReach);
    EXPECT_EQ(std::count(chosen.begin(), chosen.end(), i), 0);
  }
  // Symmetric: if a peers with b, b peers with a (so a static dial is always expected).
  for (std::size_t a = 0; a < 30; ++a) {
    for (std::size_t b : neighbours(a, 30)) {
      auto back = neighbours(b, 30);
      EXPECT_NE(std::find(back.begin(), back.end(), a), back.end());
    }
  }
}

}  // namespace
}  // namespace wakufleet::providers::local
