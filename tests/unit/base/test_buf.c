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

static void put_strs_and_numbers(void **state)
{
	(void)state;
	sk_buf b;
	sk_buf_init(&b, 12);
	sk_str parts[] = {SK_STR_LIT("GET"), SK_STR_LIT(" "), SK_STR_NULL, SK_STR_LIT("/x")};
	assert_int_equal(sk_buf_put_strs(&b, parts, 4), SK_OK);
	assert_string_equal((char *)b.p, "GET /x");
	/* all or nothing at the cap */
	sk_str more[] = {SK_STR_LIT(" HTTP/1.1"), SK_STR_LIT("\r\n")};
	assert_int_equal(sk_buf_put_strs(&b, more, 2), SK_E_LIMIT);
	assert_int_equal(b.n, 6);
	sk_buf_free(&b);

	char t[SK_U64_TEXT];
	assert_int_equal(sk_u64_text(0, 10, t), 1);
	assert_string_equal(t, "0");
	assert_int_equal(sk_u64_text(18446744073709551615u, 10, t), 20);
	assert_string_equal(t, "18446744073709551615");
	assert_int_equal(sk_u64_text(0xbeef, 16, t), 4);
	assert_string_equal(t, "beef");
	assert_int_equal(sk_u64_text(18446744073709551615u, 16, t), 16);
	assert_string_equal(t, "ffffffffffffffff");

	char c[4];
	sk_cstr_copy(c, sizeof c, "10.0.0.1", 8);
	assert_string_equal(c, "10.");
	sk_cstr_copy(c, sizeof c, "ab", 2);
	assert_string_equal(c, "ab");
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
		cmocka_unit_test(put_strs_and_numbers),
		cmocka_unit_test(read_missing_file_names_it),
		cmocka_unit_test(base64_round_trip_and_strictness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
