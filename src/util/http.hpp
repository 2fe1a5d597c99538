// HTTP client boundary: a small interface with a libcurl implementation (and in-memory fakes in
// tests). Used for go-waku's REST/metrics endpoints and, later, cloud APIs.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "util/result.hpp"

namespace wakufleet::util {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds timeout{5000};
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // A response with any status is a success; only transport failures are errors.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

std::unique_ptr<HttpClient> make_curl_client();

// Percent-encodes everything but unreserved characters (for path segments such as pubsub topics).
std::string url_encode(const std::string& text);

}  // namespace wakufleet::util
