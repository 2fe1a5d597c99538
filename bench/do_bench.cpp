// DigitalOcean API requests of the digitalocean target, counted by the fake DigitalOcean API (run
// in-process on loopback): a whole `apply` of a 10- and a 100-node fleet from nothing, a `plan`
// with nothing to change, and refresh alone, beside the one-GET-per-resource refresh that the
// engine does by default. Goal (issue 6): refresh of 100 nodes in at most 10 requests.
// A plain program that prints a table: the numbers are counts, not timings. It exits 1 when the
// goal is missed. DO_BENCH_DETAIL=1 also prints the apply's requests by endpoint (stderr).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/apply.hpp"
#include "engine/engine.hpp"
#include "fakes/do_api/fake_do.hpp"
#include "providers/digitalocean/provider.hpp"
#include "spec/parse.hpp"

namespace {

using namespace wakufleet;
namespace digitalocean = providers::digitalocean;

constexpr const char* kToken = "dop_v1_bench";

std::string spec_text(int nodes) {
  return "[fleet]\nname = \"bench\"\ndomain = \"bench.waku.test\"\nnodes = " + std::to_string(nodes) +
         "\n\n[target]\nkind = \"digitalocean\"\n\n[target.digitalocean]\nregion = \"ams3\"\n"
         "admin_cidrs = [\"203.0.113.0/24\"]\ngowaku_url = \"https://releases.example.com/waku\"\n"
         "gowaku_sha256 = \"" + std::string(64, 'a') + "\"\n\n[discovery]\ndns = true\n";
}

class Quiet : public engine::Reporter {};

struct Counts {
  int resources = 0;
  long apply = 0;          // check, refresh, plan and apply, from nothing
  long droplet_creates = 0;  // POST /v2/droplets of that apply (names[]: up to ten droplets each)
  long plan_unchanged = 0;  // check, refresh and plan, with nothing to change
  long refresh = 0;        // refresh alone, by lists
  long refresh_baseline = 0;  // refresh alone, one GET per resource
};

std::unique_ptr<engine::Provider> make_target(const std::string& url, const std::string& state_path) {
  providers::Context context;
  context.state_path = state_path;
  digitalocean::ProviderOptions options;
  options.client_config = digitalocean::ClientConfig{url, kToken};
  options.probe = [](const std::string&, int, std::chrono::seconds) -> util::Result<void> { return {}; };
  return digitalocean::make_digitalocean_provider(context, options);
}

void must(const util::Result<void>& result, const char* what) {
  if (!result) throw std::runtime_error(std::string(what) + ": " + result.error().message);
}

Counts measure(int nodes, const std::string& dir) {
  fakes::do_api::FakeOptions options;
  options.token = kToken;
  options.floating_ip_limit = 1000;
  options.volume_limit = 1000;
  fakes::do_api::FakeDigitalOcean fake(options);
  must(fake.start(), "fake");
  auto admin_http = util::make_curl_client();
  digitalocean::DigitalOceanClient admin(*admin_http, {fake.url(), kToken});
  const nlohmann::json domain = {{"name", "waku.test"}};
  must(admin.transport().call("POST", "/v2/domains", &domain).ok() ? util::Result<void>() : util::fail("domain"), "domain");
  auto parsed = spec::parse_fleet(spec_text(nodes), "fleet.toml");
  if (!parsed.ok()) throw std::runtime_error("bench spec does not parse");
  const spec::Fleet& fleet = parsed.fleet;
  const std::string state_path = dir + "/bench-" + std::to_string(nodes) + ".state.json";
  Counts counts;
  state::State state;

  fake.reset_stats();
  auto target = make_target(fake.url(), state_path);
  must(target->check(fleet), "check");
  auto planned = engine::refresh_and_plan(*target, fleet, state, engine::PlanMode::Converge);
  if (!planned) throw std::runtime_error(planned.error().message);
  Quiet quiet;
  auto outcome = engine::apply(*target, *planned, state, [](state::State&) { return util::Result<void>(); }, quiet);
  if (!outcome.ok()) throw std::runtime_error(outcome.errors.front());
  counts.apply = fake.total_requests();
  counts.droplet_creates = fake.requests("POST /v2/droplets");
  if (std::getenv("DO_BENCH_DETAIL")) std::fprintf(stderr, "%s\n", fake.stats().dump(1).c_str());
  counts.resources = static_cast<int>(state.resources.size());

  fake.reset_stats();
  auto again = make_target(fake.url(), state_path);
  must(again->check(fleet), "check");
  auto unchanged = engine::refresh_and_plan(*again, fleet, state, engine::PlanMode::Converge);
  if (!unchanged || !unchanged->empty()) throw std::runtime_error("the second plan is not empty");
  counts.plan_unchanged = fake.total_requests();

  fake.reset_stats();
  must(again->refresh(state.resources).ok() ? util::Result<void>() : util::fail("refresh"), "refresh");
  counts.refresh = fake.total_requests();
  fake.reset_stats();
  // The engine's own refresh: one read() per recorded resource.
  must(again->engine::Provider::refresh(state.resources).ok() ? util::Result<void>() : util::fail("refresh"), "baseline");
  counts.refresh_baseline = fake.total_requests();
  fake.stop();
  return counts;
}

}  // namespace

int main() {
  const std::string dir = std::filesystem::temp_directory_path() / "wakufleet-do-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::printf("DigitalOcean API requests (fake DigitalOcean on loopback; [discovery] dns on)\n\n");
  std::printf("%6s %10s %14s %18s %9s %16s %8s %16s\n", "nodes", "resources", "refresh(list)", "refresh(1 GET/res)",
              "ratio", "plan(no change)", "apply", "droplet creates");
  bool goal = true;
  for (int nodes : {10, 100}) {
    Counts counts = measure(nodes, dir);
    std::printf("%6d %10d %14ld %18ld %8.1fx %16ld %8ld %16ld\n", nodes, counts.resources, counts.refresh,
                counts.refresh_baseline, static_cast<double>(counts.refresh_baseline) / static_cast<double>(counts.refresh),
                counts.plan_unchanged, counts.apply, counts.droplet_creates);
    if (nodes == 100) goal = counts.refresh <= 10;
  }
  std::printf("\nplan(no change) = check (account, regions, domain) + refresh; apply = check + refresh + plan + apply "
              "from nothing;\ndroplet creates = its POST /v2/droplets (one droplet each before batching).\nGoal: refresh of 100 nodes <= 10 requests: %s\n", goal ? "met" : "NOT met");
  std::filesystem::remove_all(dir);
  return goal ? 0 : 1;
}
