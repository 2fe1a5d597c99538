// The command table and the entry point that main() calls.
#pragma once

#include <iostream>
#include <string>
#include <vector>

#include "cli/args.hpp"

namespace wakufleet::cli {

// Where a command writes, and how.
struct Io {
  std::ostream& out;
  std::ostream& err;
  bool color = false;        // ANSI colors (a terminal and NO_COLOR unset)
  bool interactive = false;  // stdin and stdout are terminals: we may ask for confirmation
};

struct Command {
  std::string name;
  std::string summary;      // one line for the command list
  std::string usage;        // e.g. "wakufleet plan [options]"
  std::string description;  // a paragraph for `wakufleet help NAME`
  std::vector<OptionSpec> options;
  int (*run)(const Args& args, Io& io);
  bool hidden = false;  // run by wakufleet itself (services), not listed in help
};

const std::vector<Command>& commands();

// Exit codes: 0 success, 1 error, 2 changes present (plan --detailed-exitcode).
int run(const std::vector<std::string>& words, Io& io);

// Io for the real process: detects terminals and NO_COLOR.
Io process_io();

}  // namespace wakufleet::cli
