#!/usr/bin/env bash
# Builds wakufleet and its tests with a sanitizer into build-<kind>/ and runs the tests there:
#   scripts/sanitize.sh thread [CTEST ARGS...]    data races (the apply engine's parallel workers)
#   scripts/sanitize.sh address [CTEST ARGS...]   heap errors, leaks and undefined behaviour
# Reports from the wakufleet processes the tests start go to build-<kind>/reports/. Not part of
# scripts/test.sh: a sanitized build takes about 20 minutes on two cores. Needs scripts/test.sh's
# set-up (packages, go-waku) first.
set -euo pipefail
repo="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
kind="${1:-}"
shift || true
case "$kind" in
  thread) flags="-fsanitize=thread" ;;
  address) flags="-fsanitize=address,undefined -fno-omit-frame-pointer" ;;
  *) echo "usage: scripts/sanitize.sh thread|address [ctest arguments...]" >&2; exit 2 ;;
esac
dir="$repo/build-$kind"
cmake -S "$repo" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWAKUFLEET_WERROR=ON \
  -DCMAKE_CXX_FLAGS="$flags -O1 -g" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
ninja -C "$dir" -j2
rm -rf "$dir/reports" && mkdir -p "$dir/reports"
export TSAN_OPTIONS="log_path=$dir/reports/tsan halt_on_error=0"
export ASAN_OPTIONS="log_path=$dir/reports/asan detect_leaks=1"
export UBSAN_OPTIONS="log_path=$dir/reports/ubsan print_stacktrace=1"
status=0
(cd "$dir" && ctest --output-on-failure "$@") || status=$?
if compgen -G "$dir/reports/*" >/dev/null; then
  echo "sanitize: reports in $dir/reports:" >&2
  ls "$dir/reports" >&2
  status=1
fi
exit "$status"
