/* Fuzz target for the gateway's side of HTTP: the head-only request
 * parser, the incremental chunked reader and the upstream response-head
 * parser. Differential where two readers must agree:
 * - sk_http_parse_head accepts exactly the heads sk_http_parse_request
 *   accepts (same method, target, headers, framing), whatever the body;
 * - a chunked body fed to sk_chunked_feed in pieces (split points taken
 *   from the input) decodes to the same bytes, and is accepted or refused
 *   like the whole-message parser does, as the gateway streams what the
 *   engine inspected;
 * - the response parser never reads past its input and frames bodies in
 *   one way only. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/chunked.h"
#include "http/request.h"
#include "http/response.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

/* The chunked body at p[0..n), fed in pieces of 1 + (seed bytes) % 7. */
static sk_status feed_pieces(const uint8_t *p, size_t n, const uint8_t *seed, size_t nseed,
                             uint8_t *out, size_t *outn, size_t *used_total, bool *done)
{
	sk_chunked *c = malloc(sizeof *c);
	sk_chunked_init(c, (uint64_t)1 << 20);
	size_t pos = 0, k = 0;
	*outn = 0;
	sk_status st = SK_OK;
	while (pos < n && !sk_chunked_done(c)) {
		size_t piece = 1 + (nseed ? seed[k++ % nseed] % 7 : 3);
		if (piece > n - pos)
			piece = n - pos;
		size_t off = 0;
		while (off < piece && !sk_chunked_done(c)) {
			size_t used;
			sk_str data;
			sk_error err = {0};
			st = sk_chunked_feed(c, p + pos + off, piece - off, &used, &data, &err);
			if (st) {
				CHECK(err.msg[0]);
				goto out;
			}
			CHECK(used <= piece - off);
			CHECK(used > 0 || piece - off == 0);
			CHECK(data.n <= used);
			memcpy(out + *outn, data.p, data.n);
			*outn += data.n;
			off += used;
		}
		pos += off;
	}
out:
	*done = sk_chunked_done(c);
	*used_total = pos;
	free(c);
	return st;
}

static void check_request(const uint8_t *data, size_t size)
{
	sk_arena *a = sk_arena_create(4096, 0);
	sk_request whole, head;
	sk_request_init(&whole, a);
	sk_request_init(&head, a);
	sk_http_limits lim;
	sk_http_limits_default(&lim);
	lim.max_body = (size_t)1 << 20;
	sk_error e1 = {0}, e2 = {0};
	size_t consumed = 0;
	sk_http_head_info hi;
	sk_status s1 = sk_http_parse_request(data, size, 0, &lim, &whole, &consumed, &e1);
	sk_status s2 = sk_http_parse_head(data, size, 0, &lim, &head, &hi, &e2);
	if (s2 != SK_OK) {
		/* A refused or incomplete head cannot make a whole message. */
		CHECK(s1 == s2);
		CHECK(s2 == SK_AGAIN || e2.msg[0]);
		sk_arena_destroy(a);
		return;
	}
	CHECK(hi.head_len <= size);
	CHECK(head.nheaders == 0 || head.headers != NULL);
	if (s1 == SK_OK) {
		CHECK(sk_str_eq(whole.method, head.method) && sk_str_eq(whole.target, head.target));
		CHECK(whole.nheaders == head.nheaders);
		for (size_t i = 0; i < head.nheaders; i++)
			CHECK(sk_str_eq(whole.headers[i].name, head.headers[i].name) &&
			      sk_str_eq(whole.headers[i].value, head.headers[i].value));
	}
	if (hi.framing == SK_HTTP_FRAMING_CHUNKED) {
		const uint8_t *b = data + hi.head_len;
		size_t bn = size - hi.head_len;
		uint8_t *out = malloc(bn + 1);
		size_t outn, used;
		bool done;
		sk_status st =
		    feed_pieces(b, bn, data, size < 16 ? size : 16, out, &outn, &used, &done);
		if (s1 == SK_OK) {
			/* The whole-message parser took it: so does the stream,
			 * with the same body and the same end. */
			CHECK(st == SK_OK && done);
			CHECK(outn == whole.body.n && memcmp(out, whole.body.p, outn) == 0);
			CHECK(hi.head_len + used == consumed);
		} else if (st == SK_OK && done) {
			/* The stream ended a message the whole parser refused:
			 * only its limits (trailer or framing budgets) may differ. */
			CHECK(s1 == SK_E_LIMIT || s1 == SK_E_INVALID);
		}
		free(out);
	}
	sk_arena_destroy(a);
}

static void check_response(const uint8_t *data, size_t size)
{
	sk_header hdrs[64];
	sk_response_head rh;
	sk_error err = {0};
	for (int head_req = 0; head_req < 2; head_req++) {
		sk_status st =
		    sk_http_parse_response_head(data, size, 8192, head_req, hdrs, 64, &rh, &err);
		if (st == SK_OK) {
			CHECK(rh.head_len <= size && rh.head_len > 0);
			CHECK(rh.status >= 100 && rh.status <= 999);
			CHECK(rh.nheaders <= 64);
			CHECK(!head_req || rh.body == SK_RESP_BODY_NONE);
			CHECK(rh.body != SK_RESP_BODY_CLOSE || !rh.keep_alive);
		} else if (st != SK_AGAIN) {
			CHECK(err.msg[0]);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1 << 16))
		return 0;
	/* An exact-size heap copy, so reads past the end are caught. */
	uint8_t *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	check_request(copy, size);
	check_response(copy, size);
	free(copy);
	return 0;
}
