#include "spec/fleet.hpp"

namespace wakufleet::spec {

const std::vector<std::pair<std::string, Protocol>>& protocol_names() {
  // The spelling fleet.toml uses, which is also go-waku's flag spelling (--peer-exchange).
  static const std::vector<std::pair<std::string, Protocol>> names = {
      {"relay", Protocol::Relay},         {"store", Protocol::Store},
      {"filter", Protocol::Filter},       {"lightpush", Protocol::Lightpush},
      {"peer-exchange", Protocol::PeerExchange},
  };
  return names;
}

std::string to_string(Protocol protocol) {
  for (const auto& [name, value] : protocol_names()) {
    if (value == protocol) return name;
  }
  return "unknown";  // unreachable while protocol_names() lists every enumerator
}

}  // namespace wakufleet::spec
