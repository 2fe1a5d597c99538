#include "discovery/enr.hpp"

#include <algorithm>

#include "discovery/base_encoding.hpp"
#include "discovery/keccak.hpp"
#include "discovery/rlp.hpp"

namespace wakufleet::discovery {

namespace {

constexpr std::string_view kTextPrefix = "enr:";

std::vector<Bytes> content_items(const Enr& record) {
  std::vector<Bytes> items = {rlp_uint(record.seq)};
  for (const auto& [key, value] : record.pairs) {
    items.push_back(rlp_string(key));
    items.push_back(value);
  }
  return items;
}

util::Result<void> check_size(const Enr& record) {
  std::size_t size = enr_rlp(record).size();
  if (size > kEnrSizeLimit)
    return util::fail("the ENR is " + std::to_string(size) + " bytes; the limit is " + std::to_string(kEnrSizeLimit));
  return {};
}

util::Result<void> verify_v4(const Enr& record) {
  auto id = record.bytes_field("id");
  if (!id) return id.error();
  if (!*id || string_of(**id) != "v4") return util::fail("ENR: unsupported identity scheme (want \"v4\")");
  auto key = record.public_key();
  if (!key) return key.error();
  if (!verify(keccak256(enr_content(record)), record.signature, *key)) return util::fail("ENR: invalid signature");
  return {};
}

// Pairs must come with strictly increasing keys: sorted and unique, per EIP-778.
util::Result<void> read_pairs(const std::vector<RlpItem>& items, Enr& record) {
  if ((items.size() - 2) % 2 != 0) return util::fail("ENR: incomplete key/value pair");
  const std::string* previous = nullptr;
  for (std::size_t i = 2; i < items.size(); i += 2) {
    if (items[i].is_list) return util::fail("ENR: a key is not a string");
    std::string key = string_of(items[i].payload);
    if (previous && key <= *previous) return util::fail("ENR: keys are not sorted or not unique");
    auto it = record.pairs.emplace(key, Bytes(items[i + 1].encoded.begin(), items[i + 1].encoded.end())).first;
    previous = &it->first;
  }
  return {};
}

}  // namespace

util::Result<std::optional<Bytes>> Enr::bytes_field(const std::string& key) const {
  auto it = pairs.find(key);
  if (it == pairs.end()) return std::optional<Bytes>{};
  auto item = rlp_read_exact(it->second);
  if (!item) return item.error();
  if (item->is_list) return util::fail("ENR field \"" + key + "\" is a list, not a byte string");
  return std::optional<Bytes>(Bytes(item->payload.begin(), item->payload.end()));
}

util::Result<std::optional<std::uint64_t>> Enr::uint_field(const std::string& key) const {
  auto it = pairs.find(key);
  if (it == pairs.end()) return std::optional<std::uint64_t>{};
  auto item = rlp_read_exact(it->second);
  if (!item) return item.error();
  auto value = rlp_to_uint(*item);
  if (!value) return util::fail("ENR field \"" + key + "\": " + value.error().message);
  return std::optional<std::uint64_t>(*value);
}

util::Result<waku::PublicKey> Enr::public_key() const {
  auto field = bytes_field("secp256k1");
  if (!field) return field.error();
  if (!*field || (*field)->size() != 33 || !is_public_key(**field))
    return util::fail("ENR: missing or invalid \"secp256k1\" public key");
  waku::PublicKey key{};
  std::copy((*field)->begin(), (*field)->end(), key.begin());
  return key;
}

util::Result<Enr> sign_enr_any_size(std::uint64_t seq, std::map<std::string, Bytes> pairs,
                                    const waku::PrivateKey& key) {
  auto public_key = waku::public_key_of(key);
  if (!public_key) return public_key.error();
  pairs["id"] = rlp_string("v4");
  pairs["secp256k1"] = rlp_string(*public_key);
  Enr record{seq, std::move(pairs), {}};
  auto signature = sign(keccak256(enr_content(record)), key);
  if (!signature) return signature.error();
  record.signature = *signature;
  return record;
}

util::Result<Enr> sign_enr(std::uint64_t seq, std::map<std::string, Bytes> pairs, const waku::PrivateKey& key) {
  auto record = sign_enr_any_size(seq, std::move(pairs), key);
  if (!record) return record;
  if (auto size = check_size(*record); !size) return size.error();
  return record;
}

Bytes enr_content(const Enr& record) { return rlp_list(content_items(record)); }

Bytes enr_rlp(const Enr& record) {
  std::vector<Bytes> items = content_items(record);
  items.insert(items.begin(), rlp_string(record.signature));
  return rlp_list(items);
}

std::string enr_text(const Enr& record) { return std::string(kTextPrefix) + base64url_encode(enr_rlp(record)); }

util::Result<Enr> parse_enr(std::string_view text) {
  if (!text.starts_with(kTextPrefix)) return util::fail("an ENR starts with \"enr:\"");
  auto raw = base64url_decode(text.substr(kTextPrefix.size()));
  if (!raw) return util::fail("ENR: " + raw.error().message);
  return decode_enr(*raw);
}

util::Result<Enr> decode_enr(ByteView rlp) {
  if (rlp.size() > kEnrSizeLimit)
    return util::fail("ENR: " + std::to_string(rlp.size()) + " bytes, over the 300-byte limit");
  auto list = rlp_read_exact(rlp);
  if (!list) return util::fail("ENR: " + list.error().message);
  auto items = rlp_items(*list);
  if (!items) return util::fail("ENR: " + items.error().message);
  if (items->size() < 2) return util::fail("ENR: a record needs a signature and a sequence number");
  const RlpItem& signature = (*items)[0];
  if (signature.is_list || signature.payload.size() != 64) return util::fail("ENR: the v4 signature is 64 bytes");
  Enr record;
  std::copy(signature.payload.begin(), signature.payload.end(), record.signature.begin());
  auto seq = rlp_to_uint((*items)[1]);
  if (!seq) return util::fail("ENR: sequence number: " + seq.error().message);
  record.seq = *seq;
  if (auto pairs = read_pairs(*items, record); !pairs) return pairs.error();
  if (auto valid = verify_v4(record); !valid) return valid.error();
  return record;
}

util::Result<NodeId> node_id(const Enr& record) {
  auto key = record.public_key();
  if (!key) return key.error();
  auto xy = uncompressed_xy(*key);
  if (!xy) return xy.error();
  return keccak256(*xy);
}

}  // namespace wakufleet::discovery
