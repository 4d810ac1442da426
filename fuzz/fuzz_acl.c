/* Web ACL loader and compiler: any bytes must give an ACL or one clear
 * error, never a crash or a leak. Inputs that load are also compiled and
 * evaluated against one request, three times in one scratch: the values
 * the scratch then knows clean (src/waf/known.h) must change no verdict. */
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
			sk_scratch *s = NULL;
			sk_arena *a = sk_arena_create(4096, 0);
			static const char req_json[] =
			    "{\"method\":\"POST\",\"path\":\"/a/../b?x=1&y=%27or+1=1\","
			    "\"headers\":{\"User-Agent\":\"t\",\"Cookie\":\"c=1\",\"Content-Type\":"
			    "\"application/json\"},\"body\":\"{\\\"k\\\":[1,\\\"v\\\"]}\","
			    "\"client_ip\":\"192.0.2.1\"}";
			sk_request req;
			sk_verdict v[3];
			int ok[3] = {0, 0, 0};
			if (a && sk_scratch_create(p, &s) == SK_OK) {
				sk_request_init(&req, a);
				if (sk_request_from_json(req_json, strlen(req_json), &req, &err) ==
				    SK_OK)
					/* an error answer is fine here; an hour apart,
					 * so that rate-based rules count each run in a
					 * window of its own */
					for (int i = 0; i < 3; i++)
						ok[i] = sk_evaluate(p, s, &req,
						                    1700000000000 +
						                        3600000 * (int64_t)i,
						                    &v[i], &err) == SK_OK;
				for (int i = 1; i < 3; i++)
					if (ok[0] && ok[i] && !same_verdict(&v[0], &v[i]))
						abort();
			}
			sk_scratch_free(s);
			sk_arena_destroy(a);
			sk_program_free(p);
		}
	}
	sk_buf_free(&warnings);
	sk_buf_free(&problems);
	return 0;
}
