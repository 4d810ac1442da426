/* The public embedding API, used as an application would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sekisho/sekisho.h>

static const char acl[] =
	"{\"Name\":\"api\",\"DefaultAction\":{\"Allow\":{}},\"Rules\":[{\"Name\":\"no-admin\","
	"\"Priority\":1,\"Action\":{\"Block\":{}},\"Statement\":{\"ByteMatchStatement\":{"
	"\"SearchString\":\"/admin\",\"FieldToMatch\":{\"UriPath\":{}},\"TextTransformations\":"
	"[{\"Priority\":0,\"Type\":\"LOWERCASE\"}],\"PositionalConstraint\":\"STARTS_WITH\"}}}]}";

static void load_check_free(void **state)
{
	(void)state;
	char path[] = "/tmp/sekisho-api-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(acl, f);
	fclose(f);
	sk_waf *waf;
	sk_waf_worker *w;
	char err[512];
	assert_int_equal(sk_waf_load(path, NULL, &waf, err, sizeof err), 0);
	assert_int_equal(sk_waf_worker_create(waf, &w), 0);
	sk_waf_result r;
	const char ok[] = "GET /home HTTP/1.1\r\nHost: a\r\n\r\n";
	assert_int_equal(sk_waf_check_http(w, ok, strlen(ok), "192.0.2.1", &r), 0);
	assert_int_equal(r.action, SK_WAF_ALLOW);
	assert_string_equal(r.rule, "Default_Action");
	const char bad[] = "GET /Admin/x HTTP/1.1\r\nHost: a\r\n\r\n";
	assert_int_equal(sk_waf_check_http(w, bad, strlen(bad), NULL, &r), 0);
	assert_int_equal(r.action, SK_WAF_BLOCK);
	assert_int_equal(r.status, 403);
	assert_string_equal(r.rule, "no-admin");
	assert_non_null(strstr(r.reason, "starts with \"/admin\""));
	const char smuggle[] = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
			       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
	assert_int_equal(sk_waf_check_http(w, smuggle, strlen(smuggle), NULL, &r), -1);
	assert_true(r.reason[0] != 0);
	sk_waf_worker_free(w);
	sk_waf_free(waf);
	remove(path);
	assert_int_equal(sk_waf_load("/nonexistent.json", NULL, &waf, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent.json"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(load_check_free)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
