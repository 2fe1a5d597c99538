// Diagnostics about a source file: "fleet.toml:3:7: error: ..." with the line and a caret.
// They pile up so that one run reports every problem of a spec, not just the first.
#pragma once

#include <string>
#include <vector>

namespace wakufleet::spec {

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when the problem concerns the whole file
  int column = 0;  // 1-based
  std::string message;  // what is wrong
  std::string hint;     // how to fix it (may be empty); printed as "note: ..."
};

// Renders one diagnostic in the compiler style pinned by the tests:
//   fleet.toml:3:7: error: unknown key 'nodez'
//       nodez = 3
//       ^
//   note: did you mean 'nodes'?
// `source` is the whole file text, used to quote the offending line.
std::string render(const Diagnostic& diagnostic, const std::string& source, bool color = false);
std::string render_all(const std::vector<Diagnostic>& diagnostics, const std::string& source, bool color = false);

}  // namespace wakufleet::spec
