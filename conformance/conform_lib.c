/* conform_lib.c -- see conform_lib.h. POSIX.1-2008 (dlopen, mmap). */
#include "conform_lib.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conform_common.h"

/* ---- symbols ----------------------------------------------------------------- */

/* ISO C has no conversion between object and function pointers; POSIX
 * guarantees that dlsym's result can be used as one. */
static void *sym(void *handle, const char *name) { return dlsym(handle, name); }

int cf_lib_open(const char *path, cf_lib *lib, char *err, size_t errlen)
{
    void *s;
    kvlc_abi_version_fn abi = NULL;
    kvlc_name_fn name = NULL;
    const char *slash;
    memset(lib, 0, sizeof *lib);
    lib->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib->handle) {
        cf_fmt(err, errlen, "cannot load %s: %s", path, dlerror());
        return -1;
    }
    s = sym(lib->handle, KVLC_SYM_ABI_VERSION);
    if (!s) {
        cf_fmt(err, errlen, "%s exports no %s(): not a kvlc.h implementation", path,
               KVLC_SYM_ABI_VERSION);
        cf_lib_close(lib);
        return -1;
    }
    memcpy(&abi, &s, sizeof abi);
    lib->abi_version = abi();
    if (lib->abi_version != KVLC_ABI_VERSION) {
        cf_fmt(err, errlen, "%s: %s() returns %d, this kvl-conform drives ABI %d", path,
               KVLC_SYM_ABI_VERSION, lib->abi_version, KVLC_ABI_VERSION);
        cf_lib_close(lib);
        return -1;
    }
    if ((s = sym(lib->handle, KVLC_SYM_DECODE)) != NULL)
        memcpy(&lib->decode, &s, sizeof lib->decode);
    if ((s = sym(lib->handle, KVLC_SYM_ENCODE)) != NULL)
        memcpy(&lib->encode, &s, sizeof lib->encode);
    if (!lib->decode && !lib->encode) {
        cf_fmt(err, errlen, "%s exports neither %s nor %s", path, KVLC_SYM_DECODE, KVLC_SYM_ENCODE);
        cf_lib_close(lib);
        return -1;
    }
    slash = strrchr(path, '/');
    cf_fmt(lib->name, sizeof lib->name, "%s", slash ? slash + 1 : path);
    if ((s = sym(lib->handle, KVLC_SYM_NAME)) != NULL) {
        const char *n;
        memcpy(&name, &s, sizeof name);
        n = name();
        if (n && *n)
            cf_fmt(lib->name, sizeof lib->name, "%s", n);
    }
    return 0;
}

void cf_lib_close(cf_lib *lib)
{
    if (lib->handle)
        dlclose(lib->handle);
    memset(lib, 0, sizeof *lib);
}

/* ---- read-only inputs that end just before an inaccessible page --------------- */

typedef struct guarded {
    void *map;        /* NULL: plain malloc (no guard page available) */
    size_t map_len;
    uint8_t *data;
} guarded;

static int guarded_copy(const void *src, size_t len, guarded *g)
{
    long ps = sysconf(_SC_PAGESIZE);
    size_t page = ps > 0 ? (size_t)ps : 4096u, data_pages = (len + page - 1u) / page;
    int fd = open("/dev/zero", O_RDWR);
    memset(g, 0, sizeof *g);
    if (fd >= 0) {
        g->map_len = (data_pages + 1u) * page;
        g->map = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        close(fd);
        if (g->map == MAP_FAILED)
            g->map = NULL;
    }
    if (!g->map) {
        g->data = (uint8_t *)cf_xmalloc(len);
        if (len)
            memcpy(g->data, src, len);
        return 0;
    }
    g->data = (uint8_t *)g->map + data_pages * page - len;
    if (len)
        memcpy(g->data, src, len);
    if (data_pages)
        mprotect(g->map, data_pages * page, PROT_READ);
    mprotect((uint8_t *)g->map + data_pages * page, page, PROT_NONE);
    return 0;
}

static void guarded_free(guarded *g)
{
    if (g->map)
        munmap(g->map, g->map_len);
    else
        free(g->data);
    memset(g, 0, sizeof *g);
}

/* ---- output buffers with guard bytes ----------------------------------------- */

static const uint8_t kGuard[8] = {0xa5, 0x5a, 0xc3, 0x3c, 0x96, 0x69, 0x0f, 0xf0};

static uint8_t *out_alloc(size_t cap)
{
    uint8_t *b = (uint8_t *)malloc(cap + CF_LIB_GUARD);
    size_t i;
    if (!b)
        return NULL;
    memset(b, 0xcd, cap);
    for (i = 0; i < CF_LIB_GUARD; i++)
        b[cap + i] = kGuard[i % sizeof kGuard];
    return b;
}

static int guard_intact(const uint8_t *b, size_t cap)
{
    size_t i;
    for (i = 0; i < CF_LIB_GUARD; i++)
        if (b[cap + i] != kGuard[i % sizeof kGuard])
            return 0;
    return 1;
}

/* One call of the BUFFER protocol. */
typedef int (*call_fn)(void *ctx, uint8_t *out, size_t cap, size_t *out_len);

static void run_protocol(call_fn call, void *ctx, size_t cap, cf_answer *a)
{
    int attempt;
    cf_answer_init(a);
    for (attempt = 0; attempt < 2; attempt++) {
        size_t out_len = (size_t)-1;
        uint8_t *buf = out_alloc(cap);
        int rc;
        if (!buf) {
            a->kind = CF_ANS_SKIP;
            cf_fmt(a->note, sizeof a->note, "runner: cannot allocate %zu bytes", cap);
            return;
        }
        rc = call(ctx, buf, cap, &out_len);
        if (!guard_intact(buf, cap)) {
            free(buf);
            a->kind = CF_ANS_VIOLATION;
            cf_fmt(a->note, sizeof a->note,
                   "wrote past the end of the output buffer (cap %zu bytes, returned %d)", cap, rc);
            return;
        }
        if (rc == 13 && attempt == 0) {
            free(buf);
            if (out_len == (size_t)-1 || out_len <= cap) {
                a->kind = CF_ANS_VIOLATION;
                cf_fmt(a->note, sizeof a->note,
                       "returned BUFFER (13) with cap %zu but *out_len = %zu is not larger", cap,
                       out_len == (size_t)-1 ? (size_t)0 : out_len);
                return;
            }
            if (out_len > CF_LIB_MAX_CAP) {
                a->kind = CF_ANS_CODE;
                a->code = 13;
                cf_fmt(a->note, sizeof a->note,
                       "asked for %zu bytes, more than the runner's limit of %zu", out_len,
                       CF_LIB_MAX_CAP);
                return;
            }
            cap = out_len;
            continue;
        }
        if (rc == 0) {
            if (out_len == (size_t)-1) {
                free(buf);
                a->kind = CF_ANS_VIOLATION;
                cf_fmt(a->note, sizeof a->note, "returned OK without setting *out_len");
                return;
            }
            if (out_len > cap) {
                free(buf);
                a->kind = CF_ANS_VIOLATION;
                cf_fmt(a->note, sizeof a->note, "returned OK with *out_len = %zu > cap %zu",
                       out_len, cap);
                return;
            }
            a->kind = CF_ANS_CODE;
            a->code = 0;
            a->out = buf;
            a->out_len = out_len;
            if (attempt == 1)
                cf_fmt(a->note, sizeof a->note, "after a BUFFER retry with %zu bytes", cap);
            return;
        }
        free(buf);
        a->kind = CF_ANS_CODE;
        a->code = rc;
        if (rc == 13)
            cf_fmt(a->note, sizeof a->note,
                   "BUFFER again after the retry with the %zu bytes it asked for", cap);
        else if (attempt == 1)
            cf_fmt(a->note, sizeof a->note, "after a BUFFER retry with %zu bytes", cap);
        return;
    }
}

/* ---- decode ------------------------------------------------------------------ */

typedef struct dec_ctx {
    kvlc_decode_fn dec;
    const uint8_t *stream;
    size_t len;
    int dtype;
} dec_ctx;

static int call_decode(void *ctx, uint8_t *out, size_t cap, size_t *out_len)
{
    dec_ctx *d = (dec_ctx *)ctx;
    return d->dec(d->stream, d->len, d->dtype, out, cap, out_len);
}

void cf_lib_decode(kvlc_decode_fn dec, const uint8_t *stream, size_t len, int dtype, size_t cap,
                   cf_answer *a)
{
    guarded g;
    dec_ctx d;
    guarded_copy(stream, len, &g);
    d.dec = dec;
    d.stream = g.data;
    d.len = len;
    d.dtype = dtype;
    run_protocol(call_decode, &d, cap, a);
    guarded_free(&g);
}

/* ---- encode ------------------------------------------------------------------ */

typedef struct enc_ctx {
    kvlc_encode_fn enc;
    const kvlc_tensor *tensors;
    uint32_t n;
} enc_ctx;

static int call_encode(void *ctx, uint8_t *out, size_t cap, size_t *out_len)
{
    enc_ctx *e = (enc_ctx *)ctx;
    return e->enc(e->tensors, e->n, out, cap, out_len);
}

void cf_lib_encode(kvlc_encode_fn enc, const kvlc_tensor *tensors, uint32_t n_tensors,
                   const size_t *tensor_bytes, size_t cap, cf_answer *a)
{
    /* Every input (the tensor array, each name, each data block) ends just
     * before an inaccessible page: reading a name as NUL-terminated, or more
     * vectors than n_vectors, crashes. Empty names are passed as NULL. */
    guarded *g = (guarded *)cf_xcalloc(2u * (size_t)n_tensors + 1u, sizeof *g);
    kvlc_tensor *t = (kvlc_tensor *)cf_xcalloc(n_tensors, sizeof *t);
    enc_ctx e;
    uint32_t i;
    for (i = 0; i < n_tensors; i++) {
        t[i] = tensors[i];
        guarded_copy(tensors[i].data, tensor_bytes[i], &g[2u * i]);
        t[i].data = g[2u * i].data;
        if (t[i].name_len) {
            guarded_copy(tensors[i].name, t[i].name_len, &g[2u * i + 1u]);
            t[i].name = (const char *)g[2u * i + 1u].data;
        } else {
            t[i].name = NULL;
        }
    }
    guarded_copy(t, (size_t)n_tensors * sizeof *t, &g[2u * n_tensors]);
    e.enc = enc;
    e.tensors = (const kvlc_tensor *)(const void *)g[2u * n_tensors].data;
    e.n = n_tensors;
    run_protocol(call_encode, &e, cap, a);
    for (i = 0; i < 2u * n_tensors + 1u; i++)
        guarded_free(&g[i]);
    free(g);
    free(t);
}
