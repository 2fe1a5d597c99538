// What a node droplet is given at birth: the cloud-init user data that mounts its volume, installs
// go-waku as a hardened systemd service and wires it to DataDog. Pure functions of the spec (and of
// the few facts only the DigitalOcean target knows), so that plan output is reproducible and every
// generated file can be checked offline (systemd-analyze, cloud-init schema, a YAML parser).
//
// Secrets: the node key travels inside the user data (once, in the write_files entry that stages
// it); the DigitalOcean target must therefore mark user_data sensitive and show only
// user_data_digest() in plans and state. The DataDog API key never enters the user data: it is
// delivered later over SSH (datadog_key_install_command()) and fills a placeholder on the droplet.
// See docs/bootstrap.md.
#pragma once

#include <string>
#include <vector>

#include "spec/fleet.hpp"
#include "util/result.hpp"
#include "waku/node_config.hpp"

namespace wakufleet::bootstrap {

// The droplet's layout. One place, shared by the unit, the bootstrap script and the docs.
inline constexpr const char* kVolumeMount = "/mnt/waku";               // the DigitalOcean volume
inline constexpr const char* kNodeKeyFile = "/mnt/waku/nodekey.env";   // WAKUNODE2_NODEKEY=<hex>, 0600 waku
inline constexpr const char* kStoreDb = "/mnt/waku/store.db";          // survives droplet re-creation
inline constexpr const char* kStagedNodeKeyFile = "/run/wakufleet/nodekey.env";  // tmpfs, until copied
inline constexpr const char* kGoWakuBinary = "/usr/local/bin/waku";
inline constexpr const char* kBootstrapScript = "/usr/local/sbin/wakufleet-bootstrap";
inline constexpr const char* kNodeEnvFile = "/etc/wakufleet/node.env";  // the node's facts for the bootstrap
// WAKUNODE2_METRICS_SERVER_ADDRESS and WAKUNODE2_REST_ADDRESS: the droplet's private address,
// written at boot from the metadata service.
inline constexpr const char* kAdminEnvFile = "/etc/wakufleet/admin.env";
inline constexpr const char* kAdminAddressPlaceholder = "WAKUFLEET_PRIVATE_IPV4";  // in the agent's scrape URL
inline constexpr const char* kSelectScript = "/usr/local/sbin/wakufleet-select";  // batch user data only
inline constexpr const char* kBatchDir = "/run/wakufleet/batch";  // tmpfs: each member's files, until selected
inline constexpr const char* kUnitName = "go-waku.service";
inline constexpr const char* kMetadataGuardFile = "/etc/wakufleet/metadata-guard.nft";
inline constexpr const char* kMetadataGuardUnit = "wakufleet-metadata-guard.service";
inline constexpr const char* kServiceUser = "waku";
inline constexpr const char* kDatadogKeyFile = "/etc/wakufleet/secrets/datadog-api-key";
inline constexpr const char* kDatadogApiKeyPlaceholder = "WAKUFLEET_DATADOG_API_KEY";
inline constexpr const char* kDatadogTemplateDir = "/etc/wakufleet/datadog";  // copied into the agent's config
inline constexpr const char* kDatadogInstallScriptUrl = "https://install.datadoghq.com/scripts/install_script_agent7.sh";
// A URL that can never resolve (.invalid, RFC 2606): the release to install must be configured.
inline constexpr const char* kGoWakuUrlPlaceholder = "https://go-waku-release.invalid/v0.10.0/waku-linux-amd64";

// The go-waku binary a droplet downloads, pinned by its checksum.
struct GoWakuRelease {
  std::string url = kGoWakuUrlPlaceholder;  // https only
  std::string sha256;                       // 64 hex digits of the binary
};

// What only the DigitalOcean target knows about one node's droplet.
struct NodeDroplet {
  std::string volume_name;    // the DigitalOcean volume; its device is /dev/disk/by-id/scsi-0DO_Volume_<name>
  waku::NodeNetwork network;  // droplet_network(): libp2p on every address, admin on the private one
  std::string node_key_hex;   // SECRET: 64 hex digits (secp256k1 private key)
  std::string enrtree_url;    // the fleet's EIP-1459 tree; empty: no DNS discovery
};

struct Options {
  GoWakuRelease go_waku;
  bool datadog = true;                      // install the agent once its API key is delivered
  std::string journal_max_use = "1G";       // journald SystemMaxUse=
  std::string journal_max_file_size = "64M";  // journald SystemMaxFileSize=
};

// A droplet's go-waku network: libp2p on every address, announced at the reserved IP; metrics and
// REST on the private (VPC) address, which the bootstrap learns at boot (kAdminEnvFile).
waku::NodeNetwork droplet_network(const std::string& reserved_ip, const std::string& dns_name);

// ---- DataDog -----------------------------------------------------------------------------------

// One go-waku metric the OpenMetrics check collects.
struct CuratedMetric {
  std::string family;  // the family name as the check's parser sees it (a counter's "_total" removed)
  std::string name;    // the DataDog name under the "waku." namespace
  std::string group;   // peers, messages, store, filter, lightpush, discovery, process
};
const std::vector<CuratedMetric>& curated_metrics();

// Where the agent on the droplet scrapes go-waku: the admin address; loopback when that is every
// address; kAdminAddressPlaceholder when the droplet learns it at boot (the bootstrap fills it in).
std::string metrics_endpoint(const waku::NodeNetwork& network);

// /etc/datadog-agent/datadog.yaml with api_key set to kDatadogApiKeyPlaceholder.
std::string datadog_yaml(const spec::Fleet& fleet, const spec::Node& node);
// /etc/datadog-agent/conf.d/openmetrics.d/conf.yaml
std::string openmetrics_yaml(const waku::NodeNetwork& network);
// /etc/datadog-agent/conf.d/journald.d/conf.yaml
std::string journald_logs_yaml();

// The command the DigitalOcean target runs over SSH (as root) with the API key on its stdin: the
// key never appears in an argv, a plan, the state or the user data. Atomic (rename), so the
// droplet's path unit sees either no key or the whole key.
std::string datadog_key_install_command();

// ---- systemd -----------------------------------------------------------------------------------

// The hardened go-waku.service. `binary` is a parameter only so tests can verify the unit with an
// executable that exists.
// With an enrtree URL the node starts from the fleet's EIP-1459 tree (--dns-discovery): the URL
// depends only on the fleet's tree key, so scaling the fleet never changes a droplet's unit.
std::string go_waku_unit(const spec::Fleet& fleet, const spec::Node& node, const waku::NodeNetwork& network,
                         const std::string& binary = kGoWakuBinary, const std::string& enrtree_url = "");
// /etc/systemd/journald.conf.d/wakufleet.conf: bounded, rotated journal.
std::string journald_dropin(const spec::Fleet& fleet, const Options& options);
// wakufleet-datadog.path waits for the delivered key; wakufleet-datadog.service then installs and
// configures the agent.
std::string datadog_path_unit();
std::string datadog_service_unit(const std::string& script = kBootstrapScript);

// ---- the metadata service -----------------------------------------------------------------------

// An nftables ruleset that lets only trusted users (root, and the uids the bootstrap adds to its
// set "trusted") connect to 169.254.169.254, which serves the user data (node keys) to anyone who
// asks. Loading it again replaces it.
std::string metadata_guard_nft();
// kMetadataGuardUnit: runs the bootstrap's metadata-guard step at every boot, before the network.
std::string metadata_guard_unit(const std::string& script = kBootstrapScript);
// Users besides root that keep the metadata service: DigitalOcean's monitoring agent (droplets
// are created with monitoring on) authenticates through it.
inline constexpr const char* kMetadataTrustedUsers = "do-agent";

// ---- cloud-init --------------------------------------------------------------------------------

// The #cloud-config user data of a node droplet. Fails on inputs that would make an unsafe or
// unbootable droplet (malformed key, volume name, checksum or URL). Contains the node key.
util::Result<std::string> user_data(const spec::Fleet& fleet, const spec::Node& node, const NodeDroplet& droplet,
                                    const Options& options);
// One member of a multi-create (DigitalOcean's `names[]`, which gives every droplet of the request
// the same user data).
struct BatchMember {
  std::string droplet_name;  // the droplet finds its own files by this name (its hostname)
  const spec::Node* node = nullptr;
  NodeDroplet droplet;
};

// The #cloud-config user data shared by the droplets of one multi-create. Files that are the same
// for every member are written in place; the others are staged under kBatchDir/<droplet name>/,
// and kSelectScript, run first, moves this droplet's into place and deletes the rest (the other
// members' node keys included) before the bootstrap runs. Each droplet ends up with exactly the
// files user_data() would have given it. SECRET: holds the members' node keys.
util::Result<std::string> batch_user_data(const spec::Fleet& fleet, const std::vector<BatchMember>& members,
                                          const Options& options);
// The script batch user data installs at kSelectScript (exposed for tests).
std::string select_script();

// What plans and state show instead of the user data: "sha256:<64 hex>".
std::string user_data_digest(const std::string& user_data);
// The bootstrap script the user data installs at kBootstrapScript (exposed for tests).
// It is the same on every droplet of a fleet; what differs per node is in node_env().
std::string bootstrap_script(const spec::Fleet& fleet, const Options& options);
// kNodeEnvFile: the node's facts the bootstrap script reads (its volume's device).
std::string node_env(const NodeDroplet& droplet);

std::string volume_device(const std::string& volume_name);
inline constexpr std::size_t kMaxUserDataBytes = 64 * 1024;  // DigitalOcean's limit

}  // namespace wakufleet::bootstrap
