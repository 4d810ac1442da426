/* sk_detect_nosql: attacks caught at both levels, benign text passed. */
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
    "abc=0;var d=new Date(); do{c=new Date();}while(c-d<10000)",
    "/0;var d=new Date(); do{c=new Date();}while(c-d<10000)",
    "{\"q\": \"1; return this.password\"}",
    "user[$ne]=admin",
    "password[$gt]=",
    "{\"password\": {\"$ne\": null}}",
    "{'$where': 'sleep(100)'}",
    "true, $where: '99 == 88'",
    "', $or: [ {}, { 'a':'a",
    "{\"username\": {\"$regex\": \"^adm\"}}",
    "login[$nin][]=x",
    "db.users.insert({admin:1});",
    "db.dropDatabase()",
    "db.getCollection(\"users\")",
    "0;var d=new Date(); do{c=new Date();}while(c-d<10000)",
    "';return true;var a='",
    ";var date = new Date(); do{curDate = new Date();}while(curDate-date",
    "1; sleep(5000)",
    "{\"$expr\": {\"$function\": {\"body\": \"x\"}}}",
    "{ $accumulator: {} }",
};

static const char *const benign[] = {
    "note=see page 3; thanks for the help",
    "{\"css\": \"a { color: red; }\"}",
    "Price is $10, not $20",
    "echo $HOME; ls",
    "$text: #333; $size: 12px;",
    "a$b",
    "db.example.com",
    "see db.users for details",
    "x = 1; var y = 2",
    "hello; world is nice",
    "$ne",
    "the $where clause",
    "cost: $5",
    "{\"price\": 10, \"currency\": \"USD\"}",
    "for (i = 0; i < n; i++) { sum += i; }",
    "O'Brien; the man",
    "mydb.users.find",
    "$gtk_version: 3",
};

static void check_list(const char *const *list, size_t count, int level, bool want)
{
	int bad = 0;
	for (size_t i = 0; i < count; i++) {
		sk_detect_match m;
		memset(&m, 0, sizeof m);
		const char *s = list[i];
		size_t n = strlen(s);
		bool got = sk_detect_nosql((const uint8_t *)s, n, level, &m);
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
	assert_false(sk_detect_nosql(NULL, 0, 0, NULL));
	assert_false(sk_detect_nosql((const uint8_t *)"", 0, 0, NULL));
	/* Every prefix of every attack is judged without reading past its end. */
	for (size_t i = 0; i < COUNT(attacks); i++) {
		size_t n = strlen(attacks[i]);
		for (size_t k = 0; k <= n; k++) {
			uint8_t *copy = malloc(k ? k : 1);
			memcpy(copy, attacks[i], k);
			sk_detect_match m;
			(void)sk_detect_nosql(copy, k, 0, &m);
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
