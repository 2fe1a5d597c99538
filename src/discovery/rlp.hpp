// RLP (Ethereum's Recursive Length Prefix), as much as ENRs need: byte strings, unsigned
// integers and lists. The decoder accepts only canonical encodings, so that decoding and
// re-encoding a record gives back the signed bytes.
#pragma once

#include <cstdint>
#include <vector>

#include "discovery/bytes.hpp"
#include "util/result.hpp"

namespace wakufleet::discovery {

Bytes rlp_string(ByteView payload);
inline Bytes rlp_string(std::string_view text) { return rlp_string(bytes_of(text)); }
// Integers are big-endian without leading zeros; zero is the empty string.
Bytes rlp_uint(std::uint64_t value);
// items: each already RLP-encoded.
Bytes rlp_list(const std::vector<Bytes>& items);

struct RlpItem {
  bool is_list = false;
  ByteView payload;  // the string's bytes, or the list's concatenated items
  ByteView encoded;  // the whole item, header included
};

// Reads the item at the start of input (there may be more bytes after it).
util::Result<RlpItem> rlp_read(ByteView input);
// Reads an item that must span all of input.
util::Result<RlpItem> rlp_read_exact(ByteView input);
// The items of a list.
util::Result<std::vector<RlpItem>> rlp_items(const RlpItem& list);
util::Result<std::uint64_t> rlp_to_uint(const RlpItem& item);

}  // namespace wakufleet::discovery
