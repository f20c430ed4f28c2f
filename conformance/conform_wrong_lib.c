/*
 * conform_wrong_lib.c -- a deliberately wrong kvlc.h implementation for the
 * runner's own negative test (conform_negative_test.sh): the reference,
 * broken in the way the environment variable KVLC_WRONG names, so that the
 * test can check that kvl-conform reports each kind of failure:
 *
 *   flip       decode: byte 7 of every successful output has bit 0 flipped
 *   overflow   decode: one byte written past the end of the output buffer
 *   readpast   decode: reads one byte past the end of the stream
 *   crash      decode: SIGSEGV where the reference reports a stream error
 *   hang       decode: never returns where the reference reports an error
 *   exit       encode: ends the process
 *   class      decode: reports FIELD instead of CRC
 *   unsupported decode: UNSUPPORTED for every stream
 *   (unset)    the reference itself
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The reference implementation, under other names. */
#define kvlc_abi_version ref_abi_version
#define kvlc_name ref_name
#define kvlc_decode ref_decode
#define kvlc_encode ref_encode
#include "kvlc_ref.c"
#undef kvlc_abi_version
#undef kvlc_name
#undef kvlc_decode
#undef kvlc_encode

int kvlc_abi_version(void);
const char *kvlc_name(void);
int kvlc_decode(const uint8_t *stream, size_t len, int out_dtype, uint8_t *out, size_t cap,
                size_t *out_len);
int kvlc_encode(const kvlc_tensor *tensors, uint32_t n_tensors, uint8_t *out, size_t cap,
                size_t *out_len);

static int wrong(const char *mode)
{
    const char *w = getenv("KVLC_WRONG");
    return w && strcmp(w, mode) == 0;
}

int kvlc_abi_version(void) { return ref_abi_version(); }

const char *kvlc_name(void) { return "deliberately wrong reference (conformance self-test)"; }

int kvlc_decode(const uint8_t *stream, size_t len, int out_dtype, uint8_t *out, size_t cap,
                size_t *out_len)
{
    int rc;
    if (wrong("unsupported"))
        return 9;
    if (wrong("readpast") && stream) {
        volatile uint8_t sink = stream[len];
        (void)sink;
    }
    rc = ref_decode(stream, len, out_dtype, out, cap, out_len);
    if (rc != 0 && rc != 13) {
        if (wrong("crash"))
            raise(SIGSEGV);
        if (wrong("hang"))
            for (;;)
                pause();
        if (wrong("class") && rc == 7)
            return 5;
    }
    if (rc == 0 && wrong("flip") && *out_len > 7u)
        out[7] ^= 1u;
    if (rc == 0 && wrong("overflow") && out)
        out[cap] = (uint8_t)(out[cap] + 1u);
    return rc;
}

int kvlc_encode(const kvlc_tensor *tensors, uint32_t n_tensors, uint8_t *out, size_t cap,
                size_t *out_len)
{
    if (wrong("exit"))
        _exit(3);
    return ref_encode(tensors, n_tensors, out, cap, out_len);
}
