/* sk_detect_base64: attacks caught at both levels, benign text passed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

static const char *const attacks[] = {
    "PDxzY3IAaXB0L3NyYz1odHRwOi8veHNzLmNvbS94c3MuanM+PC9zY3JpcHQ",
    "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg",
    "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "/PGJvZHkgb25sb2FkPWFsZXJ0KCd0ZXN0MScpPg",
    "JyBPUiAxPTEtLQ",
    "Oy9iaW4vY2F0IC9ldGMvcGFzc3dk",
    "{\"data\": \"PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg\"}",
    "ZGIuaW5qZWN0aW9uLmluc2VydCh7c3VjY2VzczoxfSk7",
    "PCEtLSNleGVjIGNtZD0ibHMiIC0tPg",
    "e3sxMzM3KjEzMzh9fQ",
    "Li4vLi4vLi4vZXRjL3Bhc3N3ZA",
};

static const char *const benign[] = {
    "aGVsbG8gd29ybGQ",
    "eyJyZXR1cm5UbyI6Ii9kYXNoYm9hcmQifQ",
    "dGhlIHF1aWNrIGJyb3duIGZveA==",
    "documentation",
    "/api/v1/users/12345",
    "abcdefghijklmnopqrstuvwxyz0123456789",
    "{\"token\": \"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\"}",
    "SGVsbG8sIFdvcmxkIQ",
    "Zm9vYmFy",
    "The quick brown fox jumps",
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg"
    "==",
};

static void check_list(const char *const *list, size_t count, int level, bool want)
{
	int bad = 0;
	for (size_t i = 0; i < count; i++) {
		sk_detect_match m;
		memset(&m, 0, sizeof m);
		const char *s = list[i];
		size_t n = strlen(s);
		bool got = sk_detect_base64((const uint8_t *)s, n, level, &m);
		if (got != want) {
			print_error("%s at level %d: %s (%s)\n", want ? "missed" : "false positive",
			            level, s, m.reason);
			bad++;
		} else if (got && (!m.reason[0] || m.off + m.len > n || m.len == 0)) {
			print_error("bad match span or reason: %s\n", s);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

#define COUNT(a) (sizeof a / sizeof a[0])

static void attacks_detected(void **state)
{
	(void)state;
	check_list(attacks, COUNT(attacks), 0, true);
	check_list(attacks, COUNT(attacks), 1, true);
}

static void benign_passes(void **state)
{
	(void)state;
	check_list(benign, COUNT(benign), 0, false);
	check_list(benign, COUNT(benign), 1, false);
}

static void empty_and_cut(void **state)
{
	(void)state;
	assert_false(sk_detect_base64(NULL, 0, 0, NULL));
	assert_false(sk_detect_base64((const uint8_t *)"", 0, 0, NULL));
	/* Every prefix of every attack is judged without reading past its end. */
	for (size_t i = 0; i < COUNT(attacks); i++) {
		size_t n = strlen(attacks[i]);
		for (size_t k = 0; k <= n; k++) {
			uint8_t *copy = malloc(k ? k : 1);
			memcpy(copy, attacks[i], k);
			sk_detect_match m;
			(void)sk_detect_base64(copy, k, 0, &m);
			free(copy);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(attacks_detected),
	    cmocka_unit_test(benign_passes),
	    cmocka_unit_test(empty_and_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
