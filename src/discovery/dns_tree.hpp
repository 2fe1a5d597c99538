// EIP-1459 node lists in DNS: a merkle tree of TXT records under a domain.
//   <domain>             enrtree-root:v1 e=<enr root> l=<link root> seq=<n> sig=<base64url>
//   <hash>.<domain>      enrtree-branch:<hash>,<hash>,...  |  enr:...  |  enrtree://<key>@<fqdn>
// <hash> is base32 (no padding) of the first 16 bytes of keccak256(entry text). The root's
// signature is a 65-byte recoverable secp256k1 signature (r || s || v, v in {0, 1}) over
// keccak256 of the root text up to " sig=". The tree is laid out like go-ethereum's
// p2p/dnsdisc MakeTree, so that both produce the same records for the same input.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "discovery/bytes.hpp"
#include "util/result.hpp"
#include "waku/identity.hpp"

namespace wakufleet::discovery {

constexpr std::size_t kMaxBranchChildren = 13;  // keeps a branch TXT record within a 512-byte UDP answer

struct TreeRoot {
  std::string enr_root;   // hash label of the ENR subtree's root entry
  std::string link_root;  // hash label of the link subtree's root entry
  std::uint64_t seq = 0;
  Bytes signature;  // 65 bytes

  std::string signed_text() const;  // the text the signature covers
  std::string text() const;         // the full TXT value
};

struct Tree {
  TreeRoot root;
  std::map<std::string, std::string> entries;  // hash label -> TXT value (branches and leaves)
};

// enrs: "enr:..." texts (any order: leaves are sorted by node id); links: "enrtree://..."
// URLs of other trees, kept in the given order.
util::Result<Tree> make_tree(const std::vector<std::string>& enrs, const std::vector<std::string>& links,
                             std::uint64_t seq, const waku::PrivateKey& key);

// Every TXT record of the zone: <domain> -> root, <hash>.<domain> -> entry.
std::map<std::string, std::string> zone_records(const Tree& tree, const std::string& domain);

std::string entry_label(std::string_view entry_text);

struct TreeUrl {
  waku::PublicKey key{};
  std::string domain;
};

// "enrtree://" + base32 of the compressed public key + "@" + domain.
std::string tree_url(const waku::PublicKey& key, const std::string& domain);
util::Result<TreeUrl> parse_tree_url(std::string_view url);

util::Result<TreeRoot> parse_root(std::string_view text);
// Checks the root's signature against a tree key given as in a URL (base32, compressed).
util::Result<void> verify_root(std::string_view root_text, std::string_view base32_public_key);

}  // namespace wakufleet::discovery
