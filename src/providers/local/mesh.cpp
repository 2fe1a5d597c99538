#include "providers/local/mesh.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "util/files.hpp"
#include "waku/node_config.hpp"
#include "waku/rest.hpp"

namespace wakufleet::providers::local {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* kRelayProtocol = "/vac/waku/relay/2.0.0";

std::set<std::string> connected_relay_peers(util::HttpClient& http, const Member& member) {
  std::set<std::string> ids;
  auto peers = waku::NodeApi(http, member.address).peers();
  if (!peers) return ids;
  for (const auto& peer : *peers) {
    bool relay = std::find(peer.protocols.begin(), peer.protocols.end(), kRelayProtocol) != peer.protocols.end();
    if (peer.connected && relay) ids.insert(peer.peer_id);
  }
  return ids;
}

std::size_t count_connected(util::HttpClient& http, const std::vector<Member>& members, std::size_t i) {
  auto ids = connected_relay_peers(http, members[i]);
  std::size_t count = 0;
  for (std::size_t other : neighbours(i, members.size())) count += ids.count(members[other].peer_id);
  return count;
}

}  // namespace

std::vector<std::size_t> neighbours(std::size_t member, std::size_t count) {
  std::set<std::size_t> chosen;
  for (std::size_t step = 1; step <= kRingReach && step < count; ++step) {
    chosen.insert((member + step) % count);
    chosen.insert((member + count - step) % count);
  }
  chosen.erase(member);
  return {chosen.begin(), chosen.end()};
}

util::Result<void> write_peer_files(const Layout& layout, const std::vector<Member>& members) {
  for (std::size_t i = 0; i < members.size(); ++i) {
    std::string path = layout.peers_path(members[i].name);
    std::string text;
    for (std::size_t other : neighbours(i, members.size())) {
      text += waku::tcp_multiaddr(members[other].address, members[other].peer_id) + "\n";
    }
    if (auto written = util::write_file_atomically(path, text); !written) return written;
  }
  return {};
}

std::vector<std::size_t> connected_neighbours(util::HttpClient& http, const std::vector<Member>& members) {
  std::vector<std::size_t> counts;
  for (std::size_t i = 0; i < members.size(); ++i) counts.push_back(count_connected(http, members, i));
  return counts;
}

util::Result<void> connect_mesh(util::HttpClient& http, const std::vector<Member>& members, const std::vector<int>& shards,
                                int timeout_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  std::vector<bool> done(members.size(), false);
  while (true) {
    std::size_t missing = 0;
    std::string example;
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (done[i]) continue;
      auto ids = connected_relay_peers(http, members[i]);
      std::size_t node_missing = 0;
      for (std::size_t other : neighbours(i, members.size())) {
        if (ids.count(members[other].peer_id)) continue;
        ++node_missing;
        if (example.empty()) example = members[i].name + " is not connected to " + members[other].name;
        // Dialling is idempotent; a failure here is retried on the next round.
        (void)waku::NodeApi(http, members[i].address)
            .connect(waku::tcp_multiaddr(members[other].address, members[other].peer_id), shards);
      }
      done[i] = node_missing == 0;
      missing += node_missing;
    }
    if (missing == 0) return {};
    if (std::chrono::steady_clock::now() > deadline) {
      return util::fail("the fleet did not mesh within " + std::to_string(timeout_seconds) + "s: " + example);
    }
    std::this_thread::sleep_for(100ms);
  }
}

}  // namespace wakufleet::providers::local
