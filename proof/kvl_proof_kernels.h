/* proof/kvl_proof_kernels.h -- proof-only contract of kvl_active_kernels().
 *
 * Included (cpp -include) by the WP jobs of files that call through the
 * kernel table (ref/chunk.c). It states what ref/cpu_ref.c implements (and
 * the job `cpu_ref.c:kvl_active_kernels` proves): the active table is the
 * reference table kvl_kernels_ref, whose entries WP reads from its
 * initializer in ref/kernels.c (-wp-init-const). For builds with fast/, the
 * other tables are bound by the same contracts by kernels.h ("the same
 * contract and MUST produce bit-identical results"), checked by the checkasm
 * tests, not by WP.
 */
#ifndef KVL_PROOF_KERNELS_H
#define KVL_PROOF_KERNELS_H
#include "kernels.h"

/*@ assigns \nothing;
    ensures \result == &kvl_kernels_ref;
*/
const kvl_kernels *kvl_active_kernels(void);

#endif
