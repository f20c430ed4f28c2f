#!/usr/bin/env bash
# Build with -DKVL_CHECK_ASM=ON (every AVX2 kernel call also runs the reference
# and aborts on any difference) and run the unit and CLI tests there with
# KVL_CPU=avx2. Exit 77 (skip) when the CPU has no AVX2.
# usage: checkasm_build_test.sh SOURCE_DIR WORK_DIR
set -u
SRC=${1:?}; W=${2:?}
cmake -S "$SRC" -B "$W" -DCMAKE_BUILD_TYPE=Release -DKVL_FAST=ON -DKVL_CHECK_ASM=ON -DKVL_CUDA=OFF >"$W.log" 2>&1 \
  && cmake --build "$W" -j2 >>"$W.log" 2>&1 \
  || { tail -30 "$W.log"; echo "checkasm_build: 0 passed, 1 failed"; exit 1; }
"$W/tests/test_checkasm" --function crc32c >/dev/null
[ $? = 77 ] && { echo "SKIP: no AVX2 on this CPU"; exit 77; }
KVL_CPU=avx2 ctest --test-dir "$W" -L "unit|cli" --output-on-failure -j2
