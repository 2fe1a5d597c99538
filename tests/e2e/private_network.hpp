// A private network namespace for an end-to-end test process: only `lo`, up. Every process the
// test starts (wakufleet, s6, go-waku, knot, Prometheus) inherits it, so nothing any of them
// tries (go-waku's NTP client looks up pool.ntp.org) can leave the machine.
// WAKUFLEET_E2E_SHARED_NETWORK=1 runs in the machine's namespace instead.
#pragma once

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

namespace wakufleet::test {

inline bool write_proc_file(const char* path, const std::string& text) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return written;
}

// Moves this process (and so every process it starts: wakufleet, s6, go-waku) into a new network
// namespace whose only interface is `lo`, up. Returns an error text, empty on success.
inline std::string enter_private_network() {
  const char* shared = std::getenv("WAKUFLEET_E2E_SHARED_NETWORK");
  if (shared && std::string(shared) == "1") return "";
  if (::unshare(CLONE_NEWNET) != 0) {
    int first_error = errno;
    uid_t uid = ::getuid();
    gid_t gid = ::getgid();
    // Without CAP_SYS_ADMIN: a user namespace of our own, where we are root.
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
      return std::string("unshare(CLONE_NEWNET): ") + std::strerror(first_error) +
             "; unshare(CLONE_NEWUSER|CLONE_NEWNET): " + std::strerror(errno);
    }
    (void)write_proc_file("/proc/self/setgroups", "deny");
    if (!write_proc_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1\n") ||
        !write_proc_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1\n")) {
      return "cannot write the uid/gid map of the new user namespace";
    }
  }
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  ifreq request{};
  std::memcpy(request.ifr_name, "lo", 3);
  bool up = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
  if (up) {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    up = ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
  }
  std::string error = up ? "" : std::string("cannot bring lo up: ") + std::strerror(errno);
  ::close(fd);
  return error;
}

inline const std::string& private_network_error() {
  static std::once_flag once;
  static std::string error;
  std::call_once(once, [] { error = enter_private_network(); });
  return error;
}

}  // namespace wakufleet::test
