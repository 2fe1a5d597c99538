// DigitalOceanClient against the in-process fake DigitalOcean: pagination, rate limits, retries,
// duplicate-free creates under faults, locked droplets, errors, and each resource type.
#include <set>
#include <thread>

#include "support.hpp"

namespace wakufleet::providers::digitalocean::testing {
namespace {

using namespace std::chrono_literals;
using fakes::do_api::FaultConfig;

FaultConfig script(std::vector<std::string> faults) {
  FaultConfig config;
  config.script = std::move(faults);
  return config;
}

std::set<std::string> names_of(const nlohmann::json& droplets) {
  std::set<std::string> names;
  for (const auto& droplet : droplets) names.insert(droplet["name"].get<std::string>());
  return names;
}

bool has_tag(const nlohmann::json& droplet, const std::string& tag) {
  const auto& tags = droplet["tags"];
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

// ---- pagination and request counts

TEST_F(DoClient, ListFollowsNextLinksAcrossThreePages) {
  for (int i = 0; i < 25; ++i) fake_->add_droplet("p-" + std::to_string(i), {"wf-p"});
  for (int i = 0; i < 5; ++i) fake_->add_droplet("other-" + std::to_string(i), {"wf-other"});
  auto options = test_options();
  options.per_page = 10;
  make_client(options);
  auto listed = client_->list_droplets_by_tag("wf-p");
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  std::set<std::string> names;
  for (const auto& droplet : *listed) names.insert(droplet.name);
  EXPECT_EQ(listed->size(), 25u);
  EXPECT_EQ(names.size(), 25u);
  EXPECT_EQ(fake_->requests("GET /v2/droplets"), 3);
}

TEST_F(DoClient, Listing250DropletsByTagTakesTwoRequests) {
  for (int i = 0; i < 250; ++i) fake_->add_droplet("big-" + std::to_string(i), {"wf-big"});
  auto listed = client_->list_droplets_by_tag("wf-big");
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(listed->size(), 250u);
  EXPECT_EQ(fake_->requests("GET /v2/droplets"), 2);
  EXPECT_EQ(fake_->total_requests(), 2);
}

// ---- rate limits and retries

TEST_F(DoClient, TooManyRequestsWaitsRetryAfterThenSucceeds) {
  auto faults = script({"429"});
  faults.retry_after_seconds = 7;
  fake_->set_faults(faults);
  auto account = client_->account();
  ASSERT_TRUE(account.ok()) << account.error().message;
  EXPECT_EQ(account->droplet_limit, 1000);
  EXPECT_TRUE(clock_->slept(7000ms));
  EXPECT_EQ(fake_->requests("GET /v2/account"), 2);
}

TEST_F(DoClient, SpentBudgetWaitsUntilTheReset) {
  fake_->set_rate_limit(0, 30s);
  auto account = client_->account();
  ASSERT_TRUE(account.ok()) << account.error().message;
  EXPECT_GE(clock_->total_sleep(), 29s);  // retry-after counts whole seconds
  EXPECT_LE(clock_->total_sleep(), 31s);
  EXPECT_EQ(fake_->requests("GET /v2/account"), 2);
}

TEST_F(DoClient, SlowsDownBeforeTheBudgetRunsOut) {
  fake_->set_rate_limit(3, 60s);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client_->account().ok());
  // All five were served: none was refused with a 429 and retried.
  EXPECT_EQ(fake_->requests("GET /v2/account"), 5);
  EXPECT_GE(clock_->total_sleep(), 55s);
}

TEST_F(DoClient, ServerErrorsAreRetriedWithBackoff) {
  fake_->set_faults(script({"500", "503"}));
  auto account = client_->account();
  ASSERT_TRUE(account.ok()) << account.error().message;
  EXPECT_EQ(fake_->requests("GET /v2/account"), 3);
  EXPECT_EQ(clock_->sleeps(), (std::vector<std::chrono::milliseconds>{1000ms, 2000ms}));
}

TEST_F(DoClient, GivesUpAfterTheLastAttemptWithTheServersWords) {
  auto options = test_options();
  options.max_attempts = 3;
  make_client(options);
  fake_->set_faults(script({"500", "500", "500"}));
  auto account = client_->account();
  ASSERT_FALSE(account.ok());
  const std::string& text = account.error().message;
  EXPECT_NE(text.find("500"), std::string::npos) << text;
  EXPECT_NE(text.find("server_error"), std::string::npos) << text;
  EXPECT_NE(text.find("request_id fa4e"), std::string::npos) << text;
  EXPECT_EQ(fake_->requests("GET /v2/account"), 3);
}

TEST_F(DoClient, TimeoutsAreRetried) {
  auto options = test_options();
  options.request_timeout = 1500ms;  // well above a normal request on a loaded machine
  make_client(options);
  auto faults = script({"timeout"});
  faults.timeout_ms = 4000;
  fake_->set_faults(faults);
  auto account = client_->account();
  ASSERT_TRUE(account.ok()) << account.error().message;
  EXPECT_EQ(fake_->requests("GET /v2/account"), 2);
}

// ---- errors

TEST_F(DoClient, BadTokenIsAClear401AndCreatesNothing) {
  const std::string wrong = "dop_v1_wrong_token_0123456789";
  make_client(test_options(), wrong);
  auto account = client_->account();
  ASSERT_FALSE(account.ok());
  const std::string& text = account.error().message;
  EXPECT_NE(text.find("401 Unauthorized"), std::string::npos) << text;
  EXPECT_NE(text.find("Unable to authenticate you"), std::string::npos) << text;
  EXPECT_NE(text.find("DIGITALOCEAN_TOKEN"), std::string::npos) << text;
  EXPECT_EQ(text.find(wrong), std::string::npos) << text;

  auto created = client_->create_droplets(droplets("bad", 3));
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message.find("401"), std::string::npos);
  EXPECT_EQ(fake_droplets().size(), 0u);
  EXPECT_EQ(fake_->requests("POST /v2/droplets"), 0);
}

TEST_F(DoClient, ErrorTextNamesRequestIdButNeverTheToken) {
  auto request = droplet("err", "n1");
  request.region = "atlantis1";
  auto created = client_->create_droplets({request});
  ASSERT_FALSE(created.ok());
  const std::string& text = created.error().message;
  EXPECT_NE(text.find("POST /v2/droplets answered 422"), std::string::npos) << text;
  EXPECT_NE(text.find("(unprocessable_entity)"), std::string::npos) << text;
  EXPECT_NE(text.find("invalid region"), std::string::npos) << text;
  EXPECT_NE(text.find("[request_id fa4e0000-"), std::string::npos) << text;
  EXPECT_EQ(text.find(kToken), std::string::npos) << text;
}

// ---- duplicate-free creates

// 30 droplets in batches of 10 while 10% of all requests fail (before or after being applied).
// Seeds are chosen so that creates themselves are hit: with seed 16 two batches were applied
// without the client being told (adopted, not repeated); with seed 21 a batch failed before
// being applied (repeated). Either way exactly 30 droplets must exist.
void create_thirty_under_faults(DoClient::Fixture& f, std::uint64_t seed) {
  auto options = test_options();
  options.request_timeout = 800ms;
  f.make_client(options);
  FaultConfig faults;
  faults.rate = 0.1;
  faults.kinds = {"429", "500", "timeout", "applied-500", "applied-timeout"};
  faults.seed = seed;
  faults.timeout_ms = 1200;
  f.fake().set_faults(faults);

  auto created = f.client().create_droplets(DoClient::droplets("f30", 30));
  ASSERT_TRUE(created.ok()) << created.error().message;
  ASSERT_EQ(created->size(), 30u);
  auto all = f.fake().snapshot()["droplets"];
  EXPECT_EQ(all.size(), 30u);
  std::set<std::string> expected;
  for (const auto& request : DoClient::droplets("f30", 30)) expected.insert(request.name);
  EXPECT_EQ(names_of(all), expected);
  for (const auto& droplet : all) {
    const std::string name = droplet["name"];
    EXPECT_TRUE(has_tag(droplet, "wf-f30")) << name;
    EXPECT_TRUE(has_tag(droplet, "wakufleet")) << name;
    EXPECT_TRUE(has_tag(droplet, "wf-" + name)) << name;  // the per-node tag, "wf-f30-node-N"
  }
  std::set<std::int64_t> ids;
  for (const auto& droplet : *created) ids.insert(droplet.id);
  EXPECT_EQ(ids.size(), 30u);
  EXPECT_GT(f.fake().stats()["faults"].size(), 0u);
  EXPECT_GT(f.fake().requests("GET /v2/droplets"), 1) << "no create met a fault: pick another seed";

  auto ready = f.client().wait_droplets_ready("wf-f30", std::vector<std::int64_t>(ids.begin(), ids.end()));
  ASSERT_TRUE(ready.ok()) << ready.error().message;
  for (const auto& droplet : *ready) EXPECT_FALSE(droplet.public_ipv4.empty()) << droplet.name;
}

TEST_F(DoClient, ThirtyDropletsUnderTenPercentFaultsAdoptAppliedCreates) {
  Fixture f(*this);
  create_thirty_under_faults(f, 16);
  EXPECT_EQ(fake_->requests("POST /v2/droplets"), 3);
}

TEST_F(DoClient, ThirtyDropletsUnderTenPercentFaultsRepeatFailedCreates) {
  Fixture f(*this);
  create_thirty_under_faults(f, 21);
  EXPECT_GT(fake_->requests("POST /v2/droplets"), 3);
}

TEST_F(DoClient, ServerErrorAfterTheCreateWasAppliedAdoptsInsteadOfRepeating) {
  fake_->set_faults(script({"", "applied-500"}));  // the listing of what exists, then the create
  auto created = client_->create_droplets(droplets("ap", 10));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->size(), 10u);
  EXPECT_EQ(fake_droplets().size(), 10u);
  EXPECT_EQ(fake_->requests("POST /v2/droplets"), 1);
  EXPECT_EQ(fake_->requests("GET /v2/droplets"), 2);  // before, and after the unknown outcome
  EXPECT_EQ(fake_->requests("POST /v2/tags/{tag}/resources"), 10);  // per-node tags after a batch
}

TEST_F(DoClient, TimeoutAfterTheCreateWasAppliedAdoptsInsteadOfRepeating) {
  auto options = test_options();
  options.request_timeout = 1500ms;  // well above a normal request on a loaded machine
  make_client(options);
  auto faults = script({"", "applied-timeout"});
  faults.timeout_ms = 4000;
  fake_->set_faults(faults);
  auto created = client_->create_droplets(droplets("at", 4));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(fake_droplets().size(), 4u);
  EXPECT_EQ(fake_->requests("POST /v2/droplets"), 1);
}

TEST_F(DoClient, TimeoutBeforeTheCreateIsRetried) {
  auto options = test_options();
  options.request_timeout = 1500ms;  // well above a normal request on a loaded machine
  make_client(options);
  auto faults = script({"", "timeout"});
  faults.timeout_ms = 4000;
  fake_->set_faults(faults);
  auto created = client_->create_droplets(droplets("tb", 3));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(fake_droplets().size(), 3u);
  EXPECT_EQ(fake_->requests("POST /v2/droplets"), 2);
}

TEST_F(DoClient, AReplacedNodesOldDropletIsNotTakenForTheNewOne) {
  auto old_id = fake_->add_droplet("rp-node-1", {"wf-rp"});
  fake_->set_faults(script({"", "applied-500"}));
  auto created = client_->create_droplets({droplet("rp", "node-1")});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_NE(created->front().id, old_id);
  EXPECT_EQ(fake_droplets().size(), 2u);
  EXPECT_EQ(fake_->requests("POST /v2/droplets"), 1);
}

TEST_F(DoClient, BatchesHoldAtMostTenNamesAndOneDropletGetsItsTagAtOnce) {
  auto created = client_->create_droplets(droplets("b", 23));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(fake_->requests("POST /v2/droplets"), 3);  // 10 + 10 + 3
  fake_->reset_stats();
  auto single = client_->create_droplets({droplet("s", "only")});
  ASSERT_TRUE(single.ok()) << single.error().message;
  EXPECT_EQ(fake_->requests("POST /v2/tags/{tag}/resources"), 0);
  EXPECT_NE(std::find(single->front().tags.begin(), single->front().tags.end(), "wf-s-only"), single->front().tags.end());
}

TEST_F(DoClient, DifferentUserDataMeansDifferentRequests) {
  auto requests = droplets("ud", 4);
  requests[3].user_data = "#cloud-config\n";
  auto created = client_->create_droplets(requests);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(fake_->requests("POST /v2/droplets"), 2);
  EXPECT_EQ((*created)[3].name, "ud-node-4");  // request order is kept
}

TEST_F(DoClient, VolumeCreateAfterAppliedErrorIsFoundByName) {
  fake_->set_faults(script({"applied-500"}));
  VolumeRequest request{"wf-data-1", 10, "nyc3", "ext4", "data", {"wakufleet"}, "wf-fleet-node-1"};
  auto volume = client_->create_volume(request);
  ASSERT_TRUE(volume.ok()) << volume.error().message;
  EXPECT_EQ(volume->name, "wf-data-1");
  EXPECT_EQ(fake_->snapshot()["volumes"].size(), 1u);
  EXPECT_EQ(fake_->requests("POST /v2/volumes"), 1);
  EXPECT_EQ(fake_->requests("GET /v2/volumes"), 1);
}

// ---- actions

TEST_F(DoClient, ActionOnALockedDropletWaitsUntilItCanRun) {
  auto created = client_->create_droplets({droplet("lk", "n1")});
  ASSERT_TRUE(created.ok()) << created.error().message;
  // The new droplet is locked by its create action: the first power_off attempts get 422.
  auto action = client_->droplet_action(created->front().id, "power_off");
  ASSERT_TRUE(action.ok()) << action.error().message;
  EXPECT_EQ(action->status, "completed");
  EXPECT_GT(fake_->requests("POST /v2/droplets/{id}/actions"), 1);
  EXPECT_TRUE(clock_->slept(test_options().locked_retry_interval));
  auto now = client_->get_droplet(created->front().id);
  ASSERT_TRUE(now.ok() && now->has_value());
  EXPECT_EQ((*now)->status, "off");
}

TEST_F(DoClient, InjectedPendingEventIsRetried) {
  auto id = fake_->add_droplet("pe-1", {"wf-pe"});
  fake_->set_faults(script({"422"}));
  auto action = client_->droplet_action(id, "reboot");
  ASSERT_TRUE(action.ok()) << action.error().message;
  EXPECT_EQ(fake_->requests("POST /v2/droplets/{id}/actions"), 2);
}

TEST_F(DoClient, ActionsOnOneDropletAreSerialized) {
  auto id = fake_->add_droplet("ser-1", {"wf-ser"});
  util::Result<Action> first = util::fail(""), second = util::fail("");
  std::thread a([&] { first = client_->droplet_action(id, "power_off"); });
  std::thread b([&] { second = client_->droplet_action(id, "power_on"); });
  a.join();
  b.join();
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(second.ok()) << second.error().message;
  // The second waited for the first to complete instead of running into a 422.
  EXPECT_EQ(fake_->requests("POST /v2/droplets/{id}/actions"), 2);
}

TEST_F(DoClient, ErroredActionIsAClearError) {
  auto id = fake_->add_droplet("er-1", {"wf-er"});
  fake_->set_faults(script({"action-errored"}));
  auto action = client_->droplet_action(id, "power_off");
  ASSERT_FALSE(action.ok());
  const std::string& text = action.error().message;
  EXPECT_NE(text.find("errored"), std::string::npos) << text;
  EXPECT_NE(text.find("power_off on droplet " + std::to_string(id)), std::string::npos) << text;
}

TEST_F(DoClient, DeleteOfADropletThatIsGoneSucceeds) {
  auto id = fake_->add_droplet("gone-1", {"wf-gone"});
  ASSERT_TRUE(client_->delete_droplet(id).ok());
  ASSERT_TRUE(client_->delete_droplet(id).ok());
  auto got = client_->get_droplet(id);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

// ---- the other resources

TEST_F(DoClient, VolumesAttachAndDetach) {
  auto id = fake_->add_droplet("vol-1", {"wf-vol"});
  auto volume = client_->create_volume({"wf-vol-data", 5, "nyc3", "ext4", "", {}, "wf-vol-1"});
  ASSERT_TRUE(volume.ok()) << volume.error().message;
  ASSERT_TRUE(client_->attach_volume(volume->id, id, "nyc3").ok());
  auto listed = client_->list_volumes("wf-vol-data", "nyc3");
  ASSERT_TRUE(listed.ok() && listed->size() == 1);
  EXPECT_EQ(listed->front().droplet_ids, std::vector<std::int64_t>{id});
  EXPECT_NE(std::find(listed->front().tags.begin(), listed->front().tags.end(), "wf-vol-1"), listed->front().tags.end());
  ASSERT_TRUE(client_->detach_volume(volume->id, id, "nyc3").ok());
  ASSERT_TRUE(client_->delete_volume(volume->id).ok());
  EXPECT_EQ(fake_->snapshot()["volumes"].size(), 0u);
}

TEST_F(DoClient, ReservedIpsAssignAndUnassign) {
  auto id = fake_->add_droplet("rip-1", {"wf-rip"});
  auto other = fake_->add_droplet("rip-2", {"wf-rip"});
  auto ip = client_->create_reserved_ip_for_droplet(id);
  ASSERT_TRUE(ip.ok()) << ip.error().message;
  EXPECT_EQ(ip->droplet_id, id);
  ASSERT_TRUE(client_->unassign_reserved_ip(ip->ip).ok());
  ASSERT_TRUE(client_->assign_reserved_ip(ip->ip, other).ok());
  auto listed = client_->list_reserved_ips();
  ASSERT_TRUE(listed.ok() && listed->size() == 1);
  EXPECT_EQ(listed->front().droplet_id, other);
  auto spare = client_->create_reserved_ip_in_region("nyc3");
  ASSERT_TRUE(spare.ok()) << spare.error().message;
  EXPECT_FALSE(spare->droplet_id.has_value());
  ASSERT_TRUE(client_->delete_reserved_ip(spare->ip).ok());
}

TEST_F(DoClient, ReservedIpInRegionAfterAppliedErrorIsTheNewAddress) {
  ASSERT_TRUE(client_->create_reserved_ip_in_region("nyc3").ok());
  fake_->set_faults(script({"", "applied-500"}));  // the listing of what exists, then the create
  auto ip = client_->create_reserved_ip_in_region("nyc3");
  ASSERT_TRUE(ip.ok()) << ip.error().message;
  EXPECT_EQ(fake_->snapshot()["reserved_ips"].size(), 2u);
  EXPECT_EQ(fake_->requests("POST /v2/reserved_ips"), 2);
}

TEST_F(DoClient, VpcsAndFirewalls) {
  auto vpc = client_->create_vpc({"wf-fleet-net", "ams3", "10.20.0.0/20", "fleet network"});
  ASSERT_TRUE(vpc.ok()) << vpc.error().message;
  EXPECT_EQ(vpc->ip_range, "10.20.0.0/20");
  auto duplicate = client_->create_vpc({"wf-fleet-net", "ams3", "", ""});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.error().message.find("409"), std::string::npos) << duplicate.error().message;

  FirewallRule p2p{"tcp", "60000", {"0.0.0.0/0", "::/0"}, {}, {}};
  FirewallRule all_out{"tcp", "0", {"0.0.0.0/0"}, {}, {}};
  FirewallRequest request{"wf-fleet-fw", {p2p}, {all_out}, {}, {"wf-fleet"}};
  auto firewall = client_->create_firewall(request);
  ASSERT_TRUE(firewall.ok()) << firewall.error().message;
  request.inbound_rules.push_back({"udp", "9000", {"0.0.0.0/0"}, {}, {}});
  auto updated = client_->update_firewall(firewall->id, request);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  auto listed = client_->list_firewalls();
  ASSERT_TRUE(listed.ok() && listed->size() == 1);
  EXPECT_EQ(listed->front().spec.inbound_rules, request.inbound_rules);
  EXPECT_EQ(listed->front().spec.tags, std::vector<std::string>{"wf-fleet"});
  ASSERT_TRUE(client_->delete_firewall(firewall->id).ok());
  ASSERT_TRUE(client_->delete_vpc(vpc->id).ok());
}

TEST_F(DoClient, DomainRecordsFilteredByTypeAndName) {
  const nlohmann::json domain = {{"name", "fleet.example.com"}};
  ASSERT_TRUE(client_->transport().call("POST", "/v2/domains", &domain).ok());
  auto found = client_->get_domain("fleet.example.com");
  ASSERT_TRUE(found.ok() && found->has_value());
  auto missing = client_->get_domain("nope.example.com");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  DomainRecord a{0, "A", "node-1", "198.18.0.10", 300, {}, {}, {}};
  DomainRecord txt{0, "TXT", "node-1", "enrtree-root:v1 e=ABC", 300, {}, {}, {}};
  auto made = client_->create_domain_record("fleet.example.com", a);
  ASSERT_TRUE(made.ok()) << made.error().message;
  ASSERT_TRUE(client_->create_domain_record("fleet.example.com", txt).ok());
  auto only_a = client_->list_domain_records("fleet.example.com", "A", "node-1.fleet.example.com");
  ASSERT_TRUE(only_a.ok());
  ASSERT_EQ(only_a->size(), 1u);
  EXPECT_EQ(only_a->front().data, "198.18.0.10");
  a.data = "198.18.0.11";
  auto updated = client_->update_domain_record("fleet.example.com", made->id, a);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->data, "198.18.0.11");
  ASSERT_TRUE(client_->delete_domain_record("fleet.example.com", made->id).ok());
  auto after = client_->list_domain_records("fleet.example.com", "A");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

TEST_F(DoClient, SshKeysByFingerprint) {
  const std::string key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAWcUdKJZG85lp/Wd5g2H2l0C2tfLxvNDduAB+BpZFqp wf-test";
  const std::string fingerprint = "a2:94:22:ef:2d:3b:2e:10:d8:16:f9:dd:db:40:d5:95";
  auto before = client_->ssh_key_by_fingerprint(fingerprint);
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->has_value());
  fake_->set_faults(script({"applied-500"}));
  auto created = client_->create_ssh_key("wakufleet", key);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->fingerprint, fingerprint);
  EXPECT_EQ(fake_->snapshot()["ssh_keys"].size(), 1u);
  auto after = client_->ssh_key_by_fingerprint(fingerprint);
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->id, created->id);
}

TEST_F(DoClient, TagsAreCreatedIdempotentlyAndApplied) {
  auto id = fake_->add_droplet("tg-1", {});
  ASSERT_TRUE(client_->create_tag("wf-extra").ok());
  ASSERT_TRUE(client_->create_tag("wf-extra").ok());
  ASSERT_TRUE(client_->tag_resources("wf-extra", {{std::to_string(id), "droplet"}}).ok());
  auto listed = client_->list_droplets_by_tag("wf-extra");
  ASSERT_TRUE(listed.ok() && listed->size() == 1);
  EXPECT_EQ(listed->front().id, id);
  // A tag that does not exist yet is made on the way (DigitalOcean answers 404 otherwise).
  ASSERT_TRUE(client_->tag_resources("wf-brand-new", {{std::to_string(id), "droplet"}}).ok());
  auto tagged = client_->list_droplets_by_tag("wf-brand-new");
  ASSERT_TRUE(tagged.ok());
  EXPECT_EQ(tagged->size(), 1u);
}

TEST_F(DoClient, PlacementIsCheckedAgainstRegionsAndSizes) {
  EXPECT_TRUE(client_->check_placement("nyc3", "s-1vcpu-1gb").ok());
  auto region = client_->check_placement("nyc4", "s-1vcpu-1gb");
  ASSERT_FALSE(region.ok());
  EXPECT_NE(region.error().message.find("did you mean"), std::string::npos) << region.error().message;
  auto closed = client_->check_placement("nyc2", "s-1vcpu-1gb");
  ASSERT_FALSE(closed.ok());
  EXPECT_NE(closed.error().message.find("does not accept new droplets"), std::string::npos);
  auto size = client_->check_placement("nyc3", "s-1vcpu-1gbb");
  ASSERT_FALSE(size.ok());
  EXPECT_NE(size.error().message.find("did you mean \"s-1vcpu-1gb\""), std::string::npos) << size.error().message;
  auto not_here = client_->check_placement("blr1", "s-1vcpu-512mb-10gb");
  ASSERT_FALSE(not_here.ok());
  EXPECT_NE(not_here.error().message.find("not offered in region"), std::string::npos) << not_here.error().message;
}

TEST_F(DoClient, NewDropletsBecomeReadyWithIpv6WhenAsked) {
  auto request = droplet("v6", "n1");
  request.ipv6 = true;
  auto created = client_->create_droplets({request});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->front().status, "new");
  EXPECT_TRUE(created->front().public_ipv4.empty());
  auto ready = client_->wait_droplets_ready("wf-v6", {created->front().id});
  ASSERT_TRUE(ready.ok()) << ready.error().message;
  EXPECT_EQ(ready->front().status, "active");
  EXPECT_FALSE(ready->front().public_ipv4.empty());
  EXPECT_FALSE(ready->front().public_ipv6.empty());
  EXPECT_FALSE(ready->front().private_ipv4.empty());
}

}  // namespace
}  // namespace wakufleet::providers::digitalocean::testing
