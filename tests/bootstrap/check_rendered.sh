#!/usr/bin/env bash
# CTest: renders every node of a real example spec (through the spec parser) and runs, on what a
# droplet would get, the validators the droplet's own tools apply: cloud-init's schema, systemd's
# verify and security score (at most 3.0), and shellcheck on the bootstrap script.
# Usage: check_rendered.sh path/to/bootstrap_render path/to/fleet.toml
set -euo pipefail
render=$1 spec=$2
out=$(mktemp -d) batch=$(mktemp -d)
trap 'rm -rf "$out" "$batch"' EXIT

"$render" "$spec" "$out" "$batch"
nodes=0
for dir in "$out"/*/; do
  node=$(basename "$dir")
  nodes=$((nodes + 1))
  cloud-init schema --config-file "$dir/user-data.yaml" >/dev/null \
    || { echo "$node: user data fails cloud-init schema" >&2; exit 1; }
  size=$(wc -c <"$dir/user-data.yaml")
  ((size < 65536)) || { echo "$node: user data is $size bytes (limit 65536)" >&2; exit 1; }

  # verify needs ExecStart's binary to exist: swap in /bin/true.
  unit_dir=$(mktemp -d -p "$out")
  sed 's|^ExecStart=/usr/local/bin/waku|ExecStart=/bin/true|' "$dir/go-waku.service" >"$unit_dir/go-waku.service"
  warnings=$(systemd-analyze verify "$unit_dir/go-waku.service" 2>&1) \
    || { echo "$node: systemd-analyze verify failed: $warnings" >&2; exit 1; }
  [[ -z $warnings ]] || { echo "$node: systemd-analyze verify warns: $warnings" >&2; exit 1; }
  exposure=$(systemd-analyze security --offline=true --no-pager "$unit_dir/go-waku.service" \
    | sed -n 's/.*Overall exposure level for go-waku\.service: \([0-9.]*\).*/\1/p')
  [[ -n $exposure ]] || { echo "$node: no exposure score" >&2; exit 1; }
  awk -v e="$exposure" 'BEGIN { exit !(e <= 3.0) }' \
    || { echo "$node: exposure $exposure is above 3.0" >&2; exit 1; }

  if command -v shellcheck >/dev/null; then
    shellcheck --shell=sh "$dir/wakufleet-bootstrap"
  else
    dash -n "$dir/wakufleet-bootstrap"
  fi
  echo "$node: user data $size bytes, $(cat "$dir/user-data.sha256"), exposure $exposure"
done
((nodes > 0)) || { echo "no node rendered from $spec" >&2; exit 1; }

cloud-init schema --config-file "$batch/user-data.yaml" >/dev/null \
  || { echo "the batch user data fails cloud-init schema" >&2; exit 1; }
size=$(wc -c <"$batch/user-data.yaml")
((size < 65536)) || { echo "the batch user data is $size bytes (limit 65536)" >&2; exit 1; }
if command -v shellcheck >/dev/null; then shellcheck --shell=sh "$batch/wakufleet-select"; else dash -n "$batch/wakufleet-select"; fi
echo "batch of up to 10 nodes: user data $size bytes"
