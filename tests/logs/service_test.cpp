// run_collector as the s6 service runs it: collects until SIGTERM, then exits 0 promptly.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace wakufleet::logs {
namespace {

using namespace testing;
using namespace std::chrono_literals;

std::size_t indexed_lines(const std::string& root) {
  auto index = Index::open_for_reading(index_path(root));
  if (!index) return 0;
  auto count = (*index)->count();
  return count ? static_cast<std::size_t>(*count) : 0;
}

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

TEST(Service, CollectsUntilSigtermThenExitsCleanly) {
  TempFleet fleet;
  for (std::size_t seq = 0; seq < 50; ++seq) fleet.append_line("node-" + std::to_string(seq % 2), waku_line(seq));
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::freopen("/dev/null", "w", stderr);
    ::_exit(run_collector(fleet.root()));
  }
  EXPECT_TRUE(wait_for([&] { return indexed_lines(fleet.root()) == 50; }, 10s)) << "initial lines";
  fleet.append_line("node-2", waku_line(50));  // a node that appeared after the start
  EXPECT_TRUE(wait_for([&] { return indexed_lines(fleet.root()) == 51; }, 10s)) << "a new node is discovered";
  const auto signalled = std::chrono::steady_clock::now();
  ::kill(child, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  // It checks for the signal every 50 ms; a poll under way (an SQLite commit on a busy disk) may
  // hold it a while, but never for long.
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 10s);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace wakufleet::logs
