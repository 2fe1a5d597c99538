// The ENR of a Waku node, encoded as go-waku v0.10.0 does (waku/v2/protocol/enr):
//   ip         4 bytes;  tcp, udp  RLP integers (udp only when discv5 listens)
//   waku2      RLP integer of the capability bits: relay 1, store 2, filter 4, lightpush 8
//   rs         relay shards: cluster u16 BE, shard count u8, each shard u16 BE
//   multiaddrs each address as a u16 BE length + binary multiaddr (websocket addresses)
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "discovery/enr.hpp"
#include "util/result.hpp"
#include "waku/identity.hpp"

namespace wakufleet::discovery {

namespace capability {
constexpr std::uint8_t relay = 1;
constexpr std::uint8_t store = 2;
constexpr std::uint8_t filter = 4;
constexpr std::uint8_t lightpush = 8;
}  // namespace capability

struct RelayShards {
  std::uint16_t cluster = 0;
  std::vector<std::uint16_t> shards;
  bool operator==(const RelayShards&) const = default;
};

struct WakuEnrInput {
  std::string node;  // the node's name, for error messages
  waku::PrivateKey key{};
  std::string ipv4;  // dotted quad
  std::uint16_t tcp_port = 0;
  std::optional<std::uint16_t> udp_port;
  std::uint8_t capabilities = 0;  // capability:: bits
  std::optional<RelayShards> shards;
  std::vector<std::string> multiaddrs;  // e.g. /dns4/node-1.example.org/tcp/60001/ws
  std::uint64_t seq = 1;
};

// Fails with a message naming the node and what to drop when the record exceeds 300 bytes.
util::Result<Enr> make_waku_enr(const WakuEnrInput& input);

struct WakuEnrFields {
  std::optional<std::array<std::uint8_t, 4>> ipv4;
  std::optional<std::uint16_t> tcp_port;
  std::optional<std::uint16_t> udp_port;
  std::optional<std::uint8_t> capabilities;
  std::optional<RelayShards> shards;
  std::vector<std::string> multiaddrs;
};

util::Result<WakuEnrFields> read_waku_fields(const Enr& record);

// The "rs" field value. Shards keep the caller's order, duplicates dropped: go-waku writes
// them in Go map order (random from run to run), so no order is canonical.
util::Result<Bytes> encode_relay_shards(const RelayShards& shards);
util::Result<RelayShards> decode_relay_shards(ByteView field);

}  // namespace wakufleet::discovery
