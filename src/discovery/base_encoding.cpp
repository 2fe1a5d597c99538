#include "discovery/base_encoding.hpp"

namespace wakufleet::discovery {

namespace {

constexpr std::string_view kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// Both encodings read the input as a bit stream, bits_per_char bits per output character;
// the last character is filled with zero bits.
std::string encode_bits(ByteView data, std::string_view alphabet, int bits_per_char) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  const unsigned mask = (1u << bits_per_char) - 1;
  for (std::uint8_t byte : data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= bits_per_char) {
      bits -= bits_per_char;
      out += alphabet[(buffer >> bits) & mask];
    }
  }
  if (bits > 0) out += alphabet[(buffer << (bits_per_char - bits)) & mask];
  return out;
}

util::Result<Bytes> decode_bits(std::string_view text, std::string_view alphabet, int bits_per_char,
                                std::string_view name) {
  // Leftover bits of 8 or more would mean a dangling character that carries no whole byte.
  if ((text.size() * static_cast<std::size_t>(bits_per_char)) % 8 >= static_cast<std::size_t>(bits_per_char))
    return util::fail("invalid " + std::string(name) + " length " + std::to_string(text.size()));
  Bytes out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    auto value = alphabet.find(c);
    if (value == std::string_view::npos)
      return util::fail("invalid " + std::string(name) + " character '" + std::string(1, c) + "'");
    buffer = ((buffer << bits_per_char) | static_cast<unsigned>(value)) & 0xffff;
    bits += bits_per_char;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
    }
  }
  return out;
}

}  // namespace

std::string base64url_encode(ByteView data) { return encode_bits(data, kBase64Url, 6); }
util::Result<Bytes> base64url_decode(std::string_view text) { return decode_bits(text, kBase64Url, 6, "base64url"); }

std::string base32_encode(ByteView data) { return encode_bits(data, kBase32, 5); }
util::Result<Bytes> base32_decode(std::string_view text) { return decode_bits(text, kBase32, 5, "base32"); }

}  // namespace wakufleet::discovery
