/* The gateway's incremental HTTP readers: head-only request parsing, the
 * chunked reader fed in pieces, and upstream response heads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "http/chunked.h"
#include "http/request.h"
#include "http/response.h"

/* Feeds s in pieces of `piece` bytes; returns the status of the first
 * error or SK_OK, the decoded body in out, and where the message ended. */
static sk_status feed(const char *s, size_t piece, char *out, size_t *outn, size_t *end,
                      sk_error *err)
{
	sk_chunked c;
	sk_chunked_init(&c, 1 << 20);
	size_t n = strlen(s), pos = 0;
	*outn = 0;
	while (pos < n && !sk_chunked_done(&c)) {
		size_t take = n - pos < piece ? n - pos : piece;
		/* an exact-size copy of the piece, so ASan sees overreads */
		uint8_t *p = malloc(take);
		memcpy(p, s + pos, take);
		size_t off = 0;
		while (off < take && !sk_chunked_done(&c)) {
			size_t used;
			sk_str data;
			sk_status st = sk_chunked_feed(&c, p + off, take - off, &used, &data, err);
			if (st) {
				free(p);
				return st;
			}
			memcpy(out + *outn, data.p, data.n);
			*outn += data.n;
			off += used;
		}
		free(p);
		pos += off;
	}
	*end = pos;
	return sk_chunked_done(&c) ? SK_OK : SK_AGAIN;
}

static void chunked_in_every_piece_size(void **state)
{
	(void)state;
	const char *msg = "5\r\nhello\r\n6;ext=\"q\"\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
	for (size_t piece = 1; piece < 40; piece++) {
		char out[64];
		size_t outn, end;
		sk_error err = {0};
		assert_int_equal(feed(msg, piece, out, &outn, &end, &err), SK_OK);
		assert_int_equal(outn, 11);
		assert_memory_equal(out, "hello world", 11);
		assert_int_equal(end, strlen(msg) - 4); /* stops before the next message */
	}
}

static void chunked_refusals(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "zz\r\n",                    /* not hex */
	    "5 \r\nhello\r\n0\r\n\r\n",  /* whitespace without an extension */
	    "5\nhello\r\n0\r\n\r\n",     /* bare LF */
	    "5\r\nhelloX\r\n0\r\n\r\n",  /* data longer than its size */
	    "11111111111111111\r\n",     /* 17 hex digits */
	    "5;\r\nhello\r\n0\r\n\r\n",  /* empty extension */
	    "0\r\nBad Name: 1\r\n\r\n",  /* trailer name with a space */
	    "0\r\n folded\r\n\r\n",      /* obs-fold in trailers */
	    "5\r\nhel\rlo\r\n0\r\n\r\n", /* that is data: 'hel\rl' then 'o' where CRLF goes */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char out[64];
		size_t outn, end;
		sk_error err = {0};
		sk_status st = feed(bad[i], 3, out, &outn, &end, &err);
		assert_true(st == SK_E_INVALID || st == SK_E_LIMIT);
		assert_true(err.msg[0] != 0);
	}
}

static void chunked_limits(void **state)
{
	(void)state;
	sk_chunked c;
	sk_chunked_init(&c, 10);
	size_t used;
	sk_str data;
	sk_error err = {0};
	assert_int_equal(sk_chunked_feed(&c, (const uint8_t *)"b\r\n", 3, &used, &data, &err),
	                 SK_E_LIMIT);
	/* a size line that never ends */
	sk_chunked_init(&c, 1 << 20);
	char line[SK_CHUNK_LINE_MAX + 10];
	memset(line, '0', sizeof line);
	sk_status st = SK_OK;
	for (size_t off = 0; off < sizeof line && st == SK_OK; off += used)
		st = sk_chunked_feed(&c, (const uint8_t *)line + off, sizeof line - off, &used,
		                     &data, &err);
	assert_int_equal(st, SK_E_LIMIT);
}

static void head_only(void **state)
{
	(void)state;
	sk_arena *a = sk_arena_create(4096, 0);
	sk_request r;
	sk_request_init(&r, a);
	sk_http_head_info hi;
	sk_error err = {0};
	const char *m = "POST /p?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\npartial";
	assert_int_equal(sk_http_parse_head((const uint8_t *)m, strlen(m), 0, NULL, &r, &hi, &err),
	                 SK_OK);
	assert_int_equal(hi.framing, SK_HTTP_FRAMING_LENGTH);
	assert_int_equal(hi.content_length, 100);
	assert_int_equal(hi.head_len, strlen(m) - 7);
	assert_int_equal(r.body.n, 0);
	assert_int_equal(r.query.n, 3);
	const char *te = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
	assert_int_equal(
	    sk_http_parse_head((const uint8_t *)te, strlen(te), 0, NULL, &r, &hi, &err), SK_OK);
	assert_int_equal(hi.framing, SK_HTTP_FRAMING_CHUNKED);
	const char *inc = "GET / HTTP/1.1\r\nHost: h\r\n";
	assert_int_equal(
	    sk_http_parse_head((const uint8_t *)inc, strlen(inc), 0, NULL, &r, &hi, &err),
	    SK_AGAIN);
	const char *both = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n"
	                   "Transfer-Encoding: chunked\r\n\r\n";
	assert_int_equal(
	    sk_http_parse_head((const uint8_t *)both, strlen(both), 0, NULL, &r, &hi, &err),
	    SK_E_INVALID);
	sk_arena_destroy(a);
}

static sk_status resp(const char *s, bool head, sk_response_head *rh)
{
	static sk_header h[16];
	sk_error err = {0};
	return sk_http_parse_response_head((const uint8_t *)s, strlen(s), 4096, head, h, 16, rh,
	                                   &err);
}

static void response_framing(void **state)
{
	(void)state;
	sk_response_head rh;
	assert_int_equal(resp("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false, &rh),
	                 SK_OK);
	assert_int_equal(rh.body, SK_RESP_BODY_LENGTH);
	assert_int_equal(rh.content_length, 5);
	assert_true(rh.keep_alive);
	assert_int_equal(resp("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true, &rh), SK_OK);
	assert_int_equal(rh.body, SK_RESP_BODY_NONE);
	assert_int_equal(resp("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", false, &rh),
	                 SK_OK);
	assert_int_equal(rh.body, SK_RESP_BODY_NONE);
	assert_int_equal(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, &rh),
	                 SK_OK);
	assert_int_equal(rh.body, SK_RESP_BODY_CHUNKED);
	assert_int_equal(resp("HTTP/1.1 200 OK\r\n\r\n", false, &rh), SK_OK);
	assert_int_equal(rh.body, SK_RESP_BODY_CLOSE);
	assert_false(rh.keep_alive);
	assert_int_equal(resp("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", false, &rh), SK_OK);
	assert_false(rh.keep_alive);
	assert_int_equal(
	    resp("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n", false, &rh),
	    SK_OK);
	assert_false(rh.keep_alive);
	assert_int_equal(resp("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n", false, &rh), SK_AGAIN);
}

static void response_refusals(void **state)
{
	(void)state;
	sk_response_head rh;
	static const char *const bad[] = {
	    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
	    "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
	    "HTTP/1.1 200 OK\nContent-Length: 1\n\n",
	    "HTTP/1.1 20 OK\r\n\r\n",
	    "HTTP/2 200 OK\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
	    "HTTP/1.1 200 OK\r\n folded\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_true(resp(bad[i], false, &rh) >= SK_E_NOMEM);
	/* identical Content-Length repeats are one length */
	assert_int_equal(
	    resp("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n", false, &rh),
	    SK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(chunked_in_every_piece_size),
	    cmocka_unit_test(chunked_refusals),
	    cmocka_unit_test(chunked_limits),
	    cmocka_unit_test(head_only),
	    cmocka_unit_test(response_framing),
	    cmocka_unit_test(response_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
