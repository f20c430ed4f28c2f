/*
 * dispatch.c -- runtime CPU dispatch (ref/kernels.h, include/kvlattice.h).
 *
 * The reference kernels are the baseline; the AVX2 table replaces them when
 * the CPU reports AVX2, F16C and SSE4.2 and the OS saves the YMM state
 * (CPUID.1:ECX.OSXSAVE and XGETBV(0) bits 1-2). Both tables give
 * bit-identical results, so the level only changes speed.
 *
 * The level is the library's one piece of global mutable state: a process-wide
 * int, read and written with relaxed atomics (every value is a valid table, so
 * no ordering is needed). It starts "unset"; the first reader sets it from
 * KVL_CPU=ref|avx2 (capped at what the CPU supports) or the best level.
 */
#include <stdlib.h>
#include <string.h>

#include "fast.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define KVL_X86 1
#endif

const kvl_kernels kvl_kernels_avx2 = {
    KVL_CPU_AVX2,
    "avx2",
    kvl_sse42_crc32c,
    kvl_avx2_load_f32,
    kvl_avx2_store_f32,
    kvl_avx2_dot8,
    kvl_avx2_fwht_f32,
    kvl_avx2_fwht_i32,
    kvl_avx2_lattice_closest,
    kvl_avx2_lattice_rank,
    kvl_avx2_lattice_unrank,
    kvl_avx2_skeleton_pick_dtype,
    kvl_avx2_skeleton_compute,
    kvl_avx2_encode_records,
    kvl_avx2_decode_records,
    kvl_avx2_validate_records,
};

#define LEVEL_UNSET (-1)
static int g_level = LEVEL_UNSET; /* KVL_CPU_*, or LEVEL_UNSET */

int kvl_cpu_has_avx2(void)
{
#ifdef KVL_X86
    unsigned a, b, c, d, xcr0_lo, xcr0_hi;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    /* ECX: SSE4.2 (20), OSXSAVE (27), AVX (28), F16C (29) */
    if (!(c & (1u << 20)) || !(c & (1u << 27)) || !(c & (1u << 28)) || !(c & (1u << 29)))
        return 0;
    /* XCR0: the OS saves XMM (bit 1) and YMM (bit 2) state */
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    (void)xcr0_hi;
    if ((xcr0_lo & 6u) != 6u)
        return 0;
    if (__get_cpuid_max(0, 0) < 7)
        return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 5)) != 0u; /* EBX bit 5: AVX2 */
#else
    return 0;
#endif
}

int kvl_get_cpu_max_level(void)
{
    return kvl_cpu_has_avx2() ? KVL_CPU_AVX2 : KVL_CPU_REF;
}

/* KVL_CPU=ref|avx2 selects a level up to the best one available; anything
 * else (or unset) selects the best one. */
static int initial_level(void)
{
    int best = kvl_get_cpu_max_level();
    const char *env = getenv("KVL_CPU");
    if (env && strcmp(env, "ref") == 0)
        return KVL_CPU_REF;
    if (env && strcmp(env, "avx2") == 0)
        return best >= KVL_CPU_AVX2 ? KVL_CPU_AVX2 : best;
    return best;
}

int kvl_get_cpu_level(void)
{
    int level = __atomic_load_n(&g_level, __ATOMIC_RELAXED);
    if (level == LEVEL_UNSET) {
        /* racing first callers compute the same value */
        level = initial_level();
        __atomic_store_n(&g_level, level, __ATOMIC_RELAXED);
    }
    return level;
}

kvl_status kvl_set_cpu_level(int level)
{
    if (level != KVL_CPU_REF && level != KVL_CPU_AVX2)
        return KVL_ERR_ARG;
    if (level > kvl_get_cpu_max_level())
        return KVL_ERR_UNSUPPORTED;
    __atomic_store_n(&g_level, level, __ATOMIC_RELAXED);
    return KVL_OK;
}

const kvl_kernels *kvl_active_kernels(void)
{
    if (kvl_get_cpu_level() == KVL_CPU_AVX2) {
#ifdef KVL_CHECK_ASM
        return &kvl_kernels_avx2_checked;
#else
        return &kvl_kernels_avx2;
#endif
    }
    return &kvl_kernels_ref;
}
