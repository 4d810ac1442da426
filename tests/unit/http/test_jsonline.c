#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "http/request.h"

static sk_arena *arena;
static sk_request req;
static sk_error err;

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

static sk_status load(const char *text)
{
	sk_arena_reset(arena);
	sk_request_init(&req, arena);
	memset(&err, 0, sizeof err);
	return sk_request_from_json(text, strlen(text), &req, &err);
}

#define assert_str(slice, lit)                                                                     \
	do {                                                                                       \
		sk_str s_ = (slice);                                                               \
		if (s_.n != strlen(lit) || (s_.n && memcmp(s_.p, lit, s_.n) != 0))                 \
			fail_msg("got \"%.*s\", want \"%s\"", (int)s_.n, (const char *)s_.p, lit); \
	} while (0)

static void full_object_with_header_object(void **state)
{
	(void)state;
	assert_int_equal(
	    load("{\"method\": \"POST\", \"path\": \"/api/login?next=%2F&x=1#top\","
	         " \"headers\": {\"Host\": \"example.com\", \"Content-Type\":"
	         " \"application/json\", \"Content-Length\": 17, \"X-Real\": 1.5},"
	         " \"body\": \"{\\\"user\\\":\\\"admin\\\"}\", \"client_ip\": \"203.0.113.9\","
	         " \"http_version\": \"HTTP/1.0\", \"cat\": \"sqli\", \"n\": [1, 2]}"),
	    SK_OK);
	assert_str(req.method, "POST");
	assert_str(req.target, "/api/login?next=%2F&x=1#top");
	assert_str(req.path, "/api/login");
	assert_str(req.query, "next=%2F&x=1");
	assert_str(req.fragment, "top");
	assert_str(req.version, "HTTP/1.0");
	assert_int_equal(req.http_major, 1);
	assert_int_equal(req.http_minor, 0);
	assert_string_equal(req.client_ip, "203.0.113.9");
	assert_int_equal(req.nheaders, 4);
	assert_str(req.headers[0].name, "Host"); /* document order */
	assert_str(req.headers[0].value, "example.com");
	assert_str(req.headers[2].name, "Content-Length");
	assert_str(req.headers[2].value, "17");
	assert_str(req.headers[3].value, "1.5");
	assert_str(req.body, "{\"user\":\"admin\"}");
	assert_int_equal(sk_request_body_kind(&req), SK_BODY_JSON);
	const sk_pair *args;
	size_t nargs;
	assert_int_equal(sk_request_args(&req, &args, &nargs), SK_OK);
	assert_int_equal(nargs, 2);
	assert_str(args[0].value, "%2F");
}

static void header_pairs_keep_repeats(void **state)
{
	(void)state;
	assert_int_equal(
	    load("{\"headers\": [[\"Cookie\", \"a=1\"], [\"X\", \"\"], [\"cookie\", \"b=2\"],"
	         " [\"N\", 42]]}"),
	    SK_OK);
	assert_int_equal(req.nheaders, 4);
	assert_str(req.headers[2].name, "cookie");
	assert_str(req.headers[3].value, "42");
	const sk_pair *c;
	size_t n;
	assert_int_equal(sk_request_cookies(&req, &c, &n), SK_OK);
	assert_int_equal(n, 2);
	assert_str(c[1].name, "b");
}

static void defaults(void **state)
{
	(void)state;
	assert_int_equal(load("{}"), SK_OK);
	assert_str(req.method, "GET");
	assert_str(req.target, "/");
	assert_str(req.path, "/");
	assert_str(req.query, "");
	assert_str(req.version, "HTTP/1.1");
	assert_int_equal(req.http_minor, 1);
	assert_int_equal(req.nheaders, 0);
	assert_int_equal(req.body.n, 0);
	assert_string_equal(req.client_ip, "");
	assert_int_equal(sk_request_body_kind(&req), SK_BODY_NONE);
	/* null counts as absent */
	assert_int_equal(load("{\"method\": null, \"headers\": null, \"body\": null}"), SK_OK);
	assert_str(req.method, "GET");
}

static void nul_in_body_and_values(void **state)
{
	(void)state;
	assert_int_equal(load("{\"body\": \"a\\u0000b\", \"path\": \"/x\\u0000y?q\","
	                      " \"headers\": {\"X\": \"1\\u00002\"}}"),
	                 SK_OK);
	assert_int_equal(req.body.n, 3);
	assert_memory_equal(req.body.p, "a\0b", 3);
	assert_int_equal(req.path.n, 4);
	assert_memory_equal(req.path.p, "/x\0y", 4);
	assert_str(req.query, "q");
	assert_int_equal(req.headers[0].value.n, 3);
}

static void absolute_path_split(void **state)
{
	(void)state;
	assert_int_equal(load("{\"path\": \"https://example.com:8443/a/b?c=d\"}"), SK_OK);
	assert_str(req.path, "/a/b");
	assert_str(req.query, "c=d");
	assert_int_equal(load("{\"path\": \"http://example.com\"}"), SK_OK);
	assert_str(req.path, "/");
	assert_int_equal(load("{\"path\": \"../../etc/passwd\"}"), SK_OK);
	assert_str(req.path, "../../etc/passwd");
}

static void errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *says;
	} cases[] = {
	    {"[1, 2]", "expected a JSON object"},
	    {"\"GET\"", "expected a JSON object"},
	    {"{\"method\": 1}", "method: expected a string"},
	    {"{\"path\": []}", "path: expected a string"},
	    {"{\"body\": {}}", "body: expected a string"},
	    {"{\"client_ip\": 7}", "client_ip: expected a string"},
	    {"{\"client_ip\": \"0123456789012345678901234567890123456789012345678901234567890123"
	     "\"}",
	     "client_ip"},
	    {"{\"http_version\": \"HTTP/2\"}", "http_version"},
	    {"{\"http_version\": 1.1}", "http_version: expected a string"},
	    {"{\"headers\": \"Host: x\"}", "headers: expected an object or an array"},
	    {"{\"headers\": {\"Host\": [\"x\"]}}", "headers.Host: expected a string"},
	    {"{\"headers\": {\"Host\": true}}", "headers.Host"},
	    {"{\"headers\": [[\"A\", \"1\"], [\"B\", \"2\"], [\"C\"]]}",
	     "headers[2]: expected [name, value]"},
	    {"{\"headers\": [\"A: 1\"]}", "headers[0]: expected [name, value]"},
	    {"{\"headers\": [[1, \"x\"]]}", "headers[0]: expected [name, value]"},
	    {"{\"headers\": [[\"A\", null]]}", "headers[0]: value"},
	    {"{\"method\": \"GET\",\n \"path\": }", "line 2, column"},
	    {"", "line"},
	    {"{} trailing", "line 1"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sk_status st = load(cases[i].text);
		if (st != SK_E_INVALID || !strstr(err.msg, cases[i].says))
			fail_msg("case %zu: status %d, message \"%s\" (want \"%s\")", i, st,
			         err.msg, cases[i].says);
	}
}

static void no_arena(void **state)
{
	(void)state;
	sk_request r;
	sk_request_init(&r, NULL);
	assert_int_equal(sk_request_from_json("{}", 2, &r, &err), SK_E_INTERNAL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(full_object_with_header_object),
	    T(header_pairs_keep_repeats),
	    T(defaults),
	    T(nul_in_body_and_values),
	    T(absolute_path_split),
	    T(errors),
	    T(no_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
