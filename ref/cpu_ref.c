/* cpu_ref.c -- CPU level of a reference-only build (KVL_FAST off): the
 * reference kernels are the only level. Builds with fast/ use
 * fast/dispatch.c instead of this file. */
#include "kernels.h"

const kvl_kernels *kvl_active_kernels(void)
{
    return &kvl_kernels_ref;
}

kvl_status kvl_set_cpu_level(int level)
{
    if (level == KVL_CPU_REF)
        return KVL_OK;
    return level == KVL_CPU_AVX2 ? KVL_ERR_UNSUPPORTED : KVL_ERR_ARG;
}

int kvl_get_cpu_level(void)
{
    return KVL_CPU_REF;
}

int kvl_get_cpu_max_level(void)
{
    return KVL_CPU_REF;
}
