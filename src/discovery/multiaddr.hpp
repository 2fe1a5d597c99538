// Binary multiaddrs for the Waku ENR "multiaddrs" field, which carries the addresses that the
// ip/tcp fields cannot say (websocket ones, e.g. /dns4/node-1.example.org/tcp/60001/ws).
// Each protocol is a varint code followed by its value: ip4 4 bytes, ip6 16, tcp/udp a
// big-endian u16, dns names a varint length and the name, ws/wss/tls nothing.
#pragma once

#include <string>
#include <vector>

#include "discovery/bytes.hpp"
#include "util/result.hpp"

namespace wakufleet::discovery {

util::Result<Bytes> multiaddr_to_bytes(std::string_view text);
util::Result<std::string> multiaddr_to_text(ByteView bytes);

// The "multiaddrs" field value: each address as a big-endian u16 length and its bytes.
util::Result<Bytes> encode_multiaddrs_field(const std::vector<std::string>& addresses);
util::Result<std::vector<std::string>> decode_multiaddrs_field(ByteView field);

}  // namespace wakufleet::discovery
