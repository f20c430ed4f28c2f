/* stream_reader.c -- sequential parsing of a whole stream (spec §4).
 *
 *   stream  = file header, { section }, FEND section, nothing after it
 *   tensor  = TENS, { CHNK }, TEND      (ancillary sections may appear between any two)
 * Every chunk of a tensor but the last holds exactly chunk_len vectors.
 */
#include "kvl_internal.h"
#include "kvl_sections.h"

/* §4.1: 0x89 'K' 'V' 'L' CR LF 0x1A LF -- catches 7-bit and newline mangling. */
const uint8_t kvl_magic[8] = {0x89u, 0x4Bu, 0x56u, 0x4Cu, 0x0Du, 0x0Au, 0x1Au, 0x0Au};

enum { RS_NEED_HEADER = 0, RS_BETWEEN = 1, RS_IN_TENSOR = 2, RS_DONE = 3, RS_FAILED = 4 };

/* All-zero objects (static storage: every member and padding byte 0, as a
 * memset would give); assigned instead of memset so that the WP memory model
 * sees typed stores (proof/README.md). */
static const kvl_reader reader_zero;
static const kvl_event event_zero;
static const kvl_stream_summary summary_zero;

/*@ // A reader's cursor lies inside its stream; in the states that parse
    // sections, the whole stream is readable (spec §4).
    predicate kvl_reader_ok(kvl_reader *r) =
      \valid(r) && r->size <= 0x1FFFFFFFFFFFFFFF && r->pos <= r->size &&
      RS_NEED_HEADER <= r->state <= RS_FAILED &&
      (r->state == RS_BETWEEN || r->state == RS_IN_TENSOR || r->state == RS_DONE ==>
         \valid_read(r->data + (0 .. r->size - 1)) &&
         \separated(r, r->data + (0 .. r->size - 1)));
*/

/* 1 when data[0 .. n-1] differs from the first n bytes of the magic (n <= 8). */
/*@ requires n <= 8 && \valid_read(data + (0 .. n - 1));
    assigns \nothing;
*/
static int magic_differs(const uint8_t *data, size_t n)
{
    size_t i;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i;
        loop variant n - i;
    */
    for (i = 0; i < n; i++) {
        if (data[i] != kvl_magic[i])
            return 1;
    }
    return 0;
}

/* §4.1 file header: magic, version, header length, flags, CRC. On OK,
 * *hbytes is the header length (the first section starts there). */
/*@ requires size <= 0x1FFFFFFFFFFFFFFF;
    requires \valid_read(data + (0 .. size - 1));
    requires \valid(hbytes) && \separated(hbytes, data + (0 .. size - 1));
    assigns *hbytes;
    ensures \result == KVL_OK || \result == KVL_ERR_TRUNCATED || \result == KVL_ERR_MAGIC ||
            \result == KVL_ERR_VERSION || \result == KVL_ERR_FIELD || \result == KVL_ERR_CRC ||
            \result == KVL_ERR_RESERVED;
    ensures \result == KVL_OK ==> KVL_FILE_HEADER_BYTES <= *hbytes <= size;
*/
static kvl_status parse_file_header(const uint8_t *data, size_t size, uint32_t *hbytes)
{
    kvl_bitreader br;
    uint32_t major, minor, flags, crc;
    if (size < 8u)
        return size > 0u && magic_differs(data, size) ? KVL_ERR_MAGIC : KVL_ERR_TRUNCATED;
    if (magic_differs(data, 8))
        return KVL_ERR_MAGIC;
    kvl_br_init(&br, data, size);
    kvl_br_seek(&br, 64);
    major = (uint32_t)kvl_br_get(&br, 8);
    minor = (uint32_t)kvl_br_get(&br, 8);
    *hbytes = (uint32_t)kvl_br_get(&br, 16);
    flags = (uint32_t)kvl_br_get(&br, 32);
    if (br.err != KVL_OK)
        return KVL_ERR_TRUNCATED;
    if (major != KVL_FORMAT_MAJOR)
        return KVL_ERR_VERSION;
    /* §4.1: minor versions may only lengthen the header (covered by the CRC) */
    if (*hbytes < KVL_FILE_HEADER_BYTES || (minor == 0u && *hbytes != KVL_FILE_HEADER_BYTES))
        return KVL_ERR_FIELD;
    if (*hbytes > size)
        return KVL_ERR_TRUNCATED;
    kvl_br_seek(&br, ((uint64_t)*hbytes - 4u) * 8u);
    crc = (uint32_t)kvl_br_get(&br, 32);
    if (crc != kvl_crc32c(0, data, *hbytes - 4u))
        return KVL_ERR_CRC;
    if (flags != 0u)
        return KVL_ERR_RESERVED;
    return KVL_OK;
}

/*@ requires r == \null || \valid(r);
    requires size <= 0x1FFFFFFFFFFFFFFF;
    requires data == \null || \valid_read(data + (0 .. size - 1));
    requires r != \null && data != \null ==> \separated(r, data + (0 .. size - 1));
    assigns *r;
    ensures r != \null ==> kvl_reader_ok(r);
    ensures \result == KVL_OK ==> r != \null && r->state == RS_BETWEEN && r->data == data &&
                                   r->size == size;
*/
kvl_status kvl_reader_init(kvl_reader *r, const uint8_t *data, size_t size)
{
    uint32_t hbytes = 0;
    kvl_status st;
    if (!r)
        return KVL_ERR_ARG;
    *r = reader_zero;
    r->state = RS_FAILED;
    if (!data && size)
        return KVL_ERR_ARG;
    r->data = data;
    r->size = size;
    /*@ assert kvl_reader_ok(r); */
    st = parse_file_header(data, size, &hbytes);
    if (st != KVL_OK)
        return st;
    r->pos = hbytes;
    r->state = RS_BETWEEN;
    return KVL_OK;
}

/*@ requires \valid(r) && st != KVL_OK;
    assigns r->state;
    ensures r->state == RS_FAILED && \result == st;
*/
static kvl_status fail(kvl_reader *r, kvl_status st)
{
    r->state = RS_FAILED;
    return st;
}

/* *dst = *src. Its own function, whose contract states only the write: the
 * provers then see the copy as a write of unknown values, not as an equation
 * between two structs, which made the reader's goals time out (a tensor
 * description's values are not part of the proved properties). */
/*@ requires \valid(dst) && \valid_read(src) && \separated(dst, src);
    assigns *dst;
*/
static void tensor_copy(kvl_tensor_desc *dst, const kvl_tensor_desc *src)
{
    *dst = *src;
}

/* §4.3 tensor header body */
/*@ requires \valid_read(r) && \valid(ev) && \separated(r, ev);
    requires \valid_read(body + (0 .. len - 1));
    requires \separated(ev, body + (0 .. len - 1));
    assigns ev->tensor;
*/
static kvl_status parse_tensor(kvl_reader *r, const uint8_t *body, uint32_t len, kvl_event *ev)
{
    kvl_bitreader br;
    uint32_t index, name_len;
    int32_t layer, head;
    kvl_tensor_desc *t = &ev->tensor;
    if (len < KVL_TENSOR_HEADER_BYTES)
        return KVL_ERR_FIELD;
    kvl_br_init(&br, body, len);
    index = (uint32_t)kvl_br_get(&br, 32);
    t->dim = (uint32_t)kvl_br_get(&br, 32);
    t->chunk_len = (uint32_t)kvl_br_get(&br, 32);
    t->role = (uint8_t)kvl_br_get(&br, 8);
    t->src_dtype = (uint8_t)kvl_br_get(&br, 8);
    name_len = (uint32_t)kvl_br_get(&br, 16);
    layer = (int32_t)(uint32_t)kvl_br_get(&br, 32);
    head = (int32_t)(uint32_t)kvl_br_get(&br, 32);
    if (index != r->n_tensors)
        return KVL_ERR_FIELD;
    if (t->dim == 0u || t->dim > KVL_MAX_DIM || t->chunk_len == 0u ||
        t->chunk_len > KVL_MAX_CHUNK_LEN || t->role > KVL_ROLE_OTHER ||
        t->src_dtype > KVL_DTYPE_BF16 || name_len > KVL_MAX_NAME_LEN || layer < -1 || head < -1)
        return KVL_ERR_FIELD;
    if (len != KVL_TENSOR_HEADER_BYTES + name_len)
        return KVL_ERR_FIELD;
    t->layer = layer;
    t->head = head;
    t->name_len = (uint16_t)name_len;
    t->name = name_len ? (const char *)(body + KVL_TENSOR_HEADER_BYTES) : 0;
    return KVL_OK;
}

/* §4.3 TENS section (body[0 .. len-1]): a tensor begins; only between
 * tensors. */
/*@ requires \valid(r) && (r->state == RS_BETWEEN || r->state == RS_IN_TENSOR);
    requires \valid(ev) && \separated(r, ev);
    requires \valid_read(body + (0 .. len - 1));
    requires \separated(ev, body + (0 .. len - 1));
    assigns r->cur, r->tensor_index, r->chunk_index, r->vectors_in_tensor,
            r->last_chunk_partial, r->state, ev->tensor, ev->kind, ev->tensor_index;
    ensures r->data == \old(r->data) && r->size == \old(r->size) && r->pos == \old(r->pos);
    ensures r->state == RS_BETWEEN || r->state == RS_IN_TENSOR || r->state == RS_DONE;
    ensures \result == KVL_OK ==> ev->kind == KVL_EVENT_TENSOR;
*/
static kvl_status section_tens(kvl_reader *r, const uint8_t *body, uint32_t len, kvl_event *ev)
{
    kvl_status st;
    if (r->state != RS_BETWEEN)
        return KVL_ERR_FIELD;
    st = parse_tensor(r, body, len, ev);
    if (st != KVL_OK)
        return st;
    tensor_copy(&r->cur, &ev->tensor);
    r->tensor_index = r->n_tensors;
    r->chunk_index = 0;
    r->vectors_in_tensor = 0;
    r->last_chunk_partial = 0;
    r->state = RS_IN_TENSOR;
    ev->kind = KVL_EVENT_TENSOR;
    ev->tensor_index = r->tensor_index;
    return KVL_OK;
}

/*@ // A parsed chunk section that is readable gives a view the decoders can
    // read: the mean, basis and records lie inside the section (section_chnk).
    lemma kvl_view_in_ok{L}: \forall kvl_chunk_view *v, uint8_t *sec, integer len;
      \valid_read(sec + (0 .. len - 1)) && kvl_chunk_view_in(v, sec, len) ==>
      kvl_chunk_view_ok(v);
*/

/* §4.3, §5.1 CHNK section (sec[0 .. len-1]: the whole section, framing
 * included): the next chunk of the current tensor. Every chunk but the last
 * holds chunk_len vectors. */
/*@ requires \valid(r) && (r->state == RS_BETWEEN || r->state == RS_IN_TENSOR);
    requires \valid(ev) && \separated(r, ev);
    requires len <= 0x1FFFFFFFFFFFFFFF && \valid_read(sec + (0 .. len - 1));
    requires \separated(ev, sec + (0 .. len - 1));
    requires ev->kind == 0;
    assigns r->last_chunk_partial, r->vectors_in_tensor, r->chunk_index,
            ev->chunk, ev->kind, ev->tensor_index, ev->tensor, ev->first_vector;
    ensures r->data == \old(r->data) && r->size == \old(r->size) && r->pos == \old(r->pos);
    ensures r->state == RS_BETWEEN || r->state == RS_IN_TENSOR || r->state == RS_DONE;
    // the event is a chunk (ev->kind set) only on success
    ensures ev->kind == 0 || ev->kind == KVL_EVENT_CHUNK;
    ensures ev->kind == KVL_EVENT_CHUNK <==> \result == KVL_OK;
    ensures \result == KVL_OK ==> kvl_chunk_view_in(&ev->chunk, sec, len);
    ensures \result == KVL_OK ==> kvl_chunk_view_ok(&ev->chunk);
*/
static kvl_status section_chnk(kvl_reader *r, const uint8_t *sec, size_t len, kvl_event *ev)
{
    kvl_status st;
    uint32_t index = r->chunk_index; /* the index this chunk must carry */
    if (r->state != RS_IN_TENSOR || r->last_chunk_partial)
        return KVL_ERR_FIELD; /* only the last chunk may be partial */
    /* What does not depend on the chunk is stored before the parse, so that no
     * 32-bit store follows it: after one, the provers must re-derive the
     * view's nonlinear byte counts (kvl_chunk_view_in) and time out. On an
     * error the caller fails the reader (errors are final), so the advanced
     * chunk counter is never used then. */
    tensor_copy(&ev->tensor, &r->cur);
    ev->tensor_index = r->tensor_index;
    ev->first_vector = r->vectors_in_tensor;
    r->chunk_index = index + 1u;
    st = kvl_chunk_parse(sec, len, r->cur.dim, &ev->chunk);
    if (st != KVL_OK)
        return st;
    /*@ assert view_ok: kvl_chunk_view_ok(&ev->chunk); */ // lemma kvl_view_in_ok
    if (ev->chunk.chunk_index != index || ev->chunk.n_vectors > r->cur.chunk_len)
        return KVL_ERR_FIELD;
    r->last_chunk_partial = ev->chunk.n_vectors < r->cur.chunk_len;
    r->vectors_in_tensor += ev->chunk.n_vectors;
    ev->kind = KVL_EVENT_CHUNK;
    return KVL_OK;
}

/* §4.4 TEND section (body[0 .. len-1]): the current tensor ends; its index,
 * chunk and vector counts must match what was read. */
/*@ requires \valid(r) && (r->state == RS_BETWEEN || r->state == RS_IN_TENSOR);
    requires \valid(ev) && \separated(r, ev);
    requires \valid_read(body + (0 .. len - 1));
    assigns r->n_tensors, r->state,
            ev->kind, ev->tensor_index, ev->tensor, ev->n_vectors, ev->n_chunks;
    ensures r->data == \old(r->data) && r->size == \old(r->size) && r->pos == \old(r->pos);
    ensures r->state == RS_BETWEEN || r->state == RS_IN_TENSOR || r->state == RS_DONE;
    ensures \result == KVL_OK ==> ev->kind == KVL_EVENT_TENSOR_END;
*/
static kvl_status section_tend(kvl_reader *r, const uint8_t *body, uint32_t len, kvl_event *ev)
{
    kvl_bitreader br;
    uint32_t index, n_chunks;
    uint64_t n_vectors;
    if (r->state != RS_IN_TENSOR)
        return KVL_ERR_FIELD;
    if (len != KVL_TEND_BYTES)
        return KVL_ERR_FIELD;
    kvl_br_init(&br, body, len);
    index = (uint32_t)kvl_br_get(&br, 32);
    n_chunks = (uint32_t)kvl_br_get(&br, 32);
    n_vectors = kvl_br_get(&br, 64);
    if (index != r->tensor_index || n_chunks != r->chunk_index ||
        n_vectors != r->vectors_in_tensor)
        return KVL_ERR_FIELD;
    r->n_tensors++;
    r->state = RS_BETWEEN;
    tensor_copy(&ev->tensor, &r->cur);
    ev->tensor_index = index;
    ev->n_vectors = n_vectors;
    ev->n_chunks = n_chunks;
    ev->kind = KVL_EVENT_TENSOR_END;
    return KVL_OK;
}

/* §4.5 FEND section (body[0 .. len-1], the section starting at r->pos): the
 * stream ends, between tensors, with the tensor count, and nothing after it. */
/*@ requires \valid(r) && (r->state == RS_BETWEEN || r->state == RS_IN_TENSOR);
    requires \valid(ev) && \separated(r, ev);
    requires \valid_read(body + (0 .. len - 1));
    assigns r->state, ev->kind, ev->n_tensors;
    ensures r->data == \old(r->data) && r->size == \old(r->size) && r->pos == \old(r->pos);
    ensures r->state == RS_BETWEEN || r->state == RS_IN_TENSOR || r->state == RS_DONE;
    ensures \result == KVL_OK ==> ev->kind == KVL_EVENT_END;
*/
static kvl_status section_fend(kvl_reader *r, const uint8_t *body, uint32_t len, kvl_event *ev)
{
    kvl_bitreader br;
    uint32_t n_tensors;
    if (r->state != RS_BETWEEN || len != KVL_FEND_BYTES)
        return KVL_ERR_FIELD;
    kvl_br_init(&br, body, len);
    n_tensors = (uint32_t)kvl_br_get(&br, 32);
    if (n_tensors != r->n_tensors)
        return KVL_ERR_FIELD;
    if (r->pos + (size_t)len + KVL_SECTION_OVERHEAD != r->size)
        return KVL_ERR_FIELD; /* trailing bytes after FEND */
    r->state = RS_DONE;
    ev->n_tensors = n_tensors;
    ev->kind = KVL_EVENT_END;
    return KVL_OK;
}

/* Clears the event (all members zero). Its own function so that the provers
 * see one write of the whole event, not one per member in every goal. WP 25
 * models the copy of this large struct as a write of unknown values, so the
 * kind, which the proofs of the reader need, is also stored explicitly. */
/*@ requires \valid(ev);
    assigns *ev;
    ensures ev->kind == 0;
*/
static void event_clear(kvl_event *ev)
{
    *ev = event_zero;
    ev->kind = 0;
}

/* §4.3-§4.5: a known section (type TENS, CHNK, TEND or FEND, already
 * framed and CRC-checked by kvl_section_parse) at r->pos, body_len bytes of
 * body: checks it against the reader's state and makes the event; on OK the
 * cursor moves past it, on an error the reader fails. */
/*@ requires kvl_reader_ok(r) && (r->state == RS_BETWEEN || r->state == RS_IN_TENSOR);
    requires \valid(ev) && \separated(r, ev) && \separated(ev, r->data + (0 .. r->size - 1));
    requires body_len + KVL_SECTION_OVERHEAD <= r->size - r->pos;
    requires ev->kind == 0;
    assigns r->pos, r->state, r->cur, r->tensor_index, r->chunk_index, r->vectors_in_tensor,
            r->last_chunk_partial, r->n_tensors,
            ev->kind, ev->tensor_index, ev->tensor, ev->chunk, ev->first_vector,
            ev->n_vectors, ev->n_chunks, ev->n_tensors;
    ensures r->data == \old(r->data) && r->size == \old(r->size);
    ensures kvl_reader_ok(r);
    ensures \result != KVL_OK ==> r->state == RS_FAILED;
    ensures \result == KVL_OK ==> r->state != RS_FAILED;
    ensures \result == KVL_OK ==> r->pos == \old(r->pos) + body_len + KVL_SECTION_OVERHEAD;
    ensures \result == KVL_OK && ev->kind == KVL_EVENT_CHUNK ==>
              kvl_chunk_view_ok(&ev->chunk) &&
              kvl_chunk_view_in(&ev->chunk, r->data + \old(r->pos), r->size - \old(r->pos));
*/
static kvl_status known_section(kvl_reader *r, uint32_t type, uint32_t body_len, kvl_event *ev)
{
    const uint8_t *sec = r->data + r->pos;
    const uint8_t *body = sec + 12; /* the whole section is present (caller) */
    kvl_status st;
    if (type == KVL_TAG_TENS)
        st = section_tens(r, body, body_len, ev);
    else if (type == KVL_TAG_CHNK)
        st = section_chnk(r, sec, r->size - r->pos, ev);
    else if (type == KVL_TAG_TEND)
        st = section_tend(r, body, body_len, ev);
    else
        st = section_fend(r, body, body_len, ev);
    /*@ assert kept: r->data == \at(r->data, Pre) && r->size == \at(r->size, Pre) &&
                     r->pos == \at(r->pos, Pre); */
    if (st != KVL_OK)
        return fail(r, st);
    r->pos += (size_t)body_len + KVL_SECTION_OVERHEAD;
    return KVL_OK;
}

/*@ requires r == \null || kvl_reader_ok(r);
    requires ev == \null || \valid(ev);
    requires r != \null && ev != \null ==> \separated(r, ev);
    requires r != \null && ev != \null &&
             (r->state == RS_BETWEEN || r->state == RS_IN_TENSOR || r->state == RS_DONE) ==>
               \separated(ev, r->data + (0 .. r->size - 1));
    assigns *r, *ev;
    ensures r != \null ==> kvl_reader_ok(r);
    ensures r != \null ==> r->data == \old(r->data) && r->size == \old(r->size);
    ensures r != \null && \old(r->state) == RS_FAILED ==> r->state == RS_FAILED;
    ensures \result == KVL_OK ==> r != \null && ev != \null && r->state != RS_FAILED;
    // a chunk event's view lies in the bytes read by this call (data[old pos .. pos-1])
    ensures \result == KVL_OK && ev->kind == KVL_EVENT_CHUNK ==>
              kvl_chunk_view_ok(&ev->chunk) &&
              \exists integer p; \old(r->pos) <= p <= r->pos &&
                kvl_chunk_view_in(&ev->chunk, r->data + p, r->size - p);
*/
kvl_status kvl_reader_next(kvl_reader *r, kvl_event *ev)
{
    uint32_t skipped = 0;
    if (!r || !ev)
        return KVL_ERR_ARG;
    event_clear(ev);
    if (r->state == RS_FAILED || r->state == RS_NEED_HEADER)
        return KVL_ERR_STATE;
    if (r->state == RS_DONE) {
        ev->kind = KVL_EVENT_END;
        ev->n_tensors = r->n_tensors;
        return KVL_OK;
    }
    /*@ loop invariant kvl_reader_ok(r) && r->data == \at(r->data, Pre) &&
                       r->size == \at(r->size, Pre) && r->state == \at(r->state, Pre) &&
                       (r->state == RS_BETWEEN || r->state == RS_IN_TENSOR);
        loop invariant \at(r->pos, Pre) <= r->pos;
        loop invariant ev->kind == 0;
        loop assigns r->pos, skipped, ev->skipped_sections;
    */
    for (;;) {
        size_t avail = r->size - r->pos;
        uint32_t type = 0, flags = 0, body_len = 0; /* set by kvl_section_parse */
        int st;
        if (avail == 0u)
            return fail(r, KVL_ERR_TRUNCATED); /* no FEND */
        st = kvl_section_parse(r->data + r->pos, avail, &type, &flags, &body_len);
        if (st != KVL_OK)
            return fail(r, (kvl_status)st);
        ev->skipped_sections = skipped;
        if (type != KVL_TAG_TENS && type != KVL_TAG_CHNK && type != KVL_TAG_TEND &&
            type != KVL_TAG_FEND) {
            if (!(flags & KVL_SECTION_FLAG_ANCILLARY))
                return fail(r, KVL_ERR_UNSUPPORTED); /* unknown critical section */
            r->pos += (size_t)body_len + KVL_SECTION_OVERHEAD;
            skipped++;
            continue;
        }
        if (flags != 0u)
            return fail(r, KVL_ERR_FIELD); /* known sections are never ancillary */
        return known_section(r, type, body_len, ev);
    }
}

/*@ requires size <= 0x1FFFFFFFFFFFFFFF;
    requires data == \null || \valid_read(data + (0 .. size - 1));
    requires summary == \null || \valid(summary);
    requires summary != \null && data != \null ==> \separated(summary, data + (0 .. size - 1));
    assigns *summary;
*/
kvl_status kvl_verify(const uint8_t *data, size_t size, kvl_stream_summary *summary)
{
    kvl_reader r;
    kvl_event ev;
    kvl_stream_summary sum;
    kvl_status st;
    sum = summary_zero;
    st = kvl_reader_init(&r, data, size);
    /*@ loop invariant st == KVL_OK ==> kvl_reader_ok(&r) && r.data == data && r.size == size;
        loop invariant kvl_reader_ok(&r) || st != KVL_OK;
        loop assigns st, r, ev, sum;
    */
    while (st == KVL_OK) {
        st = kvl_reader_next(&r, &ev);
        if (st != KVL_OK)
            break;
        if (ev.kind == KVL_EVENT_CHUNK) {
            st = kvl_chunk_validate(&ev.chunk);
            sum.n_chunks++;
            sum.n_vectors += ev.chunk.n_vectors;
            sum.payload_bytes += (uint64_t)ev.chunk.n_vectors * ev.chunk.record_bytes;
        } else if (ev.kind == KVL_EVENT_END) {
            sum.n_tensors = ev.n_tensors;
            sum.total_bytes = size;
            break;
        }
    }
    if (summary)
        *summary = sum;
    return st;
}
