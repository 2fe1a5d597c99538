// [fleet] and [[group]]: the fleet's identity and its nodes, expanded in file order.
#include <map>

#include "spec/sections.hpp"
#include "util/text.hpp"

namespace wakufleet::spec::detail {

namespace {

constexpr long long kMaxNodes = 1000;
constexpr std::size_t kMaxDnsName = 253;

constexpr const char* kLabelRule = "use 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'";

// One node definition before expansion: a [[group]], or the group fleet.nodes stands for.
struct GroupSpec {
  std::string name;  // empty when missing or invalid: its nodes cannot be named then
  Position name_at;
  Position size_at;  // count, names or fleet.nodes: blamed when the fleet gets too big
  long long size = 0;
  bool generated = false;  // names come from count: report one clash per group, not one per node
  std::vector<Located<std::string>> node_names;
  NodeDefaults settings;
};

std::string lowercase_ascii(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// Hint for a bad DNS label: the lowercase spelling when that alone would fix it.
std::string label_hint(const std::string& text) {
  std::string lower = lowercase_ascii(text);
  if (lower != text && util::is_dns_label(lower)) return "DNS labels are lowercase: did you mean '" + lower + "'?";
  return kLabelRule;
}

bool check_label(TableReader& table, std::string_view key, const Located<std::string>& value) {
  if (util::is_dns_label(value.value)) return true;
  table.sink().error(value.at, table.describe(key) + " must be a DNS label, got '" + value.value + "'",
                     label_hint(value.value));
  return false;
}

void name_generated_nodes(TableReader& table, GroupSpec& group) {
  std::string longest = group.name + "-" + std::to_string(group.size - 1);
  if (!util::is_dns_label(longest)) {
    table.sink().error(group.name_at, "node name '" + longest + "' of group '" + group.name +
                                          "' would be longer than 63 characters",
                       "shorten the group name");
    return;
  }
  for (long long i = 0; i < group.size; ++i) {
    group.node_names.push_back({group.name + "-" + std::to_string(i), group.name_at});
  }
}

void read_explicit_names(TableReader& table, const Located<std::vector<Located<std::string>>>& names,
                         GroupSpec& group) {
  group.size_at = names.at;
  group.size = static_cast<long long>(names.value.size());
  if (names.value.empty()) {
    table.sink().error(names.at, table.describe("names") + " is empty; list at least one node name",
                       "for example names = [\"alpha\", \"beta\"]");
  }
  for (const auto& name : names.value) {
    if (!util::is_dns_label(name.value)) {
      table.sink().error(name.at, "node name '" + name.value + "' in " + table.describe("names") +
                                      " must be a DNS label",
                         label_hint(name.value));
      continue;
    }
    group.node_names.push_back(name);
  }
}

// count = N or names = [...]: exactly one of them.
void read_group_size(TableReader& table, GroupSpec& group) {
  auto count = table.integer("count", 1, kMaxNodes);
  auto names = table.strings("names");
  if (table.contains("count") && table.contains("names")) {
    table.sink().error(table.key_position("names"), "'count' and 'names' cannot both be set in [[group]]",
                       "count = N names the nodes <name>-0 .. <name>-(N-1); names = [...] lists them one by one");
    return;
  }
  if (!table.contains("count") && !table.contains("names")) {
    std::string example = group.name.empty() ? "relay" : group.name;
    table.sink().error(table.header(), "[[group]] needs 'count' or 'names'",
                       "add count = 3 (nodes " + example + "-0 .. " + example + "-2) or names = [\"alpha\", \"beta\"]");
    return;
  }
  if (names) read_explicit_names(table, *names, group);
  if (!count) return;
  group.size = count->value;
  group.size_at = count->at;
  group.generated = true;
  if (!group.name.empty()) name_generated_nodes(table, group);
}

GroupSpec read_group(const toml::table& table, const NodeDefaults& defaults, DiagnosticSink& sink) {
  TableReader reader(table, "group", {"name", "count", "names", "protocols", "store_retention"}, sink, true);
  GroupSpec group;
  group.settings = defaults;
  group.name_at = reader.header();
  if (reader.require("name", "add name = \"relay\" (a DNS label; nodes are named <name>-0, <name>-1, ...)")) {
    if (auto name = reader.string("name"); name && check_label(reader, "name", *name)) {
      group.name = name->value;
      group.name_at = name->at;
    }
  }
  read_group_size(reader, group);
  if (auto protocols = read_protocols(reader, "protocols")) group.settings.protocols = *protocols;
  long long seconds = 0;
  if (read_duration(reader, "store_retention", &seconds)) group.settings.store_retention = go_duration(seconds);
  reader.check_unknown_keys();
  return group;
}

// fleet.nodes = N is shorthand for one group "node" of N nodes.
GroupSpec shorthand_group(const Located<long long>& nodes, const NodeDefaults& defaults) {
  GroupSpec group;
  group.name = "node";
  group.name_at = nodes.at;
  group.size_at = nodes.at;
  group.size = nodes.value;
  group.generated = true;
  group.settings = defaults;
  for (long long i = 0; i < nodes.value; ++i) group.node_names.push_back({"node-" + std::to_string(i), nodes.at});
  return group;
}

// Blames the group whose nodes take the fleet past the limit, once.
void check_total(const std::vector<GroupSpec>& groups, DiagnosticSink& sink) {
  long long total = 0;
  for (const auto& group : groups) {
    long long before = total;
    total += group.size;
    if (before <= kMaxNodes && total > kMaxNodes) {
      sink.error(group.size_at,
                 "this [[group]] brings the fleet to " + std::to_string(total) + " nodes; a fleet has at most " +
                     std::to_string(kMaxNodes),
                 "lower the count, or split the nodes into several fleets");
    }
  }
}

struct FirstUse {
  std::string group;
  int line = 0;
};

// Duplicate group names and node names; each is reported where it appears the second time.
void check_unique_names(std::vector<GroupSpec>& groups, DiagnosticSink& sink) {
  std::map<std::string, int> group_lines;
  std::map<std::string, FirstUse> node_uses;
  for (auto& group : groups) {
    if (group.name.empty()) continue;
    if (auto [it, inserted] = group_lines.emplace(group.name, group.name_at.line); !inserted) {
      sink.error(group.name_at, "group name '" + group.name + "' is already used by the [[group]] on line " +
                                    std::to_string(it->second),
                 "give each [[group]] its own name");
      group.node_names.clear();  // its nodes would only repeat the same clash
      continue;
    }
    for (const auto& node : group.node_names) {
      auto [it, inserted] = node_uses.emplace(node.value, FirstUse{group.name, node.at.line});
      if (inserted) continue;
      sink.error(node.at, "node name '" + node.value + "' is already used by group '" + it->second.group +
                              "' on line " + std::to_string(it->second.line),
                 "node names must be unique in the fleet");
      if (group.generated) break;
    }
  }
}

void check_domain_length(const Located<std::string>& domain, const std::vector<GroupSpec>& groups,
                         DiagnosticSink& sink) {
  std::string longest;
  for (const auto& group : groups) {
    for (const auto& node : group.node_names) {
      if (node.value.size() > longest.size()) longest = node.value;
    }
  }
  std::string fqdn = longest + "." + domain.value;
  if (longest.empty() || fqdn.size() <= kMaxDnsName) return;
  sink.error(domain.at, "node address '" + fqdn + "' would be longer than 253 characters",
             "use a shorter domain or shorter node names");
}

void expand(const std::vector<GroupSpec>& groups, Fleet& fleet) {
  int index = 0;
  for (const auto& group : groups) {
    for (const auto& name : group.node_names) {
      Node node;
      node.name = name.value;
      node.group = group.name;
      node.index = index++;
      node.protocols = group.settings.protocols;
      node.store_retention = group.settings.store_retention;
      fleet.nodes.push_back(std::move(node));
    }
  }
}

std::vector<GroupSpec> read_groups(TableReader& root, const NodeDefaults& defaults) {
  std::vector<GroupSpec> groups;
  const toml::array* entries = root.array_of_tables("group");
  if (entries == nullptr) return groups;
  for (const auto& entry : *entries) groups.push_back(read_group(*entry.as_table(), defaults, root.sink()));
  return groups;
}

constexpr const char* kMinimalFleet =
    "every spec needs a [fleet] section, for example:\n"
    "    [fleet]\n"
    "    name = \"demo\"\n"
    "    domain = \"demo.waku.test\"\n"
    "    nodes = 3";

// Checks the node definitions as a whole, then expands them into fleet.nodes.
void finish_nodes(std::vector<GroupSpec>& groups, const std::optional<Located<std::string>>& domain, Fleet& fleet,
                  DiagnosticSink& sink) {
  check_total(groups, sink);
  check_unique_names(groups, sink);
  if (domain) check_domain_length(*domain, groups, sink);
  expand(groups, fleet);
}

void read_name(TableReader& reader, Fleet& fleet) {
  if (!reader.require("name", "add name = \"demo\" (a DNS label: " + std::string(kLabelRule) + ")")) return;
  if (auto name = reader.string("name"); name && check_label(reader, "name", *name)) fleet.name = name->value;
}

// The domain with its position (node addresses are checked against it later), if valid.
std::optional<Located<std::string>> read_domain(TableReader& reader, Fleet& fleet) {
  if (!reader.require("domain", "add domain = \"demo.waku.test\" (nodes are reachable as <node>.<domain>)")) {
    return std::nullopt;
  }
  auto domain = reader.string("domain");
  if (!domain) return std::nullopt;
  if (!util::is_dns_name(domain->value)) {
    reader.sink().error(domain->at, reader.describe("domain") + " must be a DNS name, got '" + domain->value + "'",
                        "dot-separated labels of a-z, 0-9 and '-', for example \"demo.waku.test\"");
    return std::nullopt;
  }
  fleet.domain = domain->value;
  return domain;
}

// fleet.nodes or [[group]]: exactly one of them says what the nodes are.
void read_fleet_nodes(TableReader& reader, bool has_groups, const NodeDefaults& defaults,
                      std::vector<GroupSpec>& groups) {
  auto nodes = reader.integer("nodes", 1, kMaxNodes);
  if (reader.contains("nodes") && has_groups) {
    reader.sink().error(reader.key_position("nodes"), "fleet.nodes and [[group]] cannot be used together",
                        "keep nodes = N for N alike nodes named node-0 .. node-(N-1), or describe every node with "
                        "[[group]] sections and remove nodes");
  } else if (!reader.contains("nodes") && !has_groups && !reader.misspelled("nodes")) {
    reader.sink().error(reader.header(), "no nodes: [fleet] has no 'nodes' and there is no [[group]]",
                        "add nodes = 3 to [fleet], or one or more [[group]] sections with a name and a count");
  } else if (nodes) {
    groups.push_back(shorthand_group(*nodes, defaults));
  }
}

}  // namespace

void read_fleet_and_nodes(TableReader& root, const NodeDefaults& defaults, Fleet& fleet) {
  const toml::table* table = root.table("fleet");
  std::vector<GroupSpec> groups = read_groups(root, defaults);
  if (table == nullptr) {
    if (!root.contains("fleet")) root.sink().error({0, 0}, "missing [fleet] section", kMinimalFleet);
    finish_nodes(groups, std::nullopt, fleet, root.sink());
    return;
  }
  TableReader reader(*table, "fleet", {"name", "domain", "nodes"}, root.sink());
  read_name(reader, fleet);
  auto domain = read_domain(reader, fleet);
  read_fleet_nodes(reader, root.contains("group"), defaults, groups);
  reader.check_unknown_keys();
  finish_nodes(groups, domain, fleet, root.sink());
}

namespace {

// Droplets cannot be given each other's addresses without replacing every droplet whenever the
// fleet grows (the addresses would be in their user data), so on DigitalOcean the nodes find each
// other only through the fleet's DNS tree.
void check_droplets_can_meet(const Fleet& fleet, const TargetFacts& target, const DiscoveryFacts& discovery,
                             DiagnosticSink& sink) {
  if (fleet.target.kind != TargetKind::DigitalOcean || fleet.discovery.dns || fleet.nodes.size() < 2) return;
  std::optional<Position> at = discovery.dns_at ? discovery.dns_at : target.kind_at;
  if (!at) return;
  sink.error(*at, "on the digitalocean target the nodes find each other only through the fleet's DNS tree, and [discovery] dns is off",
             "set dns = true in [discovery]: the tree is published in the fleet's domain, which DigitalOcean serves");
}

}  // namespace

void check_across_sections(const Fleet& fleet, const TargetFacts& target, const DiscoveryFacts& discovery,
                           DiagnosticSink& sink) {
  check_droplets_can_meet(fleet, target, discovery, sink);
  bool serves_peer_exchange = false;
  for (const auto& node : fleet.nodes) serves_peer_exchange = serves_peer_exchange || node.protocols.peer_exchange;
  if (discovery.peer_exchange_at && !fleet.nodes.empty() && !serves_peer_exchange) {
    sink.error(*discovery.peer_exchange_at,
               "discovery.peer_exchange is on but no node runs the 'peer-exchange' protocol",
               "add \"peer-exchange\" to [waku].protocols or to the protocols of a [[group]]");
  }
  if (discovery.all_off_at && fleet.nodes.size() > 1) {
    sink.error(*discovery.all_off_at, "every discovery method in [discovery] is off, so the nodes cannot find each other",
               "keep static_peers = true (the default), or turn on dns, discv5 or peer_exchange");
  }
}

}  // namespace wakufleet::spec::detail
