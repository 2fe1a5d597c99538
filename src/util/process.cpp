#include "util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "util/text.hpp"

namespace wakufleet::util {

namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& word : argv) out.push_back(const_cast<char*>(word.c_str()));
  out.push_back(nullptr);
  return out;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

class RealRunner : public ProcessRunner {
 public:
  Result<ProcessResult> run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) override {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) return fail("pipe: " + std::string(strerror(errno)));
    auto args = c_argv(argv);
    pid_t pid = fork();
    if (pid < 0) return fail("fork: " + std::string(strerror(errno)));
    if (pid == 0) {
      dup2(pipe_fds[1], STDOUT_FILENO);
      dup2(pipe_fds[1], STDERR_FILENO);
      int null_fd = open("/dev/null", O_RDONLY);
      dup2(null_fd, STDIN_FILENO);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(pipe_fds[1]);
    ProcessResult result;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool timed_out = false;
    char buffer[4096];
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        timed_out = true;
        break;
      }
      pollfd waiting{pipe_fds[0], POLLIN, 0};
      int ready = poll(&waiting, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) continue;
      ssize_t got = read(pipe_fds[0], buffer, sizeof buffer);
      if (got <= 0) break;
      result.output.append(buffer, static_cast<std::size_t>(got));
    }
    close(pipe_fds[0]);
    if (timed_out) kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) return fail(join(argv, " ") + ": still running after " + std::to_string(timeout.count()) + " ms; killed");
    result.exit_code = decode_status(status);
    if (result.exit_code == 127 && !have_program(argv[0])) return fail(argv[0] + ": program not found");
    return result;
  }

  Result<long> spawn_detached(const std::vector<std::string>& argv, const std::string& log_path) override {
    // Double fork: the daemon is re-parented to init and never becomes our zombie.
    int pid_pipe[2];
    if (pipe2(pid_pipe, O_CLOEXEC) != 0) return fail("pipe: " + std::string(strerror(errno)));
    auto args = c_argv(argv);
    pid_t first = fork();
    if (first < 0) return fail("fork: " + std::string(strerror(errno)));
    if (first == 0) {
      setsid();
      pid_t daemon = fork();
      if (daemon == 0) {
        int null_fd = open("/dev/null", O_RDONLY);
        int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        dup2(null_fd, STDIN_FILENO);
        if (log_fd >= 0) {
          dup2(log_fd, STDOUT_FILENO);
          dup2(log_fd, STDERR_FILENO);
        }
        signal(SIGPIPE, SIG_DFL);
        execvp(args[0], args.data());
        _exit(127);
      }
      long value = daemon;
      ssize_t written = write(pid_pipe[1], &value, sizeof value);
      _exit(written == sizeof value ? 0 : 1);
    }
    close(pid_pipe[1]);
    long daemon_pid = -1;
    ssize_t got = read(pid_pipe[0], &daemon_pid, sizeof daemon_pid);
    close(pid_pipe[0]);
    int status = 0;
    waitpid(first, &status, 0);
    if (got != sizeof daemon_pid || daemon_pid <= 0) return fail("could not start " + argv[0]);
    return daemon_pid;
  }
};

}  // namespace

std::unique_ptr<ProcessRunner> make_process_runner() { return std::make_unique<RealRunner>(); }

bool process_alive(long pid) {
  if (pid <= 0) return false;
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string content((std::istreambuf_iterator<char>(stat_file)), {});
  if (content.empty()) return false;
  auto close_paren = content.rfind(')');
  // A zombie ('Z') is dead for our purposes.
  return close_paren != std::string::npos && close_paren + 2 < content.size() && content[close_paren + 2] != 'Z';
}

std::string process_command_line(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), {});
  for (auto& c : raw) {
    if (c == '\0') c = ' ';
  }
  return trim(raw);
}

bool have_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  for (const auto& dir : split(path ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat info {};
    if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(candidate.c_str(), X_OK) == 0) return true;
  }
  return false;
}

}  // namespace wakufleet::util
