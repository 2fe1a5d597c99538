#include "providers/digitalocean/firewall_rules.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

const char* kEverywhere = "0.0.0.0/0 ::/0";

// "tcp 60000 from 0.0.0.0/0 ::/0", "udp all to 0.0.0.0/0 ::/0"
std::string line(const std::string& protocol, const std::string& ports, const char* direction,
                 const std::string& addresses) {
  return protocol + " " + ports + " " + direction + " " + addresses;
}

std::string in(const std::string& protocol, const std::string& ports, const std::string& addresses) {
  return line(protocol, ports, "from", addresses);
}

std::string out(const std::string& protocol) { return line(protocol, "all", "to", kEverywhere); }

}  // namespace

FirewallLines firewall_lines(const spec::Fleet& fleet, const std::string& vpc_range) {
  FirewallLines lines;
  lines.inbound.push_back(in("tcp", std::to_string(kTcpPort), kEverywhere));
  lines.inbound.push_back(in("tcp", std::to_string(kWebsocketPort), kEverywhere));
  if (fleet.discovery.discv5) lines.inbound.push_back(in("udp", std::to_string(kDiscv5Port), kEverywhere));
  const auto& admins = fleet.target.digitalocean.admin_cidrs;
  if (!admins.empty()) lines.inbound.push_back(in("tcp", "22", util::join(admins, " ")));
  lines.inbound.push_back(in("tcp", std::to_string(kMetricsPort), vpc_range));
  lines.inbound.push_back(in("tcp", std::to_string(kRestPort), vpc_range));
  lines.outbound = {out("tcp"), out("udp"), out("icmp")};
  std::sort(lines.inbound.begin(), lines.inbound.end());
  std::sort(lines.outbound.begin(), lines.outbound.end());
  return lines;
}

// DigitalOcean answers "all" or "0" for every port, and nothing for ICMP: all read as "all".
std::vector<std::string> rule_lines(const std::vector<FirewallRule>& rules, bool inbound) {
  std::vector<std::string> lines;
  for (const auto& rule : rules) {
    std::string ports = rule.ports.empty() || rule.ports == "0" ? "all" : rule.ports;
    lines.push_back(line(rule.protocol, ports, inbound ? "from" : "to", util::join(rule.addresses, " ")));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<FirewallRule> rules_from_lines(const std::vector<std::string>& lines) {
  std::vector<FirewallRule> rules;
  for (const auto& text : lines) {
    auto words = util::split(text, ' ');
    if (words.size() < 4) continue;
    FirewallRule rule;
    rule.protocol = words[0];
    rule.ports = rule.protocol == "icmp" ? "" : words[1] == "all" ? "0" : words[1];
    rule.addresses.assign(words.begin() + 3, words.end());
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace wakufleet::providers::digitalocean
