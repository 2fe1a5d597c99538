// Process boundary: running tools (s6-svc, knotc...) and starting long-lived daemons.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace wakufleet::util {

struct ProcessResult {
  int exit_code = 0;   // 128+signal when killed by a signal
  std::string output;  // stdout and stderr together
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Runs argv[0] (searched in PATH) to completion; an error only when it cannot be started or
  // it outlives `timeout` (it is then killed).
  virtual Result<ProcessResult> run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) = 0;
  // Starts a daemon in its own session, detached from us (it outlives wakufleet), with stdin
  // from /dev/null and stdout/stderr appended to `log_path`. Returns its pid.
  virtual Result<long> spawn_detached(const std::vector<std::string>& argv, const std::string& log_path) = 0;
};

std::unique_ptr<ProcessRunner> make_process_runner();

// Facts about live processes, read from /proc.
bool process_alive(long pid);
std::string process_command_line(long pid);  // argv joined by spaces; empty when gone

// True when `name` is an executable in PATH (or an executable path).
bool have_program(const std::string& name);

}  // namespace wakufleet::util
