#!/usr/bin/env bash
# Installs the Debian packages wakufleet needs to build, test and run. Idempotent: apt is only
# called when a package is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates
  libtomlplusplus-dev nlohmann-json3-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev libsecp256k1-dev
  libgtest-dev libbenchmark-dev libcpp-httplib-dev
  s6 util-linux iproute2                            # supervision, private namespaces for nodes and tests
  prometheus knot knot-dnsutils bc                  # the fleet's Prometheus and DNS server; bench arithmetic
  cloud-init libyaml-cpp-dev shellcheck systemd  # tests/bootstrap: schema, YAML, sh, systemd-analyze
  nftables python3                               # tests/bootstrap: the metadata guard and its stand-in
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  echo "deps: installing ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
