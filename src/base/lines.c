#include "base/lines.h"

#include <string.h>

void sk_lines_init(sk_lines *r, FILE *f, size_t max_line)
{
	memset(r, 0, offsetof(sk_lines, chunk));
	r->f = f;
	r->pos = r->len = 0;
	r->eof = false;
	r->lineno = 0;
	sk_buf_init(&r->line, max_line);
}

void sk_lines_free(sk_lines *r)
{
	sk_buf_free(&r->line);
}

sk_status sk_lines_next(sk_lines *r, sk_str *out)
{
	sk_buf_clear(&r->line);
	bool too_long = false, any = false;
	for (;;) {
		if (r->pos == r->len) {
			if (r->eof)
				break;
			r->len = fread(r->chunk, 1, sizeof r->chunk, r->f);
			r->pos = 0;
			if (r->len == 0) {
				r->eof = true;
				if (ferror(r->f))
					return SK_E_IO;
				break;
			}
		}
		any = true;
		uint8_t *start = r->chunk + r->pos;
		uint8_t *nl = memchr(start, '\n', r->len - r->pos);
		size_t take = nl ? (size_t)(nl - start) : r->len - r->pos;
		if (!too_long && sk_buf_append(&r->line, start, take) != SK_OK)
			too_long = true;
		r->pos += take + (nl ? 1 : 0);
		if (nl)
			break;
	}
	if (!any)
		return SK_AGAIN;
	r->lineno++;
	if (too_long) {
		sk_buf_clear(&r->line);
		return SK_E_LIMIT;
	}
	*out = sk_str_make(r->line.p ? r->line.p : (const uint8_t *)"", r->line.n);
	return SK_OK;
}
