#include "providers/local/node_service.hpp"

#include <filesystem>
#include <fstream>
#include <thread>

#include "util/files.hpp"
#include "util/text.hpp"
#include "waku/identity.hpp"
#include "waku/rest.hpp"

namespace wakufleet::providers::local {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Single-quotes a word for /bin/sh.
std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

ServiceFiles service_files(const NodePlan& node, const Layout& layout) {
  std::string node_dir = layout.node_dir(node.name);
  ServiceFiles files;
  files.run = "#!/bin/sh\n"
              "# go-waku node " + node.name + " of fleet " + node.fleet + ". Written by wakufleet apply; do not edit.\n"
              "exec 2>&1\n"
              "cd " + shell_quote(node_dir) + " || exit 1\n"
              "# The key goes through the environment: argv is readable by every user in /proc.\n"
              "WAKUNODE2_NODEKEY=$(cat nodekey) || exit 1\n"
              "export WAKUNODE2_NODEKEY GOLOG_LOG_FMT=json\n"
              "# Static peers are read at each start, so that scaling the fleet never needs a restart.\n"
              "set --\n"
              "if [ -f peers ]; then\n"
              "  while read -r peer; do [ -n \"$peer\" ] && set -- \"$@\" \"--staticnode=$peer\"; done < peers\n"
              "fi\n" +
              (node.enrtree_file.empty() ? std::string()
                                         : "if [ -f " + shell_quote(node.enrtree_file) + " ]; then set -- \"$@\" \"--dns-discovery-url=$(cat " +
                                               shell_quote(node.enrtree_file) + ")\"; fi\n") +
              "# go-waku has a built-in NTP client that looks up pool.ntp.org through the system resolver.\n"
              "# A local fleet keeps every packet on this machine: the node gets a private mount namespace\n"
              "# where /etc/resolv.conf names 127.0.0.1 and /etc/hosts knows only localhost.\n"
              "# LIBP2P_TCP_REUSEPORT=false: a taken port is an error (exit 166), not a silently shared one.\n"
              "export LIBP2P_TCP_REUSEPORT=false\n"
              "if [ \"$(id -u)\" = 0 ]; then isolate='unshare --mount --propagation private'; else isolate='unshare --map-root-user --mount --propagation private'; fi\n"
              "exec $isolate sh -c 'mount --bind \"$1\" /etc/resolv.conf && mount --bind \"$2\" /etc/hosts && shift 2 && exec \"$@\"' \\\n"
              "  wakufleet-node " + shell_quote(layout.resolv_conf()) + " " + shell_quote(layout.hosts_file()) + " \\\n"
              "  " + shell_quote(node.binary);
  for (const auto& flag : node.flags) files.run += " \\\n  " + shell_quote(flag);
  files.run += " \\\n  \"$@\"\n";
  files.finish = "#!/bin/sh\n"
                 "# Counts the exits that s6 will restart (the node is still meant to be up).\n"
                 "if [ \"$(s6-svstat -o wantedup .)\" = true ]; then\n"
                 "  count=$(cat " + shell_quote(node_dir + "/restarts") + " 2>/dev/null || echo 0)\n"
                 "  echo $((count + 1)) > " + shell_quote(node_dir + "/restarts") + "\n"
                 "fi\n";
  // s6-log: keep 10 files of at most 10 MB each; -b blocks the node rather than lose lines.
  files.log_run = "#!/bin/sh\nexec s6-log -b n10 s10000000 " + shell_quote(layout.log_dir(node.name)) + "\n";
  return files;
}

util::Result<void> write_private_resolver(const Layout& layout, const std::string& nameserver) {
  std::error_code error;
  fs::create_directories(layout.root() + "/etc", error);
  if (error) return util::fail("cannot create " + layout.root() + "/etc: " + error.message());
  std::ofstream resolv(layout.resolv_conf(), std::ios::trunc);
  resolv << "# Written by wakufleet: nodes of a local fleet resolve nothing off this machine.\nnameserver "
         << nameserver << "\n";
  std::ofstream hosts(layout.hosts_file(), std::ios::trunc);
  hosts << "127.0.0.1 localhost\n::1 localhost\n";
  if (!resolv || !hosts) return util::fail("cannot write " + layout.root() + "/etc");
  return {};
}

util::Result<std::string> ensure_identity(const Layout& layout, const std::string& node) {
  std::error_code error;
  fs::create_directories(layout.log_dir(node), error);
  if (error) return util::fail("cannot create " + layout.node_dir(node) + ": " + error.message());
  fs::permissions(layout.node_dir(node), fs::perms::owner_all, error);
  auto key = waku::ensure_key_file(layout.key_path(node));
  if (!key) return key.error();
  auto public_key = waku::public_key_of(*key);
  if (!public_key) return public_key.error();
  return waku::peer_id_of(*public_key);
}

std::optional<std::string> existing_peer_id(const Layout& layout, const std::string& node) {
  std::ifstream in(layout.key_path(node));
  std::string hex;
  if (!std::getline(in, hex)) return std::nullopt;
  auto key = waku::private_key_from_hex(hex);
  if (!key) return std::nullopt;
  auto public_key = waku::public_key_of(*key);
  if (!public_key) return std::nullopt;
  return waku::peer_id_of(*public_key);
}

std::string log_tail(const Layout& layout, const std::string& node, int count) {
  std::ifstream in(layout.log_file(node));
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (lines.size() > static_cast<std::size_t>(count)) lines.erase(lines.begin());
  }
  std::string out;
  for (const auto& kept : lines) out += "    " + kept + "\n";
  return out;
}

long restarts_of(const Layout& layout, const std::string& node) {
  std::ifstream in(layout.node_dir(node) + "/restarts");
  long count = 0;
  in >> count;
  return in ? count : 0;
}

util::Result<void> wait_ready(util::HttpClient& http, const Supervisor& supervisor, const Layout& layout,
                              const std::string& node, const std::string& address, int timeout_seconds) {
  waku::NodeApi api(http, address);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (api.healthy() && api.info()) return {};
    std::this_thread::sleep_for(50ms);
  }
  ServiceStatus status = supervisor.status(node);
  std::string how = status.up ? "it is running but does not answer" :
                    "it keeps exiting (last exit code " + std::to_string(status.exit_code) + ")";
  return util::fail("node " + node + " was not ready after " + std::to_string(timeout_seconds) + "s: " + how +
                    ". Last lines of " + layout.log_file(node) + ":\n" + log_tail(layout, node, 12));
}

}  // namespace wakufleet::providers::local
