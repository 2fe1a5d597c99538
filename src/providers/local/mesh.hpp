// Meshing the local fleet: who peers with whom, written where each node reads it at start,
// and dialled live through go-waku's admin API (go-waku dials static peers only once, at start).
#pragma once

#include <string>
#include <vector>

#include "providers/local/layout.hpp"
#include "util/http.hpp"
#include "util/result.hpp"

namespace wakufleet::providers::local {

struct Member {
  std::string name;
  std::string address;
  std::string peer_id;
};

// Up to this many neighbours on each side of a node in the ring of members: small fleets are a
// full mesh, large ones a ring lattice of degree 2*kRingReach (go-waku's gossipsub needs ~6).
inline constexpr std::size_t kRingReach = 4;

std::vector<std::size_t> neighbours(std::size_t member, std::size_t count);

// Writes every member's peers file (one multiaddr a line).
util::Result<void> write_peer_files(const Layout& layout, const std::vector<Member>& members);

// Dials every member's neighbours and waits until each member has them as connected relay peers.
util::Result<void> connect_mesh(util::HttpClient& http, const std::vector<Member>& members, const std::vector<int>& shards,
                                int timeout_seconds);

// How many of its neighbours each member is connected to right now (relay peers).
std::vector<std::size_t> connected_neighbours(util::HttpClient& http, const std::vector<Member>& members);

}  // namespace wakufleet::providers::local
