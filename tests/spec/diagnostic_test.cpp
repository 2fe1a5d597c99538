// The rendered form of diagnostics: location, quoted line with gutter, caret, note, color.
#include <gtest/gtest.h>

#include "spec/diagnostic.hpp"

namespace wakufleet::spec {
namespace {

const std::string kSource = "[fleet]\nname = \"demo\"\nnodez = 3\n";

TEST(Render, QuotesTheLineWithACaretAndTheNote) {
  Diagnostic diagnostic{"fleet.toml", 3, 1, "unknown key 'nodez' in [fleet]", "did you mean 'nodes'?"};
  EXPECT_EQ(render(diagnostic, kSource),
            "fleet.toml:3:1: error: unknown key 'nodez' in [fleet]\n"
            "    3 | nodez = 3\n"
            "      | ^\n"
            "note: did you mean 'nodes'?\n");
}

TEST(Render, PutsTheCaretUnderTheColumn) {
  Diagnostic diagnostic{"fleet.toml", 2, 8, "fleet.name must be a DNS label", ""};
  EXPECT_EQ(render(diagnostic, kSource),
            "fleet.toml:2:8: error: fleet.name must be a DNS label\n"
            "    2 | name = \"demo\"\n"
            "      |        ^\n");
}

TEST(Render, LeavesOutTheNoteWithoutAHint) {
  Diagnostic diagnostic{"fleet.toml", 1, 1, "something", ""};
  EXPECT_EQ(render(diagnostic, kSource).find("note:"), std::string::npos);
}

TEST(Render, WholeFileDiagnosticHasNoQuote) {
  Diagnostic diagnostic{"specs/fleet.toml", 0, 0, "the file is empty", "add a [fleet] section"};
  EXPECT_EQ(render(diagnostic, ""), "specs/fleet.toml: error: the file is empty\nnote: add a [fleet] section\n");
}

TEST(Render, ColorMakesOnlyTheErrorLabelBoldRed) {
  Diagnostic diagnostic{"fleet.toml", 0, 0, "the file is empty", ""};
  EXPECT_EQ(render(diagnostic, "", true), "fleet.toml: \x1b[1;31merror:\x1b[0m the file is empty\n");
  EXPECT_EQ(render(diagnostic, "", false).find('\x1b'), std::string::npos);
}

TEST(Render, RightAlignsLongLineNumbersInTheGutter) {
  std::string source;
  for (int i = 1; i <= 12; ++i) source += "line" + std::to_string(i) + "\n";
  Diagnostic diagnostic{"fleet.toml", 12, 2, "bad", ""};
  EXPECT_EQ(render(diagnostic, source), "fleet.toml:12:2: error: bad\n   12 | line12\n      |  ^\n");
}

TEST(Render, WidensTheGutterForHugeLineNumbers) {
  std::string source(123456, '\n');
  source += "x = 1\n";
  Diagnostic diagnostic{"fleet.toml", 123457, 1, "bad", ""};
  EXPECT_EQ(render(diagnostic, source), "fleet.toml:123457:1: error: bad\n123457 | x = 1\n       | ^\n");
}

TEST(Render, KeepsTabsSoTheCaretLinesUp) {
  Diagnostic diagnostic{"fleet.toml", 1, 3, "bad", ""};
  EXPECT_EQ(render(diagnostic, "\tx= 1\n"), "fleet.toml:1:3: error: bad\n    1 | \tx= 1\n      | \t ^\n");
}

TEST(Render, CountsColumnsInCharactersNotBytes) {
  // "é" is two bytes but one column, as toml++ counts.
  Diagnostic diagnostic{"fleet.toml", 1, 6, "bad", ""};
  EXPECT_EQ(render(diagnostic, "a = \"\xC3\xA9\" x\n"),
            "fleet.toml:1:6: error: bad\n    1 | a = \"\xC3\xA9\" x\n      |      ^\n");
}

TEST(Render, ReplacesInvalidBytesInTheQuote) {
  Diagnostic diagnostic{"fleet.toml", 1, 3, "bad", ""};
  EXPECT_EQ(render(diagnostic, "a\xE9x\n"), "fleet.toml:1:3: error: bad\n    1 | a\xEF\xBF\xBDx\n      |   ^\n");
}

TEST(Render, DropsTheCarriageReturnOfCrlfLines) {
  Diagnostic diagnostic{"fleet.toml", 1, 1, "bad", ""};
  EXPECT_EQ(render(diagnostic, "x = 1\r\ny = 2\r\n"), "fleet.toml:1:1: error: bad\n    1 | x = 1\n      | ^\n");
}

TEST(Render, QuotesAnEmptyLinePastTheEndOfTheFile) {
  Diagnostic diagnostic{"fleet.toml", 2, 1, "unexpected end of file", ""};
  EXPECT_EQ(render(diagnostic, "x = "), "fleet.toml:2:1: error: unexpected end of file\n    2 | \n      | ^\n");
}

TEST(Render, MultiLineHintsKeepTheirLines) {
  Diagnostic diagnostic{"fleet.toml", 0, 0, "the file is empty", "a minimal spec is:\n    [fleet]"};
  EXPECT_EQ(render(diagnostic, ""), "fleet.toml: error: the file is empty\nnote: a minimal spec is:\n    [fleet]\n");
}

TEST(RenderAll, ConcatenatesInTheGivenOrder) {
  std::vector<Diagnostic> diagnostics = {{"f.toml", 0, 0, "first", ""}, {"f.toml", 0, 0, "second", ""}};
  EXPECT_EQ(render_all(diagnostics, ""), "f.toml: error: first\nf.toml: error: second\n");
  EXPECT_EQ(render_all({}, ""), "");
}

}  // namespace
}  // namespace wakufleet::spec
