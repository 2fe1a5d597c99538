#include "providers/digitalocean/secrets.hpp"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "util/files.hpp"

namespace wakufleet::providers::digitalocean {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A key file in the 0700 secrets folder (the file itself 0600), generated on first use.
util::Result<waku::PrivateKey> ensure_key_file(const std::string& state_path, const std::string& file) {
  return waku::ensure_key_file(util::ensure_secrets_dir(state_path) + "/" + file);
}

std::string node_key_file(const std::string& node) { return "do-node-" + node + ".key"; }

}  // namespace

util::Result<std::string> ensure_node_key(const std::string& state_path, const std::string& node) {
  auto key = ensure_key_file(state_path, node_key_file(node));
  if (!key) return key.error();
  return waku::to_hex(key->data(), key->size());
}

void remove_node_key(const std::string& state_path, const std::string& node) {
  std::error_code error;
  fs::remove(util::secrets_dir(state_path) + "/" + node_key_file(node), error);
}

std::string peer_id_of_node(const std::string& state_path, const std::string& node) {
  std::ifstream in(util::secrets_dir(state_path) + "/" + node_key_file(node));
  std::string hex;
  if (!std::getline(in, hex)) return "";
  auto key = waku::private_key_from_hex(hex);
  if (!key) return "";
  auto public_key = waku::public_key_of(*key);
  return public_key ? waku::peer_id_of(*public_key) : "";
}

util::Result<waku::PrivateKey> ensure_tree_key(const std::string& state_path) {
  return ensure_key_file(state_path, "tree.key");
}

ReservedIpJournal::ReservedIpJournal(std::string state_path) : path_(std::move(state_path) + ".do-pending.json") {}

std::map<std::string, ReservedIpJournal::Entry> ReservedIpJournal::read() const {
  std::map<std::string, Entry> entries;
  std::ifstream in(path_);
  if (!in) return entries;
  json document = json::parse(in, nullptr, false);
  if (!document.is_object()) return entries;
  const json reserved = document.contains("reserved_ips") ? document["reserved_ips"] : json::object();
  for (const auto& [node, value] : reserved.items()) {
    Entry entry;
    entry.region = value.value("region", "");
    if (value.contains("known_before") && value["known_before"].is_array()) {
      for (const auto& ip : value["known_before"]) entry.known_before.insert(ip.get<std::string>());
    }
    entries[node] = std::move(entry);
  }
  return entries;
}

util::Result<void> ReservedIpJournal::write(const std::map<std::string, Entry>& entries) const {
  json reserved = json::object();
  for (const auto& [node, entry] : entries) {
    reserved[node] = {{"region", entry.region}, {"known_before", entry.known_before}};
  }
  if (entries.empty()) {
    std::error_code error;
    fs::remove(path_, error);
    return {};
  }
  return util::write_file_atomically(path_, json{{"reserved_ips", reserved}}.dump(2) + "\n",
                                     util::kPrivateFile | fs::perms::group_read | fs::perms::others_read);
}

util::Result<void> ReservedIpJournal::begin(const std::string& node, const Entry& entry) {
  std::lock_guard lock(mutex_);
  auto entries = read();
  entries[node] = entry;
  return write(entries);
}

std::optional<ReservedIpJournal::Entry> ReservedIpJournal::pending(const std::string& node) {
  std::lock_guard lock(mutex_);
  auto entries = read();
  auto found = entries.find(node);
  if (found == entries.end()) return std::nullopt;
  return found->second;
}

util::Result<void> ReservedIpJournal::finish(const std::string& node) {
  std::lock_guard lock(mutex_);
  auto entries = read();
  if (!entries.erase(node)) return {};
  return write(entries);
}

}  // namespace wakufleet::providers::digitalocean
