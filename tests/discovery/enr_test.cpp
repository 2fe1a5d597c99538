// EIP-778 records: the EIP's example, round trips, and the checks a decoder must make.
#include <gtest/gtest.h>

#include "discovery/base_encoding.hpp"
#include "discovery/enr.hpp"
#include "discovery/rlp.hpp"
#include "test_util.hpp"

namespace wakufleet::discovery {
namespace {

using testing::from_hex;
using testing::hex;
using testing::key_from_hex;

constexpr const char* kEipKey = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";
constexpr const char* kEipRecord =
    "enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj499SZuOh8R33Ls8RRcy5wBgmlkgnY0gmlwhH8AAAGJc2"
    "VjcDI1NmsxoQPKY0yuDUmstAHYpMa2_oxVtw0RW_QAdpzBQA8yWM0xOIN1ZHCCdl8";

std::map<std::string, Bytes> eip_pairs() {
  return {{"ip", rlp_string(Bytes{127, 0, 0, 1})}, {"udp", rlp_uint(30303)}};
}

TEST(Enr, Eip778ExampleIsReproducedExactly) {
  auto record = sign_enr(1, eip_pairs(), key_from_hex(kEipKey));
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(enr_text(*record), kEipRecord);
}

TEST(Enr, Eip778ExampleDecodes) {
  auto record = parse_enr(kEipRecord);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->seq, 1u);
  EXPECT_EQ(hex(*record->public_key()), "03ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138");
  EXPECT_EQ(**record->uint_field("udp"), 30303u);
  EXPECT_EQ(hex(**record->bytes_field("ip")), "7f000001");
  EXPECT_FALSE(*record->uint_field("tcp"));
  // The node id the EIP gives for this record.
  EXPECT_EQ(hex(*node_id(*record)), "a448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7");
  EXPECT_EQ(enr_text(*record), kEipRecord);
}

TEST(Enr, TamperedRecordsAreRejected) {
  auto raw = *base64url_decode(std::string_view(kEipRecord).substr(4));
  Bytes flipped_signature = raw;
  flipped_signature[10] ^= 1;
  EXPECT_FALSE(decode_enr(flipped_signature).ok());
  Bytes changed_value = raw;
  changed_value[raw.size() - 1] ^= 1;  // the udp port
  auto result = decode_enr(changed_value);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "ENR: invalid signature");
  EXPECT_FALSE(parse_enr("enr:").ok());
  EXPECT_FALSE(parse_enr(std::string("enr:") + "A" + std::string(kEipRecord).substr(5)).ok());
  EXPECT_FALSE(parse_enr(std::string(kEipRecord).substr(4)).ok());  // no "enr:" prefix
}

// Builds rlp([sig, seq, k, v, ...]) by hand, keys in the given order.
Bytes raw_record(const std::vector<std::pair<std::string, Bytes>>& pairs) {
  std::vector<Bytes> items = {rlp_string(Bytes(64, 1)), rlp_uint(1)};
  for (const auto& [key, value] : pairs) {
    items.push_back(rlp_string(key));
    items.push_back(value);
  }
  return rlp_list(items);
}

TEST(Enr, StructuralErrorsAreReported) {
  auto unsorted = decode_enr(raw_record({{"udp", rlp_uint(1)}, {"ip", rlp_uint(1)}}));
  ASSERT_FALSE(unsorted.ok());
  EXPECT_EQ(unsorted.error().message, "ENR: keys are not sorted or not unique");
  auto duplicate = decode_enr(raw_record({{"ip", rlp_uint(1)}, {"ip", rlp_uint(2)}}));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().message, "ENR: keys are not sorted or not unique");
  auto scheme = decode_enr(raw_record({{"id", rlp_string("v5")}}));
  ASSERT_FALSE(scheme.ok());
  EXPECT_NE(scheme.error().message.find("identity scheme"), std::string::npos);
  Bytes odd = rlp_list({rlp_string(Bytes(64, 1)), rlp_uint(1), rlp_string("id")});
  EXPECT_FALSE(decode_enr(odd).ok());
}

TEST(Enr, SizeLimitIsEnforcedBothWays) {
  auto pairs = eip_pairs();
  pairs["big"] = rlp_string(std::string(200, 'x'));
  auto too_big = sign_enr(1, pairs, key_from_hex(kEipKey));
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().message, "the ENR is 341 bytes; the limit is 300");
  auto unchecked = sign_enr_any_size(1, pairs, key_from_hex(kEipKey));
  ASSERT_TRUE(unchecked.ok());
  auto decoded = decode_enr(enr_rlp(*unchecked));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message, "ENR: 341 bytes, over the 300-byte limit");
}

TEST(Enr, ArbitraryValuesRoundTrip) {
  auto pairs = eip_pairs();
  pairs["eth"] = rlp_list({rlp_list({rlp_string(Bytes{1, 2, 3, 4}), rlp_uint(0)})});  // a list value
  pairs["z"] = rlp_string("");
  auto record = sign_enr(77, pairs, key_from_hex(kEipKey));
  ASSERT_TRUE(record.ok());
  auto decoded = parse_enr(enr_text(*record));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->seq, 77u);
  EXPECT_EQ(decoded->pairs, record->pairs);
  EXPECT_EQ(enr_text(*decoded), enr_text(*record));
  EXPECT_FALSE(decoded->bytes_field("eth").ok());  // a list is not a byte string
}

}  // namespace
}  // namespace wakufleet::discovery
