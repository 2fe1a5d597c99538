// A Waku node's identity: its secp256k1 key and the libp2p peer id derived from it.
// wakufleet generates the key before the node first starts, so every node's peer id (and so its
// static-peer multiaddr and, later, its ENR) is known without asking the running node.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "util/result.hpp"

namespace wakufleet::waku {

using PrivateKey = std::array<std::uint8_t, 32>;
using PublicKey = std::array<std::uint8_t, 33>;  // compressed SEC1

util::Result<PrivateKey> generate_private_key();
util::Result<PrivateKey> private_key_from_hex(const std::string& hex);
std::string to_hex(const std::uint8_t* data, std::size_t size);

util::Result<PublicKey> public_key_of(const PrivateKey& key);

// libp2p peer id of a secp256k1 key: base58btc of the identity multihash of the protobuf
// PublicKey{Type: Secp256k1, Data: compressed key} — the "16Uiu2..." ids go-waku prints.
std::string peer_id_of(const PublicKey& key);

// The key kept in `path` (64 hex digits and a newline, mode 0600), generated there on first
// use; the folder must exist. Concurrent callers in one process get the same key.
util::Result<PrivateKey> ensure_key_file(const std::string& path);

std::string base58btc(const std::uint8_t* data, std::size_t size);

}  // namespace wakufleet::waku
