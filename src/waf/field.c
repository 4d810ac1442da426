#include "waf/field.h"

#include <string.h>

typedef struct collector {
	sk_arena *a;
	sk_field_values *out;
	size_t cap;
} collector;

/* Grows the value arrays to want entries. The first allocation holds both
 * arrays in one block: most fields give a few values and never grow. */
static sk_status grow(collector *c, size_t want)
{
	if (c->cap == 0) {
		sk_str *p = sk_arena_alloc(c->a, 2 * want * sizeof *p);
		if (!p)
			return SK_E_NOMEM;
		c->out->vals = p;
		c->out->names = p + want;
		c->cap = want;
		return SK_OK;
	}
	sk_str *v = sk_arena_realloc(c->a, c->out->vals, c->cap * sizeof *v, want * sizeof *v);
	sk_str *n = sk_arena_realloc(c->a, c->out->names, c->cap * sizeof *n, want * sizeof *n);
	if (!v || !n)
		return SK_E_NOMEM;
	c->out->vals = v;
	c->out->names = n;
	c->cap = want;
	return SK_OK;
}

/* Makes room for need more values with one allocation instead of doubling
 * through push. */
static sk_status reserve(collector *c, size_t need)
{
	size_t want = c->out->n + need;
	return want <= c->cap ? SK_OK : grow(c, want);
}

static inline sk_status push(collector *c, sk_str name, sk_str val)
{
	if (c->out->n == c->cap && grow(c, c->cap ? c->cap * 2 : 8))
		return SK_E_NOMEM;
	c->out->vals[c->out->n] = val;
	c->out->names[c->out->n] = name;
	c->out->n++;
	return SK_OK;
}

/* The listed names with their lengths, measured once per extraction rather
 * than once per header or cookie. */
#define LISTED_MAX 16

typedef struct listed {
	const sk_field *f;
	size_t len[LISTED_MAX];
	bool measured; /* nnames <= LISTED_MAX and len[] is filled */
} listed;

static void listed_init(listed *l, const sk_field *f)
{
	l->f = f;
	l->measured = f->pattern != SK_PATTERN_ALL && f->nnames <= LISTED_MAX;
	if (l->measured)
		for (size_t i = 0; i < f->nnames; i++)
			l->len[i] = strlen(f->names[i]);
}

static bool name_listed(const listed *l, sk_str name, bool fold)
{
	const sk_field *f = l->f;
	for (size_t i = 0; i < f->nnames; i++) {
		size_t n = l->measured ? l->len[i] : strlen(f->names[i]);
		if (n != name.n)
			continue;
		const uint8_t *w = (const uint8_t *)f->names[i];
		if (n == 0 || (fold ? sk_ieq_bytes(w, name.p, n) : memcmp(w, name.p, n) == 0))
			return true;
	}
	return false;
}

static bool pattern_allows(const listed *l, sk_str name, bool fold)
{
	if (l->f->pattern == SK_PATTERN_ALL)
		return true;
	bool in = name_listed(l, name, fold);
	return l->f->pattern == SK_PATTERN_INCLUDED ? in : !in;
}

/* Headers or cookies as name/value pairs, within AWS's 8 KB / 200 limit. */
static sk_status pairs(collector *c, const sk_field *f, const sk_pair *v, size_t n, bool fold)
{
	listed l;
	listed_init(&l, f);
	/* At most one value per pair (two with scope ALL), in one allocation. */
	size_t most = n < SK_INSPECT_HEADER_COUNT ? n : SK_INSPECT_HEADER_COUNT;
	sk_status st = reserve(c, f->scope == SK_SCOPE_ALL ? 2 * most : most);
	if (st)
		return st;
	size_t bytes = 0;
	for (size_t i = 0; i < n; i++) {
		bytes += v[i].name.n + v[i].value.n;
		if (i >= SK_INSPECT_HEADER_COUNT || bytes > SK_INSPECT_HEADER_BYTES) {
			c->out->oversize = true;
			break;
		}
		if (!pattern_allows(&l, v[i].name, fold))
			continue;
		if (f->scope != SK_SCOPE_VALUE)
			st = push(c, v[i].name, v[i].name);
		if (!st && f->scope != SK_SCOPE_KEY)
			st = push(c, v[i].name, v[i].value);
		if (st)
			return st;
	}
	return SK_OK;
}

static sk_str body_part(const sk_request *req, size_t limit, bool *oversize)
{
	sk_str b = req->body;
	if (b.n > limit) {
		*oversize = true;
		b.n = limit;
	}
	return b;
}

/* What Body inspects, by content (docs/acl.md): text an application reads
 * (forms, JSON, XML, text, and the text parts of multipart bodies) whole,
 * up to the limit; binary content (binary types, file parts) by its names,
 * part headers and leading bytes only, and not counted toward the limit, so
 * uploads neither trip text rules nor the size rule. */
static sk_status body_values(collector *c, sk_request *req, size_t limit)
{
	if (req->body.n == 0)
		return SK_OK;
	sk_body_kind kind = sk_request_body_kind(req);
	if (kind == SK_BODY_BINARY) {
		sk_str lead = req->body;
		if (lead.n > SK_INSPECT_LEADING_BYTES)
			lead.n = SK_INSPECT_LEADING_BYTES;
		return push(c, SK_STR_LIT("body (leading bytes)"), lead);
	}
	if (kind == SK_BODY_MULTIPART) {
		const sk_part *parts;
		size_t n;
		bool valid;
		sk_status st = sk_request_parts(req, &parts, &n, &valid);
		if (st)
			return st;
		/* A body that is not clean multipart is inspected as text: what
		 * the application makes of it is unknown. */
		if (valid) {
			size_t text = 0;
			for (size_t i = 0; i < n && !st; i++) {
				const sk_part *pt = &parts[i];
				if (pt->is_file) {
					sk_str lead = pt->data;
					if (lead.n > SK_INSPECT_LEADING_BYTES)
						lead.n = SK_INSPECT_LEADING_BYTES;
					if (pt->filename.n)
						st = push(c, SK_STR_LIT("file name"), pt->filename);
					if (!st && pt->content_type.n)
						st = push(c, SK_STR_LIT("file content type"),
						          pt->content_type);
					if (!st)
						st = push(c, pt->name, lead);
					continue;
				}
				sk_str v = pt->data;
				if (text + v.n > limit) {
					c->out->oversize = true;
					v.n = limit - text;
				}
				text += v.n;
				st = push(c, pt->name, v);
				if (c->out->oversize)
					break;
			}
			return st;
		}
	}
	sk_status st = push(c, SK_STR_LIT("body"), body_part(req, limit, &c->out->oversize));
	if (st || c->out->oversize)
		return st;
	if (kind == SK_BODY_FORM) {
		/* A form application reads field by field, and detectors judge a
		 * value in its own context ("admin'--" closes a quote; the same
		 * bytes inside "user=admin'--&pass=x" read differently). */
		const sk_pair *f;
		size_t n;
		if ((st = sk_request_form(req, &f, &n)))
			return st;
		for (size_t i = 0; i < n && !st; i++)
			if (f[i].value.n)
				st = push(c, f[i].name, f[i].value);
		return st;
	}
	if (kind != SK_BODY_JSON)
		return st;
	/* A JSON application reads strings unescaped: "\u003cscript\u003e" is
	 * <script> to it. Keys and values whose text is not a slice of the raw
	 * body were unescaped by the parser; they are inspected as well. */
	const sk_json_item *items;
	size_t n;
	bool valid;
	if ((st = sk_request_json(req, &items, &n, &valid)) || !valid)
		return st;
	const uint8_t *lo = req->body.p, *hi = req->body.p + req->body.n;
	for (size_t i = 0; i < n && !st; i++) {
		const sk_json_item *it = &items[i];
		if (it->text.n && (it->text.p < lo || it->text.p + it->text.n > hi))
			st = push(c, it->pointer, it->text);
	}
	return st;
}

static bool pointer_selected(const sk_field *f, sk_str ptr)
{
	if (f->pattern == SK_PATTERN_ALL)
		return true;
	for (size_t i = 0; i < f->nnames; i++) {
		size_t n = strlen(f->names[i]);
		if (ptr.n >= n && memcmp(ptr.p, f->names[i], n) == 0 &&
		    (ptr.n == n || ptr.p[n] == '/'))
			return true;
	}
	return false;
}

static sk_status json_body(collector *c, const sk_field *f, sk_request *req, size_t limit)
{
	bool over = false;
	sk_str text = body_part(req, limit, &over);
	c->out->oversize = over;
	const sk_json_item *items = NULL;
	size_t n = 0;
	bool valid = false;
	if (!over) {
		sk_status st = sk_request_json(req, &items, &n, &valid);
		if (st)
			return st;
	}
	if (!valid) {
		/* A cut body is not valid JSON either: AWS then applies the
		 * fallback to what it has. Unset fallback: sekisho inspects the
		 * text (AWS evaluates what it parsed before the error). */
		if (req->body.n == 0)
			return SK_OK;
		switch (f->fallback) {
		case SK_JSON_FALLBACK_MATCH: c->out->json_fallback = 1; return SK_OK;
		case SK_JSON_FALLBACK_NO_MATCH: c->out->json_fallback = 2; return SK_OK;
		default: return push(c, SK_STR_LIT("(body as text)"), text);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const sk_json_item *it = &items[i];
		if (f->scope == SK_SCOPE_KEY && !it->is_key)
			continue;
		if (f->scope == SK_SCOPE_VALUE && it->is_key)
			continue;
		if (!pointer_selected(f, it->pointer))
			continue;
		sk_status st = push(c, it->pointer, it->text);
		if (st)
			return st;
	}
	return SK_OK;
}

sk_status sk_field_extract(const sk_field *f, sk_request *req, size_t body_limit, sk_arena *a,
                           sk_field_values *out)
{
	memset(out, 0, sizeof *out);
	collector c = {a, out, 0};
	sk_status st = SK_OK;
	const sk_pair *v;
	size_t n;
	switch (f->kind) {
	case SK_FTM_URI_PATH: return push(&c, SK_STR_LIT("path"), req->path);
	case SK_FTM_QUERY_STRING: return push(&c, SK_STR_LIT("query"), req->query);
	case SK_FTM_METHOD: return push(&c, SK_STR_LIT("method"), req->method);
	case SK_FTM_URI_FRAGMENT: return push(&c, SK_STR_LIT("fragment"), req->fragment);
	case SK_FTM_BODY: return body_values(&c, req, body_limit);
	case SK_FTM_JSON_BODY: return json_body(&c, f, req, body_limit);
	case SK_FTM_SINGLE_HEADER: {
		sk_str want = sk_str_cstr(f->name);
		for (size_t i = 0; i < req->nheaders && !st; i++)
			if (sk_str_ieq(req->headers[i].name, want))
				st = push(&c, req->headers[i].name, req->headers[i].value);
		return st;
	}
	case SK_FTM_HEADERS:
		/* sk_header and sk_pair have the same shape: name, value. */
		return pairs(&c, f, (const sk_pair *)req->headers, req->nheaders, true);
	case SK_FTM_COOKIES:
		if ((st = sk_request_cookies(req, &v, &n)))
			return st;
		return pairs(&c, f, v, n, false);
	case SK_FTM_SINGLE_QUERY_ARG:
	case SK_FTM_ALL_QUERY_ARGS: {
		if ((st = sk_request_args(req, &v, &n)))
			return st;
		if (f->kind == SK_FTM_ALL_QUERY_ARGS) {
			if ((st = reserve(&c, n)))
				return st;
			for (size_t i = 0; i < n && !st; i++)
				st = push(&c, v[i].name, v[i].value);
			return st;
		}
		sk_str want = sk_str_cstr(f->name);
		for (size_t i = 0; i < n && !st; i++)
			if (sk_str_ieq(v[i].name, want))
				st = push(&c, v[i].name, v[i].value);
		return st;
	}
	case SK_FTM_HEADER_ORDER: {
		size_t len = 0, count = 0;
		for (size_t i = 0; i < req->nheaders; i++)
			len += req->headers[i].name.n + 1;
		uint8_t *p = sk_arena_alloc(a, len + 1), *o = p;
		if (!p)
			return SK_E_NOMEM;
		for (size_t i = 0; i < req->nheaders; i++) {
			if (count >= SK_INSPECT_HEADER_COUNT ||
			    (size_t)(o - p) > SK_INSPECT_HEADER_BYTES) {
				out->oversize = true;
				break;
			}
			if (i)
				*o++ = ':';
			memcpy(o, req->headers[i].name.p, req->headers[i].name.n);
			o += req->headers[i].name.n;
			count++;
		}
		return push(&c, SK_STR_LIT("header order"), sk_str_make(p, (size_t)(o - p)));
	}
	}
	return SK_OK;
}

const char *sk_field_describe(const sk_field *f)
{
	switch (f->kind) {
	case SK_FTM_URI_PATH: return "URI path";
	case SK_FTM_QUERY_STRING: return "query string";
	case SK_FTM_METHOD: return "method";
	case SK_FTM_BODY: return "body";
	case SK_FTM_JSON_BODY: return "JSON body";
	case SK_FTM_SINGLE_HEADER: return "header";
	case SK_FTM_HEADERS: return "headers";
	case SK_FTM_COOKIES: return "cookie";
	case SK_FTM_SINGLE_QUERY_ARG: return "query argument";
	case SK_FTM_ALL_QUERY_ARGS: return "query argument";
	case SK_FTM_HEADER_ORDER: return "header order";
	case SK_FTM_URI_FRAGMENT: return "URI fragment";
	}
	return "field";
}

const char *sk_field_location(const sk_field *f)
{
	switch (f->kind) {
	case SK_FTM_URI_PATH: return "URI";
	case SK_FTM_QUERY_STRING: return "QUERY_STRING";
	case SK_FTM_METHOD: return "METHOD";
	case SK_FTM_BODY: return "BODY";
	case SK_FTM_JSON_BODY: return "BODY";
	case SK_FTM_SINGLE_HEADER:
	case SK_FTM_HEADERS: return "HEADER";
	case SK_FTM_COOKIES: return "COOKIES";
	case SK_FTM_SINGLE_QUERY_ARG:
	case SK_FTM_ALL_QUERY_ARGS: return "ARGS";
	case SK_FTM_HEADER_ORDER: return "HEADER_ORDER";
	case SK_FTM_URI_FRAGMENT: return "URI_FRAGMENT";
	}
	return "UNKNOWN";
}
