// fleet.toml -> spec::Fleet, collecting every problem as a Diagnostic.
#pragma once

#include <string>
#include <vector>

#include "spec/diagnostic.hpp"
#include "spec/fleet.hpp"

namespace wakufleet::spec {

struct ParseResult {
  Fleet fleet;                           // meaningful only when diagnostics is empty
  std::vector<Diagnostic> diagnostics;  // every problem found, in file order
  bool ok() const { return diagnostics.empty(); }
};

// The go-waku versions this build of wakufleet knows how to run (the pinned builds).
const std::vector<std::string>& pinned_waku_versions();

// Parses and validates `text` (the content of `path`; path is used only in diagnostics and
// to resolve relative paths). Never throws on bad input.
ParseResult parse_fleet(const std::string& text, const std::string& path);

// Reads the file and parses it; a missing or unreadable file is one diagnostic.
ParseResult load_fleet(const std::string& path);

}  // namespace wakufleet::spec
