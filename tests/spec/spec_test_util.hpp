// Helpers shared by the spec tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "spec/parse.hpp"

namespace wakufleet::spec::testing {

// Test specs are written as raw strings that start on the line after R"(, so that line 1 of
// the spec is the first line of the literal as seen in the test.
inline std::string toml(std::string_view text) {
  if (!text.empty() && text.front() == '\n') text.remove_prefix(1);
  return std::string(text);
}

inline ParseResult parse(const std::string& text) { return parse_fleet(text, "fleet.toml"); }

inline std::string rendered(const std::string& text) { return render_all(parse(text).diagnostics, text); }

// The one diagnostic of `text`; fails the test when there is not exactly one.
inline Diagnostic single_diagnostic(const std::string& text) {
  ParseResult result = parse(text);
  EXPECT_EQ(result.diagnostics.size(), 1u) << render_all(result.diagnostics, text);
  return result.diagnostics.empty() ? Diagnostic{} : result.diagnostics.front();
}

// Checks every field of the one diagnostic of `text`.
inline void expect_single(const std::string& text, int line, int column, const std::string& message,
                          const std::string& hint) {
  Diagnostic diagnostic = single_diagnostic(text);
  EXPECT_EQ(diagnostic.file, "fleet.toml");
  EXPECT_EQ(diagnostic.line, line) << diagnostic.message;
  EXPECT_EQ(diagnostic.column, column) << diagnostic.message;
  EXPECT_EQ(diagnostic.message, message);
  EXPECT_EQ(diagnostic.hint, hint);
}

// A valid [fleet] to prepend when a test is about another section (4 lines).
inline const std::string kFleet =
    "[fleet]\n"
    "name = \"demo\"\n"
    "domain = \"demo.waku.test\"\n"
    "nodes = 3\n";

}  // namespace wakufleet::spec::testing
