#include "discovery/waku_enr.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include "discovery/multiaddr.hpp"
#include "discovery/rlp.hpp"

namespace wakufleet::discovery {

namespace {

constexpr std::uint16_t kMaxShardIndex = 1023;  // go-waku's protocol.MaxShardIndex
// go-waku switches to the "rsv" bit vector from 64 shards on; wakufleet writes only "rs".
constexpr std::size_t kMaxListedShards = 63;

void put_u16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

std::uint16_t get_u16(ByteView in, std::size_t at) { return static_cast<std::uint16_t>((in[at] << 8) | in[at + 1]); }

// What would shrink an oversize record, most effective first.
std::string size_advice(const WakuEnrInput& input) {
  for (const auto& address : input.multiaddrs)
    if (address.starts_with("/dns"))
      return "drop the " + address.substr(1, address.find('/', 1) - 1) + " multiaddr " + address +
             " or use a shorter domain name";
  if (!input.multiaddrs.empty()) return "drop the websocket multiaddr " + input.multiaddrs.front();
  if (input.shards && input.shards->shards.size() > 1) return "advertise fewer shards";
  return "drop optional fields";
}

util::Result<std::map<std::string, Bytes>> waku_pairs(const WakuEnrInput& input) {
  std::map<std::string, Bytes> pairs;
  std::array<std::uint8_t, 4> ip{};
  if (inet_pton(AF_INET, input.ipv4.c_str(), ip.data()) != 1)
    return util::fail("node " + input.node + ": invalid IPv4 address \"" + input.ipv4 + "\"");
  // go-waku leaves tcp out when it has no port; a fleet node always listens on one.
  if (input.tcp_port == 0) return util::fail("node " + input.node + ": no TCP port");
  pairs["ip"] = rlp_string(ip);
  pairs["tcp"] = rlp_uint(input.tcp_port);
  if (input.udp_port) pairs["udp"] = rlp_uint(*input.udp_port);
  pairs["waku2"] = rlp_uint(input.capabilities);  // go-waku always writes it, 0 included
  if (input.shards) {
    auto rs = encode_relay_shards(*input.shards);
    if (!rs) return util::fail("node " + input.node + ": " + rs.error().message);
    pairs["rs"] = rlp_string(*rs);
  }
  if (!input.multiaddrs.empty()) {
    auto field = encode_multiaddrs_field(input.multiaddrs);
    if (!field) return util::fail("node " + input.node + ": " + field.error().message);
    pairs["multiaddrs"] = rlp_string(*field);
  }
  return pairs;
}

template <typename T>
util::Result<std::optional<T>> narrow_uint(const Enr& record, const std::string& key, std::uint64_t max) {
  auto value = record.uint_field(key);
  if (!value) return value.error();
  if (!*value) return std::optional<T>{};
  if (**value > max) return util::fail("ENR field \"" + key + "\" is out of range");
  return std::optional<T>(static_cast<T>(**value));
}

util::Result<void> read_ip(const Enr& record, WakuEnrFields& fields) {
  auto ip = record.bytes_field("ip");
  if (!ip) return ip.error();
  if (!*ip) return {};
  if ((*ip)->size() != 4) return util::fail("ENR field \"ip\" is not 4 bytes");
  fields.ipv4.emplace();
  std::copy((*ip)->begin(), (*ip)->end(), fields.ipv4->begin());
  return {};
}

util::Result<void> read_ports(const Enr& record, WakuEnrFields& fields) {
  auto tcp = narrow_uint<std::uint16_t>(record, "tcp", 0xffff);
  auto udp = narrow_uint<std::uint16_t>(record, "udp", 0xffff);
  auto waku2 = narrow_uint<std::uint8_t>(record, "waku2", 0xff);
  if (!tcp) return tcp.error();
  if (!udp) return udp.error();
  if (!waku2) return waku2.error();
  fields.tcp_port = *tcp;
  fields.udp_port = *udp;
  fields.capabilities = *waku2;
  return {};
}

util::Result<void> read_shards(const Enr& record, WakuEnrFields& fields) {
  auto rs = record.bytes_field("rs");
  if (!rs) return rs.error();
  if (!*rs) return {};
  auto shards = decode_relay_shards(**rs);
  if (!shards) return shards.error();
  fields.shards = *shards;
  return {};
}

util::Result<void> read_multiaddrs(const Enr& record, WakuEnrFields& fields) {
  auto field = record.bytes_field("multiaddrs");
  if (!field) return field.error();
  if (!*field) return {};
  auto addresses = decode_multiaddrs_field(**field);
  if (!addresses) return addresses.error();
  fields.multiaddrs = *addresses;
  return {};
}

}  // namespace

util::Result<Bytes> encode_relay_shards(const RelayShards& relay) {
  std::vector<std::uint16_t> shards;
  for (std::uint16_t shard : relay.shards)
    if (std::find(shards.begin(), shards.end(), shard) == shards.end()) shards.push_back(shard);
  if (shards.empty()) return util::fail("relay shards: no shard given");
  if (*std::max_element(shards.begin(), shards.end()) > kMaxShardIndex)
    return util::fail("relay shards: shard index over 1023");
  if (shards.size() > kMaxListedShards)
    return util::fail("relay shards: more than 63 shards need the \"rsv\" bit vector, which is not supported");
  Bytes out;
  put_u16(out, relay.cluster);
  out.push_back(static_cast<std::uint8_t>(shards.size()));
  for (std::uint16_t shard : shards) put_u16(out, shard);
  return out;
}

util::Result<RelayShards> decode_relay_shards(ByteView field) {
  if (field.size() < 3) return util::fail("rs field: shorter than 3 bytes");
  std::size_t count = field[2];
  if (field.size() != 3 + 2 * count) return util::fail("rs field: length does not match its shard count");
  RelayShards relay{get_u16(field, 0), {}};
  for (std::size_t i = 0; i < count; ++i) relay.shards.push_back(get_u16(field, 3 + 2 * i));
  return relay;
}

util::Result<Enr> make_waku_enr(const WakuEnrInput& input) {
  auto pairs = waku_pairs(input);
  if (!pairs) return pairs.error();
  auto record = sign_enr_any_size(input.seq, std::move(*pairs), input.key);
  if (!record) return util::fail("node " + input.node + ": " + record.error().message);
  std::size_t size = enr_rlp(*record).size();
  if (size > kEnrSizeLimit)
    return util::fail("the ENR of node " + input.node + " is " + std::to_string(size) + " bytes; the limit is " +
                      std::to_string(kEnrSizeLimit) + ": " + size_advice(input));
  return record;
}

util::Result<WakuEnrFields> read_waku_fields(const Enr& record) {
  WakuEnrFields fields;
  for (auto step : {read_ip, read_ports, read_shards, read_multiaddrs})
    if (auto read = step(record, fields); !read) return read.error();
  return fields;
}

}  // namespace wakufleet::discovery
