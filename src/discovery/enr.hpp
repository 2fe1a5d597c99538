// Ethereum Node Records (EIP-778) with the "v4" identity scheme.
//
// A record is a sequence number and sorted key/value pairs, signed by the node's secp256k1
// key: signature = r || s over keccak256(rlp([seq, k1, v1, ...])), record = rlp([signature,
// seq, k1, v1, ...]), at most 300 bytes; its text form is "enr:" + base64url.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "discovery/bytes.hpp"
#include "discovery/secp.hpp"
#include "util/result.hpp"
#include "waku/identity.hpp"

namespace wakufleet::discovery {

constexpr std::size_t kEnrSizeLimit = 300;

struct Enr {
  std::uint64_t seq = 0;
  // key -> the value's RLP encoding. Values stay encoded because a record may hold any RLP
  // (strings, integers, lists) and must re-encode to exactly the bytes that were signed.
  // std::map orders keys bytewise, which is the order EIP-778 requires.
  std::map<std::string, Bytes> pairs;
  Signature signature{};

  // The value of a byte-string field, or nullopt when absent; fails if it is not a string.
  util::Result<std::optional<Bytes>> bytes_field(const std::string& key) const;
  util::Result<std::optional<std::uint64_t>> uint_field(const std::string& key) const;
  // The 33-byte compressed public key from the "secp256k1" field.
  util::Result<waku::PublicKey> public_key() const;
};

using NodeId = Hash256;

// Adds "id" = "v4" and "secp256k1" = the key's public key to pairs, then signs. Fails for an
// invalid key or a record over 300 bytes.
util::Result<Enr> sign_enr(std::uint64_t seq, std::map<std::string, Bytes> pairs, const waku::PrivateKey& key);
// The same without the size check, for callers that explain an oversize record themselves.
util::Result<Enr> sign_enr_any_size(std::uint64_t seq, std::map<std::string, Bytes> pairs,
                                    const waku::PrivateKey& key);

Bytes enr_content(const Enr& record);  // rlp([seq, k, v, ...]): what the signature covers
Bytes enr_rlp(const Enr& record);      // rlp([signature, seq, k, v, ...])
std::string enr_text(const Enr& record);

// Decodes and verifies (v4 scheme, signature, size, key order) a record.
util::Result<Enr> parse_enr(std::string_view text);  // "enr:..."
util::Result<Enr> decode_enr(ByteView rlp);

// keccak256 of the uncompressed public key (x || y): the node id that DNS trees sort by.
util::Result<NodeId> node_id(const Enr& record);

}  // namespace wakufleet::discovery
