/* status.c -- names and messages of kvl_status codes (spec §9 "Errors"). */
#include "kvl_internal.h"

typedef struct status_text {
    const char *name;
    const char *message;
} status_text;

static const status_text kStatusText[] = {
    {"KVL_OK", "success"},
    {"KVL_ERR_TRUNCATED", "stream truncated: a declared field or section runs past the end"},
    {"KVL_ERR_MAGIC", "bad magic: not a kvlattice stream"},
    {"KVL_ERR_VERSION", "unsupported major format version"},
    {"KVL_ERR_RESERVED", "a reserved bit, field or padding is not zero"},
    {"KVL_ERR_FIELD", "a field value is out of range or inconsistent"},
    {"KVL_ERR_INDEX", "a lattice block index is >= the codebook count"},
    {"KVL_ERR_CRC", "CRC-32C mismatch"},
    {"KVL_ERR_OVERFLOW", "a size computation overflows"},
    {"KVL_ERR_UNSUPPORTED", "legal stream feature not supported by this implementation"},
    {"KVL_ERR_NONFINITE", "input contains NaN or Inf"},
    {"KVL_ERR_RANGE", "a value is not representable in the target format"},
    {"KVL_ERR_ARG", "invalid argument or encoder parameter"},
    {"KVL_ERR_BUFFER", "buffer or workspace too small"},
    {"KVL_ERR_STATE", "API call out of order"},
    {"KVL_ERR_IO", "output sink failed"},
};

const char *kvl_status_name(int status)
{
    if (status < 0 || (size_t)status >= sizeof kStatusText / sizeof kStatusText[0])
        return "KVL_ERR_UNKNOWN";
    return kStatusText[status].name;
}

const char *kvl_status_message(int status)
{
    if (status < 0 || (size_t)status >= sizeof kStatusText / sizeof kStatusText[0])
        return "unknown status code";
    return kStatusText[status].message;
}
