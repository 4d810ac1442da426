/* The AWS WAF log record: valid JSON, AWS's field names and values. */
#include <jansson.h>

#include "harness.h"

#define TX_NONE "[{`Priority`:0,`Type`:`NONE`}]"

static const char *const ACL_JSON =
    "{`Name`:`t`,`ARN`:`arn:aws:wafv2:us-east-1:123456789012:regional/webacl/t/abcd`,"
    "`DefaultAction`:{`Allow`:{}},"
    "`AssociationConfig`:{`RequestBody`:{`ALB`:{`DefaultSizeInspectionLimit`:`KB_16`}}},"
    "`CustomResponseBodies`:{`slow`:{`ContentType`:`TEXT_PLAIN`,`Content`:`slow down`}},"
    "`Rules`:["
    "{`Name`:`tag-all`,`Priority`:0,`Statement`:{`ByteMatchStatement`:{`SearchString`:`/`,"
    "`FieldToMatch`:{`UriPath`:{}},`TextTransformations`:" TX_NONE ","
    "`PositionalConstraint`:`STARTS_WITH`}},`Action`:{`Count`:{}},`RuleLabels`:[{`Name`:`seen`}]},"
    "{`Name`:`sqli`,`Priority`:1,`Statement`:{`SqliMatchStatement`:{`FieldToMatch`:"
    "{`SingleQueryArgument`:{`Name`:`id`}},`TextTransformations`:[{`Priority`:0,"
    "`Type`:`URL_DECODE`}],`SensitivityLevel`:`HIGH`}},`Action`:{`Block`:{}}},"
    "{`Name`:`slow`,`Priority`:2,`Statement`:{`ByteMatchStatement`:{`SearchString`:`/slow`,"
    "`FieldToMatch`:{`UriPath`:{}},`TextTransformations`:" TX_NONE ","
    "`PositionalConstraint`:`STARTS_WITH`}},`Action`:{`Block`:{`CustomResponse`:"
    "{`ResponseCode`:429,`CustomResponseBodyKey`:`slow`}}}},"
    "{`Name`:`big`,`Priority`:3,`Statement`:{`ByteMatchStatement`:{`SearchString`:`zzz`,"
    "`FieldToMatch`:{`Body`:{`OversizeHandling`:`CONTINUE`}},`TextTransformations`:" TX_NONE ","
    "`PositionalConstraint`:`CONTAINS`}},`Action`:{`Block`:{}}},"
    "{`Name`:`xss`,`Priority`:4,`Statement`:{`XssMatchStatement`:{`FieldToMatch`:"
    "{`Body`:{}},`TextTransformations`:" TX_NONE "}},`Action`:{`Block`:{}}}"
    "]}";

/* Evaluates req_json and parses the log record back. */
static json_t *record_of(tctx *t, const char *req_json)
{
	const sk_verdict *v = t_eval(t, req_json);
	sk_buf b;
	sk_buf_init(&b, SK_CAP_LOG_RECORD);
	sk_log_options lo = {
	    .timestamp_ms = T_NOW, .request_id = "req-1", .http_source_name = "ALB"};
	assert_int_equal(sk_log_record(t->p, &t->req, v, &lo, &b), SK_OK);
	json_error_t je;
	json_t *r = json_loadb((const char *)b.p, b.n, 0, &je);
	if (!r)
		fail_msg("not JSON (%s): %s", je.text, (const char *)b.p);
	sk_buf_free(&b);
	return r;
}

static const char *str_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		fail_msg("%s is not a string", key);
	return json_string_value(v);
}

static void sqli_record(void **state)
{
	(void)state;
	tctx t;
	t_open(&t, ACL_JSON);
	json_t *r =
	    record_of(&t, "{`method`:`GET`,`path`:`/item?id=1%27%20OR%20%271%27%3D%271&x=2`,"
	                  "`client_ip`:`192.0.2.44`,`headers`:[[`Host`,`example.com`],"
	                  "[`User-Agent`,`curl/8`],[`Accept`,`*/*`]]}");
	assert_int_equal(json_integer_value(json_object_get(r, "timestamp")), T_NOW);
	assert_int_equal(json_integer_value(json_object_get(r, "formatVersion")), 1);
	assert_string_equal(str_at(r, "webaclId"),
	                    "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/t/abcd");
	assert_string_equal(str_at(r, "terminatingRuleId"), "sqli");
	assert_string_equal(str_at(r, "terminatingRuleType"), "REGULAR");
	assert_string_equal(str_at(r, "action"), "BLOCK");
	assert_string_equal(str_at(r, "httpSourceName"), "ALB");
	json_t *d = json_object_get(r, "terminatingRuleMatchDetails");
	assert_int_equal(json_array_size(d), 1);
	json_t *d0 = json_array_get(d, 0);
	assert_string_equal(str_at(d0, "conditionType"), "SQL_INJECTION");
	assert_string_equal(str_at(d0, "sensitivityLevel"), "HIGH");
	assert_string_equal(str_at(d0, "location"), "ARGS");
	assert_true(json_array_size(json_object_get(d0, "matchedData")) > 0);

	/* The Count rule before it. */
	json_t *nt = json_object_get(r, "nonTerminatingMatchingRules");
	assert_int_equal(json_array_size(nt), 1);
	assert_string_equal(str_at(json_array_get(nt, 0), "ruleId"), "tag-all");
	assert_string_equal(str_at(json_array_get(nt, 0), "action"), "COUNT");
	assert_int_equal(json_array_size(json_object_get(r, "ruleGroupList")), 0);

	json_t *labels = json_object_get(r, "labels");
	assert_int_equal(json_array_size(labels), 1);
	assert_string_equal(str_at(json_array_get(labels, 0), "name"),
	                    "awswaf:123456789012:webacl:t:seen");

	json_t *hr = json_object_get(r, "httpRequest");
	assert_string_equal(str_at(hr, "clientIp"), "192.0.2.44");
	assert_string_equal(str_at(hr, "country"), "--");
	assert_string_equal(str_at(hr, "uri"), "/item");
	assert_string_equal(str_at(hr, "args"), "id=1%27%20OR%20%271%27%3D%271&x=2");
	assert_string_equal(str_at(hr, "httpMethod"), "GET");
	assert_string_equal(str_at(hr, "httpVersion"), "HTTP/1.1");
	assert_string_equal(str_at(hr, "requestId"), "req-1");
	json_t *hs = json_object_get(hr, "headers");
	assert_int_equal(json_array_size(hs), 3);
	assert_string_equal(str_at(json_array_get(hs, 0), "name"), "Host");
	assert_string_equal(str_at(json_array_get(hs, 0), "value"), "example.com");
	assert_string_equal(str_at(json_array_get(hs, 1), "name"), "User-Agent");
	assert_string_equal(str_at(json_array_get(hs, 2), "name"), "Accept");
	assert_true(json_is_null(json_object_get(r, "responseCodeSent")));
	assert_null(json_object_get(r, "oversizeFields"));
	json_decref(r);
	t_close(&t);
}

static void xss_record(void **state)
{
	(void)state;
	tctx t;
	t_open(&t, ACL_JSON);
	json_t *r = record_of(&t, "{`method`:`POST`,`path`:`/c`,`headers`:{`content-type`:"
	                          "`text/plain`},`body`:`<script>alert(1)</script>`}");
	assert_string_equal(str_at(r, "terminatingRuleId"), "xss");
	json_t *d0 = json_array_get(json_object_get(r, "terminatingRuleMatchDetails"), 0);
	assert_string_equal(str_at(d0, "conditionType"), "XSS");
	assert_string_equal(str_at(d0, "location"), "BODY");
	assert_null(json_object_get(d0, "sensitivityLevel"));
	json_decref(r);
	t_close(&t);
}

static void default_action_record(void **state)
{
	(void)state;
	tctx t;
	t_open(&t, ACL_JSON);
	json_t *r = record_of(&t, "{`path`:`/fine`}");
	assert_string_equal(str_at(r, "terminatingRuleId"), "Default_Action");
	assert_string_equal(str_at(r, "terminatingRuleType"), "REGULAR");
	assert_string_equal(str_at(r, "action"), "ALLOW");
	assert_int_equal(json_array_size(json_object_get(r, "terminatingRuleMatchDetails")), 0);
	assert_true(json_is_null(json_object_get(r, "responseCodeSent")));
	assert_string_equal(str_at(json_object_get(r, "httpRequest"), "clientIp"), "-");
	json_decref(r);
	t_close(&t);
}

static void custom_response_record(void **state)
{
	(void)state;
	tctx t;
	t_open(&t, ACL_JSON);
	json_t *r = record_of(&t, "{`path`:`/slow/x`}");
	assert_string_equal(str_at(r, "terminatingRuleId"), "slow");
	assert_int_equal(json_integer_value(json_object_get(r, "responseCodeSent")), 429);
	json_decref(r);
	t_close(&t);
}

static void oversize_record(void **state)
{
	(void)state;
	tctx t;
	t_open(&t, ACL_JSON);
	size_t n = 20 << 10;
	char *req = malloc(n + 128);
	assert_non_null(req);
	int o = snprintf(req, 128, "{`method`:`POST`,`path`:`/up`,`body`:`");
	memset(req + o, 'a', n);
	strcpy(req + o + n, "`}");
	json_t *r = record_of(&t, req);
	json_t *of = json_object_get(r, "oversizeFields");
	assert_int_equal(json_array_size(of), 1);
	assert_string_equal(json_string_value(json_array_get(of, 0)), "REQUEST_BODY");
	assert_string_equal(str_at(r, "action"), "ALLOW");
	json_decref(r);
	free(req);
	t_close(&t);
}

static void invalid_utf8_stays_json(void **state)
{
	(void)state;
	tctx t;
	t_open(&t, ACL_JSON);
	sk_request *req = t_request(&t, "{`path`:`/x`,`headers`:{`X-Bin`:`v`,`X-Ok`:`\\u00e9`}}");
	/* Bytes no JSON line can carry, as a raw request could: */
	static const uint8_t bad[] = {'a', 0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80, 'z', 0};
	req->headers[0].value = sk_str_make(bad, sizeof bad);
	static const uint8_t bad_name[] = {'X', 0xfe};
	req->headers[1].name = sk_str_make(bad_name, sizeof bad_name);
	req->path = SK_STR_LIT("/\xc0\xaf");
	const sk_verdict *v = t_eval_req(&t, T_NOW);
	sk_buf b;
	sk_buf_init(&b, SK_CAP_LOG_RECORD);
	sk_log_options lo = {.timestamp_ms = T_NOW};
	assert_int_equal(sk_log_record(t.p, req, v, &lo, &b), SK_OK);
	json_error_t je;
	json_t *r = json_loadb((const char *)b.p, b.n, JSON_ALLOW_NUL, &je);
	if (!r)
		fail_msg("not JSON (%s): %s", je.text, (const char *)b.p);
	json_t *hr = json_object_get(r, "httpRequest");
	json_t *h0 = json_array_get(json_object_get(hr, "headers"), 0);
	json_t *val = json_object_get(h0, "value");
	/* Each bad byte is U+FFFD; the NUL survives as \u0000. */
	/* a, ff, c3, (, ed, a0, 80, z, NUL */
	assert_int_equal(json_string_length(val), 1 + 3 + 3 + 1 + 3 + 3 + 3 + 1 + 1);
	assert_memory_equal(json_string_value(val), "a\xef\xbf\xbd", 4);
	assert_string_equal(str_at(json_array_get(json_object_get(hr, "headers"), 1), "name"),
	                    "X\xef\xbf\xbd");
	assert_string_equal(str_at(json_array_get(json_object_get(hr, "headers"), 1), "value"),
	                    "\xc3\xa9");
	assert_string_equal(str_at(hr, "uri"), "/\xef\xbf\xbd\xef\xbf\xbd");
	json_decref(r);
	sk_buf_free(&b);
	t_close(&t);
}

static void explain_in_words(void **state)
{
	(void)state;
	tctx t;
	t_open(&t, ACL_JSON);
	const sk_verdict *v = t_eval(&t, "{`path`:`/slow`}");
	sk_buf b;
	sk_buf_init(&b, 1 << 20);
	assert_int_equal(sk_explain(v, &b), SK_OK);
	assert_contains((const char *)b.p, "BLOCK");
	assert_contains((const char *)b.p, "429 slow: URI path: starts with \"/slow\"");
	assert_contains((const char *)b.p, "[counted: tag-all]");
	assert_contains((const char *)b.p, "labels=awswaf:123456789012:webacl:t:seen");
	sk_buf_clear(&b);
	v = t_eval(&t, "{`path`:`/item?id=1%27%20OR%20%271%27%3D%271`}");
	const sk_rule_match *m = t_terminating(v);
	assert_int_equal(m->nhits, 1);
	assert_int_equal(sk_explain_hit(&m->hits[0], &b), SK_OK);
	assert_contains((const char *)b.p, "query argument \"id\" after URL_DECODE: SQL injection");
	sk_buf_free(&b);
	t_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sqli_record),           cmocka_unit_test(xss_record),
	    cmocka_unit_test(default_action_record), cmocka_unit_test(custom_response_record),
	    cmocka_unit_test(oversize_record),       cmocka_unit_test(invalid_utf8_stays_json),
	    cmocka_unit_test(explain_in_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
