#!/usr/bin/env bash
# Install the Debian 12 packages kvlattice needs to build and test, when missing.
set -eu
# libclang-rt-14-dev: ASan/UBSan/libFuzzer runtimes (only recommended by clang);
# frama-c-base why3 z3 cvc5: proof/ (WP); llvm: fuzz/coverage.sh (llvm-cov)
pkgs=(cmake make gcc clang libssl-dev libjansson-dev pkg-config python3 python3-jsonschema ca-certificates
      libclang-rt-14-dev frama-c-base why3 z3 cvc5 llvm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
