/*
 * fuzz_producer.h -- carve typed values out of a fuzzer input (after zstd's
 * tests/fuzz/fuzz_data_producer). Values are taken from the END of the input
 * so that the front can stay a byte stream for the target; when the input
 * runs out every request returns its minimum, so every input is usable.
 */
#ifndef KVL_FUZZ_PRODUCER_H
#define KVL_FUZZ_PRODUCER_H

#include <stddef.h>
#include <stdint.h>

typedef struct fuzz_producer {
    const uint8_t *data;
    size_t size;   /* bytes not yet consumed (from the end) */
} fuzz_producer;

void fp_init(fuzz_producer *p, const uint8_t *data, size_t size);
/* A value in [lo, hi] (hi >= lo), from up to 4 bytes. */
uint32_t fp_range(fuzz_producer *p, uint32_t lo, uint32_t hi);
int fp_bool(fuzz_producer *p);
/* A binary32 value aimed at the codec's corners: exact ties, zeros of both
 * signs, subnormals, huge values, NaN/Inf (when allow_nonfinite), or plain
 * values of moderate size. */
float fp_float(fuzz_producer *p, int allow_nonfinite);
size_t fp_remaining(const fuzz_producer *p);

#endif /* KVL_FUZZ_PRODUCER_H */
