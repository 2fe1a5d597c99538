// do_api_server: the fake DigitalOcean API as a standalone process (see README.md).
//   do_api_server --listen 127.0.0.1:PORT --token TOKEN [--faults JSON] [--reads-until-active N]
//                 [--reads-until-public-ip N] [--polls-until-action-done N] [--droplet-limit N]
//                 [--ratelimit N]
// Listens on loopback only; prints "listening on http://HOST:PORT" and serves until SIGINT/SIGTERM.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "fakes/do_api/fake_do.hpp"

namespace {

using wakufleet::fakes::do_api::FakeDigitalOcean;
using wakufleet::fakes::do_api::FakeOptions;
using wakufleet::fakes::do_api::FaultConfig;

int usage(const std::string& problem) {
  std::cerr << "do_api_server: " << problem << "\n"
            << "usage: do_api_server --listen 127.0.0.1:PORT --token TOKEN [--faults JSON]\n"
            << "         [--reads-until-active N] [--reads-until-public-ip N] [--polls-until-action-done N]\n"
            << "         [--droplet-limit N] [--ratelimit N]\n";
  return 2;
}

bool loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

int number(const std::map<std::string, std::string>& args, const std::string& name, int fallback) {
  auto found = args.find(name);
  return found == args.end() ? fallback : std::atoi(found->second.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) return usage("unexpected argument " + name);
    args[name.substr(2)] = argv[++i];
  }
  if (!args.count("token") || args["token"].empty()) return usage("--token is required");
  const std::string listen = args.count("listen") ? args["listen"] : "127.0.0.1:0";
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return usage("--listen takes HOST:PORT");
  const std::string host = listen.substr(0, colon);
  if (!loopback(host)) return usage("the fake listens on loopback addresses only, not " + host);

  FakeOptions options;
  options.token = args["token"];
  options.reads_until_active = number(args, "reads-until-active", options.reads_until_active);
  options.reads_until_public_ip = number(args, "reads-until-public-ip", options.reads_until_public_ip);
  options.polls_until_action_done = number(args, "polls-until-action-done", options.polls_until_action_done);
  options.droplet_limit = number(args, "droplet-limit", options.droplet_limit);
  options.ratelimit_limit = number(args, "ratelimit", static_cast<int>(options.ratelimit_limit));

  // Block the stop signals before the server's threads start, so that sigwait gets them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  FakeDigitalOcean fake(options);
  if (args.count("faults")) {
    auto faults = FaultConfig::from_json(nlohmann::json::parse(args["faults"], nullptr, false));
    if (!faults) return usage("--faults: " + faults.error().message);
    fake.set_faults(*faults);
  }
  if (auto started = fake.start(host, std::atoi(listen.substr(colon + 1).c_str())); !started) {
    std::cerr << "do_api_server: " << started.error().message << "\n";
    return 1;
  }
  std::cout << "listening on " << fake.url() << std::endl;
  int received = 0;
  sigwait(&stop_signals, &received);
  fake.stop();
  return 0;
}
