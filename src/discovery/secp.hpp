// The secp256k1 operations of ENRs and DNS trees, over libsecp256k1. Signing is deterministic
// (RFC 6979 nonces, low-s), as in go-ethereum, so our records and roots match its bit for bit.
#pragma once

#include <array>

#include "discovery/bytes.hpp"
#include "util/result.hpp"
#include "waku/identity.hpp"

namespace wakufleet::discovery {

using Signature = std::array<std::uint8_t, 64>;             // r || s
using RecoverableSignature = std::array<std::uint8_t, 65>;  // r || s || v, v in {0, 1}
using PublicKeyXY = std::array<std::uint8_t, 64>;           // uncompressed point without 0x04

util::Result<Signature> sign(const Hash256& digest, const waku::PrivateKey& key);
util::Result<RecoverableSignature> sign_recoverable(const Hash256& digest, const waku::PrivateKey& key);

// Checks an r || s signature (the first 64 bytes of sig; a recovery byte after them is ignored,
// as go-ethereum does for tree roots). High-s signatures are refused.
bool verify(const Hash256& digest, ByteView sig, ByteView compressed_public_key);

bool is_public_key(ByteView compressed_public_key);
util::Result<PublicKeyXY> uncompressed_xy(ByteView compressed_public_key);

}  // namespace wakufleet::discovery
