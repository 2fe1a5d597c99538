// bootstrap_render FLEET_TOML OUT_DIR BATCH_DIR: writes what every node droplet of the fleet would
// get (user-data.yaml, and the unit and DataDog files inside it) under OUT_DIR/<node>/, and the
// user data of one multi-create of (up to ten of) its nodes under BATCH_DIR, for
// check_rendered.sh and for reading. Test data only: a fixed, well-known node key and a dummy
// go-waku checksum.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "bootstrap/bootstrap.hpp"
#include "spec/parse.hpp"

namespace bootstrap = wakufleet::bootstrap;

namespace {

void write(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: bootstrap_render FLEET_TOML OUT_DIR BATCH_DIR\n";
    return 2;
  }
  auto parsed = wakufleet::spec::load_fleet(argv[1]);
  if (!parsed.ok()) {
    std::cerr << argv[1] << ": does not parse\n";
    return 1;
  }
  const auto& fleet = parsed.fleet;
  bootstrap::Options options;
  options.go_waku.sha256 = std::string(64, '0');  // dummy: nothing is downloaded here
  std::vector<bootstrap::BatchMember> batch;
  for (const auto& node : fleet.nodes) {
    bootstrap::NodeDroplet droplet;
    droplet.volume_name = fleet.name + "-" + node.name;
    droplet.network = bootstrap::droplet_network("203.0.113.10", node.name + "." + fleet.domain);
    droplet.node_key_hex = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";  // EIP-778's
    auto user_data = bootstrap::user_data(fleet, node, droplet, options);
    if (!user_data.ok()) {
      std::cerr << node.name << ": " << user_data.error().message << "\n";
      return 1;
    }
    const std::filesystem::path dir = std::filesystem::path(argv[2]) / node.name;
    std::filesystem::create_directories(dir);
    write(dir / "user-data.yaml", *user_data);
    write(dir / "user-data.sha256", bootstrap::user_data_digest(*user_data) + "\n");
    write(dir / bootstrap::kUnitName, bootstrap::go_waku_unit(fleet, node, droplet.network));
    write(dir / "wakufleet-bootstrap", bootstrap::bootstrap_script(fleet, options));
    write(dir / "datadog.yaml", bootstrap::datadog_yaml(fleet, node));
    write(dir / "openmetrics.yaml", bootstrap::openmetrics_yaml(droplet.network));
    write(dir / "journald.yaml", bootstrap::journald_logs_yaml());
    if (batch.size() < 10) batch.push_back({fleet.name + "-" + node.name + "-0123456789ab", &node, droplet});
  }
  auto batch_data = bootstrap::batch_user_data(fleet, batch, options);
  if (!batch_data.ok()) {
    std::cerr << "batch: " << batch_data.error().message << "\n";
    return 1;
  }
  std::filesystem::create_directories(argv[3]);
  write(std::filesystem::path(argv[3]) / "user-data.yaml", *batch_data);
  write(std::filesystem::path(argv[3]) / "wakufleet-select", bootstrap::select_script());
  return 0;
}
