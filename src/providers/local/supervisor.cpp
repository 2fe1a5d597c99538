#include "providers/local/supervisor.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "util/files.hpp"
#include "util/text.hpp"

namespace wakufleet::providers::local {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr auto kToolTimeout = 15s;

const fs::perms kExecutable = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec;
const fs::perms kPrivate = fs::perms::owner_read | fs::perms::owner_write;

util::Result<void> write_service(const fs::path& dir, const ServiceFiles& files) {
  std::error_code error;
  fs::create_directories(dir / "log", error);
  if (error) return util::fail("cannot create " + dir.string() + ": " + error.message());
  for (auto written : {util::write_file_atomically((dir / "run").string(), files.run, kExecutable), util::write_file_atomically((dir / "finish").string(), files.finish, kExecutable),
                       util::write_file_atomically((dir / "log" / "run").string(), files.log_run, kExecutable),
                       util::write_file_atomically((dir / "timeout-kill").string(), std::to_string(files.kill_timeout_ms) + "\n", kPrivate)}) {
    if (!written) return written;
  }
  return {};
}

long read_number(const std::string& path) {
  std::ifstream in(path);
  long value = 0;
  in >> value;
  return in ? value : 0;
}

}  // namespace

std::optional<long> Supervisor::scanner_pid() const {
  long pid = read_number(layout_.root() + "/supervisor.pid");
  if (pid <= 0 || !util::process_alive(pid)) return std::nullopt;
  std::string command = util::process_command_line(pid);
  if (command.find("s6-svscan") == std::string::npos || command.find(layout_.scan_dir()) == std::string::npos) {
    return std::nullopt;  // the pid was reused by something else
  }
  return pid;
}

std::vector<std::string> Supervisor::service_names() const {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(layout_.scan_dir(), error)) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory() && name[0] != '.') names.push_back(name);
  }
  return names;
}

int Supervisor::release_orphans() {
  std::vector<std::string> waiting;
  for (const auto& name : service_names()) {
    for (const auto& dir : {layout_.service_dir(name), layout_.service_dir(name) + "/log"}) {
      auto alive = runner_.run({"s6-svok", dir}, kToolTimeout);
      if (alive && alive->exit_code == 0) {
        (void)runner_.run({"s6-svc", "-xd", dir}, kToolTimeout);
        waiting.push_back(dir);
      }
    }
  }
  auto deadline = std::chrono::steady_clock::now() + 15s;
  for (const auto& dir : waiting) {
    while (std::chrono::steady_clock::now() < deadline) {
      auto alive = runner_.run({"s6-svok", dir}, kToolTimeout);
      if (!alive || alive->exit_code != 0) break;
      std::this_thread::sleep_for(50ms);
    }
  }
  return static_cast<int>(waiting.size());
}

void Supervisor::wait_all_up(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& name : service_names()) {
    while (!status(name).up && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  }
}

util::Result<long> Supervisor::ensure_running() {
  if (auto pid = scanner_pid()) return *pid;
  std::error_code error;
  fs::create_directories(layout_.scan_dir(), error);
  if (error) return util::fail("cannot create " + layout_.scan_dir() + ": " + error.message());
  if (!util::have_program("s6-svscan")) {
    return util::fail("s6-svscan not found; install the Debian package s6 (scripts/deps.sh does)");
  }
  int released = release_orphans();
  auto pid = runner_.spawn_detached({"s6-svscan", layout_.scan_dir()}, layout_.supervisor_log());
  if (!pid) return pid.error();
  if (auto written = util::write_file_atomically(layout_.root() + "/supervisor.pid", std::to_string(*pid) + "\n", kPrivate); !written) {
    return written.error();
  }
  // s6-svscan creates .s6-svscan/control when it is ready to take commands.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!fs::exists(layout_.scan_dir() + "/.s6-svscan/control")) {
    if (std::chrono::steady_clock::now() > deadline || !util::process_alive(*pid)) {
      return util::fail("s6-svscan did not start; see " + layout_.supervisor_log());
    }
    std::this_thread::sleep_for(20ms);
  }
  // A repaired tree starts every service again: return once they run, as a fresh apply would.
  if (released > 0) wait_all_up(15s);
  return *pid;
}

util::Result<void> Supervisor::rescan() {
  auto scanned = runner_.run({"s6-svscanctl", "-a", layout_.scan_dir()}, kToolTimeout);
  if (!scanned) return scanned.error();
  if (scanned->exit_code != 0) return util::fail("s6-svscanctl -a failed: " + util::trim(scanned->output));
  return {};
}

util::Result<void> Supervisor::wait_supervised(const std::string& name, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto checked = runner_.run({"s6-svok", layout_.service_dir(name)}, kToolTimeout);
    if (checked && checked->exit_code == 0) return {};
    if (std::chrono::steady_clock::now() > deadline) {
      return util::fail("s6 did not pick up service " + name + "; see " + layout_.supervisor_log());
    }
    std::this_thread::sleep_for(20ms);
  }
}

util::Result<void> Supervisor::install(const std::string& name, const ServiceFiles& files) {
  if (installed(name)) {
    if (auto written = write_service(layout_.service_dir(name), files); !written) return written;
    return restart(name);
  }
  fs::path staged = layout_.root() + "/staging/" + name;
  std::error_code error;
  fs::remove_all(staged, error);
  if (auto written = write_service(staged, files); !written) return written;
  fs::rename(staged, layout_.service_dir(name), error);
  if (error) return util::fail("cannot install service " + name + ": " + error.message());
  if (auto scanned = rescan(); !scanned) return scanned;
  return wait_supervised(name, 10s);
}

util::Result<void> Supervisor::restart(const std::string& name) {
  auto restarted = runner_.run({"s6-svc", "-r", "-u", layout_.service_dir(name)}, kToolTimeout);
  if (!restarted) return restarted.error();
  if (restarted->exit_code != 0) return util::fail("s6-svc -r " + name + ": " + util::trim(restarted->output));
  return {};
}

util::Result<void> Supervisor::remove(const std::string& name) {
  std::string dir = layout_.service_dir(name);
  if (!fs::exists(dir)) return {};
  auto supervised = runner_.run({"s6-svok", dir}, kToolTimeout);
  if (supervised && supervised->exit_code == 0) {
    // -wD: wait until down and finish has run; -T bounds the wait (timeout-kill bounds the stop).
    auto stopped = runner_.run({"s6-svc", "-wD", "-T", "20000", "-d", dir}, 25s);
    if (!stopped) return stopped.error();
    (void)runner_.run({"s6-svc", "-x", dir}, kToolTimeout);
    // The logger never sees end-of-file (s6-svscan holds its pipe open): bring it down too.
    (void)runner_.run({"s6-svc", "-wD", "-T", "5000", "-xd", dir + "/log"}, 10s);
  }
  std::error_code error;
  fs::path parked = layout_.root() + "/staging/removed-" + name;
  fs::remove_all(parked, error);
  fs::rename(dir, parked, error);
  if (error) return util::fail("cannot remove service " + name + ": " + error.message());
  if (scanner_pid()) (void)runner_.run({"s6-svscanctl", "-an", layout_.scan_dir()}, kToolTimeout);
  fs::remove_all(parked, error);
  return {};
}

util::Result<void> Supervisor::shut_down() {
  for (const auto& name : service_names()) {
    if (auto removed = remove(name); !removed) return removed;
  }
  if (auto pid = scanner_pid()) {
    (void)runner_.run({"s6-svscanctl", "-t", layout_.scan_dir()}, kToolTimeout);
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (util::process_alive(*pid) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    if (util::process_alive(*pid)) ::kill(static_cast<pid_t>(*pid), SIGKILL);
  }
  std::error_code error;
  fs::remove(layout_.root() + "/supervisor.pid", error);
  return {};
}

bool Supervisor::installed(const std::string& name) const { return fs::exists(layout_.service_dir(name) + "/run"); }

ServiceStatus Supervisor::status(const std::string& name) const {
  ServiceStatus status;
  auto shown = runner_.run({"s6-svstat", "-o", "up,wantedup,pid,exitcode,signal,updownfor", layout_.service_dir(name)},
                           kToolTimeout);
  if (!shown || shown->exit_code != 0) return status;
  std::istringstream fields(shown->output);
  std::string up, wanted;
  fields >> up >> wanted >> status.pid >> status.exit_code >> status.signal >> status.seconds;
  status.supervised = true;
  status.up = up == "true";
  status.wanted_up = wanted == "true";
  return status;
}

}  // namespace wakufleet::providers::local
