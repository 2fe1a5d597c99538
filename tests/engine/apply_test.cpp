#include <gtest/gtest.h>

#include <algorithm>

#include "engine/apply.hpp"
#include "engine/engine.hpp"
#include "fleet_fixture.hpp"
#include "providers/fake/fake_provider.hpp"

namespace wakufleet::engine {
namespace {

using providers::fake::FakeProvider;
using providers::fake::World;

// Runs refresh + plan + apply the way the CLI does, keeping every saved snapshot.
struct Harness {
  std::shared_ptr<World> world = std::make_shared<World>();
  FakeProvider provider{world};
  state::State state;
  std::vector<state::State> saves;
  Reporter quiet;

  Plan plan(const spec::Fleet& fleet, PlanMode mode = PlanMode::Converge) {
    auto planned = refresh_and_plan(provider, fleet, state, mode);
    EXPECT_TRUE(planned.ok());
    return planned.ok() ? *planned : Plan{};
  }

  ApplyOutcome apply_plan(const Plan& plan, int parallelism = 4) {
    SaveFn save = [this](state::State& current) -> util::Result<void> {
      saves.push_back(current);
      return {};
    };
    return apply(provider, plan, state, save, quiet, ApplyOptions{parallelism});
  }

  ApplyOutcome converge(const spec::Fleet& fleet, int parallelism = 4) { return apply_plan(plan(fleet), parallelism); }

  std::size_t position(const std::string& entry) const {
    auto found = std::find(world->log.begin(), world->log.end(), entry);
    EXPECT_NE(found, world->log.end()) << entry;
    return static_cast<std::size_t>(found - world->log.begin());
  }

  std::set<std::string> state_addresses() const {
    std::set<std::string> out;
    for (const auto& [address, resource] : state.resources) out.insert(address);
    return out;
  }
  std::set<std::string> world_addresses() const {
    std::set<std::string> out;
    for (const auto& [address, resource] : world->resources) out.insert(address);
    return out;
  }
};

TEST(Apply, CreatesInDependencyOrder) {
  Harness h;
  auto outcome = h.converge(test::fleet_of(5));
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.completed, 11);
  for (int i = 0; i < 5; ++i) {
    std::string node = "fake_node.node-" + std::to_string(i);
    EXPECT_LT(h.position("create fake_network.test"), h.position("create " + node));
    EXPECT_LT(h.position("create " + node), h.position("create fake_record.node-" + std::to_string(i)));
  }
  EXPECT_EQ(h.state_addresses(), h.world_addresses());
}

TEST(Apply, DestroysInReverseDependencyOrder) {
  Harness h;
  ASSERT_TRUE(h.converge(test::fleet_of(3)).ok());
  h.world->log.clear();
  auto outcome = h.apply_plan(h.plan(test::fleet_of(3), PlanMode::Destroy));
  ASSERT_TRUE(outcome.ok());
  for (int i = 0; i < 3; ++i) {
    std::string node = "fake_node.node-" + std::to_string(i);
    EXPECT_LT(h.position("delete fake_record.node-" + std::to_string(i)), h.position("delete " + node));
    EXPECT_LT(h.position("delete " + node), h.position("delete fake_network.test"));
  }
  EXPECT_TRUE(h.state.resources.empty());
  EXPECT_TRUE(h.world->resources.empty());
}

TEST(Apply, SecondApplyHasNoChanges) {
  Harness h;
  ASSERT_TRUE(h.converge(test::fleet_of(3)).ok());
  EXPECT_TRUE(h.plan(test::fleet_of(3)).empty());
}

TEST(Apply, ScalingDownDeletesOnlyOrphansAndDeletesFirst) {
  Harness h;
  ASSERT_TRUE(h.converge(test::fleet_of(5)).ok());
  h.world->log.clear();
  Plan plan = h.plan(test::fleet_of(3));
  EXPECT_EQ(plan.to_add, 0);
  EXPECT_EQ(plan.to_change, 0);
  EXPECT_EQ(plan.to_destroy, 4);  // node-3, node-4 and their records
  ASSERT_TRUE(h.apply_plan(plan).ok());
  EXPECT_EQ(h.world->log.size(), 4u);
  EXPECT_EQ(h.world->resources.count("fake_node.node-2"), 1u);
  EXPECT_EQ(h.world->resources.count("fake_node.node-3"), 0u);
  EXPECT_EQ(h.state_addresses(), h.world_addresses());
}

TEST(Apply, FailureMidwayKeepsExactlyWhatWasCreated) {
  Harness h;
  h.world->fail_create = {"fake_node.node-2"};
  auto outcome = h.converge(test::fleet_of(4), /*parallelism=*/1);
  EXPECT_FALSE(outcome.ok());
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_NE(outcome.errors[0].find("fake_node.node-2: injected failure"), std::string::npos);
  EXPECT_GT(outcome.skipped, 0);
  // The state holds exactly what exists: no more (node-2 is not recorded), no less.
  EXPECT_EQ(h.state_addresses(), h.world_addresses());
  EXPECT_EQ(h.state.resources.count("fake_node.node-2"), 0u);
  EXPECT_EQ(h.state.resources.count("fake_record.node-2"), 0u);
  // Saved after every resource: one snapshot per completed change.
  EXPECT_EQ(static_cast<int>(h.saves.size()), outcome.completed);

  // Once the cause is gone, the next apply converges from there.
  h.world->fail_create.clear();
  Plan rest = h.plan(test::fleet_of(4));
  EXPECT_EQ(rest.to_add, 9 - outcome.completed);
  ASSERT_TRUE(h.apply_plan(rest).ok());
  EXPECT_EQ(h.state_addresses(), h.world_addresses());
  EXPECT_EQ(h.world->resources.size(), 9u);
  EXPECT_TRUE(h.plan(test::fleet_of(4)).empty());
}

TEST(Apply, FailureStopsNewWorkButRunningWorkFinishesAndIsSaved) {
  Harness h;
  h.world->delay = std::chrono::milliseconds(20);
  h.world->fail_create = {"fake_node.node-0"};
  auto outcome = h.converge(test::fleet_of(8), /*parallelism=*/4);
  EXPECT_FALSE(outcome.ok());
  EXPECT_EQ(h.state_addresses(), h.world_addresses());
  EXPECT_EQ(outcome.completed + outcome.skipped + 1, 17);
}

TEST(Apply, ParallelismIsBounded) {
  Harness h;
  h.world->delay = std::chrono::milliseconds(10);
  ASSERT_TRUE(h.converge(test::fleet_of(12), /*parallelism=*/3).ok());
  EXPECT_LE(h.world->max_running, 3);
  EXPECT_GE(h.world->max_running, 2);  // it does run things side by side
}

TEST(Apply, UpdatesInARolloutGroupGoOneAtATime) {
  Harness h;
  ASSERT_TRUE(h.converge(test::fleet_of(6)).ok());
  spec::Fleet changed = test::fleet_of(6);
  changed.waku.log_level = "debug";  // changes every node in place
  h.world->delay = std::chrono::milliseconds(10);
  Plan plan = h.plan(changed);
  EXPECT_EQ(plan.to_change, 6);
  ASSERT_TRUE(h.apply_plan(plan, /*parallelism=*/4).ok());
  EXPECT_EQ(h.world->max_running_updates, 1);
}

TEST(Apply, ReplaceDeletesThenCreates) {
  Harness h;
  ASSERT_TRUE(h.converge(test::fleet_of(1)).ok());
  spec::Fleet changed = test::fleet_of(1);
  changed.waku.shards = {3};  // force_new on fake nodes
  h.world->log.clear();
  Plan plan = h.plan(changed);
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, Action::Replace);
  ASSERT_TRUE(h.apply_plan(plan).ok());
  EXPECT_EQ(h.world->log, (std::vector<std::string>{"delete fake_node.node-0", "create fake_node.node-0"}));
  EXPECT_EQ(h.state.resources.at("fake_node.node-0").attributes["shards"], json({3}));
}

TEST(Apply, ResourceGoneOutsideIsRecreated) {
  Harness h;
  ASSERT_TRUE(h.converge(test::fleet_of(2)).ok());
  h.world->resources.erase("fake_node.node-1");  // someone deleted it by hand
  Plan plan = h.plan(test::fleet_of(2));
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, Action::Create);
  EXPECT_EQ(plan.changes[0].address, "fake_node.node-1");
}

TEST(Apply, DependencyCycleIsAnErrorAndChangesNothing) {
  Harness h;
  Resource a{"thing", "a"}, b{"thing", "b"};
  a.depends_on = {"thing.b"};
  b.depends_on = {"thing.a"};
  Plan plan = diff({a, b}, {});
  auto outcome = h.apply_plan(plan);
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.errors[0].find("dependency cycle"), std::string::npos);
  EXPECT_TRUE(h.world->log.empty());
}

TEST(Apply, SensitiveKeysAreRememberedInState) {
  Harness h;
  ASSERT_TRUE(h.converge(test::fleet_of(1)).ok());
  const auto& node = h.state.resources.at("fake_node.node-0");
  EXPECT_EQ(node.attributes[kSensitiveKeysAttribute], json({"node_key_digest"}));
  EXPECT_EQ(node.depends_on, std::vector<std::string>{"fake_network.test"});
}

}  // namespace
}  // namespace wakufleet::engine
