/* Statements and evaluation semantics: every statement type against
 * requests that should and should not match, then priority order, Count,
 * default actions, custom responses, CAPTCHA/Challenge, inserted headers
 * and count-only mode. */
#include "base/scan.h"
#include "harness.h"
#include "rules/default_acl.h"
#include "waf/regex_check.h"

/* Patterns on Hyperscan out of n that could be: none when the library at
 * hand failed its self-test and everything runs on PCRE2. */
#define ON_HS(n) (sk_regex_lib_sound() ? (size_t)(n) : 0)

#define TX_NONE "[{`Priority`:0,`Type`:`NONE`}]"
#define BYTE(field, pos, str)                                                                      \
	"{`ByteMatchStatement`:{`SearchString`:`" str "`,`FieldToMatch`:" field                    \
	",`TextTransformations`:" TX_NONE ",`PositionalConstraint`:`" pos "`}}"
#define BYTE64(field, pos, b64)                                                                    \
	"{`ByteMatchStatement`:{`SearchStringBase64`:`" b64 "`,`FieldToMatch`:" field              \
	",`TextTransformations`:" TX_NONE ",`PositionalConstraint`:`" pos "`}}"
#define URI         "{`UriPath`:{}}"
#define QS          "{`QueryString`:{}}"
#define BODY        "{`Body`:{}}"
#define HDR(n)      "{`SingleHeader`:{`Name`:`" n "`}}"
#define REQ_PATH(p) "{`path`:`" p "`}"
#define REQ_IP(ip)  "{`path`:`/`,`client_ip`:`" ip "`}"

/* ---- ByteMatch ---- */

static void byte_exactly(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE(URI, "EXACTLY", "/a"));
	assert_true(t_blocks(&t, REQ_PATH("/a")));
	assert_true(t_blocks(&t, REQ_PATH("/a?x=1"))); /* the query is not the path */
	assert_false(t_blocks(&t, REQ_PATH("/ab")));
	assert_false(t_blocks(&t, REQ_PATH("/x/a")));
	assert_false(t_blocks(&t, REQ_PATH("/A")));
	t_close(&t);
}

static void byte_exactly_empty_field(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE(QS, "EXACTLY", "x"));
	assert_false(t_blocks(&t, REQ_PATH("/p")));  /* empty query string */
	assert_false(t_blocks(&t, REQ_PATH("/p?"))); /* present but empty */
	assert_true(t_blocks(&t, REQ_PATH("/p?x")));
	assert_false(t_blocks(&t, REQ_PATH("/p?xx")));
	t_close(&t);
	/* An absent header gives no value at all. */
	t_open1(&t, BYTE(HDR("x-a"), "EXACTLY", "v"));
	assert_false(t_blocks(&t, REQ_PATH("/")));
	assert_false(t_blocks(&t, "{`headers`:{`x-a`:``}}"));
	assert_true(t_blocks(&t, "{`headers`:{`x-a`:`v`}}"));
	t_close(&t);
}

static void byte_starts_ends_contains(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE(URI, "STARTS_WITH", "/api"));
	assert_true(t_blocks(&t, REQ_PATH("/api")));
	assert_true(t_blocks(&t, REQ_PATH("/api/v1")));
	assert_false(t_blocks(&t, REQ_PATH("/x/api")));
	t_close(&t);

	t_open1(&t, BYTE(URI, "ENDS_WITH", ".php"));
	assert_true(t_blocks(&t, REQ_PATH("/index.php")));
	assert_true(t_blocks(&t, REQ_PATH("/.php")));
	assert_false(t_blocks(&t, REQ_PATH("/index.php/x")));
	assert_false(t_blocks(&t, REQ_PATH("/index.phps")));
	t_close(&t);

	t_open1(&t, BYTE(URI, "CONTAINS", "etc/passwd"));
	assert_true(t_blocks(&t, REQ_PATH("/etc/passwd")));
	assert_true(t_blocks(&t, REQ_PATH("/a/../../etc/passwd/x")));
	assert_false(t_blocks(&t, REQ_PATH("/etc/pass")));
	assert_false(t_blocks(&t, REQ_PATH("/ETC/PASSWD"))); /* case sensitive */
	t_close(&t);
}

static void byte_contains_word(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE(HDR("x-w"), "CONTAINS_WORD", "admin"));
	const char *yes[] = {
	    "admin",         /* whole field */
	    "admin x",       /* at the start */
	    "x admin",       /* at the end */
	    "x-admin-y",     /* between non-word characters */
	    "/admin/",       /* slashes */
	    "a_admin admin", /* the second occurrence is a word */
	    "1.admin.2",
	};
	const char *no[] = {
	    "administrator", "xadmin", "admin_", "_admin", "admin9", "9admin", "ADMIN", "",
	};
	char req[256];
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		snprintf(req, sizeof req, "{`headers`:{`x-w`:`%s`}}", yes[i]);
		if (!t_blocks(&t, req))
			fail_msg("CONTAINS_WORD admin should match \"%s\"", yes[i]);
	}
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		snprintf(req, sizeof req, "{`headers`:{`x-w`:`%s`}}", no[i]);
		if (t_blocks(&t, req))
			fail_msg("CONTAINS_WORD admin should not match \"%s\"", no[i]);
	}
	/* The explanation points at the occurrence that is a word. */
	const sk_verdict *v = t_eval(&t, "{`headers`:{`x-w`:`a_admin admin`}}");
	assert_int_equal(t_terminating(v)->hits[0].off, 8);
	assert_int_equal(t_terminating(v)->hits[0].len, 5);
	t_close(&t);
	/* A search string with '_' is one word. */
	t_open1(&t, BYTE(HDR("x-w"), "CONTAINS_WORD", "a_b"));
	assert_true(t_blocks(&t, "{`headers`:{`x-w`:`x a_b y`}}"));
	assert_false(t_blocks(&t, "{`headers`:{`x-w`:`x a_bc y`}}"));
	t_close(&t);
}

static void byte_base64_bytes(void **state)
{
	(void)state;
	tctx t;
	/* "YQBi" is a NUL b */
	t_open1(&t, BYTE64(BODY, "CONTAINS", "YQBi"));
	assert_true(t_blocks(&t, "{`method`:`POST`,`body`:`xa\\u0000by`}"));
	assert_false(t_blocks(&t, "{`method`:`POST`,`body`:`xaby`}"));
	assert_false(t_blocks(&t, "{`method`:`POST`,`body`:`xa\\u0000`}"));
	t_close(&t);
	/* A lone NUL, EXACTLY. */
	t_open1(&t, BYTE64(BODY, "EXACTLY", "AA=="));
	assert_true(t_blocks(&t, "{`method`:`POST`,`body`:`\\u0000`}"));
	assert_false(t_blocks(&t, "{`method`:`POST`,`body`:`\\u0000\\u0000`}"));
	t_close(&t);
	/* Bytes above 0x7f: "w78=" is C3 BF, U+00FF in UTF-8. */
	t_open1(&t, BYTE64(BODY, "ENDS_WITH", "w78="));
	assert_true(t_blocks(&t, "{`method`:`POST`,`body`:`ab\\u00ff`}"));
	assert_false(t_blocks(&t, "{`method`:`POST`,`body`:`\\u00ffab`}"));
	t_close(&t);
}

static void byte_with_transformations(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t,
	        "{`ByteMatchStatement`:{`SearchString`:`<script`,`FieldToMatch`:{`QueryString`:{}},"
	        "`TextTransformations`:[{`Priority`:2,`Type`:`LOWERCASE`},"
	        "{`Priority`:1,`Type`:`URL_DECODE`}],`PositionalConstraint`:`CONTAINS`}}");
	assert_true(t_blocks(&t, REQ_PATH("/?q=%3CScRiPt%3E")));
	assert_false(t_blocks(&t, REQ_PATH("/?q=script")));
	t_close(&t);
}

/* ---- RegexMatch, RegexPatternSetReference ---- */

static void regex_match_on_hyperscan(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, "{`RegexMatchStatement`:{`RegexString`:`^/user/[0-9]+$`,`FieldToMatch`:" URI
	            ",`TextTransformations`:" TX_NONE "}}");
	size_t lanes, hs, pcre;
	sk_program_stats(t.p, &lanes, &hs, &pcre);
	assert_int_equal(lanes, 1);
	assert_int_equal(hs, ON_HS(1));
	assert_int_equal(pcre, 1 - ON_HS(1));
	assert_true(t_blocks(&t, REQ_PATH("/user/42")));
	assert_false(t_blocks(&t, REQ_PATH("/user/42/x")));
	assert_false(t_blocks(&t, REQ_PATH("/user/")));
	t_close(&t);
}

/* A class loop up to a delimiter matches wherever the value lies in
 * memory: Debian 12's Vectorscan misses this one on AVX-512 CPUs at most
 * offsets (src/waf/regex_check.c keeps such a library out). */
static void regex_class_loop_at_every_offset(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, "{`RegexMatchStatement`:{`RegexString`:`<script[^>]*>`,`FieldToMatch`:" HDR(
	                "x-v") ",`TextTransformations`:" TX_NONE "}}");
	char req[512];
	for (int k = 0; k < 64; k++) {
		snprintf(req, sizeof req, "{`headers`:{`x-v`:`%*s<script/src=%s>`}}", k, "",
		         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
		assert_true(t_blocks(&t, req));
	}
	t_close(&t);
}

static void regex_match_on_pcre(void **state)
{
	(void)state;
	tctx t;
	/* A backreference: Hyperscan refuses it, PCRE2 runs it. */
	t_open1(&t, "{`RegexMatchStatement`:{`RegexString`:`/(ab)\\\\1`,`FieldToMatch`:" URI
	            ",`TextTransformations`:" TX_NONE "}}");
	size_t lanes, hs, pcre;
	sk_program_stats(t.p, &lanes, &hs, &pcre);
	assert_int_equal(pcre, 1);
	assert_int_equal(hs, 0);
	assert_true(t_blocks(&t, REQ_PATH("/abab")));
	assert_false(t_blocks(&t, REQ_PATH("/abba")));
	t_close(&t);

	/* A lookahead next to a plain regex in the same lane. */
	const char *acl =
	    "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},`Rules`:["
	    "{`Name`:`look`,`Priority`:0,`Statement`:{`RegexMatchStatement`:{`RegexString`:"
	    "`foo(?=bar)`,`FieldToMatch`:" URI ",`TextTransformations`:" TX_NONE "}},"
	    "`Action`:{`Block`:{}}},"
	    "{`Name`:`plain`,`Priority`:1,`Statement`:{`RegexMatchStatement`:{`RegexString`:"
	    "`baz[0-9]`,`FieldToMatch`:" URI ",`TextTransformations`:" TX_NONE "}},"
	    "`Action`:{`Block`:{}}}]}";
	t_open(&t, acl);
	sk_program_stats(t.p, &lanes, &hs, &pcre);
	assert_int_equal(lanes, 1);
	assert_int_equal(hs, ON_HS(1));
	assert_int_equal(pcre, 2 - ON_HS(1));
	const sk_verdict *v = t_eval(&t, REQ_PATH("/foobar"));
	assert_int_equal(v->action, SK_ACT_BLOCK);
	assert_string_equal(t_terminating(v)->rule->name, "look");
	assert_int_equal(t_terminating(v)->hits[0].off, 1);
	assert_int_equal(t_terminating(v)->hits[0].len, 3);
	v = t_eval(&t, REQ_PATH("/foobaz1"));
	assert_string_equal(t_terminating(v)->rule->name, "plain");
	v = t_eval(&t, REQ_PATH("/foobaz"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	t_close(&t);
}

static void regex_pattern_set(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, "{`RegexPatternSetReferenceStatement`:{`ARN`:`arn:aws:wafv2:us-east-1:"
	            "123456789012:regional/regexpatternset/bad-paths/"
	            "22222222-aaaa-4bbb-8ccc-000000000001`,`FieldToMatch`:" URI
	            ",`TextTransformations`:" TX_NONE "}}");
	assert_true(t_blocks(&t, REQ_PATH("/wp-admin/x")));
	assert_true(t_blocks(&t, REQ_PATH("/db.bak")));
	assert_true(t_blocks(&t, REQ_PATH("/x.old")));
	assert_false(t_blocks(&t, REQ_PATH("/x/wp-admin")));
	assert_false(t_blocks(&t, REQ_PATH("/db.bak.txt")));
	const sk_verdict *v = t_eval(&t, REQ_PATH("/db.old"));
	assert_contains(t_terminating(v)->hits[0].reason,
	                "pattern 1 of regex pattern set bad-paths");
	t_close(&t);
}

/* ---- SQLi, XSS ---- */

static void sqli_low_high(void **state)
{
	(void)state;
	const char *lv[] = {"LOW", "HIGH"};
	for (int i = 0; i < 2; i++) {
		char stmt[256];
		snprintf(stmt, sizeof stmt,
		         "{`SqliMatchStatement`:{`FieldToMatch`:{`SingleHeader`:{`Name`:`x-q`}},"
		         "`TextTransformations`:" TX_NONE ",`SensitivityLevel`:`%s`}}",
		         lv[i]);
		tctx t;
		t_open1(&t, stmt);
		assert_true(t_blocks(&t, "{`headers`:{`x-q`:`1' OR '1'='1`}}"));
		assert_true(
		    t_blocks(&t, "{`headers`:{`x-q`:`1 UNION SELECT password FROM users--`}}"));
		assert_false(t_blocks(&t, "{`headers`:{`x-q`:`hello`}}"));
		assert_false(t_blocks(&t, "{`headers`:{`x-other`:`1' OR '1'='1`}}"));
		t_close(&t);
	}
}

/* Detector verdicts are remembered by bytes (within an evaluation, and for
 * short clean values across evaluations): the level is part of what is
 * remembered. "1 OR 1" is clean at LOW and a hit at HIGH. */
static void detector_verdicts_kept_per_level(void **state)
{
	(void)state;
#define SQLI_AT(level)                                                                             \
	"{`SqliMatchStatement`:{`FieldToMatch`:{`SingleHeader`:{`Name`:`x-q`}},"                   \
	"`TextTransformations`:" TX_NONE ",`SensitivityLevel`:`" level "`}}"
	tctx t;
	t_open1(&t, "{`OrStatement`:{`Statements`:[" SQLI_AT("LOW") "," SQLI_AT("HIGH") "]}}");
	for (int i = 0; i < 3; i++) {
		assert_true(t_blocks(&t, "{`headers`:{`x-q`:`1 OR 1`}}"));
		assert_false(t_blocks(&t, "{`headers`:{`x-q`:`1 OR`}}"));
	}
	t_close(&t);
	t_open1(&t, SQLI_AT("LOW"));
	for (int i = 0; i < 3; i++)
		assert_false(t_blocks(&t, "{`headers`:{`x-q`:`1 OR 1`}}"));
	t_close(&t);
#undef SQLI_AT
}

/* One remembered entry holds every detector's clean verdict on its bytes:
 * bytes clean for XSS are still judged by SQLI, and the other way round,
 * however often they come back. */
static void detector_verdicts_kept_per_detector(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, "{`OrStatement`:{`Statements`:["
	            "{`XssMatchStatement`:{`FieldToMatch`:{`SingleHeader`:{`Name`:`x-q`}},"
	            "`TextTransformations`:" TX_NONE "}},"
	            "{`SqliMatchStatement`:{`FieldToMatch`:{`SingleHeader`:{`Name`:`x-q`}},"
	            "`TextTransformations`:" TX_NONE ",`SensitivityLevel`:`HIGH`}}]}}");
	for (int i = 0; i < 3; i++) {
		assert_true(t_blocks(&t, "{`headers`:{`x-q`:`1 OR 1=1`}}"));
		assert_true(t_blocks(&t, "{`headers`:{`x-q`:`<script>alert(1)</script>`}}"));
		assert_false(t_blocks(&t, "{`headers`:{`x-q`:`en-GB`}}"));
	}
	t_close(&t);
}

/* Short values in which a lane's patterns found nothing are remembered
 * across evaluations, per lane: the same bytes clean for one lane may
 * match in another. */
static void scan_verdicts_kept_per_lane(void **state)
{
	(void)state;
#define REGEX_IN(re, tx)                                                                           \
	"{`RegexMatchStatement`:{`RegexString`:`" re                                               \
	"`,`FieldToMatch`:{`SingleHeader`:{`Name`:`x-q`}},"                                        \
	"`TextTransformations`:[{`Priority`:0,`Type`:`" tx "`}]}}"
	tctx t;
	t_open1(&t, "{`OrStatement`:{`Statements`:[" REGEX_IN("^abc$", "NONE") "," REGEX_IN(
	                "^xyz$", "LOWERCASE") "]}}");
	for (int i = 0; i < 3; i++) {
		assert_true(t_blocks(&t, "{`headers`:{`x-q`:`xyz`}}"));
		assert_true(t_blocks(&t, "{`headers`:{`x-q`:`abc`}}"));
		assert_false(t_blocks(&t, "{`headers`:{`x-q`:`abcd`}}"));
	}
	t_close(&t);
#undef REGEX_IN
}

/* A lane of a few ByteMatch statements judges values itself instead of
 * calling Hyperscan: it must agree with the regular expression each
 * positional constraint means, on short values and on long ones (past
 * SK_LITERAL_SCAN, unanchored searches go back to Hyperscan). */
static void byte_match_agrees_with_its_regex(void **state)
{
	(void)state;
	static const char *const pos[] = {"EXACTLY", "STARTS_WITH", "ENDS_WITH", "CONTAINS",
	                                  "CONTAINS_WORD"};
	static const char *const pre[] = {"^", "^", "", "", "(?:^|[^A-Za-z0-9_])"};
	static const char *const post[] = {"$", "", "$", "", "(?:[^A-Za-z0-9_]|$)"};
	static const char *const search[] = {"ab", "a_b", "b a"};
	static const char alphabet[] = "ab_ -A0";
	uint32_t seed = 7;
	char stmt[512], req[700], val[320];
	for (int p = 0; p < 5; p++)
		for (int k = 0; k < 3; k++) {
			if (p == 4 && strchr(search[k], ' '))
				continue; /* CONTAINS_WORD takes words only */
			tctx tb, tr;
			snprintf(stmt, sizeof stmt, BYTE(HDR("x-a"), "%s", "%s"), search[k],
			         pos[p]);
			t_open1(&tb, stmt);
			snprintf(
			    stmt, sizeof stmt,
			    "{`RegexMatchStatement`:{`RegexString`:`%s%s%s`,`FieldToMatch`:" HDR(
			        "x-a") ",`TextTransformations`:" TX_NONE "}}",
			    pre[p], search[k], post[p]);
			t_open1(&tr, stmt);
			int hits = 0;
			for (int i = 0; i < 400; i++) {
				seed = seed * 1103515245u + 12345u;
				size_t n = (seed >> 8) % 4 == 0 ? 250 + (seed >> 12) % 60
				                                : (seed >> 12) % 12;
				for (size_t j = 0; j < n; j++) {
					seed = seed * 1103515245u + 12345u;
					val[j] = alphabet[(seed >> 10) % (sizeof alphabet - 1)];
				}
				val[n] = 0;
				if (i % 8 == 0) /* the search string, alone or inside */
					snprintf(val, sizeof val, "%s%s%s", i % 16 ? "b_" : "",
					         search[k], i % 24 ? "" : "a-");
				snprintf(req, sizeof req, "{`headers`:{`x-a`:`%s`}}", val);
				bool b = t_blocks(&tb, req), r = t_blocks(&tr, req);
				if (b != r)
					fail_msg("%s %s on '%s': ByteMatch %d, regex %d", pos[p],
					         search[k], val, b, r);
				hits += b;
			}
			assert_true(hits > 0); /* the values do reach every constraint */
			t_close(&tb);
			t_close(&tr);
		}
}

/* sk_find_bytes() (the search of literal lanes) against a plain search,
 * at every length and alignment around its 16-byte steps, with the needle
 * many times in the value, or once, or cut short at the end. */
static void find_bytes_agrees_with_a_plain_search(void **state)
{
	(void)state;
	uint8_t buf[200];
	static const char *const needles[] = {"a",    "ab",  "aab",
	                                      "abab", "b_a", "aaaaaaaaaaaaaaaaaaab"};
	uint32_t seed = 3;
	for (int round = 0; round < 3000; round++) {
		seed = seed * 1103515245u + 12345u;
		size_t n = (seed >> 8) % 160, off = (seed >> 16) % 16;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[off + i] = "aab_"[(seed >> 12) % (round % 3 ? 4 : 2)];
		}
		const char *nd = needles[round % 6];
		size_t m = strlen(nd);
		const uint8_t *p = buf + off, *want = NULL;
		for (size_t i = 0; i + m <= n && !want; i++)
			if (memcmp(p + i, nd, m) == 0)
				want = p + i;
		const uint8_t *got = sk_find_bytes(p, p + n, (const uint8_t *)nd, m);
		if (got != want)
			fail_msg("'%s' in %zu bytes at %zu: %td, want %td", nd, n, off,
			         got ? got - p : -1, want ? want - p : -1);
	}
}

/* A literal lane records the first value a pattern matches, as a scan
 * does: the hit names the first header that holds the string. */
static void literal_lane_reports_first_value(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, BYTE("{`Headers`:{`MatchPattern`:{`All`:{}},`MatchScope`:`VALUE`,"
	                 "`OversizeHandling`:`CONTINUE`}}",
	                 "CONTAINS", "ab"));
	const sk_verdict *v = t_eval(&t, "{`headers`:{`x-a`:`zz`,`x-b`:`zab`,`x-c`:`ab`}}");
	assert_int_equal(v->action, SK_ACT_BLOCK);
	const sk_hit *h = &t_terminating(v)->hits[0];
	assert_int_equal(h->name.n, 3);
	assert_memory_equal(h->name.p, "x-b", 3);
	assert_int_equal(h->off, 1);
	t_close(&t);
}

/* A value as long as one found clean before, and the same but for a few
 * bytes in its middle, is judged on its own bytes: whatever is remembered
 * across evaluations (short values) or within one (detector verdicts),
 * the bytes decide. */
static void long_clean_values_compared_whole(void **state)
{
	(void)state;
	char clean[101], attack[101], req[400];
	memset(clean, 'a', 100);
	clean[100] = 0;
	memcpy(attack, clean, sizeof attack);
	memcpy(attack + 18, "<script>alert(1)</script>", 25); /* bytes 18 to 42 */
	tctx t;
	t_open1(&t, "{`OrStatement`:{`Statements`:["
	            "{`XssMatchStatement`:{`FieldToMatch`:{`SingleHeader`:{`Name`:`x-q`}},"
	            "`TextTransformations`:" TX_NONE "}},"
	            "{`RegexMatchStatement`:{`RegexString`:`a{30}b`,"
	            "`FieldToMatch`:{`SingleHeader`:{`Name`:`x-r`}},"
	            "`TextTransformations`:" TX_NONE "}}]}}");
	for (int i = 0; i < 3; i++) {
		snprintf(req, sizeof req, "{`headers`:{`x-q`:`%s`,`x-r`:`%s`}}", clean, clean);
		assert_false(t_blocks(&t, req));
		snprintf(req, sizeof req, "{`headers`:{`x-q`:`%s`}}", attack);
		assert_true(t_blocks(&t, req));
		/* The same for a lane's patterns. */
		char r[101];
		memcpy(r, clean, sizeof r);
		r[40] = 'b';
		snprintf(req, sizeof req, "{`headers`:{`x-r`:`%s`}}", r);
		assert_true(t_blocks(&t, req));
	}
	t_close(&t);
}

/* Lanes of different fields and chains over the same bytes (a body read
 * as a body and as a JSON body that is not JSON): each lane gets its own
 * chain's output, whatever the others computed before it. */
static void each_lane_its_own_chain(void **state)
{
	(void)state;
	char pad[81], req[400];
	memset(pad, 'x', 80);
	pad[80] = 0;
	tctx t;
	t_open1(&t, "{`OrStatement`:{`Statements`:["
	            "{`ByteMatchStatement`:{`SearchString`:`a b`,`FieldToMatch`:{`Body`:{}},"
	            "`TextTransformations`:[{`Priority`:0,`Type`:`URL_DECODE`}],"
	            "`PositionalConstraint`:`CONTAINS`}},"
	            "{`ByteMatchStatement`:{`SearchString`:`q%41z`,`FieldToMatch`:{`JsonBody`:{"
	            "`MatchPattern`:{`All`:{}},`MatchScope`:`VALUE`,"
	            "`InvalidFallbackBehavior`:`EVALUATE_AS_STRING`}},"
	            "`TextTransformations`:[{`Priority`:0,`Type`:`LOWERCASE`}],"
	            "`PositionalConstraint`:`CONTAINS`}},"
	            "{`ByteMatchStatement`:{`SearchString`:`k!m`,`FieldToMatch`:{`JsonBody`:{"
	            "`MatchPattern`:{`All`:{}},`MatchScope`:`VALUE`,"
	            "`InvalidFallbackBehavior`:`EVALUATE_AS_STRING`}},"
	            "`TextTransformations`:[{`Priority`:0,`Type`:`URL_DECODE`}],"
	            "`PositionalConstraint`:`CONTAINS`}}]}}");
	for (int i = 0; i < 2; i++) {
		snprintf(req, sizeof req, "{`method`:`POST`,`body`:`%s a+b`}", pad);
		assert_true(t_blocks(&t, req)); /* Body, URL_DECODE */
		snprintf(req, sizeof req, "{`method`:`POST`,`body`:`%s Q%%41Z`}", pad);
		assert_true(t_blocks(&t, req)); /* JsonBody, LOWERCASE: not decoded */
		snprintf(req, sizeof req, "{`method`:`POST`,`body`:`%s K%%21M`}", pad);
		assert_false(t_blocks(&t, req)); /* decoded K!M, not lowered */
		snprintf(req, sizeof req, "{`method`:`POST`,`body`:`%s k%%21m`}", pad);
		assert_true(t_blocks(&t, req)); /* JsonBody, URL_DECODE */
		snprintf(req, sizeof req, "{`method`:`POST`,`body`:`%s qAz`}", pad);
		assert_false(t_blocks(&t, req));
	}
	t_close(&t);
}

static void xss_match(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, "{`XssMatchStatement`:{`FieldToMatch`:{`SingleQueryArgument`:{`Name`:`q`}},"
	            "`TextTransformations`:[{`Priority`:0,`Type`:`URL_DECODE`}]}}");
	assert_true(t_blocks(&t, REQ_PATH("/?q=%3Cscript%3Ealert(1)%3C/script%3E")));
	assert_true(t_blocks(&t, REQ_PATH("/?q=<script>alert(1)</script>")));
	assert_false(t_blocks(&t, REQ_PATH("/?q=hello")));
	assert_false(t_blocks(&t, REQ_PATH("/?other=<script>alert(1)</script>")));
	t_close(&t);
}

/* ---- SizeConstraint ---- */

static void sekisho_detector_statement(void **state)
{
	(void)state;
	/* sekisho's extension statement runs a detector by name, and shares
	 * the answer with XssMatch on the same lane. */
	const char *stmt = "{`SekishoDetectorStatement`:{`Detector`:`XSS`,`FieldToMatch`:" QS
	                   ",`TextTransformations`:[{`Priority`:0,`Type`:`URL_DECODE`}]}}";
	assert_true(t_match(stmt, REQ_PATH("/?q=%3Cscript%3Ealert(1)%3C/script%3E")));
	assert_false(t_match(stmt, REQ_PATH("/?q=hello")));
	const char *sq = "{`SekishoDetectorStatement`:{`Detector`:`SQLI`,`SensitivityLevel`:`HIGH`,"
	                 "`FieldToMatch`:{`SingleQueryArgument`:{`Name`:`id`}},"
	                 "`TextTransformations`:[{`Priority`:0,`Type`:`URL_DECODE`}]}}";
	assert_true(t_match(sq, REQ_PATH("/?id=1'+OR+'1'='1")));
	assert_false(t_match(sq, REQ_PATH("/?id=42")));
	char *acl = t_acl1("{`SekishoDetectorStatement`:{`Detector`:`NOPE`,`FieldToMatch`:" QS
	                   ",`TextTransformations`:" TX_NONE "}}");
	const char *m = t_load_error(acl, NULL);
	assert_contains(m, "SekishoDetectorStatement.Detector: expected one of SQLI, XSS");
	free(acl);
}

static void size_constraint_operators(void **state)
{
	(void)state;
	static const struct {
		const char *op;
		bool at4, at0; /* header of 4 bytes; header absent (size 0) */
	} cases[] = {
	    {"EQ", true, false}, {"NE", false, true}, {"LE", true, true},
	    {"LT", false, true}, {"GE", true, false}, {"GT", false, false},
	};
	for (size_t i = 0; i < 6; i++) {
		char stmt[256];
		snprintf(
		    stmt, sizeof stmt,
		    "{`SizeConstraintStatement`:{`FieldToMatch`:{`SingleHeader`:{`Name`:`x-s`}},"
		    "`ComparisonOperator`:`%s`,`Size`:4,`TextTransformations`:" TX_NONE "}}",
		    cases[i].op);
		tctx t;
		t_open1(&t, stmt);
		if (t_blocks(&t, "{`headers`:{`x-s`:`abcd`}}") != cases[i].at4)
			fail_msg("%s 4 on a 4-byte header", cases[i].op);
		if (t_blocks(&t, "{`headers`:{`x-o`:`abcd`}}") != cases[i].at0)
			fail_msg("%s 4 on an absent header", cases[i].op);
		/* 3 bytes: below 4 */
		bool lt = strcmp(cases[i].op, "NE") == 0 || strcmp(cases[i].op, "LE") == 0 ||
		          strcmp(cases[i].op, "LT") == 0;
		if (t_blocks(&t, "{`headers`:{`x-s`:`abc`}}") != lt)
			fail_msg("%s 4 on a 3-byte header", cases[i].op);
		t_close(&t);
	}
	/* Size after transformations: "%41%42" decodes to 2 bytes. */
	assert_true(t_match("{`SizeConstraintStatement`:{`FieldToMatch`:{`QueryString`:{}},"
	                    "`ComparisonOperator`:`EQ`,`Size`:2,`TextTransformations`:"
	                    "[{`Priority`:0,`Type`:`URL_DECODE`}]}}",
	                    REQ_PATH("/?%41%42")));
	/* An absent body has size 0. */
	assert_true(t_match("{`SizeConstraintStatement`:{`FieldToMatch`:{`Body`:{}},"
	                    "`ComparisonOperator`:`EQ`,`Size`:0,`TextTransformations`:" TX_NONE
	                    "}}",
	                    REQ_PATH("/")));
}

/* ---- IPSetReference ---- */

#define IPSET_V4                                                                                   \
	"`arn:aws:wafv2:us-east-1:123456789012:regional/ipset/office-v4/"                          \
	"11111111-aaaa-4bbb-8ccc-000000000001`"
#define IPSET_V6                                                                                   \
	"`arn:aws:wafv2:us-east-1:123456789012:regional/ipset/office-v6/"                          \
	"11111111-aaaa-4bbb-8ccc-000000000002`"

static void ip_set_v4_v6(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, "{`IPSetReferenceStatement`:{`ARN`:" IPSET_V4 "}}");
	assert_true(t_blocks(&t, REQ_IP("192.0.2.0")));
	assert_true(t_blocks(&t, REQ_IP("192.0.2.255")));
	assert_true(t_blocks(&t, REQ_IP("198.51.100.7")));
	assert_false(t_blocks(&t, REQ_IP("192.0.1.255")));
	assert_false(t_blocks(&t, REQ_IP("192.0.3.0")));
	assert_false(t_blocks(&t, REQ_IP("198.51.100.6")));
	assert_false(t_blocks(&t, REQ_IP("198.51.100.8")));
	assert_false(t_blocks(&t, REQ_IP("2001:db8::1")));
	assert_false(t_blocks(&t, REQ_PATH("/"))); /* no client address */
	t_close(&t);

	t_open1(&t, "{`IPSetReferenceStatement`:{`ARN`:" IPSET_V6 "}}");
	assert_true(t_blocks(&t, REQ_IP("2001:db8::")));
	assert_true(t_blocks(&t, REQ_IP("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
	assert_true(t_blocks(&t, REQ_IP("2001:db9::1")));
	assert_false(t_blocks(&t, REQ_IP("2001:db9::2")));
	assert_false(t_blocks(&t, REQ_IP("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")));
	assert_true(t_blocks(&t, REQ_IP("::1"))); /* in ::/8 */
	/* ::/8 holds the IPv4-mapped block, but an IPv6 set never matches an
	 * IPv4 client, in either spelling. */
	assert_false(t_blocks(&t, REQ_IP("192.0.2.1")));
	assert_false(t_blocks(&t, REQ_IP("::ffff:192.0.2.1")));
	t_close(&t);

	/* Found by name too. */
	assert_true(
	    t_match("{`IPSetReferenceStatement`:{`ARN`:`office-v4`}}", REQ_IP("192.0.2.9")));
}

static void ip_set_forwarded(void **state)
{
	(void)state;
	static const struct {
		const char *pos;
		bool first_out, last_out; /* "203.0.113.1, 192.0.2.5" / reversed */
	} cases[] = {{"FIRST", false, true}, {"LAST", true, false}, {"ANY", true, true}};
	for (size_t i = 0; i < 3; i++) {
		for (int fb = 0; fb < 2; fb++) {
			char stmt[512];
			snprintf(stmt, sizeof stmt,
			         "{`IPSetReferenceStatement`:{`ARN`:" IPSET_V4
			         ",`IPSetForwardedIPConfig`:{`HeaderName`:`X-Forwarded-For`,"
			         "`FallbackBehavior`:`%s`,`Position`:`%s`}}}",
			         fb ? "MATCH" : "NO_MATCH", cases[i].pos);
			tctx t;
			t_open1(&t, stmt);
			if (t_blocks(&t, "{`client_ip`:`10.0.0.1`,`headers`:{`x-forwarded-for`:"
			                 "`203.0.113.1, 192.0.2.5`}}") != cases[i].first_out)
				fail_msg("%s with the set member last", cases[i].pos);
			if (t_blocks(&t, "{`client_ip`:`10.0.0.1`,`headers`:{`X-Forwarded-For`:"
			                 "`192.0.2.5,203.0.113.1`}}") != cases[i].last_out)
				fail_msg("%s with the set member first", cases[i].pos);
			/* The client address is not looked at. */
			assert_false(t_blocks(&t, "{`client_ip`:`192.0.2.1`,`headers`:{"
			                          "`x-forwarded-for`:`203.0.113.1`}}"));
			/* No header, or nothing valid in it: the fallback. */
			if (t_blocks(&t, "{`client_ip`:`192.0.2.1`}") != (fb == 1))
				fail_msg("%s fallback without the header", cases[i].pos);
			if (t_blocks(&t, "{`headers`:{`x-forwarded-for`:`unknown`}}") != (fb == 1))
				fail_msg("%s fallback with garbage", cases[i].pos);
			t_close(&t);
		}
	}
}

/* ---- GeoMatch ---- */

static void geo_without_database(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, "{`GeoMatchStatement`:{`CountryCodes`:[`US`,`JP`]}}");
	const sk_verdict *v = t_eval(&t, REQ_IP("8.8.8.8"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_string_equal(v->country, "--");
	assert_false(t_blocks(&t, REQ_PATH("/")));
	t_close(&t);
	assert_true(t_match("{`NotStatement`:{`Statement`:{`GeoMatchStatement`:{`CountryCodes`:"
	                    "[`US`]}}}}",
	                    REQ_IP("8.8.8.8")));
}

/* ---- LabelMatch ---- */

static void label_match_order_and_scopes(void **state)
{
	(void)state;
	const char *acl =
	    "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},`Rules`:["
	    "{`Name`:`after`,`Priority`:20,`Statement`:{`LabelMatchStatement`:{`Scope`:`LABEL`,"
	    "`Key`:`tag`}},`Action`:{`Block`:{}}},"
	    "{`Name`:`before`,`Priority`:0,`Statement`:{`LabelMatchStatement`:{`Scope`:`LABEL`,"
	    "`Key`:`tag`}},`Action`:{`Block`:{}}},"
	    "{`Name`:`tagger`,`Priority`:10,`Statement`:" BYTE(
	        URI, "CONTAINS",
	        "tagme") ","
	                 "`Action`:{`Count`:{}},`RuleLabels`:[{`Name`:`tag`},{`Name`:`ns1:ns2:deep`"
	                 "}]},"
	                 "{`Name`:`ns`,`Priority`:15,`Statement`:{`LabelMatchStatement`:{`Scope`:`"
	                 "NAMESPACE`,"
	                 "`Key`:`ns1:`}},`Action`:{`Count`:{}},`RuleLabels`:[{`Name`:`saw-ns`}]},"
	                 "{`Name`:`ns-inner`,`Priority`:16,`Statement`:{`LabelMatchStatement`:{`"
	                 "Scope`:"
	                 "`NAMESPACE`,`Key`:`ns1:ns2:`}},`Action`:{`Count`:{}},`RuleLabels`:[{`"
	                 "Name`:`saw-inner`}]},"
	                 "{`Name`:`label-with-ns`,`Priority`:17,`Statement`:{`LabelMatchStatement`:"
	                 "{`Scope`:"
	                 "`LABEL`,`Key`:`ns2:deep`}},`Action`:{`Count`:{}},`RuleLabels`:[{`Name`:`"
	                 "saw-deep`}]},"
	                 "{`Name`:`full`,`Priority`:18,`Statement`:{`LabelMatchStatement`:{`Scope`:"
	                 "`LABEL`,"
	                 "`Key`:`awswaf:000000000000:webacl:t:ns1:ns2:deep`}},`Action`:{`Count`:{}}"
	                 ","
	                 "`RuleLabels`:[{`Name`:`saw-full`}]},"
	                 "{`Name`:`wrong`,`Priority`:19,`Statement`:{`LabelMatchStatement`:{`Scope`"
	                 ":`LABEL`,"
	                 "`Key`:`ns1`}},`Action`:{`Count`:{}},`RuleLabels`:[{`Name`:`saw-wrong`}]}"
	                 "]}";
	tctx t;
	t_open(&t, acl);
	const sk_verdict *v = t_eval(&t, REQ_PATH("/tagme"));
	assert_int_equal(v->action, SK_ACT_BLOCK);
	assert_string_equal(t_terminating(v)->rule->name, "after");
	assert_true(t_has_label(v, "awswaf:000000000000:webacl:t:tag"));
	assert_true(t_has_label(v, "awswaf:000000000000:webacl:t:ns1:ns2:deep"));
	assert_true(t_has_label(v, "awswaf:000000000000:webacl:t:saw-ns"));
	assert_true(t_has_label(v, "awswaf:000000000000:webacl:t:saw-inner"));
	assert_true(t_has_label(v, "awswaf:000000000000:webacl:t:saw-deep"));
	assert_true(t_has_label(v, "awswaf:000000000000:webacl:t:saw-full"));
	assert_false(t_has_label(v, "awswaf:000000000000:webacl:t:saw-wrong"));
	/* Labels are in the order added. */
	assert_string_equal(v->labels[0], "awswaf:000000000000:webacl:t:tag");
	v = t_eval(&t, REQ_PATH("/other"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_int_equal(v->nlabels, 0);
	t_close(&t);
}

/* ---- And, Or, Not ---- */

static void and_or_not(void **state)
{
	(void)state;
	const char *and_ = "{`AndStatement`:{`Statements`:[" BYTE(
	    URI, "STARTS_WITH", "/a") "," BYTE(QS, "CONTAINS", "x") "]}}";
	tctx t;
	t_open1(&t, and_);
	assert_true(t_blocks(&t, REQ_PATH("/a?x")));
	assert_false(t_blocks(&t, REQ_PATH("/a?y")));
	assert_false(t_blocks(&t, REQ_PATH("/b?x")));
	const sk_verdict *v = t_eval(&t, REQ_PATH("/a?x"));
	assert_int_equal(t_terminating(v)->nhits, 2); /* both explain the match */
	t_close(&t);

	const char *or_ = "{`OrStatement`:{`Statements`:[" BYTE(URI, "STARTS_WITH", "/a") "," BYTE(
	    QS, "CONTAINS", "x") "]}}";
	t_open1(&t, or_);
	assert_true(t_blocks(&t, REQ_PATH("/a?y")));
	assert_true(t_blocks(&t, REQ_PATH("/b?x")));
	assert_false(t_blocks(&t, REQ_PATH("/b?y")));
	t_close(&t);

	const char *not_ = "{`NotStatement`:{`Statement`:{`AndStatement`:{`Statements`:[" BYTE(
	    URI, "STARTS_WITH", "/a") "," BYTE(QS, "CONTAINS", "x") "]}}}}";
	t_open1(&t, not_);
	assert_false(t_blocks(&t, REQ_PATH("/a?x")));
	assert_true(t_blocks(&t, REQ_PATH("/a?y")));
	assert_true(t_blocks(&t, REQ_PATH("/b")));
	v = t_eval(&t, REQ_PATH("/b"));
	assert_int_equal(t_terminating(v)->nhits, 1);
	t_close(&t);
}

/* ---- RateBased ---- */

static void rate_constant_key(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, "{`RateBasedStatement`:{`Limit`:10,`EvaluationWindowSec`:60,"
	            "`AggregateKeyType`:`CONSTANT`,`ScopeDownStatement`:" BYTE(URI, "STARTS_WITH",
	                                                                       "/api") "}}");
	int64_t now = T_NOW;
	/* Outside the scope-down: never counted. */
	for (int i = 0; i < 30; i++)
		assert_int_equal(t_eval_at(&t, REQ_PATH("/web"), now + i)->action, SK_ACT_ALLOW);
	t_close(&t);

	/* Count exactly: 10 within the limit, the 11th over it. */
	t_open1(&t, "{`RateBasedStatement`:{`Limit`:10,`EvaluationWindowSec`:60,"
	            "`AggregateKeyType`:`CONSTANT`,`ScopeDownStatement`:" BYTE(URI, "STARTS_WITH",
	                                                                       "/api") "}}");
	for (int i = 0; i < 10; i++)
		assert_int_equal(t_eval_at(&t, REQ_PATH("/api/x"), now + i * 1000)->action,
		                 SK_ACT_ALLOW);
	const sk_verdict *v = t_eval_at(&t, REQ_PATH("/api/y"), now + 10000);
	assert_int_equal(v->action, SK_ACT_BLOCK);
	assert_contains(t_terminating(v)->hits[0].reason, "11 requests in 60 s");
	/* Every client shares the constant key. */
	v = t_eval_at(&t, "{`path`:`/api`,`client_ip`:`203.0.113.9`}", now + 11000);
	assert_int_equal(v->action, SK_ACT_BLOCK);
	/* Outside the scope-down still allowed while the API is limited. */
	assert_int_equal(t_eval_at(&t, REQ_PATH("/web"), now + 11000)->action, SK_ACT_ALLOW);
	/* Beyond the window the count starts over. */
	v = t_eval_at(&t, REQ_PATH("/api"), now + 11000 + 61000);
	assert_int_equal(v->action, SK_ACT_ALLOW);
	t_close(&t);
}

/* ---- sk_evaluate_head: the head alone, before the body comes ---- */

static sk_status eval_head(tctx *t, const char *req_json)
{
	t_request(t, req_json);
	return sk_evaluate_head(t->p, t->s, &t->req, T_NOW, &t->v, &t->err);
}

static void head_only_evaluation(void **state)
{
	(void)state;
	tctx t;
	/* A header rule that blocks: decided on the head, whatever the body. */
	t_open(&t,
	       "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},`Rules`:["
	       "{`Name`:`hdr`,`Priority`:1,`Statement`:" BYTE(
	           HDR("x-bad"), "EXACTLY",
	           "1") ",`Action`:{`Block`:{}},`VisibilityConfig`:{`SampledRequestsEnabled`:false,"
	                "`CloudWatchMetricsEnabled`:false,`MetricName`:`h`}},"
	                "{`Name`:`body`,`Priority`:2,`Statement`:" BYTE(
	                    BODY, "CONTAINS",
	                    "evil") ",`Action`:{`Block`:{}},`VisibilityConfig`:{`"
	                            "SampledRequestsEnabled`:false,"
	                            "`CloudWatchMetricsEnabled`:false,`MetricName`:`b`}}],"
	                            "`VisibilityConfig`:{`SampledRequestsEnabled`:false,"
	                            "`CloudWatchMetricsEnabled`:false,`MetricName`:`t`}}");
	assert_int_equal(eval_head(&t, "{`path`:`/`,`headers`:{`x-bad`:`1`}}"), SK_OK);
	assert_int_equal(t.v.action, SK_ACT_BLOCK);
	assert_string_equal(t_terminating(&t.v)->rule->name, "hdr");
	/* The header rule passes: the body rule would need the body. */
	assert_int_equal(eval_head(&t, "{`path`:`/`,`headers`:{`x-bad`:`0`}}"), SK_AGAIN);
	t_close(&t);

	/* A rate count is a side effect: never made on the head alone, so the
	 * whole evaluation counts each request once. */
	t_open1(&t, "{`RateBasedStatement`:{`Limit`:10,`EvaluationWindowSec`:60,"
	            "`AggregateKeyType`:`CONSTANT`,`ScopeDownStatement`:" BYTE(URI, "STARTS_WITH",
	                                                                       "/api") "}}");
	for (int i = 0; i < 10; i++) {
		assert_int_equal(eval_head(&t, REQ_PATH("/api")), SK_AGAIN);
		assert_int_equal(t_eval_at(&t, REQ_PATH("/api"), T_NOW + i)->action, SK_ACT_ALLOW);
	}
	assert_int_equal(t_eval_at(&t, REQ_PATH("/api"), T_NOW + 10)->action, SK_ACT_BLOCK);
	t_close(&t);

	/* An ACL that never reads the body decides on the head: Allow too. */
	t_open1(&t, BYTE(URI, "EXACTLY", "/admin"));
	assert_int_equal(eval_head(&t, REQ_PATH("/shop")), SK_OK);
	assert_int_equal(t.v.action, SK_ACT_ALLOW);
	t_close(&t);
}

static void rate_ip_key(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, "{`RateBasedStatement`:{`Limit`:10,`AggregateKeyType`:`IP`}}");
	int64_t now = T_NOW;
	for (int i = 0; i < 10; i++)
		assert_int_equal(t_eval_at(&t, REQ_IP("192.0.2.1"), now + i)->action, SK_ACT_ALLOW);
	assert_int_equal(t_eval_at(&t, REQ_IP("192.0.2.1"), now + 20)->action, SK_ACT_BLOCK);
	assert_int_equal(t_eval_at(&t, REQ_IP("192.0.2.1"), now + 30)->action, SK_ACT_BLOCK);
	/* Another address has its own count. */
	assert_int_equal(t_eval_at(&t, REQ_IP("192.0.2.2"), now + 40)->action, SK_ACT_ALLOW);
	/* The default window is 300 s: still limited at 299 s... */
	assert_int_equal(t_eval_at(&t, REQ_IP("192.0.2.1"), now + 290000)->action, SK_ACT_BLOCK);
	/* ...and counted afresh once the early requests left the window. */
	assert_int_equal(t_eval_at(&t, REQ_IP("192.0.2.1"), now + 600000 + 1)->action,
	                 SK_ACT_ALLOW);
	t_close(&t);
}

static void rate_custom_and_forwarded_keys(void **state)
{
	(void)state;
	tctx t;
	/* Keyed on a header: requests without it are not counted. */
	t_open1(&t, "{`RateBasedStatement`:{`Limit`:10,`AggregateKeyType`:`CUSTOM_KEYS`,"
	            "`CustomKeys`:[{`Header`:{`Name`:`x-api-key`,`TextTransformations`:"
	            "[{`Priority`:0,`Type`:`LOWERCASE`}]}}]}}");
	for (int i = 0; i < 10; i++)
		assert_false(t_blocks(&t, "{`headers`:{`x-api-key`:`K1`}}"));
	/* The key is read after LOWERCASE: k1 is K1. */
	assert_true(t_blocks(&t, "{`headers`:{`x-api-key`:`k1`}}"));
	assert_false(t_blocks(&t, "{`headers`:{`x-api-key`:`k2`}}"));
	for (int i = 0; i < 20; i++)
		assert_false(t_blocks(&t, REQ_PATH("/")));
	t_close(&t);

	/* FORWARDED_IP: the first address of the header. */
	t_open1(&t, "{`RateBasedStatement`:{`Limit`:10,`AggregateKeyType`:`FORWARDED_IP`,"
	            "`ForwardedIPConfig`:{`HeaderName`:`X-Forwarded-For`,"
	            "`FallbackBehavior`:`NO_MATCH`}}}");
	for (int i = 0; i < 10; i++)
		assert_false(t_blocks(&t, "{`client_ip`:`10.0.0.1`,`headers`:{`x-forwarded-for`:"
		                          "`203.0.113.5, 10.1.1.1`}}"));
	assert_true(t_blocks(&t, "{`client_ip`:`10.0.0.2`,`headers`:{`x-forwarded-for`:"
	                         "`203.0.113.5`}}"));
	assert_false(t_blocks(&t, "{`client_ip`:`10.0.0.1`,`headers`:{`x-forwarded-for`:"
	                          "`10.1.1.1, 203.0.113.5`}}"));
	for (int i = 0; i < 20; i++)
		assert_false(t_blocks(&t, "{`client_ip`:`10.0.0.1`}"));
	t_close(&t);
}

/* ---- evaluation ---- */

static void priority_order(void **state)
{
	(void)state;
	const char *acl =
	    "{`Name`:`t`,`DefaultAction`:{`Block`:{}},`Rules`:["
	    "{`Name`:`late-block`,`Priority`:50,`Statement`:" BYTE(
	        URI, "STARTS_WITH",
	        "/") ","
	             "`Action`:{`Block`:{}}},"
	             "{`Name`:`early-allow`,`Priority`:3,`Statement`:" BYTE(
	                 URI, "STARTS_WITH",
	                 "/ok") ","
	                        "`Action`:{`Allow`:{}}},"
	                        "{`Name`:`first-count`,`Priority`:1,`Statement`:" BYTE(
	                            URI, "STARTS_WITH",
	                            "/") ","
	                                 "`Action`:{`Count`:{}},`RuleLabels`:[{`Name`:`seen`}]}]}";
	tctx t;
	t_open(&t, acl);
	const sk_acl *a = sk_program_acl(t.p);
	assert_string_equal(a->rules[0].name, "first-count");
	assert_string_equal(a->rules[2].name, "late-block");
	const sk_verdict *v = t_eval(&t, REQ_PATH("/ok"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_int_equal(v->status, 200);
	assert_int_equal(v->nmatches, 2);
	assert_string_equal(v->matches[0].rule->name, "first-count");
	assert_int_equal(v->matches[0].action, SK_ACT_COUNT);
	assert_false(v->matches[0].terminating);
	assert_string_equal(v->matches[1].rule->name, "early-allow");
	assert_true(v->matches[1].terminating);
	assert_int_equal(v->terminating, 1);
	assert_true(t_has_label(v, "awswaf:000000000000:webacl:t:seen"));

	v = t_eval(&t, REQ_PATH("/x"));
	assert_int_equal(v->action, SK_ACT_BLOCK);
	assert_int_equal(v->status, 403);
	assert_string_equal(t_terminating(v)->rule->name, "late-block");
	t_close(&t);
}

static void default_actions(void **state)
{
	(void)state;
	const char *allow = "{`Name`:`t`,`DefaultAction`:{`Allow`:{`CustomRequestHandling`:{"
	                    "`InsertHeaders`:[{`Name`:`checked`,`Value`:`yes`}]}}},`Rules`:[]}";
	tctx t;
	t_open(&t, allow);
	const sk_verdict *v = t_eval(&t, REQ_PATH("/"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_int_equal(v->status, 200);
	assert_int_equal(v->terminating, -1);
	assert_int_equal(v->nmatches, 0);
	assert_int_equal(v->ninserted, 1);
	assert_string_equal(v->inserted[0].name, "x-amzn-waf-checked");
	assert_string_equal(v->inserted[0].value, "yes");
	t_close(&t);

	const char *block = "{`Name`:`t`,`DefaultAction`:{`Block`:{`CustomResponse`:{"
	                    "`ResponseCode`:401,`CustomResponseBodyKey`:`nope`}}},"
	                    "`CustomResponseBodies`:{`nope`:{`ContentType`:`APPLICATION_JSON`,"
	                    "`Content`:`{\\`error\\`:1}`}},`Rules`:[]}";
	t_open(&t, block);
	v = t_eval(&t, REQ_PATH("/"));
	assert_int_equal(v->action, SK_ACT_BLOCK);
	assert_int_equal(v->status, 401);
	assert_int_equal(v->terminating, -1);
	assert_non_null(v->act);
	assert_non_null(v->act->body);
	assert_string_equal(v->act->body->content_type, "application/json");
	assert_string_equal(v->act->body->content, "{\"error\":1}");
	t_close(&t);
}

static void custom_response(void **state)
{
	(void)state;
	const char *acl =
	    "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},"
	    "`CustomResponseBodies`:{`slow`:{`ContentType`:`TEXT_PLAIN`,"
	    "`Content`:`slow down`}},`Rules`:["
	    "{`Name`:`limit`,`Priority`:0,`Statement`:" BYTE(
	        URI, "STARTS_WITH",
	        "/api") ","
	                "`Action`:{`Block`:{`CustomResponse`:{`ResponseCode`:429,"
	                "`CustomResponseBodyKey`:`slow`,`ResponseHeaders`:[{`Name`:`Retry-After`,"
	                "`Value`:`30`}]}}}}]}";
	tctx t;
	t_open(&t, acl);
	const sk_verdict *v = t_eval(&t, REQ_PATH("/api"));
	assert_int_equal(v->action, SK_ACT_BLOCK);
	assert_int_equal(v->status, 429);
	assert_int_equal(v->act->response_code, 429);
	assert_string_equal(v->act->body->content, "slow down");
	assert_string_equal(v->act->body->content_type, "text/plain");
	assert_int_equal(v->act->nresponse_headers, 1);
	assert_string_equal(v->act->response_headers[0].name, "Retry-After");
	assert_string_equal(v->act->response_headers[0].value, "30");
	t_close(&t);
}

static void captcha_and_challenge(void **state)
{
	(void)state;
	const char *acl =
	    "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},`Rules`:["
	    "{`Name`:`cap`,`Priority`:0,`Statement`:" BYTE(
	        URI, "STARTS_WITH", "/login") ","
	                                      "`Action`:{`Captcha`:{}}},"
	                                      "{`Name`:`chal`,`Priority`:1,`Statement`:" BYTE(
	                                          URI, "STARTS_WITH",
	                                          "/shop") ","
	                                                   "`Action`:{`Challenge`:{}}}]}";
	tctx t;
	t_open(&t, acl);
	const sk_verdict *v = t_eval(&t, REQ_PATH("/login"));
	assert_int_equal(v->action, SK_ACT_CAPTCHA);
	assert_int_equal(v->status, 403);
	assert_string_equal(sk_action_name(v->action), "CAPTCHA");
	assert_true(t_terminating(v)->terminating);
	v = t_eval(&t, REQ_PATH("/shop"));
	assert_int_equal(v->action, SK_ACT_CHALLENGE);
	assert_int_equal(v->status, 403);
	assert_string_equal(sk_action_name(v->action), "CHALLENGE");
	t_close(&t);
}

static void request_header_insertion(void **state)
{
	(void)state;
	const char *acl =
	    "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},`Rules`:["
	    "{`Name`:`mark`,`Priority`:0,`Statement`:" BYTE(
	        URI, "STARTS_WITH",
	        "/") ","
	             "`Action`:{`Count`:{`CustomRequestHandling`:{`InsertHeaders`:"
	             "[{`Name`:`seen`,`Value`:`1`}]}}}},"
	             "{`Name`:`vip`,`Priority`:1,`Statement`:" BYTE(
	                 URI, "STARTS_WITH",
	                 "/vip") ","
	                         "`Action`:{`Allow`:{`CustomRequestHandling`:{`InsertHeaders`:"
	                         "[{`Name`:`user-class`,`Value`:`vip`},{`Name`:`b`,`Value`:`2`}]}}}"
	                         "},"
	                         "{`Name`:`blk`,`Priority`:2,`Statement`:" BYTE(
	                             URI, "STARTS_WITH", "/bad") ","
	                                                         "`Action`:{`Block`:{}}}]}";
	tctx t;
	t_open(&t, acl);
	const sk_verdict *v = t_eval(&t, REQ_PATH("/vip"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_int_equal(v->ninserted, 3);
	assert_string_equal(v->inserted[0].name, "x-amzn-waf-seen");
	assert_string_equal(v->inserted[1].name, "x-amzn-waf-user-class");
	assert_string_equal(v->inserted[1].value, "vip");
	assert_string_equal(v->inserted[2].name, "x-amzn-waf-b");
	v = t_eval(&t, REQ_PATH("/bad"));
	assert_int_equal(v->action, SK_ACT_BLOCK);
	t_close(&t);
}

static void count_only_mode(void **state)
{
	(void)state;
	const char *acl =
	    "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},`Rules`:["
	    "{`Name`:`blk`,`Priority`:0,`Statement`:" BYTE(
	        URI, "STARTS_WITH",
	        "/bad") ","
	                "`Action`:{`Block`:{}},`RuleLabels`:[{`Name`:`bad`}]},"
	                "{`Name`:`cap`,`Priority`:1,`Statement`:" BYTE(
	                    URI, "STARTS_WITH",
	                    "/bad") ","
	                            "`Action`:{`Captcha`:{}}},"
	                            "{`Name`:`ok`,`Priority`:2,`Statement`:" BYTE(
	                                URI, "STARTS_WITH", "/") ","
	                                                         "`Action`:{`Allow`:{}}}]}";
	sk_engine_options eo = {.count_only = true};
	tctx t;
	t_open_opts(&t, acl, NULL, &eo);
	const sk_verdict *v = t_eval(&t, REQ_PATH("/bad"));
	/* Block and Captcha are counted; evaluation goes on to the Allow. */
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_int_equal(v->status, 200);
	assert_int_equal(v->nmatches, 3);
	assert_int_equal(v->matches[0].action, SK_ACT_COUNT);
	assert_int_equal(v->matches[0].rule_action, SK_ACT_BLOCK);
	assert_true(v->matches[0].overridden);
	assert_false(v->matches[0].terminating);
	assert_int_equal(v->matches[1].action, SK_ACT_COUNT);
	assert_int_equal(v->matches[1].rule_action, SK_ACT_CAPTCHA);
	assert_true(v->matches[2].terminating);
	assert_true(t_has_label(v, "awswaf:000000000000:webacl:t:bad"));
	t_close(&t);

	/* A default Block lets the request through in count-only mode. */
	t_open_opts(&t, "{`Name`:`t`,`DefaultAction`:{`Block`:{}},`Rules`:[]}", NULL, &eo);
	v = t_eval(&t, REQ_PATH("/"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_int_equal(v->status, 200);
	t_close(&t);
}

/* Two rules reading the same field through the same chain share one lane;
 * a different chain is another lane. */
static void lanes_are_shared(void **state)
{
	(void)state;
	const char *acl =
	    "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},`Rules`:["
	    "{`Name`:`a`,`Priority`:0,`Statement`:" BYTE(
	        URI, "CONTAINS",
	        "aaa") ","
	               "`Action`:{`Count`:{}}},"
	               "{`Name`:`b`,`Priority`:1,`Statement`:" BYTE(
	                   URI, "CONTAINS",
	                   "bbb") ","
	                          "`Action`:{`Count`:{}}},"
	                          "{`Name`:`c`,`Priority`:2,`Statement`:{`ByteMatchStatement`:{`"
	                          "SearchString`:"
	                          "`ccc`,`FieldToMatch`:{`UriPath`:{}},`TextTransformations`:[{`"
	                          "Priority`:0,"
	                          "`Type`:`LOWERCASE`}],`PositionalConstraint`:`CONTAINS`}},"
	                          "`Action`:{`Count`:{}}}]}";
	tctx t;
	t_open(&t, acl);
	size_t lanes, hs, pcre;
	sk_program_stats(t.p, &lanes, &hs, &pcre);
	assert_int_equal(lanes, 2);
	assert_int_equal(hs, ON_HS(3));
	const sk_verdict *v = t_eval(&t, REQ_PATH("/aaa/bbb/CCC"));
	assert_int_equal(v->nmatches, 3);
	v = t_eval(&t, REQ_PATH("/bbb"));
	assert_int_equal(v->nmatches, 1);
	assert_string_equal(v->matches[0].rule->name, "b");
	t_close(&t);
}

/* Lanes of one field share work (program.h: a transformation one lane
 * already applied to the same slice, a detector answer for the same
 * slice). Every rule of an ACL built so that they do must find exactly
 * what it finds alone, where nothing is shared. */
#define TX1(a)    "[{`Priority`:0,`Type`:`" a "`}]"
#define TX2(a, b) "[{`Priority`:0,`Type`:`" a "`},{`Priority`:1,`Type`:`" b "`}]"

static const char *const twin_rules[][3] = {
    {"SqliMatchStatement", TX1("URL_DECODE"), ""},
    {"SqliMatchStatement", TX1("HTML_ENTITY_DECODE"), ""},
    {"XssMatchStatement", TX2("URL_DECODE", "LOWERCASE"), ""},
    {"XssMatchStatement", TX1("LOWERCASE"), ""},
    {"ByteMatchStatement", TX2("URL_DECODE_UNI", "LOWERCASE"),
     ",`SearchString`:`select`,`PositionalConstraint`:`CONTAINS`"},
    {"ByteMatchStatement", TX2("COMPRESS_WHITE_SPACE", "LOWERCASE"),
     ",`SearchString`:`select`,`PositionalConstraint`:`CONTAINS`"},
    {"ByteMatchStatement", TX1("URL_DECODE"),
     ",`SearchString`:`%u`,`PositionalConstraint`:`CONTAINS`"},
    {"ByteMatchStatement", TX1("URL_DECODE_UNI"),
     ",`SearchString`:`A<`,`PositionalConstraint`:`CONTAINS`"},
    /* first in the reversed order, as a URL_DECODE rule is first in the
     * other: each URL decoding is sometimes the one computed first */
    {"XssMatchStatement", TX1("URL_DECODE_UNI"), ""},
};
#define NTWIN (sizeof twin_rules / sizeof twin_rules[0])

static char *twin_rule(size_t k, int priority, const char *action)
{
	char *r = malloc(512);
	assert_non_null(r);
	snprintf(r, 512,
	         "{`Name`:`r%zu`,`Priority`:%d,`Action`:{`%s`:{}},`Statement`:{`%s`:{"
	         "`FieldToMatch`:{`AllQueryArguments`:{}},`TextTransformations`:%s%s}}}",
	         k, priority, action, twin_rules[k][0], twin_rules[k][1], twin_rules[k][2]);
	return r;
}

/* The rules of twin_rules in their order, or (reverse) the other way
 * round; only one of them when only < NTWIN. */
static char *twin_acl(size_t only, bool reverse)
{
	char *acl = malloc(8192);
	assert_non_null(acl);
	strcpy(acl, "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},`Rules`:[");
	for (size_t k = 0; k < NTWIN; k++) {
		if (only < NTWIN && k != only)
			continue;
		char *r = twin_rule(k, reverse ? (int)(NTWIN - k) : (int)k, "Count");
		if (acl[strlen(acl) - 1] == '}')
			strcat(acl, ",");
		strcat(acl, r);
		free(r);
	}
	strcat(acl, "]}");
	return acl;
}

/* What the rule named name found: "" when it did not match. */
static void twin_found(const sk_verdict *v, const char *name, char *out, size_t cap)
{
	out[0] = 0;
	for (size_t i = 0; i < v->nmatches; i++) {
		const sk_rule_match *m = &v->matches[i];
		if (strcmp(m->rule->name, name) != 0)
			continue;
		assert_int_equal(m->nhits, 1);
		const sk_hit *h = &m->hits[0];
		snprintf(out, cap, "%.*s=%.*s @%zu+%zu %s", (int)h->name.n, (const char *)h->name.p,
		         (int)h->value.n, (const char *)h->value.p, h->off, h->len, h->reason);
	}
}

static void twin_lanes_agree_with_lone_rules(void **state)
{
	(void)state;
	static const char *const vals[] = {"hello",
	                                   "Hello",
	                                   "1%27%20OR%20%271%27%3D%271",
	                                   "1'+OR+'1'='1",
	                                   "%3Cscript%3E",
	                                   "<SCRIPT>x",
	                                   "%26lt%3Bscript%26gt%3B",
	                                   "Select+x+From+t",
	                                   "select%20%20a",
	                                   "a+++b",
	                                   "1%20UNION%20SELECT%20password",
	                                   "x",
	                                   "",
	                                   "%2527",
	                                   "onerror%3Dalert(1)",
	                                   "SELECT",
	                                   "%u003Cscript%u003Ealert(1)",
	                                   "%u0041%3C",
	                                   "%U0041%u003c+x",
	                                   "%25u0041%3C",
	                                   "%%u0041<",
	                                   "1%u0027%20or%20%271"};
	enum { NV = sizeof vals / sizeof vals[0] };
	/* In both orders, so each lane of a pair is sometimes the first. */
	tctx both[2], one[NTWIN];
	for (int rev = 0; rev < 2; rev++) {
		char *acl = twin_acl(NTWIN, rev);
		t_open(&both[rev], acl);
		free(acl);
	}
	for (size_t k = 0; k < NTWIN; k++) {
		char *acl = twin_acl(k, false);
		t_open(&one[k], acl);
		free(acl);
	}
	uint32_t seed = 7;
	for (int round = 0; round < 800; round++) {
		tctx *all = &both[round % 2];
		char path[512] = "/?";
		int nargs = 1 + round % 4;
		for (int a = 0; a < nargs; a++) {
			seed = seed * 1103515245u + 12345u;
			char arg[128];
			snprintf(arg, sizeof arg, "%sa%d=%s", a ? "&" : "", a,
			         vals[(seed >> 16) % NV]);
			strcat(path, arg);
		}
		char req[600];
		snprintf(req, sizeof req, "{`path`:`%s`}", path);
		char got[NTWIN][512], want[512];
		const sk_verdict *v = t_eval(all, req);
		for (size_t k = 0; k < NTWIN; k++) {
			char name[8];
			snprintf(name, sizeof name, "r%zu", k);
			twin_found(v, name, got[k], sizeof got[k]);
		}
		for (size_t k = 0; k < NTWIN; k++) {
			char name[8];
			snprintf(name, sizeof name, "r%zu", k);
			twin_found(t_eval(&one[k], req), name, want, sizeof want);
			if (strcmp(got[k], want) != 0)
				fail_msg("%s on %s: with the others (%s) \"%s\", alone \"%s\"",
				         name, path, round % 2 ? "reversed" : "in order", got[k],
				         want);
		}
	}
	t_close(&both[0]);
	t_close(&both[1]);
	for (size_t k = 0; k < NTWIN; k++)
		t_close(&one[k]);
}

/* ---- values known clean across requests (src/waf/known.h) ---- */

/* A value is left out of a field only when every judge of the field has
 * found it clean: a detector behind an And whose gate is shut never judged
 * it, however often its lane's patterns did. */
static void known_values_need_every_judge(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, "{`OrStatement`:{`Statements`:["
	            "{`AndStatement`:{`Statements`:["
	            "{`ByteMatchStatement`:{`FieldToMatch`:{`SingleHeader`:{`Name`:`x-gate`}},"
	            "`SearchString`:`open`,`PositionalConstraint`:`EXACTLY`,"
	            "`TextTransformations`:" TX_NONE "}},"
	            "{`SqliMatchStatement`:{`FieldToMatch`:{`SingleHeader`:{`Name`:`x-q`}},"
	            "`TextTransformations`:" TX_NONE "}}]}},"
	            "{`RegexMatchStatement`:{`RegexString`:`^zzz$`,"
	            "`FieldToMatch`:{`SingleHeader`:{`Name`:`x-q`}},"
	            "`TextTransformations`:" TX_NONE "}}]}}");
	for (int i = 0; i < 5; i++)
		assert_false(t_blocks(&t, "{`headers`:{`x-q`:`1' OR '1'='1`,`x-gate`:`shut`}}"));
	assert_true(t_blocks(&t, "{`headers`:{`x-q`:`1' OR '1'='1`,`x-gate`:`open`}}"));
	t_close(&t);
}

/* A pattern that already matched an earlier value of the request is not
 * tried on the later ones, which are therefore not known clean: PCRE2's
 * patterns (a backreference here) as much as Hyperscan's and the literal
 * lanes'. */
static void known_values_not_tried_are_not_clean(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, "{`RegexMatchStatement`:{`RegexString`:`(ab)\\\\1`,"
	            "`FieldToMatch`:{`AllQueryArguments`:{}},`TextTransformations`:" TX_NONE "}}");
	size_t lanes, hs, pcre;
	sk_program_stats(t.p, &lanes, &hs, &pcre);
	assert_int_equal(pcre, 1);
	for (int i = 0; i < 4; i++)
		assert_true(t_blocks(&t, "{`path`:`/?x=abab&y=zzababzz`}"));
	assert_true(t_blocks(&t, "{`path`:`/?y=zzababzz`}"));
	t_close(&t);
}

/* A SizeConstraint is a judge too, and a field whose values were all left
 * out is still there: EQ 0 matches only an absent field. */
static void known_values_and_sizes(void **state)
{
	(void)state;
	tctx t;
	t_open1(&t, "{`OrStatement`:{`Statements`:["
	            "{`SizeConstraintStatement`:{`FieldToMatch`:{`SingleHeader`:{`Name`:`x-q`}},"
	            "`ComparisonOperator`:`EQ`,`Size`:0,`TextTransformations`:" TX_NONE "}},"
	            "{`SizeConstraintStatement`:{`FieldToMatch`:{`SingleHeader`:{`Name`:`x-q`}},"
	            "`ComparisonOperator`:`GT`,`Size`:8,"
	            "`TextTransformations`:[{`Priority`:0,`Type`:`URL_DECODE`}]}}]}}");
	for (int i = 0; i < 5; i++) {
		assert_false(t_blocks(&t, "{`headers`:{`x-q`:`hello`,`x-r`:`1`}}"));
		assert_true(t_blocks(&t, "{`headers`:{`x-r`:`1`}}"));
		/* 9 bytes, 3 once decoded: not over 8; 12 bytes, 10 decoded */
		assert_false(t_blocks(&t, "{`headers`:{`x-q`:`%41%42%43`}}"));
		assert_true(t_blocks(&t, "{`headers`:{`x-q`:`abcdefghi%41`}}"));
	}
	t_close(&t);
}

/* Serializes what a verdict says: action, terminating rule, labels, and
 * every rule match with its hits (name, value, where, why). */
static void verdict_text(const sk_verdict *v, char *out, size_t cap)
{
	size_t o = (size_t)snprintf(out, cap, "%s t%d", sk_action_name(v->action), v->terminating);
	for (size_t i = 0; i < v->nlabels && o < cap; i++)
		o += (size_t)snprintf(out + o, cap - o, " L:%s", v->labels[i]);
	for (size_t i = 0; i < v->nmatches && o < cap; i++) {
		const sk_rule_match *m = &v->matches[i];
		o += (size_t)snprintf(out + o, cap - o, " R:%s/%s", m->rule->name,
		                      sk_action_name(m->action));
		for (size_t k = 0; k < m->nhits && o < cap; k++) {
			const sk_hit *h = &m->hits[k];
			o += (size_t)snprintf(out + o, cap - o, " [%.*s=%.*s @%zu+%zu %s]",
			                      (int)h->name.n, (const char *)h->name.p,
			                      (int)h->value.n, (const char *)h->value.p, h->off,
			                      h->len, h->reason);
		}
	}
}

/* Rules of every kind of judge over shared fields, with gates that are
 * rarely open: what a scratch that has seen the values before answers is
 * what a fresh one answers, request by request. */
static void known_values_agree_with_a_fresh_scratch(void **state)
{
	(void)state;
#define KR(name, action, stmt) "`Name`:`" name "`,`Action`:{`" action "`:{}},`Statement`:" stmt "}"
#define HQ                     "{`SingleHeader`:{`Name`:`x-q`}}"
#define GATE(v)                                                                                    \
	"{`ByteMatchStatement`:{`FieldToMatch`:{`SingleHeader`:{`Name`:`x-gate`}},`SearchString`:" \
	"`" v "`,`PositionalConstraint`:`EXACTLY`,`TextTransformations`:" TX_NONE "}}"
	static const char *const rules[] = {
	    KR("sqli_args", "Count",
	       "{`SqliMatchStatement`:{`FieldToMatch`:{`AllQueryArguments`:{}},`"
	       "TextTransformations`:" TX2("URL_DECODE", "HTML_ENTITY_DECODE") "}}"),
	    KR("xss_gated", "Count",
	       "{`AndStatement`:{`Statements`:[" GATE(
	           "a") ",{`XssMatchStatement`:{`FieldToMatch`:" HQ
	                ",`TextTransformations`:" TX1("URL_DECODE") "}}]}}"),
	    KR("sqli_gated", "Count",
	       "{`AndStatement`:{`Statements`:[" GATE(
	           "b") ",{`SqliMatchStatement`:{`FieldToMatch`:" HQ
	                ",`TextTransformations`:" TX2(
	                    "URL_DECODE", "LOWERCASE") ",`SensitivityLevel`:`HIGH`}}]}}"),
	    KR("size_q", "Count",
	       "{`SizeConstraintStatement`:{`FieldToMatch`:" HQ
	       ",`ComparisonOperator`:`GT`,`Size`:24,`TextTransformations`:" TX1(
	           "URL_DECODE") "}}"),
	    KR("absent_q", "Count",
	       "{`SizeConstraintStatement`:{`FieldToMatch`:" HQ
	       ",`ComparisonOperator`:`EQ`,`Size`:0,`TextTransformations`:" TX_NONE "}}"),
	    KR("re_headers", "Count",
	       "{`RegexMatchStatement`:{`RegexString`:`(?i)union\\\\s+select|evil`,`FieldToMatch`:{"
	       "`Headers`:{`MatchPattern`:{`All`:{}},`MatchScope`:`VALUE`,`OversizeHandling`:`"
	       "CONTINUE`}},`TextTransformations`:" TX2("URL_DECODE", "LOWERCASE") "}}"),
	    KR("not_cookie", "Count",
	       "{`NotStatement`:{`Statement`:{`ByteMatchStatement`:{`FieldToMatch`:{`Cookies`:{`"
	       "MatchPattern`:{`All`:{}},`MatchScope`:`VALUE`,`OversizeHandling`:`CONTINUE`}},`"
	       "SearchString`:`ok`,`PositionalConstraint`:`CONTAINS`,`TextTransformations`:" TX_NONE
	       "}}}}"),
	    KR("xss_cookie", "Count",
	       "{`XssMatchStatement`:{`FieldToMatch`:{`Cookies`:{`MatchPattern`:{`All`:{}},`"
	       "MatchScope`:`VALUE`,`OversizeHandling`:`CONTINUE`}},`TextTransformations`:" TX2(
	           "URL_DECODE", "HTML_ENTITY_DECODE") "}}"),
	    KR("block_word", "Block",
	       "{`ByteMatchStatement`:{`FieldToMatch`:{`AllQueryArguments`:{}},`SearchString`:`"
	       "drop`,`PositionalConstraint`:`CONTAINS_WORD`,`TextTransformations`:" TX1(
	           "LOWERCASE") "}}"),
	    KR("late", "Count",
	       "{`XssMatchStatement`:{`FieldToMatch`:" HQ
	       ",`TextTransformations`:" TX1("NONE") "}}"),
	};
#undef KR
#undef HQ
#undef GATE
	enum { NR = sizeof rules / sizeof rules[0] };
	char *acl = malloc(16384);
	assert_non_null(acl);
	size_t o =
	    (size_t)snprintf(acl, 16384, "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},`Rules`:[");
	for (int k = 0; k < NR; k++) {
		o += (size_t)snprintf(acl + o, 16384 - o, "%s{`Priority`:%d,%s", k ? "," : "", k,
		                      rules[k]);
	}
	snprintf(acl + o, 16384 - o, "]}");
	tctx warm;
	t_open(&warm, acl);
	free(acl);
	static const char *const vals[] = {
	    "hello",
	    "en-GB,en;q=0.9",
	    "1%27%20OR%20%271%27%3D%271",
	    "%3Cscript%3Ealert(1)%3C/script%3E",
	    "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0",
	    "a%20union%20select%20b",
	    "&lt;img src=x onerror=alert(1)&gt;",
	    "drop",
	    "DROP table",
	    "ok",
	    "not-ok",
	    "123456789012345678901234567890",
	    "%41%42",
	    "evil",
	    "x",
	    "q%3D1%26r%3D2",
	    "ok%3Cscript%3E"};
	enum { NV = sizeof vals / sizeof vals[0] };
	uint32_t seed = 11;
#define PICK() (seed = seed * 1103515245u + 12345u, vals[(seed >> 16) % NV])
	char req[2048], got[4096], want[4096];
	for (int round = 0; round < 1500; round++) {
		seed = seed * 1103515245u + 12345u;
		unsigned shape = seed >> 16;
		const char *gate = shape & 1 ? "a" : shape & 2 ? "b" : "shut";
		if (shape & 12)
			gate = "shut"; /* the gates are mostly shut */
		char q[256] = "";
		if (!(shape & 16))
			snprintf(q, sizeof q, ",`x-q`:`%s`", PICK());
		const char *a1 = PICK(), *a2 = PICK(), *c1 = PICK(), *c2 = PICK(), *ua = PICK();
		snprintf(req, sizeof req,
		         "{`path`:`/p?a=%s&b=%s`,`headers`:{`x-gate`:`%s`%s,`User-Agent`:`%s`,"
		         "`Cookie`:`c1=%s; c2=%s`}}",
		         a1, a2, gate, q, ua, c1, c2);
		verdict_text(t_eval(&warm, req), got, sizeof got);
		/* The same request in a scratch that has seen nothing. */
		sk_scratch *cold;
		assert_int_equal(sk_scratch_create(warm.p, &cold), SK_OK);
		sk_scratch *keep = warm.s;
		warm.s = cold;
		verdict_text(t_eval(&warm, req), want, sizeof want);
		warm.s = keep;
		sk_scratch_free(cold);
		if (strcmp(got, want) != 0)
			fail_msg("round %d, %s:\n seen before: %s\n fresh:       %s", round, req,
			         got, want);
	}
#undef PICK
	t_close(&warm);
}

/* The built-in default web ACL loads, compiles and does its job. */
static void default_acl(void **state)
{
	(void)state;
	/* The built-in default is loaded as it is (t_open would turn its
	 * backticks into quotes). */
	tctx t;
	memset(&t, 0, sizeof t);
	sk_acl *acl = NULL;
	sk_load_options lo = {.lists_dir = SK_TEST_DATA "/engine/no-lists"};
	if (sk_acl_load("default", sk_default_acl_json, strlen(sk_default_acl_json), &lo, &acl,
	                NULL, &t.err))
		fail_msg("load: %s", t.err.msg);
	assert_int_equal(sk_program_compile(acl, NULL, &t.p, &t.err), SK_OK);
	assert_int_equal(sk_scratch_create(t.p, &t.s), SK_OK);
	t.a = sk_arena_create(4096, 0);
#define UA "`headers`:{`User-Agent`:`Mozilla/5.0`}"
	static const struct {
		const char *req, *group, *rule;
	} cases[] = {
	    {"{`path`:`/`}", "AWS-AWSManagedRulesCommonRuleSet", "NoUserAgent_HEADER"},
	    {"{`path`:`/?id=1%27%20OR%20%271%27=%271`," UA "}", "AWS-AWSManagedRulesSQLiRuleSet",
	     "SQLi_QUERYARGUMENTS"},
	    {"{`path`:`/?q=%3Cscript%3Ealert(1)%3C/script%3E`," UA "}",
	     "AWS-AWSManagedRulesCommonRuleSet", "CrossSiteScripting_QUERYARGUMENTS"},
	    {"{`method`:`POST`,`path`:`/c`," UA ",`body`:`<script>alert(1)</script>`}",
	     "AWS-AWSManagedRulesCommonRuleSet", "CrossSiteScripting_BODY"},
	    {"{`method`:`PROPFIND`,`path`:`/`," UA "}", "AWS-AWSManagedRulesKnownBadInputsRuleSet",
	     "PROPFIND_METHOD"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const sk_verdict *v = t_eval(&t, cases[i].req);
		const sk_rule_match *m = t_terminating(v);
		if (v->action != SK_ACT_BLOCK || !m || !m->group_rule ||
		    strcmp(m->rule->name, cases[i].group) ||
		    strcmp(m->group_rule->name, cases[i].rule))
			fail_msg("%s: expected a block by %s/%s", cases[i].req, cases[i].group,
			         cases[i].rule);
	}
	static const char *const fine[] = {
	    "{`path`:`/index.html?page=2&sort=name`," UA "}",
	    "{`method`:`POST`,`path`:`/form`," UA ",`body`:`name=O%27Brien&city=Paris`}",
	    "{`path`:`/a/b/./c`," UA "}",
	};
	for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
		if (t_eval(&t, fine[i])->action != SK_ACT_ALLOW)
			fail_msg("%s: expected ALLOW", fine[i]);
#undef UA
	t_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(byte_exactly),
	    cmocka_unit_test(byte_exactly_empty_field),
	    cmocka_unit_test(byte_starts_ends_contains),
	    cmocka_unit_test(byte_contains_word),
	    cmocka_unit_test(byte_base64_bytes),
	    cmocka_unit_test(byte_with_transformations),
	    cmocka_unit_test(regex_match_on_hyperscan),
	    cmocka_unit_test(regex_class_loop_at_every_offset),
	    cmocka_unit_test(regex_match_on_pcre),
	    cmocka_unit_test(regex_pattern_set),
	    cmocka_unit_test(sqli_low_high),
	    cmocka_unit_test(detector_verdicts_kept_per_level),
	    cmocka_unit_test(detector_verdicts_kept_per_detector),
	    cmocka_unit_test(long_clean_values_compared_whole),
	    cmocka_unit_test(byte_match_agrees_with_its_regex),
	    cmocka_unit_test(find_bytes_agrees_with_a_plain_search),
	    cmocka_unit_test(literal_lane_reports_first_value),
	    cmocka_unit_test(each_lane_its_own_chain),
	    cmocka_unit_test(scan_verdicts_kept_per_lane),
	    cmocka_unit_test(xss_match),
	    cmocka_unit_test(sekisho_detector_statement),
	    cmocka_unit_test(size_constraint_operators),
	    cmocka_unit_test(ip_set_v4_v6),
	    cmocka_unit_test(ip_set_forwarded),
	    cmocka_unit_test(geo_without_database),
	    cmocka_unit_test(label_match_order_and_scopes),
	    cmocka_unit_test(and_or_not),
	    cmocka_unit_test(rate_constant_key),
	    cmocka_unit_test(head_only_evaluation),
	    cmocka_unit_test(rate_ip_key),
	    cmocka_unit_test(rate_custom_and_forwarded_keys),
	    cmocka_unit_test(priority_order),
	    cmocka_unit_test(default_actions),
	    cmocka_unit_test(custom_response),
	    cmocka_unit_test(captcha_and_challenge),
	    cmocka_unit_test(request_header_insertion),
	    cmocka_unit_test(count_only_mode),
	    cmocka_unit_test(lanes_are_shared),
	    cmocka_unit_test(twin_lanes_agree_with_lone_rules),
	    cmocka_unit_test(known_values_need_every_judge),
	    cmocka_unit_test(known_values_not_tried_are_not_clean),
	    cmocka_unit_test(known_values_and_sizes),
	    cmocka_unit_test(known_values_agree_with_a_fresh_scratch),
	    cmocka_unit_test(default_acl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
