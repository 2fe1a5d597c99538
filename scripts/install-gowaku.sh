#!/usr/bin/env bash
# Build the pinned go-waku (v0.10.0, 01bb2e1c) from the wrapper module in tools/gowaku.
# Idempotent: skips the build when the cached binary exists and reports the pinned version.
# Output: ${WAKUFLEET_CACHE:-<repo>/.cache}/go-waku/0.10.0-01bb2e1c/waku
# Progress goes to stderr; the binary path is the last line on stdout.
set -euo pipefail

GOWAKU_VERSION=0.10.0
GOWAKU_COMMIT=01bb2e1c
PINNED="${GOWAKU_VERSION}-${GOWAKU_COMMIT}"

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd -- "${SCRIPT_DIR}/.." && pwd)"
CACHE="${WAKUFLEET_CACHE:-${REPO}/.cache}"
OUT_DIR="${CACHE}/go-waku/${PINNED}"
OUT="${OUT_DIR}/waku"
MODDIR="${REPO}/tools/gowaku"

log() { printf '%s\n' "$*" >&2; }
die() { log "install-gowaku: error: $*"; exit 1; }

# `waku --version` prints "gowaku version 0.10.0-01bb2e1c"
is_pinned() {
  [[ -x "$1" ]] || return 1
  local v
  v="$("$1" --version 2>/dev/null || true)"
  [[ "$v" == *"${PINNED}"* ]]
}

if is_pinned "${OUT}"; then
  printf '%s\n' "${OUT}"
  exit 0
fi

[[ -f "${MODDIR}/go.mod" && -f "${MODDIR}/go.sum" ]] || die "wrapper module missing: ${MODDIR}"

# Toolchain: Go (cgo is required: secp256k1, sqlite3) and a C compiler.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:${PATH}"
fi
if ! command -v go >/dev/null 2>&1 || ! command -v gcc >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "need go and gcc (no apt-get to install them)"
  SUDO=""
  [[ "$(id -u)" -eq 0 ]] || SUDO="sudo"
  log "installing build dependencies via apt (gcc, golang-go)..."
  pkgs=(gcc libc6-dev)
  command -v go >/dev/null 2>&1 || pkgs+=(golang-go)
  ${SUDO} apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive ${SUDO} apt-get install -y -qq "${pkgs[@]}" >&2
fi
command -v go >/dev/null 2>&1 || die "go not found after install"
command -v gcc >/dev/null 2>&1 || die "gcc not found after install"

log "building go-waku ${GOWAKU_VERSION} (${GOWAKU_COMMIT})... (first time only, a few minutes)"

mkdir -p "${OUT_DIR}"
TMP="$(mktemp "${OUT_DIR}/.waku.tmp.XXXXXX")"
trap 'rm -f "${TMP}"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

(
  cd "${MODDIR}"
  GONOSUMDB=github.com/waku-org/go-discover CGO_ENABLED=1 \
    go build -tags gowaku_no_rln -trimpath \
      -ldflags "-X github.com/waku-org/go-waku/waku/v2/node.Version=${GOWAKU_VERSION} -X github.com/waku-org/go-waku/waku/v2/node.GitCommit=${GOWAKU_COMMIT}" \
      -o "${TMP}" github.com/waku-org/go-waku/cmd/waku
) >&2 || die "go build failed"

chmod 0755 "${TMP}"
is_pinned "${TMP}" || die "built binary does not report version ${PINNED}: $("${TMP}" --version 2>&1 || true)"
mv -f "${TMP}" "${OUT}"
trap - EXIT

printf '%s\n' "${OUT}"
