// Waku ENRs: our encoding of waku2, rs and multiaddrs checked bit for bit against records that
// a real go-waku v0.10.0 node produced.
#include <gtest/gtest.h>

#include "discovery/rlp.hpp"
#include "discovery/waku_enr.hpp"
#include "test_util.hpp"

namespace wakufleet::discovery {
namespace {

using testing::hex;
using testing::key_from_hex;

// Fixtures recorded from go-waku v0.10.0 (01bb2e1c), run in a private network namespace:
//   unshare -rn sh -c 'ip link set lo up;
//     WAKUNODE2_NODEKEY=<kGoWakuKey> waku --address=127.99.5.1 --tcp-port=60000 --rest
//       --rest-address=127.99.5.1 --relay --cluster-id=1 --pubsub-topic=/waku/2/rs/1/0 <extra> &
//     sleep 5; curl --noproxy "*" http://127.99.5.1:8645/debug/v1/info; kill %1'
// and taking "enrUri". Each record's seq is go-waku's (a millisecond timestamp); the test
// rebuilds the record from the same inputs and that seq and expects the very same text.
constexpr const char* kGoWakuKey = "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988";

// 60 'n' + "." + 47 'w' + ".example.org": 120 characters.
const std::string kLongDomain = std::string(60, 'n') + "." + std::string(47, 'w') + ".example.org";

struct Fixture {
  const char* name;
  const char* text;
  std::uint8_t capabilities;
  std::vector<std::uint16_t> shards;
  std::optional<std::uint16_t> udp;
  std::vector<std::string> multiaddrs;
};

std::vector<Fixture> go_waku_fixtures() {
  return {
      {"relay",  // <extra>: nothing
       "enr:-Jq4QKW7pinS99RJF419RlVqmD5dp65UhAyyl2j3nUhQSN_Me_mNmObvc5vnYmIyOaPy4Te8l0irvtiKBCnJbSs2hhSGAaIStlnUgmlkgnY0gmlw"
       "hH9jBQGCcnOFAAEBAACJc2VjcDI1NmsxoQIIX-LKeldYlX6oEb2OdD2c7mvCAHLxRwqIjEOhCRqOi4N0Y3CC6mCFd2FrdTIB",
       capability::relay, {0}, std::nullopt, {}},
      // <extra>: --websocket-support --websocket-port=60001 --websocket-address=127.99.5.1 --filter
      //          --lightpush --store --store-message-db-url=sqlite3://store.db
      // No "multiaddrs": go-waku v0.10.0 writes that field only when its websocket addresses do
      // not all fit in 300 bytes (WithMultiaddress sets it only after a failed attempt).
      {"all protocols",
       "enr:-Jq4QHle5mIhm5nkU-IHz2R3gvY_7LRnvaPmEcimsS-QzR31FUovtt8ZNBjCk8klvwk48EWWTkaLkSiqL91ISbu75IWGAaIStnAngmlkgnY0gmlw"
       "hH9jBQGCcnOFAAEBAACJc2VjcDI1NmsxoQIIX-LKeldYlX6oEb2OdD2c7mvCAHLxRwqIjEOhCRqOi4N0Y3CC6mCFd2FrdTIP",
       capability::relay | capability::store | capability::filter | capability::lightpush, {0}, std::nullopt, {}},
      // <extra>: --pubsub-topic=/waku/2/rs/1/3 --pubsub-topic=/waku/2/rs/1/7 --filter
      // go-waku wrote the shards in Go map order: 3, 7, 0 this time.
      {"three shards",
       "enr:-J64QKHnSN9hPcFarHyk3RisKdvPT_5l5rHgHsPwiGXOb7sPaNeQnyiTH8tSdpu7y50EpiwGKnUei5FXByhPqgEZt-2GAaISu__WgmlkgnY0gmlw"
       "hH9jBQGCcnOJAAEDAAMABwAAiXNlY3AyNTZrMaECCF_iynpXWJV-qBG9jnQ9nO5rwgBy8UcKiIxDoQkajouDdGNwgupghXdha3UyBQ",
       capability::relay | capability::filter, {3, 7, 0}, std::nullopt, {}},
      // <extra>: --discv5-discovery --discv5-udp-port=9005 --lightpush
      {"discv5 udp",
       "enr:-KG4QJigAo2OLfthIhkx7b7jNamCFUZc8wczdaoUAmkx51Q9CeC2ko3ZMiDtWJtPaLCMPimgWr_ILgAQOK_NMCRx4VCGAaISvAolgmlkgnY0gmlw"
       "hH9jBQGCcnOFAAEBAACJc2VjcDI1NmsxoQIIX-LKeldYlX6oEb2OdD2c7mvCAHLxRwqIjEOhCRqOi4N0Y3CC6mCDdWRwgiMthXdha3UyCQ",
       capability::relay | capability::lightpush, {0}, 9005, {}},
      // <extra>: --websocket-support --websocket-port=60001 --websocket-address=127.99.5.1
      //          --dns4-domain-name=<kLongDomain>
      // The domain is long enough that both websocket addresses overflow 300 bytes, so go-waku
      // keeps the first of its shuffled list, here the dns4 one.
      {"dns4 multiaddr",
       "enr:-QEouEBQwoGvi6BnxH0nO_i_xNJqPgloMAynnpq4fW_JznLy8CudNAtveJtaUGLjgN2e4ZGkqHpQhLzuTj5EKz7CitpxhgGiErfa2oJpZIJ2"
       "NIJpcIR_YwUBim11bHRpYWRkcnO4gQB_Nnhubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5u"
       "bm4ud3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3cuZXhhbXBsZS5vcmcG6mHdA4Jyc4UAAQEAAIlzZWNwMjU2"
       "azGhAghf4sp6V1iVfqgRvY50PZzua8IAcvFHCoiMQ6EJGo6Lg3RjcILqYIV3YWt1MgE",
       capability::relay, {0}, std::nullopt, {"/dns4/" + kLongDomain + "/tcp/60001/ws"}},
      // The same flags with a domain one character longer; this time the shuffle put the ip4
      // websocket address first.
      {"ip4 ws multiaddr",
       "enr:-LK4QDy0zFALpxOWxaj7bfGqDo6Wc7dOJE7I3kEZR3VphHnXEOcGBhQjZngjoIcpbp-2PxyOsYVeV8IbpxT0EitV5YyGAaISt_wSgmlkgnY0gmlw"
       "hH9jBQGKbXVsdGlhZGRyc4wACgR_YwUBBuph3QOCcnOFAAEBAACJc2VjcDI1NmsxoQIIX-LKeldYlX6oEb2OdD2c7mvCAHLxRwqIjEOhCRqOi4N0Y3CC"
       "6mCFd2FrdTIB",
       capability::relay, {0}, std::nullopt, {"/ip4/127.99.5.1/tcp/60001/ws"}},
  };
}

WakuEnrInput input_for(const Fixture& fixture, std::uint64_t seq) {
  WakuEnrInput input;
  input.node = fixture.name;
  input.key = key_from_hex(kGoWakuKey);
  input.ipv4 = "127.99.5.1";
  input.tcp_port = 60000;
  input.udp_port = fixture.udp;
  input.capabilities = fixture.capabilities;
  input.shards = RelayShards{1, fixture.shards};
  input.multiaddrs = fixture.multiaddrs;
  input.seq = seq;
  return input;
}

TEST(WakuEnr, GoWakuRecordsDecodeToTheirInputs) {
  for (const auto& fixture : go_waku_fixtures()) {
    SCOPED_TRACE(fixture.name);
    auto record = parse_enr(fixture.text);
    ASSERT_TRUE(record.ok()) << record.error().message;
    EXPECT_EQ(hex(*record->public_key()), hex(*waku::public_key_of(key_from_hex(kGoWakuKey))));
    auto fields = read_waku_fields(*record);
    ASSERT_TRUE(fields.ok()) << fields.error().message;
    EXPECT_EQ(fields->ipv4, (std::array<std::uint8_t, 4>{127, 99, 5, 1}));
    EXPECT_EQ(fields->tcp_port, 60000);
    EXPECT_EQ(fields->udp_port, fixture.udp);
    EXPECT_EQ(fields->capabilities, fixture.capabilities);
    EXPECT_EQ(fields->shards, (RelayShards{1, fixture.shards}));
    EXPECT_EQ(fields->multiaddrs, fixture.multiaddrs);
  }
}

TEST(WakuEnr, OurRecordsMatchGoWakuBitForBit) {
  for (const auto& fixture : go_waku_fixtures()) {
    SCOPED_TRACE(fixture.name);
    auto seq = parse_enr(fixture.text)->seq;
    auto record = make_waku_enr(input_for(fixture, seq));
    ASSERT_TRUE(record.ok()) << record.error().message;
    EXPECT_EQ(enr_text(*record), fixture.text);
  }
}

TEST(WakuEnr, RoundTrip) {
  WakuEnrInput input;
  input.node = "store-1";
  input.key = key_from_hex("0101010101010101010101010101010101010101010101010101010101010101");
  input.ipv4 = "10.0.3.7";
  input.tcp_port = 30304;
  input.udp_port = 9000;
  input.capabilities = capability::store | capability::lightpush;
  input.shards = RelayShards{16, {5, 1, 5, 2}};  // written in this order, the second 5 dropped
  input.multiaddrs = {"/dns4/store-1.fleet.test/tcp/60001/ws", "/ip4/10.0.3.7/tcp/60001/ws"};
  input.seq = 42;
  auto record = make_waku_enr(input);
  ASSERT_TRUE(record.ok()) << record.error().message;
  auto decoded = parse_enr(enr_text(*record));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->seq, 42u);
  EXPECT_EQ(enr_text(*decoded), enr_text(*record));
  auto fields = read_waku_fields(*decoded);
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ(fields->ipv4, (std::array<std::uint8_t, 4>{10, 0, 3, 7}));
  EXPECT_EQ(fields->tcp_port, 30304);
  EXPECT_EQ(fields->udp_port, 9000);
  EXPECT_EQ(fields->capabilities, capability::store | capability::lightpush);
  EXPECT_EQ(fields->shards, (RelayShards{16, {5, 1, 2}}));
  EXPECT_EQ(fields->multiaddrs, input.multiaddrs);
  EXPECT_EQ(hex(**decoded->bytes_field("rs")), "001003" "0005" "0001" "0002");
}

TEST(WakuEnr, OversizeRecordNamesTheNodeAndWhatToDrop) {
  WakuEnrInput input;
  input.node = "relay-3";
  input.key = key_from_hex(kGoWakuKey);
  input.ipv4 = "127.99.5.1";
  input.tcp_port = 60000;
  input.capabilities = capability::relay;
  input.shards = RelayShards{1, {0}};
  input.multiaddrs = {"/ip4/127.99.5.1/tcp/60001/ws", "/dns4/" + kLongDomain + "/tcp/60001/ws"};
  auto record = make_waku_enr(input);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().message,
            "the ENR of node relay-3 is 305 bytes; the limit is 300: drop the dns4 multiaddr /dns4/" + kLongDomain +
                "/tcp/60001/ws or use a shorter domain name");
}

TEST(WakuEnr, InvalidInputsAreReported) {
  WakuEnrInput input;
  input.node = "n1";
  input.key = key_from_hex(kGoWakuKey);
  input.ipv4 = "127.99.5";
  EXPECT_EQ(make_waku_enr(input).error().message, "node n1: invalid IPv4 address \"127.99.5\"");
  input.ipv4 = "127.99.5.1";
  EXPECT_EQ(make_waku_enr(input).error().message, "node n1: no TCP port");
  input.tcp_port = 60000;
  input.shards = RelayShards{1, {}};
  EXPECT_EQ(make_waku_enr(input).error().message, "node n1: relay shards: no shard given");
  input.shards = RelayShards{1, {1024}};
  EXPECT_FALSE(make_waku_enr(input).ok());
  input.shards.reset();
  input.multiaddrs = {"/dns4/x.org/tcp/1/quic"};
  EXPECT_FALSE(make_waku_enr(input).ok());
}

TEST(WakuEnr, ZeroCapabilitiesEncodeAsAnEmptyString) {
  WakuEnrInput input;
  input.node = "bare";
  input.key = key_from_hex(kGoWakuKey);
  input.ipv4 = "127.0.0.1";
  input.tcp_port = 1;
  auto record = make_waku_enr(input);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(hex(record->pairs.at("waku2")), "80");
  EXPECT_EQ(*read_waku_fields(*record)->capabilities, 0);
}

}  // namespace
}  // namespace wakufleet::discovery
