#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "lists.h"

/* ---- SSRF_METADATA ---- */

static const char *const ssrf_attacks[] = {
    "http://169.254.169.254/latest/meta-data/",
    "169.254.169.254",
    "url=http://169.254.169.254/latest/user-data",
    "http://2852039166/latest/meta-data/",
    "http://0251.0376.0251.0376/",
    "http://025177524776/",
    "http://0xa9fea9fe/",
    "0xA9FEA9FE",
    "http://0xA9.0xFE.0xA9.0xFE/",
    "http://169.254.43518/",
    "http://169.16689662/",
    "http://0xa9.254.0251.0xfe/",
    "http://0x00a9.0xfe.0xa9.0xfe/",
    "http://0000251.0376.0251.0376/",
    "http://169.254.169.254./",
    "http://user:pass@169.254.169.254/",
    "http://x@2852039166/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[0:0:0:0:0:ffff:a9fe:a9fe]/",
    "http://[::169.254.169.254]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:a9fe:a9fe::]/",
    "http://[::ffff:169.254.169.254]:80/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "fd00:ec2::254",
    "http://169.254.170.2/v2/credentials/abc",
    "http://169.254.170.23/v1/credentials",
    "http://100.100.100.200/latest/meta-data/",
    "http://192.0.0.192/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "metadata.google.internal",
    "http://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/",
    "http://metadata/computeMetadata/v1/instance/",
    "http://metadata.goog/computeMetadata/v1/",
    "http://169.254.169.254/metadata/instance?api-version=2021-02-01",
    "http://instance-data/latest/meta-data/",
    "instance-data.ec2.internal",
    "http://169.254.169.254.nip.io/",
    "http://169-254-169-254.sslip.io/",
    "http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F",
    "http://169%2e254%2e169%2e254/",
    "http://%31%36%39.254.169.254/",
    "http://169%252e254%252e169%252e254/",
    "http://\xef\xbc\x91\xef\xbc\x96\xef\xbc\x99.254.169.254/", /* fullwidth 169 */
    "http://169\xe3\x80\x82"
    "254\xe3\x80\x82"
    "169\xe3\x80\x82"
    "254/",                                                     /* ideographic stops */
    "http://\xe2\x91\xa0\xe2\x91\xa5\xe2\x91\xa8.254.169.254/", /* circled 169 */
    "/latest/meta-data/iam/security-credentials/",
    "http://rebind.example/latest/meta-data/iam/security-credentials/role",
    "{\"url\":\"http://169.254.169.254/latest/api/token\"}",
    "gopher://169.254.169.254:80/_GET",
    "//169.254.169.254/",
};

static const char *const ssrf_benign[] = {
    "http://192.0.2.1/",
    "10.0.0.1",
    "https://app.example.com/cb",
    "The link-local range starts at 169.254 and is used when DHCP fails.",
    "The score was 169.254 points",
    "Call us at 285-203-9166",
    "phone 2852039166",
    "order 2852039166 shipped",
    "Version 169.254.169.2545",
    "1.169.254.169.254",
    "v169.254.169.254",
    "169.254.169.254.1",
    "IP 192.168.1.1 is the router",
    "metadata for the album",
    "instance data is stored in RAM",
    "Use the metadata field to attach data.",
    "computeMetadata is a word",
    "The meta-data tag",
    "see latest news",
    "fd00::1",
    "12:30:45",
    "aa:bb:cc:dd:ee:ff",
    "::1",
    "2001:db8::1",
    "[::ffff:192.0.2.1]",
    "0x1234",
    "100.100.100.201",
    "169.254.169.253 is the DNS resolver",
    "the file 0251.txt",
    "https://example.com/metadata/v2/items",
    "https://docs.example.com/metadata.html",
    "instance-data-2023.csv",
    "version 3.0.0 of the metadata library",
    "2852039166.0",
    "50% of 169254169254",
    "http://example.com/?id=169254169254",
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xef\xbc\x88\xe6\x8b\xac\xe5\xbc\xa7\xef\xbc\x89",
    "a9fe:a9fe",
    "fe80::a9fe:a9fe%25eth0",
    "Meeting at 16:9.254",
};

/* ---- REMOTE_FILE_INCLUSION ---- */

static const char *const rfi_attacks[] = {
    "http://1.2.3.4/shell.txt",
    "https://203.0.113.9/x.php?",
    "ftp://198.51.100.1/pub/a.txt",
    "FTPS://198.51.100.1/",
    "ftps://198.51.100.1",
    "file://10.0.0.5/share/x",
    "HTTP://1.2.3.4",
    "hTTp://5.6.7.8/",
    "http://google.com@1.2.3.4/",
    "http://user:pw@0x7f000001/",
    "http://2130706433/",
    "http://017700000001/",
    "http://127.1/",
    "http://0x7f.1/",
    "http://3232235777/admin",
    "//1.2.3.4/evil.txt",
    "url=//203.0.113.7/x.js",
    "page=http://1.2.3.4/x.txt?",
    "http:\\\\1.2.3.4\\x",
    "http:/1.2.3.4/x",
    "http:////1.2.3.4/x",
    "http%3A%2F%2F1.2.3.4%2Fx",
    "http%253A%252F%252F1.2.3.4%252Fx",
    "http://1.2.3.4:8080/x",
    "http://1.2.3.4./x",
    "http://[::ffff:1.2.3.4]/",
    "include=https://203.0.113.50/",
    "http://\xef\xbc\x91.\xef\xbc\x92.\xef\xbc\x93.\xef\xbc\x94/",
    "{\"u\": \"http://198.51.100.7/a\"}",
    "<a href=\"http://198.51.100.7/\">",
    "x=1&u=http://10.0.0.8/",
    "http://192.168.0.1/cgi-bin/x",
    "https://8.8.8.8",
    "ftp://anonymous:guest@203.0.113.4/",
    "http://0300.0250.0.1/",
    "http://0xc0.0xa8.0x00.0x01/",
    "http://192.168.257/",
    "http://0.0.0.0x0/",
    "http://127.0.0.1.:80/",
    "http://017700000001:80/x",
};

static const char *const rfi_benign[] = {
    "https://app.example.com/cb",
    "redirect_uri=https://app.example.com/auth/complete",
    "The server 192.168.1.1 answers",
    "http://1.2.3.4.example.com/",
    "http://1e100.net/",
    "https://github.com/foo/bar/releases/1.2.3",
    "http://example.com/v1.2.3.4/",
    "http://123abc.example/",
    "Version 1.2.3.4 released",
    "// 10.0.0.1 is the gateway",
    "x // 10.0.0.1",
    "http://0xdeadbeef.com/",
    "see http://localhost:8080/",
    "mailto:a@b.c",
    "https://cdn.example.com/1.2.3/lib.js",
    "file:///home/user/doc.pdf",
    "ratio 1:2",
    "https://example.com/?ip=1.2.3.4",
    "https://example.com/1.2.3.4",
    "a//1.2.3.4",
    "///1.2.3.4",
    "//123/x",
    "ldap://1.2.3.4/",
    "gopher://1.2.3.4/",
    "xhttp://1.2.3.4/",
    "http://127.0.0.1:8080/",
    "Running 30s test @ http://127.0.0.1:8080/index.html",
    "http://0.0.0.0:8000/",
    "http://[2001:db8::1]/",
    "http://exa mple.com/",
    "https://1.2.3.4x.example/",
    "http://1.2.3.4a/",
    "https://example.com/download/file.php",
    "https://example.com/search?",
    "192.0.2.1:443",
    "http://",
    "http:",
    "http://@/",
    "https://user@example.com/",
    "see https://example.org/a?b=http%3A%2F%2Fexample.net",
};

static const char *const rfi_high_only[] = {
    "https://example.com/download/file.php",
    "https://example.com/search?",
    "http://127.0.0.1:8080/",
    "http://[2001:db8::1]/",
    "http://evil.example/shell.txt?",
};

static void ssrf_attacks_detected(void **state)
{
	(void)state;
	check_list(sk_detect_ssrf, ssrf_attacks, COUNT(ssrf_attacks), 0, true);
	check_list(sk_detect_ssrf, ssrf_attacks, COUNT(ssrf_attacks), 1, true);
}

static void ssrf_benign_passes(void **state)
{
	(void)state;
	check_list(sk_detect_ssrf, ssrf_benign, COUNT(ssrf_benign), 0, false);
}

static void ssrf_high(void **state)
{
	(void)state;
	static const char *const high_only[] = {"phone 2852039166", "http://169.254.1.1/",
	                                        "https://example.com/metadata/instance"};
	check_list(sk_detect_ssrf, high_only, COUNT(high_only), 0, false);
	check_list(sk_detect_ssrf, high_only, COUNT(high_only), 1, true);
}

static void rfi_attacks_detected(void **state)
{
	(void)state;
	check_list(sk_detect_rfi, rfi_attacks, COUNT(rfi_attacks), 0, true);
	check_list(sk_detect_rfi, rfi_attacks, COUNT(rfi_attacks), 1, true);
}

static void rfi_benign_passes(void **state)
{
	(void)state;
	check_list(sk_detect_rfi, rfi_benign, COUNT(rfi_benign), 0, false);
}

static void rfi_high(void **state)
{
	(void)state;
	check_list(sk_detect_rfi, rfi_high_only, COUNT(rfi_high_only), 0, false);
	check_list(sk_detect_rfi, rfi_high_only, COUNT(rfi_high_only), 1, true);
}

static void reasons_and_offsets(void **state)
{
	(void)state;
	sk_detect_match m;
	const char *s = "next=http://0251.0376.0251.0376/latest";
	assert_true(sk_detect_ssrf((const uint8_t *)s, strlen(s), 0, &m));
	assert_non_null(strstr(m.reason, "169.254.169.254"));
	assert_int_equal(m.off, 12);
	assert_int_equal(m.len, 19);

	s = "u=http%3A%2F%2F169%252e254%252e169%252e254%2F";
	assert_true(sk_detect_ssrf((const uint8_t *)s, strlen(s), 0, &m));
	assert_non_null(strstr(m.reason, "percent-decoding 2 times"));
	assert_memory_equal(s + m.off, "169%252e", 8);
	assert_memory_equal(s + m.off + m.len - 3, "254", 3);

	s = "x http://google.com@2130706433/";
	assert_true(sk_detect_rfi((const uint8_t *)s, strlen(s), 0, &m));
	assert_non_null(strstr(m.reason, "127.0.0.1"));
	assert_non_null(strstr(m.reason, "userinfo"));
	assert_memory_equal(s + m.off, "http://", 7);
}

static void empty_and_length(void **state)
{
	(void)state;
	assert_false(sk_detect_ssrf(NULL, 0, 0, NULL));
	assert_false(sk_detect_rfi(NULL, 0, 0, NULL));
	assert_false(sk_detect_ssrf((const uint8_t *)"", 0, 0, NULL));
	/* only the first 10 bytes count: "169.254.16" */
	assert_false(sk_detect_ssrf((const uint8_t *)"169.254.169.254", 10, 0, NULL));
	assert_false(sk_detect_rfi((const uint8_t *)"http://1.2.3.4/", 5, 0, NULL));
}

static void found_anywhere(void **state)
{
	(void)state;
	static char buf[12000];
	for (size_t pad = 0; pad < 6000; pad += 397) {
		size_t o = 0;
		for (size_t i = 0; i < pad; i++)
			buf[o++] = "text 1.2 %20 here. "[i % 19];
		static const char tail[] = " http%3A//0xa9fea9fe/ ";
		memcpy(buf + o, tail, sizeof tail - 1);
		o += sizeof tail - 1;
		if (!sk_detect_ssrf((const uint8_t *)buf, o, 0, NULL))
			fail_msg("ssrf missed after %zu bytes", pad);
		if (!sk_detect_rfi((const uint8_t *)buf, o, 0, NULL))
			fail_msg("rfi missed after %zu bytes", pad);
	}
}

/* The prefilter reads 64 bytes a step: an address, an IPv6 literal or a
 * name is found wherever it falls, across a step too, at the same place
 * as in the value alone. */
static void found_at_every_offset(void **state)
{
	(void)state;
	static const char *const needles[] = {"http://169.254.169.254/",
	                                      "http://0xa9fea9fe/",
	                                      "fd00:ec2::254",
	                                      "http://[::ffff:a9fe:a9fe]/",
	                                      "http://metadata.google.internal/",
	                                      "http://instance-data/latest/meta-data/",
	                                      "http://169-254-169-254.sslip.io/"};
	char buf[256];
	for (size_t k = 0; k < COUNT(needles); k++) {
		size_t l = strlen(needles[k]);
		for (size_t pad = 0; pad < 140; pad++) {
			for (size_t i = 0; i < pad; i++)
				buf[i] = "see a date 12: data "[i % 20];
			if (pad)
				buf[pad - 1] = ' ';
			memcpy(buf + pad, needles[k], l);
			sk_detect_match m;
			if (!sk_detect_ssrf((const uint8_t *)buf, pad + l, 0, &m))
				fail_msg("'%s' missed after %zu bytes", needles[k], pad);
			assert_true(m.off >= pad && m.off + m.len <= pad + l);
		}
	}
}

static void large_input_is_bounded(void **state)
{
	(void)state;
	static uint8_t big[1 << 20];
	static const char *const fill[] = {"http://", "1.",          "::",       "da",       "%25",
	                                   "0x",      "http://a/b?", "169.254.", "metadata."};
	for (size_t f = 0; f < COUNT(fill); f++) {
		size_t l = strlen(fill[f]);
		for (size_t i = 0; i < sizeof big; i++)
			big[i] = (uint8_t)fill[f][i % l];
		for (int level = 0; level < 2; level++) {
			(void)sk_detect_ssrf(big, sizeof big, level, NULL);
			(void)sk_detect_rfi(big, sizeof big, level, NULL);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ssrf_attacks_detected),
	    cmocka_unit_test(ssrf_benign_passes),
	    cmocka_unit_test(ssrf_high),
	    cmocka_unit_test(rfi_attacks_detected),
	    cmocka_unit_test(rfi_benign_passes),
	    cmocka_unit_test(rfi_high),
	    cmocka_unit_test(reasons_and_offsets),
	    cmocka_unit_test(empty_and_length),
	    cmocka_unit_test(found_anywhere),
	    cmocka_unit_test(found_at_every_offset),
	    cmocka_unit_test(large_input_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
