/* Shared helpers for the engine tests: load an ACL from inline JSON,
 * compile it, and evaluate requests given as JSON lines. Every helper
 * asserts, so a test reads as the scenario it checks. */
#ifndef SK_TEST_ENGINE_HARNESS_H
#define SK_TEST_ENGINE_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "http/request.h"
#include "waf/engine.h"
#include "waf/loader.h"
#include "waf/report.h"

#define T_RES SK_TEST_DATA "/engine/res"
#define T_NOW 1700000000000LL

typedef struct tctx {
	sk_program *p;
	sk_scratch *s;
	sk_arena *a;
	sk_request req;
	sk_verdict v;
	sk_error err;
} tctx;

/* Inline JSON in the tests writes ` for " so that it stays readable; this
 * gives the real text (malloc'd). A payload that needs a backtick is built
 * with \u0060. */
static inline char *t_dq(const char *s)
{
	char *d = strdup(s);
	assert_non_null(d);
	for (char *p = d; *p; p++)
		if (*p == '`')
			*p = '"';
	return d;
}

/* Loads text as "t.json"; returns the status and leaves the message in err. */
static inline sk_status t_load(const char *text, const sk_load_options *opt, sk_acl **acl,
                               sk_buf *warnings, sk_error *err)
{
	memset(err, 0, sizeof *err);
	char *j = t_dq(text);
	sk_status st = sk_acl_load("t.json", j, strlen(j), opt, acl, warnings, err);
	free(j);
	return st;
}

/* Loads and compiles; fails the test with the loader's message on error. */
static inline void t_open_opts(tctx *t, const char *acl_json, const char *resources,
                               const sk_engine_options *eo)
{
	memset(t, 0, sizeof *t);
	sk_load_options lo = {.resources_dir = resources};
	sk_acl *acl = NULL;
	sk_status st = t_load(acl_json, &lo, &acl, NULL, &t->err);
	if (st)
		fail_msg("load: %s", t->err.msg);
	st = sk_program_compile(acl, eo, &t->p, &t->err);
	if (st)
		fail_msg("compile: %s", t->err.msg);
	assert_int_equal(sk_scratch_create(t->p, &t->s), SK_OK);
	t->a = sk_arena_create(4096, 0);
	assert_non_null(t->a);
}

static inline void t_open(tctx *t, const char *acl_json)
{
	t_open_opts(t, acl_json, T_RES, NULL);
}

static inline void t_close(tctx *t)
{
	sk_scratch_free(t->s);
	sk_program_free(t->p);
	sk_arena_destroy(t->a);
	memset(t, 0, sizeof *t);
}

/* Builds the request from a JSON line into a fresh arena. */
static inline sk_request *t_request(tctx *t, const char *req_json)
{
	sk_arena_reset(t->a);
	sk_request_init(&t->req, t->a);
	char *j = t_dq(req_json);
	sk_status st = sk_request_from_json(j, strlen(j), &t->req, &t->err);
	free(j);
	if (st)
		fail_msg("request: %s", t->err.msg);
	return &t->req;
}

/* Evaluates the request already built in t->req. */
static inline const sk_verdict *t_eval_req(tctx *t, int64_t now)
{
	if (sk_evaluate(t->p, t->s, &t->req, now, &t->v, &t->err))
		fail_msg("evaluate: %s", t->err.msg);
	return &t->v;
}

static inline const sk_verdict *t_eval_at(tctx *t, const char *req_json, int64_t now)
{
	t_request(t, req_json);
	return t_eval_req(t, now);
}

static inline const sk_verdict *t_eval(tctx *t, const char *req_json)
{
	return t_eval_at(t, req_json, T_NOW);
}

/* A web ACL (default Allow) with one rule "r" that blocks on stmt. */
static inline char *t_acl1(const char *stmt)
{
	static const char head[] = "{`Name`:`t`,`DefaultAction`:{`Allow`:{}},"
	                           "`AssociationConfig`:{`RequestBody`:{`CLOUDFRONT`:"
	                           "{`DefaultSizeInspectionLimit`:`KB_16`}}},"
	                           "`Rules`:[{`Name`:`r`,`Priority`:0,`Statement`:";
	static const char tail[] = ",`Action`:{`Block`:{}}}]}";
	size_t n = sizeof head + strlen(stmt) + sizeof tail;
	char *s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%s%s%s", head, stmt, tail);
	return s;
}

/* Compiles a one-rule ACL and opens it. */
static inline void t_open1(tctx *t, const char *stmt)
{
	char *acl = t_acl1(stmt);
	t_open(t, acl);
	free(acl);
}

/* True when the request makes the one rule of a t_open1 ACL block. */
static inline bool t_blocks(tctx *t, const char *req_json)
{
	const sk_verdict *v = t_eval(t, req_json);
	return v->action == SK_ACT_BLOCK;
}

/* One statement, one request: does it match? Compiles each time. */
static inline bool t_match(const char *stmt, const char *req_json)
{
	tctx t;
	t_open1(&t, stmt);
	bool r = t_blocks(&t, req_json);
	t_close(&t);
	return r;
}

/* Expects loading to fail; returns the message (static buffer). */
static inline const char *t_load_error(const char *acl_json, const char *resources)
{
	static sk_error err;
	memset(&err, 0, sizeof err);
	sk_load_options lo = {.resources_dir = resources};
	sk_acl *acl = NULL;
	sk_status st = t_load(acl_json, &lo, &acl, NULL, &err);
	if (st == SK_OK) {
		sk_acl_free(acl);
		fail_msg("expected a load error for %s", acl_json);
	}
	assert_null(acl);
	return err.msg;
}

static inline bool t_has_label(const sk_verdict *v, const char *label)
{
	for (size_t i = 0; i < v->nlabels; i++)
		if (strcmp(v->labels[i], label) == 0)
			return true;
	return false;
}

static inline const sk_rule_match *t_terminating(const sk_verdict *v)
{
	return v->terminating >= 0 ? &v->matches[v->terminating] : NULL;
}

#define assert_contains(hay, needle)                                                               \
	do {                                                                                       \
		const char *h_ = (hay), *n_ = (needle);                                            \
		if (!h_ || !strstr(h_, n_))                                                        \
			fail_msg("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", n_);        \
	} while (0)

#endif
