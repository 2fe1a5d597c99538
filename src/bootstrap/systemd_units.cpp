// The systemd side of a node droplet: the hardened go-waku service, the journald limits, and the
// path-activated unit that sets DataDog up once its API key has been delivered.
#include "bootstrap/bootstrap.hpp"
#include "bootstrap/text.hpp"
#include "util/text.hpp"

namespace wakufleet::bootstrap {

namespace {

// ExecStart= with one flag per continued line, so a diff of two units reads flag by flag.
std::string exec_start(const std::string& binary, const std::vector<std::string>& flags) {
  std::string line = "ExecStart=" + text::systemd_arg(binary);
  for (const auto& flag : flags) line += " \\\n    " + text::systemd_arg(flag);
  return line + "\n";
}

// Each line says why it is there; `systemd-analyze security` scores the result (tests keep it
// at 3.0 or less).
const char* kHardening = R"(# --- hardening ---
NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
ProtectSystem=strict
)";

// The rest of the hardening, after ReadWritePaths=.
const char* kHardeningRest = R"(ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
DevicePolicy=closed
# The waku user alone is mapped into the service's user namespace.
PrivateUsers=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
# ProcSubset=pid is left out: Go reads /proc/sys/net/core/somaxconn and the Prometheus process
# collector /proc/stat.
# AF_NETLINK: Go enumerates interface addresses (libp2p, discv5) over rtnetlink.
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
# The metadata service hands the user data (the node key) to any local process: go-waku has no
# business there.
IPAddressDeny=169.254.169.254
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
# Go binaries never map writable and executable memory.
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
# A filtered call fails with EPERM instead of killing the node (Go tries setrlimit at start).
SystemCallErrorNumber=EPERM
RemoveIPC=yes
KeyringMode=private
UMask=0077
)";

}  // namespace

std::string go_waku_unit(const spec::Fleet& fleet, const spec::Node& node, const waku::NodeNetwork& network,
                         const std::string& binary, const std::string& enrtree_url) {
  auto flags = waku::node_flags(fleet, node, network, waku::NodePaths{kStoreDb});
  if (!enrtree_url.empty()) {
    flags.push_back("--dns-discovery=true");
    flags.push_back("--dns-discovery-url=" + enrtree_url);
  }
  std::string out;
  out += "# go-waku node " + node.name + " of fleet " + fleet.name + ", written by wakufleet.\n";
  out += "[Unit]\n";
  out += "Description=go-waku node " + node.name + " (fleet " + fleet.name + ")\n";
  out += "Documentation=https://github.com/waku-org/go-waku\n";
  out += "Wants=network-online.target\n";
  out += "After=network-online.target\n";
  out += "RequiresMountsFor=" + std::string(kVolumeMount) + "\n";
  out += "# Restart forever: a node that gives up is worse than one that retries every few seconds.\n";
  out += "StartLimitIntervalSec=0\n";
  out += "\n[Service]\n";
  out += "Type=simple\n";
  out += "User=" + std::string(kServiceUser) + "\n";
  out += "Group=" + std::string(kServiceUser) + "\n";
  out += "# WAKUNODE2_METRICS_SERVER_ADDRESS, WAKUNODE2_REST_ADDRESS: the private address, found at boot.\n";
  out += "EnvironmentFile=" + std::string(kAdminEnvFile) + "\n";
  out += "# WAKUNODE2_NODEKEY: the key stays out of argv, which every user can read in /proc.\n";
  out += "EnvironmentFile=" + std::string(kNodeKeyFile) + "\n";
  out += "WorkingDirectory=" + std::string(kVolumeMount) + "\n";
  out += exec_start(binary, flags);
  out += "Restart=always\n";
  out += "RestartSec=5\n";
  out += "SyslogIdentifier=go-waku\n";
  out += "LimitNOFILE=65536\n";
  out += kHardening;
  out += "# Only the volume is writable: the key, the store database.\n";
  out += "ReadWritePaths=" + std::string(kVolumeMount) + "\n";
  out += kHardeningRest;
  out += "\n[Install]\n";
  out += "WantedBy=multi-user.target\n";
  return out;
}

std::string journald_dropin(const spec::Fleet& fleet, const Options& options) {
  std::string out;
  out += "# Bounds the journal so go-waku's logs rotate instead of filling the disk (wakufleet).\n";
  out += "[Journal]\n";
  out += "Storage=persistent\n";
  out += "SystemMaxUse=" + options.journal_max_use + "\n";
  out += "SystemMaxFileSize=" + options.journal_max_file_size + "\n";
  if (auto seconds = util::parse_duration_seconds(fleet.observability.log_retention)) {
    out += "# observability.log_retention = " + fleet.observability.log_retention + "\n";
    out += "MaxRetentionSec=" + std::to_string(*seconds) + "\n";
  }
  return out;
}

std::string datadog_path_unit() {
  std::string out;
  out += "# Waits for the DataDog API key that wakufleet delivers over SSH.\n";
  out += "[Unit]\n";
  out += "Description=DataDog API key for the agent (wakufleet)\n";
  out += "\n[Path]\n";
  out += "PathExists=" + std::string(kDatadogKeyFile) + "\n";
  out += "Unit=wakufleet-datadog.service\n";
  out += "\n[Install]\n";
  out += "WantedBy=paths.target\n";
  return out;
}

std::string datadog_service_unit(const std::string& script) {
  std::string out;
  out += "# Installs and configures the DataDog agent with the delivered key, then deletes the key file.\n";
  out += "[Unit]\n";
  out += "Description=DataDog agent set-up (wakufleet)\n";
  out += "Wants=network-online.target\n";
  out += "After=network-online.target\n";
  out += "\n[Service]\n";
  out += "Type=oneshot\n";
  out += "ExecStart=" + text::systemd_arg(script) + " datadog\n";
  return out;
}

}  // namespace wakufleet::bootstrap
