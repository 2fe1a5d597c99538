// fleet.toml text -> Fleet: byte-level checks, TOML syntax, then the sections (sections.cpp,
// nodes.cpp). Every stage reports into one DiagnosticSink so that a run lists every problem.
#include "spec/parse.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "spec/reader.hpp"
#include "spec/sections.hpp"
#include "spec/utf8.hpp"
#include "util/text.hpp"

namespace wakufleet::spec {

const std::vector<std::string>& pinned_waku_versions() {
  static const std::vector<std::string> versions = {"0.10.0"};
  return versions;
}

namespace {

using detail::DiagnosticSink;
using detail::Position;

constexpr const char* kMinimalSpec =
    "a minimal fleet.toml is:\n"
    "    [fleet]\n"
    "    name = \"demo\"\n"
    "    domain = \"demo.waku.test\"\n"
    "    nodes = 3";

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool is_blank(std::string_view text) {
  if (util::starts_with(text, kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  return util::trim(text).empty();
}

std::string hex_byte(unsigned char byte) {
  constexpr const char* digits = "0123456789ABCDEF";
  return std::string("0x") + digits[byte >> 4] + digits[byte & 0x0F];
}

// Checked before toml++ sees the text, so the position is the first bad byte's, whatever
// toml++ would make of it.
bool check_utf8(std::string_view text, DiagnosticSink& sink) {
  auto bad = utf8::first_invalid(text);
  if (!bad) return true;
  sink.error({bad->line, bad->column},
             "the file is not valid UTF-8: byte " + hex_byte(bad->byte) + " is not part of a UTF-8 character",
             "save fleet.toml as UTF-8 (it may be in Latin-1 or Windows-1252)");
  return false;
}

std::string with_article(std::string_view thing) {
  if (thing == "root table") return "the top level";
  bool vowel = !thing.empty() && std::string_view("aeiou").find(thing.front()) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + std::string(thing);
}

// toml++ says "Error while parsing key-value pair: expected '=', saw 'w'"; lead with what is
// wrong and keep where it happened as context.
std::string reword_toml_error(std::string_view description) {
  constexpr std::string_view prefix = "Error while parsing ";
  std::size_t colon = description.find(": ");
  if (!util::starts_with(description, prefix) || colon == std::string_view::npos) {
    return "not valid TOML: " + std::string(description);
  }
  std::string_view context = description.substr(prefix.size(), colon - prefix.size());
  std::string_view detail = description.substr(colon + 2);
  return "not valid TOML: " + std::string(detail) + " (while reading " + with_article(context) + ")";
}

std::string toml_error_hint(std::string_view description) {
  if (description.find("redefine") != std::string_view::npos) {
    return "each key, and each [section] header, may appear only once";
  }
  return "fleet.toml is TOML: key = value lines under [section] headers, strings in double quotes "
         "(see docs/spec.md)";
}

std::optional<toml::table> parse_toml(const std::string& text, const std::string& path, DiagnosticSink& sink) {
#if TOML_EXCEPTIONS
  try {
    return toml::parse(std::string_view(text), std::string_view(path));
  } catch (const toml::parse_error& error) {
    sink.error(detail::position_of(error.source()), reword_toml_error(error.description()),
               toml_error_hint(error.description()));
    return std::nullopt;
  }
#else
  toml::parse_result result = toml::parse(std::string_view(text), std::string_view(path));
  if (result) return std::move(result).table();
  const auto& error = result.error();
  sink.error(detail::position_of(error.source()), reword_toml_error(error.description()),
             toml_error_hint(error.description()));
  return std::nullopt;
#endif
}

void read_document(const toml::table& root, Fleet& fleet, DiagnosticSink& sink) {
  detail::TableReader reader(root, "", {"fleet", "group", "target", "waku", "discovery", "observability"}, sink);
  // [waku] first: groups inherit its protocols; [fleet] before [discovery]: the tree lives in the domain.
  detail::NodeDefaults defaults = detail::read_waku(reader, fleet.waku);
  detail::read_fleet_and_nodes(reader, defaults, fleet);
  detail::TargetFacts target = detail::read_target(reader, fleet.target);
  detail::DiscoveryFacts discovery = detail::read_discovery(reader, fleet.domain, fleet.discovery);
  detail::read_observability(reader, fleet.observability);
  reader.check_unknown_keys();
  detail::check_across_sections(fleet, target, discovery, sink);
}

void parse_into(const std::string& text, Fleet& fleet, DiagnosticSink& sink) {
  if (is_blank(text)) {
    sink.error({0, 0}, "the file is empty", kMinimalSpec);
    return;
  }
  if (!check_utf8(text, sink)) return;
  auto root = parse_toml(text, fleet.source_path, sink);
  if (!root) return;
  if (root->empty()) {
    sink.error({0, 0}, "the file has no settings, only comments", kMinimalSpec);
    return;
  }
  read_document(*root, fleet, sink);
}

ParseResult one_error(const std::string& path, std::string message, std::string hint) {
  ParseResult result;
  result.fleet.source_path = path;
  result.diagnostics.push_back(Diagnostic{path, 0, 0, std::move(message), std::move(hint)});
  return result;
}

}  // namespace

ParseResult parse_fleet(const std::string& text, const std::string& path) {
  try {
    ParseResult result;
    result.fleet.source_path = path;
    DiagnosticSink sink(path);
    parse_into(text, result.fleet, sink);
    result.diagnostics = sink.sorted();
    return result;
  } catch (const std::exception& error) {
    // Only a bug (or running out of memory) gets here; callers were promised no exceptions.
    return one_error(path, std::string("internal error while reading the spec: ") + error.what(),
                     "please report this with the fleet.toml that caused it");
  }
}

ParseResult load_fleet(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return one_error(path, "is a folder, not a fleet spec", "give the path of a fleet.toml file");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return one_error(path, std::string("cannot read the fleet spec: ") + std::strerror(errno),
                     "check the path; see docs/spec.md for the format");
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return one_error(path, "cannot read the fleet spec: read error", "");
  return parse_fleet(text.str(), path);
}

}  // namespace wakufleet::spec
