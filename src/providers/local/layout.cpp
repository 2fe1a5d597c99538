#include "providers/local/layout.hpp"

#include <filesystem>

#include "util/text.hpp"

namespace wakufleet::providers::local {

namespace fs = std::filesystem;

std::string ipv4_text(std::uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 255) + "." +
         std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255);
}

util::Result<std::uint32_t> parse_ipv4(const std::string& text) {
  auto parts = util::split(text, '.');
  if (parts.size() != 4) return util::fail("not an IPv4 address: " + text);
  std::uint32_t address = 0;
  for (const auto& part : parts) {
    if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string::npos) {
      return util::fail("not an IPv4 address: " + text);
    }
    int value = std::stoi(part);
    if (value > 255) return util::fail("not an IPv4 address: " + text);
    address = (address << 8) | static_cast<std::uint32_t>(value);
  }
  return address;
}

std::uint32_t default_block_for(const std::string& fleet_name) {
  std::uint32_t hash = 2166136261u;  // FNV-1a
  for (unsigned char c : fleet_name) hash = (hash ^ c) * 16777619u;
  // 127.A.B.0 with A in 1..254 and B in 0..251, leaving room for a 1000-node fleet (4 x /24).
  std::uint32_t a = 1 + hash % 254;
  std::uint32_t b = (hash / 254) % 252;
  return (127u << 24) | (a << 16) | (b << 8);
}

std::string Layout::address_at(std::uint32_t offset) const { return ipv4_text(block_start_ + offset); }

util::Result<Layout> Layout::make(const spec::Fleet& fleet, const std::string& spec_dir) {
  Layout layout;
  fs::path data_dir = fleet.target.local.data_dir;
  if (data_dir.is_relative()) data_dir = fs::path(spec_dir) / data_dir;
  layout.root_ = (data_dir.lexically_normal() / fleet.name).string();
  if (fleet.target.local.subnet) {
    std::string start = util::split(*fleet.target.local.subnet, '/')[0];
    auto parsed = parse_ipv4(start);
    if (!parsed) return parsed.error();
    layout.block_start_ = *parsed;
  } else {
    layout.block_start_ = default_block_for(fleet.name);
  }
  return layout;
}

}  // namespace wakufleet::providers::local
