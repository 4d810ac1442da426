/* From a verdict to an event for the store (ops/events.h): who, what,
 * which rules on which field and text, the request for re-evaluation, and
 * the AWS WAF log record. Built on the worker thread, queued without
 * waiting. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/internal.h"
#include "waf/report.h"

#define MATCHED_MAX    200        /* bytes of matched text kept */
#define EVENT_BODY_MAX (64 << 10) /* bytes of body kept for re-evaluation */

static char *dump(json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY) : NULL;
	json_decref(j);
	return s;
}

/* Request bytes as text a store takes: valid UTF-8 (invalid sequences as
 * U+FFFD, as in log records), NUL-terminated, in the request's arena.
 * PostgreSQL refuses invalid UTF-8, and one such value must not cost an
 * event. */
static char *text(sk_arena *a, sk_str s)
{
	json_t *j = sk_json_bytes(s);
	char *out = j ? sk_arena_strndup(a, json_string_value(j), json_string_length(j)) : NULL;
	json_decref(j);
	return out;
}

static sk_str matched_text(const sk_hit *h)
{
	sk_str m = h->len ? sk_str_make(h->value.p + h->off, h->len) : h->value;
	if (m.n > MATCHED_MAX)
		m.n = MATCHED_MAX;
	return m;
}

static bool redacted(const sk_gw_config *g, sk_str name)
{
	for (size_t k = 0; k < g->nredact; k++)
		if (sk_str_ieq_cstr(name, g->redact[k]))
			return true;
	return false;
}

/* The request as sekisho check --jsonl reads it. */
static json_t *request_json(const gw_conn *c, const sk_gw_config *g)
{
	const sk_request *r = &c->req;
	json_t *o = json_object(), *hs = json_array();
	json_object_set_new(o, "method", sk_json_bytes(r->method));
	json_object_set_new(o, "path", sk_json_bytes(r->target));
	for (size_t i = 0; i < r->nheaders; i++) {
		json_t *pair = json_array();
		json_array_append_new(pair, sk_json_bytes(r->headers[i].name));
		json_array_append_new(pair, redacted(g, r->headers[i].name)
		                                ? json_string("REDACTED")
		                                : sk_json_bytes(r->headers[i].value));
		json_array_append_new(hs, pair);
	}
	json_object_set_new(o, "headers", hs);
	sk_str body = r->body;
	if (body.n > EVENT_BODY_MAX)
		body.n = EVENT_BODY_MAX;
	json_object_set_new(o, "body", sk_json_bytes(body));
	json_object_set_new(o, "client_ip", json_string(c->client_ip));
	return o;
}

static json_t *rules_json(const sk_verdict *v)
{
	json_t *a = json_array();
	char name[600];
	sk_buf b;
	sk_buf_init(&b, 4096);
	for (size_t i = 0; i < v->nmatches; i++) {
		const sk_rule_match *m = &v->matches[i];
		snprintf(name, sizeof name, "%s%s%s", m->rule->name, m->group_rule ? "/" : "",
		         m->group_rule ? m->group_rule->name : "");
		json_t *r = json_object(), *hits = json_array();
		json_object_set_new(r, "rule", json_string(name));
		json_object_set_new(r, "action", json_string(sk_action_name(m->action)));
		json_object_set_new(r, "terminating", json_boolean(m->terminating));
		for (size_t k = 0; k < m->nhits; k++) {
			const sk_hit *h = &m->hits[k];
			json_t *o = json_object();
			sk_buf_clear(&b);
			if (sk_explain_hit(h, &b) == SK_OK)
				json_object_set_new(o, "reason", sk_json_bytes(sk_buf_str(&b)));
			if (h->name.n)
				json_object_set_new(o, "name", sk_json_bytes(h->name));
			json_object_set_new(o, "matched", sk_json_bytes(matched_text(h)));
			json_array_append_new(hits, o);
		}
		json_object_set_new(r, "hits", hits);
		json_array_append_new(a, r);
	}
	sk_buf_free(&b);
	return a;
}

void gw_event_submit(gw_conn *c, const sk_verdict *v, bool counted, int64_t t, const sk_buf *record)
{
	gw_server *s = c->w->srv;
	if (!s->events) {
		atomic_fetch_add(&s->metrics.events_dropped, 1);
		return;
	}
	const sk_gw_config *g = &c->gen->cfg;
	const sk_rule_match *first = NULL;
	if (v->terminating >= 0)
		first = &v->matches[v->terminating];
	for (size_t i = 0; !first && i < v->nmatches; i++)
		if (v->matches[i].nhits)
			first = &v->matches[i];
	char term[600] = "", field[300] = "";
	if (v->terminating >= 0)
		snprintf(term, sizeof term, "%s%s%s", first->rule->name,
		         first->group_rule ? "/" : "",
		         first->group_rule ? first->group_rule->name : "");
	sk_str matched = SK_STR_LIT("");
	sk_buf why;
	sk_buf_init(&why, 8192);
	if (first && first->nhits) {
		const sk_hit *h = &first->hits[0];
		if (sk_explain_hit(h, &why) == SK_OK) {
			/* The field is the explanation up to "after" or ":". */
			size_t n = 0;
			while (n < why.n && n < sizeof field - 1 && why.p[n] != ':' &&
			       !(n + 7 <= why.n && memcmp(why.p + n, " after ", 7) == 0))
				n++;
			memcpy(field, why.p, n);
			field[n] = 0;
		}
		matched = matched_text(h);
	}
	sk_buf_clear(&why);
	if (sk_explain(v, &why) != SK_OK || sk_buf_putc(&why, 0) != SK_OK) {
		sk_buf_clear(&why);
		if (sk_buf_putc(&why, 0) != SK_OK) {
			sk_buf_free(&why);
			return;
		}
	}

	json_t *labels = json_array();
	for (size_t i = 0; i < v->nlabels; i++)
		json_array_append_new(labels, json_string(v->labels[i]));
	bool found;
	sk_str host = sk_request_header(&c->req, "host", &found);
	sk_str ua = sk_request_header(&c->req, "user-agent", &found);
	char *rules = dump(rules_json(v)), *labs = dump(labels), *req = dump(request_json(c, g));
	char *mt = dump(sk_json_bytes(matched));
	char *s_method = text(c->arena, c->req.method);
	char *s_host = text(c->arena, host);
	char *s_path = text(c->arena, c->req.path);
	char *s_query = text(c->arena, c->req.query);
	char *s_ua = text(c->arena, ua);
	char *s_rec = record ? sk_arena_strndup(c->arena, record->p, record->n) : NULL;
	/* matched is kept as the JSON-escaped text without its quotes, so
	 * any bytes it held stay printable. */
	if (mt && strlen(mt) >= 2) {
		mt[strlen(mt) - 1] = 0;
		memmove(mt, mt + 1, strlen(mt));
	}
	sk_event e = {
	    .time_ms = t,
	    .request_id = c->request_id,
	    .client_ip = c->client_ip,
	    .method = s_method,
	    .host = s_host,
	    .path = s_path,
	    .query = s_query,
	    .user_agent = s_ua,
	    .action = v->action == SK_ACT_ALLOW ? (counted ? "COUNT" : "ALLOW")
	                                        : sk_action_name(v->action),
	    .terminating_rule = term,
	    .rules = rules,
	    .labels = labs,
	    .field = text(c->arena, sk_str_cstr(field)),
	    .matched = mt,
	    .reason = text(c->arena, sk_str_cstr((const char *)why.p)),
	    .request = req,
	    .record = s_rec,
	};
	if (!sk_events_submit(s->events, &e))
		atomic_fetch_add(&s->metrics.events_dropped, 1);
	sk_buf_free(&why);
	free(rules);
	free(labs);
	free(req);
	free(mt);
}

double gw_random01(gw_worker *w)
{
	uint64_t x = w->rng ? w->rng : 0x9e3779b97f4a7c15u ^ (uint64_t)(uintptr_t)w;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	w->rng = x;
	return (double)(x >> 11) / 9007199254740992.0;
}

/* A block for the notifier (ops/notify.h), which groups, silences and
 * sends on its own thread. */
void gw_notify(gw_conn *c, const sk_verdict *v)
{
	gw_server *s = c->w->srv;
	if (!s->notifier || v->action == SK_ACT_ALLOW)
		return;
	const sk_rule_match *t = v->terminating >= 0 ? &v->matches[v->terminating] : NULL;
	char rule[600] = "";
	if (t)
		snprintf(rule, sizeof rule, "%s%s%s", t->rule->name, t->group_rule ? "/" : "",
		         t->group_rule ? t->group_rule->name : "");
	sk_buf why;
	sk_buf_init(&why, 2048);
	for (size_t i = 0; t && i < t->nhits; i++)
		if ((i && sk_buf_puts(&why, "; ")) || sk_explain_hit(&t->hits[i], &why))
			break;
	if (sk_buf_putc(&why, 0) != SK_OK && why.n)
		why.p[why.n - 1] = 0; /* at the cap: cut the last byte for the NUL */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	bool found;
	sk_str host = sk_request_header(&c->req, "host", &found);
	sk_block_notice b = {
	    .time_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
	    .rule = rule,
	    .action = sk_action_name(v->action),
	    .client_ip = c->client_ip,
	    .method = sk_arena_strndup(c->arena, c->req.method.p, c->req.method.n),
	    .host = sk_arena_strndup(c->arena, host.p, host.n),
	    .path = sk_arena_strndup(c->arena, c->req.path.p, c->req.path.n),
	    .query = sk_arena_strndup(c->arena, c->req.query.p, c->req.query.n),
	    .reason = why.p ? (const char *)why.p : "",
	    .request_id = c->request_id,
	    .labels = (const char *const *)v->labels,
	    .nlabels = v->nlabels,
	};
	if (b.method && b.host && b.path && b.query)
		sk_notify_block(s->notifier, &b);
	sk_buf_free(&why);
}
