// EIP-1459 trees: the EIP's example zone, tree layout, URLs and the publishing helpers.
#include <gtest/gtest.h>

#include <set>

#include "discovery/base_encoding.hpp"
#include "discovery/dns_tree.hpp"
#include "discovery/keccak.hpp"
#include "discovery/waku_enr.hpp"
#include "discovery/zone_update.hpp"
#include "test_util.hpp"

namespace wakufleet::discovery {
namespace {

using testing::key_from_hex;

// The example zone of EIP-1459 (ethereum/EIPs, EIPS/eip-1459.md).
constexpr const char* kEipRoot =
    "enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=1 "
    "sig=o908WmNp7LibOfPsr4btQwatZJ5URBr2ZAuxvK4UWHlsB9sUOTJQaGAlLPVAhM__XJesCHxLISo94z5Z2a463gA";
constexpr const char* kEipLink = "enrtree://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2@morenodes.example.org";
const std::map<std::string, std::string> kEipEntries = {
    {"C7HRFPF3BLGF3YR4DY5KX3SMBE", kEipLink},
    {"JWXYDBPXYWG6FX3GMDIBFA6CJ4",
     "enrtree-branch:2XS2367YHAXJFGLZHVAWLQD4ZY,H4FHT4B454P6UXFD7JCYQ5PWDY,MHTDO6TMUBRIA2XWG5LUDACK24"},
    {"2XS2367YHAXJFGLZHVAWLQD4ZY",
     "enr:-HW4QOFzoVLaFJnNhbgMoDXPnOvcdVuj7pDpqRvh6BRDO68aVi5ZcjB3vzQRZH2IcLBGHzo8uUN3snqmgTiE56CH3AMBgmlkgnY0iXNlY3Ay"
     "NTZrMaECC2_24YYkYHEgdzxlSNKQEnHhuNAbNlMlWJxrJxbAFvA"},
    {"H4FHT4B454P6UXFD7JCYQ5PWDY",
     "enr:-HW4QAggRauloj2SDLtIHN1XBkvhFZ1vtf1raYQp9TBW2RD5EEawDzbtSmlXUfnaHcvwOizhVYLtr7e6vw7NAf6mTuoCgmlkgnY0iXNlY3Ay"
     "NTZrMaECjrXI8TLNXU0f8cthpAMxEshUyQlK-AM0PW2wfrnacNI"},
    {"MHTDO6TMUBRIA2XWG5LUDACK24",
     "enr:-HW4QLAYqmrwllBEnzWWs7I5Ev2IAs7x_dZlbYdRdMUx5EyKHDXp7AV5CkuPGUPdvbv1_Ms1CPfhcGCvSElSosZmyoqAgmlkgnY0iXNlY3Ay"
     "NTZrMaECriawHKWdDRk2xeZkrOXBQ0dfMFLHY4eENZwdufn1S1o"},
};
// The root is signed by go-ethereum's dnsdisc test key, not by the key of the EIP's URL.
constexpr const char* kSigningKey = "dc599867fc513f8f5e2c2c9c489cde5e71362d1d9ec6e693e0de063236ed1240";
constexpr const char* kSigningPublicKey = "AKPYQIUQIL7PSIACI32J7FGZW56E5FKHEFCCOFHILBIMW3M6LWXS2";
constexpr const char* kEipUrlPublicKey = "AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2";

std::vector<std::string> eip_enrs() {
  std::vector<std::string> enrs;
  for (const auto& [label, value] : kEipEntries)
    if (value.starts_with("enr:")) enrs.push_back(value);
  return enrs;
}

TEST(DnsTree, EipRootVerifiesWithTheSigningKeyOnly) {
  EXPECT_TRUE(verify_root(kEipRoot, kSigningPublicKey).ok());
  auto wrong = verify_root(kEipRoot, kEipUrlPublicKey);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message,
            std::string("the tree root's signature does not match the key ") + kEipUrlPublicKey);
  std::string tampered = kEipRoot;
  tampered.replace(tampered.find("seq=1"), 5, "seq=2");
  EXPECT_FALSE(verify_root(tampered, kSigningPublicKey).ok());
}

TEST(DnsTree, EipExampleZoneIsRebuiltExactly) {
  auto tree = make_tree(eip_enrs(), {kEipLink}, 1, key_from_hex(kSigningKey));
  ASSERT_TRUE(tree.ok()) << tree.error().message;
  EXPECT_EQ(tree->root.text(), kEipRoot);  // RFC 6979 signatures are deterministic
  EXPECT_EQ(tree->entries, kEipEntries);
  EXPECT_EQ(tree_url(*waku::public_key_of(key_from_hex(kSigningKey)), "n"),
            std::string("enrtree://") + kSigningPublicKey + "@n");
}

TEST(DnsTree, ParseRootReadsItsFields) {
  auto root = parse_root(kEipRoot);
  ASSERT_TRUE(root.ok()) << root.error().message;
  EXPECT_EQ(root->enr_root, "JWXYDBPXYWG6FX3GMDIBFA6CJ4");
  EXPECT_EQ(root->link_root, "C7HRFPF3BLGF3YR4DY5KX3SMBE");
  EXPECT_EQ(root->seq, 1u);
  EXPECT_EQ(root->signature.size(), 65u);
  EXPECT_EQ(root->text(), kEipRoot);
  EXPECT_FALSE(parse_root("enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 seq=1 sig=AAAA").ok());
  EXPECT_FALSE(parse_root(std::string(kEipRoot).substr(0, 120)).ok());  // signature cut short
}

TEST(DnsTree, LabelIsBase32OfTheFirst16HashBytes) {
  int differs_from_cut_full_hash = 0;
  for (const auto& [label, entry] : kEipEntries) {
    Hash256 hash = keccak256(entry);
    EXPECT_EQ(entry_label(entry), label);
    EXPECT_EQ(entry_label(entry), base32_encode(ByteView(hash).first(16)));
    // Encoding the whole hash and cutting it to 26 characters can differ in the last one,
    // which mixes in bits of the 17th byte.
    if (base32_encode(hash).substr(0, 26) != label) ++differs_from_cut_full_hash;
  }
  EXPECT_GT(differs_from_cut_full_hash, 0);
}

TEST(DnsTree, UrlsRoundTripAndBadKeysAreRefused) {
  auto url = parse_tree_url(kEipLink);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->domain, "morenodes.example.org");
  EXPECT_EQ(tree_url(url->key, url->domain), kEipLink);
  EXPECT_FALSE(parse_tree_url("enrtree://nodes.example.org").ok());
  EXPECT_FALSE(parse_tree_url("enrtree://AP62DT7WOTEQZGQZOU474PP3KMEGVTTE7A7NPRXKX3DUD57@nodes.example.org").ok());
  EXPECT_FALSE(make_tree({}, {"enrtree://nodes.example.org"}, 1, key_from_hex(kSigningKey)).ok());
}

std::vector<std::string> waku_enrs(int count) {
  std::vector<std::string> enrs;
  for (int i = 0; i < count; ++i) {
    WakuEnrInput input;
    input.node = "n" + std::to_string(i);
    Hash256 seed = keccak256("tree test node " + std::to_string(i));
    std::copy(seed.begin(), seed.end(), input.key.begin());
    input.ipv4 = "127.99.0." + std::to_string(i % 250 + 1);
    input.tcp_port = static_cast<std::uint16_t>(60000 + i);
    input.capabilities = capability::relay;
    input.shards = RelayShards{1, {0}};
    enrs.push_back(enr_text(*make_waku_enr(input)));
  }
  return enrs;
}

// Walks the tree from the root: every referenced label exists, no branch has more than 13
// children, every entry is reachable, and the leaves are exactly the input.
void check_tree_shape(const Tree& tree, const std::vector<std::string>& enrs) {
  std::set<std::string> reached, leaves;
  std::vector<std::string> pending = {tree.root.enr_root, tree.root.link_root};
  while (!pending.empty()) {
    std::string label = pending.back();
    pending.pop_back();
    ASSERT_TRUE(tree.entries.contains(label)) << label;
    reached.insert(label);
    const std::string& value = tree.entries.at(label);
    EXPECT_EQ(entry_label(value), label);
    if (!value.starts_with("enrtree-branch:")) {
      leaves.insert(value);
      continue;
    }
    std::string children = value.substr(15);
    int count = 0;
    for (std::size_t start = 0; !children.empty() && start <= children.size(); ++count) {
      std::size_t end = std::min(children.find(',', start), children.size());
      pending.push_back(children.substr(start, end - start));
      start = end + 1;
    }
    EXPECT_LE(count, 13);
  }
  EXPECT_EQ(reached.size(), tree.entries.size());
  EXPECT_EQ(leaves, std::set<std::string>(enrs.begin(), enrs.end()));
}

TEST(DnsTree, LargeTreesStayWithin13ChildrenPerBranch) {
  for (int count : {0, 1, 13, 14, 170, 200}) {
    SCOPED_TRACE(count);
    auto enrs = waku_enrs(count);
    auto tree = make_tree(enrs, {}, 5, key_from_hex(kSigningKey));
    ASSERT_TRUE(tree.ok()) << tree.error().message;
    check_tree_shape(*tree, enrs);
    EXPECT_TRUE(verify_root(tree->root.text(), kSigningPublicKey).ok());
  }
}

TEST(DnsTree, EmptyLinkTreeIsAnEmptyBranch) {
  auto tree = make_tree(waku_enrs(1), {}, 1, key_from_hex(kSigningKey));
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ(tree->entries.at(tree->root.link_root), "enrtree-branch:");
  EXPECT_EQ(tree->entries.at(tree->root.enr_root), waku_enrs(1)[0]);  // one leaf is its own root
}

TEST(DnsTree, InputOrderDoesNotMatterButDuplicatesDo) {
  auto enrs = waku_enrs(20);
  auto reversed = enrs;
  std::reverse(reversed.begin(), reversed.end());
  auto key = key_from_hex(kSigningKey);
  EXPECT_EQ(make_tree(enrs, {}, 3, key)->root.text(), make_tree(reversed, {}, 3, key)->root.text());
  enrs.push_back(enrs.front());
  EXPECT_FALSE(make_tree(enrs, {}, 3, key).ok());
  EXPECT_FALSE(make_tree({"enr:garbage"}, {}, 3, key).ok());
}

TEST(DnsTree, ZoneRecordsAreFullyQualified) {
  auto tree = make_tree(eip_enrs(), {kEipLink}, 1, key_from_hex(kSigningKey));
  auto records = zone_records(*tree, "nodes.example.org");
  EXPECT_EQ(records.size(), 6u);
  EXPECT_EQ(records.at("nodes.example.org"), kEipRoot);
  EXPECT_EQ(records.at("C7HRFPF3BLGF3YR4DY5KX3SMBE.nodes.example.org"), kEipLink);
}

TEST(ZoneUpdate, SplitTxtCutsAt255Bytes) {
  EXPECT_EQ(split_txt(""), std::vector<std::string>{""});
  EXPECT_EQ(split_txt("abc"), std::vector<std::string>{"abc"});
  EXPECT_EQ(split_txt(std::string(255, 'a')), std::vector<std::string>{std::string(255, 'a')});
  auto parts = split_txt(std::string(255, 'a') + std::string(255, 'b') + "c");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], std::string(255, 'a'));
  EXPECT_EQ(parts[1], std::string(255, 'b'));
  EXPECT_EQ(parts[2], "c");
}

TEST(ZoneUpdate, AddsThenReplacesTheRootThenDeletes) {
  auto key = key_from_hex(kSigningKey);
  auto enrs = waku_enrs(3);
  auto old_records = zone_records(*make_tree(enrs, {}, 1, key), "fleet.test");
  enrs[1] = waku_enrs(4)[3];
  auto new_records = zone_records(*make_tree(enrs, {}, 2, key), "fleet.test");
  auto changes = order_zone_update(old_records, new_records, "fleet.test");

  using Kind = RecordChange::Kind;
  std::size_t root_at = 0;
  for (std::size_t i = 0; i < changes.size(); ++i)
    if (changes[i].name == "fleet.test") root_at = i;
  ASSERT_EQ(changes[root_at].kind, Kind::upsert);
  EXPECT_EQ(changes[root_at].value, new_records.at("fleet.test"));
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (i < root_at) {
      EXPECT_EQ(changes[i].kind, Kind::upsert);
      EXPECT_FALSE(old_records.contains(changes[i].name));
    }
    if (i > root_at) {
      EXPECT_EQ(changes[i].kind, Kind::remove);
      EXPECT_FALSE(new_records.contains(changes[i].name));
    }
  }
  // One new leaf and a new branch go in; the replaced leaf and the old branch go out.
  EXPECT_EQ(root_at, 2u);
  EXPECT_EQ(changes.size(), 5u);
  // Applying the changes to the old records gives the new ones.
  auto applied = old_records;
  for (const auto& change : changes) {
    if (change.kind == Kind::upsert) applied[change.name] = change.value;
    else applied.erase(change.name);
  }
  EXPECT_EQ(applied, new_records);
  EXPECT_TRUE(order_zone_update(new_records, new_records, "fleet.test").empty());
}

TEST(ZoneUpdate, FirstPublicationPutsTheRootLast) {
  auto records = zone_records(*make_tree(waku_enrs(2), {}, 1, key_from_hex(kSigningKey)), "fleet.test");
  auto changes = order_zone_update({}, records, "fleet.test");
  ASSERT_EQ(changes.size(), records.size());
  EXPECT_EQ(changes.back().name, "fleet.test");
}

}  // namespace
}  // namespace wakufleet::discovery
