#include "discovery/secp.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <memory>

namespace wakufleet::discovery {

namespace {

const secp256k1_context* context() {
  static std::unique_ptr<secp256k1_context, void (*)(secp256k1_context*)> shared(
      secp256k1_context_create(SECP256K1_CONTEXT_NONE), secp256k1_context_destroy);
  return shared.get();
}

bool parse_public_key(ByteView compressed, secp256k1_pubkey& point) {
  return compressed.size() == 33 && secp256k1_ec_pubkey_parse(context(), &point, compressed.data(), compressed.size());
}

}  // namespace

util::Result<Signature> sign(const Hash256& digest, const waku::PrivateKey& key) {
  secp256k1_ecdsa_signature signature;
  // A null nonce function selects RFC 6979, the same deterministic nonce go-ethereum uses.
  if (!secp256k1_ecdsa_sign(context(), &signature, digest.data(), key.data(), nullptr, nullptr))
    return util::fail("cannot sign: invalid secp256k1 private key");
  Signature out{};
  secp256k1_ecdsa_signature_serialize_compact(context(), out.data(), &signature);
  return out;
}

util::Result<RecoverableSignature> sign_recoverable(const Hash256& digest, const waku::PrivateKey& key) {
  secp256k1_ecdsa_recoverable_signature signature;
  if (!secp256k1_ecdsa_sign_recoverable(context(), &signature, digest.data(), key.data(), nullptr, nullptr))
    return util::fail("cannot sign: invalid secp256k1 private key");
  RecoverableSignature out{};
  int recovery_id = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), out.data(), &recovery_id, &signature);
  out[64] = static_cast<std::uint8_t>(recovery_id);
  return out;
}

bool verify(const Hash256& digest, ByteView sig, ByteView compressed_public_key) {
  secp256k1_pubkey point;
  secp256k1_ecdsa_signature signature;
  if (sig.size() < 64 || !parse_public_key(compressed_public_key, point)) return false;
  if (!secp256k1_ecdsa_signature_parse_compact(context(), &signature, sig.data())) return false;
  return secp256k1_ecdsa_verify(context(), &signature, digest.data(), &point) == 1;
}

bool is_public_key(ByteView compressed_public_key) {
  secp256k1_pubkey point;
  return parse_public_key(compressed_public_key, point);
}

util::Result<PublicKeyXY> uncompressed_xy(ByteView compressed_public_key) {
  secp256k1_pubkey point;
  if (!parse_public_key(compressed_public_key, point)) return util::fail("not a compressed secp256k1 public key");
  std::array<std::uint8_t, 65> full{};
  std::size_t size = full.size();
  secp256k1_ec_pubkey_serialize(context(), full.data(), &size, &point, SECP256K1_EC_UNCOMPRESSED);
  PublicKeyXY out{};
  std::copy(full.begin() + 1, full.end(), out.begin());
  return out;
}

}  // namespace wakufleet::discovery
