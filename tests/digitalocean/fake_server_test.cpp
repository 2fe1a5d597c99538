// The fake DigitalOcean itself, over raw HTTP: auth, headers, pagination shape, droplet
// progression, validation, admin endpoints and deterministic faults.
#include "support.hpp"

namespace wakufleet::providers::digitalocean::testing {
namespace {

using fakes::do_api::FakeDigitalOcean;
using fakes::do_api::FakeOptions;
using fakes::do_api::FaultConfig;
using json = nlohmann::json;

class DoFakeServer : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeOptions options;
    options.token = kToken;
    fake_ = std::make_unique<FakeDigitalOcean>(options);
    ASSERT_TRUE(fake_->start().ok());
  }

  util::HttpResponse send(const std::string& method, const std::string& path, const json& body = nullptr,
                          const std::string& token = kToken) {
    util::HttpRequest request;
    request.method = method;
    request.url = fake_->url() + path;
    if (!token.empty()) request.headers["Authorization"] = "Bearer " + token;
    if (!body.is_null()) {
      request.headers["Content-Type"] = "application/json";
      request.body = body.dump();
    }
    auto response = http_->send(request);
    EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().message);
    return response.ok() ? *response : util::HttpResponse{};
  }
  static json body_of(const util::HttpResponse& response) { return json::parse(response.body, nullptr, false); }

  std::unique_ptr<FakeDigitalOcean> fake_;
  std::unique_ptr<util::HttpClient> http_ = util::make_curl_client();
};

json create_body(const std::string& name) {
  return {{"name", name}, {"region", "nyc3"}, {"size", "s-1vcpu-1gb"}, {"image", "ubuntu-24-04-x64"}, {"tags", {"wf-raw"}}};
}

TEST_F(DoFakeServer, WrongTokenIs401WithRateLimitHeaders) {
  auto response = send("GET", "/v2/account", nullptr, "nope");
  EXPECT_EQ(response.status, 401);
  auto body = body_of(response);
  EXPECT_EQ(body["id"], "Unauthorized");
  EXPECT_EQ(body["message"], "Unable to authenticate you");
  EXPECT_TRUE(body.contains("request_id"));
  for (const char* header : {"ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "x-request-id"}) {
    EXPECT_TRUE(response.headers.count(header)) << header;
  }
  EXPECT_EQ(send("GET", "/v2/account", nullptr, "").status, 401);
  EXPECT_EQ(send("GET", "/v2/account").status, 200);
}

TEST_F(DoFakeServer, EveryAnswerSpendsTheBudget) {
  auto first = send("GET", "/v2/regions");
  auto second = send("GET", "/v2/sizes");
  EXPECT_EQ(std::stol(first.headers["ratelimit-remaining"]) - 1, std::stol(second.headers["ratelimit-remaining"]));
  fake_->set_rate_limit(0, std::chrono::seconds(40));
  auto refused = send("GET", "/v2/account");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(body_of(refused)["id"], "too_many_requests");
  EXPECT_GE(std::stol(refused.headers["retry-after"]), 39);
  fake_->advance_clock(std::chrono::seconds(41));
  EXPECT_EQ(send("GET", "/v2/account").status, 200);
}

TEST_F(DoFakeServer, PagesCarryLinksAndTotal) {
  for (int i = 0; i < 5; ++i) fake_->add_droplet("pg-" + std::to_string(i), {"wf-pg"});
  auto first = body_of(send("GET", "/v2/droplets?tag_name=wf-pg&per_page=2"));
  EXPECT_EQ(first["droplets"].size(), 2u);
  EXPECT_EQ(first["meta"]["total"], 5);
  EXPECT_EQ(first["links"]["pages"]["next"], fake_->url() + "/v2/droplets?page=2&per_page=2&tag_name=wf-pg");
  EXPECT_EQ(first["links"]["pages"]["last"], fake_->url() + "/v2/droplets?page=3&per_page=2&tag_name=wf-pg");
  EXPECT_FALSE(first["links"]["pages"].contains("prev"));
  auto last = body_of(send("GET", "/v2/droplets?tag_name=wf-pg&per_page=2&page=3"));
  EXPECT_EQ(last["droplets"].size(), 1u);
  EXPECT_FALSE(last["links"]["pages"].contains("next"));
  EXPECT_TRUE(last["links"]["pages"].contains("prev"));
  auto capped = body_of(send("GET", "/v2/droplets?per_page=5000"));
  EXPECT_EQ(capped["droplets"].size(), 5u);
}

TEST_F(DoFakeServer, NewDropletsTurnActiveThenGetAPublicAddress) {
  auto created = send("POST", "/v2/droplets", create_body("life-1"));
  ASSERT_EQ(created.status, 202);
  auto droplet = body_of(created)["droplet"];
  EXPECT_EQ(droplet["status"], "new");
  EXPECT_TRUE(droplet["locked"].get<bool>());
  EXPECT_TRUE(droplet["networks"]["v4"].empty());
  EXPECT_EQ(body_of(created)["links"]["actions"][0]["rel"], "create");
  const std::string path = "/v2/droplets/" + std::to_string(droplet["id"].get<long>());
  std::vector<std::string> statuses;
  std::vector<std::size_t> addresses;
  for (int read = 0; read < 5; ++read) {
    auto now = body_of(send("GET", path))["droplet"];
    statuses.push_back(now["status"]);
    addresses.push_back(now["networks"]["v4"].size());
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"new", "new", "active", "active", "active"}));
  EXPECT_EQ(addresses, (std::vector<std::size_t>{0, 0, 1, 1, 2}));  // private at active, public later
}

TEST_F(DoFakeServer, CreatesAreValidatedLikeDigitalOcean) {
  json eleven = create_body("x");
  eleven.erase("name");
  eleven["names"] = json::array();
  for (int i = 0; i < 11; ++i) eleven["names"].push_back("n" + std::to_string(i));
  EXPECT_EQ(send("POST", "/v2/droplets", eleven).status, 422);
  json bad_size = create_body("y");
  bad_size["size"] = "s-1vcpu-512mb-10gb";
  bad_size["region"] = "blr1";
  auto refused = send("POST", "/v2/droplets", bad_size);
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(body_of(refused)["message"], "Size is not available in this region.");
  EXPECT_EQ(send("GET", "/v2/droplets?tag_name=a&name=b").status, 422);
  EXPECT_EQ(send("POST", "/v2/volumes", json{{"name", "Bad_Name"}, {"size_gigabytes", 1}, {"region", "nyc3"}}).status, 422);
  EXPECT_EQ(send("POST", "/v2/vpcs", json{{"name", "n"}, {"region", "nyc3"}, {"ip_range", "8.8.0.0/16"}}).status, 422);
  EXPECT_EQ(send("POST", "/v2/reserved_ips", json{{"region", "nyc3"}, {"droplet_id", 1}}).status, 422);
  EXPECT_EQ(send("GET", "/v2/droplets/123").status, 404);
  EXPECT_EQ(send("GET", "/v2/nothing-here").status, 404);
  EXPECT_EQ(fake_->requests("GET /v2/droplets/{id}"), 1);
  EXPECT_EQ(fake_->requests("GET <unknown>"), 1);
}

TEST_F(DoFakeServer, AttachingAVolumeLocksTheDropletUntilTheActionCompletes) {
  auto id = fake_->add_droplet("att-1", {});
  auto volume = body_of(send("POST", "/v2/volumes", json{{"name", "att"}, {"size_gigabytes", 1}, {"region", "nyc3"}}));
  const std::string actions = "/v2/volumes/" + volume["volume"]["id"].get<std::string>() + "/actions";
  auto attach = send("POST", actions, json{{"type", "attach"}, {"droplet_id", id}, {"region", "nyc3"}});
  ASSERT_EQ(attach.status, 202);
  auto power = send("POST", "/v2/droplets/" + std::to_string(id) + "/actions", json{{"type", "power_off"}});
  EXPECT_EQ(power.status, 422);
  EXPECT_EQ(body_of(power)["message"], "Droplet already has a pending event.");
  const std::string action = "/v2/actions/" + std::to_string(body_of(attach)["action"]["id"].get<long>());
  EXPECT_EQ(body_of(send("GET", action))["action"]["status"], "completed");  // the 422 touch was the first poll
  EXPECT_EQ(send("POST", "/v2/droplets/" + std::to_string(id) + "/actions", json{{"type", "power_off"}}).status, 201);
}

TEST_F(DoFakeServer, DomainRecordFiltersTakeTypeAndFullName) {
  ASSERT_EQ(send("POST", "/v2/domains", json{{"name", "f.example.com"}}).status, 201);
  ASSERT_EQ(send("POST", "/v2/domains/f.example.com/records", json{{"type", "A"}, {"name", "n1"}, {"data", "198.18.0.1"}}).status, 201);
  ASSERT_EQ(send("POST", "/v2/domains/f.example.com/records", json{{"type", "TXT"}, {"name", "n1"}, {"data", "x"}}).status, 201);
  EXPECT_EQ(send("POST", "/v2/domains/f.example.com/records", json{{"type", "A"}, {"name", "n2"}, {"data", "nope"}}).status, 422);
  EXPECT_EQ(send("POST", "/v2/domains/f.example.com/records", json{{"type", "TXT"}, {"name", "n2"}, {"data", std::string(600, 'a')}}).status, 422);
  auto by_name = body_of(send("GET", "/v2/domains/f.example.com/records?name=n1.f.example.com"));
  EXPECT_EQ(by_name["domain_records"].size(), 2u);
  auto by_both = body_of(send("GET", "/v2/domains/f.example.com/records?name=n1.f.example.com&type=TXT"));
  EXPECT_EQ(by_both["domain_records"].size(), 1u);
  auto apex_ns = body_of(send("GET", "/v2/domains/f.example.com/records?type=NS&name=f.example.com"));
  EXPECT_EQ(apex_ns["domain_records"].size(), 3u);
}

TEST_F(DoFakeServer, AdminEndpointsSetFaultsAndCountRequests) {
  util::HttpRequest request;
  request.method = "POST";
  request.url = fake_->url() + "/_fake/faults";
  request.body = R"({"kinds":["bogus"],"rate":0.5})";
  auto refused = http_->send(request);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 400);
  request.body = R"({"script":["500"]})";
  ASSERT_EQ(http_->send(request)->status, 200);
  EXPECT_EQ(send("GET", "/v2/account").status, 500);
  EXPECT_EQ(send("GET", "/v2/account").status, 200);
  request.method = "GET";
  request.url = fake_->url() + "/_fake/stats";
  request.body.clear();
  auto stats = json::parse(http_->send(request)->body);
  EXPECT_EQ(stats["requests"]["GET /v2/account"], 2);
  EXPECT_EQ(stats["faults"]["500"], 1);
  EXPECT_EQ(stats["total"], 2);
}

TEST_F(DoFakeServer, FaultsFollowTheSeed) {
  auto run = [this](std::uint64_t seed) {
    FaultConfig faults;
    faults.rate = 0.3;
    faults.kinds = {"500", "429"};
    faults.seed = seed;
    fake_->set_faults(faults);
    std::string statuses;
    for (int i = 0; i < 40; ++i) statuses += std::to_string(send("GET", "/v2/regions").status) + " ";
    return statuses;
  };
  auto first = run(11);
  EXPECT_EQ(run(11), first);
  EXPECT_NE(run(12), first);
  EXPECT_NE(first.find("500"), std::string::npos);
}

TEST_F(DoFakeServer, AppliedServerErrorStillCreates) {
  FaultConfig faults;
  faults.script = {"applied-500"};
  fake_->set_faults(faults);
  EXPECT_EQ(send("POST", "/v2/droplets", create_body("ap-1")).status, 500);
  EXPECT_EQ(fake_->snapshot()["droplets"].size(), 1u);
  faults.script = {"500"};
  fake_->set_faults(faults);
  EXPECT_EQ(send("POST", "/v2/droplets", create_body("ap-2")).status, 500);
  EXPECT_EQ(fake_->snapshot()["droplets"].size(), 1u);
}

}  // namespace
}  // namespace wakufleet::providers::digitalocean::testing
