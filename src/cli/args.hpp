// Command-line parsing: each command declares the options it takes; mistakes get a
// "did you mean" and a pointer to `wakufleet help COMMAND`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace wakufleet::cli {

struct OptionSpec {
  std::string long_name;   // "file"
  char short_name = 0;     // 'f'
  std::string value_name;  // "PATH"; empty: a flag without value
  std::string help;
  std::string default_value;  // shown in help; applied when absent (for options with values)
};

struct Args {
  std::map<std::string, std::string> values;  // long name -> value ("" for flags)
  std::vector<std::string> positional;
  bool has(const std::string& name) const { return values.count(name) > 0; }
  std::string get(const std::string& name) const {
    auto found = values.find(name);
    return found == values.end() ? std::string() : found->second;
  }
};

util::Result<Args> parse_args(const std::vector<std::string>& words, const std::vector<OptionSpec>& options,
                              const std::string& command);

}  // namespace wakufleet::cli
