// Bad specs: each class of mistake gives one clear diagnostic at the right place, and a file
// with several mistakes reports all of them in one run.
#include <gtest/gtest.h>

#include "spec/parse.hpp"
#include "spec_test_util.hpp"

namespace wakufleet::spec {
namespace {

using testing::expect_single;
using testing::kFleet;
using testing::parse;
using testing::rendered;
using testing::single_diagnostic;
using testing::toml;

const std::string kMinimalSpecHint =
    "a minimal fleet.toml is:\n"
    "    [fleet]\n"
    "    name = \"demo\"\n"
    "    domain = \"demo.waku.test\"\n"
    "    nodes = 3";

// ---- unknown keys ----------------------------------------------------------------------------

TEST(UnknownKey, RendersWithDidYouMean) {
  EXPECT_EQ(rendered(toml(R"(
[fleet]
name = "demo"
nodez = 3
domain = "demo.waku.test"
)")),
            "fleet.toml:3:1: error: unknown key 'nodez' in [fleet]\n"
            "    3 | nodez = 3\n"
            "      | ^\n"
            "note: did you mean 'nodes'?\n");
}

TEST(UnknownKey, MisspelledRequiredKeyIsNotAlsoReportedMissing) {
  expect_single(toml(R"(
[fleet]
nmae = "demo"
domain = "demo.waku.test"
nodes = 3
)"),
                2, 1, "unknown key 'nmae' in [fleet]", "did you mean 'name'?");
}

TEST(UnknownKey, WithoutACloseMatchListsTheValidKeys) {
  expect_single(kFleet + "[waku]\ncolour = \"blue\"\n", 6, 1, "unknown key 'colour' in [waku]",
                "valid keys in [waku]: version, protocols, cluster_id, shards, store_retention, log_level, "
                "max_connections");
}

TEST(UnknownKey, InAGroup) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"

[[group]]
name = "relay"
cuont = 2
count = 2
)"),
                7, 1, "unknown key 'cuont' in [[group]]", "did you mean 'count'?");
}

TEST(UnknownKey, TopLevelTable) {
  expect_single(kFleet + "[obsevability]\nlogs = true\n", 5, 2, "unknown table [obsevability]",
                "did you mean [observability]?");
}

TEST(UnknownKey, TopLevelArrayOfTables) {
  expect_single(kFleet + "[[groups]]\nname = \"x\"\n", 5, 3, "unknown table [[groups]]", "did you mean [[group]]?");
}

TEST(UnknownKey, TopLevelKey) {
  expect_single("verbose = true\n" + kFleet, 1, 1, "unknown key 'verbose' at the top level",
                "valid keys at the top level: fleet, group, target, waku, discovery, observability");
}

TEST(UnknownKey, NestedTable) {
  expect_single(kFleet + "[target.aws]\nregion = \"x\"\n", 5, 9, "unknown table [target.aws]",
                "valid keys in [target]: kind, local, digitalocean");
}

// ---- wrong types -----------------------------------------------------------------------------

TEST(WrongType, IntegerGotString) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
nodes = "3"
)"),
                4, 9, "wrong type for fleet.nodes: expected an integer, got a string",
                "remove the quotes around the value");
}

TEST(WrongType, IntegerGotFloat) {
  expect_single(kFleet + "[waku]\ncluster_id = 1.0\n", 6, 14,
                "wrong type for waku.cluster_id: expected an integer, got a float", "");
}

TEST(WrongType, BooleanGotString) {
  expect_single(kFleet + "[discovery]\ndns = \"yes\"\n", 6, 7,
                "wrong type for discovery.dns: expected a boolean (true or false), got a string",
                "remove the quotes around the value");
}

TEST(WrongType, StringGotInteger) {
  expect_single(kFleet + "[waku]\nversion = 10\n", 6, 11, "wrong type for waku.version: expected a string, got an integer",
                "");
}

TEST(WrongType, ArrayElement) {
  expect_single(kFleet + "[waku]\nshards = [0, \"1\"]\n", 6, 14,
                "wrong type in waku.shards: expected an integer for each element, got a string", "");
}

TEST(WrongType, TableGotValue) {
  expect_single(kFleet + "[target]\nlocal = 3\n", 6, 9, "wrong type for target.local: expected a table, got an integer",
                "write it as a [target.local] section");
  expect_single("waku = 3\n" + kFleet, 1, 8, "wrong type for waku: expected a table, got an integer",
                "write it as a [waku] section");
}

TEST(WrongType, GroupWithSingleBrackets) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"

[group]
name = "relay"
count = 2
)"),
                5, 1, "wrong type for group: expected an array of tables, got a table",
                "write each entry as a [[group]] section (double brackets)");
}

// ---- out of range ----------------------------------------------------------------------------

TEST(OutOfRange, ZeroNodes) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
nodes = 0
)"),
                4, 9, "fleet.nodes must be between 1 and 1000, got 0", "");
}

TEST(OutOfRange, NegativeCount) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
[[group]]
name = "relay"
count = -2
)"),
                6, 9, "group.count must be between 1 and 1000, got -2", "");
}

TEST(OutOfRange, MoreThanAThousandNodesInOneFleetNodes) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
nodes = 1001
)"),
                4, 9, "fleet.nodes must be between 1 and 1000, got 1001", "");
}

TEST(OutOfRange, TotalAcrossGroupsBlamesTheGroupThatCrossesTheLimit) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
[[group]]
name = "a"
count = 600
[[group]]
name = "b"
count = 300
[[group]]
name = "c"
count = 200
[[group]]
name = "d"
count = 50
)"),
                12, 9, "this [[group]] brings the fleet to 1100 nodes; a fleet has at most 1000",
                "lower the count, or split the nodes into several fleets");
}

TEST(OutOfRange, ClusterIdAndShards) {
  expect_single(kFleet + "[waku]\ncluster_id = 65536\n", 6, 14, "waku.cluster_id must be between 0 and 65535, got 65536",
                "");
  expect_single(kFleet + "[waku]\ncluster_id = -1\n", 6, 14, "waku.cluster_id must be between 0 and 65535, got -1", "");
  expect_single(kFleet + "[waku]\nshards = [1, 1024]\n", 6, 14,
                "each value of waku.shards must be between 0 and 1023, got 1024", "");
}

TEST(OutOfRange, DuplicateShardPointsAtTheSecond) {
  expect_single(kFleet + "[waku]\ncluster_id = 1\nshards = [3, 4, 3]\n", 7, 17, "shard 3 is listed twice in waku.shards",
                "");
}

TEST(OutOfRange, OtherLimits) {
  expect_single(kFleet + "[waku]\nmax_connections = 0\n", 6, 19,
                "waku.max_connections must be between 1 and 1000, got 0", "");
  expect_single(kFleet + "[target.digitalocean]\nvolume_size_gb = 20000\n", 6, 18,
                "target.digitalocean.volume_size_gb must be between 1 and 16384, got 20000", "");
  expect_single(kFleet + "[target.digitalocean]\ndroplets_per_request = 11\n", 6, 24,
                "target.digitalocean.droplets_per_request must be between 1 and 10, got 11", "");
}

// ---- DNS names -------------------------------------------------------------------------------

TEST(DnsName, FleetNameMustBeALabel) {
  expect_single(toml(R"(
[fleet]
name = "my_fleet"
domain = "demo.waku.test"
nodes = 1
)"),
                2, 8, "fleet.name must be a DNS label, got 'my_fleet'",
                "use 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
}

TEST(DnsName, UppercaseGetsTheLowercaseSpelling) {
  expect_single(toml(R"(
[fleet]
name = "Demo"
domain = "demo.waku.test"
nodes = 1
)"),
                2, 8, "fleet.name must be a DNS label, got 'Demo'", "DNS labels are lowercase: did you mean 'demo'?");
}

TEST(DnsName, Domain) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo..test"
nodes = 1
)"),
                3, 10, "fleet.domain must be a DNS name, got 'demo..test'",
                "dot-separated labels of a-z, 0-9 and '-', for example \"demo.waku.test\"");
}

TEST(DnsName, GroupNameAndExplicitNodeNames) {
  std::string text = toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
[[group]]
name = "-relay"
count = 1
[[group]]
name = "edge"
names = ["ok", "not ok"]
)");
  ParseResult result = parse(text);
  ASSERT_EQ(result.diagnostics.size(), 2u) << render_all(result.diagnostics, text);
  EXPECT_EQ(result.diagnostics[0].line, 5);
  EXPECT_EQ(result.diagnostics[0].column, 8);
  EXPECT_EQ(result.diagnostics[0].message, "group.name must be a DNS label, got '-relay'");
  EXPECT_EQ(result.diagnostics[1].line, 9);
  EXPECT_EQ(result.diagnostics[1].column, 16);
  EXPECT_EQ(result.diagnostics[1].message, "node name 'not ok' in group.names must be a DNS label");
}

TEST(DnsName, GeneratedNodeNamesMustFitInALabel) {
  std::string name(60, 'a');
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
[[group]]
name = ")" + name + R"("
count = 1000
)"),
                5, 8, "node name '" + name + "-999' of group '" + name + "' would be longer than 63 characters",
                "shorten the group name");
}

TEST(DnsName, NodeAddressesMustFitInADnsName) {
  std::string domain;
  for (int i = 0; i < 4; ++i) domain += std::string(60, 'd') + ".";
  domain += "test";  // 248 characters: with "node-0." in front it is too long
  expect_single("[fleet]\nname = \"demo\"\ndomain = \"" + domain + "\"\nnodes = 1\n", 3, 10,
                "node address 'node-0." + domain + "' would be longer than 253 characters",
                "use a shorter domain or shorter node names");
}

TEST(DnsName, TreeSubdomain) {
  expect_single(kFleet + "[discovery]\ndns = true\ntree_subdomain = \"a b\"\n", 7, 18,
                "discovery.tree_subdomain must be a DNS name (a-z, 0-9, '-' and '.'), got 'a b'",
                "the tree is published at <tree_subdomain>.<domain>, for example \"nodes\"");
}

// ---- protocols -------------------------------------------------------------------------------

TEST(Protocol, UnknownWithDidYouMean) {
  expect_single(kFleet + "[waku]\nprotocols = [\"relay\", \"stroe\"]\n", 6, 23, "unknown protocol 'stroe' in waku.protocols",
                "did you mean 'store'?");
  expect_single(kFleet + "[waku]\nprotocols = [\"peer_exchange\"]\n", 6, 14,
                "unknown protocol 'peer_exchange' in waku.protocols", "did you mean 'peer-exchange'?");
}

TEST(Protocol, SuggestionsCoverCaseAndLongerSpellings) {
  expect_single(kFleet + "[waku]\nprotocols = [\"Relay\"]\n", 6, 14, "unknown protocol 'Relay' in waku.protocols",
                "did you mean 'relay'?");
  expect_single(kFleet + "[waku]\nprotocols = [\"lightpushv2\"]\n", 6, 14,
                "unknown protocol 'lightpushv2' in waku.protocols", "did you mean 'lightpush'?");
}

TEST(Protocol, UnknownWithoutAMatchListsThem) {
  expect_single(kFleet + "[waku]\nprotocols = [\"rln\"]\n", 6, 14, "unknown protocol 'rln' in waku.protocols",
                "known protocols: relay, store, filter, lightpush, peer-exchange");
}

TEST(Protocol, InAGroup) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
[[group]]
name = "relay"
count = 1
protocols = ["relay", "lightpsuh"]
)"),
                7, 23, "unknown protocol 'lightpsuh' in group.protocols", "did you mean 'lightpush'?");
}

TEST(Protocol, ListedTwiceOrNone) {
  expect_single(kFleet + "[waku]\nprotocols = [\"relay\", \"relay\"]\n", 6, 23,
                "protocol 'relay' is listed twice in waku.protocols", "");
  expect_single(kFleet + "[waku]\nprotocols = []\n", 6, 13, "waku.protocols is empty; a node needs at least one protocol",
                "for example [\"relay\"]");
}

// ---- node definitions ------------------------------------------------------------------------

TEST(Nodes, DuplicateNodeNameAcrossGroupsPointsAtTheSecond) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
[[group]]
name = "relay"
count = 3
[[group]]
name = "edge"
names = ["alpha", "relay-2"]
)"),
                9, 19, "node name 'relay-2' is already used by group 'relay' on line 5",
                "node names must be unique in the fleet");
}

TEST(Nodes, DuplicateNameInsideANamesList) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
[[group]]
name = "edge"
names = ["alpha", "beta", "alpha"]
)"),
                6, 27, "node name 'alpha' is already used by group 'edge' on line 6",
                "node names must be unique in the fleet");
}

TEST(Nodes, GeneratedNamesClashOncePerGroup) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
[[group]]
name = "x"
names = ["relay-0", "relay-1"]
[[group]]
name = "relay"
count = 5
)"),
                8, 8, "node name 'relay-0' is already used by group 'x' on line 6",
                "node names must be unique in the fleet");
}

TEST(Nodes, DuplicateGroupName) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
[[group]]
name = "relay"
count = 2
[[group]]
name = "relay"
count = 2
)"),
                8, 8, "group name 'relay' is already used by the [[group]] on line 5",
                "give each [[group]] its own name");
}

TEST(Nodes, FleetNodesAndGroupsTogether) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
nodes = 3
[[group]]
name = "relay"
count = 2
)"),
                4, 1, "fleet.nodes and [[group]] cannot be used together",
                "keep nodes = N for N alike nodes named node-0 .. node-(N-1), or describe every node with [[group]] "
                "sections and remove nodes");
}

TEST(Nodes, NoNodeDefinition) {
  expect_single(toml(R"(
# a fleet with nothing in it
[fleet]
name = "demo"
domain = "demo.waku.test"
)"),
                2, 1, "no nodes: [fleet] has no 'nodes' and there is no [[group]]",
                "add nodes = 3 to [fleet], or one or more [[group]] sections with a name and a count");
}

TEST(Nodes, GroupNeedsCountOrNames) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"

[[group]]
name = "relay"
)"),
                5, 1, "[[group]] needs 'count' or 'names'",
                "add count = 3 (nodes relay-0 .. relay-2) or names = [\"alpha\", \"beta\"]");
}

TEST(Nodes, GroupWithCountAndNames) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
[[group]]
name = "relay"
count = 2
names = ["a", "b"]
)"),
                7, 1, "'count' and 'names' cannot both be set in [[group]]",
                "count = N names the nodes <name>-0 .. <name>-(N-1); names = [...] lists them one by one");
}

TEST(Nodes, GroupNeedsAName) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
[[group]]
count = 2
)"),
                4, 1, "missing required key 'name' in [[group]]",
                "add name = \"relay\" (a DNS label; nodes are named <name>-0, <name>-1, ...)");
}

TEST(Nodes, EmptyNamesList) {
  expect_single(toml(R"(
[fleet]
name = "demo"
domain = "demo.waku.test"
[[group]]
name = "edge"
names = []
)"),
                6, 9, "group.names is empty; list at least one node name", "for example names = [\"alpha\", \"beta\"]");
}

// ---- missing keys and empty files ------------------------------------------------------------

TEST(Missing, NameAndDomainPointAtTheHeader) {
  std::string text = toml(R"(
# comment
[fleet]
nodes = 2
)");
  ParseResult result = parse(text);
  ASSERT_EQ(result.diagnostics.size(), 2u) << render_all(result.diagnostics, text);
  EXPECT_EQ(result.diagnostics[0].line, 2);
  EXPECT_EQ(result.diagnostics[0].column, 1);
  EXPECT_EQ(result.diagnostics[0].message, "missing required key 'name' in [fleet]");
  EXPECT_EQ(result.diagnostics[0].hint,
            "add name = \"demo\" (a DNS label: use 1-63 characters of a-z, 0-9 and '-', not starting or ending with "
            "'-')");
  EXPECT_EQ(result.diagnostics[1].line, 2);
  EXPECT_EQ(result.diagnostics[1].message, "missing required key 'domain' in [fleet]");
  EXPECT_EQ(result.diagnostics[1].hint, "add domain = \"demo.waku.test\" (nodes are reachable as <node>.<domain>)");
}

TEST(Missing, FleetSectionIsAWholeFileDiagnostic) {
  expect_single("[waku]\ncluster_id = 1\n", 0, 0, "missing [fleet] section",
                "every spec needs a [fleet] section, for example:\n"
                "    [fleet]\n"
                "    name = \"demo\"\n"
                "    domain = \"demo.waku.test\"\n"
                "    nodes = 3");
}

TEST(Missing, RemoteWriteUrl) {
  expect_single(kFleet + "[observability.remote_write]\nusername = \"me\"\n", 5, 1,
                "missing required key 'url' in [observability.remote_write]",
                "add url = \"https://prometheus.example.com/api/v1/write\"");
}

TEST(EmptyFile, SaysWhatAMinimalSpecLooksLike) {
  expect_single("", 0, 0, "the file is empty", kMinimalSpecHint);
  expect_single(" \n\t\r\n", 0, 0, "the file is empty", kMinimalSpecHint);
  EXPECT_EQ(rendered(""),
            "fleet.toml: error: the file is empty\n"
            "note: a minimal fleet.toml is:\n"
            "    [fleet]\n"
            "    name = \"demo\"\n"
            "    domain = \"demo.waku.test\"\n"
            "    nodes = 3\n");
}

TEST(EmptyFile, OnlyComments) {
  expect_single("# nothing yet\n\n# really\n", 0, 0, "the file has no settings, only comments", kMinimalSpecHint);
}

// ---- encoding and syntax ---------------------------------------------------------------------

TEST(Encoding, LatinOneByteIsReportedAtItsPosition) {
  std::string text = "[fleet]\nname = \"d\xE9mo\"\n";
  expect_single(text, 2, 10, "the file is not valid UTF-8: byte 0xE9 is not part of a UTF-8 character",
                "save fleet.toml as UTF-8 (it may be in Latin-1 or Windows-1252)");
  EXPECT_EQ(rendered(text),
            "fleet.toml:2:10: error: the file is not valid UTF-8: byte 0xE9 is not part of a UTF-8 character\n"
            "    2 | name = \"d\xEF\xBF\xBDmo\"\n"
            "      |          ^\n"
            "note: save fleet.toml as UTF-8 (it may be in Latin-1 or Windows-1252)\n");
}

TEST(Encoding, ColumnsCountCharactersBeforeTheBadByte) {
  // "é" (2 bytes) and "✓" (3 bytes) are one column each.
  Diagnostic diagnostic = single_diagnostic("# ok\n# \xC3\xA9\xE2\x9C\x93 \xFF\n");
  EXPECT_EQ(diagnostic.line, 2);
  EXPECT_EQ(diagnostic.column, 6);
  EXPECT_EQ(diagnostic.message, "the file is not valid UTF-8: byte 0xFF is not part of a UTF-8 character");
}

TEST(Encoding, OverlongSurrogateAndTruncatedSequencesAreRejected) {
  EXPECT_EQ(single_diagnostic("a = \"\xC0\xAF\"\n").column, 6);      // overlong '/'
  EXPECT_EQ(single_diagnostic("a = \"\xED\xA0\x80\"\n").column, 6);  // UTF-16 surrogate
  EXPECT_EQ(single_diagnostic("a = \"\xF4\x90\x80\x80\"\n").column, 6);  // above U+10FFFF
  EXPECT_EQ(single_diagnostic("a = 1 # \xE2\x9C").column, 9);        // cut off at end of file
}

TEST(Syntax, NotTomlAtAll) {
  EXPECT_EQ(rendered("hello world\n"),
            "fleet.toml:1:7: error: not valid TOML: expected '=', saw 'w' (while reading a key-value pair)\n"
            "    1 | hello world\n"
            "      |       ^\n"
            "note: fleet.toml is TOML: key = value lines under [section] headers, strings in double quotes (see "
            "docs/spec.md)\n");
}

TEST(Syntax, JsonIsNotToml) {
  expect_single("{\"fleet\": {\"name\": \"demo\"}}\n", 1, 1,
                "not valid TOML: expected keys, tables, whitespace or comments, saw '{' (while reading the top level)",
                "fleet.toml is TOML: key = value lines under [section] headers, strings in double quotes (see "
                "docs/spec.md)");
}

TEST(Syntax, RepeatedSection) {
  expect_single(kFleet + "[fleet]\n", 5, 1,
                "not valid TOML: cannot redefine existing table 'fleet' (while reading a table header)",
                "each key, and each [section] header, may appear only once");
}

TEST(Syntax, UnterminatedString) {
  Diagnostic diagnostic = single_diagnostic("[fleet]\nname = \"demo\n");
  EXPECT_EQ(diagnostic.line, 2);
  EXPECT_TRUE(diagnostic.message.rfind("not valid TOML: ", 0) == 0) << diagnostic.message;
}

// ---- values of the other sections ------------------------------------------------------------

TEST(Version, UnpinnedVersionNamesThePinnedOnes) {
  expect_single(kFleet + "[waku]\nversion = \"0.9.0\"\n", 6, 11, "go-waku version '0.9.0' is not pinned by this wakufleet",
                "pinned versions: 0.10.0");
  expect_single(kFleet + "[waku]\nversion = \"v0.10.0\"\n", 6, 11,
                "go-waku version 'v0.10.0' is not pinned by this wakufleet",
                "did you mean '0.10.0'? pinned versions: 0.10.0");
}

TEST(Choice, LogLevelKindAndDatadogSite) {
  expect_single(kFleet + "[waku]\nlog_level = \"warning\"\n", 6, 13,
                "waku.log_level must be one of debug, info, warn, error, fatal; got 'warning'", "did you mean 'warn'?");
  expect_single(kFleet + "[target]\nkind = \"aws\"\n", 6, 8, "target.kind must be one of local, digitalocean; got 'aws'",
                "");
  expect_single(kFleet + "[observability]\ndatadog_site = \"datadoghq.de\"\n", 6, 16,
                "observability.datadog_site must be one of datadoghq.com, us3.datadoghq.com, us5.datadoghq.com, "
                "ap1.datadoghq.com, ap2.datadoghq.com, uk1.datadoghq.com, datadoghq.eu, ddog-gov.com; got "
                "'datadoghq.de'",
                "did you mean 'datadoghq.eu'?");
}

TEST(Duration, InvalidOrZero) {
  expect_single(kFleet + "[waku]\nstore_retention = \"2 days\"\n", 6, 19, "waku.store_retention is not a duration: '2 days'",
                "write a number followed by s, m, h, d or w, such as \"48h\", \"30m\", \"7d\" or \"1h30m\"");
  expect_single(kFleet + "[target.local]\nready_timeout = \"0s\"\n", 6, 17,
                "target.local.ready_timeout must be longer than zero, got '0s'", "");
  expect_single(kFleet + "[target.local]\nready_timeout = \"2d\"\n", 6, 17,
                "target.local.ready_timeout must be at most 24h, got '2d'", "");
}

TEST(LocalTarget, SubnetMustBeAFleetLoopbackSlash24) {
  const std::string message = "target.local.subnet must be a /24 inside 127.0.0.0/8 other than 127.0.0.0/24, got '";
  const std::string hint = "for example \"127.42.7.0/24\"; leave it out to derive one from the fleet name";
  auto subnet = [](const std::string& value) { return kFleet + "[target.local]\nsubnet = \"" + value + "\"\n"; };
  expect_single(subnet("10.0.0.0/24"), 6, 10, message + "10.0.0.0/24'", hint);
  expect_single(subnet("127.42.0.0/16"), 6, 10, message + "127.42.0.0/16'", hint);
  expect_single(subnet("127.0.0.0/24"), 6, 10, message + "127.0.0.0/24'", hint);
  expect_single(subnet("127.42.7.0"), 6, 10, message + "127.42.7.0'", hint);
  expect_single(subnet("127.42.7.9/24"), 6, 10, message + "127.42.7.9/24'",
                "a /24 network address ends in .0: \"127.42.7.0/24\"");
}

TEST(DigitalOceanTarget, SlugsKeysAndRanges) {
  expect_single(kFleet + "[target.digitalocean]\nregion = \"AMS3\"\n", 6, 10,
                "target.digitalocean.region must be a DigitalOcean slug (a-z, 0-9, '-' and '.'), got 'AMS3'",
                "slugs are lowercase, for example region = \"ams3\", size = \"s-1vcpu-2gb\"");
  expect_single(kFleet + "[target.digitalocean]\nssh_keys = [\"ssh-ed25519 AAAA\"]\n", 6, 13,
                "'ssh-ed25519 AAAA' in 'ssh_keys' is not an SSH key id or fingerprint",
                "use the MD5 fingerprint DigitalOcean shows (ssh-keygen -E md5 -lf key.pub), like "
                "\"3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa\", or the key's numeric id");
  expect_single(kFleet + "[target.digitalocean]\nadmin_cidrs = [\"203.0.113.0/24\", \"my office\"]\n", 6, 34,
                "'my office' in 'admin_cidrs' is not an address range in CIDR form",
                "write an address and a prefix length, like \"203.0.113.0/24\" or \"198.51.100.7/32\" for a single "
                "address");
  expect_single(kFleet + "[discovery]\ntree_links = [\"https://nodes.example.org\"]\n", 6, 15,
                "'https://nodes.example.org' in 'tree_links' is not an enrtree:// URL",
                "write the URL another tree is published under, like "
                "\"enrtree://AKA3AM6LPBYEUDMVNU3BSVQJ5AD45Y7YPOHJLEF6W26QOE4VTUDPE@nodes.example.org\"");
  expect_single(kFleet + "[target.digitalocean]\nvpc_ip_range = \"8.8.8.0/24\"\n", 6, 16,
                "target.digitalocean.vpc_ip_range must be a private IPv4 range from /16 to /28, got '8.8.8.0/24'",
                "DigitalOcean VPCs use RFC 1918 ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16), for example "
                "\"10.10.0.0/24\"; leave it out to let DigitalOcean choose");
}

TEST(RemoteWrite, UrlAndPasswordEnv) {
  expect_single(kFleet + "[observability.remote_write]\nurl = \"prometheus:9090\"\n", 6, 7,
                "observability.remote_write.url must be an http:// or https:// URL, got 'prometheus:9090'",
                "for example \"https://prometheus.example.com/api/v1/write\"");
  expect_single(kFleet + "[observability.remote_write]\nurl = \"https://x.test\"\npassword_env = \"hunter2!\"\n", 7, 16,
                "observability.remote_write.password_env must be the name of an environment variable (letters, digits "
                "and '_'), got 'hunter2!'",
                "store the password in a variable such as REMOTE_WRITE_PASSWORD and write its name here");
}

// ---- secrets ---------------------------------------------------------------------------------

TEST(Secret, DigitalOceanToken) {
  expect_single(kFleet + "[target.digitalocean]\ntoken = \"dop_v1_abc\"\n", 6, 1,
                "'token' in [target.digitalocean] looks like a secret; secrets never go in fleet.toml",
                "set DIGITALOCEAN_TOKEN in the environment instead");
}

TEST(Secret, DatadogApiKey) {
  expect_single(kFleet + "[observability]\napi_key = \"abc\"\n", 6, 1,
                "'api_key' in [observability] looks like a secret; secrets never go in fleet.toml",
                "set DD_API_KEY in the environment instead");
}

TEST(Secret, RemoteWritePassword) {
  expect_single(kFleet + "[observability.remote_write]\nurl = \"https://x.test\"\npassword = \"abc\"\n", 7, 1,
                "'password' in [observability.remote_write] looks like a secret; secrets never go in fleet.toml",
                "put it in an environment variable and name that variable in password_env (for example password_env = "
                "\"REMOTE_WRITE_PASSWORD\")");
  expect_single(kFleet + "[observability.remote_write]\nurl = \"https://me:abc@x.test/write\"\n", 6, 7,
                "observability.remote_write.url contains a password; secrets never go in fleet.toml",
                "put the user name in 'username' and the password in an environment variable named by password_env");
}

TEST(Secret, InsideAnUnknownTable) {
  std::string text = kFleet + "[datadog]\napi_key = \"abc\"\n";
  ParseResult result = parse(text);
  ASSERT_EQ(result.diagnostics.size(), 2u) << render_all(result.diagnostics, text);
  EXPECT_EQ(result.diagnostics[0].message, "unknown table [datadog]");
  EXPECT_EQ(result.diagnostics[1].line, 6);
  EXPECT_EQ(result.diagnostics[1].message, "'api_key' in [datadog] looks like a secret; secrets never go in fleet.toml");
  EXPECT_EQ(result.diagnostics[1].hint, "set DD_API_KEY in the environment instead");
}

TEST(Secret, AnywhereElse) {
  expect_single("key = \"abc\"\n" + kFleet, 1, 1, "'key' looks like a secret; secrets never go in fleet.toml",
                "keep it in an environment variable: wakufleet reads DIGITALOCEAN_TOKEN and DD_API_KEY from the "
                "environment, and remote_write.password_env names the variable holding a remote-write password");
  EXPECT_EQ(single_diagnostic(kFleet + "nodekey = \"0x12\"\n").message,
            "'nodekey' in [fleet] looks like a secret; secrets never go in fleet.toml");
}

TEST(Secret, ATypoOfAKnownKeyIsStillATypo) {
  expect_single(kFleet + "[target.digitalocean]\nssh_key = [\"1\"]\n", 6, 1,
                "unknown key 'ssh_key' in [target.digitalocean]", "did you mean 'ssh_keys'?");
}

// ---- checks across sections ------------------------------------------------------------------

TEST(AcrossSections, PeerExchangeDiscoveryNeedsAServingNode) {
  expect_single(kFleet + "[discovery]\npeer_exchange = true\n", 6, 17,
                "discovery.peer_exchange is on but no node runs the 'peer-exchange' protocol",
                "add \"peer-exchange\" to [waku].protocols or to the protocols of a [[group]]");
}

TEST(AcrossSections, SomeDiscoveryIsNeededForSeveralNodes) {
  expect_single(kFleet + "[discovery]\nstatic_peers = false\n", 5, 1,
                "every discovery method in [discovery] is off, so the nodes cannot find each other",
                "keep static_peers = true (the default), or turn on dns, discv5 or peer_exchange");
  EXPECT_TRUE(parse("[fleet]\nname = \"a\"\ndomain = \"a.test\"\nnodes = 1\n[discovery]\nstatic_peers = false\n").ok());
}

TEST(AcrossSections, DropletsNeedTheDnsTreeToFindEachOther) {
  const std::string message =
      "on the digitalocean target the nodes find each other only through the fleet's DNS tree, and [discovery] dns is off";
  const std::string hint = "set dns = true in [discovery]: the tree is published in the fleet's domain, which DigitalOcean serves";
  const std::string droplets = kFleet + "[target]\nkind = \"digitalocean\"\n";
  // dns left at its default: the target's kind is where the choice was made.
  expect_single(droplets, 6, 8, message, hint);
  // dns = false said outright: that line is the one to change.
  expect_single(droplets + "[discovery]\ndns = false\n", 8, 7, message, hint);
  EXPECT_TRUE(parse(droplets + "[discovery]\ndns = true\n").ok());
  EXPECT_TRUE(parse("[fleet]\nname = \"a\"\ndomain = \"a.test\"\nnodes = 1\n[target]\nkind = \"digitalocean\"\n").ok());
  EXPECT_TRUE(parse(kFleet + "[discovery]\ndns = false\n").ok()) << "the local target dials static peers";
}

// ---- all problems at once --------------------------------------------------------------------

TEST(AllProblems, AreReportedTogetherInFileOrder) {
  // Keys are deliberately out of alphabetical order: toml++ iterates tables by key, and the
  // report must still follow the file.
  std::string text = toml(R"(
[fleet]
name = "Demo"
nodes = 0
domian = "demo.waku.test"

[waku]
version = "0.9.0"
protocols = ["relay", "stroe"]
shards = [1, 1]

[target]
kind = "local"
token = "dop_v1_secret"

[obsevability]
logs = true
)");
  EXPECT_EQ(rendered(text),
            "fleet.toml:2:8: error: fleet.name must be a DNS label, got 'Demo'\n"
            "    2 | name = \"Demo\"\n"
            "      |        ^\n"
            "note: DNS labels are lowercase: did you mean 'demo'?\n"
            "fleet.toml:3:9: error: fleet.nodes must be between 1 and 1000, got 0\n"
            "    3 | nodes = 0\n"
            "      |         ^\n"
            "fleet.toml:4:1: error: unknown key 'domian' in [fleet]\n"
            "    4 | domian = \"demo.waku.test\"\n"
            "      | ^\n"
            "note: did you mean 'domain'?\n"
            "fleet.toml:7:11: error: go-waku version '0.9.0' is not pinned by this wakufleet\n"
            "    7 | version = \"0.9.0\"\n"
            "      |           ^\n"
            "note: pinned versions: 0.10.0\n"
            "fleet.toml:8:23: error: unknown protocol 'stroe' in waku.protocols\n"
            "    8 | protocols = [\"relay\", \"stroe\"]\n"
            "      |                       ^\n"
            "note: did you mean 'store'?\n"
            "fleet.toml:9:14: error: shard 1 is listed twice in waku.shards\n"
            "    9 | shards = [1, 1]\n"
            "      |              ^\n"
            "fleet.toml:13:1: error: 'token' in [target] looks like a secret; secrets never go in fleet.toml\n"
            "   13 | token = \"dop_v1_secret\"\n"
            "      | ^\n"
            "note: set DIGITALOCEAN_TOKEN in the environment instead\n"
            "fleet.toml:15:2: error: unknown table [obsevability]\n"
            "   15 | [obsevability]\n"
            "      |  ^\n"
            "note: did you mean [observability]?\n");
}

TEST(AllProblems, FleetIsOnlyMeaningfulWithoutDiagnostics) {
  ParseResult result = parse(kFleet + "[waku]\ncluster_id = \"1\"\n");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.fleet.source_path, "fleet.toml");
}

}  // namespace
}  // namespace wakufleet::spec
