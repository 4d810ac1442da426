/* The public API (include/sekisho/sekisho.h) over the engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sekisho/sekisho.h>

#include "waf/engine.h"
#include "waf/loader.h"
#include "waf/report.h"

struct sk_waf {
	sk_program *prog;
};

struct sk_waf_worker {
	const sk_waf *waf;
	sk_scratch *scratch;
	sk_arena *arena;
};

int sk_waf_load(const char *acl_path, const char *resources_dir, sk_waf **out, char *err,
                size_t err_len)
{
	sk_load_options lo = {.resources_dir = resources_dir};
	sk_error e = {0};
	sk_acl *acl;
	*out = NULL;
	sk_waf *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	if (sk_acl_load_file(acl_path, &lo, &acl, NULL, &e) ||
	    sk_program_compile(acl, NULL, &w->prog, &e)) {
		snprintf(err, err_len, "%s", e.msg);
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

void sk_waf_free(sk_waf *waf)
{
	if (waf) {
		sk_program_free(waf->prog);
		free(waf);
	}
}

int sk_waf_worker_create(const sk_waf *waf, sk_waf_worker **out)
{
	sk_waf_worker *w = calloc(1, sizeof *w);
	*out = NULL;
	if (!w)
		return -1;
	w->waf = waf;
	w->arena = sk_arena_create(64 << 10, 0);
	if (!w->arena || sk_scratch_create(waf->prog, &w->scratch)) {
		sk_waf_worker_free(w);
		return -1;
	}
	*out = w;
	return 0;
}

void sk_waf_worker_free(sk_waf_worker *w)
{
	if (w) {
		sk_scratch_free(w->scratch);
		sk_arena_destroy(w->arena);
		free(w);
	}
}

int sk_waf_check_http(sk_waf_worker *w, const void *msg, size_t len, const char *client_ip,
                      sk_waf_result *out)
{
	memset(out, 0, sizeof *out);
	sk_arena_reset(w->arena);
	sk_request req;
	sk_request_init(&req, w->arena);
	if (client_ip)
		snprintf(req.client_ip, sizeof req.client_ip, "%s", client_ip);
	sk_http_limits lim;
	sk_http_limits_default(&lim);
	sk_error e = {0};
	size_t used;
	sk_status st = sk_http_parse_request(msg, len, 0, &lim, &req, &used, &e);
	if (st) {
		snprintf(out->reason, sizeof out->reason, "%s",
		         st == SK_AGAIN ? "incomplete HTTP request" : e.msg);
		return -1;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	sk_verdict v;
	if (sk_evaluate(w->waf->prog, w->scratch, &req,
	                (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, &v, &e)) {
		snprintf(out->reason, sizeof out->reason, "%s", e.msg);
		return -1;
	}
	out->action = v.action == SK_ACT_BLOCK       ? SK_WAF_BLOCK
	              : v.action == SK_ACT_CAPTCHA   ? SK_WAF_CAPTCHA
	              : v.action == SK_ACT_CHALLENGE ? SK_WAF_CHALLENGE
	                                             : SK_WAF_ALLOW;
	out->status = v.status;
	const sk_rule_match *t = v.terminating >= 0 ? &v.matches[v.terminating] : NULL;
	snprintf(out->rule, sizeof out->rule, "%s%s%s", t ? t->rule->name : "Default_Action",
	         t && t->group_rule ? "/" : "", t && t->group_rule ? t->group_rule->name : "");
	sk_buf b;
	sk_buf_init(&b, sizeof out->reason - 1);
	for (size_t i = 0; t && i < t->nhits; i++)
		if ((i && sk_buf_puts(&b, "; ")) || sk_explain_hit(&t->hits[i], &b))
			break;
	if (b.n)
		memcpy(out->reason, b.p, b.n);
	sk_buf_free(&b);
	return 0;
}
