/* The inspection view: headers, query arguments, cookies, form fields and
 * the body kind, decoded on first use and cached in the request. Values stay
 * raw (not URL-decoded): decoding is a text transformation's job, and the
 * WAF must see what was sent. */
#include <string.h>

#include "http/internal.h"

void sk_request_init(sk_request *req, sk_arena *a)
{
	memset(req, 0, sizeof *req);
	req->arena = a;
}

void sk_http_request_clear(sk_request *req)
{
	sk_arena *a = req->arena;
	char ip[sizeof req->client_ip];
	memcpy(ip, req->client_ip, sizeof ip);
	memset(req, 0, sizeof *req);
	req->arena = a;
	memcpy(req->client_ip, ip, sizeof ip);
	req->client_ip[sizeof req->client_ip - 1] = 0;
}

/* s equals the string literal lit, ASCII case-insensitive; the length is a
 * compile-time constant, so a different length costs one comparison. */
#define IEQ_LIT(s, lit)                                                                            \
	((s).n == sizeof(lit) - 1 && sk_ieq_bytes((s).p, (const uint8_t *)(lit), sizeof(lit) - 1))

sk_str sk_request_header(const sk_request *req, const char *name, bool *found)
{
	sk_str want = sk_str_cstr(name);
	for (size_t i = 0; i < req->nheaders; i++) {
		if (sk_str_ieq(req->headers[i].name, want)) {
			if (found)
				*found = true;
			return req->headers[i].value;
		}
	}
	if (found)
		*found = false;
	return SK_STR_LIT("");
}

/* One name=value segment split at its first '='. Names are short, so the
 * '=' is looked for eight bytes at a time in place of a memchr call: a
 * byte of x ^ '='s is zero where the '=' is, and the lowest byte the
 * zero-byte test flags is always a true one. */
static inline sk_pair split_segment(sk_str seg)
{
	const uint64_t ones = 0x0101010101010101u;
	sk_pair pr;
	size_t k = 0;
	for (; k + 8 <= seg.n; k += 8) {
		uint64_t x;
		memcpy(&x, seg.p + k, 8);
		x ^= '=' * ones;
		uint64_t z = (x - ones) & ~x & (0x80 * ones);
		if (z) {
			k += (size_t)__builtin_ctzll(z) / 8;
			goto found;
		}
	}
	while (k < seg.n && seg.p[k] != '=')
		k++;
	if (k == seg.n) {
		pr.name = seg;
		pr.value = sk_str_make(seg.p + seg.n, 0);
		return pr;
	}
found:
	pr.name = sk_str_make(seg.p, k);
	pr.value = sk_str_make(seg.p + k + 1, seg.n - k - 1);
	return pr;
}

/* Pairs collected on the stack in the first pass; a string with more
 * segments than this (rare) is split again into the arena. */
#define SPLIT_STACK 32

/* Splits s on sep into name=value pairs (at the first '='), skipping empty
 * segments; trim trims each segment of spaces and tabs. Appends to *v / *n,
 * which may already hold pairs (cookies from several headers). */
static sk_status split_pairs(sk_arena *a, sk_str s, uint8_t sep, bool trim, sk_pair **v, size_t *n)
{
	sk_pair tmp[SPLIT_STACK];
	size_t count = 0;
	for (size_t i = 0; i <= s.n;) {
		const uint8_t *e = i < s.n ? memchr(s.p + i, sep, s.n - i) : NULL;
		size_t j = e ? (size_t)(e - s.p) : s.n;
		sk_str seg = sk_str_make(s.p + i, j - i);
		if (trim)
			seg = sk_str_trim(seg);
		i = j + 1;
		if (seg.n == 0)
			continue;
		if (count < SPLIT_STACK)
			tmp[count] = split_segment(seg);
		count++;
	}
	if (count == 0)
		return SK_OK;
	sk_pair *nv = sk_arena_realloc(a, *v, *n * sizeof **v, (*n + count) * sizeof **v);
	if (!nv)
		return SK_E_NOMEM;
	*v = nv;
	if (count <= SPLIT_STACK) {
		memcpy(nv + *n, tmp, count * sizeof *tmp);
		*n += count;
		return SK_OK;
	}
	for (size_t i = 0; i <= s.n;) {
		const uint8_t *e = i < s.n ? memchr(s.p + i, sep, s.n - i) : NULL;
		size_t j = e ? (size_t)(e - s.p) : s.n;
		sk_str seg = sk_str_make(s.p + i, j - i);
		if (trim)
			seg = sk_str_trim(seg);
		i = j + 1;
		if (seg.n)
			nv[(*n)++] = split_segment(seg);
	}
	return SK_OK;
}

sk_status sk_request_args(sk_request *req, const sk_pair **v, size_t *n)
{
	if (!req->args_.done) {
		sk_pair *pv = NULL;
		size_t pn = 0;
		if (req->query.n) {
			sk_status st = split_pairs(req->arena, req->query, '&', false, &pv, &pn);
			if (st != SK_OK)
				return st;
		}
		req->args_.v = pv;
		req->args_.n = pn;
		req->args_.done = true;
	}
	*v = req->args_.v;
	*n = req->args_.n;
	return SK_OK;
}

sk_status sk_request_cookies(sk_request *req, const sk_pair **v, size_t *n)
{
	if (!req->cookies_.done) {
		sk_pair *pv = NULL;
		size_t pn = 0;
		for (size_t i = 0; i < req->nheaders; i++) {
			if (!IEQ_LIT(req->headers[i].name, "cookie") ||
			    req->headers[i].value.n == 0)
				continue;
			sk_status st =
			    split_pairs(req->arena, req->headers[i].value, ';', true, &pv, &pn);
			if (st != SK_OK)
				return st;
		}
		req->cookies_.v = pv;
		req->cookies_.n = pn;
		req->cookies_.done = true;
	}
	*v = req->cookies_.v;
	*n = req->cookies_.n;
	return SK_OK;
}

sk_status sk_request_form(sk_request *req, const sk_pair **v, size_t *n)
{
	if (!req->form_.done) {
		sk_pair *pv = NULL;
		size_t pn = 0;
		if (req->body.n) {
			sk_status st = split_pairs(req->arena, req->body, '&', false, &pv, &pn);
			if (st != SK_OK)
				return st;
		}
		req->form_.v = pv;
		req->form_.n = pn;
		req->form_.done = true;
	}
	*v = req->form_.v;
	*n = req->form_.n;
	return SK_OK;
}

sk_str sk_http_media_type(sk_str ct)
{
	const uint8_t *semi = ct.n ? memchr(ct.p, ';', ct.n) : NULL;
	if (semi)
		ct.n = (size_t)(semi - ct.p);
	return sk_str_trim(ct);
}

/* mt starts / ends with the literal, ASCII case-insensitive. */
#define HAS_PREFIX(s, lit)                                                                         \
	((s).n >= sizeof(lit) - 1 && sk_ieq_bytes((s).p, (const uint8_t *)(lit), sizeof(lit) - 1))
#define HAS_SUFFIX(s, lit)                                                                         \
	((s).n >= sizeof(lit) - 1 &&                                                               \
	 sk_ieq_bytes((s).p + (s).n - (sizeof(lit) - 1), (const uint8_t *)(lit), sizeof(lit) - 1))

/* Textual application/ types that are better inspected as text than
 * skipped as binary (compared after the "application/" prefix). */
static const char *const app_text[] = {
    "javascript", "x-javascript", "ecmascript", "graphql", "sql",
    "yaml",       "x-yaml",       "x-ndjson",   "jsonl",
};

sk_body_kind sk_request_body_kind(const sk_request *req)
{
	if (req->body.n == 0)
		return SK_BODY_NONE;
	bool found;
	sk_str mt = sk_http_media_type(sk_request_header(req, "content-type", &found));
	if (!found || mt.n == 0)
		return SK_BODY_TEXT;
	/* Literal lengths are compile-time constants, so most of these tests
	 * cost one length comparison. */
	if (IEQ_LIT(mt, "application/x-www-form-urlencoded"))
		return SK_BODY_FORM;
	if (IEQ_LIT(mt, "application/json") || IEQ_LIT(mt, "text/json") || HAS_SUFFIX(mt, "+json"))
		return SK_BODY_JSON;
	if (HAS_PREFIX(mt, "multipart/"))
		return SK_BODY_MULTIPART;
	if (IEQ_LIT(mt, "application/xml") || IEQ_LIT(mt, "text/xml") || HAS_SUFFIX(mt, "+xml"))
		return SK_BODY_XML;
	if (HAS_PREFIX(mt, "text/"))
		return SK_BODY_TEXT;
	if (HAS_PREFIX(mt, "application/")) {
		sk_str sub = sk_str_make(mt.p + 12, mt.n - 12);
		for (size_t i = 0; i < sizeof app_text / sizeof app_text[0]; i++)
			if (sk_str_ieq(sub, sk_str_cstr(app_text[i])))
				return SK_BODY_TEXT;
		return SK_BODY_BINARY;
	}
	if (HAS_PREFIX(mt, "image/") || HAS_PREFIX(mt, "audio/") || HAS_PREFIX(mt, "video/") ||
	    HAS_PREFIX(mt, "font/") || HAS_PREFIX(mt, "model/"))
		return SK_BODY_BINARY;
	/* An unknown or malformed type: inspect it as text rather than let a
	 * made-up type hide the body. */
	return SK_BODY_TEXT;
}

bool sk_http_has_token(sk_str v, const char *token)
{
	size_t i = 0;
	while (i < v.n) {
		size_t j = i;
		while (j < v.n && v.p[j] != ',')
			j++;
		if (sk_str_ieq_cstr(sk_str_trim(sk_str_make(v.p + i, j - i)), token))
			return true;
		i = j + 1;
	}
	return false;
}
