// Transport and parsing details with a scripted in-memory HttpClient: headers, next links kept on
// our own host, the token never in an error, 429 fallbacks, configuration from the environment,
// and SSH key fingerprints.
#include <cstdlib>

#include "support.hpp"

namespace wakufleet::providers::digitalocean::testing {
namespace {

using namespace std::chrono_literals;

struct Scripted {
  ScriptedHttp http;
  FakeClock clock;
  std::unique_ptr<Transport> transport;
  explicit Scripted(ClientOptions options = {}) {
    transport = std::make_unique<Transport>(http, "http://127.0.0.1:9/", kToken, clock, options);
  }
};

TEST(DoTransport, SendsTheTokenAndJsonToTheBaseUrl) {
  Scripted s;
  s.http.answer(201, R"({"tag":{"name":"x"}})");
  const nlohmann::json body = {{"name", "x"}};
  auto answer = s.transport->call("POST", "/v2/tags", &body);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  ASSERT_EQ(s.http.requests.size(), 1u);
  const auto& request = s.http.requests[0];
  EXPECT_EQ(request.url, "http://127.0.0.1:9/v2/tags");
  EXPECT_EQ(request.headers.at("Authorization"), std::string("Bearer ") + kToken);
  EXPECT_EQ(request.headers.at("Content-Type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(request.body), body);
}

TEST(DoTransport, NextLinksAreFollowedOnOurOwnHost) {
  Scripted s;
  s.http.answer(200, R"({"droplets":[{"id":1}],"links":{"pages":{"next":"https://api.digitalocean.com/v2/droplets?page=2&per_page=200&tag_name=wf-x"}},"meta":{"total":2}})");
  s.http.answer(200, R"({"droplets":[{"id":2}],"links":{"pages":{"first":"x","prev":"y"}},"meta":{"total":2}})");
  auto items = s.transport->list("/v2/droplets?tag_name=wf-x", "droplets");
  ASSERT_TRUE(items.ok()) << items.error().message;
  EXPECT_EQ(items->size(), 2u);
  ASSERT_EQ(s.http.requests.size(), 2u);
  EXPECT_EQ(s.http.requests[0].url, "http://127.0.0.1:9/v2/droplets?tag_name=wf-x&per_page=200");
  EXPECT_EQ(s.http.requests[1].url, "http://127.0.0.1:9/v2/droplets?page=2&per_page=200&tag_name=wf-x");
}

TEST(DoTransport, TheTokenIsRedactedEvenWhenEchoed) {
  Scripted s;
  s.http.answer(400, std::string(R"({"id":"bad_request","message":"token )") + kToken + R"( is odd"})",
                {{"x-request-id", "rid-1"}});
  auto answer = s.transport->call("GET", "/v2/account");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().message.find(kToken), std::string::npos) << answer.error().message;
  EXPECT_NE(answer.error().message.find("[redacted]"), std::string::npos);
  EXPECT_NE(answer.error().message.find("[request_id rid-1]"), std::string::npos);
}

TEST(DoTransport, TransportFailuresAreRetriedThenReported) {
  ClientOptions options;
  options.max_attempts = 3;
  Scripted s(options);
  for (int i = 0; i < 3; ++i) s.http.fail("Timeout was reached");
  auto answer = s.transport->call("GET", "/v2/account");
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.error().message.find("failed after 3 attempt(s): Timeout was reached"), std::string::npos)
      << answer.error().message;
  EXPECT_EQ(s.clock.sleeps(), (std::vector<std::chrono::milliseconds>{1000ms, 2000ms}));
}

TEST(DoTransport, TooManyRequestsWithoutRetryAfterWaitsForTheReset) {
  Scripted s;
  auto reset = std::chrono::duration_cast<std::chrono::seconds>(s.clock.now().time_since_epoch()).count() + 12;
  s.http.answer(429, R"({"id":"too_many_requests","message":"API Rate limit exceeded."})",
                {{"ratelimit-remaining", "0"}, {"ratelimit-reset", std::to_string(reset)}, {"ratelimit-limit", "5000"}});
  s.http.answer(200, R"({"account":{}})", {{"ratelimit-remaining", "4999"}, {"ratelimit-reset", std::to_string(reset + 3600)}});
  ASSERT_TRUE(s.transport->call("GET", "/v2/account").ok());
  auto sleeps = s.clock.sleeps();
  ASSERT_FALSE(sleeps.empty());
  EXPECT_GE(sleeps.front(), 11s);
  EXPECT_LE(sleeps.front(), 12s);
}

TEST(DoTransport, GatewayPagesShowAnExcerpt) {
  ClientOptions options;
  options.max_attempts = 1;
  Scripted s(options);
  s.http.answer(502, "<html>502 Bad Gateway</html>");
  auto answer = s.transport->call("GET", "/v2/account");
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.error().message.find("502 Bad Gateway: <html>502 Bad Gateway</html>"), std::string::npos)
      << answer.error().message;
}

TEST(DoTransport, QueriesAreEncoded) {
  EXPECT_EQ(with_query("/v2/droplets", {{"tag_name", "wf:a b"}, {"name", ""}}), "/v2/droplets?tag_name=wf%3Aa%20b");
  EXPECT_EQ(with_query("/v2/volumes?x=1", {{"region", "nyc3"}}), "/v2/volumes?x=1&region=nyc3");
}

TEST(DoCreateOnce, AnUnknownOutcomeThatCannotBeCheckedSaysSo) {
  ClientOptions options;
  options.max_attempts = 2;
  ScriptedHttp http;
  FakeClock clock;
  http.answer(500, R"({"id":"server_error","message":"Unexpected server-side error"})");
  http.answer(401, R"({"id":"Unauthorized","message":"Unable to authenticate you"})");
  DigitalOceanClient client(http, ClientConfig{"http://127.0.0.1:9", kToken}, clock, options);
  auto vpc = client.create_vpc({"net", "nyc3", "", ""});
  ASSERT_FALSE(vpc.ok());
  EXPECT_NE(vpc.error().message.find("whether it was created anyway is unknown"), std::string::npos) << vpc.error().message;
}

TEST(DoClientConfig, ComesFromTheEnvironment) {
  ::unsetenv("DIGITALOCEAN_TOKEN");
  ::unsetenv("DIGITALOCEAN_API_URL");
  auto missing = ClientConfig::from_environment();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("DIGITALOCEAN_TOKEN is not set"), std::string::npos);
  ::setenv("DIGITALOCEAN_TOKEN", kToken, 1);
  auto plain = ClientConfig::from_environment();
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->base_url, "https://api.digitalocean.com");
  ::setenv("DIGITALOCEAN_API_URL", "http://127.0.0.1:8080", 1);
  auto overridden = ClientConfig::from_environment();
  ASSERT_TRUE(overridden.ok());
  EXPECT_EQ(overridden->base_url, "http://127.0.0.1:8080");
  EXPECT_EQ(overridden->token, kToken);
  ::unsetenv("DIGITALOCEAN_TOKEN");
  ::unsetenv("DIGITALOCEAN_API_URL");
}

TEST(DoTypes, SshKeyFingerprintsMatchSshKeygen) {
  // Expected values from `ssh-keygen -l -E md5 -f key.pub`.
  EXPECT_EQ(ssh_key_fingerprint("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAWcUdKJZG85lp/Wd5g2H2l0C2tfLxvNDduAB+BpZFqp wf-test"),
            "a2:94:22:ef:2d:3b:2e:10:d8:16:f9:dd:db:40:d5:95");
  EXPECT_EQ(ssh_key_fingerprint("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBGPfas3SbxvcPzOBJ17TcZB0"
                                "uC1WUgk7/80nGyq4qj9NUil9IeQ5sGbBLpmIsHjCBAZt1VVV2keFUNkQOUJ7feQ= wf-ec"),
            "2a:2a:18:0a:2a:91:63:b8:00:c9:cc:4b:2b:68:c4:a4");
  EXPECT_EQ(ssh_key_fingerprint("not a key"), "");
  EXPECT_EQ(ssh_key_fingerprint("ssh-ed25519"), "");
}

TEST(DoTypes, DropletsParseFromDigitalOceansShape) {
  auto droplet = parse_droplet(nlohmann::json::parse(R"({
    "id": 3164444, "name": "example.com", "status": "active", "locked": false, "size_slug": "s-1vcpu-1gb",
    "image": {"id": 6918990, "slug": "ubuntu-16-04-x64"}, "region": {"slug": "nyc3"}, "tags": ["web"],
    "volume_ids": ["506f78a4"], "vpc_uuid": "760e09ef",
    "networks": {"v4": [{"ip_address": "10.128.192.124", "type": "private"},
                        {"ip_address": "192.241.165.154", "type": "public"}],
                 "v6": [{"ip_address": "2604:a880:0:1010::18a:a001", "type": "public"}]}})"));
  EXPECT_EQ(droplet.id, 3164444);
  EXPECT_EQ(droplet.region, "nyc3");
  EXPECT_EQ(droplet.image, "ubuntu-16-04-x64");
  EXPECT_EQ(droplet.public_ipv4, "192.241.165.154");
  EXPECT_EQ(droplet.private_ipv4, "10.128.192.124");
  EXPECT_EQ(droplet.public_ipv6, "2604:a880:0:1010::18a:a001");
  EXPECT_TRUE(droplet.ready());
  auto odd = parse_droplet(nlohmann::json::parse(R"({"id": "not a number", "networks": null, "tags": [1, "x"]})"));
  EXPECT_EQ(odd.id, 0);
  EXPECT_EQ(odd.tags, std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace wakufleet::providers::digitalocean::testing
