// Writing files the way state and configuration must be written: never half a file.
#pragma once

#include <filesystem>
#include <string>

#include "util/result.hpp"

namespace wakufleet::util {

inline constexpr std::filesystem::perms kPrivateFile =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;

// Writes `content` to path.tmp with `mode`, then renames it over `path`: a reader (or a crash)
// sees the old file or the new one, never a mix.
Result<void> write_file_atomically(const std::string& path, const std::string& content,
                                   std::filesystem::perms mode = kPrivateFile);

}  // namespace wakufleet::util
