/* Fuzz target for the text transformations. Byte 0 picks a transformation
 * (mod SK_TX__COUNT), byte 1 an optional second one applied to the first's
 * output (values of SK_TX__COUNT and above mean none), the rest is the
 * input. Beyond memory safety it checks properties every transformation
 * must keep, and aborts so libFuzzer saves the input when one breaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "waf/transform.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

/* Largest output t may give for n input bytes. */
static size_t out_bound(sk_transform t, size_t n)
{
	switch (t) {
	case SK_TX_MD5: return 16;
	case SK_TX_UTF8_TO_UNICODE: return 3 * n;
	case SK_TX_CSS_DECODE: return 3 * (n / 2) + 2;
	default: return n;
	}
}

/* Applying these twice must give what applying once gives. */
static int idempotent(sk_transform t)
{
	switch (t) {
	case SK_TX_NONE:
	case SK_TX_COMPRESS_WHITE_SPACE:
	case SK_TX_LOWERCASE:
	case SK_TX_CMD_LINE:
	case SK_TX_NORMALIZE_PATH:
	case SK_TX_NORMALIZE_PATH_WIN:
	case SK_TX_REMOVE_NULLS:
	case SK_TX_REPLACE_NULLS:
	case SK_TX_UTF8_TO_UNICODE: return 1;
	default: return 0;
	}
}

static sk_str apply_checked(sk_transform t, sk_str in, sk_arena *a)
{
	uint8_t *copy = malloc(in.n ? in.n : 1);
	CHECK(copy);
	if (in.n)
		memcpy(copy, in.p, in.n);
	sk_str out = SK_STR_NULL;
	CHECK(sk_transform_apply(t, in, a, &out) == SK_OK);
	CHECK(in.n == 0 || memcmp(copy, in.p, in.n) == 0); /* input never modified */
	free(copy);
	CHECK(out.n <= out_bound(t, in.n));
	CHECK(out.n == 0 || out.p);
	for (size_t i = 0; i < out.n; i++) {
		uint8_t c = out.p[i];
		if (t == SK_TX_LOWERCASE || t == SK_TX_CMD_LINE)
			CHECK(!(c >= 'A' && c <= 'Z'));
		if (t == SK_TX_REMOVE_NULLS || t == SK_TX_REPLACE_NULLS)
			CHECK(c != 0);
	}
	if (t == SK_TX_MD5)
		CHECK(out.n == 16);
	if (t == SK_TX_REPLACE_NULLS || t == SK_TX_LOWERCASE)
		CHECK(out.n == in.n);
	if (idempotent(t)) {
		sk_str again;
		CHECK(sk_transform_apply(t, out, a, &again) == SK_OK);
		CHECK(sk_str_eq(again, out));
	}
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	sk_transform t1 = (sk_transform)(data[0] % SK_TX__COUNT);
	CHECK(sk_transform_from_name(sk_transform_name(t1)) == (int)t1);
	sk_arena *a = sk_arena_create(4096, 0);
	CHECK(a);
	sk_str s = apply_checked(t1, sk_str_make(data + 2, size - 2), a);
	if (data[1] < SK_TX__COUNT)
		(void)apply_checked((sk_transform)data[1], s, a);
	/* The evaluator hands one URL decoding's output to the other's lane
	 * on the word of sk_url_decode_uni_same(). */
	sk_str in = sk_str_make(data + 2, size - 2), plain, uni;
	if (sk_url_decode_uni_same(in)) {
		CHECK(sk_transform_apply(SK_TX_URL_DECODE, in, a, &plain) == SK_OK);
		CHECK(sk_transform_apply(SK_TX_URL_DECODE_UNI, in, a, &uni) == SK_OK);
		CHECK(sk_str_eq(plain, uni));
	}
	sk_arena_destroy(a);
	return 0;
}
