// The `logs` command and the hidden `__collect-logs` service command.
#pragma once

#include <vector>

#include "cli/app.hpp"

namespace wakufleet::cli {

int cmd_logs(const Args& args, Io& io);
int cmd_collect_logs(const Args& args, Io& io);
std::vector<OptionSpec> logs_options();

}  // namespace wakufleet::cli
