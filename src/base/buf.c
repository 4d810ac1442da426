#include "base/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sk_buf_init(sk_buf *b, size_t max)
{
	b->p = NULL;
	b->n = b->cap = 0;
	b->max = max;
}

void sk_buf_free(sk_buf *b)
{
	free(b->p);
	sk_buf_init(b, b->max);
}

void sk_buf_clear(sk_buf *b)
{
	b->n = 0;
}

sk_status sk_buf_reserve(sk_buf *b, size_t extra)
{
	/* One spare byte is kept so the contents can always be NUL-terminated. */
	if (extra > b->max || b->n > b->max - extra)
		return SK_E_LIMIT;
	size_t need = b->n + extra + 1;
	if (need <= b->cap)
		return SK_OK;
	size_t nc = b->cap ? b->cap : 256;
	while (nc < need)
		nc *= 2;
	uint8_t *np = realloc(b->p, nc);
	if (!np)
		return SK_E_NOMEM;
	b->p = np;
	b->cap = nc;
	return SK_OK;
}

sk_status sk_buf_append(sk_buf *b, const void *p, size_t n)
{
	sk_status st = sk_buf_reserve(b, n);
	if (st)
		return st;
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = 0;
	return SK_OK;
}

sk_status sk_buf_putc(sk_buf *b, uint8_t c)
{
	return sk_buf_append(b, &c, 1);
}

sk_status sk_buf_puts(sk_buf *b, const char *s)
{
	return sk_buf_append(b, s, strlen(s));
}

sk_status sk_buf_printf(sk_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return SK_E_INVALID;
	sk_status st = sk_buf_reserve(b, (size_t)n);
	if (st)
		return st;
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
	return SK_OK;
}

sk_status sk_buf_read_file(sk_buf *b, const char *path, sk_error *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return sk_fail(err, SK_E_IO, "%s: cannot open: %s", path, strerror(errno));
	sk_status st = SK_OK;
	for (;;) {
		size_t room = b->max - b->n;
		if (room == 0) {
			/* At the cap: fine only if the file ends here. */
			if (fgetc(f) != EOF)
				st =
				    sk_fail(err, SK_E_LIMIT,
				            "%s: larger than the limit of %zu bytes", path, b->max);
			break;
		}
		if ((st = sk_buf_reserve(b, room < 65536 ? room : 65536)) != SK_OK) {
			sk_fail(err, st, "%s: out of memory", path);
			break;
		}
		size_t want = b->cap - b->n - 1;
		if (want > room)
			want = room;
		size_t got = fread(b->p + b->n, 1, want, f);
		b->n += got;
		if (got == 0) {
			if (ferror(f))
				st = sk_fail(err, SK_E_IO, "%s: read error: %s", path,
				             strerror(errno));
			break;
		}
	}
	if (b->p)
		b->p[b->n] = 0;
	if (f != stdin)
		fclose(f);
	return st;
}

sk_status sk_buf_put_strs(sk_buf *b, const sk_str *s, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i].n > b->max - total)
			return SK_E_LIMIT;
		total += s[i].n;
	}
	sk_status st = sk_buf_reserve(b, total);
	if (st)
		return st;
	for (size_t i = 0; i < n; i++) {
		if (s[i].n)
			memcpy(b->p + b->n, s[i].p, s[i].n);
		b->n += s[i].n;
	}
	b->p[b->n] = 0;
	return SK_OK;
}

size_t sk_u64_text(uint64_t v, unsigned base, char *out)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[SK_U64_TEXT];
	size_t k = 0;
	if (base != 16)
		base = 10;
	do {
		tmp[k++] = digits[v % base];
		v /= base;
	} while (v);
	for (size_t i = 0; i < k; i++)
		out[i] = tmp[k - 1 - i];
	out[k] = 0;
	return k;
}
