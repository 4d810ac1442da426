/* A JSON body flattened to keys and scalar values in document order, each
 * with its JSON Pointer (RFC 6901), for matchers that look at JSON bodies.
 *
 * jansson parses (with JSON_ALLOW_NUL: strings may hold \u0000). Known
 * limits of going through jansson, and what they mean here:
 * - Object members keep their document order, but a repeated key keeps
 *   only its last value (at the position of the first): earlier values are
 *   not inspected as JSON items (they still are as raw body bytes).
 * - A key holding \u0000 makes jansson refuse the document: valid=false.
 * - An integer beyond 64 bits is read as a double (rendered like one).
 * Containers nested deeper than MAX_DEPTH, or pointers adding up to more
 * than the pointer budget (deep paths under many members), stop the walk:
 * the items found so far are kept and valid is false. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "http/internal.h"

#define MAX_DEPTH 64
/* Pointer bytes allowed beyond 16 per body byte. */
#define POINTER_SLACK ((size_t)1 << 20)

struct flat {
	sk_arena *a;
	sk_json_item *v;
	size_t n, cap;
	sk_buf ptr; /* pointer of the element being walked */
	size_t ptr_budget;
	bool cut; /* too deep or over budget: stopped early */
};

/* Items the walk would emit, to size the array once. */
static size_t count_items(json_t *j, int depth)
{
	size_t c = 0, i;
	const char *key;
	size_t klen;
	json_t *val;
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		if (depth > MAX_DEPTH)
			return 0;
		json_object_keylen_foreach(j, key, klen, val)
		{
			(void)klen;
			c += 1 + count_items(val, depth + 1);
		}
		return c;
	case JSON_ARRAY:
		if (depth > MAX_DEPTH)
			return 0;
		json_array_foreach(j, i, val) c += count_items(val, depth + 1);
		return c;
	default: return 1;
	}
}

static sk_status emit(struct flat *f, const void *text, size_t n, bool is_key)
{
	if (f->ptr.n > f->ptr_budget) {
		f->cut = true;
		return SK_OK;
	}
	f->ptr_budget -= f->ptr.n;
	if (f->n == f->cap) /* count_items and the walk disagree: a bug */
		return SK_E_INTERNAL;
	uint8_t *t = sk_arena_dup(f->a, text, n);
	uint8_t *p = sk_arena_dup(f->a, f->ptr.p ? f->ptr.p : (const uint8_t *)"", f->ptr.n);
	if (!t || !p)
		return SK_E_NOMEM;
	f->v[f->n++] = (sk_json_item){sk_str_make(p, f->ptr.n), sk_str_make(t, n), is_key};
	return SK_OK;
}

/* "/" and the key with '~' as "~0" and '/' as "~1". */
static sk_status push_key(sk_buf *b, const char *key, size_t n)
{
	sk_status st = sk_buf_putc(b, '/');
	for (size_t i = 0; i < n && st == SK_OK; i++) {
		if (key[i] == '~')
			st = sk_buf_append(b, "~0", 2);
		else if (key[i] == '/')
			st = sk_buf_append(b, "~1", 2);
		else
			st = sk_buf_putc(b, (uint8_t)key[i]);
	}
	return st;
}

/* The shortest text that reads back as the same double; whole numbers of
 * moderate size without an exponent ("1000", not "1e+03"). */
static int format_real(double d, char *out, size_t n)
{
	if (d > -1e15 && d < 1e15 && d == (double)(long long)d)
		return snprintf(out, n, "%lld", (long long)d);
	int len = 0;
	for (int prec = 1; prec <= 17; prec++) {
		len = snprintf(out, n, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	return len;
}

static sk_status walk(struct flat *f, json_t *j, int depth)
{
	const char *key;
	size_t klen, i;
	json_t *val;
	char num[64];
	sk_status st = SK_OK;
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		if (depth > MAX_DEPTH) {
			f->cut = true;
			return SK_OK;
		}
		json_object_keylen_foreach(j, key, klen, val)
		{
			size_t save = f->ptr.n;
			if ((st = push_key(&f->ptr, key, klen)) != SK_OK)
				return st;
			if ((st = emit(f, key, klen, true)) != SK_OK)
				return st;
			if ((st = walk(f, val, depth + 1)) != SK_OK)
				return st;
			f->ptr.n = save;
			if (f->cut)
				return SK_OK;
		}
		return SK_OK;
	case JSON_ARRAY:
		if (depth > MAX_DEPTH) {
			f->cut = true;
			return SK_OK;
		}
		json_array_foreach(j, i, val)
		{
			size_t save = f->ptr.n;
			if ((st = sk_buf_printf(&f->ptr, "/%zu", i)) != SK_OK)
				return st;
			if ((st = walk(f, val, depth + 1)) != SK_OK)
				return st;
			f->ptr.n = save;
			if (f->cut)
				return SK_OK;
		}
		return SK_OK;
	case JSON_STRING: return emit(f, json_string_value(j), json_string_length(j), false);
	case JSON_INTEGER: {
		int n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return emit(f, num, (size_t)n, false);
	}
	case JSON_REAL: {
		int n = format_real(json_real_value(j), num, sizeof num);
		return emit(f, num, (size_t)n, false);
	}
	case JSON_TRUE: return emit(f, "true", 4, false);
	case JSON_FALSE: return emit(f, "false", 5, false);
	case JSON_NULL: return emit(f, "null", 4, false);
	}
	return SK_OK;
}

static sk_status flatten(sk_request *req, sk_json_item **v, size_t *n, bool *valid)
{
	*v = NULL;
	*n = 0;
	*valid = false;
	if (req->body.n == 0)
		return SK_OK;
	json_error_t jerr;
	const size_t flags = JSON_ALLOW_NUL | JSON_DECODE_ANY;
	json_t *root = json_loadb((const char *)req->body.p, req->body.n, flags, &jerr);
	if (!root && json_error_code(&jerr) == json_error_numeric_overflow)
		root = json_loadb((const char *)req->body.p, req->body.n,
		                  flags | JSON_DECODE_INT_AS_REAL, &jerr);
	if (!root)
		return SK_OK;

	struct flat f = {.a = req->arena};
	size_t budget = req->body.n > (SIZE_MAX - POINTER_SLACK) / 16
	                    ? SIZE_MAX
	                    : req->body.n * 16 + POINTER_SLACK;
	f.ptr_budget = budget;
	/* A pointer is never longer than twice the body (escapes) plus the
	 * array indexes. */
	sk_buf_init(&f.ptr, budget);
	f.cap = count_items(root, 1);
	sk_status st = SK_OK;
	if (f.cap) {
		if (f.cap > SIZE_MAX / sizeof *f.v ||
		    !(f.v = sk_arena_alloc(req->arena, f.cap * sizeof *f.v)))
			st = SK_E_NOMEM;
		else
			st = walk(&f, root, 1);
	}
	sk_buf_free(&f.ptr);
	json_decref(root);
	if (st != SK_OK)
		return st;
	*v = f.v;
	*n = f.n;
	*valid = !f.cut;
	return SK_OK;
}

sk_status sk_request_json(sk_request *req, const sk_json_item **v, size_t *n, bool *valid)
{
	if (!req->json_.done) {
		sk_json_item *jv;
		size_t jn;
		bool ok;
		sk_status st = flatten(req, &jv, &jn, &ok);
		if (st != SK_OK)
			return st;
		req->json_.v = jv;
		req->json_.n = jn;
		req->json_.valid = ok;
		req->json_.done = true;
	}
	*v = req->json_.v;
	*n = req->json_.n;
	*valid = req->json_.valid;
	return SK_OK;
}
