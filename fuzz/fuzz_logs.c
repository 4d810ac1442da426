/* Fuzz target for the log readers of sekisho replay (src/ops/replay.c):
 * the input as one line in every format, and as a HAR document; whatever
 * they return must make a request or a clear error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"
#include "ops/replay.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

static void to_request(json_t *o)
{
	sk_arena *a = sk_arena_create(4096, 0);
	sk_request req;
	sk_request_init(&req, a);
	sk_error err = {0};
	if (sk_request_from_json_value(o, &req, &err) != SK_OK)
		CHECK(err.msg[0]);
	sk_arena_destroy(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1 << 16))
		return 0;
	char *copy = malloc(size ? size : 1); /* exact size: overreads are caught */
	memcpy(copy, data, size);
	for (int f = SK_LOG_AUTO; f <= SK_LOG_JSONL; f++) {
		if (f == SK_LOG_HAR)
			continue;
		sk_log_format fmt = (sk_log_format)f;
		json_t *o = NULL;
		sk_error err = {0};
		sk_status st = sk_log_line(copy, size, &fmt, &o, &err);
		if (st == SK_OK) {
			CHECK(o != NULL);
			to_request(o);
			json_decref(o);
		} else if (st != SK_AGAIN) {
			CHECK(err.msg[0]);
		}
	}
	json_t *all = NULL;
	sk_error err = {0};
	if (sk_log_har(copy, size, &all, &err) == SK_OK) {
		size_t i;
		json_t *o;
		json_array_foreach(all, i, o) to_request(o);
		json_decref(all);
	} else {
		CHECK(err.msg[0]);
	}
	free(copy);
	return 0;
}
