#include "discovery/dns_tree.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "discovery/base_encoding.hpp"
#include "discovery/enr.hpp"
#include "discovery/keccak.hpp"
#include "discovery/secp.hpp"

namespace wakufleet::discovery {

namespace {

constexpr std::string_view kRootPrefix = "enrtree-root:v1";
constexpr std::string_view kBranchPrefix = "enrtree-branch:";
constexpr std::string_view kLinkPrefix = "enrtree://";
constexpr std::size_t kLabelHashBytes = 16;
constexpr std::size_t kMinLabelBytes = 12;  // go-ethereum's shortest acceptable hash

// Lays out entries the way go-ethereum's Tree.build does: one entry is its own root; up to 13
// become one branch; more are cut into runs of 13, each built into a subtree, and the
// subtrees are built again. Every child of a branch is recorded in entries.
std::string build(std::vector<std::string> level, std::map<std::string, std::string>& entries) {
  if (level.size() == 1) return level.front();
  if (level.size() <= kMaxBranchChildren) {
    std::string branch(kBranchPrefix);
    for (std::size_t i = 0; i < level.size(); ++i) {
      std::string label = entry_label(level[i]);
      entries[label] = level[i];
      branch += (i ? "," : "") + label;
    }
    return branch;
  }
  std::vector<std::string> subtrees;
  for (std::size_t start = 0; start < level.size(); start += kMaxBranchChildren) {
    std::size_t end = std::min(level.size(), start + kMaxBranchChildren);
    std::string subtree = build({level.begin() + static_cast<std::ptrdiff_t>(start),
                                 level.begin() + static_cast<std::ptrdiff_t>(end)},
                                entries);
    entries[entry_label(subtree)] = subtree;
    subtrees.push_back(std::move(subtree));
  }
  return build(std::move(subtrees), entries);
}

// Leaves are ordered by node id, as go-ethereum orders them, so both trees hash alike.
util::Result<std::vector<std::string>> sorted_enr_leaves(const std::vector<std::string>& enrs) {
  std::map<NodeId, std::string> by_id;
  for (const auto& text : enrs) {
    auto record = parse_enr(text);
    if (!record) return util::fail("cannot put \"" + text + "\" in the tree: " + record.error().message);
    auto id = node_id(*record);
    if (!id) return id.error();
    // Re-encoding gives the canonical text (parse_enr accepts canonical RLP only).
    if (!by_id.emplace(*id, enr_text(*record)).second)
      return util::fail("two ENRs in the tree have the same node key: " + text);
  }
  std::vector<std::string> leaves;
  for (auto& [id, text] : by_id) leaves.push_back(std::move(text));
  return leaves;
}

util::Result<std::vector<std::string>> checked_links(const std::vector<std::string>& links) {
  for (const auto& link : links)
    if (auto url = parse_tree_url(link); !url)
      return util::fail("invalid tree link \"" + link + "\": " + url.error().message);
  return links;
}

bool is_label(std::string_view label) {
  auto bytes = base32_decode(label);
  return bytes && bytes->size() >= kMinLabelBytes && bytes->size() <= 32;
}

// "name=value" with the given name.
std::optional<std::string_view> field_value(std::string_view token, std::string_view name) {
  if (token.size() <= name.size() + 1 || !token.starts_with(name) || token[name.size()] != '=') return std::nullopt;
  return token.substr(name.size() + 1);
}

std::vector<std::string_view> split_spaces(std::string_view text) {
  std::vector<std::string_view> tokens;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = std::min(text.find(' ', start), text.size());
    tokens.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return tokens;
}

}  // namespace

std::string TreeRoot::signed_text() const {
  return std::string(kRootPrefix) + " e=" + enr_root + " l=" + link_root + " seq=" + std::to_string(seq);
}

std::string TreeRoot::text() const { return signed_text() + " sig=" + base64url_encode(signature); }

std::string entry_label(std::string_view entry_text) {
  Hash256 hash = keccak256(entry_text);
  return base32_encode(ByteView(hash).first(kLabelHashBytes));
}

util::Result<Tree> make_tree(const std::vector<std::string>& enrs, const std::vector<std::string>& links,
                             std::uint64_t seq, const waku::PrivateKey& key) {
  auto leaves = sorted_enr_leaves(enrs);
  if (!leaves) return leaves.error();
  auto link_leaves = checked_links(links);
  if (!link_leaves) return link_leaves.error();

  Tree tree;
  std::string enr_root = build(std::move(*leaves), tree.entries);
  std::string link_root = build(std::move(*link_leaves), tree.entries);
  tree.root.enr_root = entry_label(enr_root);
  tree.root.link_root = entry_label(link_root);
  tree.entries[tree.root.enr_root] = enr_root;
  tree.entries[tree.root.link_root] = link_root;
  tree.root.seq = seq;
  auto signature = sign_recoverable(keccak256(tree.root.signed_text()), key);
  if (!signature) return signature.error();
  tree.root.signature.assign(signature->begin(), signature->end());
  return tree;
}

std::map<std::string, std::string> zone_records(const Tree& tree, const std::string& domain) {
  std::map<std::string, std::string> records = {{domain, tree.root.text()}};
  for (const auto& [label, value] : tree.entries) records[label + "." + domain] = value;
  return records;
}

std::string tree_url(const waku::PublicKey& key, const std::string& domain) {
  return std::string(kLinkPrefix) + base32_encode(key) + "@" + domain;
}

util::Result<TreeUrl> parse_tree_url(std::string_view url) {
  if (!url.starts_with(kLinkPrefix)) return util::fail("a tree URL starts with \"enrtree://\"");
  std::string_view rest = url.substr(kLinkPrefix.size());
  std::size_t at = rest.find('@');
  if (at == std::string_view::npos) return util::fail("a tree URL needs <public key>@<domain>");
  auto key = base32_decode(rest.substr(0, at));
  if (!key || key->size() != 33 || !is_public_key(*key)) return util::fail("the URL's public key is not valid");
  TreeUrl out;
  std::copy(key->begin(), key->end(), out.key.begin());
  out.domain = std::string(rest.substr(at + 1));
  return out;
}

util::Result<TreeRoot> parse_root(std::string_view text) {
  auto tokens = split_spaces(text);
  auto syntax = util::fail("not an \"enrtree-root:v1 e=... l=... seq=... sig=...\" record: " + std::string(text));
  if (tokens.size() != 5 || tokens[0] != kRootPrefix) return syntax;
  auto e = field_value(tokens[1], "e"), l = field_value(tokens[2], "l");
  auto seq = field_value(tokens[3], "seq"), sig = field_value(tokens[4], "sig");
  if (!e || !l || !seq || !sig) return syntax;
  TreeRoot root{std::string(*e), std::string(*l), 0, {}};
  if (!is_label(root.enr_root) || !is_label(root.link_root)) return util::fail("tree root: invalid child hash");
  auto [end, error] = std::from_chars(seq->data(), seq->data() + seq->size(), root.seq);
  if (error != std::errc() || end != seq->data() + seq->size()) return syntax;
  auto signature = base64url_decode(*sig);
  if (!signature || signature->size() != 65) return util::fail("tree root: the signature is not 65 bytes of base64url");
  root.signature = std::move(*signature);
  return root;
}

util::Result<void> verify_root(std::string_view root_text, std::string_view base32_public_key) {
  auto root = parse_root(root_text);
  if (!root) return root.error();
  auto key = base32_decode(base32_public_key);
  if (!key || key->size() != 33 || !is_public_key(*key)) return util::fail("not a base32 compressed public key");
  if (!verify(keccak256(root->signed_text()), root->signature, *key))
    return util::fail("the tree root's signature does not match the key " + std::string(base32_public_key));
  return {};
}

}  // namespace wakufleet::discovery
