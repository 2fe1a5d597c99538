// The two things the target does on a droplet rather than through the API, tested up to the
// boundary that cannot be reached from here: the readiness probe against real sockets on loopback,
// and the DataDog key delivery through an `ssh` stand-in that runs the remote command locally
// (below a scratch root), so the real command gets the key exactly as sshd would hand it over.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "bootstrap/bootstrap.hpp"
#include "providers/digitalocean/provider.hpp"

namespace wakufleet::providers::digitalocean {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A TCP listener on 127.0.0.1; port 0 picks a free one.
class Listener {
 public:
  explicit Listener(int port = 0) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int yes = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    where.sin_port = htons(static_cast<std::uint16_t>(port));
    if (bind(fd_, reinterpret_cast<sockaddr*>(&where), sizeof where) != 0 || listen(fd_, 4) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port));
    }
    socklen_t length = sizeof where;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&where), &length);
    port_ = ntohs(where.sin_port);
  }
  ~Listener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

int free_port() { return Listener().port(); }

TEST(TcpProbe, SucceedsWhenSomethingListens) {
  Listener node;
  EXPECT_TRUE(tcp_probe("127.0.0.1", node.port(), 5s).ok());
}

TEST(TcpProbe, WaitsForANodeThatStartsLater) {
  const int port = free_port();
  std::atomic<bool> probed_done{false};
  std::thread later([&] {
    std::this_thread::sleep_for(1500ms);
    Listener node(port);
    while (!probed_done) std::this_thread::sleep_for(50ms);
  });
  const auto start = std::chrono::steady_clock::now();
  auto probed = tcp_probe("127.0.0.1", port, 20s);
  const auto waited = std::chrono::steady_clock::now() - start;
  probed_done = true;
  later.join();
  EXPECT_TRUE(probed.ok()) << (probed.ok() ? "" : probed.error().message);
  EXPECT_GE(waited, 1s);
}

TEST(TcpProbe, GivesUpWithTheAddressInTheError) {
  const int port = free_port();
  auto probed = tcp_probe("127.0.0.1", port, 1s);
  ASSERT_FALSE(probed.ok());
  EXPECT_EQ(probed.error().message,
            "nothing accepted TCP connections on 127.0.0.1:" + std::to_string(port) + " within 1 s");
}

// Puts an `ssh` first on PATH that records its argv and runs the remote command with sh, with
// /etc/wakufleet moved below <dir>/root, then exits with `exit_code` (or the command's status).
class SshStandIn : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/wakufleet-ssh-XXXXXX";
    dir_ = mkdtemp(pattern);
    old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "";
    setenv("PATH", (dir_ + ":" + old_path_).c_str(), 1);
  }
  void TearDown() override {
    setenv("PATH", old_path_.c_str(), 1);
    fs::remove_all(dir_);
  }
  void install(int exit_code) {
    std::ofstream script(dir_ + "/ssh");
    script << "#!/bin/sh\n"
           << "for arg in \"$@\"; do printf '%s\\n' \"$arg\"; done >'" << dir_ << "/argv'\n"
           << "for command in \"$@\"; do :; done\n"
           << "[ " << exit_code << " -eq 0 ] || exit " << exit_code << "\n"
           << "exec sh -c \"$(printf '%s' \"$command\" | sed 's|/etc/wakufleet|" << dir_ << "/root/etc/wakufleet|g')\"\n";
    script.close();
    fs::permissions(dir_ + "/ssh", fs::perms::owner_all);
  }
  std::string read(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string dir_, old_path_;
};

TEST_F(SshStandIn, TheKeyGoesOnStdinAndLandsInAPrivateFile) {
  install(0);
  const std::string key = "0123456789abcdef0123456789abcdef";
  auto delivered = ssh_deliver_key("203.0.113.7", key);
  ASSERT_TRUE(delivered.ok()) << delivered.error().message;
  const std::string argv = read(dir_ + "/argv");
  EXPECT_EQ(argv.find(key), std::string::npos) << "the key must never be in an argv";
  EXPECT_NE(argv.find("BatchMode=yes\n"), std::string::npos) << argv;
  EXPECT_NE(argv.find("StrictHostKeyChecking=accept-new\n"), std::string::npos) << argv;
  EXPECT_NE(argv.find("\nroot@203.0.113.7\n" + bootstrap::datadog_key_install_command() + "\n"), std::string::npos) << argv;
  const std::string file = dir_ + "/root" + bootstrap::kDatadogKeyFile;
  EXPECT_EQ(read(file), key + "\n");
  struct stat info {};
  ASSERT_EQ(stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(file + ".new"));
}

TEST_F(SshStandIn, AFailedSshIsAnErrorWithItsExitCode) {
  install(255);
  auto delivered = ssh_deliver_key("203.0.113.7", "0123456789abcdef0123456789abcdef");
  ASSERT_FALSE(delivered.ok());
  EXPECT_EQ(delivered.error().message, "ssh root@203.0.113.7 failed (exit 255)");
}

}  // namespace
}  // namespace wakufleet::providers::digitalocean
