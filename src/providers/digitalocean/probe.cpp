// The two things the target does on a droplet itself rather than through DigitalOcean's API:
// waiting until go-waku accepts libp2p connections, and handing over the DataDog API key.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "bootstrap/bootstrap.hpp"
#include "providers/digitalocean/provider.hpp"

namespace wakufleet::providers::digitalocean {

namespace {

// One non-blocking connect, given `wait` to succeed.
bool accepts(const std::string& address, int port, std::chrono::milliseconds wait) {
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, address.c_str(), &where.sin_addr) != 1) return false;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool connected = connect(fd, reinterpret_cast<sockaddr*>(&where), sizeof where) == 0;
  if (!connected && errno == EINPROGRESS) {
    pollfd watch{fd, POLLOUT, 0};
    int error = 0;
    socklen_t length = sizeof error;
    connected = poll(&watch, 1, static_cast<int>(wait.count())) == 1 &&
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
  }
  close(fd);
  return connected;
}

// Writes all of `text` to `fd` (a socket: MSG_NOSIGNAL, so an ssh that exits early cannot kill us
// with SIGPIPE), then closes it.
void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t wrote = send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (wrote <= 0) break;
    done += static_cast<std::size_t>(wrote);
  }
  close(fd);
}

}  // namespace

util::Result<void> tcp_probe(const std::string& address, int port, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (accepts(address, port, std::chrono::milliseconds(3000))) return {};
    std::this_thread::sleep_for(std::chrono::seconds(3));
  }
  return util::fail("nothing accepted TCP connections on " + address + ":" + std::to_string(port) + " within " +
                    std::to_string(timeout.count()) + " s");
}

// ssh in batch mode (keys from the agent or ~/.ssh; a new host key is accepted once and then
// pinned), the command of bootstrap::datadog_key_install_command() as argv, the key on stdin only.
util::Result<void> ssh_deliver_key(const std::string& address, const std::string& api_key) {
  int pipe_fds[2];  // [0] becomes ssh's stdin, [1] is where the key is written
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pipe_fds) != 0) return util::fail("cannot make a socket for ssh");
  const std::string target = "root@" + address;
  const std::string command = bootstrap::datadog_key_install_command();
  pid_t child = fork();
  if (child < 0) return util::fail("cannot start ssh");
  if (child == 0) {
    dup2(pipe_fds[0], STDIN_FILENO);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    execlp("ssh", "ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=20",
           target.c_str(), command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_fds[0]);
  write_all(pipe_fds[1], api_key + "\n");
  int status = 0;
  waitpid(child, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  return util::fail("ssh " + target + " failed (exit " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
}

}  // namespace wakufleet::providers::digitalocean
