/* The shared shape of the detector tests that are lists: every attack is
 * caught at both levels with a sane match span and a reason, no benign
 * text is, and every prefix of an attack is judged without reading past
 * its end (exact-size copies, so ASan sees any overread). A test file
 * defines attacks[] and benign[] and calls LIST_TESTS(fn). */
#ifndef SK_TEST_DETECT_LISTS_H
#define SK_TEST_DETECT_LISTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

typedef bool (*detect_fn)(const uint8_t *p, size_t n, int level, sk_detect_match *m);

#define COUNT(a) (sizeof a / sizeof a[0])

static inline void check_list(detect_fn fn, const char *const *list, size_t count, int level,
                              bool want)
{
	int bad = 0;
	for (size_t i = 0; i < count; i++) {
		sk_detect_match m;
		memset(&m, 0, sizeof m);
		const char *s = list[i];
		size_t n = strlen(s);
		bool got = fn((const uint8_t *)s, n, level, &m);
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

static inline void check_prefixes(detect_fn fn, const char *const *list, size_t count)
{
	assert_false(fn(NULL, 0, 0, NULL));
	assert_false(fn((const uint8_t *)"", 0, 0, NULL));
	for (size_t i = 0; i < count; i++) {
		size_t n = strlen(list[i]);
		for (size_t k = 0; k <= n; k++) {
			uint8_t *copy = malloc(k ? k : 1);
			memcpy(copy, list[i], k);
			sk_detect_match m;
			(void)fn(copy, k, 0, &m);
			free(copy);
		}
	}
}

/* The three tests and main() of a list test file. */
#define LIST_TESTS(fn)                                                                             \
	static void attacks_detected(void **state)                                                 \
	{                                                                                          \
		(void)state;                                                                       \
		check_list(fn, attacks, COUNT(attacks), 0, true);                                  \
		check_list(fn, attacks, COUNT(attacks), 1, true);                                  \
	}                                                                                          \
	static void benign_passes(void **state)                                                    \
	{                                                                                          \
		(void)state;                                                                       \
		check_list(fn, benign, COUNT(benign), 0, false);                                   \
		check_list(fn, benign, COUNT(benign), 1, false);                                   \
	}                                                                                          \
	static void empty_and_cut(void **state)                                                    \
	{                                                                                          \
		(void)state;                                                                       \
		check_prefixes(fn, attacks, COUNT(attacks));                                       \
	}                                                                                          \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests[] = {                                                \
		    cmocka_unit_test(attacks_detected),                                            \
		    cmocka_unit_test(benign_passes),                                               \
		    cmocka_unit_test(empty_and_cut),                                               \
		};                                                                                 \
		return cmocka_run_group_tests(tests, NULL, NULL);                                  \
	}

#endif
