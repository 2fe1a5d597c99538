#!/usr/bin/env bash
# Oracle test: the EIP-1459 records that src/discovery makes must be byte-identical to those of
# go-ethereum's `devp2p dns` (an independent implementation), for the same Waku ENRs, links,
# sequence number and tree key. go-ethereum also checks our ENRs on the way in: it verifies
# each record's signature and that nodes.json's ids (computed by us) match the records.
#
# usage: oracle_test.sh <tree_dump binary>
# The oracle is built once from tools/devp2p-oracle into ${WAKUFLEET_CACHE:-<repo>/.cache};
# building it needs the Go module proxy (or a module cache that has go-ethereum already).
# Exit 77 (skipped) when it cannot be built.
set -euo pipefail

TREE_DUMP="$1"
SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd -- "${SCRIPT_DIR}/../.." && pwd)"
MODDIR="${REPO}/tools/devp2p-oracle"
GETH_VERSION="$(sed -n 's|^require github.com/ethereum/go-ethereum \(v[^ ]*\)$|\1|p' "${MODDIR}/go.mod")"
ORACLE="${WAKUFLEET_CACHE:-${REPO}/.cache}/devp2p-oracle/${GETH_VERSION}"

log() { printf 'discovery_oracle: %s\n' "$*" >&2; }
skip() { log "SKIPPED: $*"; exit 77; }

build_oracle() {
  [[ -x "${ORACLE}/devp2p" && -x "${ORACLE}/ethkey" ]] && return 0
  if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then export PATH="/usr/local/go/bin:${PATH}"; fi
  command -v go >/dev/null 2>&1 || skip "no Go toolchain to build the oracle"
  log "building devp2p and ethkey of go-ethereum ${GETH_VERSION} (first run only)..."
  mkdir -p "${ORACLE}"
  local tmp
  tmp="$(mktemp -d "${ORACLE}/.build.XXXXXX")"
  # Module proxy only: no fallback to version control, no toolchain download, go.sum as is.
  local proxy="${GOPROXY:-$(go env GOPROXY)}"
  if ! (cd "${MODDIR}" &&
        export GOPROXY="${proxy%,direct}" GOTOOLCHAIN=local GOFLAGS=-mod=readonly &&
        go build -trimpath -o "${tmp}/devp2p" github.com/ethereum/go-ethereum/cmd/devp2p &&
        go build -trimpath -o "${tmp}/ethkey" github.com/ethereum/go-ethereum/cmd/ethkey) >&2; then
    rm -rf "${tmp}"
    skip "could not build the oracle"
  fi
  mv -f "${tmp}/devp2p" "${tmp}/ethkey" "${ORACLE}/"
  rm -rf "${tmp}"
}

WORK="$(mktemp -d)"
trap 'rm -rf "${WORK}"' EXIT

# `devp2p dns sign` takes an Ethereum keystore file; ethkey encrypts our tree key into one
# (empty password, which `dns sign` then reads from stdin).
make_keystore() {
  "${TREE_DUMP}" key > "${WORK}/tree.key"
  : > "${WORK}/password"
  "${ORACLE}/ethkey" generate --lightkdf --privatekey "${WORK}/tree.key" --passwordfile "${WORK}/password" \
    "${WORK}/keystore.json" >/dev/null
}

# compare <name> <node count> <seq> <domain> [link]
compare() {
  local name="$1" count="$2" seq="$3" domain="$4" link="${5:-}"
  local dir="${WORK}/${name}"
  mkdir -p "${dir}"
  "${TREE_DUMP}" nodes-json "${count}" > "${dir}/nodes.json"
  if [[ -n "${link}" ]]; then
    printf '{"seq": 0, "links": ["%s"]}\n' "${link}" > "${dir}/enrtree-info.json"
  fi
  echo "" | "${ORACLE}/devp2p" dns sign --domain "${domain}" --seq "${seq}" "${dir}" "${WORK}/keystore.json" >/dev/null
  "${ORACLE}/devp2p" dns to-txt "${dir}" "${WORK}/${name}.oracle.json"
  # shellcheck disable=SC2086  # no link: no argument
  "${TREE_DUMP}" txt "${count}" "${seq}" "${domain}" ${link} > "${WORK}/${name}.ours.json"
  if ! diff -u "${WORK}/${name}.oracle.json" "${WORK}/${name}.ours.json" >&2; then
    log "FAILED ${name}: our TXT records differ from go-ethereum's (- oracle, + ours)"
    return 1
  fi
  local oracle_url ours_url
  oracle_url="$(sed -n 's|^ *"url": "\(.*\)",$|\1|p' "${dir}/enrtree-info.json")"
  ours_url="$("${TREE_DUMP}" url "${domain}")"
  if [[ "${oracle_url}" != "${ours_url}" ]]; then
    log "FAILED ${name}: tree URL ${ours_url}, go-ethereum says ${oracle_url}"
    return 1
  fi
  local records
  records="$(grep -c '": "' "${WORK}/${name}.ours.json")"
  log "ok ${name}: ${count} nodes${link:+ + 1 link}, ${records} identical TXT records, ${ours_url}"
}

build_oracle
make_keystore
failed=0
compare small 3 7 nodes.example.org \
  "enrtree://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2@morenodes.example.org" || failed=$((failed + 1))
# 200 leaves: runs of 13 built into subtrees, twice over (200 > 13 * 13).
compare large 200 12 big.fleet.example.org || failed=$((failed + 1))
echo "$((2 - failed)) passed, ${failed} failed"
exit $((failed > 0))
