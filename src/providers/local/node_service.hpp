// One go-waku node as an s6 service: its scripts, its key, its readiness.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "providers/local/layout.hpp"
#include "providers/local/supervisor.hpp"
#include "spec/fleet.hpp"
#include "util/http.hpp"
#include "util/result.hpp"

namespace wakufleet::providers::local {

struct NodePlan {
  std::string name;
  std::string fleet;
  std::string address;
  std::string binary;
  std::vector<std::string> flags;
  std::string enrtree_file;  // when set: --dns-discovery-url comes from this file at each start
};

// The service's scripts: run reads the key and the static peers at every start.
ServiceFiles service_files(const NodePlan& node, const Layout& layout);

// The resolv.conf and hosts files that every node of the fleet sees (see the run script):
// `nameserver` is the fleet's own DNS server when it runs (so dns4 names in ENRs resolve),
// else 127.0.0.1, where nothing answers.
util::Result<void> write_private_resolver(const Layout& layout, const std::string& nameserver);

// Creates the node's data folder (0700) and its key (0600) once; returns the peer id.
util::Result<std::string> ensure_identity(const Layout& layout, const std::string& node);

// The peer id of a node whose key exists; nullopt when it has none (never creates one).
std::optional<std::string> existing_peer_id(const Layout& layout, const std::string& node);

// Waits until the node's metrics /health answers OK and /debug/v1/info answers. On timeout
// the error names the node and quotes the last lines of its log.
util::Result<void> wait_ready(util::HttpClient& http, const Supervisor& supervisor, const Layout& layout,
                              const std::string& node, const std::string& address, int timeout_seconds);

// The last `count` lines of the node's current log file.
std::string log_tail(const Layout& layout, const std::string& node, int count);

long restarts_of(const Layout& layout, const std::string& node);

}  // namespace wakufleet::providers::local
