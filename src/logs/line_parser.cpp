#include "logs/line_parser.hpp"

#include <array>
#include <cstdlib>

#include "logs/time.hpp"

namespace wakufleet::logs {

namespace {

constexpr std::size_t npos = std::string_view::npos;

constexpr std::array<std::string_view, 7> kLevelNames = {"debug", "info", "warn", "error", "dpanic", "panic", "fatal"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::size_t skip_space(std::string_view s, std::size_t pos) {
  while (pos < s.size() && is_space(s[pos])) ++pos;
  return pos;
}

// s[pos] is '"': returns the position just past the closing quote, or npos.
std::size_t skip_string(std::string_view s, std::size_t pos) {
  for (std::size_t i = pos + 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return npos;
}

// s[pos] is '{' or '[': returns the position just past the matching bracket, or npos.
std::size_t skip_composite(std::string_view s, std::size_t pos) {
  int depth = 0;
  for (std::size_t i = pos; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      i = skip_string(s, i);
      if (i == npos) return npos;
      --i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return npos;
}

// Numbers, true, false, null: up to the next delimiter.
std::size_t skip_scalar(std::string_view s, std::size_t pos) {
  std::size_t i = pos;
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !is_space(s[i])) ++i;
  return i == pos ? npos : i;
}

std::size_t skip_value(std::string_view s, std::size_t pos) {
  if (pos >= s.size()) return npos;
  if (s[pos] == '"') return skip_string(s, pos);
  if (s[pos] == '{' || s[pos] == '[') return skip_composite(s, pos);
  return skip_scalar(s, pos);
}

void append_utf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

std::optional<unsigned> read_hex4(std::string_view s, std::size_t pos) {
  if (pos + 4 > s.size()) return std::nullopt;
  unsigned value = 0;
  for (std::size_t i = pos; i < pos + 4; ++i) {
    const char c = s[i];
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = value * 16 + digit;
  }
  return value;
}

// A \uXXXX escape at s[pos] (pointing at 'u'), joining surrogate pairs; returns the last index used.
std::size_t decode_unicode_escape(std::string_view s, std::size_t pos, std::string& out) {
  auto code = read_hex4(s, pos + 1);
  if (!code) {
    out += "\xEF\xBF\xBD";  // U+FFFD: keep going rather than drop the whole line
    return pos;
  }
  std::size_t last = pos + 4;
  if (*code >= 0xD800 && *code < 0xDC00 && last + 2 < s.size() && s[last + 1] == '\\' && s[last + 2] == 'u') {
    if (auto low = read_hex4(s, last + 3); low && *low >= 0xDC00 && *low < 0xE000) {
      *code = 0x10000 + ((*code - 0xD800) << 10) + (*low - 0xDC00);
      last += 6;
    }
  }
  append_utf8(out, *code);
  return last;
}

// The inside of a JSON string (without its quotes) → its text.
void unescape(std::string_view inner, std::string& out) {
  out.clear();
  if (inner.find('\\') == npos) {
    out.assign(inner);
    return;
  }
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] != '\\' || i + 1 == inner.size()) {
      out += inner[i];
      continue;
    }
    const char c = inner[++i];
    switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': i = decode_unicode_escape(inner, i, out); break;
      default: out += c; break;  // \" \\ \/
    }
  }
}

std::string_view string_inner(std::string_view quoted) { return quoted.substr(1, quoted.size() - 2); }

bool is_string(std::string_view value) { return value.size() >= 2 && value.front() == '"'; }

// zap's "ts": an RFC3339 string (ISO8601TimeEncoder, go-waku's choice) or epoch seconds.
std::optional<std::int64_t> parse_ts_value(std::string_view value) {
  if (is_string(value)) return parse_rfc3339_ns(string_inner(value));
  char* end = nullptr;
  const std::string number(value);
  const double seconds = std::strtod(number.c_str(), &end);
  if (end == number.c_str() || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(seconds * 1e9);
}

// One member of the top-level object: the known ones fill `out`, the rest go to `out.fields`.
void take_member(std::string_view key, std::string_view value, std::string_view raw_key, ParsedLine& out,
                 bool& has_level_or_msg) {
  if (key == "level") {
    has_level_or_msg = true;
    if (is_string(value)) out.level = parse_level(string_inner(value));
  } else if (key == "msg") {
    has_level_or_msg = true;
    if (is_string(value)) unescape(string_inner(value), out.message);
  } else if (key == "ts") {
    out.time_ns = parse_ts_value(value);
  } else if (key == "logger") {
    if (is_string(value)) unescape(string_inner(value), out.logger);
  } else if (key != "caller") {  // the source position is noise in a fleet-wide view; raw keeps it
    out.fields += out.fields.empty() ? '{' : ',';
    out.fields.append(raw_key);
    out.fields += ':';
    out.fields.append(value);
  }
}

// Walks one flat-or-nested JSON object; false when the line is not exactly one object.
bool scan_object(std::string_view line, ParsedLine& out, bool& has_level_or_msg) {
  std::size_t pos = skip_space(line, 0);
  if (pos >= line.size() || line[pos] != '{') return false;
  pos = skip_space(line, pos + 1);
  if (pos < line.size() && line[pos] == '}') return skip_space(line, pos + 1) == line.size();
  std::string key;
  while (pos < line.size()) {
    if (line[pos] != '"') return false;
    const std::size_t key_end = skip_string(line, pos);
    if (key_end == npos) return false;
    const std::string_view raw_key = line.substr(pos, key_end - pos);
    pos = skip_space(line, key_end);
    if (pos >= line.size() || line[pos] != ':') return false;
    pos = skip_space(line, pos + 1);
    const std::size_t value_end = skip_value(line, pos);
    if (value_end == npos) return false;
    unescape(string_inner(raw_key), key);
    take_member(key, line.substr(pos, value_end - pos), raw_key, out, has_level_or_msg);
    pos = skip_space(line, value_end);
    if (pos < line.size() && line[pos] == '}') return skip_space(line, pos + 1) == line.size();
    if (pos >= line.size() || line[pos] != ',') return false;
    pos = skip_space(line, pos + 1);
  }
  return false;
}

void parse_plain(std::string_view line, ParsedLine& out) {
  out.clear();
  out.message.assign(line);
  out.time_ns = parse_go_log_prefix_ns(line);
  out.coarse_time = out.time_ns.has_value();
}

}  // namespace

std::optional<Level> parse_level(std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "warning") return Level::Warn;
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (lower == kLevelNames[i]) return static_cast<Level>(i + 1);
  }
  return std::nullopt;
}

std::string_view level_name(Level level) { return kLevelNames[static_cast<std::size_t>(level) - 1]; }

void ParsedLine::clear() {
  json = false;
  time_ns.reset();
  coarse_time = false;
  level.reset();
  logger.clear();
  message.clear();
  fields.clear();
}

void parse_line(std::string_view line, ParsedLine& out) {
  out.clear();
  bool has_level_or_msg = false;
  if (!line.empty() && line.front() == '{' && scan_object(line, out, has_level_or_msg) && has_level_or_msg) {
    out.json = true;
    if (!out.fields.empty()) out.fields += '}';
    return;
  }
  parse_plain(line, out);
}

}  // namespace wakufleet::logs
