// The shell script cloud-init installs on a node droplet. Its parameters are generated; its steps
// are fixed text, so that what runs on every droplet can be read (and shellchecked) in one place.
#include "bootstrap/bootstrap.hpp"
#include "bootstrap/text.hpp"

namespace wakufleet::bootstrap {

namespace {

const char* kSteps = R"SH(
log() { echo "wakufleet-bootstrap: $*" >&2; }
die() { log "$*"; exit 1; }

# A volume attached at creation shows a moment after boot. A droplet made in a multi-create gets
# its volume only when wakufleet reaches its node, which in a large fleet can be many minutes later.
VOLUME_DEVICE=  # from $NODE_ENV
wait_for_volume() {
  waited=0
  while [ ! -b "$VOLUME_DEVICE" ]; do
    [ "$waited" -lt "$VOLUME_WAIT_SECONDS" ] || die "volume $VOLUME_DEVICE did not appear in $VOLUME_WAIT_SECONDS s"
    [ $((waited % 60)) -ne 0 ] || log "waiting for the volume $VOLUME_DEVICE"
    sleep 1
    waited=$((waited + 1))
  done
}

# mkfs only when blkid positively finds nothing (exit 2): any other answer must never wipe a
# volume that holds a node key and a store.
format_volume_if_blank() {
  status=0
  blkid -p "$VOLUME_DEVICE" >/dev/null 2>&1 || status=$?
  case "$status" in
    0) ;;
    2) log "formatting the blank volume $VOLUME_DEVICE"; mkfs.ext4 -q -L waku "$VOLUME_DEVICE" ;;
    *) die "blkid failed on $VOLUME_DEVICE (exit $status): not formatting it" ;;
  esac
}

mount_volume() {
  wait_for_volume
  format_volume_if_blank
  mkdir -p "$MOUNT"
  # nofail: a droplet whose volume is missing still boots, and can be reached over SSH.
  if ! awk -v mount="$MOUNT" '$2 == mount { found = 1 } END { exit !found }' /etc/fstab; then
    echo "$VOLUME_DEVICE $MOUNT ext4 defaults,nofail,discard,noatime 0 2" >>/etc/fstab
  fi
  systemctl daemon-reload
  mountpoint -q "$MOUNT" || mount "$MOUNT"
  # A new droplet's waku user may have another uid than the one that wrote the volume.
  chown waku:waku "$MOUNT"
  chmod 0750 "$MOUNT"
  find "$MOUNT" -xdev -mindepth 1 -path "$MOUNT/lost+found" -prune -o -exec chown waku:waku {} +
}

# The key on the volume wins: it is the node's identity, and it outlives droplets.
install_node_key() {
  mountpoint -q "$MOUNT" || die "$MOUNT is not mounted: the node key must not land on the root disk"
  if [ -s "$NODE_KEY" ]; then
    log "keeping the node key already on the volume"
  else
    [ -s "$STAGED_NODE_KEY" ] || die "no node key staged at $STAGED_NODE_KEY"
    install -m 0600 -o waku -g waku "$STAGED_NODE_KEY" "$NODE_KEY"
    log "node key written to the volume"
  fi
  chmod 0600 "$NODE_KEY"
  rm -f "$STAGED_NODE_KEY"
}

# Run by the guard unit at every boot: the rules, then the trusted users that exist by now.
load_metadata_guard() {
  nft -f "$GUARD_RULES" || die "nft cannot load $GUARD_RULES"
  for user in $GUARD_TRUSTED_USERS; do
    uid=$(id -u "$user" 2>/dev/null) || continue
    nft add element inet wakufleet_metadata trusted "{ $uid }" || die "nft cannot trust the user $user"
    log "the metadata service stays open to $user (uid $uid)"
  done
}

# First of all: from now on only trusted users may ask the metadata service for the user data
# (node keys).
guard_metadata() {
  if ! command -v nft >/dev/null 2>&1; then
    log "installing nftables"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nftables >/dev/null; }; then
      die "cannot install nftables: the metadata service stays open to every user"
    fi
  fi
  systemctl daemon-reload
  systemctl enable "$GUARD_UNIT"
  systemctl restart "$GUARD_UNIT" || die "cannot load $GUARD_UNIT"
}

is_ipv4() {
  printf '%s\n' "$1" | awk -F. 'NR > 1 || NF != 4 { exit 1 }
    { for (i = 1; i <= 4; i++) if ($i !~ /^[0-9]+$/ || $i + 0 > 255) exit 1 }'
}

# go-waku's metrics and REST admin API listen on the droplet's private (VPC) address alone; the
# firewall admits only the VPC range to them as well. A droplet learns that address from the
# metadata service. Without one, loopback: only the droplet's own agent can scrape.
write_admin_env() {
  address=$(curl -fsS --max-time 10 --retry 5 "$METADATA_URL/interfaces/private/0/ipv4/address" 2>/dev/null || true)
  if ! is_ipv4 "$address"; then
    log "no private IPv4 address from the metadata service: metrics and REST listen on 127.0.0.1 only"
    address=127.0.0.1
  fi
  mkdir -p "$(dirname "$ADMIN_ENV")"
  printf 'WAKUNODE2_METRICS_SERVER_ADDRESS=%s\nWAKUNODE2_REST_ADDRESS=%s\n' "$address" "$address" >"$ADMIN_ENV.new"
  chmod 0644 "$ADMIN_ENV.new"
  mv -f "$ADMIN_ENV.new" "$ADMIN_ENV"
  # The agent's scrape URL names the same address.
  if [ -f "$DD_TEMPLATES/openmetrics.yaml" ]; then
    sed -i "s/$ADMIN_PLACEHOLDER/$address/g" "$DD_TEMPLATES/openmetrics.yaml"
  fi
  log "metrics and REST listen on $address"
}

binary_is_pinned() {
  [ -x "$1" ] && echo "$GO_WAKU_SHA256  $1" | sha256sum --check --status -
}

install_go_waku() {
  if binary_is_pinned "$BINARY"; then
    log "go-waku already installed"
    return 0
  fi
  download=$(mktemp "$BINARY.XXXXXX")
  if ! curl -fsSL --proto '=https' --tlsv1.2 --retry 5 --retry-connrefused -o "$download" "$GO_WAKU_URL"; then
    rm -f "$download"
    die "cannot download go-waku from $GO_WAKU_URL"
  fi
  chmod 0755 "$download"
  if ! binary_is_pinned "$download"; then
    rm -f "$download"
    die "go-waku from $GO_WAKU_URL does not have the sha256 $GO_WAKU_SHA256"
  fi
  mv -f "$download" "$BINARY"
}

start_node() {
  systemctl daemon-reload
  systemctl restart systemd-journald  # reads the journald drop-in
  systemctl enable "$UNIT"
  systemctl restart "$UNIT"
  if [ "$DATADOG" = yes ]; then
    systemctl enable --now wakufleet-datadog.path
  fi
}

# Run by wakufleet-datadog.service once the key has been delivered. The key is deleted first (the
# path unit would fire again) and goes to awk through the environment: never through an argv,
# which every user can read in /proc.
setup_datadog() {
  [ -s "$DD_KEY_FILE" ] || die "no DataDog API key at $DD_KEY_FILE"
  key=$(tr -d ' \t\r\n' <"$DD_KEY_FILE")
  rm -f "$DD_KEY_FILE"
  case "$key" in
    '' | *[!0-9a-fA-F]*) die "the delivered DataDog API key is not hexadecimal" ;;
  esac
  [ "${#key}" -eq 32 ] || die "the delivered DataDog API key is not 32 characters long"
  install -d -m 0755 /etc/datadog-agent /etc/datadog-agent/conf.d \
    /etc/datadog-agent/conf.d/openmetrics.d /etc/datadog-agent/conf.d/journald.d
  (
    umask 077
    DD_API_KEY="$key" awk -v placeholder="api_key: $DD_PLACEHOLDER" \
      '$0 == placeholder { print "api_key: " ENVIRON["DD_API_KEY"]; next } { print }' \
      "$DD_TEMPLATES/datadog.yaml" >/etc/datadog-agent/datadog.yaml.new
    mv -f /etc/datadog-agent/datadog.yaml.new /etc/datadog-agent/datadog.yaml
  )
  install -m 0644 "$DD_TEMPLATES/openmetrics.yaml" /etc/datadog-agent/conf.d/openmetrics.d/conf.yaml
  install -m 0644 "$DD_TEMPLATES/journald.yaml" /etc/datadog-agent/conf.d/journald.d/conf.yaml
  if ! dpkg-query -W -f='${Status}' datadog-agent 2>/dev/null | grep -q 'install ok installed'; then
    installer=$(mktemp)
    curl -fsSL --proto '=https' --tlsv1.2 --retry 5 -o "$installer" "$DD_INSTALL_SCRIPT_URL"
    # No DD_API_KEY here: the installer would put it on sed's and apt's command lines. It keeps
    # the datadog.yaml written above.
    DD_SITE="$DD_SITE" DD_INSTALL_ONLY=true bash "$installer"
    rm -f "$installer"
  fi
  chown dd-agent:dd-agent /etc/datadog-agent/datadog.yaml
  chmod 0640 /etc/datadog-agent/datadog.yaml
  chown -R dd-agent:dd-agent /etc/datadog-agent/conf.d/openmetrics.d /etc/datadog-agent/conf.d/journald.d
  usermod -a -G systemd-journal dd-agent  # reads go-waku's journal
  systemctl enable datadog-agent
  systemctl restart datadog-agent
}

case "${1:-}" in
  node)
    [ -r "$NODE_ENV" ] || die "no $NODE_ENV: this droplet does not know its node"
    # shellcheck disable=SC1090  # generated, beside this script
    . "$NODE_ENV"
    guard_metadata
    install_go_waku  # first: the download overlaps the wait for the volume
    write_admin_env
    mount_volume
    install_node_key
    start_node
    ;;
  admin-env) write_admin_env ;;
  metadata-guard) load_metadata_guard ;;
  datadog) setup_datadog ;;
  *) die "usage: $0 node|admin-env|metadata-guard|datadog" ;;
esac
)SH";

std::string assign(const std::string& name, const std::string& value) {
  return name + "=" + text::shell_quoted(value) + "\n";
}

}  // namespace

std::string node_env(const NodeDroplet& droplet) {
  return "# This droplet's node, for " + std::string(kBootstrapScript) + " (written by wakufleet).\n" +
         assign("VOLUME_DEVICE", volume_device(droplet.volume_name));
}

std::string bootstrap_script(const spec::Fleet& fleet, const Options& options) {
  std::string out = "#!/bin/sh\n";
  out += "# wakufleet bootstrap of a go-waku node droplet of fleet " + fleet.name + ", installed by cloud-init.\n";
  out += "# Steps: \"node\" (runcmd: metadata guard, go-waku, admin address, volume, node key, start), \"admin-env\"\n";
  out += "# (the admin address alone), \"metadata-guard\" (run by the guard unit at every boot) and \"datadog\"\n";
  out += "# (run by wakufleet-datadog.service once the API key is delivered). Each can be run again safely.\n";
  out += "set -eu\n\n";
  out += "# --- generated ---\n";
  out += assign("GO_WAKU_URL", options.go_waku.url);
  out += assign("GO_WAKU_SHA256", options.go_waku.sha256);
  out += assign("DD_SITE", fleet.observability.datadog_site);
  out += assign("DATADOG", options.datadog ? "yes" : "no");
  out += "# --- the droplet's layout (src/bootstrap/bootstrap.hpp) ---\n";
  out += "ROOT=${WAKUFLEET_ROOT:-}  # tests run steps below a scratch folder\n";
  out += "METADATA_URL=${WAKUFLEET_METADATA_URL:-http://169.254.169.254/metadata/v1}\n";
  out += assign("NODE_ENV", kNodeEnvFile);
  out += "ADMIN_ENV=\"$ROOT\"" + text::shell_quoted(kAdminEnvFile) + "\n";
  out += assign("ADMIN_PLACEHOLDER", kAdminAddressPlaceholder);
  out += assign("VOLUME_WAIT_SECONDS", "3600");
  out += assign("MOUNT", kVolumeMount);
  out += assign("NODE_KEY", kNodeKeyFile);
  out += assign("STAGED_NODE_KEY", kStagedNodeKeyFile);
  out += assign("BINARY", kGoWakuBinary);
  out += assign("UNIT", kUnitName);
  out += assign("GUARD_UNIT", kMetadataGuardUnit);
  out += "GUARD_RULES=\"$ROOT\"" + text::shell_quoted(kMetadataGuardFile) + "\n";
  out += "GUARD_TRUSTED_USERS=${WAKUFLEET_TRUSTED_USERS-" + text::shell_quoted(kMetadataTrustedUsers) + "}\n";
  out += assign("DD_KEY_FILE", kDatadogKeyFile);
  out += assign("DD_PLACEHOLDER", kDatadogApiKeyPlaceholder);
  out += "DD_TEMPLATES=\"$ROOT\"" + text::shell_quoted(kDatadogTemplateDir) + "\n";
  out += assign("DD_INSTALL_SCRIPT_URL", kDatadogInstallScriptUrl);
  out += kSteps;
  return out;
}

}  // namespace wakufleet::bootstrap
