// File helpers shared by the state store and the state lock: durable writes, atomic replacement,
// random ids. Internal to wf_state; the tests use them to stage what a crash leaves behind.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace wakufleet::state::detail {

using util::Result;

// Reads a whole file. A missing file gives an empty optional; any other failure is an error.
Result<std::optional<std::string>> read_file_if_exists(const std::string& path);

// Creates or truncates `path`, writes `content` and fsyncs it. The file ends up with exactly
// `mode`, whatever the umask or the mode of a file left there before.
Result<void> write_file_synced(const std::string& path, std::string_view content, mode_t mode);

// Replaces `path` so that a reader, or a crash, sees either the old or the new content:
// writes path.tmp, renames it over `path`, then fsyncs the directory so the rename is durable.
Result<void> replace_file_atomically(const std::string& path, std::string_view content, mode_t mode);

// Makes the renames and creations done in the directory holding `path` durable.
Result<void> fsync_parent_directory(const std::string& path);

// `bytes` random bytes as lowercase hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);

// "cannot <action> <path>: <text of errno>", for the errno set by the call that just failed.
util::Error system_error(std::string_view action, const std::string& path);

}  // namespace wakufleet::state::detail
