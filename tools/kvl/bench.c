/* bench.c -- `kvl bench`: encode / decode throughput of the reference and the
 * AVX2 kernels (bench/README.md explains the table).
 *
 * Data: `kvl gen --kind qwen3-k` vectors (kvl_gen_fill), n per dimension
 * (default 2^20). Rows: D in {128, 512} x {D4, E8} x Q in {10, 38, 152}
 * (E8 stops at Q = 127, so its third row is Q = 127) plus FP8 block 64 (f32
 * scales). Each row encodes the n vectors in chunks of 1024 with
 * kvl_chunk_encode, then parses (CRC) and decodes every chunk with
 * kvl_chunk_parse + kvl_chunk_decode to bf16 and to f32, at CPU level ref and
 * avx2 (kvl_set_cpu_level), with 1 and 2 threads (chunk-parallel: thread t
 * owns a contiguous range of chunks). Every timing is the best of --reps
 * runs. Single-thread memcpy of the decode output size is measured in the
 * same run, right before each decode, as the hardware limit. The AVX2 bytes
 * are checked against the reference bytes (streams and decoded values).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "gen.h"
#include "kvlattice.h"

#define CHUNK 1024u

typedef struct bench_row {
    uint32_t dim;
    const char *codec; /* "d4", "e8", "fp8" */
    uint8_t mode, lattice;
    uint16_t q;
    const char *note;
} bench_row;

static const bench_row kRows[] = {
    {128, "d4", KVL_MODE_LATTICE, KVL_LATTICE_D4, 10, ""},
    {128, "d4", KVL_MODE_LATTICE, KVL_LATTICE_D4, 38, ""},
    {128, "d4", KVL_MODE_LATTICE, KVL_LATTICE_D4, 152, ""},
    {128, "e8", KVL_MODE_LATTICE, KVL_LATTICE_E8, 10, ""},
    {128, "e8", KVL_MODE_LATTICE, KVL_LATTICE_E8, 38, ""},
    {128, "e8", KVL_MODE_LATTICE, KVL_LATTICE_E8, 127, "E8 max Q is 127 (152 not allowed)"},
    {128, "fp8", KVL_MODE_FP8, 0, 0, "block 64, f32 scales"},
    {512, "d4", KVL_MODE_LATTICE, KVL_LATTICE_D4, 10, ""},
    {512, "d4", KVL_MODE_LATTICE, KVL_LATTICE_D4, 38, ""},
    {512, "d4", KVL_MODE_LATTICE, KVL_LATTICE_D4, 152, ""},
    {512, "e8", KVL_MODE_LATTICE, KVL_LATTICE_E8, 10, ""},
    {512, "e8", KVL_MODE_LATTICE, KVL_LATTICE_E8, 38, ""},
    {512, "e8", KVL_MODE_LATTICE, KVL_LATTICE_E8, 127, "E8 max Q is 127 (152 not allowed)"},
    {512, "fp8", KVL_MODE_FP8, 0, 0, "block 64, f32 scales"},
};
#define N_ROWS (sizeof kRows / sizeof kRows[0])

enum { OP_ENCODE = 0, OP_DECODE = 1 };

/* One measured line of the table. */
typedef struct result {
    const bench_row *row;
    int op, out_dtype, threads;
    uint32_t record_bytes;
    double ref_s, fast_s;      /* best times */
    uint64_t ref_n, fast_n;    /* vectors timed */
    double bytes_per_vec;      /* input (encode) or output (decode) bytes */
    double memcpy_gbs;         /* decode: single-thread memcpy of the output size */
    int identical;
} result;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- chunk-parallel workers ------------------------------------------------ */
typedef struct work {
    const kvl_chunk_params *p;
    uint32_t dim, c0, c1; /* chunks [c0, c1) */
    uint64_t n;           /* vectors in the data set */
    const float *in;
    uint8_t *enc;         /* chunk i at enc + i * cap */
    size_t cap, *lens;
    void *ws;
    size_t ws_size;
    int out_dtype, op;
    uint8_t *out;
    kvl_status st;
} work;

static void *worker(void *arg)
{
    work *w = (work *)arg;
    size_t es = w->out_dtype == KVL_DTYPE_F32 ? 4u : 2u;
    uint32_t c;
    w->st = KVL_OK;
    for (c = w->c0; c < w->c1 && w->st == KVL_OK; c++) {
        uint64_t first = (uint64_t)c * CHUNK;
        uint32_t m = (uint32_t)(w->n - first < CHUNK ? w->n - first : CHUNK);
        uint8_t *sec = w->enc + (size_t)c * w->cap;
        if (w->op == OP_ENCODE) {
            w->st = kvl_chunk_encode(w->dim, w->p, c, w->in + first * w->dim, KVL_DTYPE_F32, m, 0, w->ws,
                                     w->ws_size, sec, w->cap, &w->lens[c]);
        } else {
            kvl_chunk_view v;
            w->st = kvl_chunk_parse(sec, w->lens[c], w->dim, &v);
            if (w->st == KVL_OK)
                w->st = kvl_chunk_decode(&v, (kvl_dtype)w->out_dtype, w->out + first * w->dim * es,
                                         (size_t)m * w->dim * es);
        }
    }
    return 0;
}

/* Run op over the first n vectors with T threads; seconds, or -1 on error. */
static double run_op(work *proto, uint64_t n, int threads, void **ws)
{
    pthread_t tid[2];
    work w[2];
    uint32_t chunks = (uint32_t)((n + CHUNK - 1u) / CHUNK);
    double t0, t1;
    int t;
    for (t = 0; t < threads; t++) {
        w[t] = *proto;
        w[t].n = n;
        w[t].c0 = (uint32_t)((uint64_t)chunks * (uint32_t)t / (uint32_t)threads);
        w[t].c1 = (uint32_t)((uint64_t)chunks * (uint32_t)(t + 1) / (uint32_t)threads);
        w[t].ws = ws[t];
    }
    t0 = now_s();
    if (threads == 1) {
        worker(&w[0]);
    } else {
        for (t = 0; t < threads; t++)
            if (pthread_create(&tid[t], 0, worker, &w[t]) != 0)
                return -1.0;
        for (t = 0; t < threads; t++)
            pthread_join(tid[t], 0);
    }
    t1 = now_s();
    for (t = 0; t < threads; t++) {
        if (w[t].st != KVL_OK) {
            fprintf(stderr, "kvl bench: %s failed: %s\n", proto->op == OP_ENCODE ? "encode" : "decode",
                    kvl_status_name(w[t].st));
            return -1.0;
        }
    }
    return t1 - t0;
}

static double best_of(work *proto, uint64_t n, int threads, void **ws, int reps)
{
    double best = -1.0;
    int r;
    for (r = 0; r < reps; r++) {
        double t = run_op(proto, n, threads, ws);
        if (t < 0)
            return -1.0;
        if (best < 0 || t < best)
            best = t;
    }
    return best;
}

static double memcpy_gbs(uint8_t *dst, const uint8_t *src, size_t bytes, int reps)
{
    double best = -1.0;
    int r;
    for (r = 0; r < reps; r++) {
        double t0 = now_s(), t;
        memcpy(dst, src, bytes);
        t = now_s() - t0;
        if (best < 0 || t < best)
            best = t;
    }
    /* keep the copy observable */
    if (dst[bytes / 2u] != src[bytes / 2u])
        return 0.0;
    return (double)bytes / best / 1e9;
}

/* ---- data --------------------------------------------------------------------- */
typedef struct gen_job {
    uint32_t dim;
    uint64_t first, n, seed;
    float *out;
    int rc;
} gen_job;

static void *gen_worker(void *arg)
{
    gen_job *g = (gen_job *)arg;
    g->rc = kvl_gen_fill(KVL_GEN_QWEN3K, g->seed, g->dim, g->first, g->n, g->out + g->first * g->dim);
    return 0;
}

/* qwen3-k vectors, generated by two threads (vector i depends only on i). */
static int gen_data(uint32_t dim, uint64_t n, uint64_t seed, float *out)
{
    pthread_t tid;
    gen_job a = {dim, 0, n / 2u, seed, out, 0}, b = {dim, n / 2u, n - n / 2u, seed, out, 0};
    if (pthread_create(&tid, 0, gen_worker, &b) != 0)
        return -1;
    gen_worker(&a);
    pthread_join(tid, 0);
    return a.rc || b.rc ? -1 : 0;
}

/* ---- output --------------------------------------------------------------- */
static const char *op_name(const result *r)
{
    if (r->op == OP_ENCODE)
        return "encode";
    return r->out_dtype == KVL_DTYPE_F32 ? "decode f32" : "decode bf16";
}

static void row_label(const bench_row *row, char *s, size_t n)
{
    if (row->mode == KVL_MODE_FP8)
        snprintf(s, n, "fp8 b64");
    else
        snprintf(s, n, "%s q%u", row->codec, row->q);
}

static void print_table(FILE *f, const result *res, int nres, int markdown)
{
    int i;
    if (markdown) {
        fprintf(f, "| D | codec | bytes/vec | op | thr | ref vec/s | avx2 vec/s | avx2/ref | avx2 GB/s | memcpy GB/s "
                   "| avx2 %% of memcpy | identical |\n");
        fprintf(f, "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    } else {
        fprintf(f, "%4s %-9s %5s %-11s %3s %12s %12s %8s %9s %9s %7s %4s\n", "D", "codec", "B/vec", "op", "thr",
                "ref vec/s", "avx2 vec/s", "avx2/ref", "avx2 GB/s", "memcpy", "%mcpy", "same");
    }
    for (i = 0; i < nres; i++) {
        const result *r = &res[i];
        char lab[32], mc[32], pct[32];
        double rv = (double)r->ref_n / r->ref_s, fv = (double)r->fast_n / r->fast_s;
        double gbs = fv * r->bytes_per_vec / 1e9;
        row_label(r->row, lab, sizeof lab);
        if (r->op == OP_DECODE) {
            snprintf(mc, sizeof mc, "%.2f", r->memcpy_gbs);
            snprintf(pct, sizeof pct, "%.0f%%", 100.0 * gbs / r->memcpy_gbs);
        } else {
            snprintf(mc, sizeof mc, "-");
            snprintf(pct, sizeof pct, "-");
        }
        if (markdown)
            fprintf(f, "| %u | %s | %u | %s | %d | %.3g | %.3g | %.1fx | %.2f | %s | %s | %s |\n", r->row->dim, lab,
                    r->record_bytes, op_name(r), r->threads, rv, fv, fv / rv, gbs, mc, pct,
                    r->identical ? "yes" : "NO");
        else
            fprintf(f, "%4u %-9s %5u %-11s %3d %12.4g %12.4g %7.1fx %9.2f %9s %7s %4s\n", r->row->dim, lab,
                    r->record_bytes, op_name(r), r->threads, rv, fv, fv / rv, gbs, mc, pct,
                    r->identical ? "yes" : "NO");
    }
}

static void print_json(FILE *f, const result *res, int nres, const char *host, const char *date, uint64_t n,
                       uint64_t ref_n)
{
    int i;
    fprintf(f, "{\n  \"host\": \"%s\",\n  \"date\": \"%s\",\n  \"data\": \"kvl gen --kind qwen3-k\",\n", host, date);
    fprintf(f, "  \"vectors\": %llu,\n  \"ref_vectors\": %llu,\n  \"chunk\": %u,\n  \"rows\": [\n",
            (unsigned long long)n, (unsigned long long)ref_n, CHUNK);
    for (i = 0; i < nres; i++) {
        const result *r = &res[i];
        double rv = (double)r->ref_n / r->ref_s, fv = (double)r->fast_n / r->fast_s;
        fprintf(f,
                "    {\"dim\": %u, \"codec\": \"%s\", \"q\": %u, \"record_bytes\": %u, \"op\": \"%s\", "
                "\"threads\": %d, \"ref_vectors_per_s\": %.6g, \"avx2_vectors_per_s\": %.6g, "
                "\"ref_bytes_per_s\": %.6g, \"avx2_bytes_per_s\": %.6g, \"speedup\": %.4g, "
                "\"memcpy_bytes_per_s\": %.6g, \"identical\": %s%s%s%s}%s\n",
                r->row->dim, r->row->codec, r->row->q, r->record_bytes, op_name(r), r->threads, rv, fv,
                rv * r->bytes_per_vec, fv * r->bytes_per_vec, fv / rv,
                r->op == OP_DECODE ? r->memcpy_gbs * 1e9 : 0.0, r->identical ? "true" : "false",
                r->row->note[0] ? ", \"note\": \"" : "", r->row->note, r->row->note[0] ? "\"" : "",
                i + 1 < nres ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
}

/* Target lines (issue 4): D = 128, Q = 38, one thread. */
static void print_targets(FILE *f, const result *res, int nres)
{
    int i;
    for (i = 0; i < nres; i++) {
        const result *r = &res[i];
        double rv, fv, sp;
        if (r->row->dim != 128u || r->row->q != 38u || r->threads != 1)
            continue;
        rv = (double)r->ref_n / r->ref_s;
        fv = (double)r->fast_n / r->fast_s;
        sp = fv / rv;
        if (r->op == OP_ENCODE) {
            fprintf(f, "- %s q38 encode: %.1fx the reference (target >= 8x): %s\n", r->row->codec, sp,
                    sp >= 8.0 ? "met" : "MISSED");
        } else {
            double pct = 100.0 * fv * r->bytes_per_vec / 1e9 / r->memcpy_gbs;
            fprintf(f, "- %s q38 %s: %.1fx the reference (target >= 20x): %s; %.0f%% of memcpy (target >= 25%%): %s\n",
                    r->row->codec, op_name(r), sp, sp >= 20.0 ? "met" : "MISSED", pct, pct >= 25.0 ? "met" : "MISSED");
        }
    }
}

static void free_row(uint8_t **enc, uint8_t **enc_ref, size_t **lens, size_t **lens_ref, void **ws)
{
    free(*enc);
    free(*enc_ref);
    free(*lens);
    free(*lens_ref);
    free(ws[0]);
    free(ws[1]);
    *enc = *enc_ref = 0;
    *lens = *lens_ref = 0;
    ws[0] = ws[1] = 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: kvl bench [--quick] [--n N] [--ref-n N] [--reps R] [--seed S] [--out-dir DIR]\n"
                    "  --quick     only the D=128 Q=38 rows (D4, E8)\n"
                    "  --n N       vectors per dimension (default 1048576)\n"
                    "  --ref-n N   vectors timed at the reference level (default: N; --quick: 262144)\n"
                    "  --reps R    best of R runs per timing (default 3; the reference uses 1)\n"
                    "  --out-dir D write D/results-<host>-<date>.md and .json\n");
    return 2;
}

int kvl_bench(int argc, char **argv)
{
    uint64_t n = 1048576u, ref_n = 0, seed = 1;
    int quick = 0, reps = 3, i, nres = 0, rc = 0, t;
    const char *out_dir = 0;
    result res[N_ROWS * 3u * 2u];
    char host[64] = "host", date[32];
    uint32_t cur_dim = 0;
    float *data = 0;
    uint8_t *enc = 0, *enc_ref = 0, *out = 0, *out_ref = 0, *mcpy = 0;
    size_t *lens = 0, *lens_ref = 0;
    void *ws[2] = {0, 0};
    time_t now = time(0);

    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
            n = strtoull(argv[++i], 0, 10);
        else if (strcmp(argv[i], "--ref-n") == 0 && i + 1 < argc)
            ref_n = strtoull(argv[++i], 0, 10);
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], 0, 10);
        else if (strcmp(argv[i], "--out-dir") == 0 && i + 1 < argc)
            out_dir = argv[++i];
        else
            return usage();
    }
    if (n < CHUNK || n > ((uint64_t)1 << 26) || reps < 1)
        return usage();
    if (ref_n == 0) /* the reference is slow: --quick times it on a quarter million */
        ref_n = quick ? 262144u : n;
    if (ref_n > n)
        ref_n = n;
    gethostname(host, sizeof host - 1u);
    strftime(date, sizeof date, "%Y-%m-%d", localtime(&now));
    if (kvl_get_cpu_max_level() < KVL_CPU_AVX2) {
        fprintf(stderr, "kvl bench: this CPU/build has no AVX2 level; nothing to compare\n");
        return 1;
    }
    printf("kvl bench: %llu qwen3-k vectors per D (reference: %llu), chunks of %u, best of %d (reference: 1)\n",
           (unsigned long long)n, (unsigned long long)ref_n, CHUNK, reps);

    for (i = 0; i < (int)N_ROWS && rc == 0; i++) {
        const bench_row *row = &kRows[i];
        kvl_chunk_params p;
        work proto;
        size_t cap = 0, wsz = 0, es;
        uint32_t rb = 0, chunks = (uint32_t)((n + CHUNK - 1u) / CHUNK), ref_chunks, c;
        int op, dt;
        if (quick && (row->dim != 128u || row->q != 38u))
            continue;
        memset(&p, 0, sizeof p);
        p.mode = row->mode;
        p.lattice = row->lattice;
        p.q = row->q;
        p.fp8_block = 64;
        p.fp8_scale = KVL_FP8_SCALE_F32;
        if (kvl_chunk_size_bound(row->dim, &p, CHUNK, &cap) != KVL_OK ||
            kvl_encode_workspace_size(row->dim, &p, CHUNK, &wsz) != KVL_OK ||
            kvl_record_size(row->dim, &p, &rb, 0) != KVL_OK) {
            fprintf(stderr, "kvl bench: bad row\n");
            rc = 1;
            break;
        }
        if (row->dim != cur_dim) {
            /* (re)allocate everything for this dimension */
            free(data);
            free(out);
            free(out_ref);
            free(mcpy);
            cur_dim = row->dim;
            data = (float *)malloc((size_t)n * cur_dim * 4u);
            out = (uint8_t *)malloc((size_t)n * cur_dim * 4u);
            out_ref = (uint8_t *)malloc((size_t)n * cur_dim * 4u);
            mcpy = (uint8_t *)malloc((size_t)n * cur_dim * 4u);
            if (!data || !out || !out_ref || !mcpy) {
                fprintf(stderr, "kvl bench: out of memory\n");
                rc = 1;
                break;
            }
            printf("generating %llu x %u qwen3-k vectors ...\n", (unsigned long long)n, cur_dim);
            fflush(stdout);
            if (gen_data(cur_dim, n, seed, data) != 0) {
                rc = 1;
                break;
            }
            memset(out, 0, (size_t)n * cur_dim * 4u);     /* touch every page before timing */
            memset(out_ref, 0, (size_t)n * cur_dim * 4u);
            memset(mcpy, 0, (size_t)n * cur_dim * 4u);
        }
        free_row(&enc, &enc_ref, &lens, &lens_ref, ws);
        enc = (uint8_t *)calloc(chunks, cap);
        enc_ref = (uint8_t *)calloc(chunks, cap);
        lens = (size_t *)calloc(chunks, sizeof(size_t));
        lens_ref = (size_t *)calloc(chunks, sizeof(size_t));
        ws[0] = malloc(wsz);
        ws[1] = malloc(wsz);
        if (!enc || !enc_ref || !lens || !lens_ref || !ws[0] || !ws[1]) {
            fprintf(stderr, "kvl bench: out of memory\n");
            rc = 1;
            break;
        }
        memset(&proto, 0, sizeof proto);
        proto.p = &p;
        proto.dim = row->dim;
        proto.in = data;
        proto.cap = cap;
        proto.ws_size = wsz;
        ref_chunks = (uint32_t)((ref_n + CHUNK - 1u) / CHUNK);
        for (op = OP_ENCODE; op <= OP_DECODE && rc == 0; op++) {
            for (dt = 0; dt < (op == OP_ENCODE ? 1 : 2) && rc == 0; dt++) {
                int out_dtype = dt == 0 ? KVL_DTYPE_BF16 : KVL_DTYPE_F32;
                double mgbs = 0.0;
                es = out_dtype == KVL_DTYPE_F32 ? 4u : 2u;
                if (op == OP_DECODE)
                    mgbs = memcpy_gbs(mcpy, out, (size_t)n * row->dim * es, reps);
                for (t = 1; t <= 2 && rc == 0; t++) {
                    result *r = &res[nres];
                    memset(r, 0, sizeof *r);
                    r->row = row;
                    r->op = op;
                    r->out_dtype = op == OP_ENCODE ? KVL_DTYPE_F32 : out_dtype;
                    r->threads = t;
                    r->record_bytes = rb;
                    r->ref_n = ref_n;
                    r->fast_n = n;
                    r->bytes_per_vec = (double)row->dim * (op == OP_ENCODE ? 4.0 : (double)es);
                    r->memcpy_gbs = mgbs;
                    proto.op = op;
                    proto.out_dtype = out_dtype;
                    /* AVX2 */
                    kvl_set_cpu_level(KVL_CPU_AVX2);
                    proto.enc = enc;
                    proto.lens = lens;
                    proto.out = out;
                    r->fast_s = best_of(&proto, n, t, ws, reps);
                    /* reference (decodes the reference's own stream) */
                    kvl_set_cpu_level(KVL_CPU_REF);
                    proto.enc = enc_ref;
                    proto.lens = lens_ref;
                    proto.out = out_ref;
                    r->ref_s = best_of(&proto, ref_n, t, ws, 1);
                    if (r->fast_s <= 0 || r->ref_s <= 0) {
                        rc = 1;
                        break;
                    }
                    /* the same bytes: streams, then decoded values */
                    r->identical = 1;
                    if (op == OP_ENCODE) {
                        for (c = 0; c < ref_chunks; c++)
                            if (lens[c] != lens_ref[c] || memcmp(enc + (size_t)c * cap, enc_ref + (size_t)c * cap, lens[c]))
                                r->identical = 0;
                    } else {
                        r->identical = memcmp(out, out_ref, (size_t)ref_n * row->dim * es) == 0;
                    }
                    printf("  D %u %-4s q%-4u %-11s %d thr: ref %.3g vec/s, avx2 %.3g vec/s (%.1fx)%s\n", row->dim,
                           row->codec, row->q, op_name(r), t, (double)ref_n / r->ref_s, (double)n / r->fast_s,
                           ((double)n / r->fast_s) / ((double)ref_n / r->ref_s), r->identical ? "" : "  NOT IDENTICAL");
                    fflush(stdout);
                    if (!r->identical)
                        rc = 1;
                    nres++;
                }
            }
        }
    }
    kvl_set_cpu_level(kvl_get_cpu_max_level());
    free(data);
    free(out);
    free(out_ref);
    free(mcpy);
    free_row(&enc, &enc_ref, &lens, &lens_ref, ws);
    if (nres == 0)
        return 1;
    printf("\n");
    print_table(stdout, res, nres, 0);
    printf("\nTargets (D=128, Q=38, 1 thread):\n");
    print_targets(stdout, res, nres);
    if (out_dir) {
        char path[512];
        FILE *f;
        snprintf(path, sizeof path, "%s/results-%s-%s%s.md", out_dir, host, date, quick ? "-quick" : "");
        f = fopen(path, "w");
        if (f) {
            fprintf(f, "# kvl bench results: %s, %s\n\n", host, date);
            fprintf(f, "`kvl bench%s --n %llu --ref-n %llu --reps %d`: %llu `kvl gen --kind qwen3-k` vectors per D "
                       "(reference level timed on %llu), chunks of %u, f32 input. Best of %d runs (reference: 1). "
                       "Encode GB/s counts f32 input bytes, decode GB/s output bytes. See bench/README.md.\n\n",
                    quick ? " --quick" : "", (unsigned long long)n, (unsigned long long)ref_n, reps,
                    (unsigned long long)n, (unsigned long long)ref_n, CHUNK, reps);
            print_table(f, res, nres, 1);
            fprintf(f, "\nE8 rows use Q = 127 where the table asks for 152 (E8 allows Q <= 127).\n");
            fprintf(f, "\nTargets (D=128, Q=38, 1 thread):\n\n");
            print_targets(f, res, nres);
            fclose(f);
            printf("wrote %s\n", path);
        }
        snprintf(path, sizeof path, "%s/results-%s-%s%s.json", out_dir, host, date, quick ? "-quick" : "");
        f = fopen(path, "w");
        if (f) {
            print_json(f, res, nres, host, date, n, ref_n);
            fclose(f);
            printf("wrote %s\n", path);
        }
    }
    return rc;
}
