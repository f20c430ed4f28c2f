#!/usr/bin/env bash
# Line coverage of the reference codec (ref/) from replaying the fuzz corpora
# (fuzz/README.md "Coverage"). Builds the replay drivers with clang source-based
# coverage, replays corpus + regression files at KVL_CPU=ref (so that the
# reference, not the AVX2 path, does the work) and prints llvm-cov's report.
#   fuzz/coverage.sh [BUILD_DIR] [CORPUS_ROOT]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-cov}
corpus=${2:-$root/fuzz/corpus}
cov="-fprofile-instr-generate -fcoverage-mapping"
# reference only (KVL_FAST=OFF): the AVX2 kernels would otherwise do the work
CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="$cov" \
  -DCMAKE_EXE_LINKER_FLAGS="$cov" -DBUILD_TESTING=OFF -DKVL_FAST=OFF -DKVL_CUDA=OFF >/dev/null
bins="fuzz_replay_decode_any fuzz_replay_verify_then_decode fuzz_replay_roundtrip fuzz_replay_io_parsers"
cmake --build "$build" -j"$(nproc)" --target $bins >/dev/null
rm -rf "$build/profiles"; mkdir -p "$build/profiles"
objs=""
for b in $bins; do
  t=${b#fuzz_replay_}
  [ -x "$build/fuzz/$b" ] || continue
  # every corpus through every driver: the differential corpus holds streams
  # and encoder inputs, so decode_any and roundtrip use it too
  dirs=""
  for c in "$corpus"/* "$root"/fuzz/regression/*; do [ -d "$c" ] && dirs="$dirs $c"; done
  KVL_CPU=ref LLVM_PROFILE_FILE="$build/profiles/$t.profraw" "$build/fuzz/$b" $dirs >/dev/null
  objs="$objs -object $build/fuzz/$b"
done
llvm-profdata merge -o "$build/merged.profdata" "$build"/profiles/*.profraw
objs=${objs# -object }   # llvm-cov: the first binary is positional
# shellcheck disable=SC2086
llvm-cov report $objs -instr-profile="$build/merged.profdata" "$root"/ref/*.c
# shellcheck disable=SC2086
python3 "$root/fuzz/decoder_coverage.py" "$build/merged.profdata" $(echo "$objs" | sed 's/-object //g')
