// The HTTP layer under the DigitalOcean client: authentication, JSON, pagination, rate limiting,
// retries with exponential back-off, and error texts that show DigitalOcean's id, message and
// request_id but never the token.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "providers/digitalocean/clock.hpp"
#include "util/http.hpp"
#include "util/result.hpp"

namespace wakufleet::providers::digitalocean {

struct ClientOptions {
  // Attempts of one request when DigitalOcean answers 5xx or the request times out.
  int max_attempts = 6;
  std::chrono::milliseconds backoff_base{1000};  // doubled per attempt...
  std::chrono::milliseconds backoff_max{30000};  // ...up to this
  std::chrono::milliseconds request_timeout{30000};
  // 429s in a row before giving up, and the longest retry-after honoured.
  int max_rate_limited = 10;
  std::chrono::seconds max_retry_after{900};
  // Below this ratelimit-remaining, requests are spread over the time left until ratelimit-reset
  // instead of running into 429s (DigitalOcean allows 5000 an hour and 250 a minute).
  int slow_down_below = 50;
  int per_page = 200;  // DigitalOcean's maximum
  // Actions (power_off, attach, assign...): how often and how long they are polled.
  std::chrono::milliseconds action_poll_interval{3000};
  int action_max_polls = 400;
  // 422 "pending event": the droplet is locked by another action; wait and try again.
  std::chrono::milliseconds locked_retry_interval{5000};
  int locked_max_retries = 60;
  // Droplets created per POST /v2/droplets (DigitalOcean's limit is 10).
  std::size_t droplet_batch_size = 10;
};

struct ApiResponse {
  long status = 0;
  nlohmann::json body;  // null when the body was empty (204)
  std::string request_id;

  bool success() const { return status >= 200 && status < 300; }
  // DigitalOcean's short error id ("not_found", "unprocessable_entity"...), empty if none.
  std::string error_id() const;
  std::string error_message() const;
};

class Transport {
 public:
  Transport(util::HttpClient& http, std::string base_url, std::string token, Clock& clock, ClientOptions options);

  // One exchange, after pacing for the rate limit and waiting out 429s (a 429 is never applied,
  // so it is always safe to repeat). An error is a transport failure: refused, reset, timed out.
  util::Result<ApiResponse> send_once(const std::string& method, const std::string& path,
                                      const nlohmann::json* body = nullptr);
  // send_once, repeated with back-off on 5xx and transport failures. Only for requests that can
  // be repeated without harm (GET, PUT, DELETE, idempotent POSTs): creates use create_once.
  util::Result<ApiResponse> send(const std::string& method, const std::string& path,
                                 const nlohmann::json* body = nullptr);
  // send, then any non-2xx answer becomes an error naming the status, id, message and request_id.
  util::Result<nlohmann::json> call(const std::string& method, const std::string& path,
                                    const nlohmann::json* body = nullptr);
  // GET every page of a list (per_page, following links.pages.next) and return the items of `key`.
  util::Result<std::vector<nlohmann::json>> list(const std::string& path, const std::string& key);

  util::Error api_error(const std::string& method, const std::string& path, const ApiResponse& response) const;
  util::Error transport_error(const std::string& method, const std::string& path, const util::Error& error,
                              int attempts) const;
  // Sleeps (on the injected clock) before attempt `attempt + 1`.
  void backoff(int attempt);

  Clock& clock() { return clock_; }
  const ClientOptions& options() const { return options_; }

 private:
  void pace();
  void remember_rate_limit(const util::HttpResponse& response);
  std::chrono::milliseconds retry_after(const util::HttpResponse& response, int rate_limited);
  util::HttpRequest make_request(const std::string& method, const std::string& path, const nlohmann::json* body) const;
  std::string path_of(const std::string& next_link) const;
  std::string redact(std::string text) const;

  util::HttpClient& http_;
  std::string base_url_;
  std::string token_;  // only ever written into the Authorization header
  Clock& clock_;
  ClientOptions options_;

  std::mutex rate_mutex_;
  std::optional<long> remaining_;                          // from the last ratelimit-remaining
  std::optional<std::chrono::system_clock::time_point> reset_;  // from the last ratelimit-reset
};

// "/v2/droplets" + {{"tag_name","x y"}} → "/v2/droplets?tag_name=x%20y" (empty values are left out).
std::string with_query(std::string path, const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace wakufleet::providers::digitalocean
