// Writing files the way state and configuration must be written: never half a file.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "util/result.hpp"

namespace wakufleet::util {

inline constexpr std::filesystem::perms kPrivateFile =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;

// Writes `content` to path.tmp with `mode`, then renames it over `path`: a reader (or a crash)
// sees the old file or the new one, never a mix.
Result<void> write_file_atomically(const std::string& path, const std::string& content,
                                   std::filesystem::perms mode = kPrivateFile);

// Where the secrets of a state file live (keys, TSIG): "<state>.secrets", never in the state.
std::string secrets_dir(const std::string& state_path);
// The same folder, created owner-only (0700) when missing.
std::string ensure_secrets_dir(const std::string& state_path);

// A secret kept as the first line of a private (0600) file: `generate` makes it when the file is
// missing. Several threads asking at once get the same secret.
Result<std::string> ensure_secret_line(const std::string& path, const std::function<Result<std::string>()>& generate);

}  // namespace wakufleet::util
