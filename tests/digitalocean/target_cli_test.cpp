// The digitalocean target through the wakufleet binary, against the fake DigitalOcean API running in
// this test process: what a user sees at plan time, and apply killed with SIGKILL at many points,
// after which the next apply must converge with nothing orphaned or duplicated.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <random>
#include <thread>

#include "provider_support.hpp"

namespace wakufleet::providers::digitalocean::testing {
namespace {

using nlohmann::json;

struct CliRun {
  int exit_code = -1;  // 128 + signal when killed
  std::string output;  // stdout and stderr
};

class DoCli : public DoTarget {
 protected:
  void write_spec(const FleetSpec& spec) { std::ofstream(dir_ + "/fleet.toml") << spec.toml(); }

  std::vector<std::string> environment(const std::string& token) const {
    return {"PATH=/usr/bin:/bin", "NO_COLOR=1", "DIGITALOCEAN_API_URL=" + fake_->url(), "DIGITALOCEAN_TOKEN=" + token};
  }

  // Starts wakufleet with `args` in the test's folder; its output goes to dir_/output.txt.
  pid_t start(const std::vector<std::string>& args, const std::string& token = kTestToken) {
    std::vector<std::string> argv = {WAKUFLEET_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("-f");
    argv.push_back(dir_ + "/fleet.toml");
    std::vector<std::string> env = environment(token);
    std::vector<char*> argv_c, env_c;
    for (auto& arg : argv) argv_c.push_back(arg.data());
    for (auto& var : env) env_c.push_back(var.data());
    argv_c.push_back(nullptr);
    env_c.push_back(nullptr);
    const std::string output = dir_ + "/output.txt";
    pid_t pid = fork();
    if (pid == 0) {
      int out = open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
      int null = open("/dev/null", O_RDONLY);
      dup2(null, STDIN_FILENO);
      execve(argv_c[0], argv_c.data(), env_c.data());
      _exit(127);
    }
    return pid;
  }

  CliRun finish(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    CliRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    run.output = read_file(dir_ + "/output.txt");
    return run;
  }

  CliRun run(const std::vector<std::string>& args, const std::string& token = kTestToken) {
    return finish(start(args, token));
  }

  // Runs an apply that must succeed; the output tells why when it does not.
  void apply_ok() {
    CliRun applied = run({"apply", "--auto-approve"});
    ASSERT_EQ(applied.exit_code, 0) << applied.output;
  }

  // Starts apply and kills it with SIGKILL once the fake has answered `requests` requests (or it ends).
  long apply_killed_after(long requests) {
    pid_t pid = start({"apply", "--auto-approve"});
    int status = 0;
    while (fake_->total_requests() < requests) {
      if (waitpid(pid, &status, WNOHANG) == pid) return -1;  // it finished first
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return fake_->total_requests();
  }

  std::vector<long> kill_and_recover(const FleetSpec& spec, const std::function<void()>& prepare, long whole, int points,
                                  unsigned seed);

  // Every resource the fake holds is recorded in the state, once, and the other way round.
  void expect_fake_matches_state(int nodes) {
    auto loaded = state::load(state_path_);
    ASSERT_TRUE(loaded.ok());
    std::map<std::string, std::set<std::string>> recorded;
    for (const auto& [address, resource] : loaded->resources) {
      auto id = resource.attributes.value("id", resource.attributes.value("ip", ""));
      if (!id.empty()) recorded[resource.type].insert(id);
    }
    json now = snapshot();
    auto ids = [&](const char* kind, const char* key) {
      std::set<std::string> out;
      for (const auto& item : now[kind]) out.insert(item[key].is_string() ? item[key].get<std::string>() : item[key].dump());
      EXPECT_EQ(out.size(), now[kind].size()) << kind;
      return out;
    };
    EXPECT_EQ(ids("droplets", "id"), recorded["do_droplet"]);
    EXPECT_EQ(ids("volumes", "id"), recorded["do_volume"]);
    EXPECT_EQ(ids("reserved_ips", "ip"), recorded["do_reserved_ip"]);
    EXPECT_EQ(ids("vpcs", "id"), recorded["do_vpc"]);
    EXPECT_EQ(ids("firewalls", "id"), recorded["do_firewall"]);
    EXPECT_EQ(now["droplets"].size(), static_cast<std::size_t>(nodes));
    std::map<std::string, int> seen;  // "TYPE name": a name holds one record of each type
    for (const auto& [key, data] : records()) ++seen[key];
    for (const auto& [key, count] : seen) {
      if (key.rfind("NS ", 0) != 0) {
        EXPECT_EQ(count, 1) << key;
      }
    }
    for (int i = 0; i < nodes; ++i) {
      EXPECT_EQ(seen["A node-" + std::to_string(i) + ".fleet"], 1);
      EXPECT_EQ(seen["AAAA node-" + std::to_string(i) + ".fleet"], 1);
    }
    EXPECT_EQ(seen["TXT nodes.fleet"], 1);
  }
};

TEST_F(DoCli, ABadTokenIsAClearErrorAtPlanTimeAndNothingIsCreated) {
  write_spec(FleetSpec{});
  CliRun planned = run({"apply", "--auto-approve"}, "dop_v1_not_a_valid_token");
  EXPECT_EQ(planned.exit_code, 1);
  EXPECT_NE(planned.output.find("error: cannot use the DigitalOcean account: DigitalOcean API: GET /v2/account answered "
                                "401 Unauthorized"),
            std::string::npos)
      << planned.output;
  EXPECT_NE(planned.output.find("check that DIGITALOCEAN_TOKEN holds a valid API token"), std::string::npos);
  EXPECT_EQ(planned.output.find("dop_v1_not_a_valid_token"), std::string::npos);
  json now = snapshot();
  for (const char* kind : {"droplets", "volumes", "reserved_ips", "vpcs", "firewalls"}) EXPECT_TRUE(now[kind].empty());
}

TEST_F(DoCli, AMissingTokenSaysWhereToGetOne) {
  write_spec(FleetSpec{});
  CliRun planned = run({"plan"}, "");
  EXPECT_EQ(planned.exit_code, 1);
  EXPECT_NE(planned.output.find("DIGITALOCEAN_TOKEN is not set"), std::string::npos) << planned.output;
}

TEST_F(DoCli, AMissingDomainAndAnUnofferedRegionAreErrorsAtPlanTime) {
  FleetSpec spec;
  spec.domain = "fleet.unknown.test";
  write_spec(spec);
  CliRun planned = run({"plan"});
  EXPECT_EQ(planned.exit_code, 1);
  EXPECT_NE(planned.output.find("domain \"fleet.unknown.test\" (nor any parent of it) is not a domain of this "
                                "DigitalOcean account"),
            std::string::npos)
      << planned.output;
  spec = FleetSpec{};
  spec.region = "nyc2";  // exists, takes no new droplets
  write_spec(spec);
  planned = run({"plan"});
  EXPECT_EQ(planned.exit_code, 1);
  EXPECT_NE(planned.output.find("region \"nyc2\" does not accept new droplets"), std::string::npos) << planned.output;
  spec.region = "fra2";
  write_spec(spec);
  planned = run({"plan"});
  EXPECT_NE(planned.output.find("region \"fra2\" is not a DigitalOcean region (did you mean \"fra1\"?)"),
            std::string::npos)
      << planned.output;
  EXPECT_EQ(snapshot()["droplets"].size(), 0u);
}

TEST_F(DoCli, ApplyThenNoChangesAndNoSecretsPrinted) {
  write_spec(FleetSpec{});
  CliRun applied = run({"apply", "--auto-approve"});
  ASSERT_EQ(applied.exit_code, 0) << applied.output;
  EXPECT_NE(applied.output.find("Apply complete! Resources: 16 added, 0 changed, 0 destroyed."), std::string::npos);
  CliRun planned = run({"plan", "--detailed-exitcode"});
  EXPECT_EQ(planned.exit_code, 0) << planned.output;
  EXPECT_NE(planned.output.find("No changes."), std::string::npos);
  CliRun as_json = run({"plan", "--json"});
  for (const auto& text : {applied.output, planned.output, as_json.output, read_file(state_path_)}) {
    EXPECT_EQ(text.find(kTestToken), std::string::npos);
    for (int i = 0; i < 3; ++i) {
      std::string key = node_key("node-" + std::to_string(i));
      EXPECT_EQ(text.find(key), std::string::npos);
    }
  }
  CliRun status = run({"status", "--json"});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("\"state\": \"running\""), std::string::npos) << status.output;
}

// apply killed with SIGKILL after a varying number of requests (spread over a whole apply,
// jittered), then apply again: it must finish, and the fake must hold exactly what the state says.
// `prepare` sets up a fresh fake (and spec) before each kill. A whole apply takes a few requests
// more or less from run to run (parallel workers poll for droplets), so the last points may come
// after the end; they are not counted. Returns after how many requests apply was killed, each time
// (on a loaded machine a kill can land a request or two late, so two points may coincide).
std::vector<long> DoCli::kill_and_recover(const FleetSpec& spec, const std::function<void()>& prepare, long whole,
                                       int points, unsigned seed) {
  std::mt19937 random(seed);
  std::vector<long> killed_at;
  for (int point = 1; point <= points; ++point) {
    TearDown();
    SetUp();
    prepare();
    long target = whole * point / (points + 1) + static_cast<long>(random() % 4);
    long at = apply_killed_after(target);
    SCOPED_TRACE("killed after " + std::to_string(at) + " requests (aimed at " + std::to_string(target) + ")");
    if (at < 0) continue;
    killed_at.push_back(at);
    CliRun again = run({"apply", "--auto-approve"});
    EXPECT_EQ(again.exit_code, 0) << again.output;
    if (std::getenv("WAKUFLEET_TEST_VERBOSE")) std::cerr << "killed at " << at << "/" << whole << ":\n" << again.output;
    expect_fake_matches_state(spec.nodes);
    CliRun planned = run({"plan", "--detailed-exitcode"});
    EXPECT_EQ(planned.exit_code, 0) << planned.output;
  }
  return killed_at;
}

TEST_F(DoCli, ApplyKilledAtRandomPointsConvergesOnTheNextApply) {
  FleetSpec spec;
  write_spec(spec);
  ASSERT_NO_FATAL_FAILURE(apply_ok());
  const long whole = fake_->total_requests();
  ASSERT_GT(whole, 40);
  auto killed_at = kill_and_recover(spec, [&] { write_spec(spec); }, whole, 14, 20240611);
  EXPECT_GE(killed_at.size(), 10u);
}

// The same for a rolling replacement (a node setting changed): killed while droplets are being
// created, stopped, stripped of their volume and address, or deleted.
TEST_F(DoCli, ReplacementKilledAtRandomPointsConvergesOnTheNextApply) {
  FleetSpec before;
  FleetSpec after = before;
  after.max_connections = 70;
  auto prepare = [&] {
    write_spec(before);
    apply_ok();
    write_spec(after);
    fake_->reset_stats();
  };
  prepare();
  ASSERT_NO_FATAL_FAILURE(apply_ok());
  const long whole = fake_->total_requests();
  auto killed_at = kill_and_recover(after, prepare, whole, 10, 7);
  EXPECT_GE(killed_at.size(), 8u);
}

}  // namespace
}  // namespace wakufleet::providers::digitalocean::testing
