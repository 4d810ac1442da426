#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"

static sk_arena *arena;
static sk_request req;
static sk_error err;
static size_t consumed;

static int setup(void **state)
{
	(void)state;
	arena = sk_arena_create(4096, 0);
	sk_request_init(&req, arena);
	memset(&err, 0, sizeof err);
	consumed = 0;
	return arena ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sk_arena_destroy(arena);
	return 0;
}

/* Parses exactly n bytes from a heap copy of that size, so ASan sees any
 * read past the end. */
static sk_status parse_lim(const char *s, size_t n, unsigned flags, const sk_http_limits *lim)
{
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, s, n);
	sk_arena_reset(arena);
	sk_request_init(&req, arena);
	memset(&err, 0, sizeof err);
	consumed = 0;
	sk_status st = sk_http_parse_request(copy, n, flags, lim, &req, &consumed, &err);
	if (st == SK_OK) {
		/* Slices may point into the input: keep a copy alive that
		 * lives as long as the arena. */
		uint8_t *keep = sk_arena_dup(arena, copy, n);
		ptrdiff_t shift = keep - copy;
#define MOVE(x)                                                                                    \
	do {                                                                                       \
		if ((x).p >= copy && (x).p <= copy + n)                                            \
			(x).p += shift;                                                            \
	} while (0)
		MOVE(req.method);
		MOVE(req.target);
		MOVE(req.path);
		MOVE(req.query);
		MOVE(req.fragment);
		MOVE(req.version);
		MOVE(req.body);
		for (size_t i = 0; i < req.nheaders; i++) {
			MOVE(req.headers[i].name);
			MOVE(req.headers[i].value);
		}
#undef MOVE
	}
	free(copy);
	return st;
}

static sk_status parse_n(const char *s, size_t n, unsigned flags)
{
	return parse_lim(s, n, flags, NULL);
}

static sk_status parse(const char *s)
{
	return parse_n(s, strlen(s), 0);
}

#define assert_str(slice, lit)                                                                     \
	do {                                                                                       \
		sk_str s_ = (slice);                                                               \
		assert_int_equal(s_.n, strlen(lit));                                               \
		if (s_.n)                                                                          \
			assert_memory_equal(s_.p, lit, s_.n);                                      \
	} while (0)

static void simple_get(void **state)
{
	(void)state;
	const char *m = "GET /a/b?x=1&y=2#frag HTTP/1.1\r\nHost: example.com\r\n"
	                "User-Agent:  curl/8  \r\nAccept:*/*\r\nX-Empty:\r\n\r\n";
	assert_int_equal(parse(m), SK_OK);
	assert_int_equal(consumed, strlen(m));
	assert_str(req.method, "GET");
	assert_str(req.target, "/a/b?x=1&y=2#frag");
	assert_str(req.path, "/a/b");
	assert_str(req.query, "x=1&y=2");
	assert_str(req.fragment, "frag");
	assert_str(req.version, "HTTP/1.1");
	assert_int_equal(req.http_major, 1);
	assert_int_equal(req.http_minor, 1);
	assert_int_equal(req.nheaders, 4);
	assert_str(req.headers[0].name, "Host");
	assert_str(req.headers[0].value, "example.com");
	assert_str(req.headers[1].value, "curl/8");
	assert_str(req.headers[2].value, "*/*");
	assert_str(req.headers[3].name, "X-Empty");
	assert_str(req.headers[3].value, "");
	assert_int_equal(req.body.n, 0);
	bool found;
	assert_str(sk_request_header(&req, "user-agent", &found), "curl/8");
	assert_true(found);
}

static void http10_without_host(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n"), SK_OK);
	assert_int_equal(req.http_minor, 0);
	assert_str(req.path, "/");
	assert_str(req.query, "");
	assert_int_equal(req.nheaders, 0);
}

static void content_length_body(void **state)
{
	(void)state;
	const char *m = "POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloEXTRA";
	assert_int_equal(parse(m), SK_OK);
	assert_str(req.body, "hello");
	assert_int_equal(consumed, strlen(m) - 5);
	/* Leading zeros are still one number. */
	assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 003\r\n\r\nabc"),
	                 SK_OK);
	assert_str(req.body, "abc");
	assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"), SK_OK);
	assert_int_equal(req.body.n, 0);
}

static void chunked_body(void **state)
{
	(void)state;
	const char *m = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
	                "5;ext=1;q=\"a b\\\"c\"\r\nhello\r\n"
	                "1 ; x\r\n \r\n"
	                "00A\r\n0123456789\r\n"
	                "0\r\nX-Trailer: yes\r\nOther: 1\r\n\r\nNEXT";
	assert_int_equal(parse(m), SK_OK);
	assert_str(req.body, "hello 0123456789");
	assert_int_equal(consumed, strlen(m) - 4);
	/* Trailers are discarded, not added to the headers. */
	assert_int_equal(req.nheaders, 2);

	const char *one = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	                  "3\r\nabc\r\n0\r\n\r\n";
	assert_int_equal(parse(one), SK_OK);
	assert_str(req.body, "abc");
	assert_int_equal(consumed, strlen(one));

	const char *none = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	                   "0\r\n\r\n";
	assert_int_equal(parse(none), SK_OK);
	assert_int_equal(req.body.n, 0);
	assert_int_equal(consumed, strlen(none));
}

static void pipelining(void **state)
{
	(void)state;
	const char *a = "POST /1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
	const char *b = "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n";
	const char *c = "POST /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	                "2\r\nxy\r\n0\r\n\r\n";
	char buf[512];
	snprintf(buf, sizeof buf, "%s%s%s", a, b, c);
	size_t off = 0, total = strlen(buf);
	const char *paths[] = {"/1", "/2", "/3"};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(parse_n(buf + off, total - off, 0), SK_OK);
		assert_str(req.path, paths[i]);
		off += consumed;
	}
	assert_int_equal(off, total);
	assert_int_equal(parse_n(buf + off, 0, 0), SK_AGAIN);
}

static void every_prefix_needs_more(void **state)
{
	(void)state;
	static const char *const valid[] = {
	    "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
	    "\r\n\r\nGET /x?y HTTP/1.0\r\n\r\n",
	    "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789",
	    "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4;a=b;c=\"d\"\r\nwiki\r\n5\r\npedia\r\n0;z\r\nT: v\r\n\r\n",
	    "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
	    "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
	    "GET http://example.com/a HTTP/1.1\r\nHost: example.com\r\n\r\n",
	};
	for (size_t k = 0; k < sizeof valid / sizeof valid[0]; k++) {
		size_t n = strlen(valid[k]);
		for (size_t i = 0; i < n; i++) {
			sk_status st = parse_n(valid[k], i, 0);
			if (st != SK_AGAIN)
				fail_msg("message %zu, prefix %zu: status %d (%s)", k, i, st,
				         err.msg);
		}
		assert_int_equal(parse_n(valid[k], n, 0), SK_OK);
		assert_int_equal(consumed, n);
	}
	/* The same with bare LF line ends, under the lenient flag. */
	const char *lf = "POST /p HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n"
	                 "3\nabc\n0\n\n";
	for (size_t i = 0; i < strlen(lf); i++)
		assert_int_equal(parse_n(lf, i, SK_HTTP_LENIENT_EOL), SK_AGAIN);
	assert_int_equal(parse_n(lf, strlen(lf), SK_HTTP_LENIENT_EOL), SK_OK);
	assert_str(req.body, "abc");
}

static void again_sets_nothing(void **state)
{
	(void)state;
	const char *m = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc";
	assert_int_equal(parse(m), SK_AGAIN);
	assert_null(req.method.p);
	assert_int_equal(req.nheaders, 0);
	assert_int_equal(consumed, 0);
	assert_int_equal(sk_arena_used(arena), 0);
}

struct bad {
	const char *msg;
	size_t n; /* 0: strlen */
	sk_status want;
	const char *says;
};

#define H      "Host: h\r\n"
#define B(lit) lit, sizeof(lit) - 1
static const struct bad bad_messages[] = {
    /* framing: the request smuggling family */
    {"POST / HTTP/1.1\r\n" H "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
     SK_E_INVALID, "Content-Length and Transfer-Encoding together"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 0,
     SK_E_INVALID, "request smuggling"},
    {"POST / HTTP/1.1\r\n" H "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 0, SK_E_INVALID,
     "repeated Content-Length"},
    {"POST / HTTP/1.1\r\n" H "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 0, SK_E_INVALID,
     "repeated Content-Length"},
    {"POST / HTTP/1.1\r\n" H "Content-Length: 3, 3\r\n\r\nabc", 0, SK_E_INVALID,
     "not a single number"},
    {"POST / HTTP/1.1\r\n" H "Content-Length: +3\r\n\r\nabc", 0, SK_E_INVALID, "Content-Length"},
    {"POST / HTTP/1.1\r\n" H "Content-Length: -1\r\n\r\n", 0, SK_E_INVALID, "Content-Length"},
    {"POST / HTTP/1.1\r\n" H "Content-Length: 0x3\r\n\r\nabc", 0, SK_E_INVALID, "Content-Length"},
    {"POST / HTTP/1.1\r\n" H "Content-Length: 3 3\r\n\r\nabc", 0, SK_E_INVALID, "Content-Length"},
    {"POST / HTTP/1.1\r\n" H "Content-Length:\r\n\r\n", 0, SK_E_INVALID, "empty Content-Length"},
    {"POST / HTTP/1.1\r\n" H "Content-Length: 99999999999999999999999\r\n\r\n", 0, SK_E_INVALID,
     "too many digits"},
    {"POST / HTTP/1.1\r\n" H "Content-Length: 18446744073709551617\r\n\r\n", 0, SK_E_INVALID,
     "too many digits"},
    {"POST / HTTP/1.1\r\n" H "Content-Length: 9999999999999999999\r\n\r\n", 0, SK_E_LIMIT,
     "max_body"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked, identity\r\n\r\n", 0, SK_E_UNSUPPORTED,
     "not supported"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: identity\r\n\r\n", 0, SK_E_UNSUPPORTED,
     "identity"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: xchunked\r\n\r\n", 0, SK_E_UNSUPPORTED,
     "xchunked"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: gzip, chunked\r\n\r\n", 0, SK_E_UNSUPPORTED,
     "gzip"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
     SK_E_INVALID, "repeated Transfer-Encoding"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding:\r\n\r\n", 0, SK_E_UNSUPPORTED, "not supported"},
    {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0, SK_E_INVALID, "HTTP/1.0"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding : chunked\r\n\r\n", 0, SK_E_INVALID,
     "line 3: whitespace before colon in header name"},
    {"POST / HTTP/1.1\r\n" H "Content-Length\t: 3\r\n\r\nabc", 0, SK_E_INVALID,
     "whitespace before colon"},
    {"POST / HTTP/1.1\r\n" H "X: a\r\n Transfer-Encoding: chunked\r\n\r\n", 0, SK_E_INVALID,
     "obsolete line folding"},
    {"POST / HTTP/1.1\r\n" H "X: a\r\n\tb\r\n\r\n", 0, SK_E_INVALID, "line folding"},
    {"GET / HTTP/1.1\r\n" H "X: a\rb\r\n\r\n", 0, SK_E_INVALID, "bare CR"},
    {"GET / HTTP/1.1\r\n" H "X: a\r\r\n\r\n", 0, SK_E_INVALID, "bare CR"},
    {"GET / HTTP/1.1\r" H "\r\n", 0, SK_E_INVALID, "bare CR"},
    {B("GET / HTTP/1.1\r\n" H "X: a\0b\r\n\r\n"), SK_E_INVALID, "NUL"},
    {"GET / HTTP/1.1\r\n" H "X: a\x0b b\r\n\r\n", 0, SK_E_INVALID, "control character 0x0b"},
    {"GET / HTTP/1.1\r\n" H "X: a\x7f\r\n\r\n", 0, SK_E_INVALID, "control character 0x7f"},
    /* the same past the first 8 bytes of a value (read a word at a time) */
    {"GET / HTTP/1.1\r\n" H "X: 0123456789abcdef\x01\r\n\r\n", 0, SK_E_INVALID,
     "line 3: control character 0x01 in header value"},
    {"GET / HTTP/1.1\r\n" H "X: 0123456789\x1f"
     "abcdefgh\r\n\r\n",
     0, SK_E_INVALID, "control character 0x1f"},
    {"GET / HTTP/1.1\r\n" H "X: 0123456789abcdef\x7f\r\n\r\n", 0, SK_E_INVALID,
     "control character 0x7f"},
    {"GET / HTTP/1.1\r\n" H "X: 0123456789abcdef\x7f\rz\r\n\r\n", 0, SK_E_INVALID, "bare CR"},
    {B("GET / HTTP/1.1\r\n" H "X: \t0123456789abcdef\0\r\n\r\n"), SK_E_INVALID, "NUL byte"},
    {"GET / HTTP/1.1\r\n" H "X\x80: a\r\n\r\n", 0, SK_E_INVALID, "invalid character 0x80"},
    {"GET / HTTP/1.1\r\n" H "X@Y: a\r\n\r\n", 0, SK_E_INVALID, "invalid character 0x40"},
    {"GET / HTTP/1.1\r\n" H ": a\r\n\r\n", 0, SK_E_INVALID, "empty header name"},
    {"GET / HTTP/1.1\r\n" H "NoColon\r\n\r\n", 0, SK_E_INVALID, "without a colon"},
    {"GET / HTTP/1.1\n" H "\r\n", 0, SK_E_INVALID, "bare LF"},
    {"GET / HTTP/1.1\r\n" H "X: y\n\r\n", 0, SK_E_INVALID, "bare LF"},
    /* chunked framing */
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 0, SK_E_INVALID,
     "not a hex number"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n-5\r\n", 0, SK_E_INVALID,
     "not a hex number"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n0x5\r\n", 0, SK_E_INVALID,
     "junk after the chunk size"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", 0,
     SK_E_INVALID, "chunk"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", 0,
     SK_E_INVALID, "more than 16 hex digits"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n", 0,
     SK_E_LIMIT, "max_body"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", 0,
     SK_E_INVALID, "not followed by CRLF"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n", 0,
     SK_E_INVALID, "not followed by CRLF"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n", 0,
     SK_E_INVALID, "bare LF"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n3;\r\nabc\r\n0\r\n\r\n", 0,
     SK_E_INVALID, "chunk extension"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n3;a=\"x\r\nabc\r\n0\r\n\r\n", 0,
     SK_E_INVALID, "chunk extension"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n3;a\rb\r\nabc\r\n0\r\n\r\n", 0,
     SK_E_INVALID, "bare CR"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT : x\r\n\r\n", 0,
     SK_E_INVALID, "trailer section: line 1: whitespace before colon in trailer name"},
    {"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n0\r\n folded\r\n\r\n", 0,
     SK_E_INVALID, "folding"},
    /* request line */
    {"GET /\r\n\r\n", 0, SK_E_UNSUPPORTED, "HTTP/0.9"},
    {"GET / HTTP/2.0\r\n\r\n", 0, SK_E_UNSUPPORTED, "HTTP/2.0"},
    {"GET / HTTP/1.2\r\n" H "\r\n", 0, SK_E_UNSUPPORTED, "HTTP/1.2"},
    {"GET / HTTP/0.9\r\n\r\n", 0, SK_E_UNSUPPORTED, "HTTP/0.9"},
    {"GET / http/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "malformed HTTP version"},
    {"GET / HTTP/1.1 \r\n" H "\r\n", 0, SK_E_INVALID, "malformed HTTP version"},
    {"GET / HTTP/11\r\n" H "\r\n", 0, SK_E_INVALID, "malformed HTTP version"},
    {"GET  / HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "empty request-target"},
    {"GET /a b HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "malformed HTTP version"},
    {"GET /a\tb HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "0x09 in the request-target"},
    {"GET /a\x7f HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "0x7f in the request-target"},
    {"GET /caf\xc3\xa9 HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "0xc3 in the request-target"},
    {B("GET /a\0b HTTP/1.1\r\n" H "\r\n"), SK_E_INVALID, "0x00 in the request-target"},
    {"G(T / HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "0x28 in the method"},
    {" GET / HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "does not start with a method"},
    {"GET * HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "only allowed with OPTIONS"},
    {"GET foo HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "must start with '/'"},
    {"GET http://user@evil/ HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "userinfo"},
    {"GET http:///x HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "without a host"},
    {"CONNECT /x HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "authority-form"},
    {"CONNECT example.com HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "authority-form"},
    {"CONNECT example.com:44a HTTP/1.1\r\n" H "\r\n", 0, SK_E_INVALID, "authority-form"},
    /* Host */
    {"GET / HTTP/1.1\r\n\r\n", 0, SK_E_INVALID, "without a Host"},
    {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 0, SK_E_INVALID, "repeated Host"},
    {"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 0, SK_E_INVALID, "in Host"},
    {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 0, SK_E_INVALID, "in Host"},
    {"GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 0, SK_E_INVALID, "in Host"},
    /* junk that can never become a request is refused before its end */
    {B("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"), SK_E_INVALID, "method"},
    {"GET /\x01", 0, SK_E_INVALID, "request-target"},
};

static void rejects_ambiguous_and_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_messages / sizeof bad_messages[0]; i++) {
		const struct bad *b = &bad_messages[i];
		size_t n = b->n ? b->n : strlen(b->msg);
		sk_status st = parse_n(b->msg, n, 0);
		if (st != b->want || !strstr(err.msg, b->says))
			fail_msg("case %zu: status %d (want %d), message \"%s\" (want \"%s\")", i,
			         st, b->want, err.msg, b->says);
	}
}

static void lenient_line_ends(void **state)
{
	(void)state;
	const char *m = "\nPOST /x HTTP/1.1\nHost: h\r\nContent-Length: 2\n\nok";
	assert_int_equal(parse_n(m, strlen(m), 0), SK_E_INVALID);
	assert_int_equal(parse_n(m, strlen(m), SK_HTTP_LENIENT_EOL), SK_OK);
	assert_str(req.body, "ok");
	assert_str(req.headers[0].value, "h");
	assert_int_equal(consumed, strlen(m));
	/* A bare CR is never a line end, lenient or not. */
	const char *cr = "GET / HTTP/1.1\rHost: h\r\n\r\n";
	assert_int_equal(parse_n(cr, strlen(cr), SK_HTTP_LENIENT_EOL), SK_E_INVALID);
}

static void body_to_eof(void **state)
{
	(void)state;
	const char *m = "POST /x HTTP/1.1\r\nHost: h\r\n\r\nthe rest\r\nof the file";
	assert_int_equal(parse_n(m, strlen(m), 0), SK_OK);
	assert_int_equal(req.body.n, 0);
	assert_int_equal(consumed, strlen("POST /x HTTP/1.1\r\nHost: h\r\n\r\n"));
	assert_int_equal(parse_n(m, strlen(m), SK_HTTP_BODY_TO_EOF), SK_OK);
	assert_str(req.body, "the rest\r\nof the file");
	assert_int_equal(consumed, strlen(m));
	/* Framing headers still win over the flag. */
	const char *cl = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcdef";
	assert_int_equal(parse_n(cl, strlen(cl), SK_HTTP_BODY_TO_EOF), SK_OK);
	assert_str(req.body, "abc");
	/* A request file written by hand. */
	const char *file = "POST /login HTTP/1.1\nHost: h\nContent-Type: application/json\n\n"
	                   "{\"user\":\"admin\"}\n";
	assert_int_equal(parse_n(file, strlen(file), SK_HTTP_LENIENT_EOL | SK_HTTP_BODY_TO_EOF),
	                 SK_OK);
	assert_str(req.body, "{\"user\":\"admin\"}\n");
}

static void limits(void **state)
{
	(void)state;
	sk_http_limits lim;
	sk_http_limits_default(&lim);
	assert_int_equal(lim.max_request_line, 8192);
	assert_int_equal(lim.max_header_bytes, 65536);
	assert_int_equal(lim.max_headers, 256);
	assert_int_equal(lim.max_body, 128u << 20);

	lim.max_request_line = 20; /* "GET /123456 HTTP/1.1" is 20 */
	lim.max_header_bytes = 30;
	lim.max_headers = 3;
	lim.max_body = 10;
	const char *ok = "GET /123456 HTTP/1.1\r\nHost: h\r\n\r\n";
	assert_int_equal(parse_lim(ok, strlen(ok), 0, &lim), SK_OK);
	const char *longer = "GET /1234567 HTTP/1.1\r\nHost: h\r\n\r\n";
	assert_int_equal(parse_lim(longer, strlen(longer), 0, &lim), SK_E_LIMIT);
	assert_non_null(strstr(err.msg, "max_request_line"));
	/* ... even before the line ends. */
	assert_int_equal(parse_lim(longer, 22, 0, &lim), SK_E_LIMIT);
	assert_int_equal(parse_lim(longer, 21, 0, &lim), SK_AGAIN);

	lim.max_header_bytes = 23;
	const char *hdrs = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 1\r\n\r\n"; /* 23 bytes */
	assert_int_equal(parse_lim(hdrs, strlen(hdrs), 0, &lim), SK_OK);
	const char *big = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 12\r\n\r\n";
	assert_int_equal(parse_lim(big, strlen(big), 0, &lim), SK_E_LIMIT);
	assert_non_null(strstr(err.msg, "max_header_bytes"));
	assert_int_equal(parse_lim(big, strlen(big) - 1, 0, &lim), SK_E_LIMIT);
	assert_int_equal(parse_lim(big, strlen(big) - 2, 0, &lim), SK_AGAIN);

	const char *many = "GET / HTTP/1.1\r\nHost: h\r\nA:\r\nB:\r\nC:\r\n\r\n";
	assert_int_equal(parse_lim(many, strlen(many), 0, &lim), SK_E_LIMIT);
	assert_non_null(strstr(err.msg, "max_headers"));

	const char *cl = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n";
	lim.max_header_bytes = 1000;
	assert_int_equal(parse_lim(cl, strlen(cl), 0, &lim), SK_E_LIMIT);
	assert_non_null(strstr(err.msg, "max_body"));
	const char *ch = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	                 "5\r\nhello\r\n5\r\nworld\r\n1\r\n";
	assert_int_equal(parse_lim(ch, strlen(ch), 0, &lim), SK_E_LIMIT);
	assert_non_null(strstr(err.msg, "max_body"));
	const char *eof = "POST / HTTP/1.1\r\nHost: h\r\n\r\n0123456789A";
	assert_int_equal(parse_lim(eof, strlen(eof), SK_HTTP_BODY_TO_EOF, &lim), SK_E_LIMIT);
	assert_int_equal(parse_lim(eof, strlen(eof) - 1, SK_HTTP_BODY_TO_EOF, &lim), SK_OK);
}

static void chunk_framing_is_bounded(void **state)
{
	(void)state;
	sk_http_limits lim;
	sk_http_limits_default(&lim);
	lim.max_header_bytes = 200;
	/* Long chunk extensions add up. */
	char buf[8192];
	int n = snprintf(buf, sizeof buf,
	                 "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
	for (int i = 0; i < 10; i++)
		n += snprintf(buf + n, sizeof buf - (size_t)n,
		              "1;aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\nx\r\n");
	n += snprintf(buf + n, sizeof buf - (size_t)n, "0\r\n\r\n");
	assert_int_equal(parse_lim(buf, (size_t)n, 0, &lim), SK_E_LIMIT);
	assert_non_null(strstr(err.msg, "chunk extensions"));
	/* Many 1-byte chunks with padded sizes: framing outgrows the data. */
	n = snprintf(buf, sizeof buf,
	             "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
	for (int i = 0; i < 200; i++)
		n += snprintf(buf + n, sizeof buf - (size_t)n, "000000000000001\r\nx\r\n");
	n += snprintf(buf + n, sizeof buf - (size_t)n, "0\r\n\r\n");
	assert_int_equal(parse_lim(buf, (size_t)n, 0, &lim), SK_E_LIMIT);
	assert_non_null(strstr(err.msg, "framing"));
	/* A chunk size line is bounded on its own. */
	memset(buf, 0, sizeof buf);
	n = snprintf(buf, sizeof buf,
	             "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1");
	memset(buf + n, '0', 5000);
	assert_int_equal(parse_n(buf, (size_t)n + 5000, 0), SK_E_LIMIT);
}

static void target_forms(void **state)
{
	(void)state;
	assert_int_equal(parse("GET http://example.com:8080/a/b?q=1#f HTTP/1.1\r\nHost: x\r\n\r\n"),
	                 SK_OK);
	assert_str(req.target, "http://example.com:8080/a/b?q=1#f");
	assert_str(req.path, "/a/b");
	assert_str(req.query, "q=1");
	assert_str(req.fragment, "f");
	assert_int_equal(parse("GET https://example.com HTTP/1.1\r\nHost: x\r\n\r\n"), SK_OK);
	assert_str(req.path, "/");
	assert_int_equal(parse("GET http://example.com?a=b HTTP/1.1\r\nHost: x\r\n\r\n"), SK_OK);
	assert_str(req.path, "/");
	assert_str(req.query, "a=b");
	assert_int_equal(parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"), SK_OK);
	assert_str(req.path, "*");
	assert_int_equal(parse("CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n"), SK_OK);
	assert_str(req.path, "[::1]:443");
	assert_int_equal(parse("get /?#? HTTP/1.1\r\nHost: x\r\n\r\n"), SK_OK);
	assert_str(req.method, "get");
	assert_str(req.path, "/");
	assert_str(req.query, "");
	assert_str(req.fragment, "?");
	assert_int_equal(parse("GET //a/..%2f?x=<script>|{} HTTP/1.1\r\nHost: x\r\n\r\n"), SK_OK);
	assert_str(req.path, "//a/..%2f");
	assert_str(req.query, "x=<script>|{}");
}

static void header_values(void **state)
{
	(void)state;
	const char *m = "GET / HTTP/1.1\r\nHost:h\r\nX-Obs: caf\xc3\xa9\r\nX-Tab:\tv\t1 \t\r\n"
	                "x-custom-TOKEN!#$%&'*+-.^_`|~: ok\r\n\r\n";
	assert_int_equal(parse(m), SK_OK);
	assert_int_equal(req.nheaders, 4);
	assert_str(req.headers[0].value, "h");
	assert_str(req.headers[1].value, "caf\xc3\xa9");
	assert_str(req.headers[2].value, "v\t1");
	assert_str(req.headers[3].name, "x-custom-TOKEN!#$%&'*+-.^_`|~");
	bool found = true;
	assert_str(sk_request_header(&req, "X-Missing", &found), "");
	assert_false(found);
	assert_str(sk_request_header(&req, "x-tab", NULL), "v\t1");
}

/* More headers than the parser keeps on its stack in the first pass. */
static void many_headers(void **state)
{
	(void)state;
	char m[8192];
	size_t n = (size_t)sprintf(m, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < 100; i++)
		n += (size_t)sprintf(m + n, "X-%d:%s v%d \r\n", i, i % 3 ? " " : "\t", i);
	n += (size_t)sprintf(m + n, "Host: h\r\n\r\n");
	assert_int_equal(parse(m), SK_OK);
	assert_int_equal(req.nheaders, 101);
	char want[32];
	for (int i = 0; i < 100; i++) {
		sprintf(want, "X-%d", i);
		assert_str(req.headers[i].name, want);
		sprintf(want, "v%d", i);
		assert_str(req.headers[i].value, want);
	}
	assert_str(req.headers[100].value, "h");
}

static void leading_empty_lines(void **state)
{
	(void)state;
	const char *m = "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
	assert_int_equal(parse(m), SK_OK);
	assert_int_equal(consumed, strlen(m));
	assert_str(req.method, "GET");
	/* Errors count the skipped lines. */
	assert_int_equal(parse("\r\nGET / HTTP/1.1\r\nHost: h\r\nX : y\r\n\r\n"), SK_E_INVALID);
	assert_non_null(strstr(err.msg, "line 4:"));
}

static void keeps_client_ip(void **state)
{
	(void)state;
	sk_arena_reset(arena);
	sk_request_init(&req, arena);
	strcpy(req.client_ip, "192.0.2.1");
	const char *m = "GET / HTTP/1.0\r\n\r\n";
	assert_int_equal(
	    sk_http_parse_request((const uint8_t *)m, strlen(m), 0, NULL, &req, &consumed, &err),
	    SK_OK);
	assert_string_equal(req.client_ip, "192.0.2.1");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(simple_get),
	    T(http10_without_host),
	    T(content_length_body),
	    T(chunked_body),
	    T(pipelining),
	    T(every_prefix_needs_more),
	    T(again_sets_nothing),
	    T(rejects_ambiguous_and_malformed),
	    T(lenient_line_ends),
	    T(body_to_eof),
	    T(limits),
	    T(chunk_framing_is_bounded),
	    T(target_forms),
	    T(header_values),
	    T(many_headers),
	    T(leading_empty_lines),
	    T(keeps_client_ip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
