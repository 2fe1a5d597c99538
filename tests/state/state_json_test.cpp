// The JSON form of the state: shape written by to_json, and what from_json accepts or refuses.
#include <gtest/gtest.h>

#include "state/state.hpp"

namespace wakufleet::state {
namespace {

ResourceState resource(std::string type, std::string name, std::vector<std::string> depends_on = {}) {
  ResourceState made;
  made.type = std::move(type);
  made.name = std::move(name);
  made.attributes = json{{"port", 60000}, {"key", "secret"}};
  made.depends_on = std::move(depends_on);
  return made;
}

State sample_state() {
  State state;
  state.serial = 7;
  state.lineage = "0123456789abcdef0123456789abcdef";
  state.fleet = "demo";
  state.target = "local";
  for (auto made : {resource("local_node", "b", {"local_network.net"}), resource("local_node", "a"),
                    resource("local_network", "net")}) {
    state.resources.emplace(made.address(), made);
  }
  return state;
}

std::string error_for(const json& document) {
  State out;
  std::string error;
  EXPECT_FALSE(from_json(document, out, error));
  return error;
}

TEST(StateJson, WritesTheDocumentedShape) {
  const json document = to_json(sample_state());
  EXPECT_EQ(document["version"], 1);
  EXPECT_EQ(document["serial"], 7);
  EXPECT_EQ(document["lineage"], "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(document["fleet"], "demo");
  EXPECT_EQ(document["target"], "local");
  ASSERT_TRUE(document["resources"].is_array());
  const json& first = document["resources"][1];  // [0] is local_network.net, sorted first
  EXPECT_EQ(first["type"], "local_node");
  EXPECT_EQ(first["name"], "a");
  EXPECT_EQ(first["attributes"]["port"], 60000);
  EXPECT_EQ(first["depends_on"], json::array());
}

TEST(StateJson, ResourcesAreSortedByAddress) {
  const json document = to_json(sample_state());
  std::vector<std::string> addresses;
  for (const json& entry : document["resources"]) {
    addresses.push_back(entry["type"].get<std::string>() + "." + entry["name"].get<std::string>());
  }
  EXPECT_EQ(addresses, (std::vector<std::string>{"local_network.net", "local_node.a", "local_node.b"}));
}

TEST(StateJson, RoundTripRebuildsTheMap) {
  const State original = sample_state();
  State read;
  std::string error;
  ASSERT_TRUE(from_json(to_json(original), read, error)) << error;
  EXPECT_EQ(read, original);
  EXPECT_EQ(read.resources.at("local_node.b").depends_on, std::vector<std::string>{"local_network.net"});
}

TEST(StateJson, RoundTripSurvivesTextForm) {
  const State original = sample_state();
  State read;
  std::string error;
  ASSERT_TRUE(from_json(json::parse(to_json(original).dump(2)), read, error)) << error;
  EXPECT_EQ(read, original);
}

TEST(StateJson, RefusesNonObject) { EXPECT_EQ(error_for(json::array()), "expected a JSON object, found array"); }

TEST(StateJson, RefusesNewerVersionWithUpgradeHint) {
  json document = to_json(sample_state());
  document["version"] = 2;
  document["resources"] = "a different shape in version 2";
  const std::string error = error_for(document);
  EXPECT_NE(error.find("version 2 is newer"), std::string::npos) << error;
  EXPECT_NE(error.find("upgrade wakufleet"), std::string::npos) << error;
}

TEST(StateJson, RefusesHugeVersionWithoutWrapping) {
  const std::string error = error_for(json::parse(R"({"version": 18446744073709551615})"));
  EXPECT_NE(error.find("is newer"), std::string::npos) << error;
}

TEST(StateJson, RefusesVersionZero) {
  json document = to_json(sample_state());
  document["version"] = 0;
  EXPECT_EQ(error_for(document), "version: must be at least 1, found 0");
}

TEST(StateJson, RefusesNegativeSerial) {
  json document = to_json(sample_state());
  document["serial"] = -1;
  EXPECT_EQ(error_for(document), "serial: expected a non-negative integer, found number");
}

TEST(StateJson, RefusesMissingField) {
  json document = to_json(sample_state());
  document.erase("lineage");
  EXPECT_EQ(error_for(document), "lineage: missing");
}

TEST(StateJson, NamesTheBadResourceField) {
  json document = to_json(sample_state());
  document["resources"][1]["name"] = 5;
  EXPECT_EQ(error_for(document), "resources[1].name: expected a string, found number");
  document["resources"][1]["name"] = "";
  EXPECT_EQ(error_for(document), "resources[1].name: must not be empty");
}

TEST(StateJson, RefusesNonObjectAttributes) {
  json document = to_json(sample_state());
  document["resources"][0]["attributes"] = json::array();
  EXPECT_EQ(error_for(document), "resources[0].attributes: expected an object, found array");
}

TEST(StateJson, RefusesNonStringDependency) {
  json document = to_json(sample_state());
  document["resources"][2]["depends_on"] = json::array({"local_network.net", nullptr});
  EXPECT_EQ(error_for(document), "resources[2].depends_on[1]: expected a string, found null");
}

TEST(StateJson, RefusesNonObjectResource) {
  json document = to_json(sample_state());
  document["resources"][0] = "local_node.a";
  EXPECT_EQ(error_for(document), "resources[0]: expected an object, found string");
}

TEST(StateJson, RefusesDuplicateAddress) {
  json document = to_json(sample_state());
  document["resources"].push_back(document["resources"][0]);
  EXPECT_EQ(error_for(document), "resources[3]: local_network.net is listed twice");
}

TEST(StateJson, LeavesOutputUntouchedOnError) {
  State out = sample_state();
  std::string error;
  EXPECT_FALSE(from_json(json::object(), out, error));
  EXPECT_EQ(out, sample_state());
}

}  // namespace
}  // namespace wakufleet::state
