// The metadata service answers any process on the droplet, and it hands out the user data: the
// node key, and in a multi-create every member's key. This firewall rule, loaded at every boot
// before the network comes up, lets only root ask it (cloud-init, the bootstrap, DigitalOcean's
// droplet agent), and DigitalOcean's monitoring agent, which runs as its own user and needs the
// metadata service to authenticate (the bootstrap's metadata-guard step adds its uid when it
// exists). go-waku's unit denies the address on its own as well (IPAddressDeny=).
#include "bootstrap/bootstrap.hpp"
#include "bootstrap/text.hpp"

namespace wakufleet::bootstrap {

namespace {

const char* kRules = R"(# Only trusted users may reach DigitalOcean's metadata service, which serves the node key (wakufleet).
# Loading this again replaces the table: declare it, delete it, declare it in full.
table inet wakufleet_metadata
delete table inet wakufleet_metadata
table inet wakufleet_metadata {
  # root; wakufleet-bootstrap metadata-guard adds the monitoring agent's uid.
  set trusted {
    type uid
    elements = { 0 }
  }
  chain output {
    type filter hook output priority filter; policy accept;
    # reject, not drop: a refused connection fails at once instead of timing out.
    ip daddr 169.254.169.254 meta skuid != @trusted counter reject
  }
}
)";

// Early in boot, before anything talks to the network; not part of the usual boot ordering.
const char* kUnitHead = R"([Unit]
Description=Only trusted users may reach the metadata service (wakufleet)
DefaultDependencies=no
Wants=network-pre.target
Before=network-pre.target shutdown.target
Conflicts=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
)";

}  // namespace

std::string metadata_guard_nft() { return kRules; }

std::string metadata_guard_unit(const std::string& script) {
  return "# Loads " + std::string(kMetadataGuardFile) + " at every boot, before the network (wakufleet).\n" +
         kUnitHead + "ExecStart=" + text::systemd_arg(script) + " metadata-guard\n\n[Install]\nWantedBy=sysinit.target\n";
}

}  // namespace wakufleet::bootstrap
