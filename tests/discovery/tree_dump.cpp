// Prints what src/discovery makes, in the formats of go-ethereum's devp2p tool, so that
// oracle_test.sh can diff the two byte for byte:
//   tree_dump key                                   the tree's private key (hex)
//   tree_dump url <domain>                          enrtree://<key>@<domain>
//   tree_dump nodes-json <count>                    nodes.json of <count> Waku ENRs
//   tree_dump txt <count> <seq> <domain> [link...]  the zone as `devp2p dns to-txt` writes it
// The nodes and the key are derived from fixed seeds, so every run prints the same.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "discovery/dns_tree.hpp"
#include "discovery/keccak.hpp"
#include "discovery/waku_enr.hpp"

namespace wf = wakufleet;
namespace discovery = wakufleet::discovery;

namespace {

[[noreturn]] void die(const std::string& message) {
  std::cerr << "tree_dump: " << message << "\n";
  std::exit(2);
}

template <typename T>
T must(wf::util::Result<T> result) {
  if (!result) die(result.error().message);
  return std::move(*result);
}

wf::waku::PrivateKey key_from_seed(const std::string& seed) {
  discovery::Hash256 hash = discovery::keccak256(seed);
  wf::waku::PrivateKey key{};
  std::copy(hash.begin(), hash.end(), key.begin());
  return key;
}

wf::waku::PrivateKey tree_key() { return key_from_seed("wakufleet oracle tree key"); }

// Varied nodes, so the oracle sees every Waku field: udp or not, all capability mixes,
// several shards, dns4 and ip4 websocket addresses.
discovery::WakuEnrInput node_input(int i) {
  discovery::WakuEnrInput input;
  input.node = "node-" + std::to_string(i);
  input.key = key_from_seed("wakufleet oracle node " + std::to_string(i));
  std::string ip = "127.99." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
  input.ipv4 = ip;
  input.tcp_port = 60000;
  if (i % 2 == 0) input.udp_port = 9000;
  input.capabilities = static_cast<std::uint8_t>(discovery::capability::relay | (i % 16));
  input.shards = discovery::RelayShards{1, {}};
  for (int shard = 0; shard <= i % 4; ++shard) input.shards->shards.push_back(static_cast<std::uint16_t>(shard));
  if (i % 3 == 1) input.multiaddrs = {"/dns4/node-" + std::to_string(i) + ".fleet.example.org/tcp/60001/ws"};
  if (i % 3 == 2) input.multiaddrs = {"/ip4/" + ip + "/tcp/60001/ws"};
  input.seq = static_cast<std::uint64_t>(i) + 1;
  return input;
}

std::vector<discovery::Enr> nodes(int count) {
  std::vector<discovery::Enr> records;
  for (int i = 0; i < count; ++i) records.push_back(must(discovery::make_waku_enr(node_input(i))));
  return records;
}

// Go's encoding/json escapes more than this; the texts printed here never need it.
std::string json_string(const std::string& text) {
  for (char c : text)
    if (c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || static_cast<unsigned char>(c) < 0x20)
      die("unexpected character in " + text);
  return "\"" + text + "\"";
}

// json.MarshalIndent(map, "", "    "): keys sorted, no newline at the end.
void print_object(const std::map<std::string, std::string>& members) {
  std::string out = "{";
  for (auto it = members.begin(); it != members.end(); ++it)
    out += (it == members.begin() ? "\n    " : ",\n    ") + json_string(it->first) + ": " + it->second;
  out += members.empty() ? "}" : "\n}";
  std::fwrite(out.data(), 1, out.size(), stdout);
}

void print_nodes_json(int count) {
  std::map<std::string, std::string> members;
  for (const auto& record : nodes(count)) {
    discovery::NodeId id = must(discovery::node_id(record));
    std::string value = "{\"seq\": " + std::to_string(record.seq) +
                        ", \"record\": " + json_string(discovery::enr_text(record)) + "}";
    members[wf::waku::to_hex(id.data(), id.size())] = value;
  }
  print_object(members);
}

void print_txt(int count, std::uint64_t seq, const std::string& domain, const std::vector<std::string>& links) {
  std::vector<std::string> enrs;
  for (const auto& record : nodes(count)) enrs.push_back(discovery::enr_text(record));
  auto tree = must(discovery::make_tree(enrs, links, seq, tree_key()));
  std::map<std::string, std::string> members;
  for (const auto& [name, value] : discovery::zone_records(tree, domain)) members[name] = json_string(value);
  print_object(members);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && args[0] == "key") {
    auto key = tree_key();
    std::cout << wf::waku::to_hex(key.data(), key.size()) << "\n";
  } else if (args.size() == 2 && args[0] == "url") {
    std::cout << discovery::tree_url(must(wf::waku::public_key_of(tree_key())), args[1]) << "\n";
  } else if (args.size() == 2 && args[0] == "nodes-json") {
    print_nodes_json(std::stoi(args[1]));
  } else if (args.size() >= 4 && args[0] == "txt") {
    print_txt(std::stoi(args[1]), std::stoull(args[2]), args[3], {args.begin() + 4, args.end()});
  } else {
    die("usage: tree_dump key | url <domain> | nodes-json <count> | txt <count> <seq> <domain> [link...]");
  }
  return 0;
}
