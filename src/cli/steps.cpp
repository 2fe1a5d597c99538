#include "cli/steps.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>

#include "spec/parse.hpp"
#include "util/text.hpp"

namespace wakufleet::cli {

namespace fs = std::filesystem;

std::string error_prefix(const Io& io) { return io.color ? "\033[1;31merror:\033[0m " : "error: "; }

std::string state_path_for(const Args& args, const std::string& spec_path) {
  if (args.has("state")) return args.get("state");
  fs::path path(spec_path);
  if (path.extension() == ".toml") path.replace_extension();
  return path.string() + ".state.json";
}

bool load_spec(const Args& args, Io& io, Session& session) {
  session.spec_path = args.has("file") ? args.get("file") : "fleet.toml";
  auto parsed = spec::load_fleet(session.spec_path);
  if (!parsed.ok()) {
    std::string source;
    if (std::ifstream in{session.spec_path, std::ios::binary}) source.assign(std::istreambuf_iterator<char>(in), {});
    io.err << spec::render_all(parsed.diagnostics, source, io.color);
    io.err << parsed.diagnostics.size() << (parsed.diagnostics.size() == 1 ? " error" : " errors") << " in "
           << session.spec_path << "; nothing was changed.\n";
    return false;
  }
  session.fleet = std::move(parsed.fleet);
  session.state_path = state_path_for(args, session.spec_path);
  return true;
}

bool open_provider(const Args& args, Io& io, Session& session) {
  providers::Context context;
  context.spec_dir = fs::absolute(session.spec_path).parent_path().string();
  context.state_path = fs::absolute(session.state_path).string();
  context.keep_data = args.has("keep-data");
  context.destroy_volumes = args.has("destroy-volumes");
  std::string kind = session.fleet.target.kind == spec::TargetKind::Local ? "local" : "digitalocean";
  auto provider = providers::make_provider(kind, context);
  if (!provider) {
    io.err << error_prefix(io) << provider.error().message << "\n";
    return false;
  }
  session.provider = std::move(*provider);
  return true;
}

bool check_environment(Io& io, Session& session) {
  auto checked = session.provider->check(session.fleet);
  if (!checked) {
    io.err << error_prefix(io) << checked.error().message << "\n";
    return false;
  }
  for (const auto& note : session.provider->notes()) io.err << "note: " << note << "\n";
  return true;
}

bool take_lock(const Args& args, Io& io, Session& session, const std::string& operation) {
  auto timeout = util::parse_duration_seconds(args.get("lock-timeout"));
  if (!timeout) {
    io.err << error_prefix(io) << "--lock-timeout takes a duration such as 30s or 5m\n";
    return false;
  }
  auto lock = state::Lock::acquire(session.state_path, operation, std::chrono::seconds(*timeout));
  if (!lock) {
    io.err << error_prefix(io) << lock.error().message << "\n";
    return false;
  }
  session.lock = std::move(*lock);
  return true;
}

bool load_state(Io& io, Session& session) {
  auto loaded = state::load(session.state_path);
  if (!loaded) {
    io.err << error_prefix(io) << loaded.error().message << "\n";
    return false;
  }
  session.state = std::move(*loaded);
  // An empty state (never applied, or destroyed) can serve any fleet.
  if (session.state.lineage.empty() || session.state.resources.empty()) {
    session.state.fleet = session.fleet.name;
    session.state.target = session.provider->name();
  } else if (session.state.fleet != session.fleet.name || session.state.target != session.provider->name()) {
    io.err << error_prefix(io) << "state " << session.state_path << " belongs to fleet '" << session.state.fleet
           << "' on target '" << session.state.target << "', but the spec describes fleet '" << session.fleet.name
           << "' on '" << session.provider->name() << "'; destroy the old fleet first, or pass --state PATH\n";
    return false;
  }
  return true;
}

std::optional<engine::Plan> make_plan(Io& io, Session& session, engine::PlanMode mode) {
  auto plan = engine::refresh_and_plan(*session.provider, session.fleet, session.state, mode);
  if (!plan) {
    io.err << error_prefix(io) << plan.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*plan);
}

bool confirm(const Args& args, Io& io, const std::string& question) {
  if (args.has("auto-approve")) return true;
  if (!io.interactive) {
    io.err << error_prefix(io) << "not running in a terminal, so there is no one to confirm; pass --auto-approve\n";
    return false;
  }
  io.out << question << "\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (util::trim(answer) == "yes") return true;
  io.err << "Cancelled; nothing was changed.\n";
  return false;
}

namespace {

std::string seconds_text(std::chrono::milliseconds elapsed) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(elapsed.count()) / 1000.0);
  return text;
}

const char* verb_ing(engine::Action action) {
  switch (action) {
    case engine::Action::Create: return "Creating...";
    case engine::Action::Update: return "Modifying...";
    case engine::Action::Replace: return "Replacing...";
    case engine::Action::Delete: return "Destroying...";
  }
  return "";
}

const char* verb_done(engine::Action action) {
  switch (action) {
    case engine::Action::Create: return "Creation complete";
    case engine::Action::Update: return "Modifications complete";
    case engine::Action::Replace: return "Replacement complete";
    case engine::Action::Delete: return "Destruction complete";
  }
  return "";
}

// Plain progress lines, one per event: readable in a terminal and in CI logs alike.
class LineReporter : public engine::Reporter {
 public:
  explicit LineReporter(Io& io) : io_(io) {}
  void started(const engine::Change& change) override { line(change.address, verb_ing(change.action)); }
  void progress(const std::string& address, const std::string& message) override { line(address, message); }
  void finished(const engine::Change& change, std::chrono::milliseconds elapsed) override {
    line(change.address, std::string(verb_done(change.action)) + " after " + seconds_text(elapsed));
  }
  void failed(const engine::Change& change, const std::string& error) override {
    io_.err << bold(change.address) << ": " << error_prefix(io_) << error << "\n" << std::flush;
  }

 private:
  std::string bold(const std::string& text) const { return io_.color ? "\033[1m" + text + "\033[0m" : text; }
  void line(const std::string& address, const std::string& message) {
    io_.out << bold(address) << ": " << message << "\n" << std::flush;
  }
  Io& io_;
};

}  // namespace

bool apply_plan(const Args& args, Io& io, Session& session, const engine::Plan& plan) {
  engine::ApplyOptions options;
  if (args.has("parallelism")) options.parallelism = std::max(1, std::atoi(args.get("parallelism").c_str()));
  LineReporter reporter(io);
  std::string state_path = session.state_path;
  engine::SaveFn save = [state_path](state::State& current) { return state::save(state_path, current); };
  auto outcome = engine::apply(*session.provider, plan, session.state, save, reporter, options);
  if (!outcome.ok()) {
    io.err << "\n" << error_prefix(io) << "apply failed; " << outcome.completed << " of " << plan.changes.size()
           << " changes were made and recorded in " << state_path << ", " << outcome.skipped
           << " not started. Fix the cause and run apply again: it continues from there.\n";
    for (const auto& message : outcome.errors) io.err << "  - " << message << "\n";
    return false;
  }
  return true;
}

}  // namespace wakufleet::cli
