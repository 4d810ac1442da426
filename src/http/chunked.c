/* Incremental chunked-body reader: a small state machine; a line (chunk
 * size or trailer) is gathered in c->line since it may span reads, data is
 * handed back as slices of the input without copying. */
#include "http/chunked.h"

#include <stddef.h>
#include <string.h>

#include "http/internal.h"

enum { ST_SIZE, ST_DATA, ST_DATA_CR, ST_DATA_LF, ST_TRAILER, ST_DONE };

/* Framing may not outgrow the data by more than this: no gigabytes of
 * one-byte chunks or of extensions. */
#define FRAMING_SLACK      ((uint64_t)64 << 10)
#define TRAILER_MAX_BYTES  ((size_t)64 << 10)
#define TRAILER_MAX_FIELDS 256

void sk_chunked_init(sk_chunked *c, uint64_t max_body)
{
	memset(c, 0, offsetof(sk_chunked, line));
	c->state = ST_SIZE;
	c->max_body = max_body;
}

bool sk_chunked_done(const sk_chunked *c)
{
	return c->state == ST_DONE;
}

static sk_status size_line(sk_chunked *c, const uint8_t *l, size_t n, sk_error *err)
{
	size_t i = 0;
	uint64_t size = 0;
	int d;
	while (i < n && (d = sk_hex_digit(l[i])) >= 0) {
		if (i == 16)
			return sk_fail(err, SK_E_INVALID,
			               "chunked body: chunk size has more than 16 hex digits");
		size = size << 4 | (uint64_t)d;
		i++;
	}
	if (i == 0)
		return sk_fail(err, SK_E_INVALID, "chunked body: chunk size is not a hex number");
	if (!sk_http_chunk_ext_ok(l + i, n - i))
		return sk_fail(err, SK_E_INVALID,
		               "chunked body: malformed chunk extension or junk after the chunk "
		               "size");
	if (size > c->max_body - c->total)
		return sk_fail(err, SK_E_LIMIT, "chunked body: body larger than %llu bytes",
		               (unsigned long long)c->max_body);
	c->left = size;
	c->state = size ? ST_DATA : ST_TRAILER;
	return SK_OK;
}

static sk_status trailer_line(sk_chunked *c, const uint8_t *l, size_t n, sk_error *err)
{
	if (n == 0) {
		c->state = ST_DONE;
		return SK_OK;
	}
	c->trailer_bytes += n + 2;
	if (++c->trailers > TRAILER_MAX_FIELDS || c->trailer_bytes > TRAILER_MAX_BYTES)
		return sk_fail(err, SK_E_LIMIT, "chunked body: trailer section too large");
	sk_str name, value;
	sk_status st = sk_http_parse_field(l, n, c->trailers, "trailer", &name, &value, err);
	if (st)
		sk_error_prefix(err, "chunked body: trailer section");
	return st;
}

/* Gathers a line into c->line; SK_OK with *complete when its LF came. */
static sk_status gather_line(sk_chunked *c, const uint8_t *in, size_t n, size_t *used,
                             bool *complete, sk_error *err)
{
	const uint8_t *lf = memchr(in, '\n', n);
	size_t take = lf ? (size_t)(lf - in) + 1 : n;
	if (c->line_n + take > sizeof c->line)
		return sk_fail(err, SK_E_LIMIT, "chunked body: %s line longer than %d bytes",
		               c->state == ST_SIZE ? "chunk size" : "trailer", SK_CHUNK_LINE_MAX);
	memcpy(c->line + c->line_n, in, take);
	c->line_n += take;
	*used = take;
	*complete = lf != NULL;
	return SK_OK;
}

sk_status sk_chunked_feed(sk_chunked *c, const uint8_t *in, size_t n, size_t *used, sk_str *data,
                          sk_error *err)
{
	size_t pos = 0;
	*data = sk_str_make(in, 0);
	sk_status st = SK_OK;
	while (pos < n && c->state != ST_DONE) {
		switch (c->state) {
		case ST_SIZE:
		case ST_TRAILER: {
			size_t took = 0;
			bool complete = false;
			if ((st = gather_line(c, in + pos, n - pos, &took, &complete, err)))
				return st;
			pos += took;
			c->framing += took;
			if (!complete)
				break;
			size_t ln = c->line_n - 1; /* without the LF */
			c->line_n = 0;
			if (ln == 0 || c->line[ln - 1] != '\r')
				return sk_fail(
				    err, SK_E_INVALID,
				    "chunked body: line ends with a bare LF (CRLF expected)");
			ln--;
			if (memchr(c->line, '\r', ln))
				return sk_fail(err, SK_E_INVALID,
				               "chunked body: bare CR (not followed by LF)");
			st = c->state == ST_SIZE ? size_line(c, c->line, ln, err)
			                         : trailer_line(c, c->line, ln, err);
			if (st)
				return st;
			if (c->framing > c->total + FRAMING_SLACK)
				return sk_fail(err, SK_E_LIMIT,
				               "chunked body: %llu bytes of chunk framing for %llu "
				               "bytes of data",
				               (unsigned long long)c->framing,
				               (unsigned long long)c->total);
			break;
		}
		case ST_DATA: {
			/* Hand back one slice; the caller comes again for the rest. */
			size_t take = n - pos < c->left ? n - pos : (size_t)c->left;
			*data = sk_str_make(in + pos, take);
			pos += take;
			c->left -= take;
			c->total += take;
			if (c->left == 0)
				c->state = ST_DATA_CR;
			*used = pos;
			return SK_OK;
		}
		case ST_DATA_CR:
			if (in[pos] != '\r')
				goto no_crlf;
			pos++;
			c->framing++;
			c->state = ST_DATA_LF;
			break;
		case ST_DATA_LF:
			if (in[pos] != '\n')
				goto no_crlf;
			pos++;
			c->framing++;
			c->state = ST_SIZE;
			break;
		}
	}
	*used = pos;
	return SK_OK;
no_crlf:
	return sk_fail(err, SK_E_INVALID,
	               "chunked body: chunk data not followed by CRLF (wrong chunk size?)");
}
