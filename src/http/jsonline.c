/* A request from one JSON object (the check command's --jsonl input, test
 * fixtures, replays). The request line is not validated the way the wire
 * parser does it: a JSON line describes what to inspect, and may well be an
 * attack that no strict parser would accept. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "http/internal.h"

static sk_status get_string(sk_request *req, json_t *root, const char *key, const char *dflt,
                            sk_str *out, sk_error *err)
{
	json_t *v = json_object_get(root, key);
	const char *s = dflt;
	size_t n = strlen(dflt);
	if (v && !json_is_null(v)) {
		if (!json_is_string(v))
			return sk_fail(err, SK_E_INVALID, "%s: expected a string", key);
		s = json_string_value(v);
		n = json_string_length(v);
	}
	char *d = sk_arena_strndup(req->arena, s, n);
	if (!d)
		return sk_fail(err, SK_E_NOMEM, "%s: out of memory", key);
	*out = sk_str_make(d, n);
	return SK_OK;
}

/* A header value: a string, or a number rendered as JSON text. */
static sk_status header_value(sk_arena *a, json_t *v, sk_str *out)
{
	char num[64];
	const char *s;
	size_t n;
	if (json_is_string(v)) {
		s = json_string_value(v);
		n = json_string_length(v);
	} else if (json_is_integer(v)) {
		n = (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
		                     json_integer_value(v));
		s = num;
	} else if (json_is_real(v)) {
		n = (size_t)snprintf(num, sizeof num, "%.17g", json_real_value(v));
		s = num;
	} else {
		return SK_E_INVALID;
	}
	char *d = sk_arena_strndup(a, s, n);
	if (!d)
		return SK_E_NOMEM;
	*out = sk_str_make(d, n);
	return SK_OK;
}

static sk_status get_headers(sk_request *req, json_t *h, sk_error *err)
{
	if (!h || json_is_null(h))
		return SK_OK;
	size_t count;
	if (json_is_object(h))
		count = json_object_size(h);
	else if (json_is_array(h))
		count = json_array_size(h);
	else
		return sk_fail(err, SK_E_INVALID,
		               "headers: expected an object or an array of [name, value]");
	if (count == 0)
		return SK_OK;
	sk_header *v = sk_arena_alloc(req->arena, count * sizeof *v);
	if (!v)
		return sk_fail(err, SK_E_NOMEM, "headers: out of memory");
	size_t n = 0;
	sk_status st;
	if (json_is_object(h)) {
		const char *key;
		size_t klen;
		json_t *val;
		json_object_keylen_foreach(h, key, klen, val)
		{
			char *name = sk_arena_strndup(req->arena, key, klen);
			if (!name)
				return sk_fail(err, SK_E_NOMEM, "headers: out of memory");
			v[n].name = sk_str_make(name, klen);
			if ((st = header_value(req->arena, val, &v[n].value)) != SK_OK)
				return sk_fail(err, st, "headers.%s: expected a string or a number",
				               name);
			n++;
		}
	} else {
		size_t i;
		json_t *pair;
		json_array_foreach(h, i, pair)
		{
			if (!json_is_array(pair) || json_array_size(pair) != 2 ||
			    !json_is_string(json_array_get(pair, 0)))
				return sk_fail(err, SK_E_INVALID,
				               "headers[%zu]: expected [name, value]", i);
			json_t *name = json_array_get(pair, 0);
			char *d = sk_arena_strndup(req->arena, json_string_value(name),
			                           json_string_length(name));
			if (!d)
				return sk_fail(err, SK_E_NOMEM, "headers: out of memory");
			v[n].name = sk_str_make(d, json_string_length(name));
			st = header_value(req->arena, json_array_get(pair, 1), &v[n].value);
			if (st != SK_OK)
				return sk_fail(err, st,
				               "headers[%zu]: value: expected a string or a "
				               "number",
				               i);
			n++;
		}
	}
	req->headers = v;
	req->nheaders = n;
	return SK_OK;
}

static sk_status from_object(json_t *root, sk_request *req, sk_error *err)
{
	sk_status st;
	if ((st = get_string(req, root, "method", "GET", &req->method, err)) != SK_OK)
		return st;
	if ((st = get_string(req, root, "path", "/", &req->target, err)) != SK_OK)
		return st;
	if ((st = get_string(req, root, "body", "", &req->body, err)) != SK_OK)
		return st;
	if ((st = get_string(req, root, "http_version", "HTTP/1.1", &req->version, err)) != SK_OK)
		return st;
	sk_str ver = req->version;
	if (ver.n != 8 || memcmp(ver.p, "HTTP/", 5) != 0 || ver.p[5] < '0' || ver.p[5] > '9' ||
	    ver.p[6] != '.' || ver.p[7] < '0' || ver.p[7] > '9')
		return sk_fail(err, SK_E_INVALID, "http_version: expected \"HTTP/x.y\"");
	req->http_major = (uint8_t)(ver.p[5] - '0');
	req->http_minor = (uint8_t)(ver.p[7] - '0');

	json_t *ip = json_object_get(root, "client_ip");
	if (ip && !json_is_null(ip)) {
		if (!json_is_string(ip))
			return sk_fail(err, SK_E_INVALID, "client_ip: expected a string");
		size_t n = json_string_length(ip);
		if (n >= sizeof req->client_ip || memchr(json_string_value(ip), 0, n))
			return sk_fail(err, SK_E_INVALID, "client_ip: not an address");
		memcpy(req->client_ip, json_string_value(ip), n);
		req->client_ip[n] = 0;
	}
	if ((st = get_headers(req, json_object_get(root, "headers"), err)) != SK_OK)
		return st;
	sk_http_split_target(req);
	return SK_OK;
}

sk_status sk_request_from_json(const char *text, size_t n, sk_request *req, sk_error *err)
{
	if (!req->arena)
		return sk_fail(err, SK_E_INTERNAL, "request without an arena (sk_request_init)");
	json_error_t jerr;
	json_t *root = json_loadb(text, n, JSON_ALLOW_NUL | JSON_DECODE_ANY, &jerr);
	if (!root)
		return sk_fail(err, SK_E_INVALID, "line %d, column %d: %s", jerr.line, jerr.column,
		               jerr.text);
	sk_status st;
	if (!json_is_object(root)) {
		st = sk_fail(err, SK_E_INVALID, "expected a JSON object");
	} else {
		sk_arena *a = req->arena;
		sk_request_init(req, a);
		st = from_object(root, req, err);
	}
	json_decref(root);
	return st;
}

sk_status sk_request_from_json_value(json_t *root, sk_request *req, sk_error *err)
{
	if (!req->arena)
		return sk_fail(err, SK_E_INTERNAL, "request without an arena (sk_request_init)");
	if (!json_is_object(root))
		return sk_fail(err, SK_E_INVALID, "expected a JSON object");
	sk_arena *a = req->arena;
	sk_request_init(req, a);
	return from_object(root, req, err);
}
