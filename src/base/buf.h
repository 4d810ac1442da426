/* Growable byte buffer with a named cap: every buffer that grows with input
 * says how far it may grow (SK_CAP_*), and appending past it fails with
 * SK_E_LIMIT instead of eating memory. Heap-backed, for data that outlives a
 * request (output lines, file contents). */
#ifndef SK_BASE_BUF_H
#define SK_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/str.h"

/* Named caps. */
#define SK_CAP_CONFIG_FILE  ((size_t)64 << 20)  /* ACL, rule group, IP set JSON */
#define SK_CAP_REQUEST_FILE ((size_t)256 << 20) /* a raw request file for check */
#define SK_CAP_JSONL_LINE   ((size_t)256 << 20) /* one request line in --jsonl */
#define SK_CAP_LOG_RECORD   ((size_t)16 << 20)  /* one output log record */

typedef struct sk_buf {
	uint8_t *p;
	size_t n, cap, max;
} sk_buf;

void sk_buf_init(sk_buf *b, size_t max);
void sk_buf_free(sk_buf *b);
void sk_buf_clear(sk_buf *b);
SK_MUST_CHECK sk_status sk_buf_reserve(sk_buf *b, size_t extra);
SK_MUST_CHECK sk_status sk_buf_append(sk_buf *b, const void *p, size_t n);
SK_MUST_CHECK sk_status sk_buf_putc(sk_buf *b, uint8_t c);
SK_MUST_CHECK sk_status sk_buf_puts(sk_buf *b, const char *s);
SK_MUST_CHECK sk_status sk_buf_printf(sk_buf *b, const char *fmt, ...) SK_PRINTF(2, 3);
/* The n strings one after the other: one reservation, no format to parse
 * (for the lines the gateway writes on every request). */
SK_MUST_CHECK sk_status sk_buf_put_strs(sk_buf *b, const sk_str *s, size_t n);

/* v in base 10 or 16 (lower-case digits) into out, NUL-terminated; returns
 * the digits written. out holds at least SK_U64_TEXT bytes. */
#define SK_U64_TEXT 24
size_t sk_u64_text(uint64_t v, unsigned base, char *out);
static inline sk_str sk_buf_str(const sk_buf *b)
{
	return sk_str_make(b->p, b->n);
}

/* Reads a whole file into b (NUL-terminated, the NUL not counted). */
SK_MUST_CHECK sk_status sk_buf_read_file(sk_buf *b, const char *path, sk_error *err);

#endif
