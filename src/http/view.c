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

/* Splits s on sep into name=value pairs (at the first '='), skipping empty
 * segments; trim trims each segment of spaces and tabs. Appends to *v / *n,
 * which may already hold pairs (cookies from several headers). */
static sk_status split_pairs(sk_arena *a, sk_str s, uint8_t sep, bool trim, sk_pair **v, size_t *n)
{
	size_t count = 0;
	for (size_t i = 0; i <= s.n;) {
		const uint8_t *e = i < s.n ? memchr(s.p + i, sep, s.n - i) : NULL;
		size_t j = e ? (size_t)(e - s.p) : s.n;
		sk_str seg = sk_str_make(s.p + i, j - i);
		if (trim)
			seg = sk_str_trim(seg);
		count += seg.n > 0;
		i = j + 1;
	}
	if (count == 0)
		return SK_OK;
	sk_pair *nv = sk_arena_realloc(a, *v, *n * sizeof **v, (*n + count) * sizeof **v);
	if (!nv)
		return SK_E_NOMEM;
	*v = nv;
	for (size_t i = 0; i <= s.n;) {
		const uint8_t *e = i < s.n ? memchr(s.p + i, sep, s.n - i) : NULL;
		size_t j = e ? (size_t)(e - s.p) : s.n;
		sk_str seg = sk_str_make(s.p + i, j - i);
		if (trim)
			seg = sk_str_trim(seg);
		i = j + 1;
		if (seg.n == 0)
			continue;
		const uint8_t *eq = memchr(seg.p, '=', seg.n);
		sk_pair *pr = &nv[(*n)++];
		if (eq) {
			size_t k = (size_t)(eq - seg.p);
			pr->name = sk_str_make(seg.p, k);
			pr->value = sk_str_make(seg.p + k + 1, seg.n - k - 1);
		} else {
			pr->name = seg;
			pr->value = sk_str_make(seg.p + seg.n, 0);
		}
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
			if (!sk_str_ieq_cstr(req->headers[i].name, "cookie") ||
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

/* Textual application/ types that are better inspected as text than
 * skipped as binary. */
static const char *const app_text[] = {
    "application/javascript", "application/x-javascript", "application/ecmascript",
    "application/graphql",    "application/sql",          "application/yaml",
    "application/x-yaml",     "application/x-ndjson",     "application/jsonl",
};

sk_body_kind sk_request_body_kind(const sk_request *req)
{
	if (req->body.n == 0)
		return SK_BODY_NONE;
	bool found;
	sk_str mt = sk_http_media_type(sk_request_header(req, "content-type", &found));
	if (!found || mt.n == 0)
		return SK_BODY_TEXT;
	if (sk_str_ieq_cstr(mt, "application/x-www-form-urlencoded"))
		return SK_BODY_FORM;
	if (sk_str_ieq_cstr(mt, "application/json") || sk_str_ieq_cstr(mt, "text/json") ||
	    has_suffix(mt, "+json"))
		return SK_BODY_JSON;
	if (has_prefix(mt, "multipart/"))
		return SK_BODY_MULTIPART;
	if (sk_str_ieq_cstr(mt, "application/xml") || sk_str_ieq_cstr(mt, "text/xml") ||
	    has_suffix(mt, "+xml"))
		return SK_BODY_XML;
	if (has_prefix(mt, "text/"))
		return SK_BODY_TEXT;
	for (size_t i = 0; i < sizeof app_text / sizeof app_text[0]; i++)
		if (sk_str_ieq_cstr(mt, app_text[i]))
			return SK_BODY_TEXT;
	static const char *const binary_tops[] = {"application/", "image/", "audio/",
	                                          "video/",       "font/",  "model/"};
	for (size_t i = 0; i < sizeof binary_tops / sizeof binary_tops[0]; i++)
		if (has_prefix(mt, binary_tops[i]))
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
