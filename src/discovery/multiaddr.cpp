#include "discovery/multiaddr.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <optional>

namespace wakufleet::discovery {

namespace {

enum class ValueKind { none, ip4, ip6, port, name };

struct Protocol {
  std::string_view name;
  std::uint64_t code;
  ValueKind kind;
};

// The multicodec table entries a Waku node advertises.
constexpr std::array<Protocol, 10> kProtocols = {{
    {"ip4", 0x04, ValueKind::ip4},
    {"tcp", 0x06, ValueKind::port},
    {"ip6", 0x29, ValueKind::ip6},
    {"dns", 0x35, ValueKind::name},
    {"dns4", 0x36, ValueKind::name},
    {"dns6", 0x37, ValueKind::name},
    {"udp", 0x0111, ValueKind::port},
    {"tls", 0x01c0, ValueKind::none},
    {"ws", 0x01dd, ValueKind::none},
    {"wss", 0x01de, ValueKind::none},
}};

const Protocol* protocol_named(std::string_view name) {
  for (const auto& protocol : kProtocols)
    if (protocol.name == name) return &protocol;
  return nullptr;
}

const Protocol* protocol_coded(std::uint64_t code) {
  for (const auto& protocol : kProtocols)
    if (protocol.code == code) return &protocol;
  return nullptr;
}

void put_varint(Bytes& out, std::uint64_t value) {
  for (; value >= 0x80; value >>= 7) out.push_back(static_cast<std::uint8_t>((value & 0x7f) | 0x80));
  out.push_back(static_cast<std::uint8_t>(value));
}

std::optional<std::uint64_t> take_varint(ByteView& in) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 63 && !in.empty(); shift += 7) {
    std::uint8_t byte = in[0];
    in = in.subspan(1);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
  return std::nullopt;
}

std::vector<std::string_view> split_path(std::string_view text) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 1; start <= text.size();) {
    std::size_t end = text.find('/', start);
    if (end == std::string_view::npos) end = text.size();
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

util::Result<void> put_value(Bytes& out, const Protocol& protocol, std::string_view value) {
  std::string text(value);
  switch (protocol.kind) {
    case ValueKind::none:
      return {};
    case ValueKind::ip4: {
      std::array<std::uint8_t, 4> ip{};
      if (inet_pton(AF_INET, text.c_str(), ip.data()) != 1) return util::fail("invalid ip4 address \"" + text + "\"");
      append(out, ip);
      return {};
    }
    case ValueKind::ip6: {
      std::array<std::uint8_t, 16> ip{};
      if (inet_pton(AF_INET6, text.c_str(), ip.data()) != 1) return util::fail("invalid ip6 address \"" + text + "\"");
      append(out, ip);
      return {};
    }
    case ValueKind::port: {
      unsigned port = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), port);
      if (error != std::errc() || end != value.data() + value.size() || port > 65535)
        return util::fail("invalid port \"" + text + "\"");
      out.push_back(static_cast<std::uint8_t>(port >> 8));
      out.push_back(static_cast<std::uint8_t>(port & 0xff));
      return {};
    }
    case ValueKind::name:
      if (value.empty()) return util::fail("empty " + std::string(protocol.name) + " name");
      put_varint(out, value.size());
      append(out, bytes_of(value));
      return {};
  }
  return {};
}

util::Result<std::string> take_value(ByteView& in, const Protocol& protocol) {
  auto take = [&in](std::size_t size) -> std::optional<ByteView> {
    if (in.size() < size) return std::nullopt;
    ByteView value = in.first(size);
    in = in.subspan(size);
    return value;
  };
  char text[INET6_ADDRSTRLEN] = {};
  switch (protocol.kind) {
    case ValueKind::none:
      return std::string();
    case ValueKind::ip4:
    case ValueKind::ip6: {
      bool v4 = protocol.kind == ValueKind::ip4;
      auto ip = take(v4 ? 4 : 16);
      if (!ip || !inet_ntop(v4 ? AF_INET : AF_INET6, ip->data(), text, sizeof text))
        return util::fail("truncated ip address");
      return std::string(text);
    }
    case ValueKind::port: {
      auto port = take(2);
      if (!port) return util::fail("truncated port");
      return std::to_string(((*port)[0] << 8) | (*port)[1]);
    }
    case ValueKind::name: {
      auto size = take_varint(in);
      std::optional<ByteView> name = size ? take(*size) : std::nullopt;
      if (!name) return util::fail("truncated name");
      return string_of(*name);
    }
  }
  return std::string();
}

}  // namespace

util::Result<Bytes> multiaddr_to_bytes(std::string_view text) {
  if (!text.starts_with('/')) return util::fail("a multiaddr starts with '/': \"" + std::string(text) + "\"");
  auto parts = split_path(text);
  Bytes out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Protocol* protocol = protocol_named(parts[i]);
    if (!protocol)
      return util::fail("multiaddr \"" + std::string(text) + "\": unsupported protocol \"" + std::string(parts[i]) +
                        "\"");
    put_varint(out, protocol->code);
    if (protocol->kind == ValueKind::none) continue;
    if (++i == parts.size())
      return util::fail("multiaddr \"" + std::string(text) + "\": " + std::string(protocol->name) + " needs a value");
    if (auto value = put_value(out, *protocol, parts[i]); !value)
      return util::fail("multiaddr \"" + std::string(text) + "\": " + value.error().message);
  }
  return out;
}

util::Result<std::string> multiaddr_to_text(ByteView bytes) {
  std::string text;
  for (ByteView in = bytes; !in.empty();) {
    auto code = take_varint(in);
    const Protocol* protocol = code ? protocol_coded(*code) : nullptr;
    if (!protocol) return util::fail("multiaddr: unknown protocol code");
    text += "/" + std::string(protocol->name);
    auto value = take_value(in, *protocol);
    if (!value) return util::fail("multiaddr: " + value.error().message);
    if (protocol->kind != ValueKind::none) text += "/" + *value;
  }
  if (text.empty()) return util::fail("multiaddr: empty");
  return text;
}

util::Result<Bytes> encode_multiaddrs_field(const std::vector<std::string>& addresses) {
  Bytes field;
  for (const auto& address : addresses) {
    auto bytes = multiaddr_to_bytes(address);
    if (!bytes) return bytes.error();
    field.push_back(static_cast<std::uint8_t>(bytes->size() >> 8));
    field.push_back(static_cast<std::uint8_t>(bytes->size() & 0xff));
    append(field, *bytes);
  }
  return field;
}

util::Result<std::vector<std::string>> decode_multiaddrs_field(ByteView field) {
  std::vector<std::string> addresses;
  for (ByteView in = field; !in.empty();) {
    if (in.size() < 2) return util::fail("multiaddrs field: truncated length");
    std::size_t size = (static_cast<std::size_t>(in[0]) << 8) | in[1];
    if (in.size() < 2 + size) return util::fail("multiaddrs field: truncated address");
    auto text = multiaddr_to_text(in.subspan(2, size));
    if (!text) return text.error();
    addresses.push_back(*text);
    in = in.subspan(2 + size);
  }
  return addresses;
}

}  // namespace wakufleet::discovery
