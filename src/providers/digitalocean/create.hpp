// Helpers shared by the client's files (private to the client): list parsing and the
// duplicate-avoiding create.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "providers/digitalocean/transport.hpp"
#include "util/result.hpp"

namespace wakufleet::providers::digitalocean {

// Every page of a list (`key` names the array in each page), each item parsed.
template <typename T>
util::Result<std::vector<T>> list_parsed(Transport& transport, const std::string& path, const char* key,
                                         T (*parse)(const nlohmann::json&)) {
  auto items = transport.list(path, key);
  if (!items) return items.error();
  std::vector<T> out;
  out.reserve(items->size());
  for (const auto& item : *items) out.push_back(parse(item));
  return out;
}

// POSTs `body` to `path`. A create has no idempotency key at DigitalOcean, so it is never simply
// repeated: after a timeout or a 5xx the resource may exist although we were not told, and
// `find_existing` (a list by tag, name or address) decides between adopting it and trying again.
// The lookup comes after the back-off so that a create still being processed has time to show.
template <typename T>
util::Result<T> create_once(Transport& transport, const std::string& path, const nlohmann::json& body,
                            const std::function<T(const nlohmann::json&)>& parse_created,
                            const std::function<util::Result<std::optional<T>>()>& find_existing) {
  const int attempts = transport.options().max_attempts;
  std::string last_failure;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    auto response = transport.send_once("POST", path, &body);
    if (response && response->success()) return parse_created(response->body);
    if (response && response->status < 500) return transport.api_error("POST", path, *response);
    last_failure = response ? transport.api_error("POST", path, *response).message
                            : transport.transport_error("POST", path, response.error(), attempt).message;
    transport.backoff(attempt);
    auto existing = find_existing();
    if (!existing) {
      return util::fail(last_failure + "; whether it was created anyway is unknown: " + existing.error().message);
    }
    if (*existing) return std::move(**existing);
  }
  return util::fail(last_failure + " (it was not created)");
}

}  // namespace wakufleet::providers::digitalocean
