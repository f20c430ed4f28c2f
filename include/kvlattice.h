/*
 * kvlattice.h -- public C API of the kvlattice reference codec (format version 1.0).
 *
 * The normative format is spec/ (start at spec/README.md). This header is the
 * C binding of it. Every function:
 *   - returns a kvl_status (KVL_OK == 0, errors > 0) and never exits or aborts;
 *   - writes only into caller-provided buffers whose sizes are passed explicitly;
 *   - keeps no global mutable state (the one exception is the process-wide
 *     CPU level, kvl_set_cpu_level() below), so distinct objects may be used
 *     from distinct threads concurrently without locking;
 *   - allocates nothing (the encoder's chunk workspace is caller-provided, see
 *     kvl_encode_workspace_size()).
 *
 * Typical use
 *   encode: kvl_writer_init -> kvl_writer_begin_tensor -> kvl_writer_append ...
 *           -> kvl_writer_end_tensor -> (more tensors) -> kvl_writer_finish
 *   decode: kvl_reader_init -> kvl_reader_next ... (KVL_EVENT_CHUNK gives a
 *           kvl_chunk_view) -> kvl_chunk_decode / kvl_chunk_decode_vector
 *
 * The CUDA codec (device memory, cudaStream_t) has its own header,
 * kvlattice_cuda.h (cuda/README.md).
 */
#ifndef KVLATTICE_H
#define KVLATTICE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KVL_FORMAT_MAJOR 1
#define KVL_FORMAT_MINOR 0
#define KVL_VERSION_STRING "1.0.0"

/* ---- Status codes (spec §9 "Errors"). Stable numeric values. ---------- */
typedef enum kvl_status {
    KVL_OK = 0,
    KVL_ERR_TRUNCATED = 1,   /* stream ends before a declared field/section ends */
    KVL_ERR_MAGIC = 2,       /* not a kvlattice stream */
    KVL_ERR_VERSION = 3,     /* major version not supported */
    KVL_ERR_RESERVED = 4,    /* a reserved bit/field/padding is not zero */
    KVL_ERR_FIELD = 5,       /* a field value is outside its allowed range / inconsistent */
    KVL_ERR_INDEX = 6,       /* a lattice block index >= the codebook count */
    KVL_ERR_CRC = 7,         /* CRC-32C mismatch */
    KVL_ERR_OVERFLOW = 8,    /* a size computation exceeds the implementation's range */
    KVL_ERR_UNSUPPORTED = 9, /* legal but not supported by this implementation */
    KVL_ERR_NONFINITE = 10,  /* encoder input contains NaN or Inf */
    KVL_ERR_RANGE = 11,      /* a value cannot be represented in the target format */
    KVL_ERR_ARG = 12,        /* invalid API argument or encoder parameter */
    KVL_ERR_BUFFER = 13,     /* caller buffer or workspace too small */
    KVL_ERR_STATE = 14,      /* API call out of order */
    KVL_ERR_IO = 15          /* output sink reported failure */
} kvl_status;

/* Short stable name ("KVL_ERR_CRC") and a one-line English description. */
const char *kvl_status_name(int status);
const char *kvl_status_message(int status);

/* ---- Enumerations (values are the on-disk codes, spec §5-§7) ---------- */
typedef enum kvl_dtype { KVL_DTYPE_F32 = 0, KVL_DTYPE_F16 = 1, KVL_DTYPE_BF16 = 2 } kvl_dtype;
typedef enum kvl_mode { KVL_MODE_RAW = 0, KVL_MODE_FP8 = 1, KVL_MODE_LATTICE = 2 } kvl_mode;
typedef enum kvl_lattice { KVL_LATTICE_D4 = 0, KVL_LATTICE_E8 = 1 } kvl_lattice;
typedef enum kvl_fp8_scale {
    KVL_FP8_SCALE_F32 = 0,   /* fp32 amax/448 (DeepSeek-V3 act_quant) */
    KVL_FP8_SCALE_UE8M0 = 1, /* power of two, 8-bit biased exponent (OCP MX) */
    KVL_FP8_SCALE_F16 = 2    /* IEEE binary16, amax/448 rounded up */
} kvl_fp8_scale;
typedef enum kvl_role { KVL_ROLE_NONE = 0, KVL_ROLE_K = 1, KVL_ROLE_V = 2, KVL_ROLE_OTHER = 3 } kvl_role;

/* Encoder-side skeleton choice (the stream only records what is present). */
typedef enum kvl_skeleton_kind {
    KVL_SKELETON_NONE = 0,
    KVL_SKELETON_MEAN = 1, /* per-chunk mean */
    KVL_SKELETON_PCA = 2   /* per-chunk mean + orthonormal basis of rank `rank` */
} kvl_skeleton_kind;

/* ---- Limits (spec §3) ------------------------------------------------- */
#define KVL_MAX_DIM 65536u          /* RAW / FP8 */
#define KVL_LATTICE_MIN_DIM 8u      /* LATTICE: power of two in [8, 512] */
#define KVL_LATTICE_MAX_DIM 512u
#define KVL_MAX_CHUNK_LEN 1048576u  /* vectors per chunk */
#define KVL_MAX_Q_D4 4095u
#define KVL_MAX_Q_E8 127u
#define KVL_MAX_OUTLIERS 16u
#define KVL_MAX_RANK 64u
#define KVL_MAX_NAME_LEN 1024u
#define KVL_OUTLIER_CORR_MAX 32767   /* |correction| <= this, in code units */

/* Parameters of one chunk (spec §5.2). Zero-initialise, then set the mode's fields. */
typedef struct kvl_chunk_params {
    uint8_t mode;            /* kvl_mode */
    /* RAW */
    uint8_t raw_dtype;       /* kvl_dtype stored */
    /* FP8 */
    uint16_t fp8_block;      /* 32, 64 or 128 */
    uint8_t fp8_scale;       /* kvl_fp8_scale */
    uint8_t fp8_split_rope;  /* 1: last 64 dims stored as bf16 (DeepSeek-V4 profile) */
    /* LATTICE */
    uint8_t lattice;         /* kvl_lattice */
    uint16_t q;              /* 1..KVL_MAX_Q_D4 (D4) or 1..KVL_MAX_Q_E8 (E8) */
    uint8_t outliers;        /* K outlier slots per vector, 0..16, K <= dim/4 */
    uint8_t skeleton;        /* kvl_skeleton_kind (encoder side) */
    uint8_t rank;            /* basis rank r for KVL_SKELETON_PCA, 1..64, r < dim */
} kvl_chunk_params;

/* A caller-supplied skeleton (offline calibration). NULL members mean "compute".
 * mean: dim floats; basis: rank*dim floats, row k = basis vector k. The encoder
 * rounds them to the stream's skeleton dtype (spec §7.3). */
typedef struct kvl_skeleton {
    const float *mean;
    const float *basis;
    uint32_t rank;
} kvl_skeleton;

/* Validate parameters for a vector dimension. KVL_OK or KVL_ERR_ARG. */
kvl_status kvl_params_check(uint32_t dim, const kvl_chunk_params *p);

/* Size of one vector record in bytes (spec §6-§8), and its exact bit count
 * before padding. */
kvl_status kvl_record_size(uint32_t dim, const kvl_chunk_params *p, uint32_t *record_bytes,
                           uint32_t *record_bits);

/* Upper bound of the bytes of one complete chunk section holding n vectors. */
kvl_status kvl_chunk_size_bound(uint32_t dim, const kvl_chunk_params *p, uint32_t n,
                                size_t *bytes);

/* Workspace the encoder needs for a chunk of up to n vectors (floats for the
 * skeleton computation and per-vector scratch). */
kvl_status kvl_encode_workspace_size(uint32_t dim, const kvl_chunk_params *p, uint32_t n,
                                     size_t *bytes);

/* Encode n vectors (row-major, n*dim values of in_dtype, little-endian in
 * memory as on the host) as one complete chunk section (spec §5), including
 * its framing and CRC. `skel` may be NULL. `work` must be 8-byte aligned and
 * at least kvl_encode_workspace_size() bytes. */
kvl_status kvl_chunk_encode(uint32_t dim, const kvl_chunk_params *p, uint32_t chunk_index,
                            const void *in, kvl_dtype in_dtype, uint32_t n,
                            const kvl_skeleton *skel, void *work, size_t work_size,
                            uint8_t *out, size_t out_cap, size_t *out_len);

/* ---- Decoding -------------------------------------------------------- */

/* A parsed, CRC-checked chunk; points into the caller's stream buffer. */
typedef struct kvl_chunk_view {
    uint32_t dim;
    uint32_t chunk_index;
    uint32_t n_vectors;
    uint32_t record_bytes;
    uint32_t record_bits;
    kvl_chunk_params params;   /* params.skeleton/rank describe what is stored */
    uint8_t skel_dtype;        /* KVL_DTYPE_F16 or KVL_DTYPE_BF16 (LATTICE with skeleton) */
    uint8_t has_mean;
    const uint8_t *mean;       /* dim values of skel_dtype, or NULL */
    const uint8_t *basis;      /* rank*dim values of skel_dtype, or NULL */
    const uint8_t *records;    /* n_vectors * record_bytes */
    size_t section_bytes;      /* whole section incl. framing and CRC */
} kvl_chunk_view;

/* Parse and CRC-check one chunk section starting at `sec` (len bytes
 * available) for a tensor of dimension dim. */
kvl_status kvl_chunk_parse(const uint8_t *sec, size_t len, uint32_t dim, kvl_chunk_view *view);

/* Decode all vectors of a chunk to out (n_vectors*dim values of out_dtype).
 * A view whose fields disagree with each other (not as kvl_chunk_parse made
 * it) is KVL_ERR_ARG; the same holds for _decode_vector and _validate. */
kvl_status kvl_chunk_decode(const kvl_chunk_view *view, kvl_dtype out_dtype, void *out,
                            size_t out_cap);
/* Random access: decode vector i (0-based within the chunk) in O(1). */
kvl_status kvl_chunk_decode_vector(const kvl_chunk_view *view, uint32_t i, kvl_dtype out_dtype,
                                   void *out, size_t out_cap);
/* Validate every record of a chunk without producing output. */
kvl_status kvl_chunk_validate(const kvl_chunk_view *view);

/* Tensor description (spec §4.3). */
typedef struct kvl_tensor_desc {
    uint32_t dim;
    uint32_t chunk_len;   /* vectors per chunk (every chunk but the last is full) */
    uint8_t role;         /* kvl_role */
    uint8_t src_dtype;    /* kvl_dtype of the original data (default output dtype) */
    int32_t layer;        /* -1: not given */
    int32_t head;         /* -1: not given */
    uint16_t name_len;
    const char *name;     /* name_len bytes, not NUL-terminated; may be NULL if name_len==0 */
} kvl_tensor_desc;

typedef enum kvl_event_kind {
    KVL_EVENT_TENSOR = 1,     /* a tensor begins: ev.tensor */
    KVL_EVENT_CHUNK = 2,      /* a chunk of the current tensor: ev.chunk, ev.first_vector */
    KVL_EVENT_TENSOR_END = 3, /* the current tensor ends: ev.n_vectors, ev.n_chunks */
    KVL_EVENT_END = 4         /* end of stream: ev.n_tensors */
} kvl_event_kind;

typedef struct kvl_event {
    int kind;                 /* kvl_event_kind */
    uint32_t tensor_index;
    kvl_tensor_desc tensor;
    kvl_chunk_view chunk;
    uint64_t first_vector;    /* index of the chunk's first vector in its tensor */
    uint64_t n_vectors;
    uint32_t n_chunks;
    uint32_t n_tensors;
    uint32_t skipped_sections;/* optional unknown sections skipped before this event */
} kvl_event;

/* Sequential reader over a whole stream held in memory. Members are private. */
typedef struct kvl_reader {
    const uint8_t *data;
    size_t size;
    size_t pos;
    int state;
    uint32_t tensor_index;
    uint32_t chunk_index;
    uint64_t vectors_in_tensor;
    kvl_tensor_desc cur;
    int last_chunk_partial;
    uint32_t n_tensors;
} kvl_reader;

/* Check the file header (spec §4.1). */
kvl_status kvl_reader_init(kvl_reader *r, const uint8_t *data, size_t size);
/* Next structural event; KVL_EVENT_END after the end section. Any error is final. */
kvl_status kvl_reader_next(kvl_reader *r, kvl_event *ev);

/* Summary of a verified stream. */
typedef struct kvl_stream_summary {
    uint32_t n_tensors;
    uint64_t n_vectors;        /* all tensors */
    uint64_t n_chunks;
    uint64_t payload_bytes;    /* record bytes of all chunks */
    uint64_t total_bytes;      /* whole stream */
} kvl_stream_summary;

/* Full parse, CRC and record validation of a stream (what `kvl verify` runs). */
kvl_status kvl_verify(const uint8_t *data, size_t size, kvl_stream_summary *summary);

/* ---- Encoding a stream ------------------------------------------------ */

/* Output sink: must consume all len bytes and return 0, or return non-zero. */
typedef int (*kvl_sink_fn)(void *ctx, const uint8_t *bytes, size_t len);

/* Streaming writer. Members are private; size is fixed so callers can place it
 * anywhere. The workspace passed to begin_tensor must outlive the tensor. */
typedef struct kvl_writer {
    kvl_sink_fn sink;
    void *sink_ctx;
    int state;
    uint32_t n_tensors;
    kvl_tensor_desc desc;
    kvl_chunk_params params;
    const kvl_skeleton *skel;
    uint8_t in_dtype;
    uint8_t *work;        /* caller workspace */
    size_t work_size;
    uint8_t *pending;     /* buffered input vectors of the open chunk (in work) */
    uint32_t pending_n;
    uint8_t *chunk_out;   /* encoded chunk bytes (in work) */
    size_t chunk_cap;
    void *enc_work;       /* encoder workspace (in work) */
    size_t enc_work_size;
    uint32_t chunk_index;
    uint64_t n_vectors;
    uint64_t bytes_written;
} kvl_writer;

kvl_status kvl_writer_init(kvl_writer *w, kvl_sink_fn sink, void *sink_ctx);
/* Workspace for begin_tensor: holds one chunk of input and its encoding. */
kvl_status kvl_writer_workspace_size(const kvl_tensor_desc *desc, const kvl_chunk_params *p,
                                     kvl_dtype in_dtype, size_t *bytes);
kvl_status kvl_writer_begin_tensor(kvl_writer *w, const kvl_tensor_desc *desc,
                                   const kvl_chunk_params *p, kvl_dtype in_dtype,
                                   const kvl_skeleton *skel, void *work, size_t work_size);
/* Append n vectors (n*dim values of the in_dtype given to begin_tensor). Full
 * chunks are encoded and written as they complete. */
kvl_status kvl_writer_append(kvl_writer *w, const void *vectors, uint64_t n);
kvl_status kvl_writer_end_tensor(kvl_writer *w);
kvl_status kvl_writer_finish(kvl_writer *w);

/* ---- CPU level (runtime dispatch) ------------------------------------ */
/* The codec has a readable reference implementation and, on x86-64 builds
 * with KVL_FAST, an AVX2 implementation of its hot loops. Both produce
 * bit-identical streams and decoded values; the level only changes speed.
 *
 * The CPU level is the single process-wide setting of the library (like
 * dav1d's CPU mask): it applies to every call in every thread. At the first
 * call that needs it the library picks the best level the CPU and OS support
 * (cpuid + XGETBV), unless the environment variable KVL_CPU=ref|avx2 asks for
 * a level (a level the CPU lacks falls back to the best one available).
 * kvl_set_cpu_level() overrides both; it may be called at any time, and calls
 * already running finish at the level they started with. */
typedef enum kvl_cpu_level {
    KVL_CPU_REF = 0,  /* reference C99 code */
    KVL_CPU_AVX2 = 1  /* AVX2 + F16C (x86-64 builds with KVL_FAST) */
} kvl_cpu_level;

/* KVL_OK; KVL_ERR_ARG for an unknown level; KVL_ERR_UNSUPPORTED when this
 * CPU/OS or this build lacks the level (the level is then unchanged). */
kvl_status kvl_set_cpu_level(int level);
/* The current level (KVL_CPU_*). */
int kvl_get_cpu_level(void);
/* The best level this CPU and build support. */
int kvl_get_cpu_max_level(void);

/* ---- Number formats (spec §2), exposed for tools and tests ------------ */
float kvl_f16_to_f32(uint16_t h);
float kvl_bf16_to_f32(uint16_t b);
float kvl_e4m3_to_f32(uint8_t c);
uint16_t kvl_f32_to_f16(float x);   /* RNE; overflow -> +-Inf; NaN -> quiet NaN */
uint16_t kvl_f32_to_bf16(float x);  /* RNE; overflow -> +-Inf; NaN -> quiet NaN */
uint8_t kvl_f32_to_e4m3(float x);   /* RNE, saturating to +-448 (E4M3FN); NaN -> 0x7F|sign */

#ifdef __cplusplus
}
#endif
#endif /* KVLATTICE_H */
