#!/usr/bin/env bash
# run_gpu_checks.sh -- everything about the CUDA codec that needs a GPU
# (cuda/README.md "What remains to run on a GPU"). Run it on a machine with an
# NVIDIA sm_90 GPU (H100/H200) and the CUDA toolkit (nvcc, compute-sanitizer):
#
#   cuda/run_gpu_checks.sh            # build-cuda/ next to the sources
#   BUILD=/tmp/b COUNT=10000000 cuda/run_gpu_checks.sh
#
# Steps: build; the CTest labels cuda and gpu (host tests, device differential
# test with COUNT vectors per kernel, every golden + accumulated vector through
# the device kernels, benchmark smoke test); compute-sanitizer memcheck,
# racecheck, initcheck and synccheck on the device tests; the benchmark
# (bench/cuda-results-<gpu>.md); optionally the PyTorch float8 peer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-cuda}
count=${COUNT:-10000000}
san_count=${SAN_COUNT:-100000}
cs=${COMPUTE_SANITIZER:-$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)}
log=$build/gpu-checks.log

nvidia-smi -L
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j"$(nproc)"
test_bin=$build/cuda/kvl-cuda-test
"$test_bin" --probe || { echo "no usable CUDA device"; exit 1; }

echo "== 1. CTest (cuda, gpu) =="
ctest --test-dir "$build" -L 'cuda|gpu' --output-on-failure -E cuda_gpu_diff
echo "== 2. device differential test, $count vectors per kernel =="
"$test_bin" --count "$count" | tee "$log"

echo "== 3. compute-sanitizer =="
"$cs" --tool memcheck --leak-check full --error-exitcode 3 "$test_bin" --quick --count "$san_count"
"$cs" --tool racecheck --racecheck-report all --error-exitcode 3 "$test_bin" --quick --count "$((san_count / 10))"
"$cs" --tool initcheck --error-exitcode 3 "$test_bin" --quick --count "$((san_count / 10))"
"$cs" --tool synccheck --error-exitcode 3 "$test_bin" --quick --count "$((san_count / 10))"
# the conformance module under memcheck: every golden vector (no accumulated profiles
# would take hours under the sanitizer; kvl-conform forks, so trace children)
"$cs" --tool memcheck --target-processes all --error-exitcode 3 \
  "$build/conformance/kvl-conform" --vectors "$root/vectors" --lib "$build/cuda/libkvlc_cuda.so" --no-accumulated \
  || echo "(if --no-accumulated is not an option of this kvl-conform, run without it)"

echo "== 4. benchmark =="
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1 | tr -c 'A-Za-z0-9\n' '-')
mkdir -p "$root/bench"
(cd "$root" && "$build/cuda/kvl-cuda-bench" --out "bench/cuda-results-$gpu.md")

if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  echo "== 5. PyTorch float8 peer =="
  python3 "$root/cuda/torch_peer.py" --vectors 16777216 | tee -a "$root/bench/cuda-results-$gpu.md"
fi
echo "all GPU checks done"
