#!/usr/bin/env bash
# bench/local_floor.sh — the "floor" for wakufleet's local target: the time a plain bash script
# needs to bring up N meshed go-waku nodes on loopback.
#
# usage: bench/local_floor.sh [N=3] [WAKU_BIN]      (or env WAKU_BIN)
#   node i listens on 127.77.1.(10+i) with go-waku's normal ports (tcp 60000, ws 60001,
#   metrics 8008, REST 8645), relay on /waku/2/rs/0/0, --staticnode to every previous node.
#   Ready = metrics /health says OK on every node, its REST answers, and (N>1) every node has
#   >=1 connected relay peer in REST /admin/v1/peers. Prints `floor_seconds=<float>` (from the first spawn to ready)
#   on stdout; everything it started is killed on exit.
#
# env:
#   FLOOR_ISOLATE=auto|1|0  auto (default): re-exec inside a private network namespace
#                           (`unshare -rn`, only loopback) when possible. go-waku always queries
#                           *.pool.ntp.org (no flag disables it); isolation keeps every packet on lo.
#   FLOOR_MODE=par|seq      seq: spawn node i only once node i-1's REST answers (REST starts
#                           after the libp2p listener, so its --staticnode dials cannot hit a closed
#                           port). par (default): spawn all at once, then repair isolated nodes with
#                           POST /admin/v1/peers — needed because --staticnode is dialed exactly once,
#                           a refused dial is not retried for >=1 min (peer-manager backoff).
#   FLOOR_TIMEOUT=60        seconds before giving up (exit 1)
#   FLOOR_EXTRA_FLAGS=""    extra flags appended to every node's command line
#   FLOOR_KEEP=0            1: keep the temp dir (logs) and print its path on stderr
set -euo pipefail

N="${1:-3}"
WAKU_BIN="${2:-${WAKU_BIN:-}}"
[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1 && "$N" -le 240 ]] || { echo "N must be 1..240" >&2; exit 2; }
if [[ -z "$WAKU_BIN" ]]; then
  here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
  WAKU_BIN="${WAKUFLEET_CACHE:-$here/../.cache}/go-waku/0.10.0-01bb2e1c/waku"
fi
[[ -x "$WAKU_BIN" ]] || { echo "go-waku binary not found/executable: $WAKU_BIN (arg 2 or WAKU_BIN)" >&2; exit 2; }
WAKU_BIN="$(cd -- "$(dirname -- "$WAKU_BIN")" && pwd)/$(basename -- "$WAKU_BIN")"

ISOLATE="${FLOOR_ISOLATE:-auto}"
if [[ "$ISOLATE" != 0 && -z "${_FLOOR_IN_NETNS:-}" ]]; then
  if command -v unshare >/dev/null && command -v ip >/dev/null \
     && unshare -rn true 2>/dev/null; then
    export _FLOOR_IN_NETNS=1
    exec unshare -rn bash -c 'ip link set lo up && exec bash "$0" "$@"' "${BASH_SOURCE[0]}" "$N" "$WAKU_BIN"
  elif [[ "$ISOLATE" == 1 ]]; then
    echo "FLOOR_ISOLATE=1 but 'unshare -rn' is not usable here" >&2; exit 2
  else
    echo "note: running without network isolation (go-waku will try to reach *.pool.ntp.org)" >&2
  fi
fi

for tool in curl; do command -v "$tool" >/dev/null || { echo "need $tool" >&2; exit 2; }; done
HAVE_JQ=0; command -v jq >/dev/null && HAVE_JQ=1

TIMEOUT="${FLOOR_TIMEOUT:-60}"
MODE="${FLOOR_MODE:-par}"
[[ "$MODE" == seq || "$MODE" == par ]] || { echo "FLOOR_MODE must be seq or par" >&2; exit 2; }
TOPIC=/waku/2/rs/0/0
WORK="$(mktemp -d "${TMPDIR:-/tmp}/wakufloor.XXXXXX")"
PIDS=()

cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ "${FLOOR_KEEP:-0}" == 1 ]]; then echo "logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { date +%s.%N; }
ip_of() { echo "127.77.1.$((10 + $1))"; }

# --- preparation (not timed): keys and multiaddrs (peer ids) ------------------------------------
MA=()
for ((i = 0; i < N; i++)); do
  key="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"   # 32 random bytes = secp256k1 key (hex)
  echo "$key" >"$WORK/key$i"
  mkdir -p "$WORK/n$i"
  # --show-addresses prints /ip4/IP/tcp/60000/p2p/<peer id> without starting the node (~30 ms)
  MA[i]="$("$WAKU_BIN" --nodekey="$key" --address="$(ip_of "$i")" --tcp-port=60000 --show-addresses 2>/dev/null | head -n1)"
  [[ "${MA[i]}" == */p2p/* ]] || { echo "could not derive multiaddr for node $i" >&2; exit 1; }
done

# --- start (timed) ---------------------------------------------------------------------------------
export LIBP2P_TCP_REUSEPORT=false   # a taken tcp port is then a startup error (exit 166), not a silent share
T0="$(now)"
for ((i = 0; i < N; i++)); do
  ip="$(ip_of "$i")"
  args=(
    --nodekey="$(cat "$WORK/key$i")"
    --address="$ip" --tcp-port=60000
    --websocket-support --websocket-address="$ip" --websocket-port=60001
    --ext-multiaddr="/ip4/$ip/tcp/60000" --ext-multiaddr="/ip4/$ip/tcp/60001/ws"
    --relay --cluster-id=0 --pubsub-topic="$TOPIC"
    --store --store-message-db-url="sqlite3://$WORK/n$i/store.sqlite3" --store-message-retention-time=1h
    --filter --lightpush
    --ip-colocation-limit=0
    --log-encoding=json --log-output="file:$WORK/n$i/waku.log"
    --metrics-server --metrics-server-address="$ip" --metrics-server-port=8008
    --rest --rest-address="$ip" --rest-port=8645 --rest-admin
  )
  for ((j = 0; j < i; j++)); do args+=(--staticnode="${MA[j]}"); done
  # shellcheck disable=SC2206
  [[ -n "${FLOOR_EXTRA_FLAGS:-}" ]] && args+=(${FLOOR_EXTRA_FLAGS})
  "$WAKU_BIN" "${args[@]}" >"$WORK/n$i/stdout" 2>"$WORK/n$i/stderr" &
  PIDS+=($!)
  if [[ "$MODE" == seq && $i -lt $((N - 1)) ]]; then
    until curl -s -m 1 -o /dev/null "http://$ip:8645/debug/v1/version"; do
      kill -0 "${PIDS[i]}" 2>/dev/null || { echo "node $i exited early; stderr:" >&2; tail -n 5 "$WORK/n$i/stderr" >&2; exit 1; }
      sleep 0.005
    done
  fi
done

# --- wait until ready ------------------------------------------------------------------------------
has_relay_peer() { # $1 = ip
  local body
  body="$(curl -s -m 1 "http://$1:8645/admin/v1/peers")" || return 1
  if [[ $HAVE_JQ == 1 ]]; then
    jq -e 'any(.[]?; .connected and (.protocols // [] | index("/vac/waku/relay/2.0.0")))' >/dev/null <<<"$body"
  else
    # fallback: any connected peer that advertises relay (objects are flat apart from string arrays)
    tr -d '\n' <<<"$body" | sed 's/},{/}\n{/g' | grep '"connected":true' | grep -q '/vac/waku/relay/2.0.0'
  fi
}

# par mode: connect an isolated-but-healthy node to a neighbour; retried every 0.5 s per node.
# The dial must come from the side that has NOT dialed before: libp2p's swarm keeps a ~5 s dial
# backoff for addresses that just refused. Node b dialed every a<b at startup, so the lower index
# dials: node i -> node i+1, or for the last node, node N-2 -> node N-1 (connections are bidirectional).
declare -A repaired_at=()
repair() { # $1 = node index
  local i=$1 from to t
  t="$(now)"
  if [[ -n "${repaired_at[$i]:-}" ]] && awk -v a="$t" -v b="${repaired_at[$i]}" 'BEGIN{exit !(a-b<0.5)}'; then return 0; fi
  repaired_at[$i]="$t"
  if ((i < N - 1)); then from=$i; to=$((i + 1)); else from=$((i - 1)); to=$i; fi
  curl -s -m 2 -o /dev/null -X POST -H 'Content-Type: application/json' \
    -d "{\"multiaddr\":\"${MA[to]}\",\"protocols\":[\"/vac/waku/relay/2.0.0\"],\"shards\":[0]}" \
    "http://$(ip_of "$from"):8645/admin/v1/peers" || true
}

declare -A ready=()
deadline="$(awk -v t="$T0" -v d="$TIMEOUT" 'BEGIN{printf "%.3f", t+d}')"
while :; do
  for ((i = 0; i < N; i++)); do
    [[ -n "${ready[$i]:-}" ]] && continue
    if ! kill -0 "${PIDS[i]}" 2>/dev/null; then
      echo "node $i exited early; stderr:" >&2; tail -n 5 "$WORK/n$i/stderr" >&2; exit 1
    fi
    ip="$(ip_of "$i")"
    [[ "$(curl -s -m 1 "http://$ip:8008/health" 2>/dev/null)" == OK ]] || continue
    # metrics /health is served before the node is built, so it is not readiness on its own;
    # REST starts last (just before "Node setup complete"): require it too.
    if ((N == 1)); then curl -s -m 1 -o /dev/null "http://$ip:8645/debug/v1/version" || continue; fi
    if ((N > 1)) && ! has_relay_peer "$ip"; then
      [[ "$MODE" == par ]] && repair "$i"
      continue
    fi
    ready[$i]=1
  done
  ((${#ready[@]} == N)) && break
  if awk -v a="$(now)" -v b="$deadline" 'BEGIN{exit !(a>b)}'; then
    echo "timeout after ${TIMEOUT}s: ${#ready[@]}/$N nodes ready" >&2; exit 1
  fi
  sleep 0.02
done
T1="$(now)"
awk -v a="$T0" -v b="$T1" 'BEGIN{printf "floor_seconds=%.3f\n", b-a}'
