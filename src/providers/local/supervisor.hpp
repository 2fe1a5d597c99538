// The local fleet's supervision tree, run by s6 (Debian package s6): one s6-svscan per fleet
// over the fleet's scan directory, one s6-supervise per node service, s6-log for rotation.
// This is the local counterpart of systemd on a droplet: restart on crash (s6 waits 1 s between
// rapid restarts), SIGTERM then SIGKILL after timeout-kill on stop, size-bounded rotated logs.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "providers/local/layout.hpp"
#include "util/process.hpp"
#include "util/result.hpp"

namespace wakufleet::providers::local {

struct ServiceFiles {
  std::string run;     // shell script started (and restarted) by s6-supervise
  std::string finish;  // runs after each exit
  std::string log_run; // the logger's run script
  int kill_timeout_ms = 10000;  // SIGTERM, then SIGKILL after this long
};

struct ServiceStatus {
  bool supervised = false;  // an s6-supervise watches it
  bool up = false;
  bool wanted_up = false;
  long pid = 0;
  long seconds = 0;  // how long it has been up (or down)
  int exit_code = -1;  // of the last exit, -1 when killed by a signal
  std::string signal;  // of the last exit, "NA" when none
};

class Supervisor {
 public:
  Supervisor(util::ProcessRunner& runner, const Layout& layout) : runner_(runner), layout_(layout) {}

  // The pid of the fleet's s6-svscan when it is alive.
  std::optional<long> scanner_pid() const;

  // Starts s6-svscan if it is not running. Supervisors orphaned by a killed s6-svscan are told
  // to stop their service and exit first, so that the new tree starts every node afresh.
  util::Result<long> ensure_running();

  // Stops every service and s6-svscan itself.
  util::Result<void> shut_down();

  // Writes the service directory (atomically: staged, then renamed into the scan directory)
  // and waits until s6 supervises it. An existing service gets the new run script and is
  // restarted.
  util::Result<void> install(const std::string& name, const ServiceFiles& files);
  util::Result<void> restart(const std::string& name);
  // Brings the service down (waiting for it), stops supervising it and removes its directory.
  util::Result<void> remove(const std::string& name);

  ServiceStatus status(const std::string& name) const;
  bool installed(const std::string& name) const;

 private:
  util::Result<void> rescan();
  util::Result<void> wait_supervised(const std::string& name, std::chrono::milliseconds timeout);
  int release_orphans();  // returns how many supervisors were told to exit
  void wait_all_up(std::chrono::milliseconds timeout);
  std::vector<std::string> service_names() const;

  util::ProcessRunner& runner_;
  Layout layout_;
};

}  // namespace wakufleet::providers::local
