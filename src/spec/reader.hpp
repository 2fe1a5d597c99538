// Typed, position-aware access to the tables of a parsed fleet.toml. Every problem (wrong type,
// out of range, unknown or secret-looking key) becomes a Diagnostic instead of stopping the
// parse, so one run reports everything. Internal to spec/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "spec/diagnostic.hpp"

namespace wakufleet::spec::detail {

struct Position {
  int line = 0;  // 0: the whole file
  int column = 0;
};

Position position_of(const toml::source_region& region);

template <typename T>
struct Located {
  T value{};
  Position at;
};

class DiagnosticSink {
 public:
  explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}
  void error(Position at, std::string message, std::string hint = {});
  // Diagnostics ordered by line then column; toml++ tables iterate in key order, not file order.
  std::vector<Diagnostic> sorted() const;

 private:
  std::string file_;
  std::vector<Diagnostic> diagnostics_;
};

// "a string", "an integer", ... for messages such as "expected an integer, got a string".
std::string type_phrase(const toml::node& node);

class TableReader {
 public:
  // `path` is the dotted TOML path ("" for the top level, "fleet", "target.local");
  // `array_entry` marks one [[path]] entry. `known_keys` drive unknown-key checks and
  // "did you mean"; every accessor must ask for one of them.
  TableReader(const toml::table& table, std::string path, std::vector<std::string> known_keys,
              DiagnosticSink& sink, bool array_entry = false);

  // How messages name this table: "[fleet]", "[[group]]", "the top level".
  std::string name() const;
  // "in [fleet]" or "at the top level".
  std::string where() const;
  Position header() const;
  bool contains(std::string_view key) const;
  Position key_position(std::string_view key) const;
  DiagnosticSink& sink() { return sink_; }

  // Each accessor returns nothing when the key is absent or its value is unusable; in the
  // latter case it has already reported why.
  std::optional<Located<std::string>> string(std::string_view key);
  std::optional<Located<long long>> integer(std::string_view key, long long min, long long max);
  std::optional<Located<bool>> boolean(std::string_view key);
  std::optional<Located<std::string>> choice(std::string_view key, const std::vector<std::string>& allowed);
  // Arrays: the outer position is the array's, each element keeps its own. Bad elements are
  // reported and left out.
  std::optional<Located<std::vector<Located<std::string>>>> strings(std::string_view key);
  std::optional<Located<std::vector<Located<long long>>>> integers(std::string_view key, long long min,
                                                                   long long max);
  const toml::table* table(std::string_view key);
  const toml::array* array_of_tables(std::string_view key);

  // True when an unknown key of this table is a likely typo of `key` ("nodez" for "nodes").
  bool misspelled(std::string_view key) const;
  // Reports "missing required key" at the table header when `key` is absent, unless it is
  // misspelled (check_unknown_keys reports that, with the right spelling).
  bool require(std::string_view key, std::string hint);
  // Reports every key that is not known (secret-looking keys get a dedicated message).
  void check_unknown_keys();

  // Names a key in messages by its dotted path: "fleet.nodes", "group.count".
  std::string describe(std::string_view key) const;
  std::string describe_element(std::string_view key) const;

 private:
  const toml::node* find(std::string_view key) const;
  bool is_known(std::string_view key) const;
  void report_unknown(const std::string& key, Position at, const toml::node& node);
  void wrong_type(std::string_view key, const toml::node& node, std::string_view expected);
  void wrong_element_type(std::string_view key, const toml::node& node, std::string_view expected);
  std::string child_path(std::string_view key) const;

  const toml::table& table_;
  std::string path_;
  std::vector<std::string> known_keys_;
  DiagnosticSink& sink_;
  bool array_entry_;
};

// "Did you mean" candidate for a misspelled `word`: util::closest_match, plus the typos it
// scores too far apart: swapped neighbours ("nmae"), other case ("Relay") and a longer or
// shorter spelling of the same word ("warning" for "warn").
std::optional<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates);

// A key name that suggests it holds a credential ("token", "api_key", "password", ...).
bool looks_like_secret(std::string_view key);

// Reports secret-looking keys anywhere inside `table` (used for tables that are unknown as a
// whole, so their content is not otherwise inspected).
void report_secrets_in(const toml::table& table, const std::string& path, DiagnosticSink& sink);

}  // namespace wakufleet::spec::detail
