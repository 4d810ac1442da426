/* Log formats read back into requests. Line formats are split by hand
 * (quoted fields with backslash escapes, as nginx, Apache and ALB write
 * them); JSON ones through jansson. What a log does not hold (most
 * headers, bodies) is simply absent: rules on it see an empty field. */
#include "ops/replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"

const char *sk_log_format_name(sk_log_format f)
{
	static const char *const n[] = {"auto", "aws", "alb", "combined", "har", "jsonl"};
	return (unsigned)f < sizeof n / sizeof n[0] ? n[f] : "?";
}

int sk_log_format_parse(const char *s)
{
	for (int i = SK_LOG_AUTO; i <= SK_LOG_JSONL; i++)
		if (strcmp(s, sk_log_format_name((sk_log_format)i)) == 0)
			return i;
	return -1;
}

/* ---- fields of space-separated logs ---- */

typedef struct fields {
	sk_str f[40];
	size_t n;
} fields;

/* Splits on spaces; "quoted" fields (with \" and \\ inside) and [bracketed]
 * ones are one field each, without their quotes or brackets. Escapes are
 * kept as written (they are undone where a field is used). */
static bool split(const char *l, size_t n, fields *out)
{
	size_t i = 0;
	out->n = 0;
	while (i < n) {
		while (i < n && l[i] == ' ')
			i++;
		if (i == n)
			break;
		if (out->n == sizeof out->f / sizeof out->f[0])
			return true; /* later fields are not needed */
		size_t s = i;
		if (l[i] == '"' || l[i] == '[') {
			char close = l[i] == '"' ? '"' : ']';
			s = ++i;
			while (i < n && l[i] != close) {
				if (l[i] == '\\' && close == '"' && i + 1 < n)
					i++;
				i++;
			}
			if (i == n)
				return false; /* unterminated */
			out->f[out->n++] = sk_str_make(l + s, i - s);
			i++;
		} else {
			while (i < n && l[i] != ' ')
				i++;
			out->f[out->n++] = sk_str_make(l + s, i - s);
		}
	}
	return true;
}

/* A quoted field's text with \" \\ \xHH undone. */
static json_t *unescaped(sk_str s)
{
	char *buf = malloc(s.n + 1);
	if (!buf)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] == '\\' && i + 1 < s.n) {
			uint8_t c = s.p[i + 1];
			if (c == 'x' && i + 3 < s.n) {
				unsigned v = 0;
				int ok = 1;
				for (int d = 2; d < 4; d++) {
					int h = sk_hex_digit(s.p[i + d]);
					v = v << 4 | (unsigned)(h < 0 ? 0 : h);
					ok &= h >= 0;
				}
				if (ok) {
					buf[k++] = (char)v;
					i += 3;
					continue;
				}
			}
			buf[k++] = (char)c;
			i++;
			continue;
		}
		buf[k++] = (char)s.p[i];
	}
	json_t *j = json_stringn_nocheck(buf, k);
	free(buf);
	return j;
}

/* "GET /path?q HTTP/1.1" into method, path, version. For ALB the target
 * is absolute ("https://host:443/path"): the path part is kept and the
 * host becomes a Host header. */
static sk_status request_line(sk_str rl, json_t *o, json_t *headers, sk_error *err)
{
	const uint8_t *p = rl.p, *e = rl.p + rl.n;
	const uint8_t *sp1 = memchr(p, ' ', rl.n);
	if (!sp1)
		return sk_fail(err, SK_E_INVALID,
		               "request line \"%.*s\": expected METHOD TARGET VERSION",
		               (int)(rl.n > 60 ? 60 : rl.n), (const char *)rl.p);
	const uint8_t *t = sp1 + 1;
	const uint8_t *sp2 = t;
	while (sp2 < e && *sp2 != ' ')
		sp2++;
	sk_str target = sk_str_make(t, (size_t)(sp2 - t));
	sk_str version =
	    sp2 < e ? sk_str_make(sp2 + 1, (size_t)(e - sp2 - 1)) : SK_STR_LIT("HTTP/1.1");
	if (target.n == 0)
		return sk_fail(err, SK_E_INVALID, "request line without a target");
	const uint8_t *scheme = NULL;
	for (size_t i = 0; i + 2 < target.n && !scheme; i++)
		if (target.p[i] == ':' && target.p[i + 1] == '/' && target.p[i + 2] == '/')
			scheme = target.p + i + 3;
		else if (target.p[i] == '/')
			break;
	if (scheme) {
		const uint8_t *pe = target.p + target.n, *slash = scheme;
		while (slash < pe && *slash != '/' && *slash != '?')
			slash++;
		json_array_append_new(headers, json_pack("[s,s%]", "Host", (const char *)scheme,
		                                         (size_t)(slash - scheme)));
		target = slash < pe ? sk_str_make(slash, (size_t)(pe - slash)) : SK_STR_LIT("/");
	}
	json_object_set_new(o, "method", json_stringn_nocheck((const char *)p, (size_t)(sp1 - p)));
	json_object_set_new(o, "path", json_stringn_nocheck((const char *)target.p, target.n));
	if (version.n == 8 && memcmp(version.p, "HTTP/", 5) == 0)
		json_object_set_new(o, "http_version",
		                    json_stringn_nocheck((const char *)version.p, version.n));
	return SK_OK;
}

/* The address part of "1.2.3.4:5678" or "[::1]:5678" or a bare address. */
static json_t *address(sk_str s)
{
	if (s.n && s.p[0] == '[') {
		const uint8_t *rb = memchr(s.p, ']', s.n);
		if (rb)
			return json_stringn_nocheck((const char *)s.p + 1, (size_t)(rb - s.p - 1));
	}
	const uint8_t *colon = memchr(s.p, ':', s.n);
	if (colon && !memchr(colon + 1, ':', (size_t)(s.p + s.n - colon - 1)))
		return json_stringn_nocheck((const char *)s.p, (size_t)(colon - s.p));
	return json_stringn_nocheck((const char *)s.p, s.n);
}

/* nginx/Apache combined:
 * IP - user [time] "request" status bytes "referer" "user-agent" */
static sk_status combined(const fields *f, json_t **out, sk_error *err)
{
	if (f->n < 9)
		return sk_fail(
		    err, SK_E_INVALID,
		    "expected the combined format: IP - USER [TIME] \"REQUEST\" STATUS BYTES "
		    "\"REFERER\" \"USER-AGENT\"");
	json_t *o = json_object(), *h = json_array();
	sk_status st = request_line(f->f[4], o, h, err);
	if (st) {
		json_decref(o);
		json_decref(h);
		return st;
	}
	if (!(f->f[7].n == 1 && f->f[7].p[0] == '-'))
		json_array_append_new(h, json_pack("[s,o]", "Referer", unescaped(f->f[7])));
	if (!(f->f[8].n == 1 && f->f[8].p[0] == '-'))
		json_array_append_new(h, json_pack("[s,o]", "User-Agent", unescaped(f->f[8])));
	json_object_set_new(o, "headers", h);
	json_object_set_new(o, "client_ip", address(f->f[0]));
	*out = o;
	return SK_OK;
}

/* ALB: type time elb client:port target:port t1 t2 t3 elb_status
 * target_status received sent "request" "user_agent" ... */
static sk_status alb(const fields *f, json_t **out, sk_error *err)
{
	if (f->n < 14)
		return sk_fail(err, SK_E_INVALID,
		               "expected an ALB access log entry (type time elb client:port ... "
		               "\"request\" \"user_agent\" ...)");
	json_t *o = json_object(), *h = json_array();
	sk_status st = request_line(f->f[12], o, h, err);
	if (st) {
		json_decref(o);
		json_decref(h);
		return st;
	}
	if (!(f->f[13].n == 1 && f->f[13].p[0] == '-'))
		json_array_append_new(h, json_pack("[s,o]", "User-Agent", unescaped(f->f[13])));
	json_object_set_new(o, "headers", h);
	json_object_set_new(o, "client_ip", address(f->f[3]));
	*out = o;
	return SK_OK;
}

static bool looks_alb(const fields *f)
{
	static const char *const types[] = {"http", "https", "h2", "grpcs", "ws", "wss", NULL};
	if (f->n < 14)
		return false;
	bool type = false;
	for (const char *const *t = types; *t; t++)
		type |= sk_str_eq(f->f[0], sk_str_cstr(*t));
	/* the time: 2026-12-05T03:00:00.123456Z */
	return type && f->f[1].n >= 20 && f->f[1].p[4] == '-' && f->f[1].p[10] == 'T';
}

/* AWS WAF log record: httpRequest {clientIp, headers[{name,value}], uri,
 * args, httpVersion, httpMethod}. */
static sk_status aws(json_t *rec, json_t **out, sk_error *err)
{
	json_t *hr = json_object_get(rec, "httpRequest");
	const char *uri = json_string_value(json_object_get(hr, "uri"));
	const char *method = json_string_value(json_object_get(hr, "httpMethod"));
	if (!json_is_object(hr) || !uri || !method)
		return sk_fail(err, SK_E_INVALID,
		               "httpRequest: expected an object with uri and httpMethod");
	const char *args = json_string_value(json_object_get(hr, "args"));
	json_t *o = json_object(), *h = json_array();
	json_object_set_new(o, "method", json_string(method));
	json_object_set_new(o, "path",
	                    args && *args ? json_sprintf("%s?%s", uri, args) : json_string(uri));
	const char *ver = json_string_value(json_object_get(hr, "httpVersion"));
	if (ver && strlen(ver) == 8 && strncmp(ver, "HTTP/", 5) == 0)
		json_object_set_new(o, "http_version", json_string(ver));
	json_t *ip = json_object_get(hr, "clientIp");
	if (json_is_string(ip))
		json_object_set(o, "client_ip", ip);
	size_t i;
	json_t *hv;
	json_array_foreach(json_object_get(hr, "headers"), i, hv)
	{
		json_t *n = json_object_get(hv, "name"), *v = json_object_get(hv, "value");
		if (json_is_string(n) && json_is_string(v))
			json_array_append_new(h, json_pack("[O,O]", n, v));
	}
	json_object_set_new(o, "headers", h);
	*out = o;
	return SK_OK;
}

sk_status sk_log_line(const char *line, size_t n, sk_log_format *fmt, json_t **out, sk_error *err)
{
	size_t i = 0;
	while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	if (i == n || line[i] == '#')
		return SK_AGAIN;
	*out = NULL;
	if (line[i] == '{') {
		json_error_t je;
		json_t *j = json_loadb(line, n, JSON_ALLOW_NUL, &je);
		if (!j)
			return sk_fail(err, SK_E_INVALID, "column %d: %s", je.column, je.text);
		sk_status st = SK_OK;
		if (*fmt == SK_LOG_AUTO)
			*fmt = json_object_get(j, "httpRequest") ? SK_LOG_AWS : SK_LOG_JSONL;
		if (*fmt == SK_LOG_AWS) {
			st = aws(j, out, err);
		} else if (*fmt == SK_LOG_JSONL) {
			/* events --json: the request is inside */
			json_t *r = json_object_get(j, "request");
			*out = json_incref(json_is_object(r) ? r : j);
		} else {
			st = sk_fail(err, SK_E_INVALID, "a JSON line in a %s log",
			             sk_log_format_name(*fmt));
		}
		json_decref(j);
		return st;
	}
	if (*fmt == SK_LOG_AWS || *fmt == SK_LOG_JSONL)
		return sk_fail(err, SK_E_INVALID, "expected a JSON object (one request a line)");
	fields f;
	if (!split(line, n, &f))
		return sk_fail(err, SK_E_INVALID, "a quoted field does not end");
	if (*fmt == SK_LOG_AUTO)
		*fmt = looks_alb(&f) ? SK_LOG_ALB : SK_LOG_COMBINED;
	switch (*fmt) {
	case SK_LOG_ALB: return alb(&f, out, err);
	case SK_LOG_COMBINED: return combined(&f, out, err);
	default:
		return sk_fail(err, SK_E_INVALID, "a HAR file is one JSON document (--format har)");
	}
}

sk_status sk_log_har(const char *text, size_t n, json_t **out, sk_error *err)
{
	json_error_t je;
	json_t *doc = json_loadb(text, n, JSON_ALLOW_NUL, &je);
	if (!doc)
		return sk_fail(err, SK_E_INVALID, "line %d, column %d: %s", je.line, je.column,
		               je.text);
	json_t *entries = json_object_get(json_object_get(doc, "log"), "entries");
	if (!json_is_array(entries)) {
		json_decref(doc);
		return sk_fail(err, SK_E_INVALID, "log.entries: expected an array (a HAR file)");
	}
	json_t *all = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(entries, i, e)
	{
		json_t *rq = json_object_get(e, "request");
		const char *method = json_string_value(json_object_get(rq, "method"));
		const char *url = json_string_value(json_object_get(rq, "url"));
		if (!method || !url) {
			json_decref(all);
			json_decref(doc);
			return sk_fail(err, SK_E_INVALID,
			               "log.entries[%zu].request: expected method and url", i);
		}
		json_t *o = json_object(), *h = json_array();
		/* url is absolute: request_line keeps its path, Host from it */
		json_t *tmp = json_sprintf("%s %s %s", method, url,
		                           json_string_value(json_object_get(rq, "httpVersion"))
		                               ?: "HTTP/1.1");
		sk_status st =
		    tmp ? request_line(sk_str_make(json_string_value(tmp), json_string_length(tmp)),
		                       o, h, err)
		        : sk_fail(err, SK_E_NOMEM, "out of memory");
		json_decref(tmp);
		if (st) {
			json_decref(o);
			json_decref(h);
			json_decref(all);
			json_decref(doc);
			sk_error_prefix(err, "log.entries[%zu].request", i);
			return st;
		}
		size_t k;
		json_t *hv;
		json_array_foreach(json_object_get(rq, "headers"), k, hv)
		{
			json_t *hn = json_object_get(hv, "name"),
			       *vv = json_object_get(hv, "value");
			/* HTTP/2 pseudo-headers (":authority") are not fields */
			if (json_is_string(hn) && json_is_string(vv) &&
			    json_string_value(hn)[0] != ':' &&
			    strcasecmp(json_string_value(hn), "host") != 0)
				json_array_append_new(h, json_pack("[O,O]", hn, vv));
		}
		json_t *pd = json_object_get(json_object_get(rq, "postData"), "text");
		if (json_is_string(pd))
			json_object_set(o, "body", pd);
		json_object_set_new(o, "headers", h);
		json_array_append_new(all, o);
	}
	json_decref(doc);
	*out = all;
	return SK_OK;
}
