#include "waku/rest.hpp"

#include <sstream>

namespace wakufleet::waku {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

util::Result<json> get_json(util::HttpClient& http, const std::string& url) {
  auto response = http.send({"GET", url, "", {}, 3000ms});
  if (!response) return response.error();
  if (response->status != 200) return util::fail("GET " + url + " answered " + std::to_string(response->status));
  json document = json::parse(response->body, nullptr, false);
  if (document.is_discarded()) return util::fail("GET " + url + " did not answer JSON");
  return document;
}

std::string peer_id_in(const std::string& multiaddr) {
  auto at = multiaddr.rfind("/p2p/");
  return at == std::string::npos ? "" : multiaddr.substr(at + 5);
}

}  // namespace

bool NodeApi::healthy() const {
  auto response = http_.send({"GET", metrics_url() + "/health", "", {}, 1000ms});
  return response && response->status == 200;
}

util::Result<NodeInfo> NodeApi::info() const {
  auto document = get_json(http_, rest_url() + "/debug/v1/info");
  if (!document) return document.error();
  NodeInfo info;
  info.enr = document->value("enrUri", "");
  for (const auto& address : document->value("listenAddresses", json::array())) {
    if (address.is_string()) info.listen_addresses.push_back(address.get<std::string>());
  }
  if (!info.listen_addresses.empty()) info.peer_id = peer_id_in(info.listen_addresses.front());
  return info;
}

util::Result<std::vector<Peer>> NodeApi::peers() const {
  auto document = get_json(http_, rest_url() + "/admin/v1/peers");
  if (!document) return document.error();
  std::vector<Peer> peers;
  if (!document->is_array()) return peers;
  for (const auto& entry : *document) {
    Peer peer;
    peer.peer_id = entry.value("id", "");
    peer.connected = entry.value("connected", false);
    auto addresses = entry.value("multiaddrs", json::array());
    if (addresses.is_array() && !addresses.empty() && addresses.front().is_string()) peer.multiaddr = addresses.front();
    auto protocols = entry.value("protocols", json::array());
    if (protocols.is_array()) {
      for (const auto& protocol : protocols) {
        if (protocol.is_string()) peer.protocols.push_back(protocol);
      }
    }
    peers.push_back(std::move(peer));
  }
  return peers;
}

util::Result<void> NodeApi::connect(const std::string& multiaddr, const std::vector<int>& shards) const {
  json body = {{"multiaddr", multiaddr}, {"shards", shards}, {"protocols", json::array({"/vac/waku/relay/2.0.0"})}};
  auto response = http_.send({"POST", rest_url() + "/admin/v1/peers", body.dump(),
                              {{"Content-Type", "application/json"}}, 10000ms});
  if (!response) return response.error();
  if (response->status != 200) {
    return util::fail("connecting to " + multiaddr + " answered " + std::to_string(response->status) + ": " + response->body);
  }
  return {};
}

std::optional<double> metric_value(const std::string& exposition, const std::string& name) {
  std::istringstream lines(exposition);
  std::string line;
  std::optional<double> total;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#' || line.compare(0, name.size(), name) != 0) continue;
    char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != ' ' && next != '{') continue;
    auto space = line.rfind(' ');
    try {
      total = total.value_or(0) + std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
      continue;
    }
  }
  return total;
}

util::Result<std::string> NodeApi::metrics() const {
  auto response = http_.send({"GET", metrics_url() + "/metrics", "", {}, 3000ms});
  if (!response) return response.error();
  if (response->status != 200) return util::fail("metrics answered " + std::to_string(response->status));
  return response->body;
}

util::Result<std::optional<double>> NodeApi::metric(const std::string& name) const {
  auto exposition = metrics();
  if (!exposition) return exposition.error();
  return metric_value(*exposition, name);
}

}  // namespace wakufleet::waku
