#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/base64.h"
#include "base/buf.h"

static void append_respects_cap(void **state)
{
	(void)state;
	sk_buf b;
	sk_buf_init(&b, 10);
	assert_int_equal(sk_buf_append(&b, "12345", 5), SK_OK);
	assert_int_equal(sk_buf_printf(&b, "%d", 6789), SK_OK);
	assert_int_equal(b.n, 9);
	assert_int_equal(sk_buf_append(&b, "ab", 2), SK_E_LIMIT);
	assert_string_equal((char *)b.p, "123456789");
	sk_buf_free(&b);
}

static void read_missing_file_names_it(void **state)
{
	(void)state;
	sk_buf b;
	sk_error err = {0};
	sk_buf_init(&b, 100);
	assert_int_equal(sk_buf_read_file(&b, "/nonexistent/x.json", &err), SK_E_IO);
	assert_non_null(strstr(err.msg, "/nonexistent/x.json"));
	sk_buf_free(&b);
}

static void base64_round_trip_and_strictness(void **state)
{
	(void)state;
	uint8_t out[64];
	size_t n;
	char enc[64];
	assert_true(sk_base64_decode("Zm9vYmFy", 8, out, &n));
	assert_int_equal(n, 6);
	assert_memory_equal(out, "foobar", 6);
	assert_true(sk_base64_decode("Zm8=", 4, out, &n));
	assert_int_equal(n, 2);
	assert_false(sk_base64_decode("Zm8", 3, out, &n));
	assert_false(sk_base64_decode("Zm=8", 4, out, &n));
	assert_false(sk_base64_decode("Zm9v!mFy", 8, out, &n));
	sk_base64_encode((const uint8_t *)"\0\xff", 2, enc);
	assert_string_equal(enc, "AP8=");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(append_respects_cap),
		cmocka_unit_test(read_missing_file_names_it),
		cmocka_unit_test(base64_round_trip_and_strictness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
