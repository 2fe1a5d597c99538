#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "bootstrap/text.hpp"

namespace wakufleet::bootstrap::text {
namespace {

std::string yaml_roundtrip_of(const std::string& content) {
  return YAML::Load("content: " + yaml_block(content, 2) + "\n")["content"].as<std::string>();
}

TEST(YamlBlock, KeepsContentExactly) {
  for (const std::string content : {"a\nb\n", "no final newline", "x: y\n\n  indented\n# not a comment\n",
                                    " leading blank\n", "tab\there\n", "two newlines\n\n", "", "\"quoted\" 'and' \\\n",
                                    "line\r\n", "---\n...\n"}) {
    EXPECT_EQ(yaml_roundtrip_of(content), content) << yaml_block(content, 2);
  }
}

TEST(YamlQuoted, KeepsYamlFromInterpretingValues) {
  for (const std::string value : {"on", "0600", "a: b", "#x", "[1]", "\x01", "\xc3\xa9"}) {
    EXPECT_EQ(YAML::Load("v: " + yaml_quoted(value))["v"].as<std::string>(), value);
  }
}

TEST(ShellQuoted, QuotesSingleQuotes) {
  EXPECT_EQ(shell_quoted("plain"), "'plain'");
  EXPECT_EQ(shell_quoted("it's $HOME"), "'it'\\''s $HOME'");
}

TEST(SystemdArg, EscapesSpecifiersExpansionAndBlanks) {
  EXPECT_EQ(systemd_arg("--relay=true"), "--relay=true");
  EXPECT_EQ(systemd_arg("--x=100%"), "--x=100%%");
  EXPECT_EQ(systemd_arg("--x=$HOME"), "--x=$$HOME");
  EXPECT_EQ(systemd_arg("a b"), "\"a b\"");
  EXPECT_EQ(systemd_arg("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(systemd_arg(";"), "\";\"");
}

TEST(IsHex, ChecksLengthAndDigits) {
  EXPECT_TRUE(is_hex("00ff", 4));
  EXPECT_FALSE(is_hex("00ff", 5));
  EXPECT_FALSE(is_hex("00fg", 4));
}

}  // namespace
}  // namespace wakufleet::bootstrap::text
