// Where a local fleet lives on this machine: its folders and its loopback addresses.
//
//   <data_dir>/<fleet>/
//     s6/                      s6 scan directory: one service directory per node
//     s6/<node>/run, finish, log/run, timeout-kill
//     supervisor.log           s6-svscan's own output
//     nodes/<node>/nodekey     the node's secp256k1 key, hex, mode 0600 (generated once)
//     nodes/<node>/store.db    go-waku's store database
//     nodes/<node>/peers       static peers, one multiaddr a line, read by run at each start
//     nodes/<node>/logs/       rotated logs (s6-log: current, @*.s)
//     nodes/<node>/restarts    how often the node exited while it was meant to be up
#pragma once

#include <cstdint>
#include <string>

#include "spec/fleet.hpp"
#include "util/result.hpp"

namespace wakufleet::providers::local {

// go-waku's usual ports: every node has them on its own address, as it would on a droplet.
inline constexpr int kTcpPort = 60000;
inline constexpr int kWebsocketPort = 60001;
inline constexpr int kMetricsPort = 8008;
inline constexpr int kRestPort = 8645;
inline constexpr int kDiscv5Port = 9000;

// Offsets inside the fleet's block of loopback addresses.
inline constexpr std::uint32_t kDnsOffset = 2;
inline constexpr std::uint32_t kPrometheusOffset = 3;
inline constexpr std::uint32_t kFirstNodeOffset = 10;

class Layout {
 public:
  // `spec_dir` resolves a relative data_dir.
  static util::Result<Layout> make(const spec::Fleet& fleet, const std::string& spec_dir);

  const std::string& root() const { return root_; }
  std::string scan_dir() const { return root_ + "/s6"; }
  std::string supervisor_log() const { return root_ + "/supervisor.log"; }
  std::string resolv_conf() const { return root_ + "/etc/resolv.conf"; }
  std::string hosts_file() const { return root_ + "/etc/hosts"; }
  std::string service_dir(const std::string& node) const { return scan_dir() + "/" + node; }
  std::string node_dir(const std::string& node) const { return root_ + "/nodes/" + node; }
  std::string key_path(const std::string& node) const { return node_dir(node) + "/nodekey"; }
  std::string peers_path(const std::string& node) const { return node_dir(node) + "/peers"; }
  std::string log_dir(const std::string& node) const { return node_dir(node) + "/logs"; }
  std::string log_file(const std::string& node) const { return log_dir(node) + "/current"; }

  std::string node_address(int index) const { return address_at(kFirstNodeOffset + static_cast<std::uint32_t>(index)); }
  std::string address_at(std::uint32_t offset) const;
  std::uint32_t block_start() const { return block_start_; }

 private:
  std::string root_;
  std::uint32_t block_start_ = 0;  // host-order IPv4 of the block's first address
};

// The default block for a fleet: 127.A.B.0 with A.B from a hash of the name (never 127.0.x.x,
// which belongs to the machine). Two fleets whose hashes collide are told so by the address
// check before anything starts, and can set [target.local] subnet.
std::uint32_t default_block_for(const std::string& fleet_name);

std::string ipv4_text(std::uint32_t address);
util::Result<std::uint32_t> parse_ipv4(const std::string& text);

}  // namespace wakufleet::providers::local
