#include "spec/utf8.hpp"

namespace wakufleet::spec::utf8 {

namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Bounds for the second byte of a sequence: they exclude overlong forms, UTF-16 surrogates
// and code points above U+10FFFF (Unicode table 3-7, "well-formed UTF-8 byte sequences").
struct Lead {
  std::size_t length;
  unsigned char second_min;
  unsigned char second_max;
};

std::optional<Lead> lead_of(unsigned char byte) {
  if (byte < 0x80) return Lead{1, 0, 0};
  if (byte >= 0xC2 && byte <= 0xDF) return Lead{2, 0x80, 0xBF};
  if (byte == 0xE0) return Lead{3, 0xA0, 0xBF};
  if (byte >= 0xE1 && byte <= 0xEC) return Lead{3, 0x80, 0xBF};
  if (byte == 0xED) return Lead{3, 0x80, 0x9F};
  if (byte >= 0xEE && byte <= 0xEF) return Lead{3, 0x80, 0xBF};
  if (byte == 0xF0) return Lead{4, 0x90, 0xBF};
  if (byte >= 0xF1 && byte <= 0xF3) return Lead{4, 0x80, 0xBF};
  if (byte == 0xF4) return Lead{4, 0x80, 0x8F};
  return std::nullopt;
}

}  // namespace

std::size_t sequence_length(std::string_view text, std::size_t pos) {
  auto lead = lead_of(static_cast<unsigned char>(text[pos]));
  if (!lead) return 0;
  if (lead->length == 1) return 1;
  if (pos + lead->length > text.size()) return 0;
  auto second = static_cast<unsigned char>(text[pos + 1]);
  if (second < lead->second_min || second > lead->second_max) return 0;
  for (std::size_t i = 2; i < lead->length; ++i) {
    if (!is_continuation(static_cast<unsigned char>(text[pos + i]))) return 0;
  }
  return lead->length;
}

std::optional<BadByte> first_invalid(std::string_view text) {
  int line = 1;
  int column = 1;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t length = sequence_length(text, pos);
    if (length == 0) return BadByte{line, column, static_cast<unsigned char>(text[pos])};
    if (text[pos] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    pos += length;
  }
  return std::nullopt;
}

std::string sanitize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t length = sequence_length(text, pos);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++pos;
    } else {
      out.append(text.substr(pos, length));
      pos += length;
    }
  }
  return out;
}

}  // namespace wakufleet::spec::utf8
