#!/usr/bin/env bash
# Runs every test: installs what is missing, builds the pinned go-waku and wakufleet, then ctest
# (unit tests, spec error texts, engine, and end-to-end tests of real go-waku fleets).
set -euo pipefail
repo="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/deps.sh"
"$repo/scripts/install-gowaku.sh" >/dev/null
"$repo/scripts/build.sh"
# End-to-end tests start real fleets: one at a time on two cores.
ctest --test-dir "$repo/build" --output-on-failure -j1 "$@"
