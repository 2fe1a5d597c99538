// The digitalocean target's pure parts: names and tags, the firewall derived from the spec, and the
// recognition of the fake API's URL.
#include <gtest/gtest.h>

#include "provider_support.hpp"
#include "providers/digitalocean/firewall_rules.hpp"
#include "providers/digitalocean/names.hpp"

namespace wakufleet::providers::digitalocean::testing {
namespace {

TEST(DoNames, TagsTellFleetsAndNodesApart) {
  FleetSpec spec;
  spec.name = "ams";
  auto fleet = spec.fleet();
  EXPECT_EQ(fleet_tag(fleet), "wakufleet:ams");
  EXPECT_EQ(node_tag(fleet, "relay-0"), "wakufleet:ams:relay-0");
  EXPECT_EQ(node_of_tag(fleet, "wakufleet:ams:relay-0"), "relay-0");
  EXPECT_EQ(node_of_tag(fleet, "wakufleet:ams:relay-0:cfg-0123456789ab"), "");  // a configuration tag
  EXPECT_EQ(node_of_tag(fleet, "wakufleet:ams-relay:0"), "");                   // another fleet's
  EXPECT_EQ(node_of_tag(fleet, "wakufleet:ams"), "");
}

// A droplet's name is its node and its configuration, and a hostname (at most 63 characters).
TEST(DoNames, DropletNamesCarryNodeAndConfigurationAndFitAHostname) {
  FleetSpec spec;
  spec.name = "ams";
  auto fleet = spec.fleet();
  EXPECT_EQ(droplet_name(fleet, "relay-0", "0123456789ab"), "ams-relay-0-0123456789ab");
  auto parsed = parse_droplet_name("ams-relay-0-0123456789ab");
  EXPECT_EQ(parsed.stem, "ams-relay-0");
  EXPECT_EQ(parsed.config, "0123456789ab");
  EXPECT_EQ(parse_droplet_name("ams-relay-0").config, "");                // made before names had one
  EXPECT_EQ(parse_droplet_name("ams-relay-0-0123456789AB").config, "");   // not ours: upper case
  EXPECT_EQ(parse_droplet_name("ams-relay-0-0123456789a").config, "");    // not 12 digits
  const std::string long_a(60, 'a');
  const std::string long_b = long_a + "b";
  const std::string name_a = droplet_name(fleet, long_a, "0123456789ab");
  const std::string name_b = droplet_name(fleet, long_b, "0123456789ab");
  EXPECT_LE(name_a.size(), 63u);
  EXPECT_LE(name_b.size(), 63u);
  EXPECT_NE(name_a, name_b);
  EXPECT_EQ(parse_droplet_name(name_a).stem, droplet_stem(fleet, long_a));
  EXPECT_EQ(parse_droplet_name(name_a).config, "0123456789ab");
}

TEST(DoNames, VolumeNamesFitDigitalOceansLimit) {
  FleetSpec spec;
  spec.name = std::string(40, 'f');
  auto fleet = spec.fleet();
  const std::string long_node(40, 'n');
  std::string name = volume_name(fleet, long_node);
  EXPECT_EQ(name.size(), 64u);
  EXPECT_EQ(name.rfind("wakufleet-fff", 0), 0u);
  EXPECT_NE(name, volume_name(fleet, long_node + "x"));  // the digest keeps them apart
  EXPECT_EQ(volume_name(FleetSpec{}.fleet(), "node-0"), "wakufleet-test-node-0");
}

TEST(DoFirewall, RulesFollowTheEnabledProtocols) {
  FleetSpec spec;
  spec.discv5 = true;
  auto lines = firewall_lines(spec.fleet(), "10.10.0.0/24");
  EXPECT_EQ(lines.inbound, (std::vector<std::string>{"tcp 22 from 203.0.113.0/24", "tcp 60000 from 0.0.0.0/0 ::/0",
                                                     "tcp 60001 from 0.0.0.0/0 ::/0", "tcp 8008 from 10.10.0.0/24",
                                                     "tcp 8645 from 10.10.0.0/24", "udp 9000 from 0.0.0.0/0 ::/0"}));
  EXPECT_EQ(lines.outbound, (std::vector<std::string>{"icmp all to 0.0.0.0/0 ::/0", "tcp all to 0.0.0.0/0 ::/0",
                                                      "udp all to 0.0.0.0/0 ::/0"}));
  spec.discv5 = false;
  auto without = firewall_lines(spec.fleet(), "10.10.0.0/24").inbound;
  EXPECT_EQ(std::count_if(without.begin(), without.end(), [](const std::string& l) { return l.rfind("udp", 0) == 0; }), 0);
}

TEST(DoFirewall, LinesSurviveTheRoundTripThroughDigitalOceansRules) {
  auto lines = firewall_lines(FleetSpec{}.fleet(), "10.10.0.0/24");
  EXPECT_EQ(rule_lines(rules_from_lines(lines.inbound), true), lines.inbound);
  EXPECT_EQ(rule_lines(rules_from_lines(lines.outbound), false), lines.outbound);
  auto icmp = rules_from_lines({"icmp all to 0.0.0.0/0 ::/0"});
  ASSERT_EQ(icmp.size(), 1u);
  EXPECT_EQ(icmp[0].ports, "");  // DigitalOcean takes no ports for ICMP
  EXPECT_EQ(icmp[0].addresses, (std::vector<std::string>{"0.0.0.0/0", "::/0"}));
}

TEST(DoSpec, TheGoWakuReleaseKeysAreChecked) {
  FleetSpec spec;
  auto fleet = spec.fleet();
  EXPECT_EQ(fleet.target.digitalocean.gowaku_url, "https://releases.example.com/go-waku/v0.10.0/waku");
  EXPECT_EQ(fleet.target.digitalocean.gowaku_sha256, std::string(64, 'a'));
  std::string text = spec.toml();
  auto replace = [&](const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
  };
  replace("https://releases.example.com/go-waku/v0.10.0/waku", "http://user:pw@example.com/waku");
  replace(std::string(64, 'a'), "abc");
  auto parsed = spec::parse_fleet(text, "fleet.toml");
  ASSERT_EQ(parsed.diagnostics.size(), 2u);
  EXPECT_NE(parsed.diagnostics[0].message.find("target.digitalocean.gowaku_url must be an https:// URL without spaces, quotes or credentials"),
            std::string::npos)
      << parsed.diagnostics[0].message;
  EXPECT_NE(parsed.diagnostics[1].message.find("target.digitalocean.gowaku_sha256 must be 64 hexadecimal digits"), std::string::npos)
      << parsed.diagnostics[1].message;
}

TEST(DoFakeUrl, OnlyLoopbackHostsCountAsTheFake) {
  EXPECT_TRUE(is_loopback_url("http://127.0.0.1:8085"));
  EXPECT_TRUE(is_loopback_url("http://localhost:8085/"));
  EXPECT_TRUE(is_loopback_url("http://[::1]:8085"));
  EXPECT_FALSE(is_loopback_url("https://api.digitalocean.com"));
  EXPECT_FALSE(is_loopback_url("https://127.0.0.1.example.com"));
}

}  // namespace
}  // namespace wakufleet::providers::digitalocean::testing
