// A stateful fake of DigitalOcean's API v2 for tests: an HTTP server on loopback (cpp-httplib)
// over an in-memory account. Embeddable (FakeDigitalOcean, on an ephemeral port) and standalone
// (do_api_server, see README.md). Beyond the endpoints it has:
//  - bearer-token auth, ratelimit-* headers on every answer and 429 when the budget is spent;
//  - deterministic injectable faults (429, 5xx, timeouts, 422 "pending event", and 5xx/timeouts
//    after the request was applied) to exercise retries and duplicate avoidance;
//  - request counts per method and path template ("GET /v2/droplets/{id}");
//  - a clock that tests can move forward together with the client's fake clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace wakufleet::fakes::do_api {

// Which requests fail, and how. Faults are drawn from a generator seeded with `seed`, so a client
// that sends the same requests in the same order meets the same faults. `script` is consumed
// first, one entry per request ("" for no fault), then each request fails with probability
// `rate`, with a kind picked from `kinds`:
//   "429"             rate limited (retry-after: retry_after_seconds); never applied
//   "500", "503"      server error before the request is applied
//   "timeout"         no answer for timeout_ms (past the client's timeout); not applied
//   "applied-500"     the request IS applied, then 500: the client does not learn the outcome
//   "applied-timeout" the request IS applied, then no answer for timeout_ms
//   "422"             on action requests: "Droplet already has a pending event."
//   "action-errored"  on action requests: accepted, but the action ends "errored"
// Only requests whose method is in `methods` are faulted (empty: all). /_fake/* never is.
struct FaultConfig {
  double rate = 0.0;
  std::vector<std::string> kinds;
  std::uint64_t seed = 1;
  std::vector<std::string> script;
  std::vector<std::string> methods;
  int retry_after_seconds = 2;
  int timeout_ms = 2000;

  static util::Result<FaultConfig> from_json(const nlohmann::json& object);
  nlohmann::json to_json() const;
};

struct FakeOptions {
  std::string token;  // the bearer token every /v2 request must carry
  int droplet_limit = 1000;
  int floating_ip_limit = 100;
  int volume_limit = 500;
  int reads_until_active = 3;      // reads of a new droplet before it is "active"
  int reads_until_public_ip = 2;   // further reads before its public IPv4 shows
  int polls_until_action_done = 2;
  long ratelimit_limit = 5000;     // requests per ratelimit_window
  std::chrono::seconds ratelimit_window{3600};
};

class FakeDigitalOcean {
 public:
  explicit FakeDigitalOcean(FakeOptions options);
  ~FakeDigitalOcean();
  FakeDigitalOcean(const FakeDigitalOcean&) = delete;
  FakeDigitalOcean& operator=(const FakeDigitalOcean&) = delete;

  // Binds host:port (port 0: an ephemeral one) and serves on a background thread.
  util::Result<void> start(const std::string& host = "127.0.0.1", int port = 0);
  void stop();
  int port() const;
  std::string url() const;  // "http://127.0.0.1:PORT"

  void set_faults(const FaultConfig& faults);
  // Sets the rate-limit budget: `remaining` requests until `reset_in` from the fake's now.
  void set_rate_limit(long remaining, std::chrono::seconds reset_in);
  // Moves the fake's clock (rate-limit windows, timestamps) forward.
  void advance_clock(std::chrono::milliseconds by);

  // {"total": N, "requests": {"GET /v2/droplets": 2, ...}, "faults": {"500": 1, ...}}
  nlohmann::json stats() const;
  long requests(const std::string& method_and_template) const;  // e.g. "POST /v2/droplets"
  long total_requests() const;
  void reset_stats();

  // Every resource (droplets, volumes, ...), rendered as the API renders them.
  nlohmann::json snapshot() const;
  // Seeds an active droplet with addresses, without a request (for tests that need hundreds).
  std::int64_t add_droplet(const std::string& name, const std::vector<std::string>& tags,
                           const std::string& region = "nyc3");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wakufleet::fakes::do_api
