// End-to-end tests of the local target: the real wakufleet binary deploys real go-waku nodes
// (supervised by s6) on loopback addresses, and the tests talk to them over REST.
//
// Every test runs in a private network namespace that has only `lo` (see enter_private_network):
// go-waku has a built-in NTP client that looks up pool.ntp.org, and these tests must not send a
// single packet off the machine. Set WAKUFLEET_E2E_SHARED_NETWORK=1 to run in the host's network
// namespace instead (each test still uses its own 127.200.N.0/24 block).
//
// Each test has its own temporary folder (spec, state, data), its own fleet name and its own
// loopback block, and TearDown always destroys the fleet, then kills whatever is left.
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "util/http.hpp"
#include "util/process.hpp"
#include "private_network.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kPubsubTopic = "/waku/2/rs/1/0";
constexpr const char* kContentTopic = "/wakufleet/1/e2e/proto";
constexpr const char* kRelayProtocol = "/vac/waku/relay/2.0.0";
constexpr const char* kGoWakuBuild = "0.10.0-01bb2e1c";

// How long one wakufleet command may take before the test gives up on it (and kills it).
constexpr auto kCommandTimeout = std::chrono::seconds(120);

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Polls `condition` every `interval` until it holds or `timeout` passes; true when it held.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = 100ms) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string base64(const std::string& bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned value = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(value >> shift) & 63];
  }
  if (i + 1 == bytes.size()) {
    unsigned value = static_cast<unsigned char>(bytes[i]) << 16;
    out += alphabet[(value >> 18) & 63];
    out += alphabet[(value >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    unsigned value = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += alphabet[(value >> 18) & 63];
    out += alphabet[(value >> 12) & 63];
    out += alphabet[(value >> 6) & 63];
    out += '=';
  }
  return out;
}

long now_ns() {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// --- network isolation ---------------------------------------------------------------------------

// --- processes and sockets -----------------------------------------------------------------------

struct ProcessInfo {
  long pid = 0;
  long parent = 0;
  std::string command;
};

std::vector<ProcessInfo> all_processes() {
  std::vector<ProcessInfo> out;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/proc", error)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    ProcessInfo info;
    info.pid = std::stol(name);
    if (info.pid == static_cast<long>(::getpid()) || !wakufleet::util::process_alive(info.pid)) continue;
    info.command = wakufleet::util::process_command_line(info.pid);
    std::string stat = read_file("/proc/" + name + "/stat");
    auto close_paren = stat.rfind(')');
    if (close_paren != std::string::npos) {
      std::istringstream fields(stat.substr(close_paren + 2));
      std::string state;
      fields >> state >> info.parent;
    }
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<ProcessInfo> processes_mentioning(const std::string& text) {
  std::vector<ProcessInfo> out;
  for (auto& process : all_processes()) {
    if (process.command.find(text) != std::string::npos) out.push_back(std::move(process));
  }
  return out;
}

std::string describe(const std::vector<ProcessInfo>& processes) {
  std::string out;
  for (const auto& process : processes) out += "\n  pid " + std::to_string(process.pid) + ": " + process.command;
  return out;
}

// 0 when something accepts a TCP connection on address:port, else the connect errno.
int connect_error(const std::string& address, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &where.sin_addr);
  int result = ::connect(fd, reinterpret_cast<sockaddr*>(&where), sizeof where) == 0 ? 0 : errno;
  ::close(fd);
  return result;
}

// A listening socket of our own (to take an address before apply).
class Listener {
 public:
  Listener(const std::string& address, int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, address.c_str(), &where.sin_addr);
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&where), sizeof where) == 0 && ::listen(fd_, 4) == 0;
    if (!ok_) error_ = std::strerror(errno);
  }
  ~Listener() {
    if (fd_ >= 0) ::close(fd_);
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  bool ok_ = false;
  std::string error_;
};

// --- the fixture ---------------------------------------------------------------------------------

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  double seconds = 0;
  std::string all() const {
    return "exit " + std::to_string(exit_code) + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
  }
};

struct SpecOptions {
  int nodes = 3;
  std::string ready_timeout = "60s";
  std::string log_level = "info";
};

SpecOptions with_nodes(int nodes) {
  SpecOptions options;
  options.nodes = nodes;
  return options;
}

SpecOptions with_ready_timeout(const std::string& timeout) {
  SpecOptions options;
  options.ready_timeout = timeout;
  return options;
}

class LocalFleet_e2e : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto& error = wakufleet::test::private_network_error(); !error.empty()) {
      FAIL() << "cannot isolate the test in a private network namespace (" << error
             << "); go-waku would then send NTP lookups off the machine. Set WAKUFLEET_E2E_SHARED_NETWORK=1 to "
                "run in the host's network namespace anyway";
    }
    std::string gowaku = std::string(WAKUFLEET_SOURCE_DIR) + "/.cache/go-waku/" + kGoWakuBuild + "/waku";
    const char* cache = std::getenv("WAKUFLEET_CACHE");
    if (cache && *cache) gowaku = std::string(cache) + "/go-waku/" + kGoWakuBuild + "/waku";
    if (!wakufleet::util::have_program(gowaku)) GTEST_SKIP() << gowaku << " is missing: run scripts/install-gowaku.sh";
    if (!wakufleet::util::have_program("s6-svscan")) GTEST_SKIP() << "s6 is not installed";
    std::string pattern = (fs::temp_directory_path() / "wakufleet-e2e-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << "mkdtemp " << pattern << ": " << std::strerror(errno);
    dir_ = pattern;
    spec_path_ = dir_ + "/fleet.toml";
    state_path_ = dir_ + "/fleet.state.json";
    runner_ = wakufleet::util::make_process_runner();
    http_ = wakufleet::util::make_curl_client();
  }

  void TearDown() override {
    if (dir_.empty()) return;
    if (fs::exists(spec_path_) && !fleet_name_.empty()) {
      // A test may leave a broken spec behind: destroy with a valid one for the same fleet.
      if (!spec_is_valid()) write_spec(last_spec_);
      CliRun destroyed = cli({"destroy", "--auto-approve"}, {}, {"WAKUFLEET_GOWAKU"});
      if (destroyed.exit_code != 0) std::cout << "[ e2e ] destroy in TearDown failed:\n" << destroyed.all() << "\n";
    }
    auto leftovers = kill_everything_under(dir_);
    if (!leftovers.empty()) {
      ADD_FAILURE() << "processes outlived 'wakufleet destroy' and were killed:" << describe(leftovers);
    }
    std::error_code error;
    fs::remove_all(dir_, error);
  }

  // Names the fleet ("e2e-<label>-<pid>"), gives it the loopback block 127.200.<block>.0/24 and
  // writes its spec.
  void use_fleet(const std::string& label, int block, const SpecOptions& options = {}) {
    fleet_name_ = "e2e-" + label + "-" + std::to_string(::getpid());
    prefix_ = "127.200." + std::to_string(block);
    data_root_ = dir_ + "/data/" + fleet_name_;
    write_spec(options);
  }

  std::string spec_text(const SpecOptions& options) const {
    return "[fleet]\n"
           "name = \"" + fleet_name_ + "\"\n"
           "domain = \"" + fleet_name_ + ".waku.test\"\n"
           "nodes = " + std::to_string(options.nodes) + "\n"
           "\n"
           "[target]\n"
           "kind = \"local\"\n"
           "\n"
           "[target.local]\n"
           "subnet = \"" + prefix_ + ".0/24\"\n"
           "data_dir = \"data\"\n"
           "ready_timeout = \"" + options.ready_timeout + "\"\n"
           "\n"
           "[waku]\n"
           "version = \"0.10.0\"\n"
           "protocols = [\"relay\", \"store\", \"filter\", \"lightpush\"]\n"
           "cluster_id = 1\n"
           "shards = [0]\n"
           "log_level = \"" + options.log_level + "\"\n"
           "\n"
           "[discovery]\n"
           "static_peers = true\n"
           "dns = false\n"
           "\n"
           "[observability]\n"
           "prometheus = false\n";
  }

  void write_spec(const SpecOptions& options) {
    last_spec_ = options;
    write_file(spec_path_, spec_text(options));
  }

  bool spec_is_valid() { return cli({"validate"}).exit_code == 0; }

  // Runs the wakufleet binary with `args` and `-f <spec>`; stdout and stderr are kept apart.
  CliRun cli(std::vector<std::string> args, const std::map<std::string, std::string>& set_env = {},
             const std::vector<std::string>& unset_env = {}) {
    std::string err_path = dir_ + "/cli.stderr";
    std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>" + shell_quote(err_path), "env"};
    for (const auto& name : unset_env) argv.insert(argv.end(), {"-u", name});
    for (const auto& [name, value] : set_env) argv.push_back(name + "=" + value);
    argv.push_back(WAKUFLEET_BINARY);
    argv.insert(argv.end(), args.begin(), args.end());
    if (args[0] != "version") argv.insert(argv.end(), {"-f", spec_path_, "--no-color"});
    CliRun run;
    auto start = Clock::now();
    auto result = runner_->run(argv, kCommandTimeout);
    run.seconds = seconds_since(start);
    if (!result) {
      run.err = "could not run wakufleet: " + result.error().message;
      return run;
    }
    run.exit_code = result->exit_code;
    run.out = result->output;
    run.err = read_file(err_path);
    return run;
  }

  CliRun apply(const std::map<std::string, std::string>& set_env = {}) {
    // Without an explicit go-waku, make sure none leaks in from the environment.
    std::vector<std::string> unset;
    if (set_env.empty()) unset.push_back("WAKUFLEET_GOWAKU");
    CliRun run = cli({"apply", "--auto-approve"}, set_env, unset);
    std::cout << "[ e2e ] apply took " << run.seconds << " s (exit " << run.exit_code << ")\n";
    return run;
  }

  json status() {
    CliRun run = cli({"status", "--json"});
    if (run.exit_code != 0) {
      ADD_FAILURE() << "status --json failed: " << run.all();
      return json::object();
    }
    json parsed = json::parse(run.out, nullptr, false);
    if (parsed.is_discarded()) ADD_FAILURE() << "status --json printed no JSON:\n" << run.out;
    return parsed;
  }

  // status --json's nodes by name.
  std::map<std::string, json> status_nodes() {
    std::map<std::string, json> nodes;
    json document = status();
    for (const auto& node : document.value("nodes", json::array())) nodes[node.value("name", "")] = node;
    return nodes;
  }

  std::string address(int index) const { return prefix_ + "." + std::to_string(10 + index); }
  std::string rest(int index) const { return "http://" + address(index) + ":8645"; }

  std::optional<wakufleet::util::HttpResponse> http(const std::string& method, const std::string& url,
                                                    const std::string& body = "",
                                                    std::chrono::milliseconds timeout = 3000ms) {
    wakufleet::util::HttpRequest request;
    request.method = method;
    request.url = url;
    request.body = body;
    request.timeout = timeout;
    if (!body.empty()) request.headers["Content-Type"] = "application/json";
    auto response = http_->send(request);
    if (!response) return std::nullopt;
    return *response;
  }

  // Peer ids that node `index` lists as connected relay peers (GET /admin/v1/peers).
  std::set<std::string> connected_relay_peers(int index) {
    std::set<std::string> ids;
    auto response = http("GET", rest(index) + "/admin/v1/peers");
    if (!response || response->status != 200) return ids;
    json peers = json::parse(response->body, nullptr, false);
    if (!peers.is_array()) return ids;
    for (const auto& peer : peers) {
      if (!peer.is_object() || !peer.value("connected", false)) continue;
      auto protocols = peer.value("protocols", json::array());
      if (std::find(protocols.begin(), protocols.end(), kRelayProtocol) == protocols.end()) continue;
      ids.insert(peer.value("id", ""));
    }
    return ids;
  }

  // True when every node in `nodes` lists every other one (by the peer ids in `ids`) as connected.
  bool meshed(const std::vector<int>& nodes, const std::map<int, std::string>& ids, std::string* missing = nullptr) {
    for (int i : nodes) {
      auto connected = connected_relay_peers(i);
      for (int j : nodes) {
        if (i == j || connected.count(ids.at(j))) continue;
        if (missing) *missing = "node-" + std::to_string(i) + " is not connected to node-" + std::to_string(j);
        return false;
      }
    }
    return true;
  }

  std::string topic_path() const { return wakufleet::util::url_encode(kPubsubTopic); }

  bool subscribe(int index) {
    auto response = http("POST", rest(index) + "/relay/v1/subscriptions", json::array({kPubsubTopic}).dump());
    return response && response->status == 200;
  }

  // Publishes `payload` (base64) on node `index`, retrying while the node has no relay peer yet.
  std::string publish(int index, const std::string& payload) {
    json message = {{"payload", payload}, {"contentTopic", kContentTopic}, {"timestamp", now_ns()}};
    std::string last;
    bool sent = eventually(
        [&] {
          auto response = http("POST", rest(index) + "/relay/v1/messages/" + topic_path(), message.dump());
          last = response ? std::to_string(response->status) + " " + response->body : "no response";
          return response && response->status == 200;
        },
        10s, 200ms);
    return sent ? "" : "publishing on node-" + std::to_string(index) + " failed: " + last;
  }

  // Drains node `index`'s relay cache; true when one of the messages carries `payload`.
  bool relay_received(int index, const std::string& payload) {
    auto response = http("GET", rest(index) + "/relay/v1/messages/" + topic_path());
    if (!response || response->status != 200) return false;
    json messages = json::parse(response->body, nullptr, false);
    if (!messages.is_array()) return false;
    for (const auto& message : messages) {
      if (message.is_object() && message.value("payload", "") == payload) return true;
    }
    return false;
  }

  bool stored(int index, const std::string& payload) {
    auto response = http("GET", rest(index) + "/store/v1/messages?pubsubTopic=" + topic_path() +
                                    "&contentTopics=" + wakufleet::util::url_encode(kContentTopic) + "&pageSize=100");
    if (!response || response->status != 200) return false;
    json body = json::parse(response->body, nullptr, false);
    if (!body.is_object() || !body["messages"].is_array()) return false;
    for (const auto& message : body["messages"]) {
      if (message.is_object() && message.value("payload", "") == payload &&
          message.value("contentTopic", "") == kContentTopic) {
        return true;
      }
    }
    return false;
  }

  std::optional<std::string> rest_peer_id(int index) {
    auto response = http("GET", rest(index) + "/debug/v1/info", "", 3000ms);
    if (!response || response->status != 200) return std::nullopt;
    json info = json::parse(response->body, nullptr, false);
    if (!info.is_object() || !info["listenAddresses"].is_array() || info["listenAddresses"].empty()) {
      return std::nullopt;
    }
    std::string first = info["listenAddresses"][0].get<std::string>();
    auto at = first.rfind("/p2p/");
    if (at == std::string::npos) return std::nullopt;
    return first.substr(at + 5);
  }

  bool metrics_healthy(int index) {
    auto response = http("GET", "http://" + address(index) + ":8008/health", "", 300ms);
    return response && response->status == 200 && response->body.find("OK") != std::string::npos;
  }

  // Checks the common shape after a successful apply: `count` nodes running, meshed; returns the
  // peer ids by node index.
  std::map<int, std::string> expect_running_fleet(int count) {
    std::map<int, std::string> ids;
    // status says "running" when /health answers within a second; a loaded machine may miss that
    // once right after apply (which has already waited for every node to be ready).
    auto nodes = status_nodes();
    eventually(
        [&] {
          nodes = status_nodes();
          if (nodes.size() != static_cast<std::size_t>(count)) return false;
          for (const auto& [name, node] : nodes) {
            if (node.value("state", "") != "running") return false;
          }
          return true;
        },
        10s, 200ms);
    EXPECT_EQ(nodes.size(), static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      std::string name = "node-" + std::to_string(i);
      if (!nodes.count(name)) {
        ADD_FAILURE() << name << " is missing from status";
        continue;
      }
      const json& node = nodes[name];
      EXPECT_EQ(node.value("state", ""), "running") << node.dump();
      EXPECT_EQ(node.value("address", ""), address(i)) << node.dump();
      EXPECT_EQ(node.value("rest_url", ""), rest(i)) << node.dump();
      ids[i] = node.value("peer_id", "");
      EXPECT_EQ(ids[i].rfind("16Uiu2", 0), 0u) << node.dump();
    }
    std::set<std::string> distinct;
    for (const auto& [index, id] : ids) distinct.insert(id);
    EXPECT_EQ(distinct.size(), ids.size()) << "peer ids are not distinct";
    return ids;
  }

  std::map<std::string, long> pids() {
    std::map<std::string, long> out;
    for (const auto& [name, node] : status_nodes()) out[name] = node["pid"].is_number() ? node["pid"].get<long>() : 0;
    return out;
  }

  json read_state() { return json::parse(read_file(state_path_), nullptr, false); }

  // Kills every process whose command line mentions `dir`, with the whole tree of each s6-svscan
  // among them (s6-supervise's command line names only the service). Returns what it killed.
  static std::vector<ProcessInfo> kill_everything_under(const std::string& dir) {
    auto processes = all_processes();
    std::set<long> doomed;
    std::vector<long> order;
    for (const auto& process : processes) {
      if (process.command.find(dir) != std::string::npos && doomed.insert(process.pid).second) {
        order.push_back(process.pid);
      }
    }
    // Descendants of what we kill (s6-supervise, go-waku behind its shell wrappers).
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& process : processes) {
        if (doomed.count(process.parent) && doomed.insert(process.pid).second) {
          order.push_back(process.pid);
          grew = true;
        }
      }
    }
    std::vector<ProcessInfo> killed;
    // Supervisors first, so that nothing is restarted while we go.
    std::stable_sort(order.begin(), order.end(), [&](long a, long b) {
      auto rank = [&](long pid) {
        for (const auto& process : processes) {
          if (process.pid != pid) continue;
          if (process.command.rfind("s6-svscan", 0) == 0) return 0;
          if (process.command.rfind("s6-supervise", 0) == 0) return 1;
        }
        return 2;
      };
      return rank(a) < rank(b);
    });
    for (long pid : order) {
      for (const auto& process : processes) {
        if (process.pid == pid) killed.push_back(process);
      }
      ::kill(static_cast<pid_t>(pid), SIGKILL);
    }
    (void)eventually(
        [&] {
          return std::none_of(order.begin(), order.end(), [](long pid) { return wakufleet::util::process_alive(pid); });
        },
        5s, 20ms);
    return killed;
  }

  std::string dir_;
  std::string spec_path_;
  std::string state_path_;
  std::string fleet_name_;
  std::string prefix_;     // "127.200.N"
  std::string data_root_;  // <dir>/data/<fleet>
  SpecOptions last_spec_;
  std::unique_ptr<wakufleet::util::ProcessRunner> runner_;
  std::unique_ptr<wakufleet::util::HttpClient> http_;
};

// Loopback blocks: 127.200.<N>.0/24, one per test, with N = kBlockBase + the test's number.
constexpr int kBlockBase = 40;

TEST_F(LocalFleet_e2e, ThreeNodeFleetRelaysAndStores) {
  use_fleet("relay", kBlockBase + 1);
  CliRun applied = apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.all();
  EXPECT_NE(applied.out.find("Apply complete!"), std::string::npos) << applied.out;

  auto ids = expect_running_fleet(3);
  ASSERT_EQ(ids.size(), 3u);
  ASSERT_FALSE(HasFailure());

  // Each node lists the two others as connected relay peers (the mesh is made by apply).
  for (int i = 0; i < 3; ++i) {
    auto connected = connected_relay_peers(i);
    for (int j = 0; j < 3; ++j) {
      if (i == j) continue;
      EXPECT_TRUE(connected.count(ids[j])) << "node-" << i << " is not connected to node-" << j;
    }
  }

  ASSERT_TRUE(subscribe(2));
  std::string payload = base64("e2e relay " + std::to_string(::getpid()) + " " + std::to_string(now_ns()));
  auto start = Clock::now();
  std::string published = publish(0, payload);
  ASSERT_EQ(published, "");
  bool delivered = eventually([&] { return relay_received(2, payload); }, 10s, 100ms);
  ASSERT_TRUE(delivered) << "node-2 did not receive the message published on node-0 within 10 s";
  std::cout << "[ e2e ] relay node-0 -> node-2 took " << seconds_since(start) << " s\n";

  for (int i : {1, 2}) {
    EXPECT_TRUE(eventually([&] { return stored(i, payload); }, 5s, 200ms))
        << "node-" << i << "'s store does not return the message";
  }
}

TEST_F(LocalFleet_e2e, KillNineRestartsWithSamePeerIdAndData) {
  use_fleet("kill", kBlockBase + 2);
  CliRun applied = apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.all();
  auto applied_at = Clock::now();
  auto ids = expect_running_fleet(3);
  ASSERT_FALSE(HasFailure());

  std::string payload = base64("e2e before kill " + std::to_string(now_ns()));
  ASSERT_EQ(publish(0, payload), "");
  ASSERT_TRUE(eventually([&] { return stored(1, payload); }, 15s, 100ms)) << "node-1 did not store the message";

  auto before = status_nodes()["node-1"];
  ASSERT_TRUE(before["pid"].is_number()) << before.dump();
  long old_pid = before["pid"].get<long>();
  long restarts_before = before.value("restarts", 0L);
  // The pid in status must be go-waku itself (not a wrapper): that is what dies on kill -9.
  std::string command = wakufleet::util::process_command_line(old_pid);
  EXPECT_NE(command.find("/waku "), std::string::npos) << "status pid " << old_pid << " is: " << command;
  EXPECT_NE(command.find("--rest-address=" + address(1)), std::string::npos) << command;

  // A node that has been up for a while, as in real life. (Measured: s6-supervise 2.11 pauses
  // about 1 s before it respawns a service that was killed; go-waku then answers /health within
  // ~0.1 s. So expect ~1.1 s here.)
  std::this_thread::sleep_until(applied_at + 2s);
  auto killed_at = Clock::now();
  ASSERT_EQ(::kill(static_cast<pid_t>(old_pid), SIGKILL), 0) << std::strerror(errno);
  // Healthy again means: the old process is gone and metrics /health answers OK.
  bool back = eventually([&] { return !wakufleet::util::process_alive(old_pid) && metrics_healthy(1); }, 30s, 10ms);
  double recovery = seconds_since(killed_at);
  std::cout << "[ e2e ] kill -9 of node-1 (pid " << old_pid << ") -> metrics /health OK after " << recovery << " s\n";
  RecordProperty("kill9_recovery_seconds", std::to_string(recovery));
  ASSERT_TRUE(back) << "node-1 was not healthy again 30 s after kill -9";
  EXPECT_LE(recovery, 2.0) << "requirement: a killed node is healthy again within 2 s";

  auto rest_back = Clock::now();
  ASSERT_TRUE(eventually([&] { return rest_peer_id(1).has_value(); }, 10s, 20ms)) << "node-1's REST did not come back";
  std::cout << "[ e2e ] node-1 REST answered " << seconds_since(killed_at) << " s after the kill ("
            << seconds_since(rest_back) << " s after /health)\n";
  EXPECT_EQ(rest_peer_id(1).value_or(""), ids[1]) << "node-1 came back with another identity";

  json after;
  ASSERT_TRUE(eventually(
      [&] {
        after = status_nodes()["node-1"];
        return after.value("restarts", 0L) >= restarts_before + 1;
      },
      5s, 200ms))
      << "status does not count the restart: " << after.dump();
  EXPECT_GE(after.value("restarts", 0L), 1);
  ASSERT_TRUE(after["pid"].is_number()) << after.dump();
  long new_pid = after["pid"].get<long>();
  EXPECT_NE(new_pid, old_pid);
  EXPECT_TRUE(wakufleet::util::process_alive(new_pid));
  EXPECT_EQ(after.value("state", ""), "running") << after.dump();

  EXPECT_TRUE(eventually([&] { return stored(1, payload); }, 15s, 200ms))
      << "node-1's store lost the message published before the kill";

  auto mesh_start = Clock::now();
  std::string missing;
  bool reconnected = eventually(
      [&] {
        auto connected = connected_relay_peers(1);
        missing = connected.count(ids[0]) == 0 ? "node-0" : connected.count(ids[2]) == 0 ? "node-2" : "";
        return missing.empty();
      },
      10s, 100ms);
  EXPECT_TRUE(reconnected) << "10 s after the restart node-1 is still not connected to " << missing;
  std::cout << "[ e2e ] node-1 relay peers back " << seconds_since(mesh_start) << " s after REST answered\n";
}

TEST_F(LocalFleet_e2e, ReapplyIsNoChangesAndScaling) {
  use_fleet("scale", kBlockBase + 3);
  CliRun applied = apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.all();
  auto ids = expect_running_fleet(3);
  ASSERT_FALSE(HasFailure());

  CliRun plan = cli({"plan", "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 0) << plan.all();
  EXPECT_NE(plan.out.find("No changes."), std::string::npos) << plan.out;
  CliRun again = apply();
  EXPECT_EQ(again.exit_code, 0) << again.all();
  EXPECT_NE(again.out.find("No changes."), std::string::npos) << again.out;

  auto pids_at_3 = pids();
  ASSERT_EQ(pids_at_3.size(), 3u);

  // Scale up: two nodes are created, the mesh is updated; nodes 0-2 are not touched.
  write_spec(with_nodes(5));
  CliRun up_plan = cli({"plan", "--detailed-exitcode"});
  EXPECT_EQ(up_plan.exit_code, 2) << up_plan.all();
  EXPECT_NE(up_plan.out.find("Plan: 2 to add, 1 to change, 0 to destroy."), std::string::npos) << up_plan.out;
  std::set<std::string> headlines;
  std::istringstream lines(up_plan.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  # ", 0) == 0) headlines.insert(line.substr(4));
  }
  std::set<std::string> expected = {"local_node.node-3 will be created", "local_node.node-4 will be created",
                                    "local_mesh." + fleet_name_ + " will be updated in place"};
  EXPECT_EQ(headlines, expected) << up_plan.out;

  CliRun scaled_up = apply();
  ASSERT_EQ(scaled_up.exit_code, 0) << scaled_up.all();
  EXPECT_NE(scaled_up.out.find("Resources: 2 added, 1 changed, 0 destroyed."), std::string::npos) << scaled_up.out;
  auto ids5 = expect_running_fleet(5);
  auto pids_at_5 = pids();
  for (const auto& [name, pid] : pids_at_3) EXPECT_EQ(pids_at_5[name], pid) << name << " was restarted by the scale-up";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ids5[i], ids[i]);
  std::vector<int> all5 = {0, 1, 2, 3, 4};
  std::string missing;
  EXPECT_TRUE(eventually([&] { return meshed(all5, ids5, &missing); }, 10s, 200ms)) << missing;

  std::vector<std::string> removed_dirs;
  {
    auto nodes = status_nodes();
    for (const char* name : {"node-3", "node-4"}) removed_dirs.push_back(nodes[name].value("data_dir", ""));
  }
  for (const auto& dir : removed_dirs) EXPECT_TRUE(fs::exists(dir)) << dir;

  // Scale down: only node-3 and node-4 go.
  write_spec(with_nodes(3));
  CliRun down_plan = cli({"plan"});
  EXPECT_EQ(down_plan.exit_code, 0) << down_plan.all();
  EXPECT_NE(down_plan.out.find("Plan: 0 to add, 1 to change, 2 to destroy."), std::string::npos) << down_plan.out;
  CliRun scaled_down = apply();
  ASSERT_EQ(scaled_down.exit_code, 0) << scaled_down.all();
  expect_running_fleet(3);
  auto pids_at_3_again = pids();
  EXPECT_EQ(pids_at_3_again, pids_at_3) << "nodes 0-2 were restarted by the scale-down";
  for (const auto& dir : removed_dirs) {
    EXPECT_FALSE(dir.empty());
    EXPECT_FALSE(fs::exists(dir)) << dir << " is still there";
  }
  // Nothing of node-3 and node-4 keeps running (go-waku, its logger): apply has returned, so
  // they should be gone already; a few seconds are allowed for exits still under way.
  auto removed_at = Clock::now();
  std::string lingering;
  bool all_gone = eventually(
      [&] {
        lingering.clear();
        for (const auto& dir : removed_dirs) lingering += describe(processes_mentioning(dir + "/"));
        return lingering.empty();
      },
      5s, 50ms);
  EXPECT_TRUE(all_gone) << "5 s after the scale-down, processes of the removed nodes still run:" << lingering;
  if (all_gone) {
    std::cout << "[ e2e ] removed nodes' processes gone " << seconds_since(removed_at) << " s after apply\n";
  }
  for (int i : {3, 4}) {
    for (int port : {60000, 8645, 8008}) {
      EXPECT_EQ(connect_error(address(i), port), ECONNREFUSED) << address(i) << ":" << port << " still answers";
    }
  }
  std::vector<int> all3 = {0, 1, 2};
  EXPECT_TRUE(eventually([&] { return meshed(all3, ids, &missing); }, 10s, 200ms)) << missing;
  CliRun settled = cli({"plan", "--detailed-exitcode"});
  EXPECT_EQ(settled.exit_code, 0) << settled.all();
}

TEST_F(LocalFleet_e2e, DestroyLeavesNothing) {
  use_fleet("destroy", kBlockBase + 4);
  CliRun applied = apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.all();
  expect_running_fleet(3);
  ASSERT_FALSE(HasFailure());
  ASSERT_FALSE(processes_mentioning(data_root_).empty()) << "no process mentions " << data_root_;

  CliRun destroyed = cli({"destroy", "--auto-approve"});
  std::cout << "[ e2e ] destroy took " << destroyed.seconds << " s\n";
  ASSERT_EQ(destroyed.exit_code, 0) << destroyed.all();
  EXPECT_NE(destroyed.out.find("Destroy complete!"), std::string::npos) << destroyed.out;

  // destroy waits for the services it stops; the last exits can still be under way.
  eventually([&] { return processes_mentioning(data_root_).empty(); }, 10s, 200ms);
  EXPECT_EQ(describe(processes_mentioning(data_root_)), "") << "processes outlived destroy";
  for (int i = 0; i < 3; ++i) {
    for (int port : {60000, 60001, 8645, 8008}) {
      EXPECT_EQ(connect_error(address(i), port), ECONNREFUSED) << address(i) << ":" << port << " still answers";
    }
  }
  json state = read_state();
  ASSERT_TRUE(state.is_object()) << read_file(state_path_);
  ASSERT_TRUE(state["resources"].is_array()) << state.dump(2);
  EXPECT_TRUE(state["resources"].empty()) << state.dump(2);
  EXPECT_FALSE(fs::exists(data_root_)) << "destroy (without --keep-data) left " << data_root_;
  CliRun status_after = cli({"status", "--json"});
  EXPECT_EQ(status_after.exit_code, 0) << status_after.all();
}

TEST_F(LocalFleet_e2e, BadInputChangesNothing) {
  use_fleet("bad", kBlockBase + 5);

  // (a) An unknown key: reported as file:line:col, and nothing is touched.
  std::string text = spec_text({});
  std::string marker = "shards = [0]\n";
  auto at = text.find(marker);
  ASSERT_NE(at, std::string::npos);
  text.insert(at + marker.size(), "shardz = [1]\n");
  int line = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at + marker.size()), '\n')) + 1;
  write_file(spec_path_, text);
  CliRun bad_key = apply();
  EXPECT_EQ(bad_key.exit_code, 1) << bad_key.all();
  std::string location = spec_path_ + ":" + std::to_string(line) + ":1";
  EXPECT_NE(bad_key.err.find(location), std::string::npos) << "expected " << location << " in stderr:\n" << bad_key.err;
  EXPECT_NE(bad_key.err.find("shardz"), std::string::npos) << bad_key.err;
  EXPECT_FALSE(fs::exists(state_path_)) << "a state file was created";
  EXPECT_FALSE(fs::exists(dir_ + "/data")) << "a data folder was created";
  EXPECT_EQ(describe(processes_mentioning(dir_)), "");

  // (b) An address in use: apply refuses before starting anything.
  write_spec({});
  Listener squatter(address(0), 8645);
  ASSERT_TRUE(squatter.ok()) << "cannot listen on " << address(0) << ":8645: " << squatter.error();
  CliRun taken = apply();
  EXPECT_EQ(taken.exit_code, 1) << taken.all();
  EXPECT_NE(taken.err.find("already in use"), std::string::npos) << taken.err;
  EXPECT_NE(taken.err.find(address(0) + ":8645"), std::string::npos) << taken.err;
  EXPECT_EQ(describe(processes_mentioning(dir_)), "") << "apply started processes although it failed";
  if (fs::exists(state_path_)) {
    json state = read_state();
    EXPECT_TRUE(state.is_object() && state["resources"].is_array() && state["resources"].empty()) << state.dump(2);
  }
  EXPECT_FALSE(fs::exists(data_root_ + "/s6")) << "apply set up a supervisor although it failed";
  for (int i = 1; i < 3; ++i) EXPECT_EQ(connect_error(address(i), 8645), ECONNREFUSED) << address(i);
}

TEST_F(LocalFleet_e2e, GoWakuFailsToStart) {
  use_fleet("fail", kBlockBase + 6, with_ready_timeout("5s"));
  std::string script = dir_ + "/broken-waku";
  const std::string line = "broken-waku: e2e refuses to start (exit 166)";
  write_file(script, "#!/bin/sh\necho '" + line + "'\nexit 166\n");
  fs::permissions(script, fs::perms::owner_all);

  CliRun failed = apply({{"WAKUFLEET_GOWAKU", script}});
  EXPECT_EQ(failed.exit_code, 1) << failed.all();
  std::cout << "[ e2e ] apply with a go-waku that exits 166 printed on stderr:\n" << failed.err;
  EXPECT_NE(failed.err.find("node-0"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find(line), std::string::npos) << "the log tail is missing from stderr:\n" << failed.err;
  EXPECT_NE(failed.err.find("166"), std::string::npos) << failed.err;
  json state = read_state();
  ASSERT_TRUE(state.is_object()) << "no state file after a failed apply";
  std::set<std::string> recorded;
  for (const auto& resource : state.value("resources", json::array())) {
    recorded.insert(resource.value("type", "") + "." + resource.value("name", ""));
  }
  EXPECT_TRUE(recorded.count("local_supervisor." + fleet_name_)) << state.dump(2);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(recorded.count("local_node.node-" + std::to_string(i))) << state.dump(2);

  // With the real go-waku again, apply continues from there and converges. The 5 s that made the
  // broken node fail fast are too tight for a real node on a loaded 2-core machine (this test
  // failed once that way, by the look of its 10 s run), so the spec gets the default timeout back.
  write_spec({});
  CliRun fixed = apply();
  ASSERT_EQ(fixed.exit_code, 0) << fixed.all();
  auto ids = expect_running_fleet(3);
  std::string missing;
  EXPECT_TRUE(eventually([&] { return meshed({0, 1, 2}, ids, &missing); }, 10s, 200ms)) << missing;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(rest_peer_id(i).value_or(""), ids[i]);
  CliRun settled = cli({"plan", "--detailed-exitcode"});
  EXPECT_EQ(settled.exit_code, 0) << settled.all();
}

}  // namespace

namespace {

// A node setting change restarts every node it affects, one at a time, each ready (and meshed)
// before the next one goes down: the apply log shows each "Modifying..." only after the previous
// node's "Modifications complete".
TEST_F(LocalFleet_e2e, SettingChangeRestartsNodesOneAtATime) {
  use_fleet("rolling", kBlockBase + 6);
  ASSERT_EQ(apply().exit_code, 0);
  auto ids = expect_running_fleet(3);
  ASSERT_FALSE(HasFailure());
  auto before = pids();

  SpecOptions debug;
  debug.log_level = "debug";
  write_spec(debug);
  CliRun plan = cli({"plan"});
  EXPECT_NE(plan.out.find("Plan: 0 to add, 3 to change, 0 to destroy."), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("--log-level=DEBUG"), std::string::npos) << plan.out;
  CliRun applied = apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.all();

  int in_progress = 0, most = 0, restarted = 0;
  std::istringstream lines(applied.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("local_node.") != 0) continue;
    if (line.find(": Modifying...") != std::string::npos) most = std::max(most, ++in_progress);
    if (line.find(": Modifications complete") != std::string::npos) {
      --in_progress;
      ++restarted;
    }
  }
  EXPECT_EQ(restarted, 3) << applied.out;
  EXPECT_EQ(most, 1) << "restarts overlapped:\n" << applied.out;
  auto after = pids();
  for (const auto& [node, pid] : before) EXPECT_NE(after[node], pid) << node << " was not restarted";
  // Same identities, and the fleet is meshed again when apply returns.
  EXPECT_EQ(expect_running_fleet(3), ids);
  EXPECT_TRUE(meshed({0, 1, 2}, ids));
  EXPECT_EQ(cli({"plan", "--detailed-exitcode"}).exit_code, 0);
}

// kill -9 of s6-svscan: status says the supervisor is down; the next apply repairs it and the
// nodes come back with the same identities.
TEST_F(LocalFleet_e2e, KilledSupervisorIsReportedAndRepaired) {
  use_fleet("svscan", kBlockBase + 7);
  ASSERT_EQ(apply().exit_code, 0);
  auto ids = expect_running_fleet(3);
  ASSERT_FALSE(HasFailure());
  long scanner = std::stol(read_file(data_root_ + "/supervisor.pid"));
  ASSERT_EQ(::kill(static_cast<pid_t>(scanner), SIGKILL), 0);
  auto deadline = Clock::now() + 5s;
  while (wakufleet::util::process_alive(scanner) && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
  ASSERT_FALSE(wakufleet::util::process_alive(scanner)) << "s6-svscan outlived SIGKILL";

  json shown = status();
  EXPECT_NE(shown.value("supervisor", "").find("down"), std::string::npos) << shown.dump();
  CliRun plan = cli({"plan", "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 2) << plan.all();
  EXPECT_NE(plan.out.find("local_supervisor."), std::string::npos);

  CliRun repaired = apply();
  ASSERT_EQ(repaired.exit_code, 0) << repaired.all();
  shown = status();
  EXPECT_NE(shown.value("supervisor", "").find("running"), std::string::npos) << shown.dump();
  EXPECT_EQ(expect_running_fleet(3), ids);
  // The repair restarted every node at once; apply dialled the neighbours again before returning
  // (go-waku alone dials its static peers once, at start, and they may not have listened yet).
  std::string missing;
  EXPECT_TRUE(meshed({0, 1, 2}, ids, &missing)) << missing;
}

}  // namespace

namespace {

// destroy --keep-data keeps every node's key and store: the next apply brings back the same
// identities and the same stored messages.
TEST_F(LocalFleet_e2e, DestroyKeepDataKeepsIdentitiesAndStore) {
  use_fleet("keep", kBlockBase + 8);
  ASSERT_EQ(apply().exit_code, 0);
  auto ids = expect_running_fleet(3);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(subscribe(2));
  std::string payload = base64("kept across destroy");
  std::string error = publish(0, payload);
  ASSERT_TRUE(error.empty()) << error;
  auto stored_by = Clock::now() + 10s;
  while (!stored(1, payload) && Clock::now() < stored_by) std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(stored(1, payload));

  CliRun destroyed = cli({"destroy", "--auto-approve", "--keep-data"});
  ASSERT_EQ(destroyed.exit_code, 0) << destroyed.all();
  EXPECT_TRUE(fs::exists(data_root_ + "/nodes/node-1/nodekey"));
  EXPECT_FALSE(metrics_healthy(1));

  ASSERT_EQ(apply().exit_code, 0);
  EXPECT_EQ(expect_running_fleet(3), ids);
  EXPECT_TRUE(eventually([&] { return stored(1, payload); }, 10s, 200ms)) << "the store lost the message";
}

}  // namespace
