// Small helpers shared by the discovery tests.
#pragma once

#include <stdexcept>
#include <string>

#include "discovery/bytes.hpp"
#include "waku/identity.hpp"

namespace wakufleet::discovery::testing {

inline std::string hex(ByteView bytes) { return waku::to_hex(bytes.data(), bytes.size()); }

inline Bytes from_hex(std::string_view text) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  return out;
}

inline waku::PrivateKey key_from_hex(const std::string& text) {
  auto key = waku::private_key_from_hex(text);
  if (!key) throw std::runtime_error(key.error().message);
  return *key;
}

}  // namespace wakufleet::discovery::testing
