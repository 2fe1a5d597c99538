#include "cli/args.hpp"

#include "util/text.hpp"

namespace wakufleet::cli {

namespace {

const OptionSpec* find_long(const std::vector<OptionSpec>& options, const std::string& name) {
  for (const auto& option : options) {
    if (option.long_name == name) return &option;
  }
  return nullptr;
}

const OptionSpec* find_short(const std::vector<OptionSpec>& options, char name) {
  for (const auto& option : options) {
    if (option.short_name == name) return &option;
  }
  return nullptr;
}

util::Error unknown_option(const std::string& word, const std::string& name, const std::vector<OptionSpec>& options,
                           const std::string& command) {
  std::vector<std::string> names;
  for (const auto& option : options) names.push_back(option.long_name);
  std::string message = "unknown option '" + word + "' for '" + command + "'";
  if (auto close = util::closest_match(name, names)) message += "; did you mean '--" + *close + "'?";
  return util::fail(message + "\nsee 'wakufleet help " + command + "'");
}

}  // namespace

util::Result<Args> parse_args(const std::vector<std::string>& words, const std::vector<OptionSpec>& options,
                              const std::string& command) {
  Args args;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "--") {
      args.positional.insert(args.positional.end(), words.begin() + static_cast<long>(i) + 1, words.end());
      break;
    }
    if (word.size() < 2 || word[0] != '-') {
      args.positional.push_back(word);
      continue;
    }
    const OptionSpec* option = nullptr;
    std::optional<std::string> inline_value;
    if (word[1] == '-') {
      std::string name = word.substr(2);
      if (auto equals = name.find('='); equals != std::string::npos) {
        inline_value = name.substr(equals + 1);
        name = name.substr(0, equals);
      }
      option = find_long(options, name);
      if (!option) return unknown_option(word, name, options, command);
    } else {
      option = word.size() == 2 ? find_short(options, word[1]) : nullptr;
      if (!option) return unknown_option(word, word.substr(1), options, command);
    }
    if (option->value_name.empty()) {
      if (inline_value) return util::fail("option '--" + option->long_name + "' takes no value");
      args.values[option->long_name] = "";
      continue;
    }
    if (inline_value) {
      args.values[option->long_name] = *inline_value;
    } else if (i + 1 < words.size()) {
      args.values[option->long_name] = words[++i];
    } else {
      return util::fail("option '--" + option->long_name + "' needs a value (" + option->value_name + ")");
    }
  }
  for (const auto& option : options) {
    if (!option.value_name.empty() && !option.default_value.empty() && !args.has(option.long_name)) {
      args.values[option.long_name] = option.default_value;
    }
  }
  return args;
}

}  // namespace wakufleet::cli
