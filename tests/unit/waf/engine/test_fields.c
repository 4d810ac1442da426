/* FieldToMatch: what each field gives a statement, with AWS's match
 * patterns, scopes, oversize handling and JSON fallbacks. */
#include "harness.h"

#define TX_NONE "[{`Priority`:0,`Type`:`NONE`}]"
#define BYTE(field, pos, str)                                                                      \
	"{`ByteMatchStatement`:{`SearchString`:`" str "`,`FieldToMatch`:" field                    \
	",`TextTransformations`:" TX_NONE ",`PositionalConstraint`:`" pos "`}}"
#define REQ_PATH(p) "{`path`:`" p "`}"

static void uri_path(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE("{`UriPath`:{}}", "EXACTLY", "/a%2Fb"));
	assert_true(t_blocks(&t, REQ_PATH("/a%2Fb?x=1#f"))); /* raw, no query, no fragment */
	assert_false(t_blocks(&t, REQ_PATH("/a/b")));
	t_close(&t);
}

static void query_string(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE("{`QueryString`:{}}", "EXACTLY", "a=1&b=2"));
	assert_true(t_blocks(&t, REQ_PATH("/p?a=1&b=2")));
	assert_true(t_blocks(&t, REQ_PATH("/p?a=1&b=2#frag")));
	assert_false(t_blocks(&t, REQ_PATH("/a=1&b=2")));
	t_close(&t);
}

static void method(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE("{`Method`:{}}", "EXACTLY", "DELETE"));
	assert_true(t_blocks(&t, "{`method`:`DELETE`}"));
	assert_false(t_blocks(&t, "{`method`:`GET`}"));
	assert_false(t_blocks(&t, "{`method`:`delete`}"));
	t_close(&t);
}

/* A request whose body is n bytes of 'a', with needle written at off. */
static char *big_body_request(size_t n, const char *needle, size_t off)
{
	const char *head = "{`method`:`POST`,`headers`:{`content-type`:`text/plain`},`body`:`";
	size_t hn = strlen(head);
	char *r = malloc(hn + n + 8);
	assert_non_null(r);
	memcpy(r, head, hn);
	memset(r + hn, 'a', n);
	if (needle)
		memcpy(r + hn + off, needle, strlen(needle));
	strcpy(r + hn + n, "`}");
	return r;
}

static void body_oversize(void **state)
{
	(void)state;
	static const struct {
		const char *handling;
		bool needle_early, needle_late, no_needle, small_no_needle;
	} cases[] = {
	    /* CONTINUE inspects the first 16 KB. */
	    {"CONTINUE", true, false, false, false},
	    /* MATCH: any body over the limit matches. */
	    {"MATCH", true, true, true, false},
	    /* NO_MATCH: a body over the limit never matches. */
	    {"NO_MATCH", false, false, false, false},
	};
	char *early = big_body_request(20 << 10, "needle", 100);
	char *late = big_body_request(20 << 10, "needle", 18 << 10);
	char *none = big_body_request(20 << 10, NULL, 0);
	char *small = big_body_request(100, NULL, 0);
	char *small_needle = big_body_request(100, "needle", 10);
	for (size_t i = 0; i < 3; i++) {
		char stmt[512];
		snprintf(stmt, sizeof stmt,
		         "{`ByteMatchStatement`:{`SearchString`:`needle`,`FieldToMatch`:{`Body`:"
		         "{`OversizeHandling`:`%s`}},`TextTransformations`:" TX_NONE
		         ",`PositionalConstraint`:`CONTAINS`}}",
		         cases[i].handling);
		tctx t;
		t_open1(&t, stmt);
		assert_int_equal(sk_program_acl(t.p)->body_limit, 16 << 10);
		if (t_blocks(&t, early) != cases[i].needle_early)
			fail_msg("%s, needle in the first 16 KB", cases[i].handling);
		assert_true(t.v.oversize_body);
		if (t_blocks(&t, late) != cases[i].needle_late)
			fail_msg("%s, needle after 16 KB", cases[i].handling);
		if (t_blocks(&t, none) != cases[i].no_needle)
			fail_msg("%s, no needle", cases[i].handling);
		if (t_blocks(&t, small) != cases[i].small_no_needle)
			fail_msg("%s, small body", cases[i].handling);
		assert_false(t.v.oversize_body);
		assert_true(t_blocks(&t, small_needle));
		t_close(&t);
	}
	free(early);
	free(late);
	free(none);
	free(small);
	free(small_needle);
}

#define JSON_REQ(body)                                                                             \
	"{`method`:`POST`,`headers`:{`content-type`:`application/json`},`body`:`" body "`}"
/* {"user":{"name":"evil","tags":["x","t-evil"]},"evilkey":1} */
#define DOC                                                                                        \
	JSON_REQ("{\\`user\\`:{\\`name\\`:\\`evil\\`,\\`tags\\`:[\\`x\\`,\\`t-evil\\`]},"          \
	         "\\`evilkey\\`:1}")

static char *json_stmt(const char *pattern, const char *scope, const char *pos, const char *str,
                       const char *extra)
{
	char *s = malloc(1024);
	assert_non_null(s);
	snprintf(s, 1024,
	         "{`ByteMatchStatement`:{`SearchString`:`%s`,`FieldToMatch`:{`JsonBody`:{"
	         "`MatchPattern`:%s,`MatchScope`:`%s`%s}},`TextTransformations`:" TX_NONE
	         ",`PositionalConstraint`:`%s`}}",
	         str, pattern, scope, extra, pos);
	return s;
}

static bool json_case(const char *pattern, const char *scope, const char *pos, const char *str,
                      const char *extra, const char *req)
{
	char *s = json_stmt(pattern, scope, pos, str, extra);
	bool r = t_match(s, req);
	free(s);
	return r;
}

static void json_body_scopes(void **state)
{
	(void)state;
	const char *all = "{`All`:{}}";
	assert_true(json_case(all, "VALUE", "EXACTLY", "evil", "", DOC));
	assert_true(json_case(all, "VALUE", "EXACTLY", "t-evil", "", DOC));
	assert_false(json_case(all, "VALUE", "EXACTLY", "evilkey", "", DOC));
	assert_true(json_case(all, "KEY", "EXACTLY", "evilkey", "", DOC));
	assert_false(json_case(all, "KEY", "EXACTLY", "evil", "", DOC));
	assert_true(json_case(all, "KEY", "EXACTLY", "name", "", DOC));
	assert_true(json_case(all, "ALL", "EXACTLY", "name", "", DOC));
	assert_true(json_case(all, "ALL", "EXACTLY", "evil", "", DOC));
	assert_true(json_case(all, "VALUE", "EXACTLY", "1", "", DOC));

	const char *name = "{`IncludedPaths`:[`/user/name`]}";
	assert_true(json_case(name, "VALUE", "EXACTLY", "evil", "", DOC));
	assert_false(json_case(name, "VALUE", "EXACTLY", "t-evil", "", DOC));
	assert_true(json_case(name, "KEY", "EXACTLY", "name", "", DOC));
	const char *user = "{`IncludedPaths`:[`/user`]}"; /* and what is under it */
	assert_true(json_case(user, "VALUE", "EXACTLY", "t-evil", "", DOC));
	assert_false(json_case(user, "KEY", "EXACTLY", "evilkey", "", DOC));
	const char *other = "{`IncludedPaths`:[`/other`,`/us`]}";
	assert_false(json_case(other, "ALL", "CONTAINS", "evil", "", DOC));
	/* An empty body gives nothing to inspect. */
	assert_false(json_case(all, "VALUE", "EXACTLY", "evil", "", JSON_REQ("")));
}

static void json_body_invalid(void **state)
{
	(void)state;
	const char *all = "{`All`:{}}";
	const char *bad = JSON_REQ("{\\`a\\`: bad");
	assert_true(
	    json_case(all, "VALUE", "EXACTLY", "zzz", ",`InvalidFallbackBehavior`:`MATCH`", bad));
	assert_false(json_case(all, "VALUE", "CONTAINS", "bad",
	                       ",`InvalidFallbackBehavior`:`NO_MATCH`", bad));
	assert_true(json_case(all, "VALUE", "CONTAINS", "bad",
	                      ",`InvalidFallbackBehavior`:`EVALUATE_AS_STRING`", bad));
	assert_false(json_case(all, "VALUE", "CONTAINS", "zzz",
	                       ",`InvalidFallbackBehavior`:`EVALUATE_AS_STRING`", bad));
	/* Valid JSON is unaffected by the fallback. */
	assert_false(
	    json_case(all, "VALUE", "EXACTLY", "zzz", ",`InvalidFallbackBehavior`:`MATCH`", DOC));
}

static void json_body_oversize(void **state)
{
	(void)state;
	/* 20 KB of valid JSON: {"a":"aaaa...","k":"needle"} */
	size_t n = 20 << 10;
	char *body = malloc(n + 256);
	assert_non_null(body);
	strcpy(body, "{`method`:`POST`,`headers`:{`content-type`:`application/json`},"
	             "`body`:`{\\`a\\`:\\`");
	size_t at = strlen(body);
	memset(body + at, 'a', n);
	strcpy(body + at + n, "\\`,\\`k\\`:\\`needle\\`}`}");
	assert_true(json_case("{`All`:{}}", "VALUE", "EXACTLY", "zzz",
	                      ",`OversizeHandling`:`MATCH`", body));
	assert_false(json_case("{`All`:{}}", "VALUE", "EXACTLY", "needle",
	                       ",`OversizeHandling`:`NO_MATCH`", body));
	tctx t;
	char *s = json_stmt("{`All`:{}}", "VALUE", "EXACTLY", "zzz", ",`OversizeHandling`:`MATCH`");
	t_open1(&t, s);
	free(s);
	assert_true(t_blocks(&t, body));
	assert_true(t.v.oversize_json);
	assert_false(t.v.oversize_body);
	t_close(&t);
	free(body);
}

static void single_header(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE("{`SingleHeader`:{`Name`:`X-Token`}}", "EXACTLY", "secret"));
	assert_true(t_blocks(&t, "{`headers`:{`x-token`:`secret`}}"));
	assert_true(t_blocks(&t, "{`headers`:{`X-TOKEN`:`secret`}}"));
	assert_false(t_blocks(&t, "{`headers`:{`x-token`:`SECRET`}}"));
	assert_false(t_blocks(&t, "{`headers`:{`x-tokens`:`secret`}}"));
	/* Repeated: any value counts. */
	assert_true(t_blocks(&t, "{`headers`:[[`x-token`,`a`],[`X-Token`,`secret`]]}"));
	t_close(&t);
}

static bool headers_case(const char *pattern, const char *scope, const char *str, const char *req)
{
	char stmt[1024];
	snprintf(stmt, sizeof stmt,
	         "{`ByteMatchStatement`:{`SearchString`:`%s`,`FieldToMatch`:{`Headers`:{"
	         "`MatchPattern`:%s,`MatchScope`:`%s`,`OversizeHandling`:`CONTINUE`}},"
	         "`TextTransformations`:" TX_NONE ",`PositionalConstraint`:`EXACTLY`}}",
	         str, pattern, scope);
	return t_match(stmt, req);
}

static void headers(void **state)
{
	(void)state;
	const char *req = "{`headers`:[[`X-A`,`one`],[`x-b`,`two`],[`User-Agent`,`curl`]]}";
	const char *all = "{`All`:{}}";
	assert_true(headers_case(all, "VALUE", "two", req));
	assert_false(headers_case(all, "VALUE", "x-b", req));
	assert_true(headers_case(all, "KEY", "x-b", req));
	assert_true(headers_case(all, "KEY", "User-Agent", req)); /* names as sent */
	assert_false(headers_case(all, "KEY", "two", req));
	assert_true(headers_case(all, "ALL", "two", req));
	assert_true(headers_case(all, "ALL", "X-A", req));

	const char *incl = "{`IncludedHeaders`:[`x-a`]}";
	assert_true(headers_case(incl, "VALUE", "one", req));
	assert_false(headers_case(incl, "VALUE", "two", req));
	const char *incl_upper = "{`IncludedHeaders`:[`X-B`]}"; /* names fold case */
	assert_true(headers_case(incl_upper, "VALUE", "two", req));
	const char *excl = "{`ExcludedHeaders`:[`X-A`,`user-agent`]}";
	assert_false(headers_case(excl, "VALUE", "one", req));
	assert_false(headers_case(excl, "VALUE", "curl", req));
	assert_true(headers_case(excl, "VALUE", "two", req));
}

static void headers_oversize(void **state)
{
	(void)state;
	/* 201 headers: over AWS's 200. */
	size_t cap = 64 * 210;
	char *req = malloc(cap);
	assert_non_null(req);
	size_t o = (size_t)snprintf(req, cap, "{`headers`:[");
	for (int i = 0; i < 201; i++)
		o += (size_t)snprintf(req + o, cap - o, "%s[`h%d`,`v`]", i ? "," : "", i);
	snprintf(req + o, cap - o, "]}");
	const char *stmt =
	    "{`ByteMatchStatement`:{`SearchString`:`zzz`,`FieldToMatch`:{`Headers`:{"
	    "`MatchPattern`:{`All`:{}},`MatchScope`:`ALL`,`OversizeHandling`:`MATCH`}},"
	    "`TextTransformations`:" TX_NONE ",`PositionalConstraint`:`EXACTLY`}}";
	tctx t;
	t_open1(&t, stmt);
	assert_true(t_blocks(&t, req));
	assert_true(t.v.oversize_headers);
	assert_false(t_blocks(&t, "{`headers`:{`a`:`b`}}"));
	assert_false(t.v.oversize_headers);
	t_close(&t);
	free(req);
}

static bool cookies_case(const char *pattern, const char *scope, const char *str, const char *req)
{
	char stmt[1024];
	snprintf(stmt, sizeof stmt,
	         "{`ByteMatchStatement`:{`SearchString`:`%s`,`FieldToMatch`:{`Cookies`:{"
	         "`MatchPattern`:%s,`MatchScope`:`%s`,`OversizeHandling`:`CONTINUE`}},"
	         "`TextTransformations`:" TX_NONE ",`PositionalConstraint`:`EXACTLY`}}",
	         str, pattern, scope);
	return t_match(stmt, req);
}

static void cookies(void **state)
{
	(void)state;
	const char *req = "{`headers`:{`Cookie`:`a=1; session=evil; Theme=dark`}}";
	const char *all = "{`All`:{}}";
	assert_true(cookies_case(all, "VALUE", "evil", req));
	assert_false(cookies_case(all, "VALUE", "session", req));
	assert_true(cookies_case(all, "KEY", "session", req));
	assert_true(cookies_case(all, "ALL", "dark", req));
	assert_true(cookies_case("{`IncludedCookies`:[`session`]}", "VALUE", "evil", req));
	assert_false(cookies_case("{`IncludedCookies`:[`a`]}", "VALUE", "evil", req));
	/* Cookie names are case sensitive. */
	assert_false(cookies_case("{`IncludedCookies`:[`theme`]}", "VALUE", "dark", req));
	assert_false(cookies_case("{`ExcludedCookies`:[`session`]}", "VALUE", "evil", req));
	assert_true(cookies_case("{`ExcludedCookies`:[`session`]}", "VALUE", "1", req));
	assert_false(cookies_case(all, "VALUE", "evil", REQ_PATH("/")));
}

static void single_query_argument(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE("{`SingleQueryArgument`:{`Name`:`ID`}}", "EXACTLY", "5"));
	assert_true(t_blocks(&t, REQ_PATH("/?id=5")));
	assert_true(t_blocks(&t, REQ_PATH("/?x=1&Id=5")));
	assert_false(t_blocks(&t, REQ_PATH("/?id=6")));
	assert_false(t_blocks(&t, REQ_PATH("/?idx=5")));
	assert_false(t_blocks(&t, REQ_PATH("/?x=5")));
	t_close(&t);
}

static void all_query_arguments(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE("{`AllQueryArguments`:{}}", "EXACTLY", "evil"));
	assert_true(t_blocks(&t, REQ_PATH("/?a=1&b=evil")));
	assert_true(t_blocks(&t, REQ_PATH("/?evil=1&b=evil")));
	assert_false(t_blocks(&t, REQ_PATH("/?evil=1"))); /* values only */
	assert_false(t_blocks(&t, REQ_PATH("/?a=evil2")));
	t_close(&t);
}

static void header_order(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE("{`HeaderOrder`:{}}", "EXACTLY", "Host:User-Agent:Accept"));
	assert_true(t_blocks(&t, "{`headers`:[[`Host`,`x`],[`User-Agent`,`y`],[`Accept`,`*`]]}"));
	assert_false(t_blocks(&t, "{`headers`:[[`User-Agent`,`y`],[`Host`,`x`],[`Accept`,`*`]]}"));
	t_close(&t);
}

static void uri_fragment(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE("{`UriFragment`:{}}", "EXACTLY", "frag"));
	assert_true(t_blocks(&t, REQ_PATH("/p?q=1#frag")));
	assert_true(t_blocks(&t, REQ_PATH("/p#frag")));
	assert_false(t_blocks(&t, REQ_PATH("/p?frag")));
	assert_false(t_blocks(&t, REQ_PATH("/frag")));
	t_close(&t);
}

static void ja3_refused(void **state)
{
	(void)state;
	char *acl =
	    t_acl1(BYTE("{`JA3Fingerprint`:{`FallbackBehavior`:`NO_MATCH`}}", "EXACTLY", "abc"));
	sk_acl *a = NULL;
	sk_error err;
	assert_int_equal(t_load(acl, NULL, &a, NULL, &err), SK_E_UNSUPPORTED);
	assert_null(a);
	assert_contains(err.msg, "t.json: Rules[0].Statement.ByteMatchStatement.FieldToMatch."
	                         "JA3Fingerprint: JA3Fingerprint is not supported");
	free(acl);
}

/* Body, by content: a request built by hand so the body can be large. */
static const sk_verdict *eval_body(tctx *t, const char *ctype, const uint8_t *body, size_t n)
{
	sk_arena_reset(t->a);
	sk_request_init(&t->req, t->a);
	sk_header *h = sk_arena_alloc(t->a, 2 * sizeof *h);
	assert_non_null(h);
	h[0] = (sk_header){SK_STR_LIT("User-Agent"), SK_STR_LIT("t")};
	h[1] = (sk_header){SK_STR_LIT("Content-Type"), sk_str_cstr(ctype)};
	t->req.method = SK_STR_LIT("POST");
	t->req.path = t->req.target = SK_STR_LIT("/upload");
	t->req.version = SK_STR_LIT("HTTP/1.1");
	t->req.headers = h;
	t->req.nheaders = 2;
	t->req.body = sk_str_make(body, n);
	return t_eval_req(t, T_NOW);
}

#define OVERSIZE_RULE                                                                              \
	"{`SizeConstraintStatement`:{`FieldToMatch`:{`Body`:{`OversizeHandling`:`MATCH`}},"        \
	"`ComparisonOperator`:`LT`,`Size`:0,`TextTransformations`:[{`Priority`:0,`Type`:`NONE`}]}" \
	"}"

static void body_binary_is_judged_by_leading_bytes(void **state)
{
	(void)state;
	/* 64 KB of image bytes (over the 16 KB limit t_acl1 sets) is not "too
	 * large": binary content is not inspected as text. */
	size_t n = 64 << 10;
	uint8_t *img = malloc(n);
	assert_non_null(img);
	memset(img, 0x41, n);
	tctx t;
	t_open1(&t, OVERSIZE_RULE);
	assert_int_equal(eval_body(&t, "image/png", img, n)->action, SK_ACT_ALLOW);
	/* The same bytes as text are over the limit. */
	assert_int_equal(eval_body(&t, "text/plain", img, n)->action, SK_ACT_BLOCK);
	t_close(&t);
	/* Leading bytes are inspected: PHP code disguised as an image. */
	t_open1(&t, BYTE("{`Body`:{}}", "CONTAINS", "<?php"));
	memcpy(img, "<?php system($_GET[1]); ?>", 26);
	assert_int_equal(eval_body(&t, "image/jpeg", img, n)->action, SK_ACT_BLOCK);
	/* ... but not far into a binary file. */
	memset(img, 0x41, 26);
	memcpy(img + 40000, "<?php", 5);
	assert_int_equal(eval_body(&t, "image/jpeg", img, n)->action, SK_ACT_ALLOW);
	t_close(&t);
	free(img);
}

static void body_multipart_text_parts_and_file_names(void **state)
{
	(void)state;
	/* A form with a 64 KB file and a small text field: the file neither
	 * trips the size rule nor hides the attack in the text field; its
	 * name is inspected. */
	size_t filen = 64 << 10;
#define HEAD                                                                                       \
	"--B\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\n%s\r\n"                    \
	"--B\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"%s\"\r\n"               \
	"Content-Type: image/png\r\n\r\n"
	char *buf = malloc(filen + 1024);
	assert_non_null(buf);
	tctx t;
	t_open1(&t, OVERSIZE_RULE);
	int k = sprintf(buf, HEAD, "nice photo", "cat.png");
	memset(buf + k, 0x89, filen);
	k += (int)filen;
	k += sprintf(buf + k, "\r\n--B--\r\n");
	assert_int_equal(
	    eval_body(&t, "multipart/form-data; boundary=B", (uint8_t *)buf, (size_t)k)->action,
	    SK_ACT_ALLOW);
	t_close(&t);
	t_open1(&t, "{`XssMatchStatement`:{`FieldToMatch`:{`Body`:{}},`TextTransformations`:"
	            "[{`Priority`:0,`Type`:`NONE`}]}}");
	k = sprintf(buf, HEAD, "<img src=x onerror=alert(1)>", "cat.png");
	memset(buf + k, 0x89, filen);
	k += (int)filen;
	k += sprintf(buf + k, "\r\n--B--\r\n");
	assert_int_equal(
	    eval_body(&t, "multipart/form-data; boundary=B", (uint8_t *)buf, (size_t)k)->action,
	    SK_ACT_BLOCK);
	t_close(&t);
	t_open1(&t, BYTE("{`Body`:{}}", "CONTAINS", "../"));
	k = sprintf(buf, HEAD, "hello", "../../etc/cron.d/x");
	k += sprintf(buf + k, "data\r\n--B--\r\n");
	const sk_verdict *v =
	    eval_body(&t, "multipart/form-data; boundary=B", (uint8_t *)buf, (size_t)k);
	assert_int_equal(v->action, SK_ACT_BLOCK);
	assert_true(sk_str_eq(t_terminating(v)->hits[0].name, SK_STR_LIT("file name")));
	t_close(&t);
	free(buf);
#undef HEAD
}

static void body_json_strings_are_read_unescaped(void **state)
{
	(void)state;
	/* The application reads \u003c as '<': so does the Body field. */
	tctx t;
	t_open1(&t, "{`XssMatchStatement`:{`FieldToMatch`:{`Body`:{}},`TextTransformations`:"
	            "[{`Priority`:0,`Type`:`NONE`}]}}");
	static const char attack[] =
	    "{\"c\": \"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"}";
	static const char benign[] = "{\"c\": \"caf\\u00e9 \\u0026 cr\\u00e8me\"}";
	assert_int_equal(
	    eval_body(&t, "application/json", (const uint8_t *)attack, sizeof attack - 1)->action,
	    SK_ACT_BLOCK);
	assert_int_equal(
	    eval_body(&t, "application/json", (const uint8_t *)benign, sizeof benign - 1)->action,
	    SK_ACT_ALLOW);
	/* Not JSON by its content type: the raw text only. */
	assert_int_equal(
	    eval_body(&t, "text/plain", (const uint8_t *)attack, sizeof attack - 1)->action,
	    SK_ACT_ALLOW);
	t_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(uri_path),
	    cmocka_unit_test(query_string),
	    cmocka_unit_test(method),
	    cmocka_unit_test(body_oversize),
	    cmocka_unit_test(body_binary_is_judged_by_leading_bytes),
	    cmocka_unit_test(body_multipart_text_parts_and_file_names),
	    cmocka_unit_test(body_json_strings_are_read_unescaped),
	    cmocka_unit_test(json_body_scopes),
	    cmocka_unit_test(json_body_invalid),
	    cmocka_unit_test(json_body_oversize),
	    cmocka_unit_test(single_header),
	    cmocka_unit_test(headers),
	    cmocka_unit_test(headers_oversize),
	    cmocka_unit_test(cookies),
	    cmocka_unit_test(single_query_argument),
	    cmocka_unit_test(all_query_arguments),
	    cmocka_unit_test(header_order),
	    cmocka_unit_test(uri_fragment),
	    cmocka_unit_test(ja3_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
