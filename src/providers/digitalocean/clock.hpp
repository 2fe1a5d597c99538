// Time as the DigitalOcean client sees it. Injected so that tests can honour a 60 s retry-after
// or a rate-limit reset without really sleeping (the default is the real clock).
#pragma once

#include <chrono>

namespace wakufleet::providers::digitalocean {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time: DigitalOcean's ratelimit-reset header is an epoch second.
  virtual std::chrono::system_clock::time_point now() = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

// The process-wide real clock (std::chrono::system_clock and std::this_thread::sleep_for).
Clock& real_clock();

}  // namespace wakufleet::providers::digitalocean
