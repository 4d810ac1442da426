/* Upstream response heads. Only what the gateway forwards needs reading:
 * the status, the fields, and how the body is framed. Framing follows RFC
 * 9112 6.3 with no leniency: Content-Length and Transfer-Encoding together,
 * conflicting lengths, or a coding other than chunked are errors, since a
 * proxy that guesses is a proxy that can be desynchronized. */
#include "http/response.h"

#include <string.h>

#include "http/internal.h"

static bool digits(sk_str s, uint64_t *out)
{
	uint64_t v = 0;
	if (s.n == 0 || s.n > 19)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	*out = v;
	return true;
}

static sk_status status_line(const uint8_t *l, size_t n, sk_response_head *out, sk_error *err)
{
	/* HTTP/1.x SP 3DIGIT SP reason */
	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || (l[7] != '0' && l[7] != '1') || l[8] != ' ')
		return sk_fail(err, SK_E_INVALID,
		               "response: status line is not \"HTTP/1.x NNN ...\"");
	for (int i = 9; i < 12; i++)
		if (l[i] < '0' || l[i] > '9')
			return sk_fail(err, SK_E_INVALID, "response: status code is not 3 digits");
	if (n > 12 && l[12] != ' ')
		return sk_fail(err, SK_E_INVALID, "response: junk after the status code");
	out->minor = (uint8_t)(l[7] - '0');
	out->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	if (out->status < 100)
		return sk_fail(err, SK_E_INVALID, "response: status code %d", out->status);
	for (size_t i = 13; i < n; i++)
		if (l[i] != '\t' && (l[i] < 0x20 || l[i] == 0x7f))
			return sk_fail(err, SK_E_INVALID,
			               "response: control character in the reason");
	out->reason = n > 13 ? sk_str_make(l + 13, n - 13) : SK_STR_LIT("");
	return SK_OK;
}

sk_status sk_http_parse_response_head(const uint8_t *p, size_t n, size_t max_head,
                                      bool head_request, sk_header *headers, size_t cap,
                                      sk_response_head *out, sk_error *err)
{
	memset(out, 0, sizeof *out);
	out->headers = headers;
	size_t look = n < max_head ? n : max_head;
	size_t pos = 0, line = 1;
	bool seen_length = false, seen_te = false, chunked = false, close = false,
	     keep_alive = false;
	sk_status st;
	for (;; line++) {
		const uint8_t *lf = pos < look ? memchr(p + pos, '\n', look - pos) : NULL;
		if (!lf) {
			if (n >= max_head)
				return sk_fail(err, SK_E_LIMIT,
				               "response: head larger than %zu bytes", max_head);
			return SK_AGAIN;
		}
		size_t end = (size_t)(lf - p), next = end + 1;
		if (end == pos || p[end - 1] != '\r')
			return sk_fail(err, SK_E_INVALID,
			               "response line %zu: bare LF (CRLF expected)", line);
		end--;
		if (memchr(p + pos, '\r', end - pos))
			return sk_fail(err, SK_E_INVALID, "response line %zu: bare CR", line);
		if (line == 1) {
			if ((st = status_line(p + pos, end - pos, out, err)))
				return st;
			pos = next;
			continue;
		}
		if (end == pos) {
			out->head_len = next;
			break;
		}
		sk_str name, value;
		if ((st = sk_http_parse_field(p + pos, end - pos, line, "response header", &name,
		                              &value, err)))
			return st;
		if (out->nheaders == cap)
			return sk_fail(err, SK_E_LIMIT, "response: more than %zu header fields",
			               cap);
		headers[out->nheaders++] = (sk_header){name, value};
		if (sk_str_ieq_cstr(name, "content-length")) {
			uint64_t v;
			if (!digits(value, &v))
				return sk_fail(err, SK_E_INVALID,
				               "response line %zu: Content-Length is not a number",
				               line);
			if (seen_length && v != out->content_length)
				return sk_fail(
				    err, SK_E_INVALID,
				    "response line %zu: conflicting Content-Length headers", line);
			seen_length = true;
			out->content_length = v;
		} else if (sk_str_ieq_cstr(name, "transfer-encoding")) {
			if (seen_te || !sk_str_ieq_cstr(value, "chunked"))
				return sk_fail(
				    err, SK_E_INVALID,
				    "response line %zu: Transfer-Encoding other than one "
				    "\"chunked\"",
				    line);
			seen_te = chunked = true;
		} else if (sk_str_ieq_cstr(name, "connection")) {
			close |= sk_http_has_token(value, "close");
			keep_alive |= sk_http_has_token(value, "keep-alive");
		}
		pos = next;
	}
	if (seen_length && seen_te)
		return sk_fail(err, SK_E_INVALID,
		               "response: Content-Length and Transfer-Encoding together");
	if (chunked && out->minor == 0)
		return sk_fail(err, SK_E_INVALID, "response: Transfer-Encoding in HTTP/1.0");
	int s = out->status;
	if (head_request || s < 200 || s == 204 || s == 304)
		out->body = SK_RESP_BODY_NONE;
	else if (chunked)
		out->body = SK_RESP_BODY_CHUNKED;
	else if (seen_length)
		out->body = SK_RESP_BODY_LENGTH;
	else
		out->body = SK_RESP_BODY_CLOSE;
	out->keep_alive =
	    out->body != SK_RESP_BODY_CLOSE && !close && (out->minor == 1 || keep_alive);
	return SK_OK;
}
