#include "bootstrap/text.hpp"

#include <cctype>
#include <cstdio>

namespace wakufleet::bootstrap::text {

std::string yaml_quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

namespace {

// A literal block keeps every character as written, except that it cannot start with a blank
// (YAML would take it for indentation) nor hold tabs or carriage returns we want kept exactly.
bool fits_literal_block(std::string_view content) {
  if (content.empty() || content.front() == ' ' || content.front() == '\n') return false;
  for (char c : content) {
    if (c == '\t' || c == '\r' || (static_cast<unsigned char>(c) < 0x20 && c != '\n')) return false;
  }
  // "|" keeps exactly one final newline; more than one would be folded away.
  return content.size() < 2 || content.substr(content.size() - 2) != "\n\n";
}

}  // namespace

std::string yaml_block(std::string_view content, int indent) {
  if (!fits_literal_block(content)) return yaml_quoted(content);
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  bool final_newline = content.back() == '\n';
  if (final_newline) content.remove_suffix(1);
  std::string out = final_newline ? "|\n" : "|-\n";
  std::size_t start = 0;
  while (start <= content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(start, end - start);
    if (!line.empty()) out += pad;
    out += line;
    out += '\n';
    start = end + 1;
  }
  out.pop_back();  // the caller ends the line
  return out;
}

std::string shell_quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string systemd_arg(std::string_view value) {
  std::string escaped;
  bool needs_quotes = value.empty();
  for (char c : value) {
    if (c == '%') {
      escaped += "%%";
    } else if (c == '$') {
      escaped += "$$";
    } else if (c == '"' || c == '\\') {
      escaped += '\\';
      escaped += c;
      needs_quotes = true;
    } else {
      if (std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == ';') needs_quotes = true;
      escaped += c;
    }
  }
  return needs_quotes ? "\"" + escaped + "\"" : escaped;
}

bool is_hex(std::string_view text, std::size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace wakufleet::bootstrap::text
