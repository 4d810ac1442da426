/* multipart/form-data (RFC 7578 over RFC 2046). Parts are slices of the body
 * (data) or small arena copies (unescaped parameter values). Anything two
 * parsers could read differently marks the result invalid, so a rule can
 * treat such a body as suspect, while the parts found are still returned
 * for inspection:
 * - no boundary, an invalid or repeated boundary parameter;
 * - no delimiter at all, no closing delimiter (the last part then runs to
 *   the end of the body), junk after a delimiter;
 * - part headers malformed (no colon, folded, whitespace before the colon),
 *   repeated Content-Disposition or Content-Type, no empty line after them;
 * - Content-Disposition missing, not form-data, without name, or with a
 *   repeated parameter;
 * - more than MAX_PARTS parts (the rest is not parsed) or MAX_PART_HEADERS
 *   headers in a part.
 * Bare LF line ends are accepted as CRLF (request files written by hand);
 * the CR or LF before a delimiter belongs to the delimiter. */
#include <string.h>

#include "http/internal.h"

#define MAX_PARTS        1000
#define MAX_PART_HEADERS 64
#define MAX_BOUNDARY     70

static bool is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* A parameter value at s[*i]: a quoted-string (backslash escapes undone,
 * into the arena when there is one) or a run up to ';' or whitespace. */
static sk_status param_value(sk_arena *a, sk_str s, size_t *i, sk_str *out, bool *ok)
{
	size_t j = *i;
	if (j < s.n && s.p[j] == '"') {
		size_t start = ++j, escapes = 0;
		while (j < s.n && s.p[j] != '"') {
			if (s.p[j] == '\\' && j + 1 < s.n) {
				escapes++;
				j++;
			}
			j++;
		}
		if (j >= s.n) {
			*ok = false; /* unterminated quote: take the rest */
			*out = sk_str_make(s.p + start, s.n - start);
			*i = s.n;
			return SK_OK;
		}
		if (escapes == 0) {
			*out = sk_str_make(s.p + start, j - start);
		} else {
			uint8_t *d = sk_arena_alloc(a, j - start);
			if (!d)
				return SK_E_NOMEM;
			size_t k = 0;
			for (size_t m = start; m < j; m++) {
				if (s.p[m] == '\\')
					m++;
				d[k++] = s.p[m];
			}
			*out = sk_str_make(d, k);
		}
		*i = j + 1;
		return SK_OK;
	}
	while (j < s.n && s.p[j] != ';' && !is_ows(s.p[j]))
		j++;
	*out = sk_str_make(s.p + *i, j - *i);
	*i = j;
	return SK_OK;
}

typedef sk_status (*param_fn)(void *ctx, sk_str name, sk_str value);

/* Walks *( OWS ";" OWS name OWS "=" OWS value ) in s from i, calling fn for
 * each parameter; *ok becomes false on anything else. */
static sk_status each_param(sk_arena *a, sk_str s, size_t i, param_fn fn, void *ctx, bool *ok)
{
	for (;;) {
		while (i < s.n && is_ows(s.p[i]))
			i++;
		if (i >= s.n)
			return SK_OK;
		if (s.p[i] != ';') {
			*ok = false;
			return SK_OK;
		}
		i++;
		while (i < s.n && is_ows(s.p[i]))
			i++;
		if (i >= s.n)
			return SK_OK;
		size_t n0 = i;
		while (i < s.n && sk_http_is_tchar(s.p[i]))
			i++;
		sk_str name = sk_str_make(s.p + n0, i - n0);
		while (i < s.n && is_ows(s.p[i]))
			i++;
		if (name.n == 0 || i >= s.n || s.p[i] != '=') {
			*ok = false;
			return SK_OK;
		}
		i++;
		while (i < s.n && is_ows(s.p[i]))
			i++;
		sk_str value;
		sk_status st = param_value(a, s, &i, &value, ok);
		if (st != SK_OK)
			return st;
		if ((st = fn(ctx, name, value)) != SK_OK)
			return st;
	}
}

struct boundary_ctx {
	sk_str boundary;
	bool seen, ok;
};

static sk_status on_ct_param(void *ctx, sk_str name, sk_str value)
{
	struct boundary_ctx *c = ctx;
	if (!sk_str_ieq_cstr(name, "boundary"))
		return SK_OK;
	if (c->seen)
		c->ok = false; /* which one? */
	c->seen = true;
	c->boundary = value;
	return SK_OK;
}

static bool boundary_ok(sk_str b)
{
	if (b.n == 0 || b.n > MAX_BOUNDARY || b.p[b.n - 1] == ' ')
		return false;
	for (size_t i = 0; i < b.n; i++) {
		uint8_t c = b.p[i];
		bool alnum =
		    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (!alnum && (c == 0 || !strchr("'()+_,-./:=? ", c)))
			return false;
	}
	return true;
}

struct disposition {
	sk_arena *a;
	sk_str name, filename, filename_ext;
	bool has_name, has_filename, has_filename_ext, ok;
};

/* RFC 8187 ext-value: charset "'" [language] "'" percent-encoded bytes. The
 * charset is not checked: the bytes are what gets inspected. */
static sk_status decode_ext_value(sk_arena *a, sk_str v, sk_str *out, bool *ok)
{
	const uint8_t *q1 = v.n ? memchr(v.p, '\'', v.n) : NULL;
	const uint8_t *q2 = q1 ? memchr(q1 + 1, '\'', v.n - (size_t)(q1 + 1 - v.p)) : NULL;
	if (!q2) {
		*ok = false;
		*out = v;
		return SK_OK;
	}
	sk_str enc = sk_str_make(q2 + 1, v.n - (size_t)(q2 + 1 - v.p));
	uint8_t *d = sk_arena_alloc(a, enc.n);
	if (!d)
		return SK_E_NOMEM;
	size_t k = 0;
	for (size_t i = 0; i < enc.n; i++) {
		int h, l;
		if (enc.p[i] == '%' && i + 2 < enc.n && (h = sk_hex_digit(enc.p[i + 1])) >= 0 &&
		    (l = sk_hex_digit(enc.p[i + 2])) >= 0) {
			d[k++] = (uint8_t)(h << 4 | l);
			i += 2;
		} else {
			if (enc.p[i] == '%')
				*ok = false;
			d[k++] = enc.p[i];
		}
	}
	*out = sk_str_make(d, k);
	return SK_OK;
}

static sk_status on_cd_param(void *ctx, sk_str name, sk_str value)
{
	struct disposition *d = ctx;
	if (sk_str_ieq_cstr(name, "name")) {
		if (d->has_name)
			d->ok = false;
		d->has_name = true;
		d->name = value;
	} else if (sk_str_ieq_cstr(name, "filename")) {
		if (d->has_filename)
			d->ok = false;
		d->has_filename = true;
		d->filename = value;
	} else if (sk_str_ieq_cstr(name, "filename*")) {
		if (d->has_filename_ext)
			d->ok = false;
		d->has_filename_ext = true;
		return decode_ext_value(d->a, value, &d->filename_ext, &d->ok);
	}
	return SK_OK;
}

static bool has_prefix(sk_str s, const char *pre)
{
	size_t n = strlen(pre);
	return s.n >= n && sk_str_ieq(sk_str_make(s.p, n), sk_str_make(pre, n));
}

static bool has_suffix(sk_str s, const char *suf)
{
	size_t n = strlen(suf);
	return s.n >= n && sk_str_ieq(sk_str_make(s.p + s.n - n, n), sk_str_make(suf, n));
}

static bool textual_type(sk_str ct)
{
	sk_str mt = sk_http_media_type(ct);
	return has_prefix(mt, "text/") || sk_str_ieq_cstr(mt, "application/json") ||
	       sk_str_ieq_cstr(mt, "application/xml") ||
	       sk_str_ieq_cstr(mt, "application/x-www-form-urlencoded") ||
	       has_suffix(mt, "+json") || has_suffix(mt, "+xml");
}

/* The headers of one part, s being the bytes from the part's start to the
 * CR/LF before the next delimiter. Fills p (headers, name, filename,
 * content type, data). */
static sk_status parse_part(sk_arena *a, sk_str s, sk_part *p, bool *ok)
{
	sk_header hs[MAX_PART_HEADERS];
	size_t nh = 0, i = 0;
	bool blank = false, have_cd = false, have_ct = false;
	sk_str cd = SK_STR_NULL;
	while (i < s.n) {
		const uint8_t *lf = memchr(s.p + i, '\n', s.n - i);
		size_t e = lf ? (size_t)(lf - s.p) : s.n, next = lf ? e + 1 : s.n;
		if (e > i && s.p[e - 1] == '\r')
			e--;
		sk_str line = sk_str_make(s.p + i, e - i);
		i = next;
		if (!lf) { /* the header section does not end before the delimiter */
			*ok = false;
			break;
		}
		if (line.n == 0) {
			blank = true;
			break;
		}
		size_t k = 0;
		while (k < line.n && sk_http_is_tchar(line.p[k]))
			k++;
		if (k == 0 || k == line.n || line.p[k] != ':') {
			*ok = false; /* folded, no colon, whitespace before it */
			continue;
		}
		if (nh == MAX_PART_HEADERS) {
			*ok = false;
			continue;
		}
		sk_header h = {sk_str_make(line.p, k),
		               sk_str_trim(sk_str_make(line.p + k + 1, line.n - k - 1))};
		hs[nh++] = h;
		if (sk_str_ieq_cstr(h.name, "content-disposition")) {
			if (have_cd)
				*ok = false;
			have_cd = true;
			cd = h.value;
		} else if (sk_str_ieq_cstr(h.name, "content-type")) {
			if (have_ct)
				*ok = false;
			have_ct = true;
			p->content_type = h.value;
		}
	}
	/* Without the empty line, nothing tells headers from data: the whole
	 * part is data, so nothing escapes inspection. */
	if (!blank)
		*ok = false;
	p->data = blank ? sk_str_make(s.p + i, s.n - i) : s;
	if (nh) {
		p->headers = sk_arena_alloc(a, nh * sizeof *p->headers);
		if (!p->headers)
			return SK_E_NOMEM;
		memcpy(p->headers, hs, nh * sizeof *hs);
		p->nheaders = nh;
	}
	if (!have_cd) {
		*ok = false;
		return SK_OK;
	}
	size_t t = 0;
	while (t < cd.n && sk_http_is_tchar(cd.p[t]))
		t++;
	if (!sk_str_ieq_cstr(sk_str_make(cd.p, t), "form-data"))
		*ok = false;
	struct disposition d = {.a = a, .ok = true};
	sk_status st = each_param(a, cd, t, on_cd_param, &d, &d.ok);
	if (st != SK_OK)
		return st;
	if (!d.ok || !d.has_name)
		*ok = false;
	p->name = d.name;
	if (d.has_filename_ext)
		p->filename = d.filename_ext;
	else if (d.has_filename)
		p->filename = d.filename;
	p->is_file =
	    d.has_filename || d.has_filename_ext || (have_ct && !textual_type(p->content_type));
	return SK_OK;
}

/* Position of the next "\n--boundary" in body at or after from, or
 * body.n. */
static size_t next_delimiter(sk_str body, size_t from, const uint8_t *delim, size_t dn)
{
	if (from >= body.n)
		return body.n;
	const uint8_t *m = memmem(body.p + from, body.n - from, delim, dn);
	return m ? (size_t)(m - body.p) : body.n;
}

static sk_status parse_multipart(sk_request *req, sk_part **out, size_t *nout, bool *ok)
{
	bool found;
	sk_str ct = sk_request_header(req, "content-type", &found);
	sk_str mt = sk_http_media_type(ct);
	*ok = false;
	if (!found || !has_prefix(mt, "multipart/"))
		return SK_OK;
	const uint8_t *semi = memchr(ct.p, ';', ct.n);
	struct boundary_ctx bc = {.ok = true};
	bool params_ok = true;
	if (semi) {
		sk_status st =
		    each_param(req->arena, ct, (size_t)(semi - ct.p), on_ct_param, &bc, &params_ok);
		if (st != SK_OK)
			return st;
	}
	if (!bc.seen || !boundary_ok(bc.boundary))
		return SK_OK;
	bool valid = bc.ok && params_ok;

	/* "\n--" boundary: the LF (with its CR, if any) belongs to the
	 * delimiter. */
	size_t dn = 3 + bc.boundary.n;
	uint8_t delim[3 + MAX_BOUNDARY];
	memcpy(delim, "\n--", 3);
	memcpy(delim + 3, bc.boundary.p, bc.boundary.n);

	sk_str body = req->body;
	size_t pos; /* at "--boundary" */
	if (body.n >= dn - 1 && memcmp(body.p, delim + 1, dn - 1) == 0) {
		pos = 0;
	} else {
		pos = next_delimiter(body, 0, delim, dn);
		if (pos == body.n)
			return SK_OK; /* no delimiter at all */
		pos++;
	}

	sk_part *parts = NULL;
	size_t n = 0, cap = 0;
	bool closed = false;
	for (;;) {
		pos += dn - 1;
		if (body.n - pos >= 2 && body.p[pos] == '-' && body.p[pos + 1] == '-') {
			closed = true; /* the epilogue after it is ignored */
			break;
		}
		while (pos < body.n && is_ows(body.p[pos]))
			pos++;
		if (pos < body.n && body.p[pos] == '\r')
			pos++;
		if (pos >= body.n || body.p[pos] != '\n') {
			valid = false; /* junk after a delimiter, or the body ends */
			break;
		}
		size_t start = pos + 1;
		size_t d = next_delimiter(body, pos, delim, dn);
		size_t end = d;
		if (end > start && end < body.n && body.p[end - 1] == '\r')
			end--;
		if (end < start)
			end = start;
		if (n == MAX_PARTS) {
			valid = false;
			break;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			sk_part *np = sk_arena_realloc(req->arena, parts, cap * sizeof *parts,
			                               nc * sizeof *parts);
			if (!np)
				return SK_E_NOMEM;
			parts = np;
			cap = nc;
		}
		sk_part *p = &parts[n++];
		memset(p, 0, sizeof *p);
		sk_status st =
		    parse_part(req->arena, sk_str_make(body.p + start, end - start), p, &valid);
		if (st != SK_OK)
			return st;
		if (d == body.n)
			break; /* no closing delimiter */
		pos = d + 1;
	}
	*out = parts;
	*nout = n;
	*ok = valid && closed;
	return SK_OK;
}

sk_status sk_request_parts(sk_request *req, const sk_part **v, size_t *n, bool *valid)
{
	if (!req->parts_.done) {
		sk_part *pv = NULL;
		size_t pn = 0;
		bool ok = false;
		sk_status st = parse_multipart(req, &pv, &pn, &ok);
		if (st != SK_OK)
			return st;
		req->parts_.v = pv;
		req->parts_.n = pn;
		req->parts_.valid = ok;
		req->parts_.done = true;
	}
	*v = req->parts_.v;
	*n = req->parts_.n;
	*valid = req->parts_.valid;
	return SK_OK;
}
