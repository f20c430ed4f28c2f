/* crc32c_sse42.c -- CRC-32C with the SSE4.2 CRC32 instruction (spec §2.6).
 *
 * The CRC32 instruction computes exactly the reflected Castagnoli update of
 * ref/crc32c.c (polynomial 0x82F63B78), 8 bytes per instruction; pre/post
 * inversion as in the reference, so kvl_sse42_crc32c == kvl_crc32c for every
 * input and every previous value `crc`.
 *
 * The instruction has a 3-cycle latency and a 1-cycle throughput, so long
 * buffers (whole chunks) run as three interleaved streams over three thirds
 * of the buffer, joined with the standard CRC combination (as zlib's
 * crc32_combine): crc(A || B) = (x^(8 |B|) mod P) * crc(A) ^ crc(B) in
 * GF(2)[x] / P, reflected bit order. */
#include <nmmintrin.h>
#include <string.h>

#include "fast.h"

#define POLY 0x82F63B78u

/* x^(2^k) mod P, k = 0 .. 31, reflected (x^0 is bit 31). */
static const uint32_t kX2n[32] = {
    0x40000000u, 0x20000000u, 0x08000000u, 0x00800000u,
    0x00008000u, 0x82F63B78u, 0x6EA2D55Cu, 0x18B8EA18u,
    0x510AC59Au, 0xB82BE955u, 0xB8FDB1E7u, 0x88E56F72u,
    0x74C360A4u, 0xE4172B16u, 0x0D65762Au, 0x35D73A62u,
    0x28461564u, 0xBF455269u, 0xE2EA32DCu, 0xFE7740E6u,
    0xF946610Bu, 0x3C204F8Fu, 0x538586E3u, 0x59726915u,
    0x734D5309u, 0xBC1AC763u, 0x7D0722CCu, 0xD289CABEu,
    0xE94CA9BCu, 0x05B74F3Fu, 0xA51E1F42u, 0x40000000u,
};

/* a * b mod P (reflected). */
static uint32_t multmodp(uint32_t a, uint32_t b)
{
    uint32_t m = 1u << 31, p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1u)) == 0u)
                break;
        }
        m >>= 1;
        b = (b & 1u) ? (b >> 1) ^ POLY : b >> 1;
    }
    return p;
}

/* crc(A || B) from crc(A), crc(B) and |B| in bytes. */
static uint32_t crc_combine(uint32_t crc_a, uint32_t crc_b, size_t len_b)
{
    uint32_t p = 1u << 31; /* x^0 */
    unsigned k = 3;        /* x^(8 len) = x^(len * 2^3) */
    while (len_b) {
        if (len_b & 1u)
            p = multmodp(kX2n[k & 31u], p);
        len_b >>= 1;
        k++;
    }
    return multmodp(p, crc_a) ^ crc_b;
}

static uint64_t load64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* Raw register update (no inversion). */
static uint64_t crc_run(uint64_t c, const uint8_t *data, size_t len)
{
    size_t i = 0;
    for (; i + 8u <= len; i += 8u)
        c = _mm_crc32_u64(c, load64(data + i));
    for (; i < len; i++)
        c = _mm_crc32_u8((uint32_t)c, data[i]);
    return c;
}

uint32_t kvl_sse42_crc32c(uint32_t crc, const uint8_t *data, size_t len)
{
    uint64_t a = crc ^ 0xFFFFFFFFu, b = 0xFFFFFFFFu, c = 0xFFFFFFFFu;
    size_t part, i;
    if (len < 3072u)
        return (uint32_t)crc_run(a, data, len) ^ 0xFFFFFFFFu;
    part = (len / 3u) & ~(size_t)7u; /* A = [0, part), B = [part, 2 part), C = the rest */
    for (i = 0; i < part; i += 8u) {
        a = _mm_crc32_u64(a, load64(data + i));
        b = _mm_crc32_u64(b, load64(data + part + i));
        c = _mm_crc32_u64(c, load64(data + 2u * part + i));
    }
    c = crc_run(c, data + 3u * part, len - 3u * part);
    return crc_combine(crc_combine((uint32_t)a ^ 0xFFFFFFFFu, (uint32_t)b ^ 0xFFFFFFFFu, part),
                       (uint32_t)c ^ 0xFFFFFFFFu, len - 2u * part);
}
