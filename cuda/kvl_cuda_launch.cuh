/*
 * kvl_cuda_launch.cuh -- how the codec's kernels are launched.
 *
 * Every kernel of cuda/ is a functor with a __host__ __device__
 * operator()(uint64_t i) and is run for i = 0 .. n-1 by kl_launch():
 *   - GPU build: one CUDA thread per i (kl_kernel<F><<<...>>>), asynchronous
 *     on the caller's stream;
 *   - host emulation build (KVL_CUDA_EMULATE, library kvlattice_cuda_emu):
 *     a sequential loop on the calling thread. Device pointers are then host
 *     pointers and the atomics below are plain read-modify-writes.
 * Kernels are written so that no thread reads what another thread of the
 * same launch writes (dependencies go through separate launches on the same
 * stream), so the sequential loop computes what the GPU computes; the
 * remaining GPU-only risks (races, alignment, launch limits) are what the
 * "gpu" tests and compute-sanitizer check (cuda/README.md).
 */
#ifndef KVL_CUDA_LAUNCH_CUH
#define KVL_CUDA_LAUNCH_CUH

#include <stdint.h>

#include <cuda_runtime_api.h>

#include "kvl_cuda_core.cuh"

KC_HD void kl_atomic_min64(unsigned long long *p, unsigned long long v)
{
#ifdef __CUDA_ARCH__
    atomicMin(p, v);
#else
    if (v < *p)
        *p = v;
#endif
}

KC_HD void kl_atomic_max64(unsigned long long *p, unsigned long long v)
{
#ifdef __CUDA_ARCH__
    atomicMax(p, v);
#else
    if (v > *p)
        *p = v;
#endif
}

KC_HD void kl_atomic_or32(unsigned int *p, unsigned int v)
{
#ifdef __CUDA_ARCH__
    atomicOr(p, v);
#else
    *p |= v;
#endif
}

#ifdef KVL_CUDA_EMULATE
template <class F> static inline int kl_launch(uint64_t n, const F &f, cudaStream_t s, unsigned block = 128)
{
    uint64_t i;
    (void)s;
    (void)block;
    for (i = 0; i < n; i++)
        f(i);
    return 0;
}
#else
template <class F> __global__ void kl_kernel(uint64_t n, F f)
{
    uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        f(i);
}

/* 0, or -1 when the launch was refused (grid too large, no device, ...). */
template <class F> static inline int kl_launch(uint64_t n, const F &f, cudaStream_t s, unsigned block = 128)
{
    uint64_t grid;
    if (n == 0)
        return 0;
    grid = (n + block - 1u) / block;
    if (grid > 0x7FFFFFFFu)
        return -1;
    kl_kernel<F><<<(unsigned)grid, block, 0, s>>>(n, f);
    return cudaPeekAtLastError() == cudaSuccess ? 0 : -1;
}
#endif

#endif /* KVL_CUDA_LAUNCH_CUH */
