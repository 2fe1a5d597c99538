#include "state/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <random>
#include <system_error>

namespace wakufleet::state::detail {
namespace {

// Closes a descriptor on every path out of a function; close errors that matter are checked
// explicitly before release().
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes now and reports whether the close succeeded (a failed close can mean lost data).
  bool close_checked() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

int open_retrying(const char* path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path, flags, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// write() may write less than asked (signals, quotas); loop until everything is out.
bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

bool read_all(int fd, std::string& out) {
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got == 0) return true;
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    out.append(buffer, static_cast<std::size_t>(got));
  }
}

bool fill_from_urandom(unsigned char* out, std::size_t size) {
  FileDescriptor source(open_retrying("/dev/urandom", O_RDONLY | O_CLOEXEC));
  if (!source.valid()) return false;
  std::size_t filled = 0;
  while (filled < size) {
    const ssize_t got = ::read(source.get(), out + filled, size - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    filled += static_cast<std::size_t>(got);
  }
  return true;
}

}  // namespace

util::Error system_error(std::string_view action, const std::string& path) {
  const std::string reason = std::generic_category().message(errno);
  return util::fail("cannot " + std::string(action) + " " + path + ": " + reason);
}

Result<std::optional<std::string>> read_file_if_exists(const std::string& path) {
  FileDescriptor file(open_retrying(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file.valid()) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return system_error("open", path);
  }
  std::string content;
  if (!read_all(file.get(), content)) return system_error("read", path);
  return std::optional<std::string>{std::move(content)};
}

Result<void> write_file_synced(const std::string& path, std::string_view content, mode_t mode) {
  FileDescriptor file(open_retrying(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!file.valid()) return system_error("create", path);
  // open() applies the umask and keeps the mode of an existing file; fchmod makes it exact.
  if (::fchmod(file.get(), mode) != 0) return system_error("set the mode of", path);
  if (!write_all(file.get(), content)) return system_error("write", path);
  if (::fsync(file.get()) != 0) return system_error("sync", path);
  if (!file.close_checked()) return system_error("close", path);
  return {};
}

Result<void> replace_file_atomically(const std::string& path, std::string_view content, mode_t mode) {
  const std::string temporary = path + ".tmp";
  if (auto written = write_file_synced(temporary, content, mode); !written) return written;
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    auto error = system_error("rename " + temporary + " to", path);
    ::unlink(temporary.c_str());
    return error;
  }
  return fsync_parent_directory(path);
}

Result<void> fsync_parent_directory(const std::string& path) {
  std::string directory = std::filesystem::path(path).parent_path().string();
  if (directory.empty()) directory = ".";
  FileDescriptor handle(open_retrying(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!handle.valid()) return system_error("open directory", directory);
  if (::fsync(handle.get()) != 0) return system_error("sync directory", directory);
  return {};
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  auto* data = reinterpret_cast<unsigned char*>(raw.data());
  if (!fill_from_urandom(data, bytes)) {
    // No /dev/urandom (a minimal chroot): random_device is still seeded by the OS.
    std::random_device device;
    for (std::size_t i = 0; i < bytes; ++i) data[i] = static_cast<unsigned char>(device());
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * bytes);
  for (std::size_t i = 0; i < bytes; ++i) {
    hex.push_back(kDigits[data[i] >> 4]);
    hex.push_back(kDigits[data[i] & 0x0f]);
  }
  return hex;
}

}  // namespace wakufleet::state::detail
