// The #cloud-config user data of a node droplet, and the digest plans show instead of it.
#include <openssl/evp.h>

#include <cctype>
#include <cstdio>
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
  files.push_back({kBootstrapScript, "0700", bootstrap_script(fleet, droplet, options)});
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
    // First boot is when unattended-upgrades also runs: let the agent's apt-get wait for the lock.
    files.push_back({"/etc/apt/apt.conf.d/90wakufleet-lock-timeout", "0644", "DPkg::Lock::Timeout \"600\";\n"});
  }
  return files;
}

}  // namespace

std::string volume_device(const std::string& volume_name) {
  return "/dev/disk/by-id/scsi-0DO_Volume_" + volume_name;
}

util::Result<std::string> user_data(const spec::Fleet& fleet, const spec::Node& node, const NodeDroplet& droplet,
                                    const Options& options) {
  if (auto checked = check_inputs(droplet, options); !checked) return checked.error();
  std::string out = "#cloud-config\n";
  out += "# go-waku node " + node.name + " of fleet " + fleet.name + ", written by wakufleet.\n";
  out += "# SECRET: holds the node key. Plans and state show only its sha256 digest.\n";
  out += "users:\n";
  out += "  - default\n";  // keep the image's own login user
  out += "  - name: " + std::string(kServiceUser) + "\n";
  out += "    system: true\n";
  out += "    shell: /usr/sbin/nologin\n";
  out += "    lock_passwd: true\n";
  out += "write_files:\n";
  for (const auto& file : files_of(fleet, node, droplet, options)) out += write_files_entry(file);
  out += "runcmd:\n";
  out += "  - [" + std::string(kBootstrapScript) + ", node]\n";
  if (out.size() > kMaxUserDataBytes) {
    return util::fail("the user data of node " + node.name + " is " + std::to_string(out.size()) +
                      " bytes; DigitalOcean accepts at most " + std::to_string(kMaxUserDataBytes));
  }
  return out;
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
