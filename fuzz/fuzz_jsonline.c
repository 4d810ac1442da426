/* Fuzz target for requests read from JSON lines, then every decoded view
 * of them (query, cookies, form, multipart, JSON body). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sk_arena *a = sk_arena_create(4096, (size_t)64 << 20);
	CHECK(a);
	sk_request req;
	sk_request_init(&req, a);
	sk_error err;
	err.msg[0] = 0;
	sk_status st = sk_request_from_json((const char *)data, size, &req, &err);
	if (st == SK_OK) {
		CHECK(req.method.p && req.target.p && req.version.n == 8);
		CHECK(req.path.n + req.query.n + req.fragment.n <= req.target.n + 1);
		CHECK(memchr(req.client_ip, 0, sizeof req.client_ip));
		const sk_pair *pv;
		const sk_part *parts;
		const sk_json_item *items;
		size_t n;
		bool valid, found;
		(void)sk_request_args(&req, &pv, &n);
		(void)sk_request_cookies(&req, &pv, &n);
		(void)sk_request_form(&req, &pv, &n);
		(void)sk_request_parts(&req, &parts, &n, &valid);
		if (sk_request_json(&req, &items, &n, &valid) == SK_OK)
			for (size_t i = 0; i < n; i++) {
				CHECK(items[i].text.n <= req.body.n || items[i].text.n <= 32);
				CHECK(items[i].pointer.p &&
				      (items[i].pointer.n ? items[i].pointer.p[0] == '/'
				                          : !items[i].is_key && n == 1));
			}
		(void)sk_request_body_kind(&req);
		(void)sk_request_header(&req, "host", &found);
	} else {
		CHECK(err.msg[0] != 0);
	}
	sk_arena_destroy(a);
	return 0;
}
