/* Fuzz target for the HTTP/1.1 request parser and the body decoders. Each
 * input is parsed under every flag combination, each time in a fresh arena;
 * on success the decoded views are built too. Beyond memory safety it
 * checks properties the parser must keep, and aborts so libFuzzer saves
 * the input when one breaks:
 * - a parsed message lies within the input, within the limits;
 * - it is self-delimiting: the same bytes alone parse the same, and one
 *   byte fewer is incomplete (SK_AGAIN), never a different message;
 * - what parses strictly parses the same with lenient line ends;
 * - an error always comes with a message;
 * - JSON items have well-formed pointers and texts no longer than the body
 *   (but for re-rendered numbers). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

static void decode_all(sk_request *req)
{
	const sk_pair *pv;
	const sk_part *parts;
	const sk_json_item *items;
	size_t n;
	bool valid;
	if (sk_request_args(req, &pv, &n) == SK_OK)
		for (size_t i = 0; i < n; i++)
			CHECK(pv[i].name.n + pv[i].value.n <= req->query.n);
	if (sk_request_cookies(req, &pv, &n) == SK_OK)
		for (size_t i = 0; i < n; i++)
			CHECK(pv[i].name.n == 0 || pv[i].name.p != NULL);
	if (sk_request_form(req, &pv, &n) == SK_OK)
		for (size_t i = 0; i < n; i++)
			CHECK(pv[i].name.n + pv[i].value.n <= req->body.n);
	if (sk_request_parts(req, &parts, &n, &valid) == SK_OK) {
		CHECK(n <= 1000);
		for (size_t i = 0; i < n; i++)
			CHECK(parts[i].data.n <= req->body.n);
	}
	if (sk_request_json(req, &items, &n, &valid) == SK_OK) {
		CHECK(valid || n == 0 || req->body.n > 0);
		for (size_t i = 0; i < n; i++) {
			CHECK(items[i].text.n <= req->body.n ||
			      items[i].text.n <= 32); /* numbers are re-rendered */
			CHECK(items[i].text.n == 0 || items[i].text.p);
			/* "" only for a top-level scalar; a key names a member. */
			CHECK(items[i].pointer.p &&
			      (items[i].pointer.n ? items[i].pointer.p[0] == '/'
			                          : !items[i].is_key && n == 1));
		}
	}
	(void)sk_request_body_kind(req);
	bool found;
	(void)sk_request_header(req, "content-type", &found);
}

static int within(sk_str s, const uint8_t *p, size_t n)
{
	return s.n == 0 || (s.p >= p && s.p + s.n <= p + n);
}

/* Parses p[0..n) in a fresh arena. */
static sk_status parse(const uint8_t *p, size_t n, unsigned flags, const sk_http_limits *lim,
                       size_t *consumed, size_t *body_n, int decode)
{
	sk_arena *a = sk_arena_create(4096, (size_t)64 << 20);
	CHECK(a);
	sk_request req;
	sk_request_init(&req, a);
	sk_error err;
	err.msg[0] = 0;
	*consumed = 0;
	sk_status st = sk_http_parse_request(p, n, flags, lim, &req, consumed, &err);
	if (st == SK_OK) {
		CHECK(*consumed > 0 && *consumed <= n);
		CHECK(within(req.method, p, n) && req.method.n > 0);
		CHECK(within(req.target, p, n) && req.target.n > 0);
		CHECK(within(req.path, p, n) || req.path.n == 1);
		CHECK(within(req.query, p, n) && within(req.fragment, p, n));
		CHECK(req.version.n == 8 && req.http_major == 1 && req.http_minor <= 1);
		CHECK(req.nheaders <= lim->max_headers);
		CHECK(req.body.n <= lim->max_body);
		for (size_t i = 0; i < req.nheaders; i++)
			CHECK(within(req.headers[i].name, p, n) &&
			      within(req.headers[i].value, p, n) && req.headers[i].name.n > 0);
		*body_n = req.body.n;
		if (decode)
			decode_all(&req);
	} else if (st != SK_AGAIN) {
		CHECK(err.msg[0] != 0 && memchr(err.msg, 0, sizeof err.msg));
	}
	sk_arena_destroy(a);
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sk_http_limits lim;
	sk_http_limits_default(&lim);
	static const unsigned flag_sets[] = {0, SK_HTTP_LENIENT_EOL, SK_HTTP_BODY_TO_EOF,
	                                     SK_HTTP_LENIENT_EOL | SK_HTTP_BODY_TO_EOF};
	size_t strict_consumed = 0, strict_body = 0;
	sk_status strict = SK_AGAIN;
	for (size_t f = 0; f < sizeof flag_sets / sizeof flag_sets[0]; f++) {
		unsigned flags = flag_sets[f];
		size_t consumed = 0, body_n = 0;
		sk_status st = parse(data, size, flags, &lim, &consumed, &body_n, 1);
		if (flags == 0) {
			strict = st;
			strict_consumed = consumed;
			strict_body = body_n;
		}
		if (flags == SK_HTTP_LENIENT_EOL && strict == SK_OK)
			CHECK(st == SK_OK && consumed == strict_consumed && body_n == strict_body);
		if (st != SK_OK || (flags & SK_HTTP_BODY_TO_EOF))
			continue;
		/* Self-delimiting: alone, the message parses the same... */
		size_t c2 = 0, b2 = 0;
		CHECK(parse(data, consumed, flags, &lim, &c2, &b2, 0) == SK_OK);
		CHECK(c2 == consumed && b2 == body_n);
		/* ...and one byte short it is incomplete. */
		CHECK(parse(data, consumed - 1, flags, &lim, &c2, &b2, 0) == SK_AGAIN);
	}
	/* Tight limits reach the limit paths. */
	lim.max_request_line = 64;
	lim.max_header_bytes = 128;
	lim.max_headers = 4;
	lim.max_body = 64;
	size_t consumed, body_n;
	(void)parse(data, size, SK_HTTP_LENIENT_EOL, &lim, &consumed, &body_n, 0);
	return 0;
}
