/*
 * accumulate.c -- CCTV-style accumulated vectors (spec Appendix C).
 *
 * Everything here is integer arithmetic on the generator side (SplitMix64,
 * modulo, bit fields), so any language reproduces the same cases; the codec
 * under test does the floating point. The code follows Appendix C step by
 * step; change one and you must change the other (and the published digests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "accumulate.h"
#include "kvl_internal.h" /* kvl_crc32c: C.6 reseal */

const char *const kvlc_acc_profiles[] = {"raw", "fp8", "lattice-d4", "lattice-e8", "corrupt", NULL};

/* ---- C.1 random numbers --------------------------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next64(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* uniform(n): next64() mod n (the tiny modulo bias is part of the definition). */
static uint32_t uniform(rng *r, uint32_t n) { return (uint32_t)(next64(r) % n); }

/* ---- C.2 values ----------------------------------------------------------- */

/* A binary floating-point format by its field widths. */
typedef struct fmt {
    uint32_t ebits, mbits;
} fmt;

static const fmt kFmt[3] = {{8, 23}, {5, 10}, {8, 7}}; /* f32, f16, bf16 */

static uint32_t make_bits(fmt f, uint32_t sign, uint32_t e, uint32_t m)
{
    return (sign << (f.ebits + f.mbits)) | (e << f.mbits) | (m & ((1u << f.mbits) - 1u));
}

static uint32_t rand_mant(rng *r, fmt f) { return (uint32_t)(next64(r) & ((1u << f.mbits) - 1u)); }

/* Vector kinds (C.2); the percentages are cumulative thresholds of uniform(100). */
enum { K_MODERATE, K_COARSE, K_ZERO, K_SPIKE, K_WIDE, K_TINY, K_NONFINITE };

static int vector_kind(rng *r)
{
    uint32_t u = uniform(r, 100);
    if (u < 50) return K_MODERATE;
    if (u < 65) return K_COARSE;
    if (u < 70) return K_ZERO;
    if (u < 80) return K_SPIKE;
    if (u < 90) return K_WIDE;
    if (u < 97) return K_TINY;
    return K_NONFINITE;
}

/* One value of kind k in format f: the bit pattern. Draw order (C.2): sign,
 * then exponent, then mantissa (each statement draws at most once, so the
 * order does not depend on C's unspecified argument evaluation order). */
static uint32_t value_bits(rng *r, fmt f, int k)
{
    const uint32_t bias = (1u << (f.ebits - 1u)) - 1u, emax = (1u << f.ebits) - 2u;
    const uint32_t sign = uniform(r, 2);
    uint32_t e, m;
    switch (k) {
    case K_COARSE: /* two mantissa bits: 1, 1.25, 1.5, 1.75 times 2^(-2..3) */
        e = bias - 2u + uniform(r, 6);
        m = uniform(r, 4) << (f.mbits - 2u);
        break;
    case K_ZERO:
        e = 0;
        m = 0;
        break;
    case K_WIDE: /* any finite exponent field, subnormals included */
        e = uniform(r, emax + 1u);
        m = rand_mant(r, f);
        break;
    case K_TINY: /* subnormal or one of the two smallest normal binades */
        e = uniform(r, 3);
        m = rand_mant(r, f);
        break;
    default: /* K_MODERATE: |x| in [2^-8, 2^4) */
        e = bias - 8u + uniform(r, 12);
        m = rand_mant(r, f);
        break;
    }
    return make_bits(f, sign, e, m);
}

static void put_le(uint8_t *p, uint32_t v, size_t bytes)
{
    size_t j;
    for (j = 0; j < bytes; j++)
        p[j] = (uint8_t)(v >> (8u * j));
}

/* Fill n vectors of dim values (dtype dt) into out, by C.2. */
static void fill_vectors(rng *r, int dt, uint32_t dim, uint32_t n, uint8_t *out)
{
    const fmt f = kFmt[dt];
    const size_t es = dt == 0 ? 4u : 2u;
    uint32_t v, i;
    for (v = 0; v < n; v++) {
        int k = vector_kind(r);
        uint8_t *p = out + (size_t)v * dim * es;
        for (i = 0; i < dim; i++)
            put_le(p + i * es, value_bits(r, f, k == K_SPIKE || k == K_NONFINITE ? K_MODERATE : k), es);
        if (k == K_SPIKE || k == K_NONFINITE) {
            /* one coordinate replaced: position, then sign, exponent, mantissa */
            const uint32_t bias = (1u << (f.ebits - 1u)) - 1u;
            const uint32_t at = uniform(r, dim), sign = uniform(r, 2);
            uint32_t e, m;
            if (k == K_SPIKE) { /* 2^10 .. 2^15 (exclusive): large, still finite in f16 */
                e = bias + 10u + uniform(r, 5);
                m = rand_mant(r, f);
            } else { /* Inf, or a NaN with a non-zero mantissa */
                e = (1u << f.ebits) - 1u;
                m = uniform(r, 2) ? 0u : 1u + rand_mant(r, f) / 2u;
            }
            put_le(p + at * es, make_bits(f, sign, e, m), es);
        }
    }
}

/* ---- C.3 - C.5 parameters per profile ------------------------------------- */

static const uint16_t kPublishedQ[11] = {1, 2, 4, 5, 10, 19, 37, 38, 44, 76, 152};

typedef struct acc_case {
    kvlc_tensor t;
    uint8_t *input;
    size_t input_bytes;
} acc_case;

static uint32_t dtype_bytes(int dt) { return dt == 0 ? 4u : 2u; }

/* Common tail of every profile: counts, role, input dtype. */
static void common_fields(rng *r, kvlc_tensor *t)
{
    t->in_dtype = (uint8_t)uniform(r, 3);
    t->n_vectors = 1u + uniform(r, 8);
    t->chunk_len = 1u + uniform(r, (uint32_t)t->n_vectors);
    t->role = (uint8_t)uniform(r, 4);
    t->layer = (int32_t)uniform(r, 5) - 1;
    t->head = (int32_t)uniform(r, 5) - 1;
}

static void params_raw(rng *r, kvlc_tensor *t)
{
    t->mode = KVLC_RAW;
    t->dim = 1u + uniform(r, 96);
    t->raw_dtype = (uint8_t)uniform(r, 3);
    common_fields(r, t);
}

static void params_fp8(rng *r, kvlc_tensor *t)
{
    t->mode = KVLC_FP8;
    t->fp8_block = (uint16_t)(32u << uniform(r, 3));
    t->fp8_scale = (uint8_t)uniform(r, 3);
    t->fp8_split_rope = uniform(r, 4) == 0 ? 1u : 0u;
    t->dim = t->fp8_block * (1u + uniform(r, 4)) + (t->fp8_split_rope ? 64u : 0u);
    common_fields(r, t);
}

static void params_lattice(rng *r, kvlc_tensor *t, uint8_t lattice)
{
    const uint32_t qmax = lattice == 0 ? 4095u : 127u;
    uint32_t u, kmax;
    t->mode = KVLC_LATTICE;
    t->lattice = lattice;
    t->dim = 8u << uniform(r, 7); /* 8 .. 512 */
    u = uniform(r, 10);
    if (u < 4) { /* a published Q, capped at the maximum */
        uint32_t q = kPublishedQ[uniform(r, 11)];
        t->q = (uint16_t)(q > qmax ? qmax : q);
    } else if (u < 8) {
        t->q = (uint16_t)(1u + uniform(r, qmax));
    } else if (u < 9) {
        t->q = (uint16_t)qmax;
    } else {
        t->q = (uint16_t)(1u + uniform(r, 8));
    }
    kmax = t->dim / 4u < 16u ? t->dim / 4u : 16u;
    t->outliers = uniform(r, 2) ? (uint8_t)uniform(r, kmax + 1u) : 0u;
    t->skeleton = (uint8_t)uniform(r, 3);
    t->rank = t->skeleton == KVLC_SKEL_PCA ? (uint8_t)(1u + uniform(r, 4)) : 0u; /* 4 < D */
    common_fields(r, t);
}

/* Draws parameters and input of case c of `profile_id` (C.3); returns -1 on
 * out of memory. */
static int make_case(uint32_t profile_id, rng *r, acc_case *c)
{
    uint32_t sub = profile_id;
    memset(c, 0, sizeof *c);
    if (profile_id == 5) /* corrupt: a base case of one of the other profiles */
        sub = 1u + uniform(r, 4);
    switch (sub) {
    case 1: params_raw(r, &c->t); break;
    case 2: params_fp8(r, &c->t); break;
    case 3: params_lattice(r, &c->t, 0); break;
    default: params_lattice(r, &c->t, 1); break;
    }
    c->input_bytes = (size_t)c->t.n_vectors * c->t.dim * dtype_bytes(c->t.in_dtype);
    c->input = (uint8_t *)malloc(c->input_bytes);
    if (!c->input)
        return -1;
    fill_vectors(r, c->t.in_dtype, c->t.dim, (uint32_t)c->t.n_vectors, c->input);
    c->t.data = c->input;
    return 0;
}

/* ---- C.6 corruption ------------------------------------------------------- */

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Recompute the header CRC (if the 20-byte header is present) and the CRC of
 * every section whose framing fits, walking from offset 20. */
void kvlc_acc_reseal(uint8_t *s, size_t len)
{
    size_t pos = 20;
    if (len < 20)
        return;
    wr32(s + 16, kvl_crc32c(0, s, 16));
    while (len - pos >= 12) {
        uint32_t body = rd32(s + pos + 8);
        if ((uint64_t)body + 16u > (uint64_t)(len - pos))
            break;
        wr32(s + pos + 12 + body, kvl_crc32c(0, s + pos, 12u + (size_t)body));
        pos += 16u + (size_t)body;
    }
}

/* Apply 1..3 corruptions to s[0..*len) (C.6). */
static void corrupt(rng *r, uint8_t *s, size_t *len)
{
    uint32_t n = 1u + uniform(r, 3), j;
    for (j = 0; j < n && *len > 0; j++) {
        uint32_t kind = uniform(r, 4);
        size_t at = (size_t)uniform(r, (uint32_t)*len);
        switch (kind) {
        case 0: s[at] ^= (uint8_t)(1u << uniform(r, 8)); break;
        case 1: s[at] = (uint8_t)uniform(r, 256); break;
        case 2: *len = at; break;
        default:
            s[at] ^= (uint8_t)(1u << uniform(r, 8));
            kvlc_acc_reseal(s, *len);
            break;
        }
    }
}

/* ---- C.7 absorbing ------------------------------------------------------- */

static void absorb_u32(EVP_MD_CTX *md, uint32_t v)
{
    uint8_t b[4];
    wr32(b, v);
    EVP_DigestUpdate(md, b, 4);
}

static void absorb_bytes(EVP_MD_CTX *md, const uint8_t *p, size_t n)
{
    uint8_t b[8];
    uint64_t v = (uint64_t)n;
    int i;
    for (i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    EVP_DigestUpdate(md, b, 8);
    if (n)
        EVP_DigestUpdate(md, p, n);
}

/* A growable buffer for the BUFFER (13) protocol of kvlc.h. */
typedef struct dynbuf {
    uint8_t *p;
    size_t cap;
} dynbuf;

static int reserve(dynbuf *b, size_t n)
{
    uint8_t *q;
    if (n <= b->cap)
        return 0;
    q = (uint8_t *)realloc(b->p, n);
    if (!q)
        return -1;
    b->p = q;
    b->cap = n;
    return 0;
}

#define ACC_MAX_OUTPUT ((size_t)1 << 28)

/* Calls fn with a buffer, growing it once as the implementation asks. */
static int call_encode(kvlc_encode_fn enc, const kvlc_tensor *t, dynbuf *b, size_t *len)
{
    int st = enc(t, 1, b->p, b->cap, len);
    if (st == 13 && *len > b->cap && *len <= ACC_MAX_OUTPUT) {
        if (reserve(b, *len))
            return -1;
        st = enc(t, 1, b->p, b->cap, len);
    }
    return st;
}

static int call_decode(kvlc_decode_fn dec, const uint8_t *s, size_t n, int dt, dynbuf *b, size_t *len)
{
    int st = dec(s, n, dt, b->p, b->cap, len);
    if (st == 13 && *len > b->cap && *len <= ACC_MAX_OUTPUT) {
        if (reserve(b, *len))
            return -1;
        st = dec(s, n, dt, b->p, b->cap, len);
    }
    return st;
}

static void set_error(kvlc_acc_result *res, const char *msg, uint32_t i)
{
    snprintf(res->error, sizeof res->error, "%s (case %u)", msg, (unsigned)i);
}

int kvlc_accumulate(const char *profile, uint32_t n_cases, kvlc_encode_fn enc, kvlc_decode_fn dec,
                    kvlc_acc_result *res)
{
    uint32_t profile_id = 0, i, p;
    dynbuf sbuf = {NULL, 0}, obuf = {NULL, 0};
    EVP_MD_CTX *md;
    unsigned int dlen = 0;
    int rc = 0;
    memset(res, 0, sizeof *res);
    for (p = 0; kvlc_acc_profiles[p]; p++)
        if (profile && strcmp(profile, kvlc_acc_profiles[p]) == 0)
            profile_id = p + 1u;
    if (profile_id == 0 || !enc || !dec) {
        snprintf(res->error, sizeof res->error, "unknown profile '%s' or missing codec", profile ? profile : "");
        return -1;
    }
    md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 || reserve(&sbuf, 1u << 16) ||
        reserve(&obuf, 1u << 16)) {
        snprintf(res->error, sizeof res->error, "out of memory");
        rc = -1;
    }
    for (i = 0; rc == 0 && i < n_cases; i++) {
        rng r;
        acc_case c;
        size_t slen = 0, olen = 0;
        int st, dt;
        r.s = ((uint64_t)profile_id << 32) | i; /* C.1: the case seed */
        if (make_case(profile_id, &r, &c)) {
            set_error(res, "out of memory", i);
            rc = -1;
            break;
        }
        absorb_u32(md, i);
        st = call_encode(enc, &c.t, &sbuf, &slen);
        absorb_u32(md, (uint32_t)st);
        if (st < 0) {
            set_error(res, "encoder misbehaved", i);
            rc = -1;
        } else if (st != 0) {
            res->encode_errors++;
        } else {
            res->encode_ok++;
            if (profile_id == 5)
                corrupt(&r, sbuf.p, &slen);
            absorb_bytes(md, sbuf.p, slen);
            for (dt = 0; dt < 3 && rc == 0; dt++) {
                st = call_decode(dec, sbuf.p, slen, dt, &obuf, &olen);
                absorb_u32(md, (uint32_t)st);
                if (st < 0) {
                    set_error(res, "decoder misbehaved", i);
                    rc = -1;
                } else if (st == 0) {
                    res->decode_ok++;
                    absorb_bytes(md, obuf.p, olen);
                } else {
                    res->decode_errors++;
                }
            }
        }
        free(c.input);
        res->cases++;
    }
    if (rc == 0 && EVP_DigestFinal_ex(md, res->digest, &dlen) != 1) {
        snprintf(res->error, sizeof res->error, "SHA-256 failed");
        rc = -1;
    }
    if (rc == 0)
        for (i = 0; i < 32; i++)
            snprintf(res->digest_hex + 2 * i, 3, "%02x", res->digest[i]);
    EVP_MD_CTX_free(md);
    free(sbuf.p);
    free(obuf.p);
    return rc;
}
