#include <gtest/gtest.h>

#include "engine/plan.hpp"

namespace wakufleet::engine {
namespace {

Resource resource(const std::string& name, json attributes) {
  Resource r{"thing", name};
  r.attributes = std::move(attributes);
  return r;
}

state::ResourceState recorded(const std::string& name, json attributes) {
  return state::ResourceState{"thing", name, std::move(attributes), {}};
}

TEST(Diff, NothingExistsMeansCreateEverything) {
  Plan plan = diff({resource("a", {{"size", 1}}), resource("b", {{"size", 2}})}, {});
  ASSERT_EQ(plan.changes.size(), 2u);
  EXPECT_EQ(plan.changes[0].action, Action::Create);
  EXPECT_EQ(plan.changes[0].address, "thing.a");
  EXPECT_EQ(plan.to_add, 2);
  EXPECT_EQ(plan.to_change, 0);
  EXPECT_EQ(plan.to_destroy, 0);
}

TEST(Diff, EqualAttributesAreNoChange) {
  Plan plan = diff({resource("a", {{"size", 1}})}, {{"thing.a", recorded("a", {{"size", 1}, {"id", 7}})}});
  EXPECT_TRUE(plan.empty());
  EXPECT_EQ(summary_line(plan), "No changes. The fleet matches the spec.");
}

TEST(Diff, ComputedAttributesInStateAreNotDrift) {
  Plan plan = diff({resource("a", {{"size", 1}})}, {{"thing.a", recorded("a", {{"size", 1}, {"pid", 4242}})}});
  EXPECT_TRUE(plan.empty());
}

TEST(Diff, ChangedAttributeIsUpdateInPlace) {
  Plan plan = diff({resource("a", {{"size", 2}, {"name", "x"}})}, {{"thing.a", recorded("a", {{"size", 1}, {"name", "x"}})}});
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, Action::Update);
  ASSERT_EQ(plan.changes[0].attributes.size(), 1u);
  EXPECT_EQ(plan.changes[0].attributes[0].key, "size");
  EXPECT_EQ(*plan.changes[0].attributes[0].before, 1);
  EXPECT_EQ(*plan.changes[0].attributes[0].after, 2);
  EXPECT_EQ(plan.to_change, 1);
}

TEST(Diff, ForceNewAttributeMeansReplace) {
  Resource want = resource("a", {{"image", "new"}});
  want.force_new = {"image"};
  Plan plan = diff({want}, {{"thing.a", recorded("a", {{"image", "old"}})}});
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, Action::Replace);
  EXPECT_TRUE(plan.changes[0].attributes[0].forces_replacement);
  EXPECT_EQ(plan.to_add, 1);
  EXPECT_EQ(plan.to_destroy, 1);
}

TEST(Diff, OrphansInStateAreDeleted) {
  Plan plan = diff({resource("a", {})}, {{"thing.a", recorded("a", {})}, {"thing.gone", recorded("gone", {{"k", 1}})}});
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, Action::Delete);
  EXPECT_EQ(plan.changes[0].address, "thing.gone");
  EXPECT_EQ(plan.to_destroy, 1);
}

TEST(Diff, DestroyPlanDeletesEverything) {
  Plan plan = destroy_plan({{"thing.a", recorded("a", {})}, {"thing.b", recorded("b", {})}});
  EXPECT_EQ(plan.to_destroy, 2);
  EXPECT_EQ(summary_line(plan), "Plan: 0 to add, 0 to change, 2 to destroy.");
}

TEST(Render, TextShowsEveryActionWithSymbolsAndSummary) {
  Resource created = resource("new", {{"size", 1}});
  Resource updated = resource("upd", {{"size", 2}});
  Resource replaced = resource("rep", {{"image", "b"}});
  replaced.force_new = {"image"};
  Plan plan = diff({created, updated, replaced}, {{"thing.upd", recorded("upd", {{"size", 1}})},
                                                  {"thing.rep", recorded("rep", {{"image", "a"}})},
                                                  {"thing.old", recorded("old", {{"size", 9}})}});
  std::string text = render_text(plan, false);
  EXPECT_EQ(text,
            "wakufleet will perform the following actions:\n\n"
            "  # thing.new will be created\n"
            "  + thing \"new\" {\n"
            "      + size = 1\n"
            "    }\n\n"
            "  # thing.upd will be updated in place\n"
            "  ~ thing \"upd\" {\n"
            "      ~ size = 1 -> 2\n"
            "    }\n\n"
            "  # thing.rep must be replaced\n"
            "-/+ thing \"rep\" {\n"
            "      ~ image = \"a\" -> \"b\" # forces replacement\n"
            "    }\n\n"
            "  # thing.old will be destroyed\n"
            "  - thing \"old\" {\n"
            "      - size = 9\n"
            "    }\n\n"
            "Plan: 2 to add, 1 to change, 2 to destroy.\n");
}

TEST(Render, SensitiveValuesNeverAppear) {
  Resource want = resource("a", {{"token", "s3cret-value"}, {"size", 1}});
  want.sensitive = {"token"};
  Plan plan = diff({want}, {});
  std::string text = render_text(plan, false);
  EXPECT_EQ(text.find("s3cret-value"), std::string::npos);
  EXPECT_NE(text.find("token = (sensitive value)"), std::string::npos);
  std::string json_text = render_json(plan).dump();
  EXPECT_EQ(json_text.find("s3cret-value"), std::string::npos);
}

TEST(Render, SensitiveValuesStayHiddenWhenDeleted) {
  json attributes = {{"token", "s3cret-value"}, {kSensitiveKeysAttribute, {"token"}}};
  Plan plan = destroy_plan({{"thing.a", recorded("a", attributes)}});
  EXPECT_EQ(render_text(plan, false).find("s3cret-value"), std::string::npos);
  EXPECT_EQ(render_json(plan).dump().find("s3cret-value"), std::string::npos);
}

TEST(Render, JsonIsMachineReadable) {
  Plan plan = diff({resource("a", {{"size", 1}})}, {{"thing.b", recorded("b", {})}});
  json document = render_json(plan);
  EXPECT_EQ(document["summary"], json({{"add", 1}, {"change", 0}, {"destroy", 1}}));
  EXPECT_EQ(document["changes"][0]["action"], "create");
  EXPECT_EQ(document["changes"][0]["address"], "thing.a");
  EXPECT_EQ(document["changes"][0]["attributes"][0]["after"], 1);
  EXPECT_EQ(document["changes"][1]["action"], "delete");
}

TEST(Render, ColorOnlyWhenAsked) {
  Plan plan = diff({resource("a", {{"size", 1}})}, {});
  EXPECT_EQ(render_text(plan, false).find('\033'), std::string::npos);
  EXPECT_NE(render_text(plan, true).find('\033'), std::string::npos);
}

}  // namespace
}  // namespace wakufleet::engine
