// Readers for each section of fleet.toml, shared by parse.cpp (the document) and nodes.cpp
// (the node definitions). Internal to spec/.
#pragma once

#include <optional>
#include <string>

#include "spec/fleet.hpp"
#include "spec/reader.hpp"

namespace wakufleet::spec::detail {

// What [waku] (or a [[group]] override) says every node of a group runs.
struct NodeDefaults {
  Protocols protocols;
  std::string store_retention = "48h";
};

// Facts about [discovery] that checks across sections need.
struct DiscoveryFacts {
  std::optional<Position> peer_exchange_at;  // where discovery.peer_exchange = true is set
  std::optional<Position> all_off_at;        // [discovery] header when every method is off
  std::optional<Position> dns_at;            // where discovery.dns is set
};

struct TargetFacts {
  std::optional<Position> kind_at;  // where target.kind is set
};

// A list of protocol names ("relay", "peer-exchange", ...); nothing if absent or unusable.
std::optional<Protocols> read_protocols(TableReader& table, std::string_view key);

// A duration such as "48h" or "7d"; `seconds` receives its length when it is valid.
std::optional<Located<std::string>> read_duration(TableReader& table, std::string_view key,
                                                  long long* seconds = nullptr);

// The same length written so Go's time.ParseDuration accepts it (go-waku flags): no "d" or "w".
std::string go_duration(long long seconds);

TargetFacts read_target(TableReader& root, Target& target);
NodeDefaults read_waku(TableReader& root, Waku& waku);
DiscoveryFacts read_discovery(TableReader& root, const std::string& domain, Discovery& discovery);
void read_observability(TableReader& root, Observability& observability);

// [fleet] and [[group]]: fills name, domain and the expanded nodes.
void read_fleet_and_nodes(TableReader& root, const NodeDefaults& defaults, Fleet& fleet);

// Checks that need several sections at once (run after all of them have been read).
void check_across_sections(const Fleet& fleet, const TargetFacts& target, const DiscoveryFacts& discovery,
                           DiagnosticSink& sink);

}  // namespace wakufleet::spec::detail
