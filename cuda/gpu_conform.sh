#!/usr/bin/env bash
# cuda_gpu_conform: every golden vector and the accumulated vectors through the
# CUDA kernels on the device (libkvlc_cuda.so). Exit 77 (skip) without a GPU.
# usage: gpu_conform.sh KVL_CUDA_TEST KVL_CONFORM LIBKVLC_CUDA VECTORS_DIR OUT_DIR
set -u
"$1" --probe >/dev/null 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "no CUDA device: skipped"
  exit 77
fi
exec "$2" --vectors "$4" --lib "$3" --results "$5/conform_cuda_gpu.json" --report "$5/conform_cuda_gpu.md"
