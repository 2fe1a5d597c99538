// What wakufleet asks a running go-waku node over HTTP (REST API and metrics server).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/http.hpp"
#include "util/result.hpp"

namespace wakufleet::waku {

struct NodeInfo {
  std::string enr;
  std::vector<std::string> listen_addresses;
  std::string peer_id;  // taken from the first listen address' /p2p/ part
};

struct Peer {
  std::string multiaddr;
  std::string peer_id;
  bool connected = false;
  std::vector<std::string> protocols;
};

class NodeApi {
 public:
  NodeApi(util::HttpClient& http, std::string address) : http_(http), address_(std::move(address)) {}

  std::string rest_url() const { return "http://" + address_ + ":8645"; }
  std::string metrics_url() const { return "http://" + address_ + ":8008"; }

  // The metrics server's /health answers "OK" (REST /health answers 501 without RLN).
  bool healthy() const;
  util::Result<NodeInfo> info() const;
  util::Result<std::vector<Peer>> peers() const;
  // Asks the node to add a peer to its store as static and dial it now (POST /admin/v1/peers).
  util::Result<void> connect(const std::string& multiaddr, const std::vector<int>& shards) const;
  // The metrics server's whole exposition (Prometheus text format).
  util::Result<std::string> metrics() const;
  // One metric's value summed over its series; nullopt when the metric is absent.
  util::Result<std::optional<double>> metric(const std::string& name) const;

 private:
  util::HttpClient& http_;
  std::string address_;
};

// Sum of a metric's samples in a Prometheus text exposition.
std::optional<double> metric_value(const std::string& exposition, const std::string& name);

}  // namespace wakufleet::waku
