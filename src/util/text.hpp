// Small string helpers shared by the spec, the CLI and the renderers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wakufleet::util {

// Levenshtein distance (insert, delete, substitute each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo
// (distance <= max(1, len/3)). Used for "did you mean ...?".
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::vector<std::string> split(std::string_view text, char separator);
std::string trim(std::string_view text);
bool starts_with(std::string_view text, std::string_view prefix);

// True for a valid DNS label: 1-63 chars of [a-z0-9-], not starting or ending with '-'.
bool is_dns_label(std::string_view label);
// True for a valid DNS name: dot-separated labels, 1-253 chars in all, no trailing dot needed.
bool is_dns_name(std::string_view name);

// Go-style durations as go-waku and Prometheus accept: "48h", "30m", "7d", "1h30m".
std::optional<long long> parse_duration_seconds(std::string_view text);

}  // namespace wakufleet::util
