// Test doubles for the DigitalOcean client: a fake clock (no real sleeping for retry-after or
// back-off; it moves the fake server's clock along), a scripted in-memory HttpClient, and a
// fixture that runs the fake DigitalOcean in-process on an ephemeral loopback port.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "fakes/do_api/fake_do.hpp"
#include "providers/digitalocean/api.hpp"

namespace wakufleet::providers::digitalocean::testing {

inline constexpr const char* kToken = "dop_v1_test_token_that_must_never_be_printed";

class FakeClock : public Clock {
 public:
  explicit FakeClock(std::function<void(std::chrono::milliseconds)> on_sleep = {})
      : now_(std::chrono::system_clock::now()), on_sleep_(std::move(on_sleep)) {}

  std::chrono::system_clock::time_point now() override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void sleep_for(std::chrono::milliseconds duration) override {
    {
      std::lock_guard lock(mutex_);
      now_ += duration;
      sleeps_.push_back(duration);
    }
    if (on_sleep_) on_sleep_(duration);
  }
  std::vector<std::chrono::milliseconds> sleeps() {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }
  bool slept(std::chrono::milliseconds duration) {
    auto all = sleeps();
    return std::find(all.begin(), all.end(), duration) != all.end();
  }
  std::chrono::milliseconds total_sleep() {
    std::chrono::milliseconds total{0};
    for (auto sleep : sleeps()) total += sleep;
    return total;
  }

 private:
  std::mutex mutex_;
  std::chrono::system_clock::time_point now_;
  std::vector<std::chrono::milliseconds> sleeps_;
  std::function<void(std::chrono::milliseconds)> on_sleep_;
};

// Answers from a script, in order, and records every request.
class ScriptedHttp : public util::HttpClient {
 public:
  void answer(long status, std::string body, std::map<std::string, std::string> headers = {}) {
    util::HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    response.headers = std::move(headers);
    script_.push_back(response);
  }
  void fail(std::string message) {
    failures_[script_.size()] = std::move(message);
    script_.emplace_back();
  }

  util::Result<util::HttpResponse> send(const util::HttpRequest& request) override {
    std::size_t index = requests.size();
    requests.push_back(request);
    if (index >= script_.size()) return util::fail("scripted client: no answer left for " + request.url);
    if (failures_.count(index)) return util::fail(failures_[index]);
    return script_[index];
  }

  std::vector<util::HttpRequest> requests;

 private:
  std::vector<util::HttpResponse> script_;
  std::map<std::size_t, std::string> failures_;
};

// Options for tests: quick timeouts where faults make them happen; everything else as shipped.
inline ClientOptions test_options() {
  ClientOptions options;
  options.request_timeout = std::chrono::milliseconds(5000);
  return options;
}

class DoClient : public ::testing::Test {
 protected:
  void SetUp() override {
    fakes::do_api::FakeOptions options;
    options.token = kToken;
    fake_ = std::make_unique<fakes::do_api::FakeDigitalOcean>(options);
    auto started = fake_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    clock_ = std::make_unique<FakeClock>([this](std::chrono::milliseconds by) { fake_->advance_clock(by); });
    http_ = util::make_curl_client();
    make_client(test_options());
  }
  void TearDown() override { fake_->stop(); }

  void make_client(ClientOptions options, const std::string& token = kToken) {
    client_ = std::make_unique<DigitalOceanClient>(*http_, ClientConfig{fake_->url(), token}, *clock_, options);
  }

 public:
  static DropletRequest droplet(const std::string& fleet, const std::string& node) {
    DropletRequest request;
    request.name = fleet + "-" + node;
    request.region = "nyc3";
    request.size = "s-1vcpu-1gb";
    request.image = "ubuntu-24-04-x64";
    request.tags = {"wakufleet"};
    request.lookup_tag = "wf-" + fleet;
    request.resource_tag = "wf-" + fleet + "-" + node;
    return request;
  }

  static std::vector<DropletRequest> droplets(const std::string& fleet, int count) {
    std::vector<DropletRequest> out;
    for (int i = 1; i <= count; ++i) out.push_back(droplet(fleet, "node-" + std::to_string(i)));
    return out;
  }

 protected:
  nlohmann::json fake_droplets() { return fake_->snapshot()["droplets"]; }

 public:
  // Access for helpers outside the test bodies.
  struct Fixture {
    explicit Fixture(DoClient& test) : test_(test) {}
    void make_client(ClientOptions options) { test_.make_client(options); }
    fakes::do_api::FakeDigitalOcean& fake() { return *test_.fake_; }
    DigitalOceanClient& client() { return *test_.client_; }

   private:
    DoClient& test_;
  };

 protected:
  std::unique_ptr<fakes::do_api::FakeDigitalOcean> fake_;
  std::unique_ptr<FakeClock> clock_;
  std::unique_ptr<util::HttpClient> http_;
  std::unique_ptr<DigitalOceanClient> client_;
};

}  // namespace wakufleet::providers::digitalocean::testing
