/* io_parsers -- the file-format parsing of the kvl CLI: the .npy header
 * parser (any bytes), a header written back from what was parsed must parse
 * to the same description, and the CLI's dtype / generator-kind names. */
#include <stdlib.h>
#include <string.h>

#include "cli_io.h"
#include "fuzz_common.h"
#include "gen.h"
#include "npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kvl_npy_info info, again;
    char err[256], *text;
    int kind;
    if (kvl_npy_parse(data, size, &info, err, sizeof err) == 0) {
        uint8_t hdr[512];
        size_t hlen = 0;
        FZ_ASSERT(info.data_offset <= size, "data offset %zu past the end %zu", info.data_offset, size);
        FZ_ASSERT(info.ndim == 1 || info.ndim == 2, "ndim %u", info.ndim);
        /* written back as 2-D (rows, cols); a 1-D (n,) as (n, 1). cols == 0
         * means 1-D to kvl_npy_write_header, so (r, 0) cannot be written back. */
        uint64_t rows = info.shape[0], cols = info.ndim == 2 ? info.shape[1] : 1u;
        if (cols >= 1u && cols <= UINT32_MAX &&
            kvl_npy_write_header(hdr, sizeof hdr, info.dtype, rows, (uint32_t)cols, &hlen, err, sizeof err) == 0) {
            FZ_ASSERT(kvl_npy_parse(hdr, hlen, &again, err, sizeof err) == 0, "own header rejected: %s", err);
            FZ_ASSERT(again.dtype == info.dtype && again.count == info.count, "header round trip");
        }
    } else {
        FZ_ASSERT(memchr(err, '\0', sizeof err) != NULL, "unterminated error message");
    }
    /* the short string parsers, on a NUL-terminated copy */
    text = (char *)malloc(size + 1u);
    FZ_ASSERT(text != NULL, "out of memory");
    memcpy(text, data, size);
    text[size] = '\0';
    (void)cli_parse_dtype(text);
    (void)kvl_gen_parse_kind(text, &kind);
    free(text);
    return 0;
}
