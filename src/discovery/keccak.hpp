// Keccak-256 as Ethereum uses it: the original Keccak submission's padding (0x01), not the
// FIPS 202 SHA3-256 padding (0x06). ENR signatures, node ids and DNS tree hashes all need it.
#pragma once

#include "discovery/bytes.hpp"

namespace wakufleet::discovery {

Hash256 keccak256(ByteView data);
inline Hash256 keccak256(std::string_view text) { return keccak256(bytes_of(text)); }

}  // namespace wakufleet::discovery
