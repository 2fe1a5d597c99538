// Loading and saving the state file. The lock lives in lock.cpp.
//
// save() order, and what a crash at each point leaves:
//   1. write P.tmp, fsync     crash: P untouched; a stale P.tmp that the next save truncates
//   2. copy P to P.backup     crash: P untouched; P.backup is P, or still the snapshot before
//   3. rename P.tmp over P    crash: P is the old or the new file, whole, never a mix
//   4. fsync the directory    makes the rename survive a power loss
#include <unistd.h>

#include <cstdint>
#include <utility>

#include "state/file_io.hpp"
#include "state/state_text.hpp"
#include "state/store.hpp"

namespace wakufleet::state {
namespace {

// Owner-only: attributes may hold node keys and other secrets.
constexpr mode_t kStateFileMode = 0600;

std::string backup_path(const std::string& path) { return path + ".backup"; }

util::Error corrupt_state(const std::string& path, const std::string& reason) {
  const std::string backup = backup_path(path);
  const bool backup_exists = ::access(backup.c_str(), F_OK) == 0;
  const std::string hint =
      backup_exists ? "the previous snapshot is in " + backup : "there is no previous snapshot at " + backup;
  return util::fail("state file " + path + " is corrupt (" + reason + "); " + hint);
}

// nlohmann prefixes its messages with "[json.exception.parse_error.101] "; the rest is what a
// person needs ("parse error at line 3, column 1: ...").
std::string parse_error_text(const json::exception& error) {
  const std::string text = error.what();
  const auto end_of_tag = text.find("] ");
  return end_of_tag == std::string::npos ? text : text.substr(end_of_tag + 2);
}

bool written_by_newer_version(const json& document) {
  if (!document.is_object()) return false;
  const auto version = document.find("version");
  if (version == document.end() || !version->is_number_integer()) return false;
  // Unsigned when parsed from text as a non-negative number; compared as such so that no huge
  // number wraps around to an old version.
  if (version->is_number_unsigned()) {
    return version->get<std::uint64_t>() > static_cast<std::uint64_t>(State::kFormatVersion);
  }
  return version->get<std::int64_t>() > State::kFormatVersion;
}

// Keeps the snapshot being replaced, so a bad apply or a corrupted file can be rolled back.
Result<void> keep_backup(const std::string& path) {
  auto current = detail::read_file_if_exists(path);
  if (!current) return current.error();
  if (!current->has_value()) return {};  // first save: nothing to keep
  return detail::replace_file_atomically(backup_path(path), **current, kStateFileMode);
}

}  // namespace

Result<State> load(const std::string& path) {
  auto text = detail::read_file_if_exists(path);
  if (!text) return text.error();
  if (!text->has_value()) return State{};

  json document;
  try {
    document = json::parse(**text);
  } catch (const json::exception& error) {
    return corrupt_state(path, parse_error_text(error));
  }

  State state;
  std::string error;
  if (!from_json(document, state, error)) {
    // A newer format is not damage: the file is fine, this binary is too old for it.
    if (written_by_newer_version(document)) return util::fail("state file " + path + ": " + error);
    return corrupt_state(path, error);
  }
  return state;
}

Result<void> save(const std::string& path, State& state) {
  // Work on a copy so that a failed save leaves the caller's serial and lineage as they were.
  State next = state;
  next.serial += 1;
  if (next.lineage.empty()) next.lineage = detail::random_hex(16);

  const std::string temporary = path + ".tmp";
  if (auto written = detail::write_file_synced(temporary, to_file_text(next), kStateFileMode); !written) {
    return written;
  }
  if (auto kept = keep_backup(path); !kept) {
    ::unlink(temporary.c_str());
    return kept;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    auto error = detail::system_error("rename " + temporary + " to", path);
    ::unlink(temporary.c_str());
    return error;
  }
  // The new file is in place from here on, so the caller's object must match it even if the
  // directory sync below reports an error.
  state = std::move(next);
  return detail::fsync_parent_directory(path);
}

}  // namespace wakufleet::state
