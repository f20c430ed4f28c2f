/* test_lattice.c -- box-truncated D4/E8 codebooks (spec §7.4-§7.6) and the
 * Walsh-Hadamard transforms (spec §7.2).
 *
 * Closest point: every result is compared with an exact exhaustive minimum
 * over the whole codebook (literal enumeration of all points, or an exact
 * branch-and-bound over all points of a coset for E8 at Q >= 2, itself checked
 * against literal enumeration). All test inputs are multiples of 2^-20 with
 * |z| <= Q + 3, so every double distance below is exact (|z - w/2| < 2^4,
 * squared < 2^8 with 40 fractional bits -> 48 significant bits, sum of 8
 * -> < 2^51): equal distances compare equal, and ties are real ties.
 *
 * Exit status 0 when all groups pass; the last line is the summary.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvl_internal.h"

/* ---- harness ------------------------------------------------------------ */

typedef struct tctx {
    long fails;     /* failures in the current group */
    long checks;
} tctx;

#define CHECK(t, cond, ...)                                                    \
    do {                                                                       \
        (t)->checks++;                                                         \
        if (!(cond)) {                                                         \
            if ((t)->fails < 10) {                                             \
                printf("  FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);       \
                printf(__VA_ARGS__);                                           \
                printf("\n");                                                  \
            }                                                                  \
            (t)->fails++;                                                      \
        }                                                                      \
    } while (0)

/* splitmix64 */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* uniform integer in [lo, hi] */
static int32_t rng_int(uint64_t *s, int32_t lo, int32_t hi)
{
    uint64_t span = (uint64_t)((int64_t)hi - (int64_t)lo + 1);
    return (int32_t)((int64_t)lo + (int64_t)(rng_next(s) % span));
}

/* ---- codebook membership ------------------------------------------------ */

static int d4_valid(const int32_t *c, int32_t q)
{
    int32_t s = 0;
    int i;
    for (i = 0; i < 4; i++) {
        if (c[i] < -q || c[i] > q)
            return 0;
        s += c[i];
    }
    return (s & 1) == 0;
}

/* w doubled coordinates: all even with sum(w/2) even and |w_i| <= 2q (integer
 * coset), or all odd with h_i = (w_i - 1)/2 of even sum and |w_i| <= 2q - 1
 * (half coset). */
static int e8_valid(const int32_t *w, int32_t q)
{
    int32_t s = 0;
    int i;
    int par = w[0] & 1;
    for (i = 0; i < 8; i++) {
        if ((w[i] & 1) != par)
            return 0;
        if (par == 0) {
            if (w[i] < -2 * q || w[i] > 2 * q)
                return 0;
            s += w[i] / 2;
        } else {
            if (w[i] < -2 * q + 1 || w[i] > 2 * q - 1)
                return 0;
            s += (w[i] - 1) / 2; /* h_i, exact since w_i - 1 is even */
        }
    }
    return (s & 1) == 0;
}

/* exact squared distance of z (lattice units) to doubled-coordinate point w */
static double dist_w(const float *z, const int32_t *w, int n)
{
    double s = 0.0, d;
    int i;
    for (i = 0; i < n; i++) {
        d = (double)z[i] - 0.5 * (double)w[i];
        s += d * d;
    }
    return s;
}

static double dist_c(const float *z, const int32_t *c, int n)
{
    double s = 0.0, d;
    int i;
    for (i = 0; i < n; i++) {
        d = (double)z[i] - (double)c[i];
        s += d * d;
    }
    return s;
}

/* ---- exact exhaustive search -------------------------------------------- */

/* Branch-and-bound over {c in Z^n : sum c even, lo <= c_i <= hi}: minimum of
 * sum (z_i - off - c_i)^2, exact (prunes only strictly worse subtrees), and
 * the number of minimisers. */
typedef struct bnb {
    double zz[8];
    double lb[9];  /* lb[i] = sum_{k>=i} min_c (zz_k - c)^2 (parity ignored) */
    int n;
    int32_t lo, hi;
    double best;
    long nbest;
} bnb;

static void bnb_rec(bnb *b, int i, double s, int32_t par)
{
    int32_t v;
    double d, t;
    if (i == b->n) {
        if ((par & 1) != 0)
            return;
        if (s < b->best) {
            b->best = s;
            b->nbest = 1;
        } else if (s == b->best) {
            b->nbest++;
        }
        return;
    }
    for (v = b->lo; v <= b->hi; v++) {
        d = b->zz[i] - (double)v;
        t = s + d * d;
        if (t + b->lb[i + 1] > b->best)
            continue;
        bnb_rec(b, i + 1, t, par + v);
    }
}

static double exact_coset_min(const float *z, int n, double off, int32_t lo, int32_t hi,
                              long *nmin)
{
    bnb b;
    int i;
    int32_t v;
    double m, d;
    b.n = n;
    b.lo = lo;
    b.hi = hi;
    for (i = 0; i < n; i++)
        b.zz[i] = (double)z[i] - off;
    b.lb[n] = 0.0;
    for (i = n - 1; i >= 0; i--) {
        m = HUGE_VAL;
        for (v = lo; v <= hi; v++) {
            d = b.zz[i] - (double)v;
            if (d * d < m)
                m = d * d;
        }
        b.lb[i] = b.lb[i + 1] + m;
    }
    /* no initial bound: the search visits every point not provably worse */
    b.best = HUGE_VAL;
    b.nbest = 0;
    bnb_rec(&b, 0, 0.0, 0);
    if (nmin)
        *nmin = b.nbest;
    return b.best;
}

/* Literal enumeration of the whole codebook (mixed radix over the box). */
typedef struct pointlist {
    int32_t *pts; /* n per point */
    long count;
    int n;
} pointlist;

/* All c in [lo,hi]^n with even sum, stored as doubled coordinates 2c + odd. */
static int build_list(pointlist *L, int n, int32_t lo, int32_t hi, int32_t odd, long cap)
{
    int32_t c[8];
    int i;
    int32_t s;
    long k = 0;
    L->n = n;
    L->pts = (int32_t *)malloc((size_t)cap * (size_t)n * sizeof(int32_t));
    if (!L->pts)
        return 0;
    for (i = 0; i < n; i++)
        c[i] = lo;
    for (;;) {
        s = 0;
        for (i = 0; i < n; i++)
            s += c[i];
        if ((s & 1) == 0) {
            if (k >= cap)
                return 0;
            for (i = 0; i < n; i++)
                L->pts[k * n + i] = 2 * c[i] + odd;
            k++;
        }
        for (i = n - 1; i >= 0; i--) {
            if (c[i] < hi) {
                c[i]++;
                break;
            }
            c[i] = lo;
        }
        if (i < 0)
            break;
    }
    L->count = k;
    return 1;
}

static double list_min(const pointlist *L, const float *z, long *nmin)
{
    double best = HUGE_VAL, d;
    long k, nb = 0;
    for (k = 0; k < L->count; k++) {
        d = dist_w(z, L->pts + k * L->n, L->n);
        if (d < best) {
            best = d;
            nb = 1;
        } else if (d == best) {
            nb++;
        }
    }
    if (nmin)
        *nmin = nb;
    return best;
}

/* ---- test inputs -------------------------------------------------------- */

#define NKINDS 10
/* Fill z[n] with a test point of the given kind for box size q. All values are
 * multiples of 2^-20 with |z| <= q + 3. "exact" kinds (on the 1/64 grid) make
 * the pinned binary32 E8 error sums exact as well. */
static void gen_point(uint64_t *s, int kind, int n, int32_t q, float *z)
{
    int i;
    int32_t m = q + 3;
    float v;
    static const float edge_off[] = {-1.0f, -0.75f, -0.5f, -0.25f, 0.0f, 0.25f,
                                     0.5f,  0.75f,  1.0f,  1.5f,   3.0f};
    switch (kind) {
    case 0: /* uniform 1/64 grid over [-(q+3), q+3] */
        for (i = 0; i < n; i++)
            z[i] = (float)rng_int(s, -64 * m, 64 * m) / 64.0f;
        break;
    case 1: /* integers and half-integers (rounding ties, exact distance ties) */
        for (i = 0; i < n; i++)
            z[i] = (float)rng_int(s, -2 * m, 2 * m) / 2.0f;
        break;
    case 2: /* all coordinates equal (1/8 grid) */
        v = (float)rng_int(s, -8 * m, 8 * m) / 8.0f;
        for (i = 0; i < n; i++)
            z[i] = v;
        break;
    case 3: /* on / around the box edges, interior coordinates on the 1/4 grid */
        for (i = 0; i < n; i++) {
            if (rng_next(s) & 1) {
                v = edge_off[rng_next(s) % (sizeof edge_off / sizeof edge_off[0])];
                z[i] = (rng_next(s) & 1) ? (float)q + v : -(float)q - v;
            } else {
                z[i] = (float)rng_int(s, -4 * q, 4 * q) / 4.0f;
            }
        }
        break;
    case 4: /* quarter grid inside [-(q+1), q+1] (E8 coset ties) */
        for (i = 0; i < n; i++)
            z[i] = (float)rng_int(s, -4 * (q + 1), 4 * (q + 1)) / 4.0f;
        break;
    case 5: /* small interior values, 1/64 grid over [-1, 1] */
        for (i = 0; i < n; i++)
            z[i] = (float)rng_int(s, -64, 64) / 64.0f;
        break;
    case 6: /* zero vector and +-0 / tiny mixes */
        for (i = 0; i < n; i++) {
            uint64_t r = rng_next(s) % 4u;
            z[i] = r == 0 ? 0.0f : r == 1 ? -0.0f : r == 2 ? 1.0f / 64.0f : -1.0f / 64.0f;
        }
        if (rng_next(s) & 1)
            for (i = 0; i < n; i++)
                z[i] = 0.0f;
        break;
    case 7: /* far outside the box: |z| in [q, q+3] with random signs */
        for (i = 0; i < n; i++) {
            v = (float)q + (float)rng_int(s, 0, 3 * 64) / 64.0f;
            z[i] = (rng_next(s) & 1) ? v : -v;
        }
        break;
    case 8: /* near half-coset points in the box: k + 1/2 + j/64, |j| <= 16 */
        for (i = 0; i < n; i++)
            z[i] = (float)rng_int(s, -q, q - 1) + 0.5f + (float)rng_int(s, -16, 16) / 64.0f;
        break;
    default: /* 2^-20 grid over [-(q+3), q+3] (not exact for the E8 float sums) */
        for (i = 0; i < n; i++)
            z[i] = (float)rng_int(s, -1048576 * m, 1048576 * m) / 1048576.0f;
        break;
    }
}

static int kind_is_exact(int kind)
{
    return kind != 9;
}

/* ---- group 1: codebook sizes and widths --------------------------------- */

/* independent count: parity DP over coordinates taking values in [lo, hi] */
static uint64_t count_even(int n, int32_t lo, int32_t hi)
{
    uint64_t e = 1, o = 0, ne, no, ev = 0, od = 0;
    int32_t v;
    int i;
    for (v = lo; v <= hi; v++) {
        if ((v & 1) == 0)
            ev++;
        else
            od++;
    }
    for (i = 0; i < n; i++) {
        ne = e * ev + o * od;
        no = e * od + o * ev;
        e = ne;
        o = no;
    }
    return e;
}

static unsigned width_indep(uint64_t count)
{
    unsigned w = 0;
    while (w < 64u && ((count - 1u) >> w) != 0u)
        w++;
    return w;
}

static void test_info(tctx *t)
{
    static const uint32_t qd4[] = {1, 2, 4, 5, 10, 19, 37, 38, 44, 45, 76, 152, 4095};
    static const uint32_t qe8[] = {1, 2, 4, 5, 10, 19, 37, 38, 44, 76, 127};
    kvl_lattice_info in;
    uint32_t q;
    size_t k;
    uint64_t cnt;

    printf("  D4 widths:\n    %5s %20s %6s\n", "Q", "count", "width");
    for (k = 0; k < sizeof qd4 / sizeof qd4[0]; k++) {
        CHECK(t, kvl_lattice_get_info(KVL_LATTICE_D4, qd4[k], &in) == KVL_OK, "q=%u", qd4[k]);
        printf("    %5u %20llu %6u\n", qd4[k], (unsigned long long)in.count, (unsigned)in.width);
    }
    printf("  E8 widths:\n    %5s %20s %6s\n", "Q", "count", "width");
    for (k = 0; k < sizeof qe8 / sizeof qe8[0]; k++) {
        CHECK(t, kvl_lattice_get_info(KVL_LATTICE_E8, qe8[k], &in) == KVL_OK, "q=%u", qe8[k]);
        printf("    %5u %20llu %6u\n", qe8[k], (unsigned long long)in.count, (unsigned)in.width);
    }

    /* every allowed Q against an independent count and width */
    for (q = 1; q <= KVL_MAX_Q_D4; q++) {
        cnt = count_even(4, -(int32_t)q, (int32_t)q);
        CHECK(t, kvl_lattice_get_info(KVL_LATTICE_D4, q, &in) == KVL_OK, "q=%u", q);
        CHECK(t, in.count == cnt && in.width == width_indep(cnt) && in.block_dim == 4 &&
                     in.unit == 1 && in.q == q && in.lattice == KVL_LATTICE_D4,
              "D4 q=%u", q);
    }
    for (q = 1; q <= KVL_MAX_Q_E8; q++) {
        cnt = count_even(8, -(int32_t)q, (int32_t)q) + count_even(8, -(int32_t)q, (int32_t)q - 1);
        CHECK(t, kvl_lattice_get_info(KVL_LATTICE_E8, q, &in) == KVL_OK, "q=%u", q);
        CHECK(t, in.count == cnt && in.width == width_indep(cnt) && in.block_dim == 8 &&
                     in.unit == 2 && in.q == q && in.lattice == KVL_LATTICE_E8,
              "E8 q=%u", q);
    }

    /* published per-block widths */
#define WIDTH(lat, q) (kvl_lattice_get_info((lat), (q), &in) == KVL_OK ? (unsigned)in.width : 999u)
    CHECK(t, WIDTH(KVL_LATTICE_D4, 10) == 17, "D4 Q=10");
    CHECK(t, WIDTH(KVL_LATTICE_D4, 38) == 25, "D4 Q=38");
    CHECK(t, WIDTH(KVL_LATTICE_D4, 44) == 25, "D4 Q=44 (largest Q at 25 bits)");
    /* The brief's "Q = 45 needs 25 bits" is off by one: 91^4 = 68574961,
     * count = 34287481 > 2^25 = 33554432, so Q = 45 needs 26 bits. */
    CHECK(t, WIDTH(KVL_LATTICE_D4, 45) == 26, "D4 Q=45");
    CHECK(t, WIDTH(KVL_LATTICE_D4, 152) == 33, "D4 Q=152");
    CHECK(t, WIDTH(KVL_LATTICE_E8, 38) == 51, "E8 Q=38");
    CHECK(t, WIDTH(KVL_LATTICE_E8, 127) == 64, "E8 Q=127");
    CHECK(t, WIDTH(KVL_LATTICE_D4, 4095) == 51, "D4 Q=4095");
#undef WIDTH

    /* range errors */
    CHECK(t, kvl_lattice_get_info(KVL_LATTICE_D4, 0, &in) == KVL_ERR_FIELD, "D4 q=0");
    CHECK(t, kvl_lattice_get_info(KVL_LATTICE_D4, KVL_MAX_Q_D4 + 1u, &in) == KVL_ERR_FIELD, "D4 q=4096");
    CHECK(t, kvl_lattice_get_info(KVL_LATTICE_E8, 0, &in) == KVL_ERR_FIELD, "E8 q=0");
    CHECK(t, kvl_lattice_get_info(KVL_LATTICE_E8, KVL_MAX_Q_E8 + 1u, &in) == KVL_ERR_FIELD, "E8 q=128");
    CHECK(t, kvl_lattice_get_info(2u, 10, &in) == KVL_ERR_FIELD, "lattice 2");
    CHECK(t, kvl_lattice_get_info(0xFFFFFFFFu, 10, &in) == KVL_ERR_FIELD, "lattice ~0");
    CHECK(t, kvl_lattice_get_info(KVL_LATTICE_D4, 0xFFFFFFFFu, &in) == KVL_ERR_FIELD, "q ~0");
}

/* ---- group 2: pinned tie rules ------------------------------------------ */

static int eq_vec(const int32_t *a, const int32_t *b, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static void test_ties(tctx *t)
{
    int32_t c[8], w[8];
    int i;
    float z8[8];

    { /* step 1 ties to even: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> 0, -1.5 -> -2 */
        const float z[4] = {0.5f, 1.5f, 2.5f, -0.5f};
        const int32_t e[4] = {0, 2, 2, 0};
        kvl_d4_closest(z, 3, c);
        CHECK(t, eq_vec(c, e, 4), "ties-to-even got %d %d %d %d", c[0], c[1], c[2], c[3]);
    }
    { /* -1.5 -> -2, -2.5 -> -2, 3.5 -> 4 (even sum) */
        const float z[4] = {-1.5f, -2.5f, 3.5f, 0.0f};
        const int32_t e[4] = {-2, -2, 4, 0};
        kvl_d4_closest(z, 5, c);
        CHECK(t, eq_vec(c, e, 4), "ties-to-even neg got %d %d %d %d", c[0], c[1], c[2], c[3]);
    }
    { /* lowest index wins among equal penalties (-0.25 at 0, 1, 3) */
        const float z[4] = {0.25f, 0.25f, 0.0f, 0.75f};
        const int32_t e[4] = {1, 0, 0, 1};
        kvl_d4_closest(z, 2, c);
        CHECK(t, eq_vec(c, e, 4), "lowest index got %d %d %d %d", c[0], c[1], c[2], c[3]);
    }
    { /* lowest index wins: same penalty at indices 2 and 3 only */
        const float z[4] = {0.0f, 0.0f, 0.375f, 0.625f};
        /* f = (0,0,0,1) odd; p = (0, 0, -0.375, -0.375) -> j = 2 */
        const int32_t e[4] = {0, 0, 1, 1};
        kvl_d4_closest(z, 2, c);
        CHECK(t, eq_vec(c, e, 4), "lowest index 2 got %d %d %d %d", c[0], c[1], c[2], c[3]);
    }
    { /* z_i == f_i: +1 preferred when inside the box ( -1 -> 0, not -2 ) */
        const float z[4] = {-1.0f, 0.0f, 0.0f, 0.0f};
        const int32_t e[4] = {0, 0, 0, 0};
        kvl_d4_closest(z, 2, c);
        CHECK(t, eq_vec(c, e, 4), "+1 at z==f got %d %d %d %d", c[0], c[1], c[2], c[3]);
    }
    { /* z_i == f_i, all penalties 0: index 0 moves +1 */
        const float z[4] = {1.0f, 0.0f, 0.0f, 0.0f};
        const int32_t e[4] = {2, 0, 0, 0};
        kvl_d4_closest(z, 2, c);
        CHECK(t, eq_vec(c, e, 4), "+1 at z==f (2) got %d %d %d %d", c[0], c[1], c[2], c[3]);
    }
    { /* box edge: z_0 == hi, +1 would leave the box -> alternative hi - 1 */
        const float z[4] = {1.0f, 0.0f, 0.0f, 0.0f};
        const int32_t e[4] = {0, 0, 0, 0};
        kvl_d4_closest(z, 1, c);
        CHECK(t, eq_vec(c, e, 4), "edge hi got %d %d %d %d", c[0], c[1], c[2], c[3]);
    }
    { /* outside the box: z_0 = 5 (f = 1, penalty 4), z_1 = 0.1 is cheaper */
        const float z[4] = {5.0f, 0.125f, 0.0f, 0.0f};
        const int32_t e[4] = {1, 1, 0, 0};
        kvl_d4_closest(z, 1, c);
        CHECK(t, eq_vec(c, e, 4), "outside got %d %d %d %d", c[0], c[1], c[2], c[3]);
    }
    { /* outside at lo: z_0 = -1.25 (f = -1, alternative 0, penalty 0.25) */
        const float z[4] = {-1.25f, 0.0f, 0.0f, 0.0f};
        const int32_t e[4] = {-1, 1, 0, 0};
        kvl_d4_closest(z, 1, c);
        CHECK(t, eq_vec(c, e, 4), "lo edge got %d %d %d %d", c[0], c[1], c[2], c[3]);
    }
    { /* three coordinates far below the box (q = 1), one at 0: odd parity */
        const float z[4] = {-9.0f, -9.0f, -9.0f, 0.0f};
        /* f = (-1,-1,-1,0) odd; p = (8, 8, 8, 0) -> index 3: 0 -> +1 */
        const int32_t e[4] = {-1, -1, -1, 1};
        kvl_d4_closest(z, 1, c);
        CHECK(t, eq_vec(c, e, 4), "far lo got %d %d %d %d", c[0], c[1], c[2], c[3]);
    }
    { /* zero vector */
        const float z[4] = {0.0f, -0.0f, 0.0f, 0.0f};
        const int32_t e[4] = {0, 0, 0, 0};
        kvl_d4_closest(z, 1, c);
        CHECK(t, eq_vec(c, e, 4), "zero got %d %d %d %d", c[0], c[1], c[2], c[3]);
    }
    /* hi - lo == 1 box (the E8 half coset at q = 1): z = (0.25, 0, ..., 0)
     * rounds to all zero (even), nothing to repair */
    for (i = 0; i < 8; i++)
        z8[i] = 0.0f;
    z8[0] = 0.25f;
    kvl_dn_closest_box(z8, 8, -1, 0, c);
    CHECK(t, c[0] == 0 && c[1] == 0, "tiny box");

    /* E8: all 0.25 -> both cosets at squared error 0.5: integer coset wins */
    for (i = 0; i < 8; i++)
        z8[i] = 0.25f;
    kvl_e8_closest(z8, 3, w);
    for (i = 0; i < 8; i++)
        CHECK(t, w[i] == 0, "E8 coset tie i=%d w=%d", i, w[i]);
    /* E8: all 0.5 -> half coset exactly (w = 1) */
    for (i = 0; i < 8; i++)
        z8[i] = 0.5f;
    kvl_e8_closest(z8, 1, w);
    for (i = 0; i < 8; i++)
        CHECK(t, w[i] == 1, "E8 half i=%d w=%d", i, w[i]);
    /* E8 q = 1, z = 1.5: the half coset is capped at 1/2 (w = 1), integer
     * coset at 1 (w = 2): integer error 8*0.25 = 2 < half 8*1 = 8 */
    for (i = 0; i < 8; i++)
        z8[i] = 1.5f;
    kvl_e8_closest(z8, 1, w);
    for (i = 0; i < 8; i++)
        CHECK(t, w[i] == 2, "E8 clamp i=%d w=%d", i, w[i]);
    /* E8 q = 1, z = (0.5 x7, -0.5): half coset h = (0 x7, -1) has odd sum ...
     * zh = (0 x7, -1), f = (0,..,0,-1) odd; p_i = 0 for i < 7 (a = +1 would be
     * 1 > hi = 0 -> a = -1, p = z - f = 0); p_7: zh = -1 = f, a = 0, p = 0 ->
     * j = 0, h = (-1, 0, ..., 0, -1), w = (-1, 1, 1, 1, 1, 1, 1, -1). Error
     * 1 + 0 ... vs integer coset (0,...,0): 8 * 0.25 = 2 -> half (1.0) wins. */
    for (i = 0; i < 8; i++)
        z8[i] = 0.5f;
    z8[7] = -0.5f;
    kvl_e8_closest(z8, 1, w);
    {
        const int32_t e[8] = {-1, 1, 1, 1, 1, 1, 1, -1};
        CHECK(t, eq_vec(w, e, 8), "E8 half edge got %d %d %d %d %d %d %d %d", w[0], w[1],
              w[2], w[3], w[4], w[5], w[6], w[7]);
    }
    /* E8 zero vector -> zero */
    for (i = 0; i < 8; i++)
        z8[i] = 0.0f;
    kvl_e8_closest(z8, 127, w);
    for (i = 0; i < 8; i++)
        CHECK(t, w[i] == 0, "E8 zero");
}

/* ---- group 3: D4 closest point vs exhaustive enumeration ---------------- */

static void test_d4_closest(tctx *t)
{
    uint64_t s = 12345;
    int32_t q, c[4];
    float z[4];
    pointlist L;
    long k, npts = 0, nties = 0, nmin;
    int kind;
    double best, got;
    for (q = 1; q <= 3; q++) {
        if (!build_list(&L, 4, -q, q, 0, 4096)) {
            CHECK(t, 0, "alloc");
            return;
        }
        for (k = 0; k < 40000; k++) {
            kind = (int)(k % NKINDS);
            gen_point(&s, kind, 4, q, z);
            kvl_d4_closest(z, q, c);
            CHECK(t, d4_valid(c, q), "q=%d point not in codebook", q);
            /* the list holds 2c; list_min measures against w/2 = c */
            got = dist_c(z, c, 4);
            best = list_min(&L, z, &nmin);
            CHECK(t, got == best, "q=%d z=(%g %g %g %g) got %.17g best %.17g", q, (double)z[0],
                  (double)z[1], (double)z[2], (double)z[3], got, best);
            if (nmin > 1)
                nties++;
            npts++;
        }
        free(L.pts);
    }
    printf("  D4: %ld points (Q=1..3), %ld with several nearest codebook points\n", npts, nties);
}

/* ---- group 4: E8 closest point vs exhaustive search ----------------------- */

static void test_e8_closest(tctx *t)
{
    uint64_t s = 777;
    int32_t q, a[8], h[8], wa[8], wb[8], w[8];
    float z[8], zh[8];
    pointlist LA, LB;
    long k, i, npts = 0, nties = 0, nnear = 0, ncross = 0, nmA, nmB, nB = 0, ncoset_tie = 0;
    long nlA, nlB;
    int kind, use_list, ok_coset;
    double minA, minB, dA, dB, dW, lA, lB, tol;
    for (q = 1; q <= 3; q++) {
        use_list = (q <= 2);
        if (use_list) {
            if (!build_list(&LA, 8, -q, q, 0, 200000) || !build_list(&LB, 8, -q, q - 1, 1, 40000)) {
                CHECK(t, 0, "alloc");
                return;
            }
        }
        for (k = 0; k < 36000; k++) {
            kind = (int)(k % NKINDS);
            gen_point(&s, kind, 8, q, z);
            /* the two coset searches exactly as §7.5 steps 1-2 */
            kvl_dn_closest_box(z, 8, -q, q, a);
            for (i = 0; i < 8; i++) {
                wa[i] = 2 * a[i];
                zh[i] = z[i] - 0.5f;
                CHECK(t, (double)zh[i] == (double)z[i] - 0.5, "z - 0.5 inexact");
            }
            kvl_dn_closest_box(zh, 8, -q, q - 1, h);
            for (i = 0; i < 8; i++)
                wb[i] = 2 * h[i] + 1;
            kvl_e8_closest(z, q, w);
            CHECK(t, e8_valid(wa, q) && e8_valid(wb, q) && e8_valid(w, q), "q=%d not in E8 box", q);
            CHECK(t, eq_vec(w, wa, 8) || eq_vec(w, wb, 8), "q=%d result is neither coset candidate", q);

            /* exact per-coset minima over every point of the coset */
            minA = exact_coset_min(z, 8, 0.0, -q, q, &nmA);
            minB = exact_coset_min(z, 8, 0.5, -q, q - 1, &nmB);
            if (q == 1 || (q == 2 && k < 400)) {
                /* literal enumeration of all codebook points confirms the B&B */
                lA = list_min(&LA, z, &nlA);
                lB = list_min(&LB, z, &nlB);
                CHECK(t, lA == minA && lB == minB && nlA == nmA && nlB == nmB,
                      "B&B mismatch q=%d", q);
                ncross++;
            }
            dA = dist_w(z, wa, 8);
            dB = dist_w(z, wb, 8);
            dW = dist_w(z, w, 8);
            CHECK(t, dA == minA, "q=%d integer coset not nearest: %.17g vs %.17g", q, dA, minA);
            CHECK(t, dB == minB, "q=%d half coset not nearest: %.17g vs %.17g", q, dB, minB);
            if (nmA > 1 || nmB > 1)
                nties++;
            if (minA == minB)
                ncoset_tie++;
            /* chosen coset: exact nearest; exact coset ties -> integer coset */
            ok_coset = (minB < minA) ? eq_vec(w, wb, 8) : eq_vec(w, wa, 8);
            if (!ok_coset) {
                /* allowed only as a binary32 near-tie of the pinned error sums
                 * (never on the exact 1/64 grid) */
                tol = 16.0 * ldexp(1.0, -24) * (minA > minB ? minA : minB);
                CHECK(t, !kind_is_exact(kind) && fabs(minA - minB) <= tol,
                      "q=%d kind=%d wrong coset: minA %.17g minB %.17g", q, kind, minA, minB);
                nnear++;
            }
            CHECK(t, dW == (minA < minB ? minA : minB) || !ok_coset, "q=%d not nearest", q);
            if (w[0] & 1)
                nB++;
            npts++;
        }
        if (use_list) {
            free(LA.pts);
            free(LB.pts);
        }
    }
    printf("  E8: %ld points (Q=1..3), %ld half-coset results, %ld with several nearest points "
           "within a coset, %ld exact coset ties, %ld binary32 near-ties, "
           "%ld B&B cross-checks by full enumeration\n",
           npts, nB, nties, ncoset_tie, nnear, ncross);
}

/* ---- group 5/6: ranks ---------------------------------------------------- */

static void d4_rank_check_idx(tctx *t, int32_t q, uint64_t idx)
{
    int32_t c[4];
    int st = kvl_d4_unrank(idx, q, c);
    CHECK(t, st == KVL_OK, "D4 q=%d unrank(%llu) st=%d", q, (unsigned long long)idx, st);
    CHECK(t, d4_valid(c, q), "D4 q=%d unrank(%llu) invalid", q, (unsigned long long)idx);
    CHECK(t, kvl_d4_rank(c, q) == idx, "D4 q=%d rank(unrank(%llu))", q, (unsigned long long)idx);
}

static void test_d4_rank(tctx *t)
{
    uint64_t s = 99;
    int32_t q, c[4], d[4];
    uint64_t idx, r, count;
    kvl_lattice_info in;
    uint8_t *seen;
    long k, n;
    int i, st;

    /* exhaustive, Q <= 10 */
    for (q = 1; q <= 10; q++) {
        kvl_lattice_get_info(KVL_LATTICE_D4, (uint32_t)q, &in);
        count = in.count;
        seen = (uint8_t *)calloc((size_t)count, 1);
        if (!seen) {
            CHECK(t, 0, "alloc");
            return;
        }
        n = 0;
        for (c[0] = -q; c[0] <= q; c[0]++)
            for (c[1] = -q; c[1] <= q; c[1]++)
                for (c[2] = -q; c[2] <= q; c[2]++)
                    for (c[3] = -q; c[3] <= q; c[3]++) {
                        if (((c[0] + c[1] + c[2] + c[3]) & 1) != 0)
                            continue;
                        r = kvl_d4_rank(c, q);
                        CHECK(t, r < count, "q=%d rank out of range", q);
                        if (r < count) {
                            CHECK(t, !seen[r], "q=%d duplicate rank %llu", q, (unsigned long long)r);
                            seen[r] = 1;
                        }
                        st = kvl_d4_unrank(r, q, d);
                        CHECK(t, st == KVL_OK && eq_vec(c, d, 4), "q=%d unrank(rank(c)) != c", q);
                        n++;
                    }
        CHECK(t, (uint64_t)n == count, "q=%d enumerated %ld != count %llu", q, n,
              (unsigned long long)count);
        for (idx = 0; idx < count; idx++)
            d4_rank_check_idx(t, q, idx);
        free(seen);
    }

    /* sampled, every allowed Q */
    for (q = 1; q <= (int32_t)KVL_MAX_Q_D4; q++) {
        kvl_lattice_get_info(KVL_LATTICE_D4, (uint32_t)q, &in);
        count = in.count;
        d4_rank_check_idx(t, q, 0);
        d4_rank_check_idx(t, q, 1);
        d4_rank_check_idx(t, q, count - 2);
        d4_rank_check_idx(t, q, count - 1);
        /* extremes are the corners: rank 0 = (-q,-q,-q,-q), last = (q,q,q,q) */
        kvl_d4_unrank(0, q, c);
        CHECK(t, c[0] == -q && c[1] == -q && c[2] == -q && c[3] == -q, "q=%d rank 0", q);
        kvl_d4_unrank(count - 1, q, c);
        CHECK(t, c[0] == q && c[1] == q && c[2] == q && c[3] == q, "q=%d last", q);
        for (k = 0; k < 10000; k++)
            d4_rank_check_idx(t, q, rng_next(&s) % count);
        /* random valid points -> rank -> unrank */
        for (k = 0; k < 200; k++) {
            for (i = 0; i < 4; i++)
                c[i] = rng_int(&s, -q, q);
            if ((c[0] + c[1] + c[2] + c[3]) & 1)
                c[3] = c[3] > -q ? c[3] - 1 : c[3] + 1;
            r = kvl_d4_rank(c, q);
            st = kvl_d4_unrank(r, q, d);
            CHECK(t, r < count && st == KVL_OK && eq_vec(c, d, 4), "q=%d random point", q);
        }
        /* out of range */
        for (i = 0; i < 4; i++)
            d[i] = 7;
        CHECK(t, kvl_d4_unrank(count, q, d) == KVL_ERR_INDEX, "q=%d unrank(count)", q);
        CHECK(t, d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0, "q=%d zero on error", q);
        CHECK(t, kvl_d4_unrank(UINT64_MAX, q, d) == KVL_ERR_INDEX, "q=%d unrank(max)", q);
        CHECK(t, kvl_d4_unrank(count + 1u, q, d) == KVL_ERR_INDEX, "q=%d unrank(count+1)", q);
    }
}

static void e8_rank_check_idx(tctx *t, int32_t q, uint64_t idx, uint64_t count_int)
{
    int32_t w[8];
    int st = kvl_e8_unrank(idx, q, w);
    CHECK(t, st == KVL_OK, "E8 q=%d unrank(%llu) st=%d", q, (unsigned long long)idx, st);
    CHECK(t, e8_valid(w, q), "E8 q=%d unrank(%llu) invalid", q, (unsigned long long)idx);
    CHECK(t, ((w[0] & 1) != 0) == (idx >= count_int), "E8 q=%d coset order", q);
    CHECK(t, kvl_e8_rank(w, q) == idx, "E8 q=%d rank(unrank(%llu))", q, (unsigned long long)idx);
}

static void test_e8_rank(tctx *t)
{
    uint64_t s = 4242;
    int32_t q, w[8], v[8], c[8];
    uint64_t idx, r, count, count_int;
    kvl_lattice_info in;
    uint8_t *seen;
    long k, n;
    int i, st, coset;
    int32_t lo, hi, sum;

    /* exhaustive, Q <= 2 */
    for (q = 1; q <= 2; q++) {
        kvl_lattice_get_info(KVL_LATTICE_E8, (uint32_t)q, &in);
        count = in.count;
        count_int = count_even(8, -q, q);
        seen = (uint8_t *)calloc((size_t)count, 1);
        if (!seen) {
            CHECK(t, 0, "alloc");
            return;
        }
        n = 0;
        for (coset = 0; coset < 2; coset++) {
            lo = -q;
            hi = coset ? q - 1 : q;
            for (i = 0; i < 8; i++)
                c[i] = lo;
            for (;;) {
                sum = 0;
                for (i = 0; i < 8; i++)
                    sum += c[i];
                if ((sum & 1) == 0) {
                    for (i = 0; i < 8; i++)
                        w[i] = 2 * c[i] + coset;
                    r = kvl_e8_rank(w, q);
                    CHECK(t, r < count, "q=%d rank out of range", q);
                    CHECK(t, (r >= count_int) == (coset == 1), "q=%d coset order", q);
                    if (r < count) {
                        CHECK(t, !seen[r], "q=%d duplicate rank", q);
                        seen[r] = 1;
                    }
                    st = kvl_e8_unrank(r, q, v);
                    CHECK(t, st == KVL_OK && eq_vec(v, w, 8), "q=%d unrank(rank(w)) != w", q);
                    n++;
                }
                for (i = 7; i >= 0; i--) {
                    if (c[i] < hi) {
                        c[i]++;
                        break;
                    }
                    c[i] = lo;
                }
                if (i < 0)
                    break;
            }
        }
        CHECK(t, (uint64_t)n == count, "q=%d enumerated %ld != %llu", q, n, (unsigned long long)count);
        for (idx = 0; idx < count; idx++)
            e8_rank_check_idx(t, q, idx, count_int);
        free(seen);
    }

    /* sampled, every allowed Q */
    for (q = 1; q <= (int32_t)KVL_MAX_Q_E8; q++) {
        kvl_lattice_get_info(KVL_LATTICE_E8, (uint32_t)q, &in);
        count = in.count;
        count_int = count_even(8, -q, q);
        e8_rank_check_idx(t, q, 0, count_int);
        e8_rank_check_idx(t, q, 1, count_int);
        e8_rank_check_idx(t, q, count - 2, count_int);
        e8_rank_check_idx(t, q, count - 1, count_int);
        e8_rank_check_idx(t, q, count_int - 1, count_int);
        e8_rank_check_idx(t, q, count_int, count_int);
        kvl_e8_unrank(count_int - 1, q, w);
        for (i = 0; i < 8; i++)
            CHECK(t, w[i] == 2 * q, "q=%d last integer point", q);
        for (k = 0; k < 10000; k++)
            e8_rank_check_idx(t, q, rng_next(&s) % count, count_int);
        /* random valid points of both cosets -> rank -> unrank */
        for (k = 0; k < 2000; k++) {
            coset = (int)(k & 1);
            hi = coset ? q - 1 : q;
            sum = 0;
            for (i = 0; i < 8; i++) {
                c[i] = rng_int(&s, -q, hi);
                sum += c[i];
            }
            if (sum & 1)
                c[7] = c[7] > -q ? c[7] - 1 : c[7] + 1;
            for (i = 0; i < 8; i++)
                w[i] = 2 * c[i] + coset;
            r = kvl_e8_rank(w, q);
            st = kvl_e8_unrank(r, q, v);
            CHECK(t, r < count && st == KVL_OK && eq_vec(v, w, 8), "q=%d random point", q);
        }
        for (i = 0; i < 8; i++)
            v[i] = 7;
        CHECK(t, kvl_e8_unrank(count, q, v) == KVL_ERR_INDEX, "q=%d unrank(count)", q);
        CHECK(t, eq_vec(v, (const int32_t[8]){0, 0, 0, 0, 0, 0, 0, 0}, 8), "q=%d zero on error", q);
        CHECK(t, kvl_e8_unrank(UINT64_MAX, q, v) == KVL_ERR_INDEX, "q=%d unrank(max)", q);
    }
    /* q outside the allowed range is a field error */
    CHECK(t, kvl_e8_unrank(0, 128, w) == KVL_ERR_FIELD, "E8 q=128");
    CHECK(t, kvl_d4_unrank(0, 4096, w) == KVL_ERR_FIELD, "D4 q=4096");
    CHECK(t, kvl_d4_unrank(0, 0, w) == KVL_ERR_FIELD, "D4 q=0");
}

/* ---- group 7: closest point -> rank -> unrank round trip ---------------- */

static void test_roundtrip(tctx *t)
{
    uint64_t s = 31337;
    static const int32_t qs[] = {1, 2, 10, 38, 45, 152, 4095};
    static const int32_t qe[] = {1, 2, 10, 38, 127};
    float z[8];
    int32_t c[8], d[8];
    size_t j;
    long k;
    int i;
    kvl_lattice_info in;
    uint64_t r;
    for (j = 0; j < sizeof qs / sizeof qs[0]; j++) {
        kvl_lattice_get_info(KVL_LATTICE_D4, (uint32_t)qs[j], &in);
        for (k = 0; k < 20000; k++) {
            for (i = 0; i < 4; i++)
                z[i] = (float)rng_int(&s, -64 * (qs[j] + 3), 64 * (qs[j] + 3)) / 64.0f;
            kvl_d4_closest(z, qs[j], c);
            r = kvl_d4_rank(c, qs[j]);
            CHECK(t, d4_valid(c, qs[j]) && r < in.count && (r >> in.width) == 0 &&
                         kvl_d4_unrank(r, qs[j], d) == KVL_OK && eq_vec(c, d, 4),
                  "D4 q=%d", qs[j]);
        }
    }
    for (j = 0; j < sizeof qe / sizeof qe[0]; j++) {
        kvl_lattice_get_info(KVL_LATTICE_E8, (uint32_t)qe[j], &in);
        for (k = 0; k < 20000; k++) {
            for (i = 0; i < 8; i++)
                z[i] = (float)rng_int(&s, -64 * (qe[j] + 3), 64 * (qe[j] + 3)) / 64.0f;
            kvl_e8_closest(z, qe[j], c);
            r = kvl_e8_rank(c, qe[j]);
            CHECK(t, e8_valid(c, qe[j]) && r < in.count &&
                         (in.width >= 64 || (r >> in.width) == 0) &&
                         kvl_e8_unrank(r, qe[j], d) == KVL_OK && eq_vec(c, d, 8),
                  "E8 q=%d", qe[j]);
        }
    }
}

/* ---- group 8: WHT vs the Hadamard matrix -------------------------------- */

static int hsign(uint32_t i, uint32_t j)
{
    uint32_t x = i & j;
    int p = 0;
    while (x) {
        p ^= 1;
        x &= x - 1u;
    }
    return p ? -1 : 1;
}

static void test_wht(tctx *t)
{
    uint64_t s = 2024;
    int32_t v[512], orig[512];
    float f[512];
    int64_t ref;
    uint32_t d, i, j;
    int rep;
    for (d = 1; d <= 512; d *= 2) {
        for (rep = 0; rep < 4; rep++) {
            for (i = 0; i < d; i++) {
                orig[i] = rng_int(&s, -20000, 20000);
                v[i] = orig[i];
                f[i] = (float)orig[i];
            }
            kvl_fwht_i32(v, d);
            kvl_fwht_f32(f, d);
            for (i = 0; i < d; i++) {
                ref = 0;
                for (j = 0; j < d; j++)
                    ref += (int64_t)hsign(i, j) * orig[j];
                CHECK(t, (int64_t)v[i] == ref, "i32 d=%u i=%u", d, i);
                /* |ref| <= 512 * 20000 < 2^24: exact in binary32 */
                CHECK(t, (double)f[i] == (double)ref, "f32 d=%u i=%u", d, i);
            }
            kvl_fwht_i32(v, d);
            kvl_fwht_f32(f, d);
            for (i = 0; i < d; i++) {
                CHECK(t, (int64_t)v[i] == (int64_t)d * orig[i], "i32 twice d=%u", d);
                CHECK(t, (double)f[i] == (double)d * orig[i], "f32 twice d=%u", d);
            }
        }
    }
    /* f32 butterfly order is pinned: a non-exact input must match a re-run of
     * the documented loop nest */
    for (d = 8; d <= 512; d *= 2) {
        float g[512], a, b;
        uint32_t h, k;
        for (i = 0; i < d; i++) {
            f[i] = (float)rng_int(&s, -1000000, 1000000) / 3.0f;
            g[i] = f[i];
        }
        kvl_fwht_f32(f, d);
        for (h = 1; h < d; h *= 2u)
            for (k = 0; k < d; k += 2u * h)
                for (j = k; j < k + h; j++) {
                    a = g[j];
                    b = g[j + h];
                    g[j] = a + b;
                    g[j + h] = a - b;
                }
        CHECK(t, memcmp(f, g, d * sizeof(float)) == 0, "f32 order d=%u", d);
    }
}

/* ---- group 9: decoder integer overflow bound ----------------------------- */

/* Butterflies in int64, returning the largest |intermediate| (inputs included). */
static int64_t wht64_max(int64_t *v, uint32_t d)
{
    uint32_t h, i, j;
    int64_t a, b, m = 0;
    for (i = 0; i < d; i++)
        if ((v[i] < 0 ? -v[i] : v[i]) > m)
            m = v[i] < 0 ? -v[i] : v[i];
    for (h = 1; h < d; h *= 2u)
        for (i = 0; i < d; i += 2u * h)
            for (j = i; j < i + h; j++) {
                a = v[j];
                b = v[j + h];
                v[j] = a + b;
                v[j + h] = a - b;
                if ((v[j] < 0 ? -v[j] : v[j]) > m)
                    m = v[j] < 0 ? -v[j] : v[j];
                if ((v[j + h] < 0 ? -v[j + h] : v[j + h]) > m)
                    m = v[j + h] < 0 ? -v[j + h] : v[j + h];
            }
    return m;
}

static void test_overflow(tctx *t)
{
    int64_t v64[512], sumabs, m, worst = 0, bound;
    int32_t v32[512];
    uint32_t d, i, row, nout, place;
    int lat, sign_mode;
    int64_t base, outl;
    long cases = 0;
    for (lat = 0; lat < 2; lat++) {
        /* code magnitude: D4 |c| <= q = 4095; E8 doubled |w| <= 2q = 254 */
        base = lat == 0 ? (int64_t)KVL_MAX_Q_D4 : 2 * (int64_t)KVL_MAX_Q_E8;
        outl = base + KVL_OUTLIER_CORR_MAX;
        for (d = 8; d <= 512; d *= 2) {
            nout = d < KVL_MAX_OUTLIERS ? d : KVL_MAX_OUTLIERS;
            bound = (int64_t)d * (lat == 0 ? 1 : 2) *
                        (lat == 0 ? (int64_t)KVL_MAX_Q_D4 : (int64_t)KVL_MAX_Q_E8) +
                    (int64_t)KVL_MAX_OUTLIERS * KVL_OUTLIER_CORR_MAX;
            CHECK(t, bound < ((int64_t)1 << 24), "bound d=%u", d);
            for (place = 0; place < 2; place++) {
                /* sign patterns: all +, all -, every Hadamard row */
                for (sign_mode = 0; sign_mode < (int)d + 2; sign_mode++) {
                    row = sign_mode >= 2 ? (uint32_t)(sign_mode - 2) : 0;
                    sumabs = 0;
                    for (i = 0; i < d; i++) {
                        int is_out = place == 0 ? (i < nout) : (i >= d - nout);
                        int64_t mag = is_out ? outl : base;
                        int sg = sign_mode == 0 ? 1 : sign_mode == 1 ? -1 : hsign(row, i);
                        v64[i] = sg * mag;
                        v32[i] = (int32_t)v64[i];
                        sumabs += mag;
                    }
                    CHECK(t, sumabs <= bound, "sum|k| d=%u", d);
                    m = wht64_max(v64, d);
                    if (m > worst)
                        worst = m;
                    CHECK(t, m <= sumabs && m < ((int64_t)1 << 24), "d=%u max %lld", d, (long long)m);
                    /* the all-equal and Hadamard-row patterns reach sum|k| */
                    CHECK(t, m == sumabs, "d=%u pattern %d max %lld sum %lld", d, sign_mode,
                          (long long)m, (long long)sumabs);
                    kvl_fwht_i32(v32, d);
                    for (i = 0; i < d; i++)
                        CHECK(t, (int64_t)v32[i] == v64[i], "i32 vs i64 d=%u", d);
                    cases++;
                }
            }
        }
    }
    printf("  overflow: %ld worst-case vectors, largest |intermediate| %lld < 2^24 = %lld\n",
           cases, (long long)worst, (long long)1 << 24);
}

/* ---- main ----------------------------------------------------------------- */

typedef struct tgroup {
    const char *name;
    void (*fn)(tctx *);
} tgroup;

int main(void)
{
    static const tgroup groups[] = {
        {"info_widths", test_info},       {"tie_rules", test_ties},
        {"d4_closest", test_d4_closest},  {"e8_closest", test_e8_closest},
        {"d4_rank", test_d4_rank},        {"e8_rank", test_e8_rank},
        {"closest_rank_roundtrip", test_roundtrip},
        {"wht_matrix", test_wht},         {"wht_overflow_bound", test_overflow},
    };
    size_t g;
    int passed = 0, failed = 0;
    tctx t;
    for (g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        t.fails = 0;
        t.checks = 0;
        printf("[%s]\n", groups[g].name);
        groups[g].fn(&t);
        if (t.fails == 0) {
            passed++;
            printf("  ok (%ld checks)\n", t.checks);
        } else {
            failed++;
            printf("  FAILED (%ld of %ld checks)\n", t.fails, t.checks);
        }
        fflush(stdout);
    }
    printf("test_lattice: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
