// The fake's behaviour around the model: its clock, the rate-limit budget, fault drawing and
// request statistics. Thread-safe; shared by all of the server's handler threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "fakes/do_api/fake_do.hpp"

namespace wakufleet::fakes::do_api {

enum class Fault { none, rate_limited, server_error, service_unavailable, timeout, applied_server_error, applied_timeout, locked, action_errored };

struct RateState {
  bool allowed = true;
  long limit = 0;
  long remaining = 0;
  long reset_epoch = 0;
  long retry_after = 0;  // seconds, when not allowed
};

class Control {
 public:
  Control(long ratelimit_limit, std::chrono::seconds window);

  std::chrono::system_clock::time_point now() const;
  void advance(std::chrono::milliseconds by);

  void set_faults(const FaultConfig& faults);
  FaultConfig faults() const;
  // The fault for the next request (`action`: it is a POST .../actions).
  Fault draw(const std::string& method, bool action);

  // Spends one request of the budget (or refuses); `peek` only reads it.
  RateState take();
  RateState peek();
  void set_rate_limit(long remaining, std::chrono::seconds reset_in);

  void count(const std::string& key);
  nlohmann::json stats() const;
  long requests(const std::string& key) const;
  long total() const;
  void reset_stats();
  std::string next_request_id();

 private:
  void roll_window();
  RateState state(bool allowed) const;

  mutable std::mutex mutex_;
  std::atomic<std::int64_t> offset_ms_{0};  // read without the lock by the model's clock
  FaultConfig faults_;
  std::mt19937_64 random_{1};
  std::size_t script_at_ = 0;
  long limit_;
  std::chrono::seconds window_;
  long remaining_;
  std::chrono::system_clock::time_point reset_at_;
  std::map<std::string, long> requests_;
  std::map<std::string, long> fault_counts_;
  long total_ = 0;
  std::uint64_t request_ids_ = 0;
};

}  // namespace wakufleet::fakes::do_api
