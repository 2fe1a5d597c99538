// The `local` target: the whole fleet on this machine, every node the real go-waku binary on its
// own loopback address, supervised by s6. Resources:
//   local_supervisor.<fleet>  the fleet's s6-svscan
//   local_node.<node>         one go-waku service (depends on the supervisor)
//   local_mesh.<fleet>        static peers written for every node and dialled live (depends on
//                             every node), so scaling never restarts the nodes that stay
#pragma once

#include <memory>

#include "engine/provider.hpp"
#include "providers/registry.hpp"

namespace wakufleet::providers::local {

std::unique_ptr<engine::Provider> make_local_provider(const Context& context);

// The go-waku binary for a pinned version: $WAKUFLEET_GOWAKU if set, else the build that
// scripts/install-gowaku.sh leaves in the cache ($WAKUFLEET_CACHE or the source tree's .cache).
std::string gowaku_binary(const std::string& version);

}  // namespace wakufleet::providers::local
