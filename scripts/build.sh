#!/usr/bin/env bash
# Configures and builds wakufleet into build/ (warnings are errors). Idempotent and incremental.
set -euo pipefail
repo="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
cmake -S "$repo" -B "$repo/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWAKUFLEET_WERROR=ON >/dev/null
# Two jobs: the machines this runs on have two cores and toml++/json are heavy to compile.
ninja -C "$repo/build" -j2 "$@"
