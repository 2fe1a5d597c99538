// `plan` of an N-node spec against the fake provider: parse fleet.toml, refresh, diff, render.
// Goal (issue 2): under 50 ms at 1000 nodes, growing linearly (100, 1000, 10000 nodes).
#include <benchmark/benchmark.h>

#include "engine/apply.hpp"
#include "engine/engine.hpp"
#include "providers/fake/fake_provider.hpp"
#include "spec/parse.hpp"

namespace {

using namespace wakufleet;

// Groups of at most 1000 nodes each (the spec's limit per fleet is checked, so larger fleets
// are built by bypassing it: the benchmark measures the engine, not the limit).
std::string spec_text(int nodes) {
  return "[fleet]\nname = \"bench\"\ndomain = \"bench.waku.test\"\nnodes = " + std::to_string(std::min(nodes, 1000)) +
         "\n\n[waku]\nprotocols = [\"relay\", \"store\"]\ncluster_id = 1\nshards = [0]\n";
}

spec::Fleet fleet_with(int nodes) {
  auto parsed = spec::parse_fleet(spec_text(nodes), "fleet.toml");
  if (!parsed.ok()) throw std::runtime_error("bench spec does not parse");
  spec::Fleet fleet = parsed.fleet;
  for (int i = static_cast<int>(fleet.nodes.size()); i < nodes; ++i) {
    spec::Node node = fleet.nodes.front();
    node.name = "node-" + std::to_string(i);
    node.index = i;
    fleet.nodes.push_back(node);
  }
  return fleet;
}

// A converged fleet: the plan must find that nothing changes (the common case of CI plans).
void BM_PlanConverged(benchmark::State& bench) {
  int nodes = static_cast<int>(bench.range(0));
  auto world = std::make_shared<providers::fake::World>();
  providers::fake::FakeProvider provider(world);
  spec::Fleet fleet = fleet_with(nodes);
  state::State recorded;
  engine::Reporter quiet;
  auto first = engine::refresh_and_plan(provider, fleet, recorded, engine::PlanMode::Converge);
  engine::apply(provider, *first, recorded, [](state::State&) -> util::Result<void> { return {}; }, quiet);
  std::string text = spec_text(nodes);
  for (auto _ : bench) {
    auto parsed = spec::parse_fleet(text, "fleet.toml");
    state::State copy = recorded;
    auto plan = engine::refresh_and_plan(provider, fleet, copy, engine::PlanMode::Converge);
    std::string rendered = engine::render_text(*plan, false);
    benchmark::DoNotOptimize(rendered);
    if (!plan->empty()) bench.SkipWithError("converged fleet planned changes");
  }
  bench.SetComplexityN(nodes);
}

// An empty state: every resource is planned for creation and rendered.
void BM_PlanFromScratch(benchmark::State& bench) {
  int nodes = static_cast<int>(bench.range(0));
  auto world = std::make_shared<providers::fake::World>();
  providers::fake::FakeProvider provider(world);
  spec::Fleet fleet = fleet_with(nodes);
  std::string text = spec_text(nodes);
  for (auto _ : bench) {
    auto parsed = spec::parse_fleet(text, "fleet.toml");
    state::State empty;
    auto plan = engine::refresh_and_plan(provider, fleet, empty, engine::PlanMode::Converge);
    std::string rendered = engine::render_text(*plan, false);
    benchmark::DoNotOptimize(rendered);
  }
  bench.SetComplexityN(nodes);
}

BENCHMARK(BM_PlanConverged)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->Complexity(benchmark::oN);
BENCHMARK(BM_PlanFromScratch)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->Complexity(benchmark::oN);

}  // namespace

BENCHMARK_MAIN();
