#include "waku/identity.hpp"

#include "util/files.hpp"

#include <secp256k1.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

namespace wakufleet::waku {

namespace {

const secp256k1_context* context() {
  static std::unique_ptr<secp256k1_context, void (*)(secp256k1_context*)> shared(
      secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY), secp256k1_context_destroy);
  return shared.get();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

util::Result<PrivateKey> generate_private_key() {
  std::ifstream random("/dev/urandom", std::ios::binary);
  PrivateKey key{};
  for (int attempt = 0; attempt < 16; ++attempt) {
    if (!random.read(reinterpret_cast<char*>(key.data()), key.size())) return util::fail("cannot read /dev/urandom");
    if (secp256k1_ec_seckey_verify(context(), key.data())) return key;
  }
  return util::fail("could not generate a valid secp256k1 key");
}

util::Result<PrivateKey> private_key_from_hex(const std::string& hex) {
  std::string digits = hex.rfind("0x", 0) == 0 ? hex.substr(2) : hex;
  while (!digits.empty() && (digits.back() == '\n' || digits.back() == ' ')) digits.pop_back();
  if (digits.size() != 64) return util::fail("a node key is 64 hexadecimal digits");
  PrivateKey key{};
  for (std::size_t i = 0; i < key.size(); ++i) {
    int high = hex_value(digits[2 * i]), low = hex_value(digits[2 * i + 1]);
    if (high < 0 || low < 0) return util::fail("a node key is 64 hexadecimal digits");
    key[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  if (!secp256k1_ec_seckey_verify(context(), key.data())) return util::fail("not a valid secp256k1 private key");
  return key;
}

std::string to_hex(const std::uint8_t* data, std::size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

util::Result<PublicKey> public_key_of(const PrivateKey& key) {
  secp256k1_pubkey point;
  if (!secp256k1_ec_pubkey_create(context(), &point, key.data())) return util::fail("invalid private key");
  PublicKey out{};
  std::size_t size = out.size();
  secp256k1_ec_pubkey_serialize(context(), out.data(), &size, &point, SECP256K1_EC_COMPRESSED);
  return out;
}

util::Result<PrivateKey> ensure_key_file(const std::string& path) {
  auto hex = util::ensure_secret_line(path, []() -> util::Result<std::string> {
    auto key = generate_private_key();
    if (!key) return key.error();
    return to_hex(key->data(), key->size());
  });
  if (!hex) return hex.error();
  auto key = private_key_from_hex(*hex);
  if (!key) return util::fail(path + ": " + key.error().message);
  return key;
}

std::string base58btc(const std::uint8_t* data, std::size_t size) {
  static const char* alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  std::size_t zeros = 0;
  while (zeros < size && data[zeros] == 0) ++zeros;
  std::vector<std::uint8_t> digits;  // base 58, little end first
  for (std::size_t i = zeros; i < size; ++i) {
    int carry = data[i];
    for (auto& digit : digits) {
      carry += 256 * digit;
      digit = static_cast<std::uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<std::uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out += alphabet[*it];
  return out;
}

std::string peer_id_of(const PublicKey& key) {
  // protobuf PublicKey: field 1 (KeyType) = 2 (Secp256k1), field 2 (Data) = 33 bytes.
  std::vector<std::uint8_t> message = {0x08, 0x02, 0x12, static_cast<std::uint8_t>(key.size())};
  message.insert(message.end(), key.begin(), key.end());
  // Keys of 42 bytes or less are inlined with the identity multihash (code 0x00).
  std::vector<std::uint8_t> multihash = {0x00, static_cast<std::uint8_t>(message.size())};
  multihash.insert(multihash.end(), message.begin(), message.end());
  return base58btc(multihash.data(), multihash.size());
}

}  // namespace wakufleet::waku
