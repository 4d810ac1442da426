/* The loader's complaints name the file, the JSON path and what was
 * expected; and the search string encodings of the two document forms. */
#include "harness.h"
#include "waf/ipaddr.h"

#define TX_NONE    "[{`Priority`:0,`Type`:`NONE`}]"
#define ACL(rules) "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},`Rules`:[" rules "]}"
#define RULE(name, prio, stmt)                                                                     \
	"{`Name`:`" name "`,`Priority`:" #prio ",`Statement`:" stmt ",`Action`:{`Block`:{}}}"
#define BYTE_URI(pos, str)                                                                         \
	"{`ByteMatchStatement`:{`SearchString`:`" str "`,`FieldToMatch`:{`UriPath`:{}},"           \
	"`TextTransformations`:" TX_NONE ",`PositionalConstraint`:`" pos "`}}"

static void bad_positional_constraint(void **state)
{
	(void)state;
	assert_string_equal(
	    t_load_error(ACL(RULE("r", 0, BYTE_URI("X", "a"))), NULL),
	    "t.json: Rules[0].Statement.ByteMatchStatement.PositionalConstraint: expected one of "
	    "EXACTLY, STARTS_WITH, ENDS_WITH, CONTAINS, CONTAINS_WORD, found \"X\"");
}

static void unknown_statement(void **state)
{
	(void)state;
	const char *m = t_load_error(
	    ACL(RULE("a", 0, BYTE_URI("CONTAINS", "a")) "," RULE("b", 1, "{`FooStatement`:{}}")),
	    NULL);
	assert_contains(m, "t.json: Rules[1].Statement: unknown statement \"FooStatement\"");
	assert_contains(m, "ByteMatchStatement");
}

static void missing_resource(void **state)
{
	(void)state;
	const char *m = t_load_error(ACL(RULE("r", 0,
	                                      "{`NotStatement`:{`Statement`:" /* nested */
	                                      "{`IPSetReferenceStatement`:{`ARN`:`nope`}}}}")),
	                             T_RES);
	assert_contains(m, "t.json: Rules[0].Statement.NotStatement.Statement."
	                   "IPSetReferenceStatement.ARN: IP set \"nope\" not found in");
	m = t_load_error(ACL(RULE("r", 0, "{`IPSetReferenceStatement`:{`ARN`:`x`}}")), NULL);
	assert_contains(m, "no resources folder given");
}

static void invalid_regex(void **state)
{
	(void)state;
	const char *m = t_load_error(
	    ACL(RULE("r", 0,
	             "{`RegexMatchStatement`:{`RegexString`:`a(b`,`FieldToMatch`:{`UriPath`:{}},"
	             "`TextTransformations`:" TX_NONE "}}")),
	    NULL);
	assert_contains(m, "t.json: Rules[0].Statement.RegexMatchStatement.RegexString: "
	                   "invalid regular expression at offset 3");
}

static void invalid_base64_in_wrapped_doc(void **state)
{
	(void)state;
	/* The group file is wrapped ({"RuleGroup": ...}): SearchString is base64. */
	const char *m = t_load_error(ACL("{`Name`:`g`,`Priority`:0,`Statement`:{`"
	                                 "RuleGroupReferenceStatement`:{`ARN`:`bad`}},"
	                                 "`OverrideAction`:{`None`:{}}}"),
	                             SK_TEST_DATA "/engine/res-bad");
	assert_contains(m, "rulegroup-badb64.json: RuleGroup.Rules[0].Statement.ByteMatchStatement."
	                   "SearchString: expected base64");
	/* And in a wrapped web ACL. */
	m = t_load_error("{`WebACL`:" ACL(RULE("r", 0, BYTE_URI("CONTAINS", "a b"))) "}", NULL);
	assert_contains(m, "t.json: WebACL.Rules[0].Statement.ByteMatchStatement.SearchString: "
	                   "expected base64");
}

static void both_search_strings(void **state)
{
	(void)state;
	const char *m = t_load_error(
	    ACL(RULE("r", 0,
	             "{`ByteMatchStatement`:{`SearchString`:`a`,`SearchStringBase64`:`YQ==`,"
	             "`FieldToMatch`:{`UriPath`:{}},`TextTransformations`:" TX_NONE
	             ",`PositionalConstraint`:`CONTAINS`}}")),
	    NULL);
	assert_string_equal(m, "t.json: Rules[0].Statement.ByteMatchStatement: give SearchString "
	                       "or SearchStringBase64, not both");
}

static void duplicate_priority(void **state)
{
	(void)state;
	const char *m = t_load_error(ACL(RULE("a", 1, BYTE_URI("CONTAINS", "a")) "," RULE(
	                                 "b", 1, BYTE_URI("CONTAINS", "b"))),
	                             NULL);
	assert_string_equal(m, "t.json: Rules[1].Priority: priority 1 is also used by rule \"a\"");
}

static void action_on_group_statement(void **state)
{
	(void)state;
	const char *m = t_load_error(
	    ACL("{`Name`:`g`,`Priority`:0,`Statement`:{`RuleGroupReferenceStatement`:{`ARN`:`g`}},"
	        "`Action`:{`Block`:{}}}"),
	    T_RES);
	assert_contains(m, "t.json: Rules[0].Action: a rule group statement takes OverrideAction");
	/* And the other way round. */
	m = t_load_error(ACL("{`Name`:`r`,`Priority`:0,`Statement`:" BYTE_URI(
	                     "CONTAINS", "a") ",`OverrideAction`:{`None`:{}}}"),
	                 NULL);
	assert_contains(m, "t.json: Rules[0].OverrideAction: only rule group statements");
}

static void invalid_json(void **state)
{
	(void)state;
	const char *m = t_load_error("{\n  `Name`: `t`,\n  `Rules`: [,]\n}", NULL);
	assert_contains(m, "t.json:3:");
	m = t_load_error("{`Name`:`t`,`Name`:`u`}", NULL); /* duplicate keys */
	assert_contains(m, "t.json:1:");
}

static void invalid_utf8(void **state)
{
	(void)state;
	const char *m = t_load_error(ACL(RULE("r\xff", 0, BYTE_URI("CONTAINS", "a"))), NULL);
	assert_contains(m, "t.json:1:");
	m = t_load_error(ACL(RULE("r", 0, BYTE_URI("CONTAINS", "\xc3\x28"))), NULL);
	assert_contains(m, "t.json:1:");
}

static void nul_in_name(void **state)
{
	(void)state;
	const char *m = t_load_error(ACL(RULE("a\\u0000b", 0, BYTE_URI("CONTAINS", "a"))), NULL);
	assert_contains(m, "t.json:");
	assert_contains(m, "NUL");
}

static void capacity_over_limit(void **state)
{
	(void)state;
	/* 126 XSS rules of 40 WCU: 5040. */
	size_t cap = 200 * 256;
	char *acl = malloc(cap);
	assert_non_null(acl);
	size_t o = (size_t)snprintf(acl, cap, "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},`Rules`:[");
	for (int i = 0; i < 126; i++)
		o += (size_t)snprintf(
		    acl + o, cap - o,
		    "%s{`Name`:`x%d`,`Priority`:%d,`Statement`:{`XssMatchStatement`:"
		    "{`FieldToMatch`:{`UriPath`:{}},`TextTransformations`:" TX_NONE
		    "}},`Action`:{`Block`:{}}}",
		    i ? "," : "", i, i);
	snprintf(acl + o, cap - o, "]}");
	sk_acl *a = NULL;
	sk_error err;
	assert_int_equal(t_load(acl, NULL, &a, NULL, &err), SK_E_LIMIT);
	assert_null(a);
	assert_contains(err.msg, "t.json: the web ACL needs 5040 capacity units");
	/* 125 of them fit: 5000. */
	strcpy(strstr(acl, ",{`Name`:`x125`"), "]}");
	assert_int_equal(t_load(acl, NULL, &a, NULL, &err), SK_OK);
	assert_int_equal(a->capacity, 5000);
	sk_acl_free(a);
	free(acl);
}

static void capacity_costs(void **state)
{
	(void)state;
	/* ByteMatch CONTAINS 10 + one transformation 10; EXACTLY on all query
	 * arguments 2 + 10; JsonBody regex 3 x 2; SQLi HIGH 30. */
	const char *acl =
	    ACL("{`Name`:`a`,`Priority`:0,`Statement`:{`ByteMatchStatement`:{`SearchString`:`x`,"
	        "`FieldToMatch`:{`UriPath`:{}},`TextTransformations`:[{`Priority`:0,`Type`:"
	        "`LOWERCASE`}],`PositionalConstraint`:`CONTAINS`}},`Action`:{`Block`:{}}},"
	        "{`Name`:`b`,`Priority`:1,`Statement`:{`ByteMatchStatement`:{`SearchString`:`x`,"
	        "`FieldToMatch`:{`AllQueryArguments`:{}},`TextTransformations`:" TX_NONE
	        ",`PositionalConstraint`:`EXACTLY`}},`Action`:{`Block`:{}}},"
	        "{`Name`:`c`,`Priority`:2,`Statement`:{`RegexMatchStatement`:{`RegexString`:`x`,"
	        "`FieldToMatch`:{`JsonBody`:{`MatchPattern`:{`All`:{}},`MatchScope`:`ALL`}},"
	        "`TextTransformations`:" TX_NONE "}},`Action`:{`Block`:{}}},"
	        "{`Name`:`d`,`Priority`:3,`Statement`:{`SqliMatchStatement`:{`FieldToMatch`:"
	        "{`UriPath`:{}},`TextTransformations`:" TX_NONE ",`SensitivityLevel`:`HIGH`}},"
	        "`Action`:{`Block`:{}}}");
	sk_acl *a = NULL;
	sk_error err;
	assert_int_equal(t_load(acl, NULL, &a, NULL, &err), SK_OK);
	assert_int_equal(a->capacity, 20 + 12 + 6 + 30);
	sk_acl_free(a);
}

static void wrapped_reads_base64(void **state)
{
	(void)state;
	/* "ZXZpbA==" is "evil". */
	const char *wrapped =
	    "{`WebACL`:" ACL(RULE("r", 0, BYTE_URI("CONTAINS", "ZXZpbA=="))) ","
	                                                                     "`LockToken`:`x`}";
	tctx t;
	t_open(&t, wrapped);
	assert_true(sk_program_acl(t.p)->wrapped);
	assert_true(t_blocks(&t, "{`path`:`/evil`}"));
	assert_false(t_blocks(&t, "{`path`:`/ZXZpbA==`}"));
	t_close(&t);

	sk_buf w;
	sk_buf_init(&w, 1 << 20);
	sk_acl *a = NULL;
	sk_error err;
	const char *plain = ACL(RULE("r", 0, BYTE_URI("CONTAINS", "ZXZpbA==")));
	assert_int_equal(t_load(plain, NULL, &a, &w, &err), SK_OK);
	assert_false(a->wrapped);
	assert_int_equal(a->rules[0].stmt->search_n, 8);
	assert_memory_equal(a->rules[0].stmt->search, "ZXZpbA==", 8);
	sk_acl_free(a);
	/* Every search string reads as base64 of printable text: a warning. */
	assert_non_null(w.p);
	assert_contains((const char *)w.p, "t.json: every SearchString decodes as base64");
	sk_buf_free(&w);

	/* Plain text that is not base64 of text: no warning. */
	sk_buf_init(&w, 1 << 20);
	const char *text = ACL(RULE("r", 0, BYTE_URI("CONTAINS", "ZXZpbA==")) "," RULE(
	    "s", 1, BYTE_URI("CONTAINS", "/etc/passwd")));
	assert_int_equal(t_load(text, NULL, &a, &w, &err), SK_OK);
	assert_int_equal(w.n, 0);
	sk_acl_free(a);
	sk_buf_free(&w);

	/* The encoding option wins over the document's form. */
	sk_load_options lo = {.search_encoding = SK_SEARCH_BASE64};
	assert_int_equal(t_load(plain, &lo, &a, NULL, &err), SK_OK);
	assert_int_equal(a->rules[0].stmt->search_n, 4);
	assert_memory_equal(a->rules[0].stmt->search, "evil", 4);
	sk_acl_free(a);
	lo.search_encoding = SK_SEARCH_TEXT;
	assert_int_equal(t_load(wrapped, &lo, &a, NULL, &err), SK_OK);
	assert_int_equal(a->rules[0].stmt->search_n, 8);
	sk_acl_free(a);
}

static void problems_mode_lists_every_broken_rule(void **state)
{
	(void)state;
	const char *acl = ACL(
	    RULE("a", 0, BYTE_URI("X", "a")) "," RULE("b", 1, BYTE_URI("CONTAINS", "b")) "," RULE(
	        "c", 2, "{`FooStatement`:{}}") "," RULE("d", 3, BYTE_URI("CONTAINS", "d")));
	sk_buf problems;
	sk_buf_init(&problems, 1 << 20);
	sk_load_options lo = {.problems = &problems};
	sk_acl *a = NULL;
	sk_error err;
	assert_int_equal(t_load(acl, &lo, &a, NULL, &err), SK_E_INVALID);
	assert_null(a);
	assert_contains(err.msg, "2 rules with problems");
	const char *p = (const char *)problems.p;
	assert_non_null(p);
	assert_contains(p, "t.json: Rules[0].Statement.ByteMatchStatement.PositionalConstraint:");
	assert_contains(p, "t.json: Rules[2].Statement: unknown statement \"FooStatement\"");
	size_t lines = 0;
	for (size_t i = 0; i < problems.n; i++)
		lines += p[i] == '\n';
	assert_int_equal(lines, 2);
	sk_buf_free(&problems);
}

static void nul_gets_a_json_path(void **state)
{
	(void)state;
	/* The NUL is refused where it stands, with its JSON path. */
	const char *m = t_load_error(ACL(RULE("ab", 0, BYTE_URI("CONTAINS", "a\\u0000b"))), NULL);
	assert_contains(m, "t.json: Rules[0].Statement.ByteMatchStatement.SearchString: a NUL");
}

static void problems_after_a_broken_group_keep_the_acl_context(void **state)
{
	(void)state;
	/* The group file fails to load; the web ACL rules after it must still
	 * be read in the web ACL's own file and label context. */
	const char *acl =
	    ACL("{`Name`:`g`,`Priority`:0,`OverrideAction`:{`None`:{}},`Statement`:{"
	        "`RuleGroupReferenceStatement`:{`ARN`:`bad`}}},"
	        "{`Name`:`after`,`Priority`:1,`Action`:{`Block`:{}},`Statement`:{"
	        "`ByteMatchStatement`:{`SearchString`:`x`,`FieldToMatch`:{`UriPath`:{}},"
	        "`TextTransformations`:[{`Priority`:0,`Type`:`NONE`}],`PositionalConstraint`:`NOPE`"
	        "}}}");
	sk_buf problems;
	sk_buf_init(&problems, 1 << 20);
	sk_load_options lo = {.problems = &problems,
	                      .resources_dir = SK_TEST_DATA "/engine/res-bad"};
	sk_acl *a = NULL;
	sk_error err;
	assert_int_equal(t_load(acl, &lo, &a, NULL, &err), SK_E_INVALID);
	const char *p = (const char *)problems.p;
	assert_non_null(p);
	assert_contains(p, "rulegroup-badb64.json: RuleGroup.Rules[0].Statement");
	assert_contains(p, "\nt.json: Rules[1].Statement.ByteMatchStatement.PositionalConstraint");
	sk_buf_free(&problems);
}

static void zero_prefix_ranges_are_refused(void **state)
{
	(void)state;
	sk_ip_range r;
	assert_false(sk_cidr_parse("0.0.0.0/0", &r));
	assert_false(sk_cidr_parse("::/0", &r));
	assert_true(sk_cidr_parse("0.0.0.0/1", &r));
	assert_true(sk_cidr_parse("10.0.0.0/8", &r));
}

static void json_paths_with_commas_are_their_own_field(void **state)
{
	(void)state;
	/* ["/a,/b"] and ["/a", "/b"] read different values. */
	tctx t;
	t_open(&t,
	       ACL("{`Name`:`one`,`Priority`:0,`Action`:{`Count`:{}},`Statement`:{`"
	           "ByteMatchStatement`:{"
	           "`SearchString`:`x`,`FieldToMatch`:{`JsonBody`:{`MatchPattern`:{`IncludedPaths`:"
	           "[`/a,/b`]},"
	           "`MatchScope`:`VALUE`}},`TextTransformations`:[{`Priority`:0,`Type`:`NONE`}],"
	           "`PositionalConstraint`:`CONTAINS`}},`RuleLabels`:[{`Name`:`one`}]},"
	           "{`Name`:`two`,`Priority`:1,`Action`:{`Count`:{}},`Statement`:{`"
	           "ByteMatchStatement`:{"
	           "`SearchString`:`x`,`FieldToMatch`:{`JsonBody`:{`MatchPattern`:{`IncludedPaths`:"
	           "[`/a`,`/b`]},"
	           "`MatchScope`:`VALUE`}},`TextTransformations`:[{`Priority`:0,`Type`:`NONE`}],"
	           "`PositionalConstraint`:`CONTAINS`}},`RuleLabels`:[{`Name`:`two`}]}"));
	const sk_verdict *v = t_eval(&t, "{`method`:`POST`,`path`:`/`,`headers`:{`Content-Type`:"
	                                 "`application/json`},`body`:`{\\`a\\`:\\`x\\`}`}");
	assert_false(t_has_label(v, "awswaf:000000000000:webacl:t:one"));
	assert_true(t_has_label(v, "awswaf:000000000000:webacl:t:two"));
	t_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bad_positional_constraint),
	    cmocka_unit_test(unknown_statement),
	    cmocka_unit_test(missing_resource),
	    cmocka_unit_test(invalid_regex),
	    cmocka_unit_test(invalid_base64_in_wrapped_doc),
	    cmocka_unit_test(both_search_strings),
	    cmocka_unit_test(duplicate_priority),
	    cmocka_unit_test(action_on_group_statement),
	    cmocka_unit_test(invalid_json),
	    cmocka_unit_test(invalid_utf8),
	    cmocka_unit_test(nul_in_name),
	    cmocka_unit_test(capacity_over_limit),
	    cmocka_unit_test(capacity_costs),
	    cmocka_unit_test(wrapped_reads_base64),
	    cmocka_unit_test(problems_mode_lists_every_broken_rule),
	    cmocka_unit_test(nul_gets_a_json_path),
	    cmocka_unit_test(problems_after_a_broken_group_keep_the_acl_context),
	    cmocka_unit_test(zero_prefix_ranges_are_refused),
	    cmocka_unit_test(json_paths_with_commas_are_their_own_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
