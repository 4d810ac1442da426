/* Compressed request bodies (Content-Encoding: gzip, deflate), inflated
 * for inspection only: the upstream still gets the bytes the client sent,
 * and decodes them as it would without the gateway. */
#ifndef SK_GATEWAY_ENCODING_H
#define SK_GATEWAY_ENCODING_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/str.h"

typedef enum gw_coding {
	GW_CODING_NONE,
	GW_CODING_GZIP,
	GW_CODING_DEFLATE,
	GW_CODING_OTHER
} gw_coding;

/* The coding a Content-Encoding value names; OTHER for anything else
 * (several codings, br, zstd...). */
gw_coding gw_coding_parse(sk_str value);

/* The most bytes gw_inflate may hold for an input of n bytes. */
size_t gw_inflate_bound(size_t n, size_t cap, unsigned max_ratio);

/* Inflates in into arena memory, at most cap bytes; *truncated tells that
 * more would have come. A body that expands more than max_ratio times is
 * refused (SK_E_LIMIT: a decompression bomb), and so is one that is not
 * valid (SK_E_INVALID). */
SK_MUST_CHECK sk_status gw_inflate(gw_coding coding, sk_str in, size_t cap, unsigned max_ratio,
                                   sk_arena *a, sk_str *out, bool *truncated, sk_error *err);

#endif
