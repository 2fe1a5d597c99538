// Test support for the digitalocean target: a fleet spec generator, and a fixture that runs the fake
// DigitalOcean in-process with the account's domain made, and drives the target the way the CLI
// does (check, refresh and plan, apply with the state saved after every resource).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/apply.hpp"
#include "engine/engine.hpp"
#include "fakes/do_api/fake_do.hpp"
#include "providers/digitalocean/provider.hpp"
#include "spec/parse.hpp"
#include "state/store.hpp"

namespace wakufleet::providers::digitalocean::testing {

inline constexpr const char* kTestToken = "dop_v1_provider_test_token_never_printed";
inline constexpr const char* kAccountDomain = "waku.test";

struct FleetSpec {
  std::string name = "test";
  int nodes = 3;
  std::string domain = "fleet.waku.test";
  std::string region = "ams3";
  std::string size = "s-1vcpu-2gb";
  std::vector<std::string> ssh_keys;
  bool dns = true;
  bool discv5 = false;
  int max_connections = 50;
  int droplets_per_request = 10;

  std::string toml() const {
    std::string keys;
    for (const auto& key : ssh_keys) keys += (keys.empty() ? "\"" : ", \"") + key + "\"";
    return "[fleet]\nname = \"" + name + "\"\ndomain = \"" + domain + "\"\nnodes = " + std::to_string(nodes) +
           "\n\n[target]\nkind = \"digitalocean\"\n\n[target.digitalocean]\nregion = \"" + region + "\"\nsize = \"" +
           size + "\"\nssh_keys = [" + keys + "]\nadmin_cidrs = [\"203.0.113.0/24\"]\n"
           "gowaku_url = \"https://releases.example.com/go-waku/v0.10.0/waku\"\n"
           "gowaku_sha256 = \"" + std::string(64, 'a') + "\"\ndroplets_per_request = " +
           std::to_string(droplets_per_request) + "\n\n[waku]\nmax_connections = " +
           std::to_string(max_connections) + "\n\n[discovery]\ndns = " + (dns ? "true" : "false") +
           "\ndiscv5 = " + (discv5 ? "true" : "false") + "\n";
  }

  spec::Fleet fleet() const {
    auto parsed = spec::parse_fleet(toml(), "fleet.toml");
    EXPECT_TRUE(parsed.ok()) << (parsed.diagnostics.empty() ? "" : parsed.diagnostics.front().message);
    return parsed.fleet;
  }
};

class Quiet : public engine::Reporter {};

class DoTarget : public ::testing::Test {
 protected:
  void SetUp() override {
    fakes::do_api::FakeOptions options;
    options.token = kTestToken;
    fake_ = std::make_unique<fakes::do_api::FakeDigitalOcean>(options);
    ASSERT_TRUE(fake_->start().ok());
    http_ = util::make_curl_client();
    admin_ = std::make_unique<DigitalOceanClient>(*http_, ClientConfig{fake_->url(), kTestToken}, real_clock(),
                                                  quick_client_options());
    const nlohmann::json domain = {{"name", kAccountDomain}};
    ASSERT_TRUE(admin_->transport().call("POST", "/v2/domains", &domain).ok());
    char pattern[] = "/tmp/wakufleet-do-XXXXXX";
    dir_ = mkdtemp(pattern);
    state_path_ = dir_ + "/fleet.state.json";
    fake_->reset_stats();
  }
  void TearDown() override {
    fake_->stop();
    std::filesystem::remove_all(dir_);
  }

  // A provider as the CLI makes one, with a recording readiness probe (the fake has no nodes).
  std::unique_ptr<engine::Provider> provider(Context context = {}, ProviderOptions options = {},
                                             const std::string& token = kTestToken) {
    context.state_path = state_path_;
    context.spec_dir = dir_;
    options.client_config = ClientConfig{fake_->url(), token};
    if (!options.probe) {
      // Apply waits for several droplets at once: the probe runs on the engine's workers.
      options.probe = [this](const std::string& address, int, std::chrono::seconds) -> util::Result<void> {
        std::lock_guard lock(probed_mutex_);
        probed_.push_back(address);
        return {};
      };
    }
    return make_digitalocean_provider(context, std::move(options));
  }

  // check + refresh + plan, on the state saved so far.
  util::Result<engine::Plan> plan(engine::Provider& target, const spec::Fleet& fleet,
                                  engine::PlanMode mode = engine::PlanMode::Converge) {
    if (auto checked = target.check(fleet); !checked) return checked.error();
    auto loaded = state::load(state_path_);
    if (!loaded) return loaded.error();
    state_ = *loaded;
    state_.fleet = fleet.name;
    state_.target = "digitalocean";
    return engine::refresh_and_plan(target, fleet, state_, mode);
  }

  engine::ApplyOutcome apply(engine::Provider& target, const engine::Plan& planned) {
    const std::string path = state_path_;
    engine::SaveFn save = [path](state::State& current) { return state::save(path, current); };
    Quiet quiet;
    return engine::apply(target, planned, state_, save, quiet);
  }

  // Plans and applies; fails the test on any error.
  engine::Plan converge(const spec::Fleet& fleet, Context context = {}, ProviderOptions options = {}) {
    auto target = provider(context, std::move(options));
    auto planned = plan(*target, fleet);
    EXPECT_TRUE(planned.ok()) << (planned.ok() ? "" : planned.error().message);
    if (!planned) return {};
    auto outcome = apply(*target, *planned);
    EXPECT_TRUE(outcome.ok()) << (outcome.errors.empty() ? "" : outcome.errors.front());
    return *planned;
  }

  engine::Plan destroy(const spec::Fleet& fleet, bool destroy_volumes) {
    Context context;
    context.destroy_volumes = destroy_volumes;
    auto target = provider(context);
    auto planned = plan(*target, fleet, engine::PlanMode::Destroy);
    EXPECT_TRUE(planned.ok());
    if (!planned) return {};
    EXPECT_TRUE(apply(*target, *planned).ok());
    return *planned;
  }

  nlohmann::json snapshot() { return fake_->snapshot(); }

  // Records of the account's domain by "TYPE name", e.g. "A node-0.fleet".
  std::multimap<std::string, std::string> records() {
    std::multimap<std::string, std::string> out;
    const nlohmann::json now = snapshot();
    for (const auto& domain : now["domains"]) {
      for (const auto& record : domain["records"]) {
        out.emplace(record["type"].get<std::string>() + " " + record["name"].get<std::string>(),
                    record["data"].get<std::string>());
      }
    }
    return out;
  }

  static std::set<std::string> addresses_of(const engine::Plan& planned, engine::Action action) {
    std::set<std::string> out;
    for (const auto& change : planned.changes) {
      if (change.action == action) out.insert(change.address);
    }
    return out;
  }

  std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // Where wakufleet keeps a node's key, beside the state; and the key itself (64 hex digits).
  std::string node_key_file(const std::string& node) const { return state_path_ + ".secrets/do-node-" + node + ".key"; }
  std::string node_key(const std::string& node) { return read_file(node_key_file(node)).substr(0, 64); }

  std::unique_ptr<fakes::do_api::FakeDigitalOcean> fake_;
  std::unique_ptr<util::HttpClient> http_;
  std::unique_ptr<DigitalOceanClient> admin_;
  std::string dir_, state_path_;
  state::State state_;
  std::mutex probed_mutex_;
  std::vector<std::string> probed_;  // guarded by probed_mutex_
};

}  // namespace wakufleet::providers::digitalocean::testing
