// UTF-8 checks shared by the parser (reject bad bytes with a position) and the renderer
// (quote a line safely). Internal to spec/.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wakufleet::spec::utf8 {

// Length of the well-formed UTF-8 sequence starting at text[pos], or 0 when the bytes there are
// not one (stray continuation byte, truncated or overlong sequence, surrogate, above U+10FFFF).
std::size_t sequence_length(std::string_view text, std::size_t pos);

struct BadByte {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, counted in characters like toml++ does
  unsigned char byte = 0;
};

std::optional<BadByte> first_invalid(std::string_view text);

// Replaces each byte that is not valid UTF-8 with U+FFFD, so a quoted line is safe to print and
// every character (valid or not) still occupies one column.
std::string sanitize(std::string_view text);

}  // namespace wakufleet::spec::utf8
