/* lattice.c -- box-truncated D4 and E8 codebooks (spec §7.4 - §7.6).
 *
 * The codebook of a LATTICE chunk is the lattice intersected with a box:
 *   D4(q) = { c in Z^4 : sum c even, -q <= c_i <= q }
 *   E8(q) = (D8 ∩ [-q, q]^8) ∪ ((D8 + 1/2) ∩ [-q + 1/2, q - 1/2]^8)
 * The encoder finds the exact closest point of that finite set (no clamping
 * after the search, no escape channel), and every point has an exact rank in
 * [0, count) so that a block index is stored in ceil(log2(count)) bits.
 *
 * Code coordinates ("code units"): D4 codes are the lattice coordinates c_i;
 * E8 codes are doubled coordinates w_i = 2 x_i, all even (integer coset) or
 * all odd (half coset), so everything here is integer except the search input.
 *
 * Overflow bounds (all index arithmetic is uint64_t):
 *   D4, q <= 4095: R = 2q+1 <= 8191 < 2^13, so every partial base-R number
 *     ((u0 R + u1) R + ...) is <= R^4 - 1 < 2^52, and 2*idx < R^4 for idx < count.
 *   E8, q <= 127: R = 2q+1 <= 255 < 2^8, so R^8 <= 255^8 < 2^64 and every partial
 *     base-R number is <= R^8 - 1; 2*idx <= R^8 - 1 for idx < count_int.
 *     Half coset: (2q)^8 / 2 <= 254^8 / 2 < 2^63; every partial mixed-radix
 *     number is < (2q)^7 * q = count_half. count = count_int + count_half
 *     <= (255^8 + 1)/2 + 254^8/2 < 1.76e19 < 2^64 - 1 (it needs exactly 64 bits
 *     at q = 127), so the E8 rank count_int + rank_half cannot wrap either.
 */
#include "kvl_internal.h"

/*@ // Arithmetic fact used by pow_u64 (proved by the SMT solvers).
    lemma kvl_mul_le: \forall integer a, b, x; 0 <= a <= b && 0 <= x ==> a * x <= b * x;
    // an int32 whose uint32 conversion is a small positive number is that number
    lemma kvl_u32_of_i32: \forall int32_t q; 0 < (uint32_t)q <= 0x7FFFFFFF ==> q == (uint32_t)q;
    // x^i for the largest bases of the codebooks: R = 2Q+1 <= 8191 (D4, i <= 4),
    // R <= 255 and 2Q <= 254 (E8, i <= 8).
    logic integer kvl_p8191(integer i) =
      i <= 0 ? 1 : i == 1 ? 8191 : i == 2 ? 67092481 : i == 3 ? 549554511871 : 4501401006735361;
    logic integer kvl_p255(integer i) =
      i <= 0 ? 1 : i == 1 ? 255 : i == 2 ? 65025 : i == 3 ? 16581375 : i == 4 ? 4228250625 :
      i == 5 ? 1078203909375 : i == 6 ? 274941996890625 : i == 7 ? 70110209207109375 :
      17878103347812890625;
*/

/* ---- §7.6 codebook sizes ------------------------------------------------ */

/* x^k in uint64_t; the callers' range checks make overflow impossible (see the
 * file comment), and it is re-checked here so that a future change of the
 * limits cannot silently wrap. Returns 0 on overflow (no count is 0). */
/*@ requires k <= 8;
    assigns \nothing;
    ensures \result != 0 ==> \result == kvl_ipow(x, k);
    ensures 1 <= x <= 8191 && k <= 4 ==> 1 <= \result <= kvl_p8191(4);
    ensures 1 <= x <= 255 && k <= 8 ==> 1 <= \result <= kvl_p255(8);
*/
static uint64_t pow_u64(uint64_t x, unsigned k)
{
    uint64_t r = 1;
    unsigned i;
    /*@ loop invariant 0 <= i <= k;
        loop invariant r == kvl_ipow(x, i);
        loop invariant 1 <= x <= 8191 && k <= 4 ==> 1 <= r <= kvl_p8191(i);
        loop invariant 1 <= x <= 255 && k <= 8 ==> 1 <= r <= kvl_p255(i);
        loop assigns i, r;
        loop variant k - i;
    */
    for (i = 0; i < k; i++) {
        if (x != 0 && r > UINT64_MAX / x)
            return 0;
        /*@ assert x != 0 ==> r <= UINT64_MAX / x; */
        /*@ assert x != 0 ==> (UINT64_MAX / x) * x <= UINT64_MAX; */
        /*@ assert x != 0 ==> r * x <= (UINT64_MAX / x) * x; */
        r *= x;
    }
    return r;
}

/* Smallest w with 2^w >= count (exact integer computation; count >= 1). */
/*@ assigns \nothing;
    ensures \result <= 64;
*/
static uint8_t width_of(uint64_t count)
{
    uint8_t w = 0;
    /*@ loop invariant 0 <= w <= 64;
        loop assigns w;
        loop variant 64 - w;
    */
    while (w < 64u && (UINT64_C(1) << w) < count)
        w++;
    return w;
}

/* §7.6: codebook geometry of (lattice, q).
 * D4: R = 2q+1, count = (R^4 + 1)/2. E8: count = (R^8 + 1)/2 + (2q)^8/2.
 * width = ceil(log2(count)). q must be in [1, KVL_MAX_Q_D4] / [1, KVL_MAX_Q_E8]. */
int kvl_lattice_get_info(uint32_t lattice, uint32_t q, kvl_lattice_info *info)
{
    uint64_t r, r4, r8, h8;
    kvl_lattice_info out;
    if (info == NULL)
        return KVL_ERR_ARG;
    out.lattice = 0;
    out.block_dim = 0;
    out.unit = 0;
    out.width = 0;
    out.q = 0;
    out.count = 0;
    *info = out;
    if (lattice == KVL_LATTICE_D4) {
        if (q < 1u || q > KVL_MAX_Q_D4)
            return KVL_ERR_FIELD;
        r = 2u * (uint64_t)q + 1u;
        r4 = pow_u64(r, 4);            /* < 2^52: neither check below can fire; they keep
                                          * (r4 + 1) / 2 from wrapping (proof/README.md) */
        if (r4 == 0 || r4 == UINT64_MAX)
            return KVL_ERR_OVERFLOW;
        out.lattice = (uint8_t)KVL_LATTICE_D4;
        out.block_dim = 4;
        out.unit = 1;
        out.count = (r4 + 1u) / 2u;
    } else if (lattice == KVL_LATTICE_E8) {
        if (q < 1u || q > KVL_MAX_Q_E8)
            return KVL_ERR_FIELD;
        r = 2u * (uint64_t)q + 1u;
        r8 = pow_u64(r, 8);            /* <= 255^8 < 2^64 */
        h8 = pow_u64(2u * (uint64_t)q, 8);
        if (r8 == 0 || h8 == 0 || r8 == UINT64_MAX)
            return KVL_ERR_OVERFLOW;
        /* count_int + count_half < 2^64 for q <= 127 (file comment) */
        if ((r8 + 1u) / 2u > UINT64_MAX - h8 / 2u)
            return KVL_ERR_OVERFLOW;
        out.lattice = (uint8_t)KVL_LATTICE_E8;
        out.block_dim = 8;
        out.unit = 2;
        out.count = (r8 + 1u) / 2u + h8 / 2u;
    } else {
        return KVL_ERR_FIELD;
    }
    out.q = q;
    out.width = width_of(out.count);
    *info = out;
    return KVL_OK;
}

/* ---- §7.4 closest point of D_n ∩ box ------------------------------------ */

/* §7.4: closest point of {c in Z^n : sum c even, lo <= c_i <= hi} to z.
 * Round each coordinate to the nearest in-box integer (ties to even); if the
 * parity is odd, apply the cheapest single change to an opposite-parity in-box
 * neighbour (lowest index on ties). Exact nearest point: every change costs
 * 1 + 2 p_i >= 0 extra squared error, so any odd set of changes costs at least
 * the cheapest single one. z must be finite (the encoder rejects non-finite
 * input before this point). */
void kvl_dn_closest_box(const float *z, uint32_t n, int32_t lo, int32_t hi, int32_t *c)
{
    int32_t f[8];
    int32_t a[8];
    float p[8];
    int32_t sum = 0;
    uint32_t i, j;

    /* Step 1: nearest in-box integer per coordinate, ties to even. */
    for (i = 0; i < n; i++) {
        if (z[i] >= (float)hi)
            f[i] = hi;
        else if (z[i] <= (float)lo)
            f[i] = lo;
        else
            f[i] = (int32_t)kvl_round_even(z[i]);
        sum += f[i];
    }

    /* Step 2: even sum -> done. */
    if ((sum & 1) == 0) {
        for (i = 0; i < n; i++)
            c[i] = f[i];
        return;
    }

    /* Step 3: per-coordinate alternative a_i (the neighbour on z's side when it
     * is in the box, else the one on the other side) and its penalty
     * p_i = (a_i - z_i)^2 - (f_i - z_i)^2 - 1, halved: one binary32 subtraction. */
    for (i = 0; i < n; i++) {
        if (z[i] >= (float)f[i])
            a[i] = (f[i] + 1 <= hi) ? f[i] + 1 : f[i] - 1;
        else
            a[i] = (f[i] - 1 >= lo) ? f[i] - 1 : f[i] + 1;
        if (a[i] > f[i])
            p[i] = (float)f[i] - z[i];
        else
            p[i] = z[i] - (float)f[i];
    }

    /* Step 4: smallest penalty, strict < so the lowest index wins ties. */
    j = 0;
    for (i = 1; i < n; i++) {
        if (p[i] < p[j])
            j = i;
    }
    for (i = 0; i < n; i++)
        c[i] = f[i];
    c[j] = a[j];
}

/* §7.4: D4 block, c in [-q, q]^4 with even sum. */
void kvl_d4_closest(const float *z, int32_t q, int32_t *c)
{
    kvl_dn_closest_box(z, 4u, -q, q, c);
}

/* ---- §7.5 closest point of E8 ∩ box ------------------------------------- */

/* Squared error of candidate w (doubled coordinates) against z, binary32,
 * sequential order, each product rounded (spec §7.5 step 3). */
static float e8_err(const float *z, const int32_t *w)
{
    float d, e;
    uint32_t i;
    d = z[0] - 0.5f * (float)w[0];
    e = d * d;
    for (i = 1; i < 8u; i++) {
        d = z[i] - 0.5f * (float)w[i];
        e = e + d * d;
    }
    return e;
}

/* §7.5: E8 block. z in lattice units, w = doubled coordinates. Best of the two
 * cosets, each solved exactly by §7.4; ties go to the integer coset. */
void kvl_e8_closest(const float *z, int32_t q, int32_t *w)
{
    int32_t a[8], h[8], wa[8], wb[8];
    float zh[8];
    float ea, eb;
    uint32_t i;

    /* Step 1: integer coset D8 ∩ [-q, q]^8, candidate wA = 2a. */
    kvl_dn_closest_box(z, 8u, -q, q, a);
    for (i = 0; i < 8u; i++)
        wa[i] = 2 * a[i];

    /* Step 2: half coset, zh = z - 1/2 (binary32), h in D8 ∩ [-q, q-1]^8,
     * candidate wB = 2h + 1 (so |wB_i| <= 2q - 1). */
    for (i = 0; i < 8u; i++)
        zh[i] = z[i] - 0.5f;
    kvl_dn_closest_box(zh, 8u, -q, q - 1, h);
    for (i = 0; i < 8u; i++)
        wb[i] = 2 * h[i] + 1;

    /* Step 3: pinned binary32 errors. */
    ea = e8_err(z, wa);
    eb = e8_err(z, wb);

    /* Step 4: strictly smaller half-coset error wins; ties -> integer coset. */
    for (i = 0; i < 8u; i++)
        w[i] = (eb < ea) ? wb[i] : wa[i];
}

/* ---- §7.6 ranks ----------------------------------------------------------- */

/* §7.6 D4: u_i = c_i + q, N = ((u0 R + u1) R + u2) R + u3 (R = 2q+1 odd, so N
 * is even exactly when sum c is even), rank = N / 2. N < R^4 < 2^52. */
uint64_t kvl_d4_rank(const int32_t *c, int32_t q)
{
    uint64_t r = 2u * (uint64_t)q + 1u;
    uint64_t n = 0;
    uint32_t i;
    /*@ loop invariant 0 <= i <= 4;
        loop assigns i, n;
        loop variant 4 - i;
    */
    for (i = 0; i < 4u; i++)
        n = n * r + (uint64_t)(c[i] + q);
    return n / 2u;
}

/* §7.6 E8: integer coset first (rank_int = N/2 over 8 base-R digits u_i =
 * w_i/2 + q), then the half coset at count_int + rank_half with
 * v_i = (w_i + 2q - 1)/2 in [0, 2q-1]:
 * rank_half = (base-2q number v0..v6) * q + (v7 >> 1). */
uint64_t kvl_e8_rank(const int32_t *w, int32_t q)
{
    uint64_t r = 2u * (uint64_t)q + 1u;
    uint64_t m = 2u * (uint64_t)q;
    uint64_t n = 0;
    uint64_t count_int;
    uint32_t i;
    if ((w[0] & 1) == 0) {
        /* integer coset: N <= R^8 - 1 < 2^64 */
        /*@ loop invariant 0 <= i <= 8;
            loop assigns i, n;
            loop variant 8 - i;
        */
        for (i = 0; i < 8u; i++)
            n = n * r + (uint64_t)(w[i] / 2 + q);
        return n / 2u;
    }
    /* half coset: partial numbers < (2q)^7 * q = count_half < 2^63 */
    count_int = (pow_u64(r, 8) + 1u) / 2u;
    /*@ loop invariant 0 <= i <= 7;
        loop assigns i, n;
        loop variant 7 - i;
    */
    for (i = 0; i < 7u; i++)
        n = n * m + (uint64_t)((w[i] + 2 * q - 1) / 2);
    n = n * (uint64_t)q + ((uint64_t)((w[7] + 2 * q - 1) / 2) >> 1);
    return count_int + n;
}

/*@ // §7.6 D4 unrank facts, in an axiomatic so that only goals about the D4
    // radix (kvl_d4_radix, used by d4_digit) have them in their context.
    axiomatic KvlD4Unrank {
      predicate kvl_d4_radix(integer r, integer q) = 1 <= q && r == 2 * q + 1;
      // R = 2q+1 odd: with n = R d + u, n - d - u = R d - d = 2 q d is even
      lemma kvl_odd_digit_step: \forall integer r, q, d;
        kvl_d4_radix(r, q) ==> r * d - d == 2 * (q * d);
      // and n < R^(k+1) leaves a quotient < R^k
      // R^(k+1) = R R^k, and n < R p leaves n / R < p: the E8 digit bounds
      lemma kvl_div_lt: \forall integer n, r, p; 1 <= r && 0 <= p && 0 <= n < r * p ==> n / r < p;
      lemma kvl_ipow_step: \forall integer x, k; 1 <= k <= 8 ==> kvl_ipow(x, k) == x * kvl_ipow(x, k - 1);
      lemma kvl_div_p8: \forall integer n, r, q;
        kvl_d4_radix(r, q) && 0 <= n < kvl_ipow(r, 8) ==> n / r < kvl_ipow(r, 7);
      lemma kvl_div_p7: \forall integer n, r, q;
        kvl_d4_radix(r, q) && 0 <= n < kvl_ipow(r, 7) ==> n / r < kvl_ipow(r, 6);
      lemma kvl_div_p6: \forall integer n, r, q;
        kvl_d4_radix(r, q) && 0 <= n < kvl_ipow(r, 6) ==> n / r < kvl_ipow(r, 5);
      lemma kvl_div_p5: \forall integer n, r, q;
        kvl_d4_radix(r, q) && 0 <= n < kvl_ipow(r, 5) ==> n / r < kvl_ipow(r, 4);
      // N = 2 idx < 2 count_int <= R^8 + 1 (E8 integer coset)
      lemma kvl_e8_count_bound: \forall integer r, q;
        kvl_d4_radix(r, q) ==> 2 * kvl_e8_count_int(q) <= kvl_ipow(r, 8) + 1;
      // twice an even number is a multiple of 4
      lemma kvl_even_double: \forall integer x; x % 2 == 0 ==> (2 * x) % 4 == 0;
      lemma kvl_div_p4: \forall integer n, r, q;
        kvl_d4_radix(r, q) && 0 <= n < kvl_ipow(r, 4) ==> n / r < kvl_ipow(r, 3);
      lemma kvl_div_p3: \forall integer n, r, q;
        kvl_d4_radix(r, q) && 0 <= n < kvl_ipow(r, 3) ==> n / r < kvl_ipow(r, 2);
      lemma kvl_div_p2: \forall integer n, r, q;
        kvl_d4_radix(r, q) && 0 <= n < kvl_ipow(r, 2) ==> n / r < r;
      // N = 2 idx < 2 count = 2 ((R^4 + 1) / 2) <= R^4 + 1, so N < R^4 (N even)
      lemma kvl_d4_count_bound: \forall integer r, q;
        kvl_d4_radix(r, q) ==> 2 * kvl_d4_count(q) <= kvl_ipow(r, 4) + 1;
    }
*/

/* §7.6 D4 unrank, one base-R digit (R = 2q+1): *ci = (n mod R) - q, returns
 * n / R. R is odd, so n - n/R - (n mod R) = 2q (n/R) is even; and n < R^(k+1)
 * gives n / R < R^k (the bounds that make the last quotient of N < R^4 zero). */
/*@ requires q <= KVL_MAX_Q_D4 && kvl_d4_radix(r, q);
    requires \valid(ci);
    assigns *ci;
    ensures -q <= *ci <= q;
    ensures (n - \result - (*ci + q)) % 2 == 0;
    ensures n < kvl_ipow(r, 8) ==> \result < kvl_ipow(r, 7);
    ensures n < kvl_ipow(r, 7) ==> \result < kvl_ipow(r, 6);
    ensures n < kvl_ipow(r, 6) ==> \result < kvl_ipow(r, 5);
    ensures n < kvl_ipow(r, 5) ==> \result < kvl_ipow(r, 4);
    ensures n < kvl_ipow(r, 4) ==> \result < kvl_ipow(r, 3);
    ensures n < kvl_ipow(r, 3) ==> \result < kvl_ipow(r, 2);
    ensures n < kvl_ipow(r, 2) ==> \result < r;
    ensures n < r ==> \result == 0;
*/
static uint64_t d4_digit(uint64_t n, uint64_t r, int32_t q, int32_t *ci)
{
    /*@ assert n == r * (n / r) + n % r && 0 <= n % r < r && 0 <= n / r <= n; */
    /*@ assert r * (n / r) - n / r == 2 * (q * (n / r)); */
    *ci = (int32_t)(n % r) - q;
    return n / r;
}

/* §7.6 D4 unrank: N = 2 idx, digits by repeated division (u3 first),
 * c_i = u_i - q. idx >= count -> KVL_ERR_INDEX with c all zero.
 * N < R^4, so the last quotient is 0 and, R being odd, sum u_i has the
 * parity of N: sum c_i is even (a D4 point). */
int kvl_d4_unrank(uint64_t idx, int32_t q, int32_t *c)
{
    kvl_lattice_info info;
    uint64_t r, n;
    int st;
    uint32_t i;
    /*@ loop invariant 0 <= i <= 4;
        loop invariant \forall integer j; 0 <= j < i ==> c[j] == 0;
        loop assigns i, c[0 .. 3];
        loop variant 4 - i;
    */
    for (i = 0; i < 4u; i++)
        c[i] = 0;
    st = kvl_lattice_get_info(KVL_LATTICE_D4, (uint32_t)q, &info);
    if (st != KVL_OK)
        return st;
    if (idx >= info.count)
        return KVL_ERR_INDEX;
    r = 2u * (uint64_t)q + 1u;
    n = 2u * idx;                      /* <= R^4 - 1 */
    /*@ assert d4_q: q <= KVL_MAX_Q_D4 && kvl_d4_radix(r, q) && info.count == kvl_d4_count(q); */
    /*@ assert d4_n: n == 2 * idx && n < kvl_ipow(r, 4); */
    /* four digit steps written out (not a loop): each has a constant power
     * R^k in its bound, which keeps the provers' goals small */
    n = d4_digit(n, r, q, &c[3]);
    n = d4_digit(n, r, q, &c[2]);
    n = d4_digit(n, r, q, &c[1]);
    n = d4_digit(n, r, q, &c[0]);
    /*@ assert d4_last: n == 0; */
    return KVL_OK;
}

/* §7.6 E8 unrank: idx < count_int -> integer coset (N = 2 idx, 8 base-R
 * digits, u7 first, w_i = 2(u_i - q)); otherwise r = idx - count_int gives
 * v7 = 2 (r % q) + parity, then v6 .. v0 base 2q, where parity makes sum v even;
 * w_i = 2 v_i - 2q + 1. idx >= count -> KVL_ERR_INDEX with w all zero. */
int kvl_e8_unrank(uint64_t idx, int32_t q, int32_t *w)
{
    kvl_lattice_info info;
    uint64_t r, m, n, count_int, half7;
    int32_t v[8];
    int32_t vsum = 0;
    int st;
    uint32_t i;
    /*@ loop invariant 0 <= i <= 8;
        loop invariant \forall integer j; 0 <= j < i ==> w[j] == 0;
        loop assigns i, w[0 .. 7];
        loop variant 8 - i;
    */
    for (i = 0; i < 8u; i++)
        w[i] = 0;
    st = kvl_lattice_get_info(KVL_LATTICE_E8, (uint32_t)q, &info);
    if (st != KVL_OK)
        return st;
    if (idx >= info.count)
        return KVL_ERR_INDEX;
    r = 2u * (uint64_t)q + 1u;
    m = 2u * (uint64_t)q;
    count_int = (pow_u64(r, 8) + 1u) / 2u;
    if (idx < count_int) {
        n = 2u * idx;                  /* <= R^8 - 1 < 2^64 */
        /*@ assert e8_q: q <= KVL_MAX_Q_E8 && kvl_d4_radix(r, q) && count_int == kvl_e8_count_int(q); */
        /*@ assert e8_n: n == 2 * idx && n < kvl_ipow(r, 8); */
        /* eight base-R digit steps written out (as kvl_d4_unrank), u7 first:
         * w_i = u_i - q, then doubled. R is odd, so the digits' sum has the
         * parity of N = 2 idx, and N < R^8 leaves the last quotient 0 */
        n = d4_digit(n, r, q, &w[7]);
        n = d4_digit(n, r, q, &w[6]);
        n = d4_digit(n, r, q, &w[5]);
        n = d4_digit(n, r, q, &w[4]);
        n = d4_digit(n, r, q, &w[3]);
        n = d4_digit(n, r, q, &w[2]);
        n = d4_digit(n, r, q, &w[1]);
        n = d4_digit(n, r, q, &w[0]);
        /*@ assert e8_last: n == 0; */
        /*@ assert e8_even: (w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7]) % 2 == 0; */
        w[0] *= 2; w[1] *= 2; w[2] *= 2; w[3] *= 2;
        w[4] *= 2; w[5] *= 2; w[6] *= 2; w[7] *= 2;
        /*@ assert e8_int_sum: (w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7]) % 4 == 0; */
        return KVL_OK;
    }
    n = idx - count_int;               /* < count_half */
    half7 = n % (uint64_t)q;
    n /= (uint64_t)q;
    /*@ loop invariant 0 <= i <= 7;
        loop invariant \forall integer j; i <= j < 7 ==> 0 <= v[j] < 2 * q;
        loop invariant 0 <= vsum <= (7 - i) * 253;   // 2q - 1 <= 253: linear
        loop invariant vsum == (i <= 0 ? v[0] : 0) + (i <= 1 ? v[1] : 0) + (i <= 2 ? v[2] : 0) +
                               (i <= 3 ? v[3] : 0) + (i <= 4 ? v[4] : 0) + (i <= 5 ? v[5] : 0) +
                               (i <= 6 ? v[6] : 0);
        loop assigns i, n, v[0 .. 6], vsum;
        loop variant i;
    */
    for (i = 7u; i-- > 0;) {
        v[i] = (int32_t)(n % m);
        n /= m;
        vsum += v[i];
    }
    /*@ assert vsum == v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6]; */
    v[7] = 2 * (int32_t)half7 + vsum % 2;   /* sum v even */
    /*@ assert \forall integer j; 0 <= j < 8 ==> 0 <= v[j] < 2 * q; */
    /*@ loop invariant 0 <= i <= 8;
        loop invariant \forall integer j; 0 <= j < i ==> w[j] == 2 * v[j] - 2 * q + 1;
        loop invariant \forall integer j; 0 <= j < i ==> -2 * q <= w[j] <= 2 * q;
        loop invariant \forall integer j; 0 <= j < i ==> w[j] % 2 != 0;
        loop assigns i, w[0 .. 7];
        loop variant 8 - i;
    */
    for (i = 0; i < 8u; i++)
        w[i] = 2 * v[i] - 2 * q + 1;
    /* sum w = 2 sum v - 16 q + 8 with sum v even: an E8 point of the half coset
     * (the coordinates w_i / 2 sum to an even number) */
    /*@ assert e8_half_sum: (w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7]) % 4 == 0; */
    return KVL_OK;
}
