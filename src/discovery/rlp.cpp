#include "discovery/rlp.hpp"

namespace wakufleet::discovery {

namespace {

constexpr std::uint8_t kShortString = 0x80;
constexpr std::uint8_t kLongString = 0xb7;
constexpr std::uint8_t kShortList = 0xc0;
constexpr std::uint8_t kLongList = 0xf7;

Bytes big_endian(std::uint64_t value) {
  Bytes out;
  for (; value > 0; value >>= 8) out.insert(out.begin(), static_cast<std::uint8_t>(value & 0xff));
  return out;
}

// Short payloads (<= 55 bytes) carry their length in the first byte; longer ones in the
// big-endian bytes after it.
Bytes header(std::uint8_t short_base, std::uint8_t long_base, std::size_t length) {
  if (length <= 55) return {static_cast<std::uint8_t>(short_base + length)};
  Bytes size = big_endian(length);
  Bytes out = {static_cast<std::uint8_t>(long_base + size.size())};
  append(out, size);
  return out;
}

struct Header {
  bool is_list;
  std::size_t header_size;
  std::size_t payload_size;
};

util::Result<std::size_t> read_long_size(ByteView input, std::size_t size_bytes) {
  if (input.size() < 1 + size_bytes) return util::fail("RLP: truncated length");
  if (input[1] == 0) return util::fail("RLP: length with leading zeros");
  std::size_t size = 0;
  for (std::size_t i = 0; i < size_bytes; ++i) size = (size << 8) | input[1 + i];
  if (size <= 55) return util::fail("RLP: long form used for a short payload");
  return size;
}

util::Result<Header> read_header(ByteView input) {
  if (input.empty()) return util::fail("RLP: empty input");
  std::uint8_t first = input[0];
  if (first < kShortString) return Header{false, 0, 1};
  if (first <= kLongString) return Header{false, 1, static_cast<std::size_t>(first - kShortString)};
  if (first < kShortList) {
    std::size_t size_bytes = first - kLongString;
    if (size_bytes > 4) return util::fail("RLP: string too long");
    auto size = read_long_size(input, size_bytes);
    if (!size) return size.error();
    return Header{false, 1 + size_bytes, *size};
  }
  if (first <= kLongList) return Header{true, 1, static_cast<std::size_t>(first - kShortList)};
  std::size_t size_bytes = first - kLongList;
  if (size_bytes > 4) return util::fail("RLP: list too long");
  auto size = read_long_size(input, size_bytes);
  if (!size) return size.error();
  return Header{true, 1 + size_bytes, *size};
}

}  // namespace

Bytes rlp_string(ByteView payload) {
  if (payload.size() == 1 && payload[0] < kShortString) return {payload[0]};
  Bytes out = header(kShortString, kLongString, payload.size());
  append(out, payload);
  return out;
}

Bytes rlp_uint(std::uint64_t value) { return rlp_string(big_endian(value)); }

Bytes rlp_list(const std::vector<Bytes>& items) {
  std::size_t size = 0;
  for (const auto& item : items) size += item.size();
  Bytes out = header(kShortList, kLongList, size);
  for (const auto& item : items) append(out, item);
  return out;
}

util::Result<RlpItem> rlp_read(ByteView input) {
  auto head = read_header(input);
  if (!head) return head.error();
  std::size_t total = head->header_size + head->payload_size;
  if (total > input.size()) return util::fail("RLP: item runs past the end of the input");
  RlpItem item{head->is_list, input.subspan(head->header_size, head->payload_size), input.first(total)};
  // A single byte below 0x80 must be written as itself, not as a one-byte string.
  if (!item.is_list && head->header_size == 1 && head->payload_size == 1 && item.payload[0] < kShortString)
    return util::fail("RLP: non-canonical single byte");
  return item;
}

util::Result<RlpItem> rlp_read_exact(ByteView input) {
  auto item = rlp_read(input);
  if (!item) return item;
  if (item->encoded.size() != input.size()) return util::fail("RLP: trailing bytes after the item");
  return item;
}

util::Result<std::vector<RlpItem>> rlp_items(const RlpItem& list) {
  if (!list.is_list) return util::fail("RLP: expected a list");
  std::vector<RlpItem> items;
  for (ByteView rest = list.payload; !rest.empty();) {
    auto item = rlp_read(rest);
    if (!item) return item.error();
    rest = rest.subspan(item->encoded.size());
    items.push_back(*item);
  }
  return items;
}

util::Result<std::uint64_t> rlp_to_uint(const RlpItem& item) {
  if (item.is_list) return util::fail("RLP: expected an integer, found a list");
  if (item.payload.size() > 8) return util::fail("RLP: integer wider than 64 bits");
  if (!item.payload.empty() && item.payload[0] == 0) return util::fail("RLP: integer with leading zeros");
  std::uint64_t value = 0;
  for (std::uint8_t byte : item.payload) value = (value << 8) | byte;
  return value;
}

}  // namespace wakufleet::discovery
