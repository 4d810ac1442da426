/* Strict HTTP/1.1 request parser (RFC 9112). It rejects what other parsers
 * might read differently (the request smuggling family) instead of
 * guessing, so the message the WAF inspects is the message the upstream
 * receives.
 *
 * It is not incremental in state: each call parses from the first byte, and
 * returns SK_AGAIN while the message is incomplete, without allocating, so a
 * caller may call again with more bytes at no cost but the re-scan. Limits
 * bound the re-scan and every buffer.
 *
 * Choices, where the RFC leaves room:
 * - request-target: bytes 0x21-0x7E only; CTLs, SP, DEL and bytes >= 0x80
 *   are rejected (clients percent-encode them). '#' is tolerated and split
 *   off as the fragment. Forms: origin ("/..."), absolute ("scheme://..."
 *   without userinfo), authority (CONNECT only), asterisk (OPTIONS only).
 * - Empty lines before the request line are skipped (RFC 9112 2.2), within
 *   the request line limit.
 * - Content-Length: digits only, at most 19, one header only (even identical
 *   repeats and lists are rejected). Transfer-Encoding: exactly "chunked",
 *   once, HTTP/1.1 only; never together with Content-Length.
 * - Host: exactly one in HTTP/1.1, at most one in HTTP/1.0, with URI
 *   authority characters only.
 * - Chunked: at most 16 hex digits per size, no whitespace after the size
 *   unless a ';' extension follows (extensions are checked against the
 *   grammar and are bounded in total by max_header_bytes), CRLF required
 *   after each chunk's data; trailers are checked like headers, bounded the
 *   same way, and discarded. The framing bytes may not exceed the data by
 *   more than max_header_bytes (no gigabytes of 1-byte chunks). */
#include <stdio.h>
#include <string.h>

#include "base/scan.h"
#include "http/internal.h"

#define CHUNK_LINE_MAX 4096 /* a chunk-size line with its extensions */
/* Headers kept on the stack by the first pass; more take a second pass. */
#define LOCAL_HEADERS 64

/* SK_HTTP_TCHAR: ALPHA DIGIT and !#$%&'*+-.^_`|~. SK_HTTP_VCHAR: HTAB,
 * 0x20-0x7E and 0x80-0xFF. */
const uint8_t sk_http_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
    2, 3, 2, 3, 3, 3, 3, 3, 2, 2, 3, 3, 2, 3, 3, 2, /* 0x20 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, /* 0x30 */
    2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 0x40 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 3, 3, /* 0x50 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 0x60 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 2, 3, 0, /* 0x70 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x80 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x90 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xa0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xb0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xc0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xd0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xe0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xf0 */
};

void sk_http_limits_default(sk_http_limits *lim)
{
	lim->max_request_line = (size_t)8 << 10;
	lim->max_header_bytes = (size_t)64 << 10;
	lim->max_headers = 256;
	lim->max_body = (size_t)128 << 20;
}

enum framing { FRAME_NONE, FRAME_LENGTH, FRAME_CHUNKED };

/* What the first pass over the head learns. */
struct head {
	sk_str method, target, version;
	uint8_t major, minor;
	size_t nheaders;
	enum framing framing;
	uint64_t content_length;
	size_t end; /* just after the empty line that ends the head */
};

static size_t sat_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* Writes at most 48 bytes of s, non-printable bytes as '?', for messages. */
static const char *shown(sk_str s, char out[64])
{
	size_t n = s.n > 48 ? 48 : s.n, i;
	for (i = 0; i < n; i++)
		out[i] = (s.p[i] >= 0x20 && s.p[i] < 0x7f) ? (char)s.p[i] : '?';
	if (s.n > n) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = 0;
	return out;
}

enum line_res { LINE_OK, LINE_AGAIN, LINE_LONG };

/* Bit k set where byte k of the 16 at s is a control byte (below 0x20, or
 * 0x7F) or, when space_too, a space or a byte of 0x80 and above: where a
 * field value (space_too false) or a request-target (true) ends. */
static unsigned end_bits(const uint8_t *s, bool space_too)
{
	sk_u8x16 x;
	memcpy(&x, s, 16);
	sk_u8x16 bad = (sk_u8x16)(x < sk_splat(0x20)) | (sk_u8x16)(x == sk_splat(0x7f));
	if (space_too)
		bad |= (sk_u8x16)(x == sk_splat(' ')) | (sk_u8x16)(x >= sk_splat(0x80));
	return sk_lane_bits(bad);
}

/* The index of the first such byte in s[i..n), n when none. */
static size_t end_from(const uint8_t *s, size_t i, size_t n, bool space_too)
{
	for (; n - i >= 16; i += 16) {
		unsigned m = end_bits(s + i, space_too);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
	for (; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f || (space_too && (s[i] == ' ' || s[i] >= 0x80)))
			return i;
	return n;
}

/* Looks for the LF ending the line that starts at pos, among at most window
 * bytes (the line end included). On LINE_OK, [pos, *end) is the content,
 * *next the start of the next line, and *bare tells whether the LF came
 * without a CR. */
static enum line_res find_line(const uint8_t *p, size_t n, size_t pos, size_t window, size_t *end,
                               size_t *next, bool *bare)
{
	size_t avail = n - pos;
	size_t look = avail < window ? avail : window;
	const uint8_t *lf = look ? memchr(p + pos, '\n', look) : NULL;
	if (!lf)
		return avail >= window ? LINE_LONG : LINE_AGAIN;
	size_t i = (size_t)(lf - p);
	*next = i + 1;
	*bare = !(i > pos && p[i - 1] == '\r');
	*end = *bare ? i : i - 1;
	return LINE_OK;
}

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Characters of a URI authority (RFC 3986 reg-name, IP literals, port),
 * without userinfo. */
static bool is_authority_char(uint8_t c)
{
	if (is_alpha(c) || is_digit(c))
		return true;
	return c != 0 && strchr("-._~!$&'()*+,;=%:[]", c) != NULL;
}

/* Length of "scheme://" at the start of t, or 0 when t does not start so. */
static size_t scheme_prefix(sk_str t)
{
	if (t.n == 0 || !is_alpha(t.p[0]))
		return 0;
	size_t i = 1;
	while (i < t.n && (is_alpha(t.p[i]) || is_digit(t.p[i]) || t.p[i] == '+' || t.p[i] == '-' ||
	                   t.p[i] == '.'))
		i++;
	if (t.n - i < 3 || memcmp(t.p + i, "://", 3) != 0)
		return 0;
	return i + 3;
}

void sk_http_split_target(sk_request *req)
{
	sk_str t = req->target;
	if (!t.p) {
		req->path = req->query = req->fragment = SK_STR_LIT("");
		return;
	}
	size_t path_start = scheme_prefix(t), i;
	if (path_start) {
		while (path_start < t.n && t.p[path_start] != '/' && t.p[path_start] != '?' &&
		       t.p[path_start] != '#')
			path_start++;
	}
	const uint8_t *qf = sk_find_any4(t.p + path_start, t.p + t.n, '?', '#', '?', '#');
	i = qf ? (size_t)(qf - t.p) : t.n;
	req->path = sk_str_make(t.p + path_start, i - path_start);
	if (req->path.n == 0 && path_start > 0)
		req->path = SK_STR_LIT("/"); /* absolute-form with an empty path */
	if (i < t.n && t.p[i] == '?') {
		size_t q = ++i;
		const uint8_t *hash = memchr(t.p + i, '#', t.n - i);
		i = hash ? (size_t)(hash - t.p) : t.n;
		req->query = sk_str_make(t.p + q, i - q);
	} else {
		req->query = sk_str_make(t.p + i, 0);
	}
	if (i < t.n && t.p[i] == '#')
		req->fragment = sk_str_make(t.p + i + 1, t.n - i - 1);
	else
		req->fragment = sk_str_make(t.p + t.n, 0);
}

static sk_status check_target(sk_str m, sk_str t, size_t line, sk_error *err)
{
	bool connect = sk_str_eq(m, SK_STR_LIT("CONNECT"));
	if (t.p[0] == '/' && !connect)
		return SK_OK;
	if (t.n == 1 && t.p[0] == '*') {
		if (sk_str_eq(m, SK_STR_LIT("OPTIONS")))
			return SK_OK;
		return sk_fail(err, SK_E_INVALID,
		               "line %zu: request-target '*' is only allowed with OPTIONS", line);
	}
	if (connect) {
		/* authority-form: host ":" port */
		size_t colon = t.n;
		for (size_t i = 0; i < t.n; i++) {
			if (!is_authority_char(t.p[i]))
				goto bad_authority;
			if (t.p[i] == ':')
				colon = i;
		}
		if (colon == 0 || colon == t.n || t.n - colon - 1 > 5 || t.n - colon - 1 == 0)
			goto bad_authority;
		for (size_t i = colon + 1; i < t.n; i++)
			if (!is_digit(t.p[i]))
				goto bad_authority;
		return SK_OK;
	bad_authority:
		return sk_fail(err, SK_E_INVALID,
		               "line %zu: CONNECT needs an authority-form target (host:port)",
		               line);
	}
	size_t s = scheme_prefix(t);
	if (!s)
		return sk_fail(err, SK_E_INVALID,
		               "line %zu: request-target must start with '/' or be an absolute URI",
		               line);
	size_t i = s;
	while (i < t.n && t.p[i] != '/' && t.p[i] != '?' && t.p[i] != '#') {
		if (t.p[i] == '@')
			return sk_fail(err, SK_E_INVALID,
			               "line %zu: userinfo ('@') in an absolute request-target",
			               line);
		if (!is_authority_char(t.p[i]))
			return sk_fail(err, SK_E_INVALID,
			               "line %zu: invalid character 0x%02x in the authority of the "
			               "request-target",
			               line, t.p[i]);
		i++;
	}
	if (i == s)
		return sk_fail(err, SK_E_INVALID,
		               "line %zu: absolute request-target without a host", line);
	return SK_OK;
}

static sk_status parse_request_line(const uint8_t *l, size_t len, size_t line, struct head *h,
                                    sk_error *err)
{
	size_t i = 0;
	while (i < len && sk_http_is_tchar(l[i]))
		i++;
	if (i == 0)
		return sk_fail(err, SK_E_INVALID,
		               "line %zu: request line does not start with a method (byte 0x%02x)",
		               line, len ? l[0] : 0);
	if (i == len)
		return sk_fail(err, SK_E_INVALID, "line %zu: request line has no request-target",
		               line);
	if (l[i] != ' ')
		return sk_fail(err, SK_E_INVALID,
		               "line %zu: invalid character 0x%02x in the method", line, l[i]);
	h->method = sk_str_make(l, i);
	size_t t0 = ++i;
	i = end_from(l, i, len, true);
	if (i == t0)
		return sk_fail(err, SK_E_INVALID,
		               "line %zu: empty request-target (exactly one space expected)", line);
	h->target = sk_str_make(l + t0, i - t0);
	if (i == len)
		return sk_fail(err, SK_E_UNSUPPORTED,
		               "line %zu: request line without an HTTP version (HTTP/0.9 is not "
		               "supported)",
		               line);
	if (l[i] != ' ')
		return sk_fail(err, SK_E_INVALID,
		               "line %zu: invalid character 0x%02x in the request-target", line,
		               l[i]);
	const uint8_t *v = l + i + 1;
	size_t vn = len - i - 1;
	if (vn != 8 || memcmp(v, "HTTP/", 5) != 0 || !is_digit(v[5]) || v[6] != '.' ||
	    !is_digit(v[7])) {
		char buf[64];
		return sk_fail(err, SK_E_INVALID, "line %zu: malformed HTTP version \"%s\"", line,
		               shown(sk_str_make(v, vn), buf));
	}
	if (v[5] != '1' || (v[7] != '0' && v[7] != '1'))
		return sk_fail(err, SK_E_UNSUPPORTED, "line %zu: HTTP/%c.%c is not supported", line,
		               v[5], v[7]);
	h->version = sk_str_make(v, vn);
	h->major = 1;
	h->minor = (uint8_t)(v[7] - '0');
	return check_target(h->method, h->target, line, err);
}

/* A request line without its end yet: reject early what can never become
 * valid (a TLS handshake, binary junk) instead of waiting for the limit. */
static sk_status check_partial_request_line(const uint8_t *l, size_t len, size_t line,
                                            sk_error *err)
{
	size_t i = 0;
	while (i < len && sk_http_is_tchar(l[i]))
		i++;
	if (i == len)
		return SK_AGAIN;
	if (l[i] != ' ')
		return sk_fail(err, SK_E_INVALID,
		               "line %zu: invalid character 0x%02x in the method", line, l[i]);
	i++;
	while (i < len && l[i] > 0x20 && l[i] < 0x7f)
		i++;
	if (i == len || l[i] == ' ')
		return SK_AGAIN;
	return sk_fail(err, SK_E_INVALID,
	               "line %zu: invalid character 0x%02x in the request-target", line, l[i]);
}

/* "name: value" in l[0..len), without CR or LF. what is "header" or
 * "trailer". */
static sk_status parse_field(const uint8_t *l, size_t len, size_t line, const char *what,
                             sk_str *name, sk_str *value, sk_error *err)
{
	if (l[0] == ' ' || l[0] == '\t')
		return sk_fail(err, SK_E_INVALID,
		               "line %zu: %s line starts with whitespace (obsolete line folding)",
		               line, what);
	size_t i = 0;
	while (i < len && sk_http_is_tchar(l[i]))
		i++;
	if (i == len)
		return sk_fail(err, SK_E_INVALID, "line %zu: %s line without a colon", line, what);
	if (l[i] == ' ' || l[i] == '\t')
		return sk_fail(err, SK_E_INVALID, "line %zu: whitespace before colon in %s name",
		               line, what);
	if (l[i] != ':')
		return sk_fail(err, SK_E_INVALID, "line %zu: invalid character 0x%02x in %s name",
		               line, l[i], what);
	if (i == 0)
		return sk_fail(err, SK_E_INVALID, "line %zu: empty %s name", line, what);
	*name = sk_str_make(l, i);
	for (size_t j = i + 1; j < len; j++) {
		uint8_t c = l[j];
		if (sk_http_class[c] & SK_HTTP_VCHAR)
			continue;
		if (c == 0)
			return sk_fail(err, SK_E_INVALID, "line %zu: NUL byte in %s value", line,
			               what);
		return sk_fail(err, SK_E_INVALID, "line %zu: control character 0x%02x in %s value",
		               line, c, what);
	}
	*value = sk_str_trim(sk_str_make(l + i + 1, len - i - 1));
	return SK_OK;
}

/* The common case of a field line, in one pass: a token, a colon, and a
 * value of field-vchars (so no CR, and no error parse_field could find).
 * False sends the line through the full checks, which find the error (or
 * accept what this does not try to, such as a tab in a value). */
static bool quick_field(const uint8_t *l, size_t len, sk_str *name, sk_str *value)
{
	size_t i = 0;
	while (i < len && (sk_http_class[l[i]] & SK_HTTP_TCHAR))
		i++;
	if (i == 0 || i == len || l[i] != ':')
		return false;
	const uint8_t *v = l + i + 1;
	size_t vn = len - i - 1;
	if (end_from(v, 0, vn, false) != vn)
		return false;
	while (vn && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	*name = sk_str_make(l, i);
	*value = sk_str_make(v, vn);
	return true;
}

/* The checks every line of the head and of the trailers shares. */
static sk_status check_line_end(const uint8_t *p, size_t pos, size_t end, bool bare, unsigned flags,
                                size_t line, sk_error *err)
{
	if (bare && !(flags & SK_HTTP_LENIENT_EOL))
		return sk_fail(err, SK_E_INVALID,
		               "line %zu: line ends with a bare LF (CRLF expected)", line);
	if (end > pos && memchr(p + pos, '\r', end - pos))
		return sk_fail(err, SK_E_INVALID, "line %zu: bare CR (not followed by LF)", line);
	return SK_OK;
}

static sk_status framing_header(struct head *h, sk_str name, sk_str value, size_t line,
                                bool *seen_te, unsigned *hosts, const sk_http_limits *lim,
                                sk_error *err)
{
	char buf[64];
	/* By length first: most headers are none of these. */
	if (name.n == 14 && sk_str_ieq_cstr(name, "content-length")) {
		if (h->framing == FRAME_LENGTH)
			return sk_fail(err, SK_E_INVALID,
			               "line %zu: repeated Content-Length header", line);
		if (*seen_te)
			goto both;
		if (value.n == 0)
			return sk_fail(err, SK_E_INVALID, "line %zu: empty Content-Length", line);
		if (value.n > 19)
			return sk_fail(err, SK_E_INVALID,
			               "line %zu: Content-Length has too many digits", line);
		uint64_t v = 0;
		for (size_t i = 0; i < value.n; i++) {
			if (!is_digit(value.p[i]))
				return sk_fail(
				    err, SK_E_INVALID,
				    "line %zu: Content-Length \"%s\" is not a single number", line,
				    shown(value, buf));
			v = v * 10 + (uint64_t)(value.p[i] - '0');
		}
		if (v > lim->max_body)
			return sk_fail(err, SK_E_LIMIT,
			               "line %zu: Content-Length %llu is larger than %zu bytes "
			               "(max_body)",
			               line, (unsigned long long)v, lim->max_body);
		h->framing = FRAME_LENGTH;
		h->content_length = v;
	} else if (name.n == 17 && sk_str_ieq_cstr(name, "transfer-encoding")) {
		if (*seen_te)
			return sk_fail(err, SK_E_INVALID,
			               "line %zu: repeated Transfer-Encoding header", line);
		if (h->framing == FRAME_LENGTH)
			goto both;
		*seen_te = true;
		if (h->minor == 0)
			return sk_fail(
			    err, SK_E_INVALID,
			    "line %zu: Transfer-Encoding in an HTTP/1.0 request (framing "
			    "would be ambiguous)",
			    line);
		if (!sk_str_ieq_cstr(value, "chunked"))
			return sk_fail(err, SK_E_UNSUPPORTED,
			               "line %zu: Transfer-Encoding \"%s\" is not supported (only "
			               "\"chunked\")",
			               line, shown(value, buf));
		h->framing = FRAME_CHUNKED;
	} else if (name.n == 4 && sk_str_ieq_cstr(name, "host")) {
		if (++*hosts > 1)
			return sk_fail(err, SK_E_INVALID, "line %zu: repeated Host header", line);
		for (size_t i = 0; i < value.n; i++)
			if (!is_authority_char(value.p[i]))
				return sk_fail(err, SK_E_INVALID,
				               "line %zu: invalid character 0x%02x in Host", line,
				               value.p[i]);
	}
	return SK_OK;
both:
	return sk_fail(err, SK_E_INVALID,
	               "line %zu: Content-Length and Transfer-Encoding together (request smuggling "
	               "risk)",
	               line);
}

/* Request line and header section. Stores the first out_cap headers in
 * out. */
static sk_status parse_head(const uint8_t *p, size_t n, unsigned flags, const sk_http_limits *lim,
                            struct head *h, sk_header *out, size_t out_cap, sk_error *err)
{
	bool lenient = flags & SK_HTTP_LENIENT_EOL;
	size_t pos = 0, line = 1, end = 0, next = 0;
	bool bare = false;
	sk_status st;

	for (;;) { /* empty lines before the request line */
		if (pos >= n)
			return SK_AGAIN;
		if (p[pos] == '\r') {
			if (pos + 1 >= n)
				return SK_AGAIN;
			if (p[pos + 1] != '\n')
				break;
			pos += 2;
		} else if (p[pos] == '\n' && lenient) {
			pos++;
		} else {
			break;
		}
		line++;
		if (pos > lim->max_request_line)
			return sk_fail(err, SK_E_LIMIT,
			               "line %zu: more than %zu bytes of empty lines before the "
			               "request line (max_request_line)",
			               line, lim->max_request_line);
	}

	switch (find_line(p, n, pos, sat_add(lim->max_request_line, 2), &end, &next, &bare)) {
	case LINE_LONG: goto long_request_line;
	case LINE_AGAIN: return check_partial_request_line(p + pos, n - pos, line, err);
	case LINE_OK: break;
	}
	if (end - pos > lim->max_request_line)
		goto long_request_line;
	if ((st = check_line_end(p, pos, end, bare, flags, line, err)) != SK_OK)
		return st;
	if ((st = parse_request_line(p + pos, end - pos, line, h, err)) != SK_OK)
		return st;
	pos = next;
	line++;

	size_t head_start = pos;
	bool seen_te = false;
	unsigned hosts = 0;
	h->nheaders = 0;
	h->framing = FRAME_NONE;
	for (;; line++) {
		size_t window = lim->max_header_bytes - (pos - head_start);
		switch (find_line(p, n, pos, window, &end, &next, &bare)) {
		case LINE_LONG:
			return sk_fail(err, SK_E_LIMIT,
			               "line %zu: header section larger than %zu bytes "
			               "(max_header_bytes)",
			               line, lim->max_header_bytes);
		case LINE_AGAIN: return SK_AGAIN;
		case LINE_OK: break;
		}
		/* check_line_end, parse_field and their order of errors, with the
		 * CR search and the full checks only for lines quick_field does
		 * not take. */
		if (bare && !lenient)
			return sk_fail(err, SK_E_INVALID,
			               "line %zu: line ends with a bare LF (CRLF expected)", line);
		if (end == pos)
			break;
		sk_str name, value;
		bool quick = quick_field(p + pos, end - pos, &name, &value);
		if (!quick && memchr(p + pos, '\r', end - pos))
			return sk_fail(err, SK_E_INVALID, "line %zu: bare CR (not followed by LF)",
			               line);
		if (h->nheaders >= lim->max_headers)
			return sk_fail(err, SK_E_LIMIT,
			               "line %zu: more than %zu headers (max_headers)", line,
			               lim->max_headers);
		if (!quick && (st = parse_field(p + pos, end - pos, line, "header", &name, &value,
		                                err)) != SK_OK)
			return st;
		if (h->nheaders < out_cap)
			out[h->nheaders] = (sk_header){name, value};
		h->nheaders++;
		if ((st = framing_header(h, name, value, line, &seen_te, &hosts, lim, err)) !=
		    SK_OK)
			return st;
		pos = next;
	}
	if (h->minor == 1 && hosts == 0)
		return sk_fail(err, SK_E_INVALID,
		               "line %zu: HTTP/1.1 request without a Host header", line);
	h->end = next;
	return SK_OK;

long_request_line:
	return sk_fail(err, SK_E_LIMIT,
	               "line %zu: request line longer than %zu bytes "
	               "(max_request_line)",
	               line, lim->max_request_line);
}

static bool is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), the whole
 * of s; ext-val is a token or a quoted-string. */
static bool chunk_ext_ok(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && is_ows(s[i]))
			i++;
		if (i == n || s[i] != ';')
			return false;
		i++;
		while (i < n && is_ows(s[i]))
			i++;
		size_t j = i;
		while (i < n && sk_http_is_tchar(s[i]))
			i++;
		if (i == j)
			return false;
		size_t k = i;
		while (k < n && is_ows(s[k]))
			k++;
		if (k == n || s[k] != '=') {
			i = k;
			continue;
		}
		i = k + 1;
		while (i < n && is_ows(s[i]))
			i++;
		if (i < n && s[i] == '"') {
			for (i++;; i++) {
				if (i == n)
					return false;
				uint8_t c = s[i];
				if (c == '"')
					break;
				if (c == '\\') {
					if (++i == n)
						return false;
					c = s[i];
				}
				if (!(c == '\t' || (c >= 0x20 && c != 0x7f)))
					return false;
			}
			i++;
		} else {
			j = i;
			while (i < n && sk_http_is_tchar(s[i]))
				i++;
			if (i == j)
				return false;
		}
	}
	return true;
}

struct chunked {
	size_t end;     /* just after the message */
	size_t total;   /* decoded bytes */
	size_t nchunks; /* chunks with data */
	size_t first;   /* offset of the first chunk's data */
};

/* Checks (out NULL) or decodes (into out, c->total bytes) a chunked body
 * that starts at pos. */
static sk_status scan_chunked(const uint8_t *p, size_t n, size_t pos, unsigned flags,
                              const sk_http_limits *lim, uint8_t *out, struct chunked *c,
                              sk_error *err)
{
	bool lenient = flags & SK_HTTP_LENIENT_EOL;
	size_t start = pos, total = 0, ext_bytes = 0, end = 0, next = 0;
	bool bare = false;
	sk_status st;
	c->nchunks = 0;

	for (;;) {
		switch (find_line(p, n, pos, CHUNK_LINE_MAX, &end, &next, &bare)) {
		case LINE_LONG:
			return sk_fail(
			    err, SK_E_LIMIT,
			    "chunked body at byte %zu: chunk size line longer than %d bytes", pos,
			    CHUNK_LINE_MAX);
		case LINE_AGAIN: return SK_AGAIN;
		case LINE_OK: break;
		}
		if (bare && !lenient)
			return sk_fail(
			    err, SK_E_INVALID,
			    "chunked body at byte %zu: chunk size line ends with a bare LF", pos);
		if (memchr(p + pos, '\r', end - pos))
			return sk_fail(err, SK_E_INVALID,
			               "chunked body at byte %zu: bare CR in a chunk size line",
			               pos);
		size_t i = pos, digits = 0;
		uint64_t size = 0;
		int d;
		while (i < end && (d = sk_hex_digit(p[i])) >= 0) {
			if (++digits > 16)
				return sk_fail(
				    err, SK_E_INVALID,
				    "chunked body at byte %zu: chunk size has more than 16 "
				    "hex digits",
				    pos);
			size = size << 4 | (uint64_t)d;
			i++;
		}
		if (digits == 0)
			return sk_fail(err, SK_E_INVALID,
			               "chunked body at byte %zu: chunk size is not a hex number",
			               pos);
		if (!chunk_ext_ok(p + i, end - i))
			return sk_fail(
			    err, SK_E_INVALID,
			    "chunked body at byte %zu: malformed chunk extension or junk "
			    "after the chunk size",
			    pos);
		ext_bytes += end - i;
		if (ext_bytes > lim->max_header_bytes)
			return sk_fail(err, SK_E_LIMIT,
			               "chunked body at byte %zu: chunk extensions larger than %zu "
			               "bytes in total (max_header_bytes)",
			               pos, lim->max_header_bytes);
		pos = next;
		if (size == 0)
			break;
		if (size > lim->max_body - total)
			return sk_fail(
			    err, SK_E_LIMIT,
			    "chunked body at byte %zu: body larger than %zu bytes (max_body)", pos,
			    lim->max_body);
		if (n - pos < size)
			return SK_AGAIN;
		if (out)
			memcpy(out + total, p + pos, (size_t)size);
		if (c->nchunks++ == 0)
			c->first = pos;
		total += (size_t)size;
		pos += (size_t)size;
		if (pos >= n)
			return SK_AGAIN;
		if (p[pos] == '\r') {
			if (pos + 1 >= n)
				return SK_AGAIN;
			if (p[pos + 1] != '\n')
				goto no_crlf;
			pos += 2;
		} else if (p[pos] == '\n' && lenient) {
			pos++;
		} else {
			goto no_crlf;
		}
		if (pos - start - total > sat_add(total, lim->max_header_bytes))
			return sk_fail(
			    err, SK_E_LIMIT,
			    "chunked body at byte %zu: %zu bytes of chunk framing for %zu "
			    "bytes of data",
			    pos, pos - start - total, total);
	}

	/* Trailer section: checked like headers, then dropped. */
	size_t trailer_start = pos, count = 0;
	for (size_t line = 1;; line++) {
		size_t window = lim->max_header_bytes - (pos - trailer_start);
		switch (find_line(p, n, pos, window, &end, &next, &bare)) {
		case LINE_LONG:
			return sk_fail(err, SK_E_LIMIT,
			               "trailer line %zu: trailer section larger than %zu bytes "
			               "(max_header_bytes)",
			               line, lim->max_header_bytes);
		case LINE_AGAIN: return SK_AGAIN;
		case LINE_OK: break;
		}
		if ((st = check_line_end(p, pos, end, bare, flags, line, err)) != SK_OK) {
			sk_error_prefix(err, "trailer section");
			return st;
		}
		if (end == pos)
			break;
		if (++count > lim->max_headers)
			return sk_fail(
			    err, SK_E_LIMIT,
			    "trailer line %zu: more than %zu trailer fields (max_headers)", line,
			    lim->max_headers);
		sk_str name, value;
		if ((st = parse_field(p + pos, end - pos, line, "trailer", &name, &value, err)) !=
		    SK_OK) {
			sk_error_prefix(err, "trailer section");
			return st;
		}
		pos = next;
	}
	c->end = next;
	c->total = total;
	return SK_OK;

no_crlf:
	return sk_fail(err, SK_E_INVALID,
	               "chunked body at byte %zu: chunk data not followed by CRLF (wrong chunk "
	               "size?)",
	               pos);
}

static const sk_http_limits *limits_or_default(const sk_http_limits *lim, sk_http_limits *buf)
{
	if (lim)
		return lim;
	sk_http_limits_default(buf);
	return buf;
}

/* Fills req from a parsed head: headers into req's arena (a second pass
 * when there were more than the first pass kept), the body left empty. */
static sk_status head_into(const uint8_t *p, size_t n, unsigned flags, const sk_http_limits *lim,
                           struct head *h, const sk_header *local, sk_request *req, sk_error *err)
{
	if (!req->arena)
		return sk_fail(err, SK_E_INTERNAL, "request without an arena (sk_request_init)");
	sk_header *headers = NULL;
	sk_status st;
	if (h->nheaders) {
		headers = sk_arena_alloc(req->arena, h->nheaders * sizeof *headers);
		if (!headers)
			return sk_fail(err, SK_E_NOMEM, "no memory for %zu headers", h->nheaders);
		if (h->nheaders <= LOCAL_HEADERS)
			memcpy(headers, local, h->nheaders * sizeof *headers);
		else if ((st = parse_head(p, n, flags, lim, h, headers, h->nheaders, err)) != SK_OK)
			return st;
	}
	sk_http_request_clear(req);
	req->method = h->method;
	req->target = h->target;
	req->version = h->version;
	req->http_major = h->major;
	req->http_minor = h->minor;
	req->headers = headers;
	req->nheaders = h->nheaders;
	req->body = sk_str_make(p + h->end, 0);
	sk_http_split_target(req);
	return SK_OK;
}

sk_status sk_http_parse_request(const uint8_t *p, size_t n, unsigned flags,
                                const sk_http_limits *lim, sk_request *req, size_t *consumed,
                                sk_error *err)
{
	sk_http_limits deflim;
	lim = limits_or_default(lim, &deflim);
	struct head h;
	memset(&h, 0, sizeof h);
	sk_header local[LOCAL_HEADERS];
	sk_status st = parse_head(p, n, flags, lim, &h, local, LOCAL_HEADERS, err);
	if (st != SK_OK)
		return st;

	size_t end = h.end;
	sk_str body = sk_str_make(p + h.end, 0);
	struct chunked c;
	memset(&c, 0, sizeof c);
	switch (h.framing) {
	case FRAME_LENGTH:
		if (n - h.end < h.content_length)
			return SK_AGAIN;
		body = sk_str_make(p + h.end, (size_t)h.content_length);
		end = h.end + (size_t)h.content_length;
		break;
	case FRAME_CHUNKED:
		if ((st = scan_chunked(p, n, h.end, flags, lim, NULL, &c, err)) != SK_OK)
			return st;
		end = c.end;
		if (c.nchunks == 1)
			body = sk_str_make(p + c.first, c.total);
		break;
	case FRAME_NONE:
		if (flags & SK_HTTP_BODY_TO_EOF) {
			if (n - h.end > lim->max_body)
				return sk_fail(err, SK_E_LIMIT,
				               "body larger than %zu bytes (max_body)",
				               lim->max_body);
			body = sk_str_make(p + h.end, n - h.end);
			end = n;
		}
		break;
	}
	if ((st = head_into(p, n, flags, lim, &h, local, req, err)) != SK_OK)
		return st;
	if (h.framing == FRAME_CHUNKED && c.nchunks > 1) {
		uint8_t *buf = sk_arena_alloc(req->arena, c.total);
		if (!buf)
			return sk_fail(err, SK_E_NOMEM, "no memory for a %zu-byte body", c.total);
		if ((st = scan_chunked(p, n, h.end, flags, lim, buf, &c, err)) != SK_OK)
			return st;
		body = sk_str_make(buf, c.total);
	}
	req->body = body;
	*consumed = end;
	return SK_OK;
}

sk_status sk_http_parse_head(const uint8_t *p, size_t n, unsigned flags, const sk_http_limits *lim,
                             sk_request *req, sk_http_head_info *info, sk_error *err)
{
	sk_http_limits deflim;
	lim = limits_or_default(lim, &deflim);
	struct head h;
	memset(&h, 0, sizeof h);
	sk_header local[LOCAL_HEADERS];
	sk_status st = parse_head(p, n, flags, lim, &h, local, LOCAL_HEADERS, err);
	if (st == SK_OK)
		st = head_into(p, n, flags, lim, &h, local, req, err);
	if (st != SK_OK)
		return st;
	info->head_len = h.end;
	info->content_length = h.content_length;
	info->framing = h.framing == FRAME_CHUNKED  ? SK_HTTP_FRAMING_CHUNKED
	                : h.framing == FRAME_LENGTH ? SK_HTTP_FRAMING_LENGTH
	                                            : SK_HTTP_FRAMING_NONE;
	return SK_OK;
}

/* The grammar pieces the incremental readers (chunked.c, response.c)
 * share with the whole-message parser. */
bool sk_http_chunk_ext_ok(const uint8_t *s, size_t n)
{
	return chunk_ext_ok(s, n);
}

sk_status sk_http_parse_field(const uint8_t *l, size_t len, size_t line, const char *what,
                              sk_str *name, sk_str *value, sk_error *err)
{
	return parse_field(l, len, line, what, name, value, err);
}
