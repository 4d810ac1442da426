/* sk_detect_header_injection: attacks caught at both levels, benign text passed. */
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
    "%0d%0aSet-Cookie:crlf=injection",
    "\r\nSet-Cookie: a=b",
    "/x\nLocation: http://evil.example/",
    "me@example.com\r\nBcc: everyone@example.com",
    "Hello\r\nCc: a@evil.example",
    "\r\nV100 CAPABILITY\r\nV101 FETCH 4791",
    "\r\nQUIT\r\n",
    "\nRCPT TO: test@evil.com\n",
    "%0aSet-cookie:crlf=injection",
    "%0A%0DSet-cookie:crlf=injection",
    "\xe5\x98\x8dSet-cookie:crlf=injection",
    "a\r\n\r\nHTTP/1.1 200 OK",
    "x\r\nMAIL FROM:<a@b>",
    "\nContent-Length: 0",
    "a\nA1 LOGIN user pass",
};

static const char *const benign[] = {
    "line one\nline two",
    "Dear team,\nThanks for the help.\nRegards",
    "Notes:\nTo: do list",
    "Hello\nSubject: my order",
    "A long comment that goes on for a while and explains the situation in some detail, more than "
    "one line would hold in a form field.\nFrom: the docs\nTo: you",
    "Steps:\n1. quit the app\n2. restart",
    "First\nData\nmore",
    "50%0 off",
    "Set-Cookie: in text",
    "\xe5\x98\x8d Chinese text",
    "Summary:\nDATA is important",
    "status\nHTTP is a protocol",
    "\nLocation of the office: Paris",
    "a\nList of items",
    "\nquit smoking",
};

static void check_list(const char *const *list, size_t count, int level, bool want)
{
	int bad = 0;
	for (size_t i = 0; i < count; i++) {
		sk_detect_match m;
		memset(&m, 0, sizeof m);
		const char *s = list[i];
		size_t n = strlen(s);
		bool got = sk_detect_header_injection((const uint8_t *)s, n, level, &m);
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
	assert_false(sk_detect_header_injection(NULL, 0, 0, NULL));
	assert_false(sk_detect_header_injection((const uint8_t *)"", 0, 0, NULL));
	/* Every prefix of every attack is judged without reading past its end. */
	for (size_t i = 0; i < COUNT(attacks); i++) {
		size_t n = strlen(attacks[i]);
		for (size_t k = 0; k <= n; k++) {
			uint8_t *copy = malloc(k ? k : 1);
			memcpy(copy, attacks[i], k);
			sk_detect_match m;
			(void)sk_detect_header_injection(copy, k, 0, &m);
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
