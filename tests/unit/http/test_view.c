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

static int setup(void **state)
{
	(void)state;
	arena = sk_arena_create(4096, 0);
	return arena ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sk_arena_destroy(arena);
	return 0;
}

/* Builds req from a request written with LF line ends; the body is the rest
 * of the text (n bytes in all, so it may hold NULs). The text is copied
 * into the arena, which outlives req. */
static void build_n(const char *text, size_t n)
{
	sk_arena_reset(arena);
	sk_request_init(&req, arena);
	uint8_t *copy = sk_arena_dup(arena, text, n);
	size_t consumed;
	sk_error err = {0};
	sk_status st = sk_http_parse_request(copy, n, SK_HTTP_LENIENT_EOL | SK_HTTP_BODY_TO_EOF,
	                                     NULL, &req, &consumed, &err);
	if (st != SK_OK)
		fail_msg("parse: %d %s", st, err.msg);
}

static void build(const char *text)
{
	build_n(text, strlen(text));
}

/* A request with the given content type (NULL: none) and body. */
static void build_body(const char *ctype, const char *body, size_t n)
{
	char head[512];
	int hn;
	if (ctype)
		hn = snprintf(head, sizeof head,
		              "POST / HTTP/1.1\r\nHost: h\r\nContent-Type: %s\r\n\r\n", ctype);
	else
		hn = snprintf(head, sizeof head, "POST / HTTP/1.1\r\nHost: h\r\n\r\n");
	char *all = malloc((size_t)hn + n + 1);
	memcpy(all, head, (size_t)hn);
	memcpy(all + hn, body, n);
	build_n(all, (size_t)hn + n);
	free(all);
}

#define assert_str(slice, lit)                                                                     \
	do {                                                                                       \
		sk_str s_ = (slice);                                                               \
		if (s_.n != strlen(lit) || (s_.n && memcmp(s_.p, lit, s_.n) != 0))                 \
			fail_msg("got \"%.*s\", want \"%s\"", (int)s_.n, (const char *)s_.p, lit); \
	} while (0)

static void query_args(void **state)
{
	(void)state;
	build("GET /p?a=1&b=&c&&d=x=y&%3Cs%3E=%27+1&=v&a=2#frag HTTP/1.1\nHost: h\n\n");
	const sk_pair *v;
	size_t n;
	assert_int_equal(sk_request_args(&req, &v, &n), SK_OK);
	assert_int_equal(n, 7);
	assert_str(v[0].name, "a");
	assert_str(v[0].value, "1");
	assert_str(v[1].name, "b");
	assert_str(v[1].value, "");
	assert_str(v[2].name, "c");
	assert_str(v[2].value, "");
	assert_str(v[3].name, "d");
	assert_str(v[3].value, "x=y");
	assert_str(v[4].name, "%3Cs%3E"); /* raw, not decoded */
	assert_str(v[4].value, "%27+1");
	assert_str(v[5].name, "");
	assert_str(v[5].value, "v");
	assert_str(v[6].value, "2");
	/* Cached: the same array again. */
	const sk_pair *v2;
	size_t n2;
	assert_int_equal(sk_request_args(&req, &v2, &n2), SK_OK);
	assert_ptr_equal(v, v2);
	assert_int_equal(n2, 7);

	build("GET /nothing HTTP/1.1\nHost: h\n\n");
	assert_int_equal(sk_request_args(&req, &v, &n), SK_OK);
	assert_int_equal(n, 0);
	build("GET /?&&& HTTP/1.1\nHost: h\n\n");
	assert_int_equal(sk_request_args(&req, &v, &n), SK_OK);
	assert_int_equal(n, 0);
}

static void cookies(void **state)
{
	(void)state;
	build("GET / HTTP/1.1\nHost: h\nCookie: a=1; b=2\nX: y\ncookie:  c=3;;  d ; e=f=g;\n"
	      "Cookie:\n\n");
	const sk_pair *v;
	size_t n;
	assert_int_equal(sk_request_cookies(&req, &v, &n), SK_OK);
	assert_int_equal(n, 5);
	assert_str(v[0].name, "a");
	assert_str(v[0].value, "1");
	assert_str(v[1].name, "b");
	assert_str(v[1].value, "2");
	assert_str(v[2].name, "c");
	assert_str(v[2].value, "3");
	assert_str(v[3].name, "d");
	assert_str(v[3].value, "");
	assert_str(v[4].name, "e");
	assert_str(v[4].value, "f=g");
	build("GET / HTTP/1.1\nHost: h\n\n");
	assert_int_equal(sk_request_cookies(&req, &v, &n), SK_OK);
	assert_int_equal(n, 0);
}

static void form_fields(void **state)
{
	(void)state;
	const char *body = "user=admin&pass=%27+or+1%3D1--&&x";
	build_body("application/x-www-form-urlencoded; charset=UTF-8", body, strlen(body));
	assert_int_equal(sk_request_body_kind(&req), SK_BODY_FORM);
	const sk_pair *v;
	size_t n;
	assert_int_equal(sk_request_form(&req, &v, &n), SK_OK);
	assert_int_equal(n, 3);
	assert_str(v[0].name, "user");
	assert_str(v[0].value, "admin");
	assert_str(v[1].value, "%27+or+1%3D1--");
	assert_str(v[2].name, "x");
}

static void body_kinds(void **state)
{
	(void)state;
	static const struct {
		const char *ctype;
		sk_body_kind want;
	} cases[] = {
	    {"application/x-www-form-urlencoded", SK_BODY_FORM},
	    {"Application/X-WWW-Form-URLEncoded ; charset=utf-8", SK_BODY_FORM},
	    {"application/json", SK_BODY_JSON},
	    {"application/json; charset=utf-8", SK_BODY_JSON},
	    {"application/vnd.api+json", SK_BODY_JSON},
	    {"application/problem+JSON", SK_BODY_JSON},
	    {"text/json", SK_BODY_JSON},
	    {"multipart/form-data; boundary=x", SK_BODY_MULTIPART},
	    {"multipart/mixed", SK_BODY_MULTIPART},
	    {"application/xml", SK_BODY_XML},
	    {"text/xml", SK_BODY_XML},
	    {"application/soap+xml", SK_BODY_XML},
	    {"image/svg+xml", SK_BODY_XML},
	    {"text/plain", SK_BODY_TEXT},
	    {"text/html; charset=utf-8", SK_BODY_TEXT},
	    {"application/javascript", SK_BODY_TEXT},
	    {"application/graphql", SK_BODY_TEXT},
	    {"", SK_BODY_TEXT},
	    {"garbage", SK_BODY_TEXT},
	    {"application/octet-stream", SK_BODY_BINARY},
	    {"application/pdf", SK_BODY_BINARY},
	    {"application/zip", SK_BODY_BINARY},
	    {"application/x-protobuf", SK_BODY_BINARY},
	    {"image/png", SK_BODY_BINARY},
	    {"audio/mpeg", SK_BODY_BINARY},
	    {"video/mp4", SK_BODY_BINARY},
	    {"font/woff2", SK_BODY_BINARY},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		build_body(cases[i].ctype, "x", 1);
		sk_body_kind k = sk_request_body_kind(&req);
		if (k != cases[i].want)
			fail_msg("\"%s\": kind %d, want %d", cases[i].ctype, k, cases[i].want);
		build_body(cases[i].ctype, "", 0);
		assert_int_equal(sk_request_body_kind(&req), SK_BODY_NONE);
	}
	build_body(NULL, "hello", 5);
	assert_int_equal(sk_request_body_kind(&req), SK_BODY_TEXT);
	build_body(NULL, "", 0);
	assert_int_equal(sk_request_body_kind(&req), SK_BODY_NONE);
}

static const sk_part *parts;
static size_t nparts;
static bool parts_valid;

static void get_parts(const char *ctype, const char *body)
{
	build_body(ctype, body, strlen(body));
	assert_int_equal(sk_request_parts(&req, &parts, &nparts, &parts_valid), SK_OK);
}

static void multipart_text_and_files(void **state)
{
	(void)state;
	const char *body =
	    "preamble to ignore\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"title\"\r\n"
	    "\r\n"
	    "Hello\r\nworld\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"upload\"; filename=\"a\\\"b.php\"\r\n"
	    "Content-Type: application/x-php\r\n"
	    "\r\n"
	    "<?php system($_GET['c']); ?>\r\n"
	    "--XyZ  \r\n"
	    "content-disposition: form-data; name=meta; filename*=UTF-8''%E2%82%AC.txt\r\n"
	    "\r\n"
	    "euro\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"blob\"\r\n"
	    "Content-Type: image/png\r\n"
	    "\r\n"
	    "\x89PNG\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"j\"\r\n"
	    "Content-Type: application/json\r\n"
	    "\r\n"
	    "{}\r\n"
	    "--XyZ--\r\n"
	    "epilogue --XyZ\r\n";
	get_parts("multipart/form-data; boundary=XyZ", body);
	assert_true(parts_valid);
	assert_int_equal(nparts, 5);
	assert_str(parts[0].name, "title");
	assert_str(parts[0].data, "Hello\r\nworld");
	assert_false(parts[0].is_file);
	assert_int_equal(parts[0].nheaders, 1);
	assert_str(parts[1].name, "upload");
	assert_str(parts[1].filename, "a\"b.php");
	assert_str(parts[1].content_type, "application/x-php");
	assert_str(parts[1].data, "<?php system($_GET['c']); ?>");
	assert_true(parts[1].is_file);
	assert_int_equal(parts[1].nheaders, 2);
	assert_str(parts[1].headers[1].name, "Content-Type");
	assert_str(parts[2].name, "meta");
	assert_str(parts[2].filename, "\xe2\x82\xac.txt");
	assert_true(parts[2].is_file);
	assert_str(parts[3].name, "blob");
	assert_str(parts[3].filename, "");
	assert_true(parts[3].is_file); /* binary content type, no filename */
	assert_str(parts[3].data, "\x89PNG");
	assert_false(parts[4].is_file);
	assert_str(parts[4].data, "{}");
}

static void multipart_boundary_forms(void **state)
{
	(void)state;
	const char *body = "--a'()+_,-./:=?b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n"
	                   "--a'()+_,-./:=?b--";
	get_parts("multipart/form-data; charset=utf-8; boundary=\"a'()+_,-./:=?b\"", body);
	assert_true(parts_valid);
	assert_int_equal(nparts, 1);
	assert_str(parts[0].data, "1");

	/* LF-only line ends are accepted; the empty part keeps its place. */
	body = "--b\nContent-Disposition: form-data; name=a\n\nA\n--b\n"
	       "Content-Disposition: form-data; name=e\n\n\n--b--\n";
	get_parts("multipart/form-data; boundary=b", body);
	assert_true(parts_valid);
	assert_int_equal(nparts, 2);
	assert_str(parts[0].data, "A");
	assert_str(parts[1].name, "e");
	assert_str(parts[1].data, "");

	/* The boundary inside data, not at a line start, is data. */
	body = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx--b y\r\n--b--";
	get_parts("multipart/form-data; boundary=b", body);
	assert_true(parts_valid);
	assert_str(parts[0].data, "x--b y");
}

static void multipart_invalid(void **state)
{
	(void)state;
	const char *ok = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nA\r\n--b--\r\n";
	static const char *const bad_types[] = {
	    "multipart/form-data",
	    "multipart/form-data; boundary=",
	    "multipart/form-data; boundary=\"\"",
	    "multipart/form-data; boundary=b; boundary=c",
	    "multipart/form-data; boundary=b c",
	    "multipart/form-data; boundary=b<c",
	    "multipart/form-data; boundary=0123456789012345678901234567890123456789012345678901"
	    "23456789012345678901",
	    "application/json; boundary=b",
	};
	for (size_t i = 0; i < sizeof bad_types / sizeof bad_types[0]; i++) {
		get_parts(bad_types[i], ok);
		if (parts_valid)
			fail_msg("content type %s: valid", bad_types[i]);
	}
	get_parts("multipart/form-data; boundary=b", ok);
	assert_true(parts_valid);

	static const char *const bad_bodies[] = {
	    /* no closing delimiter */
	    "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nA\r\n",
	    "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nA\r\n--b",
	    /* no delimiter at all */
	    "just text",
	    /* no Content-Disposition, or no name, or not form-data */
	    "--b\r\nContent-Type: text/plain\r\n\r\nA\r\n--b--",
	    "--b\r\nContent-Disposition: form-data; filename=x\r\n\r\nA\r\n--b--",
	    "--b\r\nContent-Disposition: attachment; name=a\r\n\r\nA\r\n--b--",
	    /* repeated parameters and headers */
	    "--b\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nA\r\n--b--",
	    "--b\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; "
	    "name=b\r\n\r\nA\r\n--b--",
	    "--b\r\nContent-Disposition: form-data; name=a\r\nContent-Type: a/b\r\n"
	    "Content-Type: c/d\r\n\r\nA\r\n--b--",
	    /* malformed headers */
	    "--b\r\nContent-Disposition : form-data; name=a\r\n\r\nA\r\n--b--",
	    "--b\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\nA\r\n--b--",
	    "--b\r\nContent-Disposition: form-data; name=a\r\nno colon\r\n\r\nA\r\n--b--",
	    "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nA\r\n--b--",
	    /* headers never end */
	    "--b\r\nContent-Disposition: form-data; name=a\r\n--b--",
	    /* junk after a delimiter */
	    "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nA\r\n--bc\r\n\r\n--b--",
	};
	for (size_t i = 0; i < sizeof bad_bodies / sizeof bad_bodies[0]; i++) {
		get_parts("multipart/form-data; boundary=b", bad_bodies[i]);
		if (parts_valid)
			fail_msg("body %zu: valid", i);
	}
	/* What was found is still there to inspect. */
	get_parts("multipart/form-data; boundary=b",
	          "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nA\r\n--b\r\n"
	          "Content-Disposition: form-data; name=hidden\r\n\r\n<script>");
	assert_false(parts_valid);
	assert_int_equal(nparts, 2);
	assert_str(parts[1].data, "<script>");
	get_parts("multipart/form-data; boundary=b",
	          "--b\r\nContent-Disposition: form-data; name=a\r\n<script>\r\n--b--");
	assert_false(parts_valid);
	assert_int_equal(nparts, 1);
	assert_str(parts[0].data, "Content-Disposition: form-data; name=a\r\n<script>");
}

static void multipart_part_limit(void **state)
{
	(void)state;
	const char *one = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n";
	size_t len = strlen(one), count = 1001;
	char *body = malloc(len * count + 8);
	for (size_t i = 0; i < count; i++)
		memcpy(body + i * len, one, len);
	strcpy(body + len * count, "--b--");
	get_parts("multipart/form-data; boundary=b", body);
	assert_false(parts_valid);
	assert_int_equal(nparts, 1000);
	strcpy(body + len * 1000, "--b--");
	get_parts("multipart/form-data; boundary=b", body);
	assert_true(parts_valid);
	assert_int_equal(nparts, 1000);
	free(body);
}

static const sk_json_item *items;
static size_t nitems;
static bool json_valid;

static void get_json_n(const char *body, size_t n)
{
	build_body("application/json", body, n);
	assert_int_equal(sk_request_json(&req, &items, &nitems, &json_valid), SK_OK);
}

static void get_json(const char *body)
{
	get_json_n(body, strlen(body));
}

static void expect_item(size_t i, const char *pointer, const char *text, bool is_key)
{
	if (i >= nitems)
		fail_msg("item %zu missing", i);
	assert_str(items[i].pointer, pointer);
	assert_str(items[i].text, text);
	assert_int_equal(items[i].is_key, is_key);
}

static void json_flattening(void **state)
{
	(void)state;
	get_json("{\"user\": {\"name\": \"a\\\"b\", \"roles\": [\"admin\", 7, -1.5, true, null]},"
	         " \"a/b\": false, \"m~n\": 1e3, \"\": {}, \"z\": [[], [0.1]]}");
	assert_true(json_valid);
	size_t i = 0;
	expect_item(i++, "/user", "user", true);
	expect_item(i++, "/user/name", "name", true);
	expect_item(i++, "/user/name", "a\"b", false);
	expect_item(i++, "/user/roles", "roles", true);
	expect_item(i++, "/user/roles/0", "admin", false);
	expect_item(i++, "/user/roles/1", "7", false);
	expect_item(i++, "/user/roles/2", "-1.5", false);
	expect_item(i++, "/user/roles/3", "true", false);
	expect_item(i++, "/user/roles/4", "null", false);
	expect_item(i++, "/a~1b", "a/b", true);
	expect_item(i++, "/a~1b", "false", false);
	expect_item(i++, "/m~0n", "m~n", true);
	expect_item(i++, "/m~0n", "1000", false);
	expect_item(i++, "/", "", true);
	expect_item(i++, "/z", "z", true);
	expect_item(i++, "/z/1/0", "0.1", false);
	assert_int_equal(nitems, i);
}

static void json_scalars_and_nul(void **state)
{
	(void)state;
	get_json("\"top\"");
	assert_true(json_valid);
	assert_int_equal(nitems, 1);
	expect_item(0, "", "top", false);

	get_json("[\"a\\u0000b\", 12345678901234567890123]");
	assert_true(json_valid);
	assert_int_equal(nitems, 2);
	assert_int_equal(items[0].text.n, 3);
	assert_memory_equal(items[0].text.p, "a\0b", 3);
	assert_str(items[1].pointer, "/1");

	/* A raw NUL byte in the body is not JSON. */
	get_json_n("[1]\0", 4);
	assert_false(json_valid);

	/* Repeated keys: every member is kept (an application may read
	 * either one). */
	get_json("{\"a\": 1, \"a\": 2}");
	assert_true(json_valid);
	assert_int_equal(nitems, 4);
	expect_item(0, "/a", "a", true);
	expect_item(1, "/a", "1", false);
	expect_item(2, "/a", "a", true);
	expect_item(3, "/a", "2", false);

	/* A NUL in a key is kept, in the key and in its pointer. */
	get_json("{\"a\\u0000\": 1}");
	assert_true(json_valid);
	assert_int_equal(nitems, 2);
	assert_int_equal(items[0].text.n, 2);
	assert_memory_equal(items[0].text.p, "a\0", 2);
	assert_int_equal(items[0].pointer.n, 3);
	assert_memory_equal(items[0].pointer.p, "/a\0", 3);
	assert_true(items[1].pointer.p == items[0].pointer.p); /* one copy */
}

static void json_duplicate_keys(void **state)
{
	(void)state;
	get_json("{\"q\": \"benign\", \"x\": {\"q\": 1}, \"q\": \"' or 1=1--\", "
	         "\"q\": [\"<script>\"]}");
	assert_true(json_valid);
	size_t i = 0;
	expect_item(i++, "/q", "q", true);
	expect_item(i++, "/q", "benign", false);
	expect_item(i++, "/x", "x", true);
	expect_item(i++, "/x/q", "q", true);
	expect_item(i++, "/x/q", "1", false);
	expect_item(i++, "/q", "q", true);
	expect_item(i++, "/q", "' or 1=1--", false);
	expect_item(i++, "/q", "q", true);
	expect_item(i++, "/q/0", "<script>", false);
	assert_int_equal(nitems, i);
}

static void json_escapes(void **state)
{
	(void)state;
	get_json("[\"\\n\\t\\\"\\\\\\/\\b\\f\\r\", \"x\\u0041\\u00e9\\u20AC\\uD83D\\uDE00y\","
	         " \"\\uD800\\uDC00\\uDBFF\\uDFFF\", \"\\uD800\", \"\\uDC00a\","
	         " \"\\uD800\\u0041\", \"\\uD800\\uD800\\uDC00\", \"plain\"]");
	assert_true(json_valid);
	assert_int_equal(nitems, 8);
	expect_item(0, "/0", "\n\t\"\\/\b\f\r", false);
	expect_item(1, "/1", "xA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80y", false);
	expect_item(2, "/2", "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", false);
	/* Surrogates without their other half become U+FFFD. */
	expect_item(3, "/3", "\xef\xbf\xbd", false);
	expect_item(4, "/4",
	            "\xef\xbf\xbd"
	            "a",
	            false);
	expect_item(5, "/5",
	            "\xef\xbf\xbd"
	            "A",
	            false);
	expect_item(6, "/6", "\xef\xbf\xbd\xf0\x90\x80\x80", false);
	/* Without escapes the text is the body's own bytes. */
	assert_true(items[7].text.p >= req.body.p && items[7].text.p < req.body.p + req.body.n);

	/* Keys are unescaped too; the pointer escapes '~' and '/'. */
	get_json("{\"a\\/b~\\u007e\": {\"\\\"\": [0,1,2,3,4,5,6,7,8,9,10]}}");
	assert_true(json_valid);
	assert_int_equal(nitems, 13);
	expect_item(0, "/a~1b~0~0", "a/b~~", true);
	expect_item(1, "/a~1b~0~0/\"", "\"", true);
	expect_item(12, "/a~1b~0~0/\"/10", "10", false);

	/* Bytes that are not UTF-8 are inspected as they are; a byte order
	 * mark and RFC whitespace around the value are fine. */
	get_json("\xef\xbb\xbf \t\r\n{\"\xff\xfe\": \"\xc0\xaf\x80\"} \n");
	assert_true(json_valid);
	assert_int_equal(nitems, 2);
	expect_item(0, "/\xff\xfe", "\xff\xfe", true);
	expect_item(1, "/\xff\xfe", "\xc0\xaf\x80", false);
}

static void json_numbers(void **state)
{
	(void)state;
	/* Integers that fit in 64 bits and plain decimals are read as written;
	 * others as the shortest text that reads back as the same double, as
	 * jansson rendered them. */
	get_json("[0, -0, 42, -17, 123456789012345678, 9223372036854775807, -9223372036854775808,"
	         " 1.5, -0.25, 0.0001, 100.125, 1.50, 0.00001, 1e3, 1E-2, 2.5e+1, -0.0,"
	         " 12345678901234567890123, 1e-400, 0.1234567890123456789]");
	assert_true(json_valid);
	static const char *const want[] = {"0",
	                                   "0",
	                                   "42",
	                                   "-17",
	                                   "123456789012345678",
	                                   "9223372036854775807",
	                                   "-9223372036854775808",
	                                   "1.5",
	                                   "-0.25",
	                                   "0.0001",
	                                   "100.125",
	                                   "1.5",
	                                   "1e-05",
	                                   "1000",
	                                   "0.01",
	                                   "25",
	                                   "0",
	                                   "1.2345678901234568e+22",
	                                   "0",
	                                   "0.12345678901234568"};
	assert_int_equal(nitems, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < nitems; i++)
		assert_str(items[i].text, want[i]);
}

static void json_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "", "{", "{\"a\":}", "[1,]", "nul", "{} {}", "'x'", "[1e999]",
	    /* structure */
	    " ", "\xef\xbb\xbf",
	    "\xef\xbb\xbf\xef\xbb\xbf"
	    "1",
	    "[", "]", "}", "[1 2]", "[1,,2]", "[,1]", "[1]]", "{\"a\" 1}", "{\"a\":1,}", "{,}",
	    "{1:2}", "{\"a\"}", "{\"a\":1 \"b\":2}", "[}", "{]", "[1}", "{\"a\":1]", "{\"a\":[}",
	    "\"a\" \"b\"", "1 2", "[1]x", "\f1", "\v1",
	    "\xa0"
	    "1",
	    "[1]\x01",
	    /* literals and numbers */
	    "tru", "truex", "nulll", "True", "NaN", "Infinity", "-", "+1", "01", "-01", "1.", ".5",
	    "1.e5", "1e", "1e+", "0x10", "1_000", "[-1e400]",
	    /* strings */
	    "\"abc", "\"abc\\\"", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\U0041\"", "\"\\\"",
	    "\"a\tb\"", "\"a\nb\"", "\"\x1f\"", "{\"a\x01\": 1}", "\"\\", "{\"a\\", "[\"\\u"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		get_json(bad[i]);
		if (json_valid || nitems != 0)
			fail_msg("\"%s\": valid %d, %zu items", bad[i], json_valid, nitems);
	}
}

static void json_depth_limit(void **state)
{
	(void)state;
	char body[512];
	size_t n = 0;
	for (int i = 0; i < 64; i++)
		body[n++] = '[';
	body[n++] = '1';
	for (int i = 0; i < 64; i++)
		body[n++] = ']';
	get_json_n(body, n);
	assert_true(json_valid);
	assert_int_equal(nitems, 1);
	assert_int_equal(items[0].pointer.n, 64 * 2);

	n = 0;
	memcpy(body, "{\"k\":\"v\",\"d\":", 13);
	n = 13;
	for (int i = 0; i < 65; i++)
		body[n++] = '[';
	for (int i = 0; i < 65; i++)
		body[n++] = ']';
	body[n++] = '}';
	get_json_n(body, n);
	assert_false(json_valid);
	assert_true(nitems >= 2); /* what came before is kept */
	expect_item(1, "/k", "v", false);
}

/* Appends s to body at *n. */
static void put(char *body, size_t *n, const char *s)
{
	size_t len = strlen(s);
	memcpy(body + *n, s, len);
	*n += len;
}

static void json_deep_and_large(void **state)
{
	(void)state;
	/* Far deeper than the limit: the items before it are kept, and the
	 * rest is still checked (a syntax error anywhere means no items). */
	size_t deep = 200000, n = 0;
	char *body = malloc(4 * deep + 64);
	assert_non_null(body);
	put(body, &n, "[\"x\",");
	for (size_t i = 0; i < deep; i++)
		put(body, &n, i % 2 ? "[" : "{\"\":");
	put(body, &n, "1");
	for (size_t i = deep; i-- > 0;)
		put(body, &n, i % 2 ? "]" : "}");
	put(body, &n, "]");
	get_json_n(body, n);
	assert_false(json_valid);
	assert_true(nitems > 1 && nitems < 100);
	expect_item(0, "/0", "x", false);
	expect_item(1, "/1/", "", true);
	expect_item(2, "/1//0/", "", true);

	body[n - 2] = ']'; /* mismatched: not JSON */
	get_json_n(body, n);
	assert_false(json_valid);
	assert_int_equal(nitems, 0);
	free(body);

	/* Many tiny items. */
	size_t count = 300000;
	body = malloc(count * 2 + 2);
	assert_non_null(body);
	n = 0;
	put(body, &n, "[");
	for (size_t i = 0; i < count; i++)
		put(body, &n, "0,");
	body[n - 1] = ']';
	get_json_n(body, n);
	assert_true(json_valid);
	assert_int_equal(nitems, count);
	expect_item(count - 1, "/299999", "0", false);
	free(body);

	/* A long string of escapes. */
	size_t len = 100000;
	body = malloc(len * 6 + 2);
	assert_non_null(body);
	n = 0;
	put(body, &n, "\"");
	for (size_t i = 0; i < len; i++)
		put(body, &n, i % 2 ? "\\n" : "\\u00e9");
	put(body, &n, "\"");
	get_json_n(body, n);
	assert_true(json_valid);
	assert_int_equal(nitems, 1);
	assert_int_equal(items[0].text.n, len / 2 * 3);
	free(body);

	/* Pointers adding up past the budget (long keys, deep, many elements
	 * under them) stop the items: those found so far are kept. */
	size_t levels = 30, klen = 2000, elems = 400;
	body = malloc(levels * (klen + 8) + elems * 2 + 64);
	assert_non_null(body);
	n = 0;
	for (size_t l = 0; l < levels; l++) {
		put(body, &n, "{\"");
		memset(body + n, 'k', klen);
		n += klen;
		put(body, &n, "\":");
	}
	put(body, &n, "[");
	for (size_t i = 0; i < elems; i++)
		put(body, &n, "1,");
	body[n - 1] = ']';
	for (size_t l = 0; l < levels; l++)
		put(body, &n, "}");
	get_json_n(body, n);
	assert_false(json_valid);
	assert_true(nitems > levels && nitems < levels + elems);
	free(body);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(query_args),
	    T(cookies),
	    T(form_fields),
	    T(body_kinds),
	    T(multipart_text_and_files),
	    T(multipart_boundary_forms),
	    T(multipart_invalid),
	    T(multipart_part_limit),
	    T(json_flattening),
	    T(json_scalars_and_nul),
	    T(json_invalid),
	    T(json_depth_limit),
	    T(json_duplicate_keys),
	    T(json_escapes),
	    T(json_numbers),
	    T(json_deep_and_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
