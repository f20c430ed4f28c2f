#!/usr/bin/env bash
# Build everything with clang + ASan/UBSan and run the unit, CLI, R-D, fuzz
# corpus replay and conformance self-tests there.
# usage: sanitizer_test.sh SOURCE_DIR WORK_DIR
set -u
SRC=${1:?}; W=${2:?}
command -v clang >/dev/null || { echo "SKIP: clang missing"; exit 77; }
cmake -S "$SRC" -B "$W" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKVL_CUDA=OFF \
      -DKVL_ENABLE_SANITIZERS=ON >"$W.log" 2>&1 && cmake --build "$W" -j2 >>"$W.log" 2>&1 \
  || { tail -30 "$W.log"; echo "sanitizers: 0 passed, 1 failed"; exit 1; }
ctest --test-dir "$W" -L "unit|cli|rd|replay|selftest" --output-on-failure
