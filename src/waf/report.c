#include "waf/report.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "waf/field.h"
#include "waf/program.h"

/* ---- JSON strings from request bytes ---- */

/* Length of the valid UTF-8 sequence at p, or 0. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t len;
	uint32_t min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	uint32_t cp = c & (0x3f >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A JSON string of arbitrary bytes: invalid UTF-8 becomes U+FFFD, since a
 * log record must stay valid JSON whatever the request held. */
static json_t *jbytes(sk_str s)
{
	size_t i = 0;
	while (i < s.n) {
		size_t l = utf8_len(s.p + i, s.n - i);
		if (!l)
			break;
		i += l;
	}
	if (i == s.n)
		return json_stringn(s.p ? (const char *)s.p : "", s.n);
	sk_buf b;
	sk_buf_init(&b, s.n * 3 + 16);
	json_t *j = NULL;
	for (i = 0; i < s.n;) {
		size_t l = utf8_len(s.p + i, s.n - i);
		if (l ? sk_buf_append(&b, s.p + i, l) : sk_buf_append(&b, "\xef\xbf\xbd", 3))
			goto out;
		i += l ? l : 1;
	}
	j = json_stringn((const char *)b.p, b.n);
out:
	sk_buf_free(&b);
	return j;
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static const char *group_id(const sk_group *g, char *buf, size_t n)
{
	if (g->managed) {
		snprintf(buf, n, "AWS#%s", g->name);
		return buf;
	}
	return g->arn ? g->arn : g->name;
}

static const char *rule_type(const sk_rule_match *m)
{
	if (m->group)
		return m->group->managed ? "MANAGED_RULE_GROUP" : "GROUP";
	return m->rule->stmt->type == SK_ST_RATE ? "RATE_BASED" : "REGULAR";
}

/* matchedData for SQLi/XSS matches: the matching text in words split on
 * spaces, as AWS shows tokens. */
static json_t *match_details(const sk_rule_match *m)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < m->nhits; i++) {
		const sk_hit *h = &m->hits[i];
		/* AWS reports details for its SQLi and XSS statements; sekisho's
		 * detector statement running those detectors reports the same. */
		const sk_detector *det = h->stmt->detector;
		bool is_sqli = det && strcmp(det->name, "SQLI") == 0;
		if (!det || (!is_sqli && strcmp(det->name, "XSS") != 0))
			continue;
		json_t *d = json_object(), *data = json_array();
		json_object_set_new(d, "conditionType",
		                    json_string(is_sqli ? "SQL_INJECTION" : "XSS"));
		if (is_sqli)
			json_object_set_new(d, "sensitivityLevel",
			                    json_string(h->stmt->sensitivity ? "HIGH" : "LOW"));
		json_object_set_new(d, "location", json_string(sk_field_location(h->stmt->field)));
		size_t s = h->off, end = h->off + h->len;
		if (end > h->value.n)
			end = h->value.n;
		for (size_t k = s; k < end && json_array_size(data) < 20;) {
			while (k < end && (h->value.p[k] == ' ' || h->value.p[k] == '\t'))
				k++;
			size_t b = k;
			while (k < end && h->value.p[k] != ' ' && h->value.p[k] != '\t')
				k++;
			if (k > b)
				json_array_append_new(data,
				                      jbytes(sk_str_make(h->value.p + b, k - b)));
		}
		json_object_set_new(d, "matchedData", data);
		json_array_append_new(arr, d);
	}
	return arr;
}

/* How the rule group statement of m overrides m's group rule: whether it
 * is excluded (ExcludedRules: Count) and the action that applies before
 * the OverrideAction, as eval.c decides them. */
static sk_action_type group_rule_action(const sk_rule_match *m, bool *excluded)
{
	const sk_stmt *gs = m->rule->stmt;
	sk_action_type t = m->group_rule->action.type;
	*excluded = false;
	for (size_t k = 0; k < gs->noverrides; k++)
		if (strcmp(gs->overrides[k].rule, m->group_rule->name) == 0) {
			if (gs->overrides[k].action)
				t = gs->overrides[k].action->type;
			else
				*excluded = true;
		}
	return *excluded ? SK_ACT_COUNT : t;
}

static json_t *nonterm_entry(const sk_rule_match *m, bool in_group)
{
	json_t *o = json_object();
	const sk_rule *r = in_group ? m->group_rule : m->rule;
	json_object_set_new(o, "ruleId", json_string(r->name));
	json_object_set_new(o, "action", json_string(sk_action_name(m->action)));
	if (m->overridden)
		json_object_set_new(o, "overriddenAction",
		                    json_string(sk_action_name(m->rule_action)));
	json_t *d = match_details(m);
	json_object_set_new(o, "ruleMatchDetails", json_array_size(d) ? d : json_array());
	if (!json_array_size(d))
		json_decref(d);
	return o;
}

static json_t *sekisho_reasons(const sk_verdict *v)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < v->nmatches; i++) {
		const sk_rule_match *m = &v->matches[i];
		for (size_t k = 0; k < m->nhits; k++) {
			sk_buf b;
			sk_buf_init(&b, 4096);
			json_t *o = json_object();
			char name[300];
			snprintf(name, sizeof name, "%s%s%s", m->rule->name,
			         m->group_rule ? "/" : "",
			         m->group_rule ? m->group_rule->name : "");
			json_object_set_new(o, "rule", json_string(name));
			json_object_set_new(o, "action", json_string(sk_action_name(m->action)));
			if (sk_explain_hit(&m->hits[k], &b) == SK_OK)
				json_object_set_new(o, "reason", jbytes(sk_buf_str(&b)));
			sk_buf_free(&b);
			json_array_append_new(arr, o);
		}
	}
	return arr;
}

sk_status sk_log_record(const sk_program *p, const sk_request *req, const sk_verdict *v,
                        const sk_log_options *opt, sk_buf *out)
{
	const sk_acl *acl = sk_program_acl(p);
	json_t *r = json_object();
	char gid[512];
	json_object_set_new(r, "timestamp", json_integer(opt->timestamp_ms));
	json_object_set_new(r, "formatVersion", json_integer(1));
	json_object_set_new(r, "webaclId", json_string(acl->arn ? acl->arn : acl->name));
	const sk_rule_match *t = v->terminating >= 0 ? &v->matches[v->terminating] : NULL;
	json_object_set_new(r, "terminatingRuleId",
	                    json_string(t ? t->rule->name : "Default_Action"));
	json_object_set_new(r, "terminatingRuleType", json_string(t ? rule_type(t) : "REGULAR"));
	json_object_set_new(r, "action", json_string(sk_action_name(v->action)));
	json_t *tmd = t && !t->group ? match_details(t) : json_array();
	json_object_set_new(r, "terminatingRuleMatchDetails", tmd);
	json_object_set_new(r, "httpSourceName",
	                    json_string(opt->http_source_name ? opt->http_source_name : "-"));
	json_object_set_new(r, "httpSourceId", json_string("-"));

	/* One entry per group that matched anything, in evaluation order. */
	json_t *groups = json_array(), *nonterm = json_array(), *rates = json_array();
	for (size_t i = 0; i < v->nmatches; i++) {
		const sk_rule_match *m = &v->matches[i];
		if (!m->group) {
			if (!m->terminating)
				json_array_append_new(nonterm, nonterm_entry(m, false));
			if (m->rule->stmt->type == SK_ST_RATE && m->terminating) {
				json_t *o = json_object();
				const sk_stmt *s = m->rule->stmt;
				static const char *const agg[] = {"IP", "FORWARDED_IP",
				                                  "CUSTOM_KEYS", "CONSTANT"};
				json_object_set_new(o, "rateBasedRuleId",
				                    json_string(m->rule->name));
				json_object_set_new(o, "rateBasedRuleName",
				                    json_string(m->rule->name));
				json_object_set_new(o, "limitKey", json_string(agg[s->agg]));
				json_object_set_new(o, "maxRateAllowed",
				                    json_integer((json_int_t)s->limit));
				json_object_set_new(o, "evaluationWindowSec",
				                    json_integer(s->window_sec));
				json_array_append_new(rates, o);
			}
			continue;
		}
		const char *id = group_id(m->group, gid, sizeof gid);
		json_t *g = NULL;
		for (size_t k = 0; k < json_array_size(groups); k++) {
			json_t *e = json_array_get(groups, k);
			if (strcmp(json_string_value(json_object_get(e, "ruleGroupId")), id) == 0)
				g = e;
		}
		if (!g) {
			g = json_object();
			json_object_set_new(g, "ruleGroupId", json_string(id));
			json_object_set_new(g, "terminatingRule", json_null());
			json_object_set_new(g, "nonTerminatingMatchingRules", json_array());
			json_object_set_new(g, "excludedRules", json_null());
			json_object_set_new(g, "customerConfig", json_null());
			json_array_append_new(groups, g);
		}
		/* The group's terminating rule: the one that ended the web ACL, or
		 * the one whose terminating action the rule's OverrideAction
		 * Count turned into Count (eval.c stops the group there). */
		bool excluded;
		sk_action_type own = group_rule_action(m, &excluded);
		bool group_terminal =
		    m->terminating || (m->rule->override_count && !p->opt.count_only &&
		                       m->action == SK_ACT_COUNT && own != SK_ACT_COUNT);
		if (group_terminal) {
			json_t *o = json_object();
			json_object_set_new(o, "ruleId", json_string(m->group_rule->name));
			if (m->terminating) {
				json_object_set_new(o, "action",
				                    json_string(sk_action_name(m->action)));
				if (m->overridden)
					json_object_set_new(
					    o, "overriddenAction",
					    json_string(sk_action_name(m->rule_action)));
			} else {
				json_object_set_new(o, "action", json_string(sk_action_name(own)));
				json_object_set_new(o, "overriddenAction", json_string("COUNT"));
			}
			json_object_set_new(o, "ruleMatchDetails", match_details(m));
			json_object_set_new(g, "terminatingRule", o);
		} else if (excluded) {
			json_t *ex = json_object_get(g, "excludedRules");
			if (!json_is_array(ex)) {
				ex = json_array();
				json_object_set_new(g, "excludedRules", ex);
			}
			json_t *o = json_object();
			json_object_set_new(o, "exclusionType", json_string("EXCLUDED_AS_COUNT"));
			json_object_set_new(o, "ruleId", json_string(m->group_rule->name));
			json_array_append_new(ex, o);
		} else {
			json_array_append_new(json_object_get(g, "nonTerminatingMatchingRules"),
			                      nonterm_entry(m, true));
		}
	}
	json_object_set_new(r, "ruleGroupList", groups);
	json_object_set_new(r, "rateBasedRuleList", rates);
	json_object_set_new(r, "nonTerminatingMatchingRules", nonterm);
	if (v->ninserted) {
		json_t *ins = json_array();
		for (size_t i = 0; i < v->ninserted; i++) {
			json_t *h = json_object();
			json_object_set_new(h, "name", json_string(v->inserted[i].name));
			json_object_set_new(h, "value", json_string(v->inserted[i].value));
			json_array_append_new(ins, h);
		}
		json_object_set_new(r, "requestHeadersInserted", ins);
	} else {
		json_object_set_new(r, "requestHeadersInserted", json_null());
	}
	bool custom = v->act && v->act->response_code && v->action != SK_ACT_ALLOW;
	json_object_set_new(r, "responseCodeSent", custom ? json_integer(v->status) : json_null());

	json_t *hr = json_object(), *hs = json_array();
	json_object_set_new(hr, "clientIp", json_string(req->client_ip[0] ? req->client_ip : "-"));
	json_object_set_new(hr, "country", json_string(v->country ? v->country : "--"));
	for (size_t i = 0; i < req->nheaders; i++) {
		json_t *h = json_object();
		const sk_header *x = &req->headers[i];
		bool redact = opt->redact_auth && (sk_str_ieq_cstr(x->name, "authorization") ||
		                                   sk_str_ieq_cstr(x->name, "cookie"));
		json_object_set_new(h, "name", jbytes(x->name));
		json_object_set_new(h, "value",
		                    redact ? json_string("REDACTED") : jbytes(x->value));
		json_array_append_new(hs, h);
	}
	json_object_set_new(hr, "headers", hs);
	json_object_set_new(hr, "uri", jbytes(req->path));
	json_object_set_new(hr, "args", jbytes(req->query));
	json_object_set_new(hr, "httpVersion", jbytes(req->version));
	json_object_set_new(hr, "httpMethod", jbytes(req->method));
	json_object_set_new(hr, "requestId", jstr(opt->request_id));
	json_object_set_new(r, "httpRequest", hr);
	if (v->nlabels) {
		json_t *ls = json_array();
		for (size_t i = 0; i < v->nlabels && i < 100; i++) {
			json_t *l = json_object();
			json_object_set_new(l, "name", json_string(v->labels[i]));
			json_array_append_new(ls, l);
		}
		json_object_set_new(r, "labels", ls);
	}
	if (v->oversize_body || v->oversize_json || v->oversize_headers || v->oversize_cookies) {
		json_t *o = json_array();
		if (v->oversize_body)
			json_array_append_new(o, json_string("REQUEST_BODY"));
		if (v->oversize_json)
			json_array_append_new(o, json_string("REQUEST_JSON_BODY"));
		if (v->oversize_headers)
			json_array_append_new(o, json_string("REQUEST_HEADERS"));
		if (v->oversize_cookies)
			json_array_append_new(o, json_string("REQUEST_COOKIES"));
		json_object_set_new(r, "oversizeFields", o);
	}
	/* sekisho's own addition: why, in words, for every matched rule. */
	json_object_set_new(r, "sekishoReasons", sekisho_reasons(v));
	char *s = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(r);
	if (!s)
		return SK_E_NOMEM;
	sk_status st = sk_buf_puts(out, s);
	free(s);
	return st;
}

/* ---- words ---- */

/* Appends up to max bytes of s, printable, with other bytes as \xHH. */
static sk_status put_excerpt(sk_buf *b, sk_str s, size_t max)
{
	sk_status st = sk_buf_putc(b, '"');
	for (size_t i = 0; i < s.n && i < max && !st; i++) {
		uint8_t c = s.p[i];
		if (c == '"' || c == '\\')
			st = sk_buf_printf(b, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			st = sk_buf_putc(b, c);
		else
			st = sk_buf_printf(b, "\\x%02x", c);
	}
	if (!st && s.n > max)
		st = sk_buf_puts(b, "...");
	return st ? st : sk_buf_putc(b, '"');
}

sk_status sk_explain_hit(const sk_hit *h, sk_buf *b)
{
	const sk_stmt *s = h->stmt;
	sk_status st = SK_OK;
	if (s->field) {
		st = sk_buf_puts(b, sk_field_describe(s->field));
		bool named =
		    s->field->kind == SK_FTM_SINGLE_HEADER || s->field->kind == SK_FTM_HEADERS ||
		    s->field->kind == SK_FTM_COOKIES || s->field->kind == SK_FTM_SINGLE_QUERY_ARG ||
		    s->field->kind == SK_FTM_ALL_QUERY_ARGS || s->field->kind == SK_FTM_JSON_BODY;
		/* A single header or argument is named by the rule even when absent. */
		sk_str name = h->name.n || !s->field->name ? h->name : sk_str_cstr(s->field->name);
		if (!st && named && name.n) {
			st = sk_buf_putc(b, ' ');
			if (!st)
				st = put_excerpt(b, name, 60);
		}
		for (int i = 0; i < s->chain.n && !st; i++)
			st = sk_buf_printf(b, "%s%s", i ? "," : " after ",
			                   sk_transform_name((sk_transform)s->chain.tx[i]));
		if (st)
			return st;
		st = sk_buf_puts(b, ": ");
	}
	if (st)
		return st;
	sk_str m = h->value.p ? sk_str_make(h->value.p + h->off, h->len) : SK_STR_NULL;
	static const char *const pos[] = {"equals", "starts with", "ends with", "contains",
	                                  "contains the word"};
	switch (s->type) {
	case SK_ST_BYTE_MATCH:
		if (!h->value.p)
			return sk_buf_puts(b, h->reason);
		st = sk_buf_printf(b, "%s ", pos[s->position]);
		return st ? st : put_excerpt(b, sk_str_make(s->search, s->search_n), 80);
	case SK_ST_REGEX_MATCH:
	case SK_ST_REGEX_SET:
		if (!h->value.p)
			return sk_buf_puts(b, h->reason);
		if (s->type == SK_ST_REGEX_MATCH)
			st = sk_buf_printf(b, "matches /%s/ at ", s->regex);
		else
			st = sk_buf_printf(b, "%s matches at ", h->reason);
		return st ? st : put_excerpt(b, m, 80);
	case SK_ST_SQLI:
	case SK_ST_XSS:
	case SK_ST_DETECTOR:
		st = sk_buf_printf(b, "%s (%s)", s->detector->label,
		                   h->reason[0] ? h->reason : "detector matched");
		if (!st && h->value.p) {
			st = sk_buf_puts(b, " at ");
			if (!st)
				st = put_excerpt(b, m, 80);
		}
		return st;
	default: return sk_buf_puts(b, h->reason);
	}
}

sk_status sk_explain(const sk_verdict *v, sk_buf *b)
{
	const sk_rule_match *t = v->terminating >= 0 ? &v->matches[v->terminating] : NULL;
	sk_status st =
	    sk_buf_printf(b, "%-9s %d %s%s%s", sk_action_name(v->action), v->status,
	                  t ? t->rule->name : "Default_Action", t && t->group_rule ? "/" : "",
	                  t && t->group_rule ? t->group_rule->name : "");
	for (size_t i = 0; t && i < t->nhits && !st; i++) {
		st = sk_buf_puts(b, i ? "; and " : ": ");
		if (!st)
			st = sk_explain_hit(&t->hits[i], b);
	}
	bool first = true;
	for (size_t i = 0; i < v->nmatches && !st; i++) {
		const sk_rule_match *m = &v->matches[i];
		if (m == t)
			continue;
		st = sk_buf_printf(b, "%s%s%s%s%s", first ? " [counted: " : ", ", m->rule->name,
		                   m->group_rule ? "/" : "",
		                   m->group_rule ? m->group_rule->name : "",
		                   m->overridden ? " (overridden)" : "");
		first = false;
	}
	if (!first && !st)
		st = sk_buf_putc(b, ']');
	for (size_t i = 0; i < v->nlabels && !st; i++)
		st = sk_buf_printf(b, "%s%s", i ? "," : " labels=", v->labels[i]);
	return st;
}

json_t *sk_json_bytes(sk_str s)
{
	return jbytes(s);
}
