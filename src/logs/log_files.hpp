// The files of one s6-log directory, in the order their lines were written, and reading
// complete lines out of them.
//
// s6-log rotates by renaming: current → previous → (link) @<tai64n>.s → (unlink) previous, and
// deletes the oldest @ files beyond its count. After a crash, s6-log turns the leftovers into
// @<tai64n>.u. A file keeps its inode through all of this, which is what cursors remember;
// inode numbers are reused soon after a deletion, so the birth time (and the file's first
// bytes, where there is no birth time) tell a new file from the one a cursor meant.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace wakufleet::logs {

struct LogFile {
  std::string path;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t birth_ns = 0;  // creation time (statx), 0 where the filesystem has none
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool live = false;  // named `current`: s6-log may still append, so a last line without '\n' waits
};

// @ files by name (TAI64N labels sort by time), then previous, then current; one entry per inode.
// `current` is looked up first and the @ files last, the order in which a file moves, so a file
// being rotated during the listing is seen under one of its names, never missed.
std::vector<LogFile> list_log_files(const std::string& dir);

// The first `count` bytes of `file`, read only if its path still names its inode: empty when
// the file was renamed or deleted since it was listed (the caller lists again).
std::optional<std::string> read_head(const LogFile& file, std::size_t count);

// Same device, inode and (when both are known) birth time.
bool same_identity(const LogFile& a, std::uint64_t device, std::uint64_t inode, std::int64_t birth_ns);

// Receives each line and the file offset just past it.
using LineSink = std::function<util::Result<void>(std::string_view line, std::int64_t end_offset)>;

// Why read_lines stopped.
enum class ReadEnd {
  EndOfFile,  // everything up to the end was delivered (a live file's unfinished line excepted)
  Budget,     // the caller's line budget ran out first
  Moved,      // the path no longer names this inode (rotated meanwhile): list again
};

// How many of a file's first bytes a cursor keeps: go-waku's first line starts with a
// millisecond timestamp, so two files sharing an inode number never share these bytes.
inline constexpr std::size_t kHeadBytes = 128;

struct ReadResult {
  std::int64_t offset = 0;  // just past the last delivered line
  ReadEnd end = ReadEnd::EndOfFile;
  std::string head;         // the file's first kHeadBytes (fewer if shorter), read from the same open file
};

// Delivers the complete lines of `file` from `offset` (the newline excluded, empty lines
// skipped), at most `max_lines`. A finished (not live) file's last line counts even without a
// newline: nothing will ever complete it. `buffer` is reused between calls.
util::Result<ReadResult> read_lines(const LogFile& file, std::int64_t offset, std::size_t max_lines,
                                    std::string& buffer, const LineSink& sink);

}  // namespace wakufleet::logs
