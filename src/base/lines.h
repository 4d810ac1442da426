/* Reads a stream line by line with a cap on line length, in bounded
 * memory: a line over the cap is reported (SK_E_LIMIT) and skipped, and the
 * next call goes on with the line after it. */
#ifndef SK_BASE_LINES_H
#define SK_BASE_LINES_H

#include <stdio.h>

#include "base/buf.h"

typedef struct sk_lines {
	FILE *f;
	sk_buf line;
	uint8_t chunk[65536];
	size_t pos, len;
	bool eof;
	size_t lineno;
} sk_lines;

void sk_lines_init(sk_lines *r, FILE *f, size_t max_line);
void sk_lines_free(sk_lines *r);
/* SK_OK with *out set (no newline, CR kept), SK_AGAIN at end of input,
 * SK_E_LIMIT for an over-long line, SK_E_IO on a read error. */
sk_status sk_lines_next(sk_lines *r, sk_str *out);

#endif
