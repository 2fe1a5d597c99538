#include "spec/diagnostic.hpp"

#include <algorithm>
#include <string_view>

#include "spec/utf8.hpp"

namespace wakufleet::spec {

namespace {

constexpr int kGutterWidth = 5;  // wide enough for any realistic fleet.toml, like "    3 | "

std::string error_label(bool color) { return color ? "\x1b[1;31merror:\x1b[0m" : "error:"; }

// Line `line` (1-based) of `source` without its line break; empty past the end of the file,
// which happens for errors reported at end-of-file.
std::string_view line_of(std::string_view source, int line) {
  std::size_t start = 0;
  for (int current = 1; current < line; ++current) {
    std::size_t newline = source.find('\n', start);
    if (newline == std::string_view::npos) return {};
    start = newline + 1;
  }
  std::size_t end = source.find('\n', start);
  std::string_view text = source.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

// Whitespace as wide as the first `column - 1` characters of `line`. Tabs are kept so that the
// caret lands under the right character whatever the terminal's tab width.
std::string caret_padding(std::string_view line, int column) {
  std::string padding;
  std::size_t pos = 0;
  for (int i = 1; i < column; ++i) {
    if (pos < line.size() && line[pos] == '\t') {
      padding += '\t';
    } else {
      padding += ' ';
    }
    if (pos < line.size()) pos += std::max<std::size_t>(1, utf8::sequence_length(line, pos));
  }
  return padding;
}

std::string gutter(const std::string& label) {
  std::size_t width = std::max<std::size_t>(kGutterWidth, label.size());
  return std::string(width - label.size(), ' ') + label + " | ";
}

std::string quote(const std::string& source, int line, int column) {
  std::string text = utf8::sanitize(line_of(source, line));
  std::string number = std::to_string(line);
  std::string blank(number.size(), ' ');
  std::string out = gutter(number) + text + "\n";
  out += gutter(blank) + caret_padding(text, std::max(column, 1)) + "^\n";
  return out;
}

}  // namespace

std::string render(const Diagnostic& diagnostic, const std::string& source, bool color) {
  std::string out = diagnostic.file;
  if (diagnostic.line > 0) {
    out += ":" + std::to_string(diagnostic.line) + ":" + std::to_string(std::max(diagnostic.column, 1));
  }
  out += ": " + error_label(color) + " " + diagnostic.message + "\n";
  if (diagnostic.line > 0) out += quote(source, diagnostic.line, diagnostic.column);
  if (!diagnostic.hint.empty()) out += "note: " + diagnostic.hint + "\n";
  return out;
}

std::string render_all(const std::vector<Diagnostic>& diagnostics, const std::string& source, bool color) {
  std::string out;
  for (const auto& diagnostic : diagnostics) out += render(diagnostic, source, color);
  return out;
}

}  // namespace wakufleet::spec
