// The #cloud-config user data of a node droplet, and the digest plans show instead of it.
#include <openssl/evp.h>

#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>

#include "bootstrap/bootstrap.hpp"
#include "bootstrap/text.hpp"

namespace wakufleet::bootstrap {

namespace {

struct FileEntry {
  std::string path;
  std::string permissions;  // octal, quoted in YAML: 0600 unquoted would be the integer 384
  std::string content;
};

std::string write_files_entry(const FileEntry& file) {
  std::string out;
  out += "  - path: " + file.path + "\n";
  out += "    owner: root:root\n";
  out += "    permissions: " + text::yaml_quoted(file.permissions) + "\n";
  out += "    content: " + text::yaml_block(file.content, 6) + "\n";
  return out;
}

// DigitalOcean: lowercase letters, digits and hyphens, at most 64, starting with a letter. The
// name ends up in a device path and in the script, so nothing else may pass.
bool is_volume_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || !std::islower(static_cast<unsigned char>(name.front()))) return false;
  for (char c : name) {
    if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

bool is_download_url(const std::string& url) {
  if (url.rfind("https://", 0) != 0 || url.size() <= 8) return false;
  for (char c : url) {
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Never quotes the key: an error message may end up in a log.
util::Result<void> check_inputs(const NodeDroplet& droplet, const Options& options) {
  if (!text::is_hex(droplet.node_key_hex, 64)) return util::fail("the node key is not 64 hexadecimal digits");
  if (!is_volume_name(droplet.volume_name)) {
    return util::fail("volume name \"" + droplet.volume_name + "\" is not a DigitalOcean volume name");
  }
  if (!text::is_hex(options.go_waku.sha256, 64)) {
    return util::fail("the go-waku release needs its sha256 (64 hexadecimal digits); see docs/bootstrap.md");
  }
  if (!is_download_url(options.go_waku.url)) {
    return util::fail("the go-waku release URL \"" + options.go_waku.url + "\" is not an https URL");
  }
  return {};
}

std::vector<FileEntry> files_of(const spec::Fleet& fleet, const spec::Node& node, const NodeDroplet& droplet,
                                const Options& options) {
  std::vector<FileEntry> files;
  // The only place the key appears. /run is a tmpfs: the key never touches the root disk; the
  // bootstrap copies it onto the volume unless the volume already has one.
  files.push_back({kStagedNodeKeyFile, "0600", "WAKUNODE2_NODEKEY=" + droplet.node_key_hex + "\n"});
  files.push_back({kBootstrapScript, "0700", bootstrap_script(fleet, options)});
  files.push_back({kMetadataGuardFile, "0644", metadata_guard_nft()});
  files.push_back({std::string("/etc/systemd/system/") + kMetadataGuardUnit, "0644", metadata_guard_unit()});
  files.push_back({kNodeEnvFile, "0644", node_env(droplet)});
  files.push_back({std::string("/etc/systemd/system/") + kUnitName, "0644",
                   go_waku_unit(fleet, node, droplet.network, kGoWakuBinary, droplet.enrtree_url)});
  files.push_back({"/etc/systemd/journald.conf.d/wakufleet.conf", "0644", journald_dropin(fleet, options)});
  if (options.datadog) {
    const std::string templates = kDatadogTemplateDir;
    files.push_back({templates + "/datadog.yaml", "0644", datadog_yaml(fleet, node)});
    files.push_back({templates + "/openmetrics.yaml", "0644", openmetrics_yaml(droplet.network)});
    files.push_back({templates + "/journald.yaml", "0644", journald_logs_yaml()});
    files.push_back({"/etc/systemd/system/wakufleet-datadog.path", "0644", datadog_path_unit()});
    files.push_back({"/etc/systemd/system/wakufleet-datadog.service", "0644", datadog_service_unit()});
  }
  // First boot is when unattended-upgrades also runs: let apt-get (nftables when the image lacks
  // it, the DataDog agent) wait for the lock.
  files.push_back({"/etc/apt/apt.conf.d/90wakufleet-lock-timeout", "0644", "DPkg::Lock::Timeout \"600\";\n"});
  return files;
}

const char* kSelectSteps = R"SH(
log() { echo "wakufleet-select: $*" >&2; }

# This droplet's name: DigitalOcean's metadata service knows it; cloud-init made it the hostname.
name=${1:-}
if [ -z "$name" ]; then
  name=$(curl -fsS --max-time 10 --retry 5 "$METADATA_URL/hostname" 2>/dev/null || hostname)
fi
own="$BATCH/$name"
if [ -z "$name" ] || [ ! -d "$own" ]; then
  log "no files for droplet \"$name\" in $BATCH: it was not created by the request this user data belongs to"
  rm -rf "$BATCH"
  exit 1
fi
(cd "$own" && find . -type f) | while IFS= read -r file; do
  target="$ROOT/${file#./}"
  mkdir -p "$(dirname "$target")"
  cp -p "$own/$file" "$target.wakufleet-new"
  mv -f "$target.wakufleet-new" "$target"
done
# The other members' files, their node keys included, go at once.
rm -rf "$BATCH"
log "installed the files of droplet $name"
)SH";

std::string cloud_config(const std::string& about, const std::vector<FileEntry>& files, const std::string& runcmd) {
  std::string out = "#cloud-config\n";
  out += "# " + about + ", written by wakufleet.\n";
  out += "# SECRET: holds node keys. Plans and state show only a sha256 digest.\n";
  out += "users:\n";
  out += "  - default\n";  // keep the image's own login user
  out += "  - name: " + std::string(kServiceUser) + "\n";
  out += "    system: true\n";
  out += "    shell: /usr/sbin/nologin\n";
  out += "    lock_passwd: true\n";
  out += "write_files:\n";
  for (const auto& file : files) out += write_files_entry(file);
  out += "runcmd:\n";
  out += "  - " + runcmd + "\n";
  return out;
}

util::Result<std::string> within_limit(std::string data, const std::string& what) {
  if (data.size() > kMaxUserDataBytes) {
    return util::fail("the user data of " + what + " is " + std::to_string(data.size()) +
                      " bytes; DigitalOcean accepts at most " + std::to_string(kMaxUserDataBytes));
  }
  return data;
}

// Staged files keep their path below the member's folder: /run/wakufleet/batch/<name>/etc/...
std::vector<FileEntry> batch_files(const spec::Fleet& fleet, const std::vector<BatchMember>& members,
                                   const Options& options) {
  std::vector<std::vector<FileEntry>> each;
  std::map<std::string, std::set<std::string>> versions;  // path -> distinct (permissions, content)
  for (const auto& member : members) {
    each.push_back(files_of(fleet, *member.node, member.droplet, options));
    for (const auto& file : each.back()) versions[file.path].insert(file.permissions + "\n" + file.content);
  }
  std::vector<FileEntry> out;
  for (const auto& file : each.front()) {
    if (versions[file.path].size() == 1 && file.path != kStagedNodeKeyFile) out.push_back(file);
  }
  for (std::size_t i = 0; i < members.size(); ++i) {
    for (auto file : each[i]) {
      if (versions[file.path].size() == 1 && file.path != kStagedNodeKeyFile) continue;
      file.path = std::string(kBatchDir) + "/" + members[i].droplet_name + file.path;
      out.push_back(std::move(file));
    }
  }
  out.push_back({kSelectScript, "0700", select_script()});
  return out;
}

}  // namespace

std::string select_script() {
  std::string out = "#!/bin/sh\n";
  out += "# wakufleet: a multi-create gives every droplet of one request the same user data. This puts\n";
  out += "# the files of this droplet (found by its name) in place and deletes the other droplets' files.\n";
  out += "# Usage: wakufleet-select [DROPLET_NAME]\n";
  out += "set -eu\n";
  out += "BATCH=" + text::shell_quoted(kBatchDir) + "\n";
  out += "ROOT=${WAKUFLEET_ROOT:-}  # tests install below a scratch folder (as for wakufleet-bootstrap)\n";
  out += "METADATA_URL=${WAKUFLEET_METADATA_URL:-http://169.254.169.254/metadata/v1}\n";
  out += "BATCH=\"$ROOT$BATCH\"\n";
  out += kSelectSteps;
  return out;
}

waku::NodeNetwork droplet_network(const std::string& reserved_ip, const std::string& dns_name) {
  waku::NodeNetwork network;
  network.listen_address = "0.0.0.0";
  network.public_address = reserved_ip;
  network.dns_name = dns_name;
  network.admin_address = "";  // kAdminEnvFile, written at boot
  return network;
}

std::string volume_device(const std::string& volume_name) {
  return "/dev/disk/by-id/scsi-0DO_Volume_" + volume_name;
}

util::Result<std::string> user_data(const spec::Fleet& fleet, const spec::Node& node, const NodeDroplet& droplet,
                                    const Options& options) {
  if (auto checked = check_inputs(droplet, options); !checked) return checked.error();
  return within_limit(cloud_config("go-waku node " + node.name + " of fleet " + fleet.name,
                                   files_of(fleet, node, droplet, options),
                                   "[" + std::string(kBootstrapScript) + ", node]"),
                      "node " + node.name);
}

util::Result<std::string> batch_user_data(const spec::Fleet& fleet, const std::vector<BatchMember>& members,
                                          const Options& options) {
  if (members.empty()) return util::fail("a batch of droplets needs at least one member");
  std::set<std::string> names;
  std::string node_names;
  for (const auto& member : members) {
    if (auto checked = check_inputs(member.droplet, options); !checked) {
      return util::fail("node " + member.node->name + ": " + checked.error().message);
    }
    if (!is_volume_name(member.droplet_name) || !names.insert(member.droplet_name).second) {
      return util::fail("droplet name \"" + member.droplet_name + "\" is not a unique lowercase DNS label");
    }
    node_names += (node_names.empty() ? "" : ", ") + member.node->name;
  }
  const std::string run = "[sh, -c, " + text::yaml_quoted(std::string(kSelectScript) + " && exec " + kBootstrapScript + " node") + "]";
  return within_limit(cloud_config("go-waku nodes " + node_names + " of fleet " + fleet.name,
                                   batch_files(fleet, members, options), run),
                      "nodes " + node_names);
}

std::string user_data_digest(const std::string& user_data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(user_data.data(), user_data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL cannot compute a sha256");  // a broken libcrypto: abort
  }
  std::string out = "sha256:";
  for (unsigned int i = 0; i < length; ++i) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

}  // namespace wakufleet::bootstrap
