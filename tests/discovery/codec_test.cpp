// keccak256, RLP, base64url/base32 and binary multiaddrs against published vectors.
#include <gtest/gtest.h>

#include "discovery/base_encoding.hpp"
#include "discovery/keccak.hpp"
#include "discovery/multiaddr.hpp"
#include "discovery/rlp.hpp"
#include "test_util.hpp"

namespace wakufleet::discovery {
namespace {

using testing::from_hex;
using testing::hex;

TEST(Keccak256, KnownVectors) {
  EXPECT_EQ(hex(keccak256("")), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(hex(keccak256("abc")), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  EXPECT_EQ(hex(keccak256("The quick brown fox jumps over the lazy dog")),
            "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
}

// Inputs around the 136-byte rate, where the padding lands in its own block. Expected values
// come from golang.org/x/crypto/sha3.NewLegacyKeccak256 (an independent implementation).
TEST(Keccak256, BlockBoundaries) {
  auto repeat = [](std::size_t n) { return keccak256(std::string(n, 'a')); };
  EXPECT_EQ(hex(repeat(135)), "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446");
  EXPECT_EQ(hex(repeat(136)), "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e");
  EXPECT_EQ(hex(repeat(137)), "d869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39");
  EXPECT_EQ(hex(repeat(272)), "cf7fcd4f705ee749930d19ca84561a9bf62516bd90a471545fa2f49fdc7e63c8");
  EXPECT_EQ(hex(repeat(1000)), "b6a4ac1f51884d71f30fa397a5e155de3099e11fc0edef5d08b646e621e19de9");
}

// Vectors from the Ethereum RLP specification.
TEST(Rlp, EncodesStringsIntegersAndLists) {
  EXPECT_EQ(hex(rlp_string("dog")), "83646f67");
  EXPECT_EQ(hex(rlp_string("")), "80");
  EXPECT_EQ(hex(rlp_uint(0)), "80");
  EXPECT_EQ(hex(rlp_uint(15)), "0f");
  EXPECT_EQ(hex(rlp_uint(1024)), "820400");
  EXPECT_EQ(hex(rlp_list({rlp_string("cat"), rlp_string("dog")})), "c88363617483646f67");
  EXPECT_EQ(hex(rlp_list({})), "c0");
  std::string lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
  EXPECT_EQ(hex(rlp_string(lorem)).substr(0, 4), "b838");
  EXPECT_EQ(rlp_string(lorem).size(), 58u);
}

TEST(Rlp, DecodesWhatItEncodes) {
  Bytes encoded = rlp_list({rlp_uint(300), rlp_string(std::string(60, 'x')), rlp_list({rlp_string("a")})});
  auto list = rlp_read_exact(encoded);
  ASSERT_TRUE(list.ok()) << list.error().message;
  auto items = rlp_items(*list);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 3u);
  EXPECT_EQ(*rlp_to_uint((*items)[0]), 300u);
  EXPECT_EQ(string_of((*items)[1].payload), std::string(60, 'x'));
  EXPECT_TRUE((*items)[2].is_list);
}

TEST(Rlp, RejectsNonCanonicalAndTruncatedInput) {
  EXPECT_FALSE(rlp_read_exact(from_hex("8105")).ok());      // a byte below 0x80 written as a string
  EXPECT_FALSE(rlp_read_exact(from_hex("b80161")).ok());    // long form for a 1-byte string
  EXPECT_FALSE(rlp_read_exact(from_hex("83646f")).ok());    // truncated
  EXPECT_FALSE(rlp_read_exact(from_hex("83646f6700")).ok());  // trailing byte
  EXPECT_FALSE(rlp_to_uint(*rlp_read_exact(from_hex("820001"))).ok());  // leading zero
}

// RFC 4648 section 10 vectors, without padding.
TEST(BaseEncoding, Rfc4648Vectors) {
  const std::pair<const char*, const char*> base32[] = {
      {"", ""}, {"f", "MY"}, {"fo", "MZXQ"}, {"foo", "MZXW6"}, {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"}};
  for (auto [plain, encoded] : base32) {
    EXPECT_EQ(base32_encode(bytes_of(plain)), encoded);
    EXPECT_EQ(string_of(*base32_decode(encoded)), plain);
  }
  const std::pair<const char*, const char*> base64[] = {
      {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : base64) {
    EXPECT_EQ(base64url_encode(bytes_of(plain)), encoded);
    EXPECT_EQ(string_of(*base64url_decode(encoded)), plain);
  }
}

TEST(BaseEncoding, UrlAlphabetAndErrors) {
  Bytes bytes = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(base64url_encode(bytes), "-_-_");
  EXPECT_EQ(*base64url_decode("-_-_"), bytes);
  EXPECT_FALSE(base64url_decode("Zm9v=").ok());  // no padding in ENR texts
  EXPECT_FALSE(base64url_decode("Zm9vY").ok());  // a dangling character
  EXPECT_FALSE(base64url_decode("Zm+v").ok());   // standard, not URL, alphabet
  EXPECT_FALSE(base32_decode("MZXW6Y1").ok());
  EXPECT_FALSE(base32_decode("mzxw6").ok());     // lower case is not in the alphabet
  EXPECT_FALSE(base32_decode("MZX").ok());
}

TEST(Multiaddr, EncodesWebsocketAddresses) {
  EXPECT_EQ(hex(*multiaddr_to_bytes("/ip4/127.99.5.1/tcp/60001/ws")), "047f63050106ea61dd03");
  EXPECT_EQ(hex(*multiaddr_to_bytes("/dns4/a.io/tcp/443/wss")), "3604612e696f0601bbde03");
  EXPECT_EQ(hex(*multiaddr_to_bytes("/ip6/::1/tcp/1")), "290000000000000000000000000000000106" "0001");
  for (const char* text : {"/ip4/127.99.5.1/tcp/60001/ws", "/dns4/node-1.fleet.example.org/tcp/60001/ws",
                           "/dns6/x.org/tcp/8000/tls/ws", "/ip6/fe80::1/udp/9000"})
    EXPECT_EQ(*multiaddr_to_text(*multiaddr_to_bytes(text)), text);
}

TEST(Multiaddr, RejectsWhatItCannotEncode) {
  EXPECT_FALSE(multiaddr_to_bytes("ip4/1.2.3.4").ok());
  EXPECT_FALSE(multiaddr_to_bytes("/ip4/1.2.3").ok());
  EXPECT_FALSE(multiaddr_to_bytes("/tcp/70000").ok());
  EXPECT_FALSE(multiaddr_to_bytes("/tcp").ok());
  EXPECT_FALSE(multiaddr_to_bytes("/quic-v1").ok());
}

TEST(Multiaddr, FieldIsLengthPrefixed) {
  auto field = encode_multiaddrs_field({"/ip4/127.99.5.1/tcp/60001/ws", "/dns4/a.io/tcp/443/wss"});
  ASSERT_TRUE(field.ok());
  EXPECT_EQ(hex(*field), "000a047f63050106ea61dd03000b3604612e696f0601bbde03");
  auto back = decode_multiaddrs_field(*field);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, (std::vector<std::string>{"/ip4/127.99.5.1/tcp/60001/ws", "/dns4/a.io/tcp/443/wss"}));
  EXPECT_FALSE(decode_multiaddrs_field(from_hex("000b047f")).ok());
}

}  // namespace
}  // namespace wakufleet::discovery
