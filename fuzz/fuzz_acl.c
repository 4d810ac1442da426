/* Web ACL loader and compiler: any bytes must give an ACL or one clear
 * error, never a crash or a leak. Inputs that load are also compiled and
 * evaluated against two requests in turn in one scratch: the values the
 * scratch then knows clean (src/waf/known.h) must change no verdict. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "waf/engine.h"
#include "waf/loader.h"

/* Whether two verdicts on one request say the same: action, rules, hits
 * and labels. */
static int same_verdict(const sk_verdict *a, const sk_verdict *b)
{
	if (a->action != b->action || a->terminating != b->terminating ||
	    a->nmatches != b->nmatches || a->nlabels != b->nlabels)
		return 0;
	for (size_t i = 0; i < a->nlabels; i++)
		if (strcmp(a->labels[i], b->labels[i]) != 0)
			return 0;
	for (size_t i = 0; i < a->nmatches; i++) {
		const sk_rule_match *x = &a->matches[i], *y = &b->matches[i];
		if (x->rule != y->rule || x->group_rule != y->group_rule || x->nhits != y->nhits)
			return 0;
		for (size_t k = 0; k < x->nhits; k++) {
			const sk_hit *h = &x->hits[k], *g = &y->hits[k];
			if (h->stmt != g->stmt || h->off != g->off || h->len != g->len ||
			    h->value.n != g->value.n || h->name.n != g->name.n ||
			    (h->value.n && memcmp(h->value.p, g->value.p, h->value.n) != 0) ||
			    (h->name.n && memcmp(h->name.p, g->name.p, h->name.n) != 0))
				return 0;
		}
	}
	return 1;
}

/* Two requests that share some values (the User-Agent, a cookie, an
 * argument) and differ in others, one with a body. */
static const char *const requests[2] = {
    "{\"method\":\"POST\",\"path\":\"/a/../b?x=1&y=%27or+1=1\","
    "\"headers\":{\"User-Agent\":\"t\",\"Cookie\":\"c=1\",\"Content-Type\":"
    "\"application/json\"},\"body\":\"{\\\"k\\\":[1,\\\"v\\\"]}\","
    "\"client_ip\":\"192.0.2.1\"}",
    "{\"method\":\"GET\",\"path\":\"/b?x=1&q=%3Cscript%3E\","
    "\"headers\":{\"User-Agent\":\"t\",\"Cookie\":\"c=1; d=<svg onload=x>\","
    "\"X-Forwarded-For\":\"198.51.100.7\"},\"client_ip\":\"192.0.2.1\"}"};

/* Evaluates the two requests in turn in one scratch, A B A B A, each an
 * hour after the one before (rate-based rules then count each in a window
 * of its own): each request's verdicts must agree, whatever the scratch
 * learnt of their values in between. An error answer is fine here. */
static void evaluate_each(const sk_program *p)
{
	sk_scratch *s = NULL;
	sk_arena *a[2] = {sk_arena_create(4096, 0), sk_arena_create(4096, 0)};
	sk_request req[2];
	sk_error err = {0};
	sk_verdict first[2];
	int have[2] = {0, 0}, judged[2] = {0, 0};
	if (a[0] && a[1] && sk_scratch_create(p, &s) == SK_OK)
		for (int k = 0; k < 2; k++) {
			sk_request_init(&req[k], a[k]);
			have[k] = sk_request_from_json(requests[k], strlen(requests[k]), &req[k],
			                               &err) == SK_OK;
		}
	for (int i = 0; s && i < 5; i++) {
		int k = i % 2;
		sk_verdict v;
		if (!have[k] ||
		    sk_evaluate(p, s, &req[k], 1700000000000 + 3600000 * (int64_t)i, &v, &err))
			continue;
		if (!judged[k]) {
			first[k] = v;
			judged[k] = 1;
		} else if (!same_verdict(&first[k], &v)) {
			abort();
		}
	}
	sk_scratch_free(s);
	sk_arena_destroy(a[0]);
	sk_arena_destroy(a[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sk_acl *acl = NULL;
	sk_error err = {0};
	sk_buf warnings, problems;
	sk_buf_init(&warnings, 1 << 16);
	sk_buf_init(&problems, 1 << 16);
	/* The first byte picks the search string encoding and collect mode. */
	sk_load_options opt = {.search_encoding = size ? (sk_search_encoding)(data[0] % 3) : 0,
	                       .problems = size && (data[0] & 4) ? &problems : NULL};
	if (sk_acl_load("fuzz.json", (const char *)data, size, &opt, &acl, &warnings, &err) ==
	    SK_OK) {
		sk_program *p = NULL;
		if (sk_program_compile(acl, NULL, &p, &err) == SK_OK) {
			evaluate_each(p);
			sk_program_free(p);
		}
	}
	sk_buf_free(&warnings);
	sk_buf_free(&problems);
	return 0;
}
