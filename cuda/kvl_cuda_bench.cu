/*
 * kvl_cuda_bench.cu -- kvl-cuda-bench: throughput of the CUDA codec against
 * the device-to-device copy roofline measured in the same run.
 *
 *   kvl-cuda-bench [--vectors N] [--reps R] [--chunk C] [--out FILE]
 *
 * Configurations: D in {128, 512}; LATTICE D4 Q in {10, 38, 152}, E8 Q in
 * {10, 38, 127} (K = 0, no skeleton); FP8 block 64 with F32 and UE8M0
 * scales. N vectors (default 16M = 16,777,216) of bf16 input are resident in
 * device memory; they are encoded in chunks of C vectors (default 65536) and
 * decoded back to bf16 (whole chunks, and a random gather of N/16 vectors).
 * Reported: vectors/s, input-equivalent bytes/s (N*D*2 / t), the bytes the
 * kernel actually moves per second, and their ratio to cudaMemcpyAsync D2D
 * bandwidth. Results go to stdout and to FILE (default
 * bench/cuda-results-<gpu>.md, relative to the working directory).
 * Exits 77 when there is no CUDA device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cuda_runtime.h>

#include "kvlattice_cuda.h"

#define CK(x)                                                                                         \
    do {                                                                                              \
        cudaError_t e_ = (x);                                                                         \
        if (e_ != cudaSuccess) {                                                                      \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_));      \
            exit(1);                                                                                  \
        }                                                                                             \
    } while (0)

#define KS(x)                                                                                         \
    do {                                                                                              \
        kvl_status s_ = (x);                                                                          \
        if (s_ != KVL_OK) {                                                                           \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #x, kvl_status_name(s_));          \
            exit(1);                                                                                  \
        }                                                                                             \
    } while (0)

/* Deterministic pseudo-Gaussian bf16 input (sum of 4 uniforms), a few
 * larger coordinates per vector like real keys. */
__global__ void gen_bf16(uint16_t *x, uint64_t count, uint32_t dim)
{
    uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < count) {
        uint64_t z = i * 0x9E3779B97F4A7C15ull + 12345u;
        float s = 0.0f, v;
        int k;
        uint32_t u;
        for (k = 0; k < 4; k++) {
            z ^= z >> 31;
            z *= 0xBF58476D1CE4E5B9ull;
            z ^= z >> 29;
            s += (float)(z & 0xFFFFFF) * (1.0f / 16777216.0f);
        }
        v = (s - 2.0f) * 1.7f;
        if ((i % dim) == 7u)
            v *= 20.0f;
        u = __float_as_uint(v);
        x[i] = (uint16_t)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
    }
}

typedef struct cfg {
    const char *name;
    kvl_chunk_params p;
} cfg;

static float elapsed(cudaEvent_t a, cudaEvent_t b)
{
    float ms = 0;
    CK(cudaEventElapsedTime(&ms, a, b));
    return ms / 1000.0f;
}

int main(int argc, char **argv)
{
    uint64_t N = 16777216ull;
    uint32_t chunk = 65536, reps = 3, di, ci, i;
    const char *out_path = 0;
    char default_path[512], gpu[256];
    static const uint32_t dims[2] = {128, 512};
    cfg cfgs[8];
    int ncfg = 0;
    FILE *md;
    cudaDeviceProp prop;
    cudaStream_t st;
    cudaEvent_t e0, e1;

    for (i = 1; i < (uint32_t)argc; i++) {
        if (!strcmp(argv[i], "--vectors") && i + 1 < (uint32_t)argc)
            N = strtoull(argv[++i], 0, 10);
        else if (!strcmp(argv[i], "--reps") && i + 1 < (uint32_t)argc)
            reps = (uint32_t)strtoul(argv[++i], 0, 10);
        else if (!strcmp(argv[i], "--chunk") && i + 1 < (uint32_t)argc)
            chunk = (uint32_t)strtoul(argv[++i], 0, 10);
        else if (!strcmp(argv[i], "--out") && i + 1 < (uint32_t)argc)
            out_path = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--vectors N] [--reps R] [--chunk C] [--out FILE]\n", argv[0]);
            return 2;
        }
    }
    if (kvl_cuda_device_count() <= 0) {
        printf("no CUDA device: skipped (77)\n");
        return 77;
    }
    if (chunk == 0 || chunk > KVL_MAX_CHUNK_LEN || N == 0 || reps == 0)
        return 2;
    CK(cudaGetDeviceProperties(&prop, 0));
    snprintf(gpu, sizeof gpu, "%s", prop.name);
    for (i = 0; gpu[i]; i++)
        if (!((gpu[i] >= 'a' && gpu[i] <= 'z') || (gpu[i] >= 'A' && gpu[i] <= 'Z') || (gpu[i] >= '0' && gpu[i] <= '9')))
            gpu[i] = '-';
    snprintf(default_path, sizeof default_path, "bench/cuda-results-%s.md", gpu);
    if (!out_path)
        out_path = default_path;

    {
        static const struct {
            uint8_t lat;
            uint16_t q;
            const char *n;
        } L[6] = {{0, 10, "LATTICE D4 Q=10"}, {0, 38, "LATTICE D4 Q=38"}, {0, 152, "LATTICE D4 Q=152"},
                  {1, 10, "LATTICE E8 Q=10"}, {1, 38, "LATTICE E8 Q=38"}, {1, 127, "LATTICE E8 Q=127"}};
        for (i = 0; i < 6; i++) {
            memset(&cfgs[ncfg].p, 0, sizeof cfgs[ncfg].p);
            cfgs[ncfg].name = L[i].n;
            cfgs[ncfg].p.mode = KVL_MODE_LATTICE;
            cfgs[ncfg].p.lattice = L[i].lat;
            cfgs[ncfg].p.q = L[i].q;
            ncfg++;
        }
        memset(&cfgs[ncfg].p, 0, sizeof cfgs[ncfg].p);
        cfgs[ncfg].name = "FP8 B=64 F32 scale";
        cfgs[ncfg].p.mode = KVL_MODE_FP8;
        cfgs[ncfg].p.fp8_block = 64;
        cfgs[ncfg].p.fp8_scale = KVL_FP8_SCALE_F32;
        ncfg++;
        memset(&cfgs[ncfg].p, 0, sizeof cfgs[ncfg].p);
        cfgs[ncfg].name = "FP8 B=64 UE8M0 scale";
        cfgs[ncfg].p.mode = KVL_MODE_FP8;
        cfgs[ncfg].p.fp8_block = 64;
        cfgs[ncfg].p.fp8_scale = KVL_FP8_SCALE_UE8M0;
        ncfg++;
    }

    md = fopen(out_path, "w");
    if (!md) {
        fprintf(stderr, "cannot write %s\n", out_path);
        return 1;
    }
    fprintf(md, "# kvlattice CUDA benchmark: %s\n\n", prop.name);
    fprintf(md, "kvl-cuda-bench, %llu vectors resident in device memory, bf16 input and output, chunks of %u "
                "vectors, best of %u runs. memcpy = cudaMemcpyAsync device-to-device of the bf16 input "
                "(bandwidth counts bytes read + written). Ratios compare the bytes each kernel moves (read + "
                "written) with that bandwidth.\n\n",
            (unsigned long long)N, chunk, reps);
    fprintf(md, "| D | mode | bytes/vector | encode Mvec/s | encode GB/s (in) | encode/memcpy | decode Mvec/s | "
                "decode GB/s (out) | decode/memcpy | gather Mvec/s | memcpy GB/s |\n");
    fprintf(md, "|---|---|---|---|---|---|---|---|---|---|---|\n");
    printf("GPU %s, %llu vectors\n", prop.name, (unsigned long long)N);

    CK(cudaStreamCreate(&st));
    CK(cudaEventCreate(&e0));
    CK(cudaEventCreate(&e1));
    for (di = 0; di < 2; di++) {
        uint32_t D = dims[di];
        size_t in_bytes = (size_t)N * D * 2u;
        uint16_t *d_in, *d_copy;
        float t_copy = 1e30f;
        CK(cudaMalloc(&d_in, in_bytes));
        CK(cudaMalloc(&d_copy, in_bytes));
        gen_bf16<<<(unsigned)((N * D + 255) / 256), 256, 0, st>>>(d_in, (uint64_t)N * D, D);
        CK(cudaGetLastError());
        for (i = 0; i < reps; i++) {
            CK(cudaEventRecord(e0, st));
            CK(cudaMemcpyAsync(d_copy, d_in, in_bytes, cudaMemcpyDeviceToDevice, st));
            CK(cudaEventRecord(e1, st));
            CK(cudaEventSynchronize(e1));
            if (elapsed(e0, e1) < t_copy)
                t_copy = elapsed(e0, e1);
        }
        CK(cudaFree(d_copy));
        {
            double bw = 2.0 * (double)in_bytes / t_copy;
            printf("D=%u memcpy D2D %.1f GB/s (read+write)\n", D, bw / 1e9);
        }
        for (ci = 0; ci < (uint32_t)ncfg; ci++) {
            kvl_chunk_params p = cfgs[ci].p;
            uint64_t nchunks = (N + chunk - 1) / chunk, c;
            size_t sec_cap = 0, ws = 0, sec_last = 0, enc_total;
            uint32_t rb = 0;
            uint8_t *d_sec, *d_work;
            uint16_t *d_out;
            kvl_cuda_result *d_res, h_res;
            kvl_cuda_chunk *h_chunks, *d_chunks;
            kvl_cuda_vec_ref *h_refs, *d_refs;
            uint64_t nref = N / 16 ? N / 16 : 1;
            float t_enc = 1e30f, t_dec = 1e30f, t_gat = 1e30f;
            double bw = 2.0 * (double)in_bytes / t_copy;
            if (kvl_params_check(D, &p) != KVL_OK)
                continue;
            KS(kvl_record_size(D, &p, &rb, 0));
            KS(kvl_chunk_size_bound(D, &p, chunk, &sec_cap));
            KS(kvl_cuda_encode_workspace_size(D, &p, chunk, &ws));
            enc_total = (size_t)nchunks * sec_cap;
            if (cudaMalloc(&d_sec, enc_total) != cudaSuccess || cudaMalloc(&d_work, ws + 256) != cudaSuccess ||
                cudaMalloc(&d_out, in_bytes) != cudaSuccess) {
                fprintf(stderr, "D=%u %s: not enough device memory, skipped\n", D, cfgs[ci].name);
                cudaGetLastError();
                continue;
            }
            CK(cudaMalloc(&d_res, sizeof *d_res));
            h_chunks = (kvl_cuda_chunk *)calloc(nchunks, sizeof *h_chunks);
            for (i = 0; i < reps; i++) {
                KS(kvl_cuda_result_reset(d_res, st));
                CK(cudaEventRecord(e0, st));
                for (c = 0; c < nchunks; c++) {
                    uint32_t n = (uint32_t)(N - c * chunk < chunk ? N - c * chunk : chunk);
                    KS(kvl_cuda_encode_chunk(D, &p, (uint32_t)c, d_in + (size_t)c * chunk * D, KVL_DTYPE_BF16, n, 0,
                                             d_work, ws, d_sec + c * sec_cap, sec_cap, &sec_last, d_res, st));
                }
                CK(cudaEventRecord(e1, st));
                CK(cudaEventSynchronize(e1));
                if (elapsed(e0, e1) < t_enc)
                    t_enc = elapsed(e0, e1);
            }
            CK(cudaMemcpy(&h_res, d_res, sizeof h_res, cudaMemcpyDeviceToHost));
            if (kvl_cuda_result_status(&h_res, 0) != KVL_OK)
                fprintf(stderr, "encode error %s\n", kvl_status_name(kvl_cuda_result_status(&h_res, 0)));
            /* chunk descriptors: header sizes are known (no skeleton) */
            for (c = 0; c < nchunks; c++) {
                uint32_t n = (uint32_t)(N - c * chunk < chunk ? N - c * chunk : chunk);
                kvl_cuda_chunk *k = &h_chunks[c];
                k->dim = D;
                k->n_vectors = n;
                k->record_bytes = rb;
                k->params = p;
                k->skel_dtype = KVL_DTYPE_F16;
                k->d_records = d_sec + c * sec_cap + 36u;
            }
            for (i = 0; i < reps; i++) {
                KS(kvl_cuda_result_reset(d_res, st));
                CK(cudaEventRecord(e0, st));
                for (c = 0; c < nchunks; c++)
                    KS(kvl_cuda_decode_chunk(&h_chunks[c], KVL_DTYPE_BF16, d_out + (size_t)c * chunk * D,
                                             (size_t)h_chunks[c].n_vectors * D * 2u, d_res, st));
                CK(cudaEventRecord(e1, st));
                CK(cudaEventSynchronize(e1));
                if (elapsed(e0, e1) < t_dec)
                    t_dec = elapsed(e0, e1);
            }
            CK(cudaMemcpy(&h_res, d_res, sizeof h_res, cudaMemcpyDeviceToHost));
            if (kvl_cuda_result_status(&h_res, 0) != KVL_OK)
                fprintf(stderr, "decode error %s\n", kvl_status_name(kvl_cuda_result_status(&h_res, 0)));
            /* gather of N/16 random vectors */
            h_refs = (kvl_cuda_vec_ref *)malloc(nref * sizeof *h_refs);
            {
                uint64_t z = 88172645463325252ull;
                for (c = 0; c < nref; c++) {
                    uint64_t v;
                    z ^= z << 13;
                    z ^= z >> 7;
                    z ^= z << 17;
                    v = z % N;
                    h_refs[c].chunk = (uint32_t)(v / chunk);
                    h_refs[c].vector = (uint32_t)(v % chunk);
                }
            }
            CK(cudaMalloc(&d_refs, nref * sizeof *d_refs));
            CK(cudaMalloc(&d_chunks, nchunks * sizeof *d_chunks));
            CK(cudaMemcpy(d_refs, h_refs, nref * sizeof *d_refs, cudaMemcpyHostToDevice));
            CK(cudaMemcpy(d_chunks, h_chunks, nchunks * sizeof *d_chunks, cudaMemcpyHostToDevice));
            for (i = 0; i < reps; i++) {
                KS(kvl_cuda_result_reset(d_res, st));
                CK(cudaEventRecord(e0, st));
                KS(kvl_cuda_decode_gather(d_chunks, (uint32_t)nchunks, D, d_refs, (uint32_t)nref, KVL_DTYPE_BF16,
                                          d_out, in_bytes, d_res, st));
                CK(cudaEventRecord(e1, st));
                CK(cudaEventSynchronize(e1));
                if (elapsed(e0, e1) < t_gat)
                    t_gat = elapsed(e0, e1);
            }
            {
                double enc_vs = N / t_enc, dec_vs = N / t_dec, gat_vs = nref / t_gat;
                double rec_bytes = (double)N * rb;
                double enc_traffic = ((double)in_bytes + rec_bytes) / t_enc;
                double dec_traffic = ((double)in_bytes + rec_bytes) / t_dec;
                printf("D=%u %-22s rec %4u B  encode %8.2f Mvec/s %7.1f GB/s (%.3f of memcpy)  decode %8.2f Mvec/s "
                       "%7.1f GB/s (%.3f)  gather %8.2f Mvec/s\n",
                       D, cfgs[ci].name, rb, enc_vs / 1e6, in_bytes / t_enc / 1e9, enc_traffic / bw, dec_vs / 1e6,
                       in_bytes / t_dec / 1e9, dec_traffic / bw, gat_vs / 1e6);
                fprintf(md, "| %u | %s | %u | %.2f | %.1f | %.3f | %.2f | %.1f | %.3f | %.2f | %.1f |\n", D,
                        cfgs[ci].name, rb, enc_vs / 1e6, in_bytes / t_enc / 1e9, enc_traffic / bw, dec_vs / 1e6,
                        in_bytes / t_dec / 1e9, dec_traffic / bw, gat_vs / 1e6, bw / 1e9);
            }
            CK(cudaFree(d_sec));
            CK(cudaFree(d_work));
            CK(cudaFree(d_out));
            CK(cudaFree(d_res));
            CK(cudaFree(d_refs));
            CK(cudaFree(d_chunks));
            free(h_chunks);
            free(h_refs);
        }
        CK(cudaFree(d_in));
    }
    fclose(md);
    printf("wrote %s\n", out_path);
    return 0;
}
