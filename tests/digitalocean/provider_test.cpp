// The digitalocean target against the fake DigitalOcean API, driven as the CLI drives it: a fleet's
// life (plan, apply, no changes, scale, replace, destroy), faults, and the checks made at plan time.
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <regex>

#include "provider_support.hpp"

namespace wakufleet::providers::digitalocean::testing {
namespace {

using nlohmann::json;

bool has(const json& list, const std::string& item) { return std::find(list.begin(), list.end(), item) != list.end(); }

// A node's droplets are named "<fleet>-<node>-<12 hex digits of its configuration>".
std::vector<json> droplets_of(const json& snapshot, const std::string& node) {
  const std::regex name("test-" + node + "-[0-9a-f]{12}");
  std::vector<json> out;
  for (const auto& droplet : snapshot["droplets"]) {
    if (std::regex_match(droplet["name"].get<std::string>(), name)) out.push_back(droplet);
  }
  return out;
}

// The user data the fake was given for `droplet` (DigitalOcean never returns it).
std::string user_data_of(const json& snapshot, const json& droplet) {
  return snapshot["user_data"][std::to_string(droplet["id"].get<std::int64_t>())];
}

std::string public_ipv6(const json& droplet) {
  for (const auto& network : droplet["networks"]["v6"]) {
    if (network["type"] == "public") return network["ip_address"];
  }
  return "";
}

json volume_named(const json& snapshot, const std::string& name) {
  for (const auto& volume : snapshot["volumes"]) {
    if (volume["name"] == name) return volume;
  }
  return nullptr;
}

std::int64_t holder_of(const json& snapshot, const std::string& ip) {
  for (const auto& reserved : snapshot["reserved_ips"]) {
    if (reserved["ip"] == ip) return reserved["droplet"].is_object() ? reserved["droplet"]["id"].get<std::int64_t>() : 0;
  }
  return -1;
}

// Everything a node is made of, as the fake shows it.
struct NodeView {
  std::int64_t droplet = 0;
  std::string reserved_ip;
  std::string volume_id;
  std::string a_record, aaaa_record, ipv6;
};

class DoFleet : public DoTarget {
 protected:
  NodeView view(const std::string& node) {
    json now = snapshot();
    NodeView out;
    auto droplets = droplets_of(now, node);
    EXPECT_EQ(droplets.size(), 1u) << node;
    if (droplets.empty()) return out;
    out.droplet = droplets.front()["id"];
    out.ipv6 = public_ipv6(droplets.front());
    json volume = volume_named(now, "wakufleet-test-" + node);
    EXPECT_TRUE(volume.is_object()) << node;
    if (volume.is_object()) out.volume_id = volume["id"];
    auto all = records();
    auto a = all.find("A " + node + ".fleet");
    auto aaaa = all.find("AAAA " + node + ".fleet");
    EXPECT_EQ(all.count("A " + node + ".fleet"), 1u) << node;
    if (a != all.end()) out.a_record = a->second;
    if (aaaa != all.end()) out.aaaa_record = aaaa->second;
    out.reserved_ip = out.a_record;
    return out;
  }

  // The node's parts are where they belong: volume on its droplet, reserved IP assigned to it,
  // A -> reserved IP, AAAA -> the droplet's IPv6.
  void expect_whole(const std::string& node) {
    NodeView parts = view(node);
    json now = snapshot();
    json volume = volume_named(now, "wakufleet-test-" + node);
    EXPECT_EQ(volume["droplet_ids"], json::array({parts.droplet})) << node;
    EXPECT_EQ(holder_of(now, parts.reserved_ip), parts.droplet) << node;
    EXPECT_EQ(parts.aaaa_record, parts.ipv6) << node;
    EXPECT_FALSE(parts.ipv6.empty()) << node;
  }
};

TEST_F(DoFleet, PlanApplyAndDestroyAThreeNodeFleet) {
  FleetSpec spec;
  auto fleet = spec.fleet();
  engine::Plan first = converge(fleet);
  // tag, VPC, firewall, tree + per node: volume, reserved IP, droplet, records
  EXPECT_EQ(first.to_add, 4 + 3 * 4);
  json now = snapshot();
  EXPECT_EQ(now["droplets"].size(), 3u);
  EXPECT_EQ(now["volumes"].size(), 3u);
  EXPECT_EQ(now["reserved_ips"].size(), 3u);
  EXPECT_EQ(now["firewalls"].size(), 1u);
  ASSERT_EQ(now["vpcs"].size(), 1u);  // no default VPC: every droplet is in the fleet's
  for (const auto& droplet : now["droplets"]) {
    EXPECT_EQ(droplet["status"], "active");
    EXPECT_EQ(droplet["vpc_uuid"], now["vpcs"][0]["id"]);
    EXPECT_TRUE(has(droplet["tags"], "wakufleet:test"));
  }
  for (const char* node : {"node-0", "node-1", "node-2"}) expect_whole(node);
  EXPECT_EQ(records().count("TXT nodes.fleet"), 1u);  // the tree's root
  EXPECT_EQ(probed_.size(), 3u);                      // every node was waited for

  auto again = provider();
  auto second = plan(*again, fleet);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE(second->empty()) << engine::render_text(*second, false);
  EXPECT_EQ(engine::summary_line(*second), "No changes. The fleet matches the spec.");

  destroy(fleet, false);
  now = snapshot();
  EXPECT_EQ(now["droplets"].size(), 0u);
  EXPECT_EQ(now["reserved_ips"].size(), 0u);
  EXPECT_EQ(now["firewalls"].size(), 0u);
  EXPECT_EQ(now["vpcs"].size(), 0u);
  EXPECT_EQ(records().size(), 4u);          // SOA and NS only
  EXPECT_EQ(now["volumes"].size(), 3u);     // persistent: kept without --destroy-volumes
  destroy(fleet, true);
  EXPECT_EQ(snapshot()["volumes"].size(), 0u);
}

TEST_F(DoFleet, AKeptVolumeIsAdoptedWithItsNodeKey) {
  FleetSpec spec;
  spec.nodes = 1;
  auto fleet = spec.fleet();
  converge(fleet);
  std::string volume_id = view("node-0").volume_id;
  std::string key = read_file(node_key_file("node-0"));
  destroy(fleet, false);
  converge(fleet);
  EXPECT_EQ(view("node-0").volume_id, volume_id);
  EXPECT_EQ(read_file(node_key_file("node-0")), key);
  expect_whole("node-0");
}

TEST_F(DoFleet, ScalingFromThreeToFiveAddsOnlyTwoNodes) {
  FleetSpec spec;
  converge(spec.fleet());
  std::map<std::string, std::int64_t> before;
  for (const char* node : {"node-0", "node-1", "node-2"}) before[node] = view(node).droplet;
  spec.nodes = 5;
  auto target = provider();
  auto planned = plan(*target, spec.fleet());
  ASSERT_TRUE(planned.ok());
  std::set<std::string> expected;
  for (const char* node : {"node-3", "node-4"}) {
    for (const char* type : {"do_volume", "do_reserved_ip", "do_droplet", "do_dns_record"}) {
      expected.insert(std::string(type) + "." + node);
    }
  }
  EXPECT_EQ(addresses_of(*planned, engine::Action::Create), expected);
  EXPECT_EQ(addresses_of(*planned, engine::Action::Update), std::set<std::string>{"do_dns_tree.test"});
  EXPECT_TRUE(addresses_of(*planned, engine::Action::Replace).empty());
  EXPECT_TRUE(addresses_of(*planned, engine::Action::Delete).empty());
  fake_->reset_stats();
  ASSERT_TRUE(apply(*target, *planned).ok());
  EXPECT_EQ(fake_->requests("POST /v2/droplets"), 1) << "the two new droplets share a request";
  EXPECT_EQ(snapshot()["droplets"].size(), 5u);
  for (const auto& [node, droplet] : before) EXPECT_EQ(view(node).droplet, droplet) << node;
  for (const char* node : {"node-3", "node-4"}) expect_whole(node);
}

// DigitalOcean's names[] takes ten droplets a request, with one user data for all of them: each
// droplet must find its own files, and its own node's key, under its own name.
TEST_F(DoFleet, NodesWithoutDropletsAreCreatedTenToARequest) {
  FleetSpec spec;
  spec.nodes = 12;
  converge(spec.fleet());
  EXPECT_EQ(fake_->requests("POST /v2/droplets"), 2);
  json now = snapshot();
  ASSERT_EQ(now["droplets"].size(), 12u);
  std::map<std::size_t, int> batch_sizes;  // user data size -> droplets sharing it
  for (int i = 0; i < 12; ++i) {
    const std::string node = "node-" + std::to_string(i);
    expect_whole(node);
    const json droplet = droplets_of(now, node).at(0);
    const std::string name = droplet["name"];
    const std::string user_data = user_data_of(now, droplet);
    const std::string key = node_key(node);
    const std::string staged = "/run/wakufleet/batch/" + name + "/run/wakufleet/nodekey.env";
    const auto entry = user_data.find("- path: " + staged + "\n");
    ASSERT_NE(entry, std::string::npos) << node;
    EXPECT_NE(user_data.find("WAKUNODE2_NODEKEY=" + key, entry), std::string::npos) << node;
    batch_sizes[user_data.size()]++;
  }
  std::multiset<int> sizes;
  for (const auto& [bytes, droplets] : batch_sizes) sizes.insert(droplets);
  EXPECT_EQ(sizes, (std::multiset<int>{2, 10}));
  EXPECT_EQ(probed_.size(), 12u);
  auto second = plan(*provider(), spec.fleet());
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->empty()) << engine::render_text(*second, false);
}

// go-waku syncs the tree once, at start: no droplet may boot before the tree is there.
TEST_F(DoFleet, TheTreeIsPublishedBeforeAnyDropletIsCreated) {
  struct Order : engine::Reporter {
    std::mutex mutex;
    std::vector<std::string> events;
    void progress(const std::string& address, const std::string& message) override {
      std::lock_guard lock(mutex);
      if (message.find("droplet") != std::string::npos && message.find("creating") == 0) events.push_back("create " + address);
    }
    void finished(const engine::Change& change, std::chrono::milliseconds) override {
      std::lock_guard lock(mutex);
      events.push_back("done " + change.address);
    }
  } order;
  FleetSpec spec;
  spec.nodes = 4;
  auto target = provider();
  auto planned = plan(*target, spec.fleet());
  ASSERT_TRUE(planned.ok());
  engine::SaveFn save = [this](state::State& current) { return state::save(state_path_, current); };
  ASSERT_TRUE(engine::apply(*target, *planned, state_, save, order).ok());
  auto position = [&](const std::string& event) {
    return std::find(order.events.begin(), order.events.end(), event) - order.events.begin();
  };
  auto first_create = std::find_if(order.events.begin(), order.events.end(),
                                   [](const std::string& e) { return e.rfind("create ", 0) == 0; });
  ASSERT_NE(first_create, order.events.end());
  EXPECT_LT(position("done do_dns_tree.test"), first_create - order.events.begin());
  EXPECT_EQ(fake_->requests("POST /v2/droplets"), 1);
}

TEST_F(DoFleet, OneDropletPerRequestKeepsEveryNodeKeyToItsOwnDroplet) {
  FleetSpec spec;
  spec.droplets_per_request = 1;
  converge(spec.fleet());
  EXPECT_EQ(fake_->requests("POST /v2/droplets"), 3);
  json now = snapshot();
  for (const char* node : {"node-0", "node-1", "node-2"}) {
    const json droplet = droplets_of(now, node).at(0);
    const std::string user_data = user_data_of(now, droplet);
    EXPECT_EQ(user_data.find("/run/wakufleet/batch/"), std::string::npos) << node;
    for (const char* other : {"node-0", "node-1", "node-2"}) {
      const std::string key = node_key(other);
      EXPECT_EQ(user_data.find(key) != std::string::npos, std::string(other) == node) << node << " / " << other;
    }
  }
}

TEST_F(DoFleet, ScalingDownDeletesTheNodesButKeepsTheirVolumes) {
  FleetSpec spec;
  spec.nodes = 4;
  converge(spec.fleet());
  spec.nodes = 2;
  engine::Plan planned = converge(spec.fleet());
  EXPECT_EQ(addresses_of(planned, engine::Action::Delete),
            (std::set<std::string>{"do_volume.node-2", "do_reserved_ip.node-2", "do_droplet.node-2",
                                   "do_dns_record.node-2", "do_volume.node-3", "do_reserved_ip.node-3",
                                   "do_droplet.node-3", "do_dns_record.node-3"}));
  json now = snapshot();
  EXPECT_EQ(now["droplets"].size(), 2u);
  EXPECT_EQ(now["reserved_ips"].size(), 2u);
  EXPECT_EQ(now["volumes"].size(), 4u);  // persistent: only destroy --destroy-volumes deletes them
  EXPECT_EQ(records().count("A node-3.fleet"), 0u);
  auto again = provider();
  auto second = plan(*again, spec.fleet());
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->empty()) << engine::render_text(*second, false);
}

// A droplet deleted behind wakufleet's back comes back with the node's volume, address and name.
TEST_F(DoFleet, ADropletDeletedOutsideWakufleetIsRecreatedWithTheNodesIdentity) {
  FleetSpec spec;
  spec.nodes = 2;
  converge(spec.fleet());
  NodeView before = view("node-1");
  ASSERT_TRUE(admin_->delete_droplet(before.droplet).ok());
  engine::Plan planned = converge(spec.fleet());
  EXPECT_EQ(addresses_of(planned, engine::Action::Create), std::set<std::string>{"do_droplet.node-1"});
  NodeView after = view("node-1");
  EXPECT_NE(after.droplet, before.droplet);
  EXPECT_EQ(after.reserved_ip, before.reserved_ip);
  EXPECT_EQ(after.volume_id, before.volume_id);
  expect_whole("node-1");
}

// A node setting (max_connections) changes every node's user data. Each droplet is replaced, one
// node at a time, and each node keeps its reserved IP, volume, DNS name and key.
TEST_F(DoFleet, ANodeSettingChangeReplacesDropletsOneAtATimeKeepingIdentity) {
  FleetSpec spec;
  converge(spec.fleet());
  std::map<std::string, NodeView> before;
  std::map<std::string, std::string> keys;
  for (const char* node : {"node-0", "node-1", "node-2"}) {
    before[node] = view(node);
    keys[node] = read_file(node_key_file(node));
  }
  // At each readiness wait: only the node being replaced has two droplets (the old one off), and
  // its reserved IP and volume have moved to the new one already.
  std::vector<std::string> order;
  ProviderOptions options;
  options.probe = [&](const std::string& address, int, std::chrono::seconds) -> util::Result<void> {
    json now = snapshot();
    int doubled = 0;
    for (const auto& [node, parts] : before) {
      auto droplets = droplets_of(now, node);
      if (droplets.size() == 1) continue;
      ++doubled;
      EXPECT_EQ(parts.reserved_ip, address);
      order.push_back(node);
      for (const auto& droplet : droplets) {
        if (droplet["id"] == parts.droplet) {
          EXPECT_EQ(droplet["status"], "off");
        } else {
          EXPECT_EQ(holder_of(now, address), droplet["id"].get<std::int64_t>());
          EXPECT_EQ(volume_named(now, "wakufleet-test-" + node)["droplet_ids"], json::array({droplet["id"]}));
        }
      }
    }
    EXPECT_EQ(doubled, 1);
    return {};
  };
  spec.max_connections = 80;
  auto target = provider({}, options);
  auto planned = plan(*target, spec.fleet());
  ASSERT_TRUE(planned.ok());
  EXPECT_EQ(addresses_of(*planned, engine::Action::Replace),
            (std::set<std::string>{"do_droplet.node-0", "do_droplet.node-1", "do_droplet.node-2"}));
  EXPECT_EQ(planned->to_destroy, 3);
  ASSERT_TRUE(apply(*target, *planned).ok());
  EXPECT_EQ(order.size(), 3u);
  for (const auto& [node, old] : before) {
    NodeView now = view(node);
    EXPECT_NE(now.droplet, old.droplet) << node;
    EXPECT_EQ(now.reserved_ip, old.reserved_ip) << node;
    EXPECT_EQ(now.volume_id, old.volume_id) << node;
    EXPECT_EQ(now.a_record, old.a_record) << node;
    EXPECT_EQ(read_file(node_key_file(node)), keys[node]) << node;
    expect_whole(node);
  }
  EXPECT_EQ(snapshot()["droplets"].size(), 3u);
  auto again = provider();
  auto second = plan(*again, spec.fleet());
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->empty()) << engine::render_text(*second, false);
}

// One request in ten fails: rate limited, server errors, timeouts, and creates that DigitalOcean
// carried out although it answered 500 or not at all. apply (run again if it gave up) converges
// with exactly one droplet per node.
TEST_F(DoFleet, WithTenPercentOfRequestsFailingApplyConvergesWithoutDuplicates) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    TearDown();
    SetUp();
    fakes::do_api::FaultConfig faults;
    faults.rate = 0.1;
    faults.kinds = {"429", "500", "timeout", "applied-500", "applied-timeout"};
    faults.seed = seed;
    faults.retry_after_seconds = 1;
    faults.timeout_ms = 300;
    fake_->set_faults(faults);
    FleetSpec spec;
    bool converged = false;
    for (int run = 0; run < 4 && !converged; ++run) {
      auto target = provider();
      auto planned = plan(*target, spec.fleet());
      if (!planned) continue;
      converged = apply(*target, *planned).ok();
    }
    EXPECT_TRUE(converged);
    EXPECT_GT(fake_->stats()["faults"].size(), 0u);
    fake_->set_faults({});
    json now = snapshot();
    EXPECT_EQ(now["droplets"].size(), 3u);
    EXPECT_EQ(now["volumes"].size(), 3u);
    EXPECT_EQ(now["reserved_ips"].size(), 3u);
    EXPECT_EQ(now["firewalls"].size(), 1u);
    for (const char* node : {"node-0", "node-1", "node-2"}) expect_whole(node);
    auto again = provider();
    auto second = plan(*again, spec.fleet());
    ASSERT_TRUE(second.ok());
    EXPECT_TRUE(second->empty()) << engine::render_text(*second, false);
  }
}

TEST_F(DoFleet, RefreshListsTheFleetInAFewRequests) {
  FleetSpec spec;
  spec.nodes = 10;
  converge(spec.fleet());
  auto target = provider();
  ASSERT_TRUE(target->check(spec.fleet()).ok());
  fake_->reset_stats();
  auto refreshed = target->refresh(state::load(state_path_)->resources);
  ASSERT_TRUE(refreshed.ok());
  EXPECT_EQ(refreshed->size(), state::load(state_path_)->resources.size());
  EXPECT_LE(fake_->total_requests(), 10);
  EXPECT_EQ(fake_->requests("GET /v2/droplets/{id}"), 0);
}

TEST_F(DoFleet, SecretsStayOutOfStatePlansAndTheFake) {
  FleetSpec spec;
  engine::Plan planned = converge(spec.fleet());
  std::string state_text = read_file(state_path_);
  std::string plan_text = engine::render_text(planned, false) + engine::render_json(planned).dump();
  for (const char* node : {"node-0", "node-1", "node-2"}) {
    const std::string path = node_key_file(node);
    struct stat info {};
    ASSERT_EQ(stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    std::string key = read_file(path).substr(0, 64);
    EXPECT_EQ(state_text.find(key), std::string::npos) << node;
    EXPECT_EQ(plan_text.find(key), std::string::npos) << node;
  }
  struct stat dir {};
  ASSERT_EQ(stat((state_path_ + ".secrets").c_str(), &dir), 0);
  EXPECT_EQ(dir.st_mode & 0777, 0700u);
  EXPECT_EQ(state_text.find(kTestToken), std::string::npos);
  EXPECT_NE(state_text.find("\"user_data\": \"sha256:"), std::string::npos);
}

// ---- plan-time errors: nothing is created

TEST_F(DoFleet, ABadTokenIsAClearErrorAndNothingIsCreated) {
  auto target = provider({}, {}, "dop_v1_wrong");
  auto planned = plan(*target, FleetSpec{}.fleet());
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.error().message.find("401"), std::string::npos) << planned.error().message;
  EXPECT_NE(planned.error().message.find("DIGITALOCEAN_TOKEN"), std::string::npos) << planned.error().message;
  EXPECT_EQ(planned.error().message.find("dop_v1_wrong"), std::string::npos);
  json now = snapshot();
  for (const char* kind : {"droplets", "volumes", "reserved_ips", "vpcs", "firewalls"}) EXPECT_TRUE(now[kind].empty());
}

TEST_F(DoFleet, ADomainMissingFromTheAccountFailsAtPlanTime) {
  FleetSpec spec;
  spec.domain = "fleet.elsewhere.test";
  auto target = provider();
  auto planned = plan(*target, spec.fleet());
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.error().message.find("domain \"fleet.elsewhere.test\" (nor any parent of it) is not a domain"),
            std::string::npos)
      << planned.error().message;
}

TEST_F(DoFleet, ARegionOrSizeDigitalOceanDoesNotOfferFailsAtPlanTime) {
  FleetSpec spec;
  spec.region = "ams4";
  auto planned = plan(*provider(), spec.fleet());
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.error().message.find("region \"ams4\" is not a DigitalOcean region (did you mean \"ams3\"?)"),
            std::string::npos)
      << planned.error().message;
  spec.region = "nyc3";
  spec.size = "s-1vcpu-512mb-10gb";  // the fake offers it in some regions only, not nyc3
  planned = plan(*provider(), spec.fleet());
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.error().message.find("size \"s-1vcpu-512mb-10gb\" is not offered in region \"nyc3\""),
            std::string::npos)
      << planned.error().message;
  spec.size = "s-1vcpu-2gbb";
  planned = plan(*provider(), spec.fleet());
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.error().message.find("did you mean \"s-1vcpu-2gb\""), std::string::npos) << planned.error().message;
}

TEST_F(DoFleet, AnSshKeyMissingFromTheAccountFailsAtPlanTime) {
  FleetSpec spec;
  spec.ssh_keys = {"3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"};
  auto planned = plan(*provider(), spec.fleet());
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.error().message.find("SSH key 3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"), std::string::npos)
      << planned.error().message;
  EXPECT_NE(planned.error().message.find("upload its public key"), std::string::npos);
}

}  // namespace
}  // namespace wakufleet::providers::digitalocean::testing
