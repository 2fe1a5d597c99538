// [target], [waku], [discovery] and [observability]: read, range-checked and stored in the model.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "spec/parse.hpp"
#include "spec/sections.hpp"
#include "util/text.hpp"

namespace wakufleet::spec::detail {

namespace {

constexpr long long kMaxReadyTimeoutSeconds = 24 * 3600;

bool all_chars(std::string_view text, bool (*allowed)(char)) {
  return !text.empty() && std::all_of(text.begin(), text.end(), allowed);
}

bool is_slug_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_env_name_char(char c) { return c == '_' || is_digit(c) || std::isalpha(static_cast<unsigned char>(c)); }

struct Cidr {
  bool v4 = true;
  std::array<unsigned char, 16> address{};  // network byte order; IPv4 uses the first 4
  int prefix = 0;
};

// "203.0.113.0/24" or "2001:db8::/32". inet_pton rejects shorthand like "10/8", as DigitalOcean does.
std::optional<Cidr> parse_cidr(std::string_view text) {
  std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string address(text.substr(0, slash));
  std::string_view prefix_text = text.substr(slash + 1);
  if (prefix_text.empty() || prefix_text.size() > 3 || !all_chars(prefix_text, is_digit)) return std::nullopt;
  Cidr cidr;
  cidr.prefix = std::stoi(std::string(prefix_text));
  if (inet_pton(AF_INET, address.c_str(), cidr.address.data()) == 1) {
    cidr.v4 = true;
    return cidr.prefix <= 32 ? std::optional<Cidr>(cidr) : std::nullopt;
  }
  if (inet_pton(AF_INET6, address.c_str(), cidr.address.data()) == 1) {
    cidr.v4 = false;
    return cidr.prefix <= 128 ? std::optional<Cidr>(cidr) : std::nullopt;
  }
  return std::nullopt;
}

bool is_private_ipv4(const Cidr& cidr) {
  const auto& a = cidr.address;
  return a[0] == 10 || (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168);
}

void enable(Protocols& protocols, Protocol protocol) {
  switch (protocol) {
    case Protocol::Relay: protocols.relay = true; break;
    case Protocol::Store: protocols.store = true; break;
    case Protocol::Filter: protocols.filter = true; break;
    case Protocol::Lightpush: protocols.lightpush = true; break;
    case Protocol::PeerExchange: protocols.peer_exchange = true; break;
  }
}

std::vector<std::string> known_protocol_names() {
  std::vector<std::string> names;
  for (const auto& entry : protocol_names()) names.push_back(entry.first);
  return names;
}

std::optional<Protocol> find_protocol(const std::string& name) {
  for (const auto& [known, protocol] : protocol_names()) {
    if (known == name) return protocol;
  }
  return std::nullopt;
}

// A DigitalOcean slug ("ams3", "s-1vcpu-2gb", "ubuntu-24-04-x64"); messages say which key.
void check_slug(TableReader& table, std::string_view key, std::string* out) {
  auto value = table.string(key);
  if (!value) return;
  if (!all_chars(value->value, is_slug_char)) {
    table.sink().error(value->at, table.describe(key) + " must be a DigitalOcean slug (a-z, 0-9, '-' and '.'), got '" +
                                      value->value + "'",
                       "slugs are lowercase, for example region = \"ams3\", size = \"s-1vcpu-2gb\"");
    return;
  }
  *out = value->value;
}

// DigitalOcean accepts an SSH key by numeric id or by its MD5 fingerprint "aa:bb:...:ff".
bool is_ssh_key_reference(std::string_view text) {
  if (all_chars(text, is_digit)) return true;
  auto parts = util::split(text, ':');
  return parts.size() == 16 && std::all_of(parts.begin(), parts.end(), [](const std::string& part) {
           return part.size() == 2 && all_chars(part, is_hex_digit);
         });
}

// A list of strings of which each must pass `valid`; the others are reported one by one (as
// "'<value>' in '<key>' is <what is wrong>") and left out.
template <typename Valid>
std::vector<std::string> checked_strings(TableReader& table, const std::string& key, Valid valid,
                                         const std::string& wrong, const std::string& hint) {
  std::vector<std::string> out;
  auto values = table.strings(key);
  if (!values) return out;
  for (const auto& value : values->value) {
    if (valid(value.value)) {
      out.push_back(value.value);
    } else {
      table.sink().error(value.at, "'" + value.value + "' in '" + key + "' is " + wrong, hint);
    }
  }
  return out;
}

std::vector<std::string> checked_ssh_keys(TableReader& table) {
  return checked_strings(table, "ssh_keys", is_ssh_key_reference, "not an SSH key id or fingerprint",
                         "use the MD5 fingerprint DigitalOcean shows (ssh-keygen -E md5 -lf key.pub), "
                         "like \"3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa\", or the key's numeric id");
}

std::vector<std::string> checked_admin_cidrs(TableReader& table) {
  return checked_strings(
      table, "admin_cidrs", [](const std::string& cidr) { return parse_cidr(cidr).has_value(); },
      "not an address range in CIDR form",
      "write an address and a prefix length, like \"203.0.113.0/24\" or \"198.51.100.7/32\" for a single address");
}

// enrtree://<base32 public key>@<domain>: the form EIP-1459 links take. The key itself is
// checked when the tree is built.
bool looks_like_tree_url(const std::string& url) {
  const std::string scheme = "enrtree://";
  auto at = url.find('@');
  if (url.compare(0, scheme.size(), scheme) != 0 || at == std::string::npos || at == scheme.size()) return false;
  return util::is_dns_name(url.substr(at + 1));
}

std::vector<std::string> checked_tree_links(TableReader& table) {
  return checked_strings(table, "tree_links", looks_like_tree_url, "not an enrtree:// URL",
                         "write the URL another tree is published under, like "
                         "\"enrtree://AKA3AM6LPBYEUDMVNU3BSVQJ5AD45Y7YPOHJLEF6W26QOE4VTUDPE@nodes.example.org\"");
}

void read_vpc_ip_range(TableReader& table, DigitalOceanTarget& target) {
  auto value = table.string("vpc_ip_range");
  if (!value) return;
  auto cidr = parse_cidr(value->value);
  if (cidr && cidr->v4 && is_private_ipv4(*cidr) && cidr->prefix >= 16 && cidr->prefix <= 28) {
    target.vpc_ip_range = value->value;
    return;
  }
  table.sink().error(value->at,
                     table.describe("vpc_ip_range") + " must be a private IPv4 range from /16 to /28, got '" +
                         value->value + "'",
                     "DigitalOcean VPCs use RFC 1918 ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16), "
                     "for example \"10.10.0.0/24\"; leave it out to let DigitalOcean choose");
}

// The pinned go-waku download of the droplets: an https URL without spaces, quotes or
// credentials. It ends up in the droplets' boot script, so nothing else may pass.
bool is_clean_https_url(const std::string& text) {
  bool clean = std::none_of(text.begin(), text.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)) || c == '\'' ||
           c == '"' || c == '\\' || c == '@';
  });
  return clean && text.rfind("https://", 0) == 0 && text.size() > 8;
}

void read_gowaku_url(TableReader& table, DigitalOceanTarget& target) {
  auto url = table.string("gowaku_url");
  if (!url) return;
  if (is_clean_https_url(url->value)) {
    target.gowaku_url = url->value;
    return;
  }
  table.sink().error(url->at,
                     table.describe("gowaku_url") + " must be an https:// URL without spaces, quotes or credentials, got '" +
                         url->value + "'",
                     "the droplets download go-waku from it, for example "
                     "\"https://example.com/go-waku/v0.10.0/waku-linux-amd64\"");
}

// The binary's sha256: the droplets install it only if the download matches.
void read_gowaku_sha256(TableReader& table, DigitalOceanTarget& target) {
  auto sha = table.string("gowaku_sha256");
  if (!sha) return;
  if (sha->value.size() == 64 && all_chars(sha->value, is_hex_digit)) {
    target.gowaku_sha256 = sha->value;
    return;
  }
  table.sink().error(sha->at, table.describe("gowaku_sha256") + " must be 64 hexadecimal digits",
                     "the output of sha256sum for the go-waku binary at gowaku_url");
}

void read_digitalocean(const toml::table& table, DigitalOceanTarget& target, DiagnosticSink& sink) {
  TableReader reader(table, "target.digitalocean",
                     {"region", "size", "image", "volume_size_gb", "ssh_keys", "admin_cidrs", "vpc_ip_range",
                      "gowaku_url", "gowaku_sha256", "droplets_per_request"},
                     sink);
  check_slug(reader, "region", &target.region);
  check_slug(reader, "size", &target.size);
  check_slug(reader, "image", &target.image);
  if (auto size = reader.integer("volume_size_gb", 1, 16384)) target.volume_size_gb = static_cast<int>(size->value);
  if (auto batch = reader.integer("droplets_per_request", 1, 10)) target.droplets_per_request = static_cast<int>(batch->value);
  target.ssh_keys = checked_ssh_keys(reader);
  target.admin_cidrs = checked_admin_cidrs(reader);
  read_vpc_ip_range(reader, target);
  read_gowaku_url(reader, target);
  read_gowaku_sha256(reader, target);
  reader.check_unknown_keys();
}

// The local provider gives each fleet its own loopback /24 so that fleets never share addresses;
// 127.0.0.0/24 is left to the host (127.0.0.1, 127.0.0.53 for systemd-resolved, ...).
bool is_fleet_loopback_subnet(const Cidr& cidr) {
  const auto& a = cidr.address;
  return cidr.v4 && cidr.prefix == 24 && a[0] == 127 && !(a[1] == 0 && a[2] == 0) && a[3] == 0;
}

void read_subnet(TableReader& table, LocalTarget& target) {
  auto value = table.string("subnet");
  if (!value) return;
  auto cidr = parse_cidr(value->value);
  if (cidr && is_fleet_loopback_subnet(*cidr)) {
    target.subnet = value->value;
    return;
  }
  std::string hint = "for example \"127.42.7.0/24\"; leave it out to derive one from the fleet name";
  if (cidr && cidr->v4 && cidr->prefix == 24 && cidr->address[0] == 127 && cidr->address[3] != 0) {
    hint = "a /24 network address ends in .0: \"127." + std::to_string(cidr->address[1]) + "." +
           std::to_string(cidr->address[2]) + ".0/24\"";
  }
  table.sink().error(value->at,
                     table.describe("subnet") + " must be a /24 inside 127.0.0.0/8 other than 127.0.0.0/24, got '" +
                         value->value + "'",
                     hint);
}

void read_local(const toml::table& table, LocalTarget& target, DiagnosticSink& sink) {
  TableReader reader(table, "target.local", {"subnet", "data_dir", "ready_timeout"}, sink);
  read_subnet(reader, target);
  if (auto dir = reader.string("data_dir")) {
    if (dir->value.empty()) {
      sink.error(dir->at, reader.describe("data_dir") + " must not be empty", "the default is \".wakufleet\"");
    } else {
      target.data_dir = dir->value;
    }
  }
  long long seconds = 0;
  if (auto timeout = read_duration(reader, "ready_timeout", &seconds)) {
    if (seconds > kMaxReadyTimeoutSeconds) {
      sink.error(timeout->at, reader.describe("ready_timeout") + " must be at most 24h, got '" + timeout->value + "'");
    } else {
      target.ready_timeout_seconds = static_cast<int>(seconds);
    }
  }
  reader.check_unknown_keys();
}

void read_shards(TableReader& table, Waku& waku) {
  auto shards = table.integers("shards", 0, 1023);
  if (!shards) return;
  for (const auto& shard : shards->value) {
    if (std::find(waku.shards.begin(), waku.shards.end(), shard.value) != waku.shards.end()) {
      table.sink().error(shard.at, "shard " + std::to_string(shard.value) + " is listed twice in " +
                                       table.describe("shards"));
      continue;
    }
    waku.shards.push_back(static_cast<int>(shard.value));
  }
}

void read_version(TableReader& table, Waku& waku) {
  auto version = table.string("version");
  if (!version) return;
  const auto& pinned = pinned_waku_versions();
  if (std::find(pinned.begin(), pinned.end(), version->value) != pinned.end()) {
    waku.version = version->value;
    return;
  }
  // No "did you mean" by spelling: 0.9.0 is not a typo of 0.10.0. Only a Git-style "v" prefix is.
  std::string hint = "pinned versions: " + util::join(pinned, ", ");
  std::string bare = util::starts_with(version->value, "v") ? version->value.substr(1) : "";
  if (std::find(pinned.begin(), pinned.end(), bare) != pinned.end()) hint = "did you mean '" + bare + "'? " + hint;
  table.sink().error(version->at, "go-waku version '" + version->value + "' is not pinned by this wakufleet", hint);
}

void read_remote_write_url(TableReader& table, RemoteWrite& remote_write) {
  auto url = table.string("url");
  if (!url) return;
  const std::string& text = url->value;
  std::size_t scheme_end = text.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : text.substr(0, scheme_end);
  std::string rest = scheme_end == std::string::npos ? "" : text.substr(scheme_end + 3);
  std::string authority = rest.substr(0, rest.find('/'));
  if ((scheme != "http" && scheme != "https") || authority.empty() || authority.front() == '@') {
    table.sink().error(url->at, table.describe("url") + " must be an http:// or https:// URL, got '" + text + "'",
                       "for example \"https://prometheus.example.com/api/v1/write\"");
    return;
  }
  // "https://user:secret@host" would put a password in the spec.
  std::size_t at_sign = authority.find('@');
  if (at_sign != std::string::npos && authority.substr(0, at_sign).find(':') != std::string::npos) {
    table.sink().error(url->at, table.describe("url") + " contains a password; secrets never go in fleet.toml",
                       "put the user name in 'username' and the password in an environment variable named by "
                       "password_env");
    return;
  }
  remote_write.url = text;
}

void read_password_env(TableReader& table, RemoteWrite& remote_write) {
  auto name = table.string("password_env");
  if (!name) return;
  const std::string& text = name->value;
  if (all_chars(text, is_env_name_char) && !is_digit(text.front())) {
    remote_write.password_env = text;
    return;
  }
  table.sink().error(name->at,
                     table.describe("password_env") + " must be the name of an environment variable "
                                                      "(letters, digits and '_'), got '" + text + "'",
                     "store the password in a variable such as REMOTE_WRITE_PASSWORD and write its name here");
}

std::optional<RemoteWrite> read_remote_write(TableReader& observability) {
  const toml::table* table = observability.table("remote_write");
  if (table == nullptr) return std::nullopt;
  TableReader reader(*table, "observability.remote_write", {"url", "username", "password_env"}, observability.sink());
  RemoteWrite remote_write;
  reader.require("url", "add url = \"https://prometheus.example.com/api/v1/write\"");
  read_remote_write_url(reader, remote_write);
  if (auto username = reader.string("username")) remote_write.username = username->value;
  read_password_env(reader, remote_write);
  reader.check_unknown_keys();
  return remote_write;
}

void read_tree_subdomain(TableReader& table, const std::string& domain, Discovery& discovery) {
  auto subdomain = table.string("tree_subdomain");
  if (!subdomain) return;
  // The whole tree name must be a DNS name too, so check it with the domain appended.
  if (util::is_dns_name(subdomain->value) && util::is_dns_name(subdomain->value + "." + domain)) {
    discovery.tree_subdomain = subdomain->value;
    return;
  }
  table.sink().error(subdomain->at,
                     table.describe("tree_subdomain") + " must be a DNS name (a-z, 0-9, '-' and '.'), got '" +
                         subdomain->value + "'",
                     "the tree is published at <tree_subdomain>.<domain>, for example \"nodes\"");
}

}  // namespace

std::optional<Protocols> read_protocols(TableReader& table, std::string_view key) {
  auto names = table.strings(key);
  if (!names) return std::nullopt;
  Protocols protocols{false, false, false, false, false};
  std::vector<std::string> seen;
  for (const auto& name : names->value) {
    auto protocol = find_protocol(name.value);
    if (!protocol) {
      auto suggestion = suggest(name.value, known_protocol_names());
      table.sink().error(name.at, "unknown protocol '" + name.value + "' in " + table.describe(key),
                         suggestion ? "did you mean '" + *suggestion + "'?"
                                    : "known protocols: " + util::join(known_protocol_names(), ", "));
    } else if (std::find(seen.begin(), seen.end(), name.value) != seen.end()) {
      table.sink().error(name.at, "protocol '" + name.value + "' is listed twice in " + table.describe(key));
    } else {
      enable(protocols, *protocol);
    }
    seen.push_back(name.value);
  }
  if (names->value.empty()) {
    table.sink().error(names->at, table.describe(key) + " is empty; a node needs at least one protocol",
                       "for example [\"relay\"]");
  }
  return protocols;
}

std::optional<Located<std::string>> read_duration(TableReader& table, std::string_view key, long long* seconds) {
  auto value = table.string(key);
  if (!value) return std::nullopt;
  auto parsed = util::parse_duration_seconds(value->value);
  if (!parsed) {
    table.sink().error(value->at, table.describe(key) + " is not a duration: '" + value->value + "'",
                       "write a number followed by s, m, h, d or w, such as \"48h\", \"30m\", \"7d\" or \"1h30m\"");
    return std::nullopt;
  }
  if (*parsed <= 0) {
    table.sink().error(value->at, table.describe(key) + " must be longer than zero, got '" + value->value + "'");
    return std::nullopt;
  }
  if (seconds != nullptr) *seconds = *parsed;
  return value;
}

std::string go_duration(long long seconds) {
  std::string out;
  if (seconds >= 3600) out += std::to_string(seconds / 3600) + "h";
  if (seconds % 3600 >= 60) out += std::to_string(seconds % 3600 / 60) + "m";
  if (seconds % 60 != 0 || out.empty()) out += std::to_string(seconds % 60) + "s";
  return out;
}

TargetFacts read_target(TableReader& root, Target& target) {
  TargetFacts facts;
  const toml::table* table = root.table("target");
  if (table == nullptr) return facts;
  TableReader reader(*table, "target", {"kind", "local", "digitalocean"}, root.sink());
  if (auto kind = reader.choice("kind", {"local", "digitalocean"})) {
    target.kind = kind->value == "digitalocean" ? TargetKind::DigitalOcean : TargetKind::Local;
    facts.kind_at = kind->at;
  }
  // Both provider tables are checked whatever the kind, so switching kind never reveals old mistakes.
  if (const toml::table* local = reader.table("local")) read_local(*local, target.local, root.sink());
  if (const toml::table* ocean = reader.table("digitalocean")) read_digitalocean(*ocean, target.digitalocean, root.sink());
  reader.check_unknown_keys();
  return facts;
}

NodeDefaults read_waku(TableReader& root, Waku& waku) {
  NodeDefaults defaults;
  const toml::table* table = root.table("waku");
  if (table == nullptr) return defaults;
  TableReader reader(*table, "waku",
                     {"version", "protocols", "cluster_id", "shards", "store_retention", "log_level", "max_connections"},
                     root.sink());
  read_version(reader, waku);
  if (auto protocols = read_protocols(reader, "protocols")) defaults.protocols = *protocols;
  if (auto cluster = reader.integer("cluster_id", 0, 65535)) waku.cluster_id = static_cast<int>(cluster->value);
  read_shards(reader, waku);
  // go-waku needs an explicit shard outside cluster 0, or peers drop each other (metadata protocol).
  if (waku.cluster_id != 0 && waku.shards.empty()) waku.shards = {0};
  long long seconds = 0;
  if (read_duration(reader, "store_retention", &seconds)) defaults.store_retention = go_duration(seconds);
  if (auto level = reader.choice("log_level", {"debug", "info", "warn", "error", "fatal"})) waku.log_level = level->value;
  if (auto connections = reader.integer("max_connections", 1, 1000)) {
    waku.max_connections = static_cast<int>(connections->value);
  }
  reader.check_unknown_keys();
  return defaults;
}

DiscoveryFacts read_discovery(TableReader& root, const std::string& domain, Discovery& discovery) {
  DiscoveryFacts facts;
  const toml::table* table = root.table("discovery");
  if (table == nullptr) return facts;
  TableReader reader(*table, "discovery",
                     {"static_peers", "dns", "tree_subdomain", "tree_links", "discv5", "peer_exchange"}, root.sink());
  if (auto value = reader.boolean("static_peers")) discovery.static_peers = value->value;
  if (auto value = reader.boolean("dns")) {
    discovery.dns = value->value;
    facts.dns_at = value->at;
  }
  if (auto value = reader.boolean("discv5")) discovery.discv5 = value->value;
  if (auto value = reader.boolean("peer_exchange")) {
    discovery.peer_exchange = value->value;
    if (value->value) facts.peer_exchange_at = value->at;
  }
  read_tree_subdomain(reader, domain, discovery);
  discovery.tree_links = checked_tree_links(reader);
  if (!discovery.static_peers && !discovery.dns && !discovery.discv5 && !discovery.peer_exchange) {
    facts.all_off_at = reader.header();
  }
  reader.check_unknown_keys();
  return facts;
}

void read_observability(TableReader& root, Observability& observability) {
  const toml::table* table = root.table("observability");
  if (table == nullptr) return;
  TableReader reader(*table, "observability",
                     {"prometheus", "prometheus_retention", "remote_write", "logs", "log_retention", "datadog_site"},
                     root.sink());
  if (auto value = reader.boolean("prometheus")) observability.prometheus = value->value;
  if (auto value = read_duration(reader, "prometheus_retention")) observability.prometheus_retention = value->value;
  observability.remote_write = read_remote_write(reader);
  if (auto value = reader.boolean("logs")) observability.logs = value->value;
  if (auto value = read_duration(reader, "log_retention")) observability.log_retention = value->value;
  if (auto site = reader.choice("datadog_site", {"datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com",
                                                 "ap1.datadoghq.com", "ap2.datadoghq.com", "uk1.datadoghq.com",
                                                 "datadoghq.eu", "ddog-gov.com"})) {
    observability.datadog_site = site->value;
  }
  reader.check_unknown_keys();
}

}  // namespace wakufleet::spec::detail
