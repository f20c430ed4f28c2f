/* flags.c -- every flag a case may carry, with its meaning (manifest.json
 * "flags"). A case using a flag not listed here stops the generator. */
#include <string.h>

#include "flags.h"

const vg_flag_doc vg_flag_docs[] = {
    /* parameters */
    {"published-q", "Q is one of the published operating points 1, 2, 4, 5, 10, 19, 37, 38, 44, 76, 152"},
    {"max-q", "the largest Q the lattice allows (D4 4095, E8 127; spec §3)"},
    {"min-dim", "the smallest LATTICE dimension, D = 8"},
    {"max-dim", "the largest dimension the format allows for the mode"},
    {"inv-sqrt-d", "D = 128 or 512, where 1/sqrt(D) is not a binary32 value; the format never uses it (unnormalised WHT, §7.2)"},
    {"outliers", "LATTICE outlier slots, K > 0 (§8)"},
    {"outliers-full", "K = min(16, D/4), the most slots allowed"},
    {"skeleton-mean", "per-chunk mean skeleton (§7.3)"},
    {"skeleton-pca", "per-chunk mean + basis skeleton (§7.3, §10.3.3)"},
    {"skeleton-bf16", "skeleton stored as bf16 because some |x| > 1024 (§10.3.1)"},
    {"split-rope", "FP8 DeepSeek-V4 profile: last 64 dims stored as bf16 (§6.2)"},
    {"in-f16", "encoder input is binary16"},
    {"in-bf16", "encoder input is bfloat16"},
    /* data */
    {"data-gauss", "i.i.d. N(0,1) data (kvl gen --kind gauss)"},
    {"data-qwen3-k", "data with Qwen3-4B key statistics (kvl gen --kind qwen3-k)"},
    {"data-dsv4", "anisotropic DeepSeek-V4-style data (kvl gen --kind dsv4)"},
    {"data-heavy", "Student-t(5) data with offsets and 50-100 sigma spikes (kvl gen --kind heavy)"},
    {"crafted", "hand-made or searched input values aimed at one rule"},
    /* numerics and traps (brief §6) */
    {"tie-to-even", "an exact tie rounded to even (rne_int §2.4, RNE conversions §2.2.2); ties-away rounding fails it"},
    {"reciprocal", "x / g and x * (1/g) give different codes: multiplying by a reciprocal is not dividing (§10.4.3, §6.3)"},
    {"box-edge", "lattice coordinates on or beyond the box boundary +-Q (§7.4, §7.5)"},
    {"parity-repair", "D_n parity repair, including a zero rounding error that moves +1 (§7.4)"},
    {"coset-tie", "E8: both cosets at the same error, the integer coset wins (§7.5)"},
    {"argmax-tie", "equal magnitudes: the lowest index wins (outlier selection §10.4.2, amax §6.3)"},
    {"zero-vector", "an all-zero vector or block (scale 0)"},
    {"signed-zero", "-0 inputs or outputs must keep their sign"},
    {"subnormal", "subnormal inputs, scales or outputs (no flush-to-zero, §2.1)"},
    {"scale-underflow", "a LATTICE scale that underflows to 0 gives all-zero codes (§10.4.3)"},
    {"huge", "values near the top of the binary32 range"},
    {"f16-overflow", "values beyond 65504: f16 output is RANGE (§2.2.5), f16 storage is an encoder RANGE error"},
    {"e4m3-saturate", "an E4M3 value above 464 saturates to 448, 0x7E (§2.2.3)"},
    {"e4m3-tie", "E4M3 ties: 400 -> 384, 464 -> 448 (§2.2.3)"},
    {"ue8m0-min", "UE8M0 scale code E = 0, the subnormal 2^-127 (§6.3)"},
    {"ue8m0", "UE8M0 power-of-two block scales (§6.3)"},
    {"f16-scale", "binary16 block scales rounded up (§6.3)"},
    /* container */
    {"partial-chunk", "the last chunk of a tensor holds fewer than chunk_len vectors (§4.6)"},
    {"multi-chunk", "a tensor with several chunks"},
    {"multi-tensor", "several tensors in one stream, different modes and dims (§4.6)"},
    {"chunk-len-1", "chunk_len = 1: one chunk per vector"},
    {"empty-tensor", "a tensor with zero chunks (§4.6 rule 3)"},
    {"empty-stream", "a stream with no tensor"},
    {"long-name", "a tensor name of the maximum 1024 bytes (§4.3)"},
    {"metadata", "role, layer, head and name in TENS (§4.3)"},
    {"ancillary", "an unknown ancillary section a decoder must skip (§4.2)"},
    {"minor-version", "a later minor version with header extension bytes a 1.0 decoder ignores (§4.1)"},
    {"mixed-modes", "chunks of one tensor with different modes (§4.6 rule 4)"},
    /* error classes targeted by faulty cases (§9.1) */
    {"truncated", "the stream ends early: TRUNCATED"},
    {"magic", "not the kvlattice magic: MAGIC"},
    {"version", "major version not 1: VERSION"},
    {"reserved", "a reserved bit, byte or padding bit set: RESERVED"},
    {"field", "a field out of range or inconsistent: FIELD"},
    {"index", "a block index >= the codebook count: INDEX"},
    {"crc", "a CRC-32C mismatch: CRC"},
    {"overflow", "a chunk size beyond 2^32 - 1: OVERFLOW"},
    {"unsupported", "an unknown critical section: UNSUPPORTED"},
    {"nonfinite", "NaN or Inf encoder input: NONFINITE"},
    {"range", "a value not representable in the target format: RANGE"},
    {"arg", "encoder parameters outside §3/§5.2: ARG"},
    {"grammar", "sections out of the order of §4.6"},
    {"canonical", "a non-canonical encoding the decoder must reject (outlier slots §8, padding)"},
    {NULL, NULL}};

int vg_flag_known(const char *name)
{
    int i;
    for (i = 0; vg_flag_docs[i].name; i++)
        if (strcmp(vg_flag_docs[i].name, name) == 0)
            return 1;
    return 0;
}
