#include "spec/reader.hpp"

#include <algorithm>
#include <cctype>

#include "util/text.hpp"

namespace wakufleet::spec::detail {

Position position_of(const toml::source_region& region) {
  return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

void DiagnosticSink::error(Position at, std::string message, std::string hint) {
  diagnostics_.push_back(Diagnostic{file_, at.line, at.column, std::move(message), std::move(hint)});
}

std::vector<Diagnostic> DiagnosticSink::sorted() const {
  std::vector<Diagnostic> out = diagnostics_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return out;
}

std::string type_phrase(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return node.as_array()->is_array_of_tables() ? "an array of tables" : "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool contains_word(std::string_view text, std::string_view word) { return text.find(word) != std::string_view::npos; }

// Which environment variable should hold a secret found at `path`.`key`.
std::string secret_hint(const std::string& path, std::string_view key) {
  std::string where = lowercase(path + "." + std::string(key));
  if (contains_word(where, "remote_write")) {
    return "put it in an environment variable and name that variable in password_env "
           "(for example password_env = \"REMOTE_WRITE_PASSWORD\")";
  }
  if (contains_word(where, "digitalocean") || contains_word(where, "target")) {
    return "set DIGITALOCEAN_TOKEN in the environment instead";
  }
  if (contains_word(where, "datadog") || contains_word(where, "observability") || contains_word(where, "dd_")) {
    return "set DD_API_KEY in the environment instead";
  }
  return "keep it in an environment variable: wakufleet reads DIGITALOCEAN_TOKEN and DD_API_KEY from the "
         "environment, and remote_write.password_env names the variable holding a remote-write password";
}

void report_secret(Position at, const std::string& path, std::string_view key, DiagnosticSink& sink) {
  std::string where = path.empty() ? "" : " in [" + path + "]";
  sink.error(at, "'" + std::string(key) + "'" + where + " looks like a secret; secrets never go in fleet.toml",
             secret_hint(path, key));
}

std::string joined_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

bool swaps_two_neighbours(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  std::size_t first = 0;
  while (first < a.size() && a[first] == b[first]) ++first;
  if (first + 1 >= a.size()) return false;
  return a[first] == b[first + 1] && a[first + 1] == b[first] && a.substr(first + 2) == b.substr(first + 2);
}

bool same_stem(std::string_view a, std::string_view b) {
  constexpr std::size_t kMinStem = 4;  // shorter prefixes match too much ("log" vs "logs")
  std::string_view shorter = a.size() < b.size() ? a : b;
  std::string_view longer = a.size() < b.size() ? b : a;
  return shorter.size() >= kMinStem && longer.substr(0, shorter.size()) == shorter;
}

}  // namespace

std::optional<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates) {
  if (auto match = util::closest_match(word, candidates)) return match;
  std::string lower = lowercase(word);
  for (const auto& candidate : candidates) {
    if (lower == candidate || swaps_two_neighbours(word, candidate)) return candidate;
  }
  for (const auto& candidate : candidates) {
    if (same_stem(lower, candidate)) return candidate;
  }
  return std::nullopt;
}

bool looks_like_secret(std::string_view key) {
  std::string name = lowercase(key);
  for (const char* word : {"password", "passwd", "token", "secret", "apikey", "api_key", "credential"}) {
    if (contains_word(name, word)) return true;
  }
  // "key", "private_key", "nodekey": go-waku's node key is as secret as an API key.
  return name.size() >= 3 && name.compare(name.size() - 3, 3, "key") == 0;
}

void report_secrets_in(const toml::table& table, const std::string& path, DiagnosticSink& sink) {
  for (auto&& [key, node] : table) {
    if (looks_like_secret(key.str())) {
      report_secret(position_of(key.source()), path, key.str(), sink);
    } else if (const auto* inner = node.as_table()) {
      report_secrets_in(*inner, joined_path(path, key.str()), sink);
    }
  }
}

TableReader::TableReader(const toml::table& table, std::string path, std::vector<std::string> known_keys,
                         DiagnosticSink& sink, bool array_entry)
    : table_(table), path_(std::move(path)), known_keys_(std::move(known_keys)), sink_(sink),
      array_entry_(array_entry) {}

std::string TableReader::name() const {
  if (path_.empty()) return "the top level";
  return array_entry_ ? "[[" + path_ + "]]" : "[" + path_ + "]";
}

std::string TableReader::where() const { return path_.empty() ? "at the top level" : "in " + name(); }

Position TableReader::header() const { return position_of(table_.source()); }

bool TableReader::contains(std::string_view key) const { return find(key) != nullptr; }

Position TableReader::key_position(std::string_view key) const {
  for (auto&& [name, node] : table_) {
    if (name.str() == key) return position_of(name.source());
  }
  return header();
}

const toml::node* TableReader::find(std::string_view key) const { return table_.get(key); }

std::string TableReader::describe(std::string_view key) const { return child_path(key); }

std::string TableReader::describe_element(std::string_view key) const { return "each value of " + describe(key); }

std::string TableReader::child_path(std::string_view key) const { return joined_path(path_, key); }

void TableReader::wrong_type(std::string_view key, const toml::node& node, std::string_view expected) {
  std::string hint;
  if (node.is_string() && expected != "a string") hint = "remove the quotes around the value";
  sink_.error(position_of(node.source()),
              "wrong type for " + describe(key) + ": expected " + std::string(expected) + ", got " + type_phrase(node),
              hint);
}

void TableReader::wrong_element_type(std::string_view key, const toml::node& node, std::string_view expected) {
  sink_.error(position_of(node.source()), "wrong type in " + describe(key) + ": expected " + std::string(expected) +
                                              " for each element, got " + type_phrase(node));
}

std::optional<Located<std::string>> TableReader::string(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  if (const auto* value = node->as_string()) return Located<std::string>{value->get(), position_of(node->source())};
  wrong_type(key, *node, "a string");
  return std::nullopt;
}

std::optional<Located<long long>> TableReader::integer(std::string_view key, long long min, long long max) {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_integer();
  if (value == nullptr) {
    wrong_type(key, *node, "an integer");
    return std::nullopt;
  }
  long long number = value->get();
  Position at = position_of(node->source());
  if (number < min || number > max) {
    sink_.error(at, describe(key) + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                        ", got " + std::to_string(number));
    return std::nullopt;
  }
  return Located<long long>{number, at};
}

std::optional<Located<bool>> TableReader::boolean(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  if (const auto* value = node->as_boolean()) return Located<bool>{value->get(), position_of(node->source())};
  wrong_type(key, *node, "a boolean (true or false)");
  return std::nullopt;
}

std::optional<Located<std::string>> TableReader::choice(std::string_view key, const std::vector<std::string>& allowed) {
  auto value = string(key);
  if (!value) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), value->value) != allowed.end()) return value;
  std::string hint;
  if (auto suggestion = suggest(value->value, allowed)) hint = "did you mean '" + *suggestion + "'?";
  sink_.error(value->at, describe(key) + " must be one of " + util::join(allowed, ", ") + "; got '" + value->value + "'",
              hint);
  return std::nullopt;
}

std::optional<Located<std::vector<Located<std::string>>>> TableReader::strings(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  const auto* array = node->as_array();
  if (array == nullptr) {
    wrong_type(key, *node, "an array of strings");
    return std::nullopt;
  }
  Located<std::vector<Located<std::string>>> out{{}, position_of(node->source())};
  for (const auto& element : *array) {
    if (const auto* value = element.as_string()) {
      out.value.push_back({value->get(), position_of(element.source())});
    } else {
      wrong_element_type(key, element, "a string");
    }
  }
  return out;
}

std::optional<Located<std::vector<Located<long long>>>> TableReader::integers(std::string_view key, long long min,
                                                                              long long max) {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  const auto* array = node->as_array();
  if (array == nullptr) {
    wrong_type(key, *node, "an array of integers");
    return std::nullopt;
  }
  Located<std::vector<Located<long long>>> out{{}, position_of(node->source())};
  for (const auto& element : *array) {
    const auto* value = element.as_integer();
    if (value == nullptr) {
      wrong_element_type(key, element, "an integer");
      continue;
    }
    Position at = position_of(element.source());
    if (value->get() < min || value->get() > max) {
      sink_.error(at, describe_element(key) + " must be between " + std::to_string(min) + " and " +
                          std::to_string(max) + ", got " + std::to_string(value->get()));
      continue;
    }
    out.value.push_back({value->get(), at});
  }
  return out;
}

const toml::table* TableReader::table(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) return nullptr;
  if (const auto* inner = node->as_table()) return inner;
  sink_.error(position_of(node->source()),
              "wrong type for " + describe(key) + ": expected a table, got " + type_phrase(*node),
              "write it as a [" + child_path(key) + "] section");
  return nullptr;
}

const toml::array* TableReader::array_of_tables(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) return nullptr;
  if (const auto* array = node->as_array(); array != nullptr && array->is_array_of_tables()) return array;
  sink_.error(position_of(node->source()),
              "wrong type for " + describe(key) + ": expected an array of tables, got " + type_phrase(*node),
              "write each entry as a [[" + child_path(key) + "]] section (double brackets)");
  return nullptr;
}

bool TableReader::misspelled(std::string_view key) const {
  for (auto&& [name, node] : table_) {
    if (!is_known(name.str()) && suggest(name.str(), known_keys_) == std::string(key)) return true;
  }
  return false;
}

bool TableReader::require(std::string_view key, std::string hint) {
  if (contains(key)) return true;
  if (misspelled(key)) return false;  // the unknown-key diagnostic already says "did you mean"
  sink_.error(header(), "missing required key '" + std::string(key) + "' " + where(), std::move(hint));
  return false;
}

bool TableReader::is_known(std::string_view key) const {
  return std::find(known_keys_.begin(), known_keys_.end(), key) != known_keys_.end();
}

void TableReader::report_unknown(const std::string& key, Position at, const toml::node& node) {
  // Only a near-identical known key ("ssh_key") beats the secret warning; "password" is not
  // a typo of "password_env".
  if (looks_like_secret(key) && !util::closest_match(key, known_keys_)) {
    report_secret(at, path_, key, sink_);
    return;
  }
  // Name the key the way it was written: 'key', [path.key] or [[path.key]].
  std::string prefix = path_.empty() ? "" : path_ + ".";
  std::string open = "'", close = "'";
  std::string message = "unknown key '" + key + "' " + where();
  const auto* array = node.as_array();
  if (const auto* table = node.as_table()) {
    open = "[" + prefix, close = "]";
    message = "unknown table " + open + key + close;
    report_secrets_in(*table, child_path(key), sink_);
  } else if (array != nullptr && array->is_array_of_tables()) {
    open = "[[" + prefix, close = "]]";
    message = "unknown table " + open + key + close;
    for (const auto& entry : *array) report_secrets_in(*entry.as_table(), child_path(key), sink_);
  }
  auto suggestion = suggest(key, known_keys_);
  sink_.error(at, message,
              suggestion ? "did you mean " + open + *suggestion + close + "?"
                         : "valid keys " + where() + ": " + util::join(known_keys_, ", "));
}

void TableReader::check_unknown_keys() {
  for (auto&& [key, node] : table_) {
    if (!is_known(key.str())) report_unknown(std::string(key.str()), position_of(key.source()), node);
  }
}

}  // namespace wakufleet::spec::detail
