#include "providers/digitalocean/clock.hpp"

#include <thread>

namespace wakufleet::providers::digitalocean {

namespace {

class RealClock : public Clock {
 public:
  std::chrono::system_clock::time_point now() override { return std::chrono::system_clock::now(); }
  void sleep_for(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }
};

}  // namespace

Clock& real_clock() {
  static RealClock clock;
  return clock;
}

}  // namespace wakufleet::providers::digitalocean
