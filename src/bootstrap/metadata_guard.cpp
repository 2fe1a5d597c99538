// The metadata service answers any process on the droplet, and it hands out the user data: the
// node key, and in a multi-create every member's key. This firewall rule, loaded at every boot
// before the network comes up, lets only root ask it (cloud-init, the bootstrap, DigitalOcean's
// own droplet agent); go-waku's unit denies it on its own as well (IPAddressDeny=).
#include "bootstrap/bootstrap.hpp"
#include "bootstrap/text.hpp"

namespace wakufleet::bootstrap {

std::string metadata_guard_nft() {
  std::string out;
  out += "# Only root may reach DigitalOcean's metadata service, which serves the node key (wakufleet).\n";
  out += "# Loading this again replaces the table: declare it, delete it, declare it in full.\n";
  out += "table inet wakufleet_metadata\n";
  out += "delete table inet wakufleet_metadata\n";
  out += "table inet wakufleet_metadata {\n";
  out += "  chain output {\n";
  out += "    type filter hook output priority filter; policy accept;\n";
  out += "    # reject, not drop: a refused connection fails at once instead of timing out.\n";
  out += "    ip daddr 169.254.169.254 meta skuid != 0 counter reject\n";
  out += "  }\n";
  out += "}\n";
  return out;
}

std::string metadata_guard_unit(const std::string& nft) {
  std::string out;
  out += "# Loads " + std::string(kMetadataGuardFile) + " at every boot, before the network (wakufleet).\n";
  out += "[Unit]\n";
  out += "Description=Only root may reach the metadata service (wakufleet)\n";
  out += "DefaultDependencies=no\n";
  out += "Wants=network-pre.target\n";
  out += "Before=network-pre.target shutdown.target\n";
  out += "Conflicts=shutdown.target\n";
  out += "\n[Service]\n";
  out += "Type=oneshot\n";
  out += "RemainAfterExit=yes\n";
  out += "ExecStart=" + text::systemd_arg(nft) + " -f " + text::systemd_arg(kMetadataGuardFile) + "\n";
  out += "\n[Install]\n";
  out += "WantedBy=sysinit.target\n";
  return out;
}

}  // namespace wakufleet::bootstrap
