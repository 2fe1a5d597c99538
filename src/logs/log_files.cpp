#include "logs/log_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace wakufleet::logs {

namespace {

constexpr std::size_t kChunk = 1 << 20;

// Stages in the life of a log file, in the order a file goes through them.
enum class Stage { Archived = 0, Previous = 1, Current = 2 };

struct Entry {
  LogFile file;
  std::string name;
  Stage stage;
};

// "@" + 24 hex digits + ".s" or ".u", as s6-log names its archives.
bool is_archive_name(std::string_view name) {
  if (name.size() != 27 || name[0] != '@' || name[25] != '.' || (name[26] != 's' && name[26] != 'u')) return false;
  const auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  return std::all_of(name.begin() + 1, name.begin() + 25, hex);
}

std::int64_t to_ns(const struct statx_timestamp& time) {
  return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

// statx rather than stat: it also gives the birth time. `path` empty: the open descriptor `fd`.
bool stat_into(int fd, const std::string& path, LogFile& out) {
  struct statx st {};
  const int flags = path.empty() ? AT_EMPTY_PATH : 0;
  if (::statx(fd, path.c_str(), flags, STATX_BASIC_STATS | STATX_BTIME, &st) != 0) return false;
  if (!S_ISREG(st.stx_mode)) return false;
  out.device = (static_cast<std::uint64_t>(st.stx_dev_major) << 32) | st.stx_dev_minor;
  out.inode = st.stx_ino;
  out.birth_ns = (st.stx_mask & STATX_BTIME) != 0 ? to_ns(st.stx_btime) : 0;
  out.size = static_cast<std::int64_t>(st.stx_size);
  out.mtime_ns = to_ns(st.stx_mtime);
  return true;
}

bool stat_file(const std::string& path, LogFile& out) {
  if (!stat_into(AT_FDCWD, path, out)) return false;
  out.path = path;
  return true;
}

// A later sighting of the same inode is a later stage of it (see list_log_files): it replaces
// the earlier one, so a file renamed during the listing is counted once, at its newest name.
void add_entry(std::vector<Entry>& entries, Entry entry) {
  for (auto& existing : entries) {
    if (same_identity(existing.file, entry.file.device, entry.file.inode, entry.file.birth_ns)) {
      existing = std::move(entry);
      return;
    }
  }
  entries.push_back(std::move(entry));
}

void add_named(std::vector<Entry>& entries, const std::string& dir, const std::string& name, Stage stage) {
  Entry entry{{}, name, stage};
  if (stat_file(dir + "/" + name, entry.file)) add_entry(entries, std::move(entry));
}

std::vector<std::string> archive_names(const std::string& dir) {
  std::vector<std::string> names;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return names;
  while (const dirent* entry = ::readdir(handle)) {
    if (is_archive_name(entry->d_name)) names.emplace_back(entry->d_name);
  }
  ::closedir(handle);
  return names;
}

struct Fd {
  int fd;
  explicit Fd(int value) : fd(value) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// Opens `file.path` and checks it is still the same file; `now` receives its current state.
util::Result<bool> open_same_file(const LogFile& file, Fd& out, LogFile& now) {
  out.fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (out.fd < 0) {
    if (errno == ENOENT) return false;
    return util::fail("cannot open " + file.path + ": " + std::strerror(errno));
  }
  if (!stat_into(out.fd, "", now)) return util::fail("cannot stat " + file.path + ": " + std::strerror(errno));
  return same_identity(file, now.device, now.inode, now.birth_ns);
}

// Appends up to `want` bytes read at `offset`; returns how many came.
util::Result<std::size_t> read_more(int fd, const LogFile& file, std::string& buffer, std::int64_t offset,
                                    std::size_t want) {
  const std::size_t old_size = buffer.size();
  buffer.resize(old_size + want);
  const ssize_t got = ::pread(fd, buffer.data() + old_size, want, offset);
  if (got < 0) {
    buffer.resize(old_size);
    return util::fail("cannot read " + file.path + ": " + std::strerror(errno));
  }
  buffer.resize(old_size + static_cast<std::size_t>(got));
  return static_cast<std::size_t>(got);
}

std::string read_head_of(int fd, std::size_t count) {
  std::string head(count, '\0');
  const ssize_t got = ::pread(fd, head.data(), count, 0);
  head.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return head;
}

// Walks one open file from an offset to `end` a chunk at a time; `buffer` holds the bytes not
// yet delivered (at most a chunk plus the longest line).
struct ChunkReader {
  int fd;
  const LogFile& file;
  std::int64_t end;
  std::string& buffer;
  std::int64_t buffer_offset;  // file offset of buffer[0]
  std::size_t consumed = 0;    // bytes of buffer already delivered
  std::size_t delivered = 0;   // lines delivered

  ChunkReader(int fd_, const LogFile& file_, std::int64_t end_, std::string& buffer_, std::int64_t offset)
      : fd(fd_), file(file_), end(end_), buffer(buffer_), buffer_offset(offset) {
    buffer.clear();
  }

  std::int64_t position() const { return buffer_offset + static_cast<std::int64_t>(consumed); }
  std::int64_t read_position() const { return buffer_offset + static_cast<std::int64_t>(buffer.size()); }

  // Reads the next chunk; false once everything up to `end` is in the buffer.
  util::Result<bool> fill() {
    if (read_position() >= end) return false;
    buffer.erase(0, consumed);
    buffer_offset += static_cast<std::int64_t>(consumed);
    consumed = 0;
    const auto want = static_cast<std::size_t>(std::min<std::int64_t>(kChunk, end - read_position()));
    auto got = read_more(fd, file, buffer, read_position(), want);
    if (!got) return got.error();
    if (*got == 0) end = read_position();  // the file shrank under us: stop at what exists
    return read_position() < end;
  }

  // Delivers the complete lines in the buffer; false when the budget ran out first.
  util::Result<bool> deliver_lines(std::size_t max_lines, const LineSink& sink) {
    std::size_t newline;
    while ((newline = buffer.find('\n', consumed)) != std::string::npos) {
      if (delivered == max_lines) return false;
      if (newline > consumed) {
        const auto line = std::string_view(buffer).substr(consumed, newline - consumed);
        if (auto sunk = sink(line, buffer_offset + static_cast<std::int64_t>(newline + 1)); !sunk) return sunk.error();
        ++delivered;
      }
      consumed = newline + 1;
    }
    return true;
  }

  // A finished file's last line without a newline: nothing will ever complete it.
  util::Result<bool> deliver_unterminated(std::size_t max_lines, const LineSink& sink) {
    if (consumed == buffer.size()) return true;
    if (delivered == max_lines) return false;
    const auto line = std::string_view(buffer).substr(consumed);
    if (auto sunk = sink(line, buffer_offset + static_cast<std::int64_t>(buffer.size())); !sunk) return sunk.error();
    ++delivered;
    consumed = buffer.size();
    return true;
  }
};

}  // namespace

std::vector<LogFile> list_log_files(const std::string& dir) {
  std::vector<Entry> entries;
  add_named(entries, dir, "current", Stage::Current);
  add_named(entries, dir, "previous", Stage::Previous);
  for (const auto& name : archive_names(dir)) add_named(entries, dir, name, Stage::Archived);
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.stage != b.stage ? a.stage < b.stage : a.name < b.name;
  });
  std::vector<LogFile> files;
  files.reserve(entries.size());
  for (auto& entry : entries) {
    entry.file.live = entry.stage == Stage::Current;
    files.push_back(std::move(entry.file));
  }
  return files;
}

bool same_identity(const LogFile& a, std::uint64_t device, std::uint64_t inode, std::int64_t birth_ns) {
  return a.device == device && a.inode == inode && (a.birth_ns == 0 || birth_ns == 0 || a.birth_ns == birth_ns);
}

std::optional<std::string> read_head(const LogFile& file, std::size_t count) {
  Fd fd(-1);
  LogFile now;
  auto same = open_same_file(file, fd, now);
  if (!same || !*same) return std::nullopt;
  return read_head_of(fd.fd, count);
}

util::Result<ReadResult> read_lines(const LogFile& file, std::int64_t offset, std::size_t max_lines,
                                    std::string& buffer, const LineSink& sink) {
  Fd fd(-1);
  LogFile now;
  auto same = open_same_file(file, fd, now);
  if (!same) return same.error();
  if (!*same) return ReadResult{offset, ReadEnd::Moved, {}};
  // Read up to the size seen now; what is appended meanwhile belongs to the next poll.
  const std::int64_t end = now.size;
  if (end < offset) return util::fail(file.path + " is shorter than the position already read");
  ChunkReader reader{fd.fd, file, end, buffer, offset};
  ReadResult result{offset, ReadEnd::EndOfFile, read_head_of(fd.fd, kHeadBytes)};
  for (;;) {
    auto more = reader.fill();
    if (!more) return more.error();
    auto within_budget = reader.deliver_lines(max_lines, sink);
    if (!within_budget) return within_budget.error();
    if (!*within_budget) {
      result.end = ReadEnd::Budget;
      break;
    }
    if (!*more) break;
  }
  if (result.end == ReadEnd::EndOfFile && !file.live) {
    auto last = reader.deliver_unterminated(max_lines, sink);
    if (!last) return last.error();
    if (!*last) result.end = ReadEnd::Budget;
  }
  result.offset = reader.position();
  return result;
}

}  // namespace wakufleet::logs
