// Quoting for the three languages the generators write: YAML, POSIX sh and systemd unit files.
// Internal to src/bootstrap/.
#pragma once

#include <string>
#include <string_view>

namespace wakufleet::bootstrap::text {

// A YAML double-quoted scalar: safe for any value, whatever YAML would otherwise make of it
// ("on", "0600", "a: b").
std::string yaml_quoted(std::string_view value);

// `content` as a YAML literal block scalar ("|" or "|-") whose lines are indented by `indent`
// spaces; falls back to a double-quoted scalar when a literal block cannot hold it exactly
// (leading blank, carriage return, tab...).
std::string yaml_block(std::string_view content, int indent);

// A single-quoted POSIX sh word: nothing inside is expanded.
std::string shell_quoted(std::string_view value);

// One argument of a systemd ExecStart= line: "%" and "$" escaped (specifiers and environment
// expansion), quoted when it holds blanks, quotes or backslashes.
std::string systemd_arg(std::string_view value);

bool is_hex(std::string_view text, std::size_t length);

}  // namespace wakufleet::bootstrap::text
