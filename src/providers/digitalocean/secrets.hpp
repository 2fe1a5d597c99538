// What the digitalocean target keeps beside the state, in <state>.secrets/ (0700, files 0600, as
// the local target does): each node's key, generated once by wakufleet, and the fleet's DNS tree
// key. A node's key is its identity (peer id, ENR): it is written into the user data of every
// droplet the node ever gets, and the droplet copies it onto the node's volume only when the volume
// has none, so the identity survives droplet replacement. Keys never go into the state or a plan.
//
// Also beside the state (not secret): <state>.do-pending.json, the journal of reserved IP creates
// (see ReservedIpJournal).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "util/result.hpp"
#include "waku/identity.hpp"

namespace wakufleet::providers::digitalocean {

// The node's key as 64 hex digits, generated on first use.
util::Result<std::string> ensure_node_key(const std::string& state_path, const std::string& node);
// Forgets the node's key (only when its volume, which holds the key too, is deleted).
void remove_node_key(const std::string& state_path, const std::string& node);
// The libp2p peer id of the node's key ("" when it has none yet).
std::string peer_id_of_node(const std::string& state_path, const std::string& node);

// The fleet's EIP-1459 tree signing key, generated on first use.
util::Result<waku::PrivateKey> ensure_tree_key(const std::string& state_path);

// Reserved IPs have neither name nor tag, so one created by a run that was killed before it saved
// the state could not be told from anybody else's address. Before creating one, the target notes
// which addresses existed; the next run adopts an unassigned address of that region that did not
// exist then, instead of creating another. Entries go once the state records the node's address.
class ReservedIpJournal {
 public:
  explicit ReservedIpJournal(std::string state_path);

  struct Entry {
    std::string region;
    std::set<std::string> known_before;
  };
  util::Result<void> begin(const std::string& node, const Entry& entry);
  std::optional<Entry> pending(const std::string& node);
  util::Result<void> finish(const std::string& node);

 private:
  std::map<std::string, Entry> read() const;
  util::Result<void> write(const std::map<std::string, Entry>& entries) const;

  std::string path_;
  std::mutex mutex_;
};

}  // namespace wakufleet::providers::digitalocean
