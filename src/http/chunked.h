/* Incremental reader of chunked bodies (RFC 9112 7.1), for bodies that
 * arrive in pieces and may be far larger than any buffer: request bodies
 * streamed past the inspection limit, and upstream responses. The same
 * strict grammar as the whole-message parser: at most 16 hex digits, no
 * whitespace after the size unless an extension follows, extensions by the
 * grammar, CRLF after each chunk's data, trailers checked like headers and
 * dropped; bare LF or CR is an error. */
#ifndef SK_HTTP_CHUNKED_H
#define SK_HTTP_CHUNKED_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "base/str.h"

#define SK_CHUNK_LINE_MAX 4096 /* a chunk-size line, or one trailer line */

typedef struct sk_chunked {
	int state;
	uint64_t left;     /* data bytes left in the current chunk */
	uint64_t total;    /* data bytes so far */
	uint64_t max_body; /* most data bytes allowed */
	uint64_t framing;  /* size lines, extensions and CRLFs so far */
	size_t trailer_bytes, trailers;
	size_t line_n; /* bytes of the current line held in line[] */
	uint8_t line[SK_CHUNK_LINE_MAX + 2];
} sk_chunked;

void sk_chunked_init(sk_chunked *c, uint64_t max_body);

/* Reads from in[0..n). Returns SK_OK having consumed *used bytes; *data is
 * the chunk data found among them (a slice of in, possibly empty). Call
 * again with the rest while *used < n. sk_chunked_done() tells when the
 * message ended (at in + *used). Errors: SK_E_INVALID or SK_E_LIMIT, with
 * err saying where; the stream cannot be read further. */
SK_MUST_CHECK sk_status sk_chunked_feed(sk_chunked *c, const uint8_t *in, size_t n, size_t *used,
                                        sk_str *data, sk_error *err);

bool sk_chunked_done(const sk_chunked *c);

#endif
