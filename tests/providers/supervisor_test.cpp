// The s6 supervision tree with real s6 (Debian package s6) and a stand-in service (sleep):
// restart on crash, restart counting, clean stop, removal, and repair after s6-svscan is killed.
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "providers/local/supervisor.hpp"
#include "util/process.hpp"

namespace wakufleet::providers::local {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/wakufleet-s6-XXXXXX";
    root_ = mkdtemp(pattern);
    spec::Fleet fleet;
    fleet.name = "s6test";
    fleet.target.local.data_dir = root_;
    layout_ = *Layout::make(fleet, "/");
    supervisor_.emplace(*runner_, layout_);
    ASSERT_TRUE(supervisor_->ensure_running().ok());
  }

  void TearDown() override {
    (void)supervisor_->shut_down();
    fs::remove_all(root_);
  }

  ServiceFiles sleeper() const {
    std::string counter = layout_.root() + "/restarts";
    return ServiceFiles{"#!/bin/sh\nexec sleep 600\n",
                        "#!/bin/sh\n[ \"$(s6-svstat -o wantedup .)\" = true ] && echo x >> '" + counter + "'\nexit 0\n",
                        "#!/bin/sh\nexec s6-log -b n2 s100000 '" + layout_.root() + "/log'\n", 2000};
  }

  // A restart includes s6's one-second pause for a service that was up less than a second.
  ServiceStatus wait_up_with_new_pid(const std::string& name, long old_pid) {
    auto deadline = std::chrono::steady_clock::now() + 15s;
    ServiceStatus status;
    while (std::chrono::steady_clock::now() < deadline) {
      status = supervisor_->status(name);
      if (status.up && status.pid != old_pid) break;
      std::this_thread::sleep_for(20ms);
    }
    return status;
  }

  // s6 reports a service up as soon as it has forked it: the run script may still be on its way to
  // exec'ing the command (its command line reads "/bin/sh ./run", or nothing in the middle of exec).
  static std::string command_line_once_execed(long pid, const std::string& expected) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    std::string line = util::process_command_line(pid);
    while (line != expected && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
      line = util::process_command_line(pid);
    }
    return line;
  }

  int restarts() const {
    std::ifstream in(layout_.root() + "/restarts");
    int lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  }

  std::string root_;
  std::unique_ptr<util::ProcessRunner> runner_ = util::make_process_runner();
  Layout layout_ = *Layout::make(spec::Fleet{}, "/");
  std::optional<Supervisor> supervisor_;
};

TEST_F(SupervisorTest, InstalledServiceRunsAndIsRestartedAfterKillNine) {
  ASSERT_TRUE(supervisor_->install("svc", sleeper()).ok());
  ServiceStatus first = wait_up_with_new_pid("svc", 0);
  ASSERT_TRUE(first.up);
  ASSERT_GT(first.pid, 0);
  EXPECT_EQ(command_line_once_execed(first.pid, "sleep 600"), "sleep 600");

  ::kill(static_cast<pid_t>(first.pid), SIGKILL);
  ServiceStatus second = wait_up_with_new_pid("svc", first.pid);
  EXPECT_TRUE(second.up);
  EXPECT_NE(second.pid, first.pid);
  EXPECT_EQ(restarts(), 1);  // counted by finish, because the service was still wanted up
}

TEST_F(SupervisorTest, RemoveStopsTheServiceAndForgetsIt) {
  ASSERT_TRUE(supervisor_->install("svc", sleeper()).ok());
  long pid = wait_up_with_new_pid("svc", 0).pid;
  ASSERT_TRUE(supervisor_->remove("svc").ok());
  EXPECT_FALSE(util::process_alive(pid));
  EXPECT_FALSE(supervisor_->installed("svc"));
  EXPECT_FALSE(supervisor_->status("svc").supervised);
  EXPECT_EQ(restarts(), 0);  // a requested stop is not a restart
}

TEST_F(SupervisorTest, InstallingAgainRestartsWithTheNewRunScript) {
  ASSERT_TRUE(supervisor_->install("svc", sleeper()).ok());
  long pid = wait_up_with_new_pid("svc", 0).pid;
  ServiceFiles changed = sleeper();
  changed.run = "#!/bin/sh\nexec sleep 601\n";
  ASSERT_TRUE(supervisor_->install("svc", changed).ok());
  ServiceStatus status = wait_up_with_new_pid("svc", pid);
  ASSERT_TRUE(status.up);
  EXPECT_EQ(command_line_once_execed(status.pid, "sleep 601"), "sleep 601");
}

TEST_F(SupervisorTest, KilledScannerIsReportedAndRepaired) {
  ASSERT_TRUE(supervisor_->install("svc", sleeper()).ok());
  long service_pid = wait_up_with_new_pid("svc", 0).pid;
  auto scanner = supervisor_->scanner_pid();
  ASSERT_TRUE(scanner.has_value());
  ::kill(static_cast<pid_t>(*scanner), SIGKILL);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (supervisor_->scanner_pid() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(supervisor_->scanner_pid().has_value());

  auto repaired = supervisor_->ensure_running();
  ASSERT_TRUE(repaired.ok()) << repaired.error().message;
  EXPECT_NE(*repaired, *scanner);
  ServiceStatus status = wait_up_with_new_pid("svc", service_pid);
  EXPECT_TRUE(status.up);
  // Exactly one supervisor watches the service again, under the new scanner.
  auto supervised = runner_->run({"s6-svok", layout_.service_dir("svc")}, 5s);
  ASSERT_TRUE(supervised.ok());
  EXPECT_EQ(supervised->exit_code, 0);
}

TEST_F(SupervisorTest, ShutDownStopsEverything) {
  ASSERT_TRUE(supervisor_->install("svc", sleeper()).ok());
  long pid = wait_up_with_new_pid("svc", 0).pid;
  long scanner = *supervisor_->scanner_pid();
  ASSERT_TRUE(supervisor_->shut_down().ok());
  EXPECT_FALSE(util::process_alive(pid));
  EXPECT_FALSE(util::process_alive(scanner));
  EXPECT_FALSE(supervisor_->scanner_pid().has_value());
}

}  // namespace
}  // namespace wakufleet::providers::local
