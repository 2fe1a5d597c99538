#include "fakes/do_api/control.hpp"

#include <algorithm>
#include <cstdio>

namespace wakufleet::fakes::do_api {

namespace {

using json = nlohmann::json;

const std::map<std::string, Fault>& fault_names() {
  static const std::map<std::string, Fault> names = {
      {"429", Fault::rate_limited},       {"500", Fault::server_error},
      {"503", Fault::service_unavailable}, {"timeout", Fault::timeout},
      {"applied-500", Fault::applied_server_error}, {"applied-timeout", Fault::applied_timeout},
      {"422", Fault::locked},         {"action-errored", Fault::action_errored}};
  return names;
}

Fault fault_named(const std::string& name) {
  auto found = fault_names().find(name);
  return found == fault_names().end() ? Fault::none : found->second;
}

std::string name_of(Fault fault) {
  for (const auto& [name, value] : fault_names()) {
    if (value == fault) return name;
  }
  return "none";
}

std::vector<std::string> strings(const json& object, const char* key) {
  std::vector<std::string> out;
  if (object.contains(key) && object[key].is_array()) {
    for (const auto& item : object[key]) {
      if (item.is_string()) out.push_back(item);
    }
  }
  return out;
}

}  // namespace

util::Result<FaultConfig> FaultConfig::from_json(const json& object) {
  if (!object.is_object()) return util::fail("faults must be a JSON object");
  FaultConfig config;
  config.rate = object.value("rate", 0.0);
  config.kinds = strings(object, "kinds");
  config.seed = object.value("seed", std::uint64_t{1});
  config.script = strings(object, "script");
  config.methods = strings(object, "methods");
  config.retry_after_seconds = object.value("retry_after_seconds", 2);
  config.timeout_ms = object.value("timeout_ms", 2000);
  if (config.rate < 0 || config.rate > 1) return util::fail("rate must be between 0 and 1");
  for (const auto& kind : config.kinds) {
    if (fault_named(kind) == Fault::none) return util::fail("unknown fault kind \"" + kind + "\"");
  }
  for (const auto& kind : config.script) {
    if (!kind.empty() && fault_named(kind) == Fault::none) return util::fail("unknown fault kind \"" + kind + "\"");
  }
  if (config.rate > 0 && config.kinds.empty()) return util::fail("a fault rate needs kinds");
  return config;
}

json FaultConfig::to_json() const {
  return {{"rate", rate},       {"kinds", kinds},   {"seed", seed},
          {"script", script},   {"methods", methods}, {"retry_after_seconds", retry_after_seconds},
          {"timeout_ms", timeout_ms}};
}

Control::Control(long ratelimit_limit, std::chrono::seconds window)
    : limit_(ratelimit_limit),
      window_(window),
      remaining_(ratelimit_limit),
      reset_at_(std::chrono::ceil<std::chrono::seconds>(now() + window)) {}

std::chrono::system_clock::time_point Control::now() const {
  return std::chrono::system_clock::now() + std::chrono::milliseconds(offset_ms_.load());
}

void Control::advance(std::chrono::milliseconds by) {
  offset_ms_ += by.count();
}

void Control::set_faults(const FaultConfig& faults) {
  std::lock_guard lock(mutex_);
  faults_ = faults;
  random_.seed(faults.seed);
  script_at_ = 0;
}

FaultConfig Control::faults() const {
  std::lock_guard lock(mutex_);
  return faults_;
}

Fault Control::draw(const std::string& method, bool action) {
  std::lock_guard lock(mutex_);
  if (!faults_.methods.empty() &&
      std::find(faults_.methods.begin(), faults_.methods.end(), method) == faults_.methods.end()) {
    return Fault::none;
  }
  Fault fault = Fault::none;
  if (script_at_ < faults_.script.size()) {
    fault = fault_named(faults_.script[script_at_++]);
  } else if (faults_.rate > 0) {
    // Two draws per request whatever the outcome, so one request's fault never shifts the next's.
    double roll = std::uniform_real_distribution<double>(0, 1)(random_);
    std::size_t pick = std::uniform_int_distribution<std::size_t>(0, faults_.kinds.size() - 1)(random_);
    if (roll < faults_.rate) fault = fault_named(faults_.kinds[pick]);
  }
  // 422 "pending event" and errored actions only fit action requests.
  if ((fault == Fault::locked || fault == Fault::action_errored) && !action) fault = Fault::none;
  if (fault != Fault::none) ++fault_counts_[name_of(fault)];
  return fault;
}

// Resets fall on whole seconds, as the header tells them, so that a client waiting until the
// ratelimit-reset it was told finds the new window open.
static std::chrono::system_clock::time_point whole_second(std::chrono::system_clock::time_point at) {
  return std::chrono::ceil<std::chrono::seconds>(at);
}

void Control::roll_window() {
  if (now() >= reset_at_) {
    remaining_ = limit_;
    reset_at_ = whole_second(now() + window_);
  }
}

RateState Control::state(bool allowed) const {
  RateState out;
  out.allowed = allowed;
  out.limit = limit_;
  out.remaining = remaining_;
  out.reset_epoch = std::chrono::duration_cast<std::chrono::seconds>(reset_at_.time_since_epoch()).count();
  auto left = std::chrono::ceil<std::chrono::seconds>(reset_at_ - now()).count();
  out.retry_after = std::max<long>(1, left);
  return out;
}

RateState Control::take() {
  std::lock_guard lock(mutex_);
  roll_window();
  if (remaining_ <= 0) return state(false);
  --remaining_;
  return state(true);
}

RateState Control::peek() {
  std::lock_guard lock(mutex_);
  roll_window();
  return state(true);
}

void Control::set_rate_limit(long remaining, std::chrono::seconds reset_in) {
  std::lock_guard lock(mutex_);
  remaining_ = remaining;
  reset_at_ = whole_second(now() + reset_in);
}

void Control::count(const std::string& key) {
  std::lock_guard lock(mutex_);
  ++requests_[key];
  ++total_;
}

json Control::stats() const {
  std::lock_guard lock(mutex_);
  return {{"total", total_}, {"requests", requests_}, {"faults", fault_counts_}};
}

long Control::requests(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto found = requests_.find(key);
  return found == requests_.end() ? 0 : found->second;
}

long Control::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

void Control::reset_stats() {
  std::lock_guard lock(mutex_);
  requests_.clear();
  fault_counts_.clear();
  total_ = 0;
}

// UUID-shaped like DigitalOcean's, and unique per fake.
std::string Control::next_request_id() {
  std::lock_guard lock(mutex_);
  char text[40];
  std::snprintf(text, sizeof text, "fa4e0000-0000-4000-8000-%012llx", static_cast<unsigned long long>(++request_ids_));
  return text;
}

}  // namespace wakufleet::fakes::do_api
