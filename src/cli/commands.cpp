// The commands: each one is a short list of named steps (see steps.hpp).
#include <unistd.h>

#include "cli/app.hpp"
#include "cli/logs_command.hpp"
#include "cli/steps.hpp"
#include "spec/parse.hpp"
#include "util/text.hpp"

namespace wakufleet::cli {

using nlohmann::json;

namespace {

const OptionSpec kFile{"file", 'f', "PATH", "the fleet spec", "fleet.toml"};
const OptionSpec kState{"state", 0, "PATH", "the state file (default: the spec's path with .state.json)", ""};
const OptionSpec kJson{"json", 0, "", "print JSON instead of text", ""};
const OptionSpec kAutoApprove{"auto-approve", 0, "", "do not ask for confirmation", ""};
const OptionSpec kLockTimeout{"lock-timeout", 0, "DURATION", "how long to wait for another run's lock", "0s"};
const OptionSpec kParallelism{"parallelism", 0, "N", "how many resources to change at once", "4"};
const OptionSpec kNoColor{"no-color", 0, "", "plain output even on a terminal (as NO_COLOR does)", ""};
const OptionSpec kHelp{"help", 'h', "", "show this help", ""};

void print_plan(const engine::Plan& plan, const Args& args, Io& io) {
  if (args.has("json")) {
    io.out << engine::render_json(plan).dump(2) << "\n";
  } else {
    io.out << engine::render_text(plan, io.color);
  }
}

int cmd_validate(const Args& args, Io& io) {
  Session session;
  if (!load_spec(args, io, session)) return 1;
  io.out << session.spec_path << ": valid (fleet '" << session.fleet.name << "', " << session.fleet.nodes.size()
         << (session.fleet.nodes.size() == 1 ? " node" : " nodes") << ")\n";
  return 0;
}

int cmd_plan(const Args& args, Io& io) {
  Session session;
  if (!load_spec(args, io, session) || !open_provider(args, io, session) || !check_environment(io, session) ||
      !take_lock(args, io, session, "plan") || !load_state(io, session)) {
    return 1;
  }
  auto mode = args.has("destroy") ? engine::PlanMode::Destroy : engine::PlanMode::Converge;
  auto plan = make_plan(io, session, mode);
  if (!plan) return 1;
  print_plan(*plan, args, io);
  return args.has("detailed-exitcode") && !plan->empty() ? 2 : 0;
}

int converge(const Args& args, Io& io, engine::PlanMode mode) {
  const char* operation = mode == engine::PlanMode::Destroy ? "destroy" : "apply";
  Session session;
  if (!load_spec(args, io, session) || !open_provider(args, io, session) || !check_environment(io, session) ||
      !take_lock(args, io, session, operation) || !load_state(io, session)) {
    return 1;
  }
  auto plan = make_plan(io, session, mode);
  if (!plan) return 1;
  print_plan(*plan, args, io);
  if (plan->empty()) return 0;
  std::string question = mode == engine::PlanMode::Destroy ? "Do you really want to destroy the whole fleet?"
                                                           : "Do you want to perform these actions?";
  if (!confirm(args, io, question)) return 1;
  io.out << "\n";
  if (!apply_plan(args, io, session, *plan)) return 1;
  io.out << "\n" << (mode == engine::PlanMode::Destroy ? "Destroy complete! " : "Apply complete! ")
         << "Resources: " << plan->to_add << " added, " << plan->to_change << " changed, " << plan->to_destroy
         << " destroyed.\n";
  return 0;
}

int cmd_apply(const Args& args, Io& io) { return converge(args, io, engine::PlanMode::Converge); }
int cmd_destroy(const Args& args, Io& io) { return converge(args, io, engine::PlanMode::Destroy); }

std::string cell(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "-";
  return value.dump();
}

void print_status_table(const json& status, Io& io) {
  const std::vector<std::string> columns = {"name",     "address", "state",  "peers",  "messages",
                                            "stored",   "restarts", "uptime", "peer_id"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& node : status.value("nodes", json::array())) {
    std::vector<std::string> row;
    for (const auto& column : columns) row.push_back(cell(node.value(column, json(nullptr))));
    rows.push_back(row);
  }
  std::vector<std::size_t> widths;
  for (const auto& column : columns) widths.push_back(column.size());
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::string text = row[i];
      if (i + 1 < row.size()) text += std::string(widths[i] - row[i].size() + 2, ' ');
      io.out << text;
    }
    io.out << "\n";
  };
  std::vector<std::string> header;
  for (const auto& column : columns) header.push_back(util::join(util::split(column, '_'), " "));
  for (auto& title : header) {
    for (auto& c : title) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  print_row(header);
  for (const auto& row : rows) print_row(row);
  for (const auto& [key, value] : status.items()) {
    if (key != "nodes" && key != "resources" && !value.is_object() && !value.is_array()) {
      io.out << key << ": " << cell(value) << "\n";
    }
  }
}

int cmd_status(const Args& args, Io& io) {
  Session session;
  if (!load_spec(args, io, session) || !open_provider(args, io, session) || !load_state(io, session)) return 1;
  auto status = session.provider->status(session.fleet, session.state);
  if (!status) {
    io.err << error_prefix(io) << status.error().message << "\n";
    return 1;
  }
  if (args.has("json")) {
    io.out << status->dump(2) << "\n";
  } else {
    print_status_table(*status, io);
  }
  return 0;
}

int cmd_force_unlock(const Args& args, Io& io) {
  if (args.positional.size() != 1) {
    io.err << error_prefix(io) << "force-unlock takes the lock id, as printed by the run that holds it\n";
    return 1;
  }
  std::string spec_path = args.has("file") ? args.get("file") : "fleet.toml";
  std::string state_path = state_path_for(args, spec_path);
  auto unlocked = state::force_unlock(state_path, args.positional[0]);
  if (!unlocked) {
    io.err << error_prefix(io) << unlocked.error().message << "\n";
    return 1;
  }
  io.out << "The lock " << args.positional[0] << " on " << state_path << " was removed.\n";
  return 0;
}

int cmd_version(const Args& args, Io& io) {
  if (args.has("json")) {
    io.out << json{{"wakufleet", "0.1.0"}, {"go_waku", spec::pinned_waku_versions()}}.dump() << "\n";
  } else {
    io.out << "wakufleet 0.1.0 (go-waku " << util::join(spec::pinned_waku_versions(), ", ") << ")\n";
  }
  return 0;
}

int cmd_help(const Args& args, Io& io);

const std::vector<Command> kCommands = {
    {"validate", "check a fleet spec and report every error", "wakufleet validate [-f fleet.toml]",
     "Parses and validates the spec without touching anything. Every problem is reported as\n"
     "file:line:col with the offending line; the exit code is 1 when there is any.",
     {kFile, kNoColor, kHelp}, cmd_validate},
    {"plan", "show what apply would change", "wakufleet plan [-f fleet.toml] [--json] [--detailed-exitcode]",
     "Refreshes the fleet's real state and shows the difference with the spec, resource by resource.\n"
     "With --detailed-exitcode: 0 no changes, 1 error, 2 changes present.",
     {kFile, kState, kJson, {"detailed-exitcode", 0, "", "exit 2 when there are changes", ""},
      {"destroy", 0, "", "plan the destruction of the whole fleet", ""}, kLockTimeout, kNoColor, kHelp},
     cmd_plan},
    {"apply", "make the fleet match the spec", "wakufleet apply [-f fleet.toml] [--auto-approve]",
     "Plans, asks for confirmation (or takes --auto-approve), then converges: resources are changed in\n"
     "dependency order, several at once, and the state is saved after each one.",
     {kFile, kState, kJson, kAutoApprove, kLockTimeout, kParallelism, kNoColor, kHelp}, cmd_apply},
    {"destroy", "remove every resource of the fleet",
     "wakufleet destroy [-f fleet.toml] [--auto-approve] [--keep-data] [--destroy-volumes]",
     "Removes everything apply created, in reverse dependency order.",
     {kFile, kState, kJson, kAutoApprove, kLockTimeout, kParallelism,
      {"keep-data", 0, "", "keep node data (keys, store databases, volumes)", ""},
      {"destroy-volumes", 0, "", "digitalocean: also delete the nodes' volumes (store data, node keys)", ""}, kNoColor,
      kHelp},
     cmd_destroy},
    {"status", "show the fleet's nodes and their health", "wakufleet status [-f fleet.toml] [--json]",
     "Shows every node: address, state, peers, restarts, uptime and peer id.",
     {kFile, kState, kJson, kNoColor, kHelp}, cmd_status},
    {"logs", "show the fleet's logs (filter by node, level, time, text; --follow)",
     "wakufleet logs [-f fleet.toml] [--node N] [--level warn] [--since 10m] [--grep TEXT] [--follow]",
     "Shows the newest lines of the fleet's log index, oldest first, as kubectl logs and journalctl do.\n"
     "The index is kept by the fleet's log collector service, which follows every node's rotated logs.",
     logs_options(), cmd_logs},
    {"__collect-logs", "collect the fleet's logs into its index (the collector service)",
     "wakufleet __collect-logs FLEET_DATA_DIR", "Run by the fleet's s6 service; not meant to be run by hand.",
     {kHelp}, cmd_collect_logs, true},
    {"force-unlock", "remove a stale state lock", "wakufleet force-unlock LOCK_ID [-f fleet.toml]",
     "Removes the lock information left by a run that died. Refuses while the holder is alive.",
     {kFile, kState, kHelp}, cmd_force_unlock},
    {"version", "print the version", "wakufleet version [--json]", "Prints wakufleet's version and the go-waku versions it runs.",
     {kJson, kHelp}, cmd_version},
    {"help", "show help for a command", "wakufleet help [COMMAND]", "Shows the list of commands, or one command's help.",
     {kHelp}, cmd_help},
};

void print_overview(Io& io) {
  io.out << "wakufleet: deploy and operate fleets of Waku nodes from a declarative spec.\n\n"
            "Usage: wakufleet COMMAND [options]\n\nCommands:\n";
  for (const auto& command : kCommands) {
    if (command.hidden) continue;
    io.out << "  " << command.name << std::string(14 - command.name.size(), ' ') << command.summary << "\n";
  }
  io.out << "\nRun 'wakufleet help COMMAND' for a command's options.\n";
}

void print_command_help(const Command& command, Io& io) {
  io.out << "Usage: " << command.usage << "\n\n" << command.description << "\n\nOptions:\n";
  for (const auto& option : command.options) {
    std::string left = "  ";
    left += option.short_name ? std::string("-") + option.short_name + ", " : "    ";
    left += "--" + option.long_name + (option.value_name.empty() ? "" : " " + option.value_name);
    io.out << left << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << option.help;
    if (!option.default_value.empty()) io.out << " (default: " << option.default_value << ")";
    io.out << "\n";
  }
}

const Command* find_command(const std::string& name) {
  for (const auto& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

int unknown_command(const std::string& name, Io& io) {
  std::vector<std::string> names;
  for (const auto& command : kCommands) {
    if (!command.hidden) names.push_back(command.name);
  }
  io.err << error_prefix(io) << "unknown command '" << name << "'";
  if (auto close = util::closest_match(name, names)) io.err << "; did you mean '" << *close << "'?";
  io.err << "\nRun 'wakufleet help' for the list of commands.\n";
  return 1;
}

int cmd_help(const Args& args, Io& io) {
  if (args.positional.empty()) {
    print_overview(io);
    return 0;
  }
  const Command* command = find_command(args.positional[0]);
  if (!command) return unknown_command(args.positional[0], io);
  print_command_help(*command, io);
  return 0;
}

}  // namespace

const std::vector<Command>& commands() { return kCommands; }

int run(const std::vector<std::string>& words, Io& io) {
  if (words.empty() || words[0] == "--help" || words[0] == "-h") {
    print_overview(io);
    return words.empty() ? 1 : 0;
  }
  if (words[0] == "--version") return cmd_version(Args{}, io);
  const Command* command = find_command(words[0]);
  if (!command) return unknown_command(words[0], io);
  auto args = parse_args({words.begin() + 1, words.end()}, command->options, command->name);
  if (!args) {
    io.err << error_prefix(io) << args.error().message << "\n";
    return 1;
  }
  if (args->has("help")) {
    print_command_help(*command, io);
    return 0;
  }
  if (args->has("no-color")) io.color = false;
  return command->run(*args, io);
}

Io process_io() {
  bool out_tty = isatty(STDOUT_FILENO) != 0;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  bool color = out_tty && (no_color == nullptr || *no_color == '\0') && !(term && std::string(term) == "dumb");
  return Io{std::cout, std::cerr, color, out_tty && isatty(STDIN_FILENO) != 0};
}

}  // namespace wakufleet::cli
