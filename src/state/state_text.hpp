// The text of the state file, as save() writes it. Internal to wf_state.
#pragma once

#include <string>

#include "state/state.hpp"

namespace wakufleet::state {

// to_json(state) pretty-printed with a 2-space indent and a trailing newline, keys in reading
// order ("version" first, each resource's "type" and "name" before its attributes).
std::string to_file_text(const State& state);

}  // namespace wakufleet::state
