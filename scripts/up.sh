#!/usr/bin/env bash
# Brings up the default local fleet (examples/local.toml): installs what is missing, builds the
# pinned go-waku and wakufleet, applies, and shows the fleet. Run it again: it changes nothing.
set -euo pipefail
repo="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
spec="${1:-$repo/examples/local.toml}"
"$repo/scripts/deps.sh"
"$repo/scripts/install-gowaku.sh" >/dev/null
"$repo/scripts/build.sh" wakufleet
"$repo/build/src/wakufleet" apply -f "$spec" --auto-approve
"$repo/build/src/wakufleet" status -f "$spec"
