#!/usr/bin/env bash
# Time from `wakufleet apply` to "all nodes ready and meshed" (apply returns only then) for
# fleets of 1, 3 and 10 nodes (or the sizes given as arguments), side by side with the floor:
# bench/local_floor.sh starting the same go-waku binary with the same flags from plain shell.
# Goal (issue 3): ratio <= 1.3 at 10 nodes; 30 nodes works.
#
# usage: bench/local_apply_bench.sh [N...]        (default: 1 3 10)
set -euo pipefail
repo="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
wakufleet="${WAKUFLEET:-$repo/build/src/wakufleet}"
[[ -x "$wakufleet" ]] || { echo "build wakufleet first (scripts/build.sh)" >&2; exit 2; }
sizes=("$@")
((${#sizes[@]})) || sizes=(1 3 10)

work="$(mktemp -d "${TMPDIR:-/tmp}/wakufleet-bench.XXXXXX")"
spec="$work/fleet.toml"
cleanup() {
  [[ -f "$spec" ]] && "$wakufleet" destroy -f "$spec" --auto-approve >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }

printf '%-6s %-14s %-12s %s\n' nodes wakufleet_s floor_s ratio
for n in "${sizes[@]}"; do
  cat >"$spec" <<SPEC
[fleet]
name = "bench-$n"
domain = "bench.waku.test"
nodes = $n

[target.local]
subnet = "127.210.$n.0/24"
data_dir = "$work/data"

[waku]
protocols = ["relay"]
cluster_id = 0
shards = [0]
SPEC
  start=$(now)
  "$wakufleet" apply -f "$spec" --auto-approve --parallelism 8 >"$work/apply.log" 2>&1 || {
    cat "$work/apply.log" >&2
    exit 1
  }
  end=$(now)
  "$wakufleet" destroy -f "$spec" --auto-approve >/dev/null 2>&1
  ours=$(echo "$end - $start" | bc -l)
  floor=$("$repo/bench/local_floor.sh" "$n" | sed -n 's/^floor_seconds=//p')
  ratio=$(echo "$ours / $floor" | bc -l)
  printf '%-6s %-14.3f %-12.3f %.2f\n' "$n" "$ours" "$floor" "$ratio"
done
