#include "providers/digitalocean/transport.hpp"

#include <algorithm>

namespace wakufleet::providers::digitalocean {

namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::optional<long> header_number(const util::HttpResponse& response, const std::string& name) {
  auto found = response.headers.find(name);
  if (found == response.headers.end()) return std::nullopt;
  try {
    return std::stol(found->second);
  } catch (const std::exception&) {
    return std::nullopt;  // a malformed header is treated as absent
  }
}

ApiResponse to_api_response(const util::HttpResponse& response) {
  ApiResponse out;
  out.status = response.status;
  if (!response.body.empty()) {
    out.body = json::parse(response.body, nullptr, false);
    // Proxies answer HTML on 502/504: keep a short excerpt so the error still says something.
    if (out.body.is_discarded()) out.body = response.body.substr(0, 200);
  }
  auto id = response.headers.find("x-request-id");
  if (id != response.headers.end()) out.request_id = id->second;
  if (out.request_id.empty() && out.body.is_object() && out.body.contains("request_id") &&
      out.body["request_id"].is_string()) {
    out.request_id = out.body["request_id"].get<std::string>();
  }
  return out;
}

std::string reason_of(long status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

}  // namespace

std::string ApiResponse::error_id() const {
  if (body.is_object() && body.contains("id") && body["id"].is_string()) return body["id"].get<std::string>();
  return "";
}

std::string ApiResponse::error_message() const {
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    return body["message"].get<std::string>();
  }
  return body.is_string() ? body.get<std::string>() : "";
}

std::string with_query(std::string path, const std::vector<std::pair<std::string, std::string>>& query) {
  for (const auto& [name, value] : query) {
    if (value.empty()) continue;
    path += path.find('?') == std::string::npos ? '?' : '&';
    path += name + "=" + util::url_encode(value);
  }
  return path;
}

Transport::Transport(util::HttpClient& http, std::string base_url, std::string token, Clock& clock,
                     ClientOptions options)
    : http_(http), base_url_(std::move(base_url)), token_(std::move(token)), clock_(clock), options_(options) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

util::HttpRequest Transport::make_request(const std::string& method, const std::string& path,
                                          const json* body) const {
  util::HttpRequest request;
  request.method = method;
  request.url = base_url_ + path;
  request.timeout = options_.request_timeout;
  request.headers["Authorization"] = "Bearer " + token_;
  request.headers["Accept"] = "application/json";
  request.headers["User-Agent"] = "wakufleet";
  if (body != nullptr) {
    request.headers["Content-Type"] = "application/json";
    request.body = body->dump();
  }
  return request;
}

// Spends the hourly budget evenly instead of running into 429s: below `slow_down_below` the
// remaining requests are spread over the time left until the reset; at zero, wait for the reset.
void Transport::pace() {
  milliseconds wait{0};
  {
    std::lock_guard lock(rate_mutex_);
    if (!remaining_ || !reset_) return;
    auto left = std::chrono::duration_cast<milliseconds>(*reset_ - clock_.now());
    if (left <= milliseconds{0}) {
      remaining_.reset();  // the window has passed: the budget is back
      return;
    }
    if (*remaining_ <= 0) {
      wait = left;
      remaining_.reset();  // after the wait the next answer tells the new budget
    } else if (*remaining_ < options_.slow_down_below) {
      wait = left / (*remaining_ + 1);
      --*remaining_;  // count this request so that parallel callers spread out too
    }
  }
  if (wait > milliseconds{0}) clock_.sleep_for(wait);
}

void Transport::remember_rate_limit(const util::HttpResponse& response) {
  auto remaining = header_number(response, "ratelimit-remaining");
  auto reset = header_number(response, "ratelimit-reset");
  if (!remaining || !reset) return;
  std::lock_guard lock(rate_mutex_);
  remaining_ = *remaining;
  reset_ = std::chrono::system_clock::time_point{seconds{*reset}};
}

// How long a 429 asks us to wait: retry-after if given, else until ratelimit-reset, else back-off.
milliseconds Transport::retry_after(const util::HttpResponse& response, int rate_limited) {
  milliseconds wait{0};
  if (auto after = header_number(response, "retry-after"); after && *after > 0) {
    wait = seconds{*after};
  } else if (auto reset = header_number(response, "ratelimit-reset")) {
    wait = std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::time_point{seconds{*reset}} -
                                                    clock_.now());
  }
  if (wait <= milliseconds{0}) wait = std::min(options_.backoff_base * (1 << std::min(rate_limited, 10)), options_.backoff_max);
  return std::min<milliseconds>(wait, options_.max_retry_after);
}

util::Result<ApiResponse> Transport::send_once(const std::string& method, const std::string& path, const json* body) {
  for (int rate_limited = 0;; ++rate_limited) {
    pace();
    auto sent = http_.send(make_request(method, path, body));
    if (!sent) return util::fail(redact(sent.error().message));
    remember_rate_limit(*sent);
    if (sent->status == 429 && rate_limited < options_.max_rate_limited) {
      clock_.sleep_for(retry_after(*sent, rate_limited));
      continue;
    }
    return to_api_response(*sent);
  }
}

util::Result<ApiResponse> Transport::send(const std::string& method, const std::string& path, const json* body) {
  for (int attempt = 1;; ++attempt) {
    auto response = send_once(method, path, body);
    bool retryable = !response.ok() || response->status >= 500;
    if (!retryable || attempt >= options_.max_attempts) return response;
    backoff(attempt);
  }
}

util::Result<json> Transport::call(const std::string& method, const std::string& path, const json* body) {
  auto response = send(method, path, body);
  if (!response) return transport_error(method, path, response.error(), options_.max_attempts);
  if (!response->success()) return api_error(method, path, *response);
  return std::move(response->body);
}

void Transport::backoff(int attempt) {
  auto delay = options_.backoff_base * (1LL << std::clamp(attempt - 1, 0, 20));
  clock_.sleep_for(std::min<milliseconds>(delay, options_.backoff_max));
}

// Next links are absolute URLs on DigitalOcean's host. Only their path and query are used, on our
// own base URL, so the token never goes to a host that was not configured.
std::string Transport::path_of(const std::string& next_link) const {
  auto at = next_link.find("/v2/");
  return at == std::string::npos ? next_link : next_link.substr(at);
}

util::Result<std::vector<json>> Transport::list(const std::string& path, const std::string& key) {
  std::vector<json> items;
  std::string next = with_query(path, {{"per_page", std::to_string(options_.per_page)}});
  for (int page = 0; page < 100000; ++page) {
    auto body = call("GET", next);
    if (!body) return body.error();
    if (body->contains(key) && (*body)[key].is_array()) {
      for (auto& item : (*body)[key]) items.push_back(std::move(item));
    }
    auto link = body->value(json::json_pointer("/links/pages/next"), std::string());
    if (link.empty() || path_of(link) == next) return items;
    next = path_of(link);
  }
  return util::fail("DigitalOcean API: GET " + path + ": too many pages");
}

util::Error Transport::api_error(const std::string& method, const std::string& path, const ApiResponse& response) const {
  std::string text = "DigitalOcean API: " + method + " " + path + " answered " + std::to_string(response.status);
  if (auto reason = reason_of(response.status); !reason.empty()) text += " " + reason;
  if (auto id = response.error_id(); !id.empty()) text += " (" + id + ")";
  if (auto message = response.error_message(); !message.empty()) text += ": " + message;
  if (!response.request_id.empty()) text += " [request_id " + response.request_id + "]";
  if (response.status == 401) text += "; check that DIGITALOCEAN_TOKEN holds a valid API token with write scope";
  return util::fail(redact(text));
}

util::Error Transport::transport_error(const std::string& method, const std::string& path, const util::Error& error,
                                       int attempts) const {
  return util::fail(redact("DigitalOcean API: " + method + " " + path + " failed after " + std::to_string(attempts) +
                           " attempt(s): " + error.message));
}

// Belt and braces: no text leaves the transport with the token in it, whatever a server echoes.
std::string Transport::redact(std::string text) const {
  if (token_.size() < 4) return text;
  for (auto at = text.find(token_); at != std::string::npos; at = text.find(token_, at)) {
    text.replace(at, token_.size(), "[redacted]");
  }
  return text;
}

}  // namespace wakufleet::providers::digitalocean
