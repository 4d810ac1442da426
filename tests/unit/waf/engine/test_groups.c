/* Rule groups from the resources folder: evaluation in the group's slot,
 * overrides, labels in the group's namespace and the log record's view. */
#include <jansson.h>

#include "harness.h"

#define GROUP_ARN                                                                                  \
	"arn:aws:wafv2:us-east-1:123456789012:regional/rulegroup/g/"                               \
	"33333333-aaaa-4bbb-8ccc-000000000001"
#define G_NS        "awswaf:123456789012:rulegroup:g:"
#define ACL_NS      "awswaf:000000000000:webacl:t:"
#define REQ_PATH(p) "{`path`:`" p "`}"

/* A web ACL: rule "grp" (priority 1) references group g with the given
 * extra members of the statement and override action; "after" (priority
 * 9) blocks with 406 when it sees label key, "last" counts everything. */
static void open_group(tctx *t, const char *stmt_extra, const char *override, const char *key)
{
	char acl[4096];
	snprintf(acl, sizeof acl,
	         "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},`Rules`:["
	         "{`Name`:`last`,`Priority`:20,`Statement`:{`ByteMatchStatement`:{`SearchString`:"
	         "`/`,`FieldToMatch`:{`UriPath`:{}},`TextTransformations`:[{`Priority`:0,"
	         "`Type`:`NONE`}],`PositionalConstraint`:`STARTS_WITH`}},`Action`:{`Count`:{}}},"
	         "{`Name`:`after`,`Priority`:9,`Statement`:{`LabelMatchStatement`:{`Scope`:`LABEL`,"
	         "`Key`:`%s`}},`Action`:{`Block`:{`CustomResponse`:{`ResponseCode`:406}}}},"
	         "{`Name`:`grp`,`Priority`:1,`Statement`:{`RuleGroupReferenceStatement`:{"
	         "`ARN`:`" GROUP_ARN "`%s}},`OverrideAction`:{`%s`:{}}}]}",
	         key, stmt_extra, override);
	t_open(t, acl);
}

static void group_block_terminates(void **state)
{
	(void)state;
	tctx t;
	open_group(&t, "", "None", "hit");
	const sk_verdict *v = t_eval(&t, REQ_PATH("/evil"));
	assert_int_equal(v->action, SK_ACT_BLOCK);
	assert_int_equal(v->status, 403);
	const sk_rule_match *m = t_terminating(v);
	assert_non_null(m);
	assert_string_equal(m->rule->name, "grp");
	assert_non_null(m->group_rule);
	assert_string_equal(m->group_rule->name, "g-block");
	assert_string_equal(m->group->name, "g");
	assert_false(m->overridden);
	/* The group's ByteMatch was base64 in the wrapped document. */
	assert_int_equal(m->hits[0].len, 4);
	assert_true(t_has_label(v, G_NS "hit"));
	/* Nothing after the group ran. */
	assert_int_equal(v->nmatches, 1);
	t_close(&t);
}

static void group_count_rule_continues(void **state)
{
	(void)state;
	tctx t;
	open_group(&t, "", "None", "hit");
	/* g-count (priority 5 in the group) counts and labels; nothing terminates. */
	const sk_verdict *v = t_eval(&t, REQ_PATH("/x?trace=1"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_int_equal(v->terminating, -1);
	assert_int_equal(v->nmatches, 2);
	assert_string_equal(v->matches[0].group_rule->name, "g-count");
	assert_int_equal(v->matches[0].action, SK_ACT_COUNT);
	assert_false(v->matches[0].overridden);
	assert_string_equal(v->matches[1].rule->name, "last");
	assert_null(v->matches[1].group);
	assert_true(t_has_label(v, G_NS "counted"));
	/* Group rules run in the group's priority order: g-count (5) before g-block (10). */
	v = t_eval(&t, REQ_PATH("/evil?trace"));
	assert_int_equal(v->nmatches, 2);
	assert_string_equal(v->matches[0].group_rule->name, "g-count");
	assert_string_equal(v->matches[1].group_rule->name, "g-block");
	assert_true(v->matches[1].terminating);
	t_close(&t);
}

static void group_excluded_rules(void **state)
{
	(void)state;
	tctx t;
	open_group(&t, ",`ExcludedRules`:[{`Name`:`g-block`}]", "None", "zzz");
	const sk_verdict *v = t_eval(&t, REQ_PATH("/evil"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_int_equal(v->terminating, -1);
	assert_string_equal(v->matches[0].group_rule->name, "g-block");
	assert_int_equal(v->matches[0].action, SK_ACT_COUNT);
	assert_int_equal(v->matches[0].rule_action, SK_ACT_BLOCK);
	assert_true(v->matches[0].overridden);
	/* The excluded rule still labels, and the group's later rule sees it. */
	assert_true(t_has_label(v, G_NS "hit"));
	assert_string_equal(v->matches[1].group_rule->name, "g-sees-hit");
	assert_true(t_has_label(v, G_NS "saw-hit"));
	t_close(&t);
}

static void group_rule_action_overrides(void **state)
{
	(void)state;
	tctx t;
	open_group(&t,
	           ",`RuleActionOverrides`:[{`Name`:`g-block`,`ActionToUse`:{`Count`:{}}},"
	           "{`Name`:`g-allow`,`ActionToUse`:{`Block`:{`CustomResponse`:{`ResponseCode`:451,"
	           "`ResponseHeaders`:[{`Name`:`x-why`,`Value`:`override`}]}}}}]",
	           "None", "zzz");
	const sk_verdict *v = t_eval(&t, REQ_PATH("/evil"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_int_equal(v->matches[0].action, SK_ACT_COUNT);
	assert_true(v->matches[0].overridden);
	assert_true(t_has_label(v, G_NS "hit"));

	v = t_eval(&t, REQ_PATH("/ok"));
	assert_int_equal(v->action, SK_ACT_BLOCK);
	assert_int_equal(v->status, 451);
	const sk_rule_match *m = t_terminating(v);
	assert_string_equal(m->group_rule->name, "g-allow");
	assert_int_equal(m->action, SK_ACT_BLOCK);
	assert_int_equal(m->rule_action, SK_ACT_ALLOW);
	assert_true(m->overridden);
	assert_string_equal(v->act->response_headers[0].name, "x-why");
	/* The override's action is the web ACL's, not the group's. */
	assert_null(v->act_group);
	t_close(&t);
}

static void group_override_count(void **state)
{
	(void)state;
	tctx t;
	/* OverrideAction Count: the group's Block is counted, labels stay,
	 * and the web ACL rule naming the group's label in full sees it. */
	open_group(&t, "", "Count", G_NS "hit");
	const sk_verdict *v = t_eval(&t, REQ_PATH("/evil"));
	assert_int_equal(v->action, SK_ACT_BLOCK);
	assert_int_equal(v->status, 406);
	assert_string_equal(t_terminating(v)->rule->name, "after");
	assert_string_equal(v->matches[0].group_rule->name, "g-block");
	assert_int_equal(v->matches[0].action, SK_ACT_COUNT);
	assert_false(v->matches[0].terminating);
	assert_true(t_has_label(v, G_NS "hit"));
	t_close(&t);

	/* The short key is completed with the web ACL's context: no match. */
	open_group(&t, "", "Count", "hit");
	v = t_eval(&t, REQ_PATH("/evil"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_true(t_has_label(v, G_NS "hit"));
	assert_false(t_has_label(v, ACL_NS "hit"));
	assert_string_equal(v->matches[v->nmatches - 1].rule->name, "last");
	t_close(&t);
}

static void group_allow_terminates(void **state)
{
	(void)state;
	tctx t;
	open_group(&t, "", "None", "hit");
	const sk_verdict *v = t_eval(&t, REQ_PATH("/ok"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_int_equal(v->status, 200);
	const sk_rule_match *m = t_terminating(v);
	assert_non_null(m);
	assert_string_equal(m->group_rule->name, "g-allow");
	/* "last" (a Count at priority 20) never ran. */
	assert_int_equal(v->nmatches, 1);
	t_close(&t);
}

static void group_custom_response_body(void **state)
{
	(void)state;
	tctx t;
	open_group(&t, "", "None", "hit");
	const sk_verdict *v = t_eval(&t, REQ_PATH("/teapot"));
	assert_int_equal(v->action, SK_ACT_BLOCK);
	assert_int_equal(v->status, 418);
	assert_non_null(v->act->body);
	assert_string_equal(v->act->body->content, "short and stout");
	assert_ptr_equal(v->act_group, t_terminating(v)->group);
	t_close(&t);
}

static void group_log_record(void **state)
{
	(void)state;
	tctx t;
	open_group(&t, "", "None", "hit");
	const sk_verdict *v = t_eval(&t, REQ_PATH("/evil?trace"));
	sk_buf b;
	sk_buf_init(&b, SK_CAP_LOG_RECORD);
	sk_log_options lo = {.timestamp_ms = T_NOW};
	assert_int_equal(sk_log_record(t.p, &t.req, v, &lo, &b), SK_OK);
	json_error_t je;
	json_t *r = json_loadb((const char *)b.p, b.n, 0, &je);
	if (!r)
		fail_msg("log record is not JSON: %s: %s", je.text, (const char *)b.p);
	assert_string_equal(json_string_value(json_object_get(r, "terminatingRuleId")), "grp");
	assert_string_equal(json_string_value(json_object_get(r, "terminatingRuleType")), "GROUP");
	assert_string_equal(json_string_value(json_object_get(r, "action")), "BLOCK");
	json_t *gl = json_object_get(r, "ruleGroupList");
	assert_int_equal(json_array_size(gl), 1);
	json_t *g = json_array_get(gl, 0);
	assert_string_equal(json_string_value(json_object_get(g, "ruleGroupId")), GROUP_ARN);
	json_t *tr = json_object_get(g, "terminatingRule");
	assert_string_equal(json_string_value(json_object_get(tr, "ruleId")), "g-block");
	assert_string_equal(json_string_value(json_object_get(tr, "action")), "BLOCK");
	json_t *nt = json_object_get(g, "nonTerminatingMatchingRules");
	assert_int_equal(json_array_size(nt), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(nt, 0), "ruleId")),
	                    "g-count");
	assert_string_equal(json_string_value(json_object_get(json_array_get(nt, 0), "action")),
	                    "COUNT");
	/* The web ACL's own list holds no group rules. */
	assert_int_equal(json_array_size(json_object_get(r, "nonTerminatingMatchingRules")), 0);
	json_t *labels = json_object_get(r, "labels");
	assert_int_equal(json_array_size(labels), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(labels, 0), "name")),
	                    G_NS "counted");
	json_decref(r);
	sk_buf_free(&b);
	t_close(&t);
}

static void group_override_count_log_record(void **state)
{
	(void)state;
	tctx t;
	open_group(&t, "", "Count", "zzz");
	const sk_verdict *v = t_eval(&t, REQ_PATH("/evil?trace"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	sk_buf b;
	sk_buf_init(&b, SK_CAP_LOG_RECORD);
	sk_log_options lo = {.timestamp_ms = T_NOW};
	assert_int_equal(sk_log_record(t.p, &t.req, v, &lo, &b), SK_OK);
	json_t *r = json_loadb((const char *)b.p, b.n, 0, NULL);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "terminatingRuleId")),
	                    "Default_Action");
	json_t *g = json_array_get(json_object_get(r, "ruleGroupList"), 0);
	/* The group's Block, counted by the override, is its terminating rule. */
	json_t *tr = json_object_get(g, "terminatingRule");
	assert_string_equal(json_string_value(json_object_get(tr, "ruleId")), "g-block");
	assert_string_equal(json_string_value(json_object_get(tr, "action")), "BLOCK");
	assert_string_equal(json_string_value(json_object_get(tr, "overriddenAction")), "COUNT");
	/* The Count rule before it is not the group's terminating rule. */
	json_t *nt = json_object_get(g, "nonTerminatingMatchingRules");
	assert_int_equal(json_array_size(nt), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(nt, 0), "ruleId")),
	                    "g-count");
	json_decref(r);
	sk_buf_free(&b);
	t_close(&t);
}

/* An excluded rule (counted) before a rule whose Block the rule's
 * OverrideAction Count turns into Count: only the latter is the group's
 * terminating rule; the excluded one is listed as excluded. */
static void group_excluded_and_override_count_log_record(void **state)
{
	(void)state;
	tctx t;
	open_group(&t, ",`ExcludedRules`:[{`Name`:`g-block`}]", "Count", "zzz");
	const sk_verdict *v = t_eval(&t, REQ_PATH("/evil/teapot"));
	assert_int_equal(v->action, SK_ACT_ALLOW);
	assert_int_equal(v->nmatches, 3); /* g-block, g-teapot, last */
	sk_buf b;
	sk_buf_init(&b, SK_CAP_LOG_RECORD);
	sk_log_options lo = {.timestamp_ms = T_NOW};
	assert_int_equal(sk_log_record(t.p, &t.req, v, &lo, &b), SK_OK);
	json_t *r = json_loadb((const char *)b.p, b.n, 0, NULL);
	assert_non_null(r);
	json_t *g = json_array_get(json_object_get(r, "ruleGroupList"), 0);
	json_t *tr = json_object_get(g, "terminatingRule");
	assert_string_equal(json_string_value(json_object_get(tr, "ruleId")), "g-teapot");
	assert_string_equal(json_string_value(json_object_get(tr, "action")), "BLOCK");
	assert_string_equal(json_string_value(json_object_get(tr, "overriddenAction")), "COUNT");
	json_t *ex = json_object_get(g, "excludedRules");
	assert_int_equal(json_array_size(ex), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ex, 0), "ruleId")),
	                    "g-block");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(ex, 0), "exclusionType")),
	    "EXCLUDED_AS_COUNT");
	assert_int_equal(json_array_size(json_object_get(g, "nonTerminatingMatchingRules")), 0);
	json_decref(r);
	sk_buf_free(&b);
	t_close(&t);
}

/* RuleActionOverrides to Count: a non-terminating match whose own action
 * is shown as overriddenAction. */
static void group_action_override_log_record(void **state)
{
	(void)state;
	tctx t;
	open_group(&t, ",`RuleActionOverrides`:[{`Name`:`g-block`,`ActionToUse`:{`Count`:{}}}]",
	           "None", "zzz");
	const sk_verdict *v = t_eval(&t, REQ_PATH("/evil"));
	sk_buf b;
	sk_buf_init(&b, SK_CAP_LOG_RECORD);
	sk_log_options lo = {.timestamp_ms = T_NOW};
	assert_int_equal(sk_log_record(t.p, &t.req, v, &lo, &b), SK_OK);
	json_t *r = json_loadb((const char *)b.p, b.n, 0, NULL);
	assert_non_null(r);
	json_t *g = json_array_get(json_object_get(r, "ruleGroupList"), 0);
	assert_true(json_is_null(json_object_get(g, "terminatingRule")));
	json_t *nt = json_object_get(g, "nonTerminatingMatchingRules");
	assert_int_equal(json_array_size(nt), 2); /* g-block, g-sees-hit */
	json_t *e = json_array_get(nt, 0);
	assert_string_equal(json_string_value(json_object_get(e, "ruleId")), "g-block");
	assert_string_equal(json_string_value(json_object_get(e, "action")), "COUNT");
	assert_string_equal(json_string_value(json_object_get(e, "overriddenAction")), "BLOCK");
	json_decref(r);
	sk_buf_free(&b);
	t_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(group_block_terminates),
	    cmocka_unit_test(group_count_rule_continues),
	    cmocka_unit_test(group_excluded_rules),
	    cmocka_unit_test(group_rule_action_overrides),
	    cmocka_unit_test(group_override_count),
	    cmocka_unit_test(group_allow_terminates),
	    cmocka_unit_test(group_custom_response_body),
	    cmocka_unit_test(group_log_record),
	    cmocka_unit_test(group_override_count_log_record),
	    cmocka_unit_test(group_excluded_and_override_count_log_record),
	    cmocka_unit_test(group_action_override_log_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
