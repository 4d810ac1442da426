/* Web ACL loader and compiler: any bytes must give an ACL or one clear
 * error, never a crash or a leak. Inputs that load are also compiled and
 * evaluated against one request. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "waf/engine.h"
#include "waf/loader.h"

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
	if (sk_acl_load("fuzz.json", (const char *)data, size, &opt, &acl, &warnings, &err) == SK_OK) {
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
			sk_verdict v;
			if (a && sk_scratch_create(p, &s) == SK_OK) {
				sk_request_init(&req, a);
				if (sk_request_from_json(req_json, strlen(req_json), &req, &err) == SK_OK)
					if (sk_evaluate(p, s, &req, 1700000000000, &v, &err))
						v.action = SK_ACT_ALLOW; /* an error answer is fine here */
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
