#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"

/* Flagged at LOW (and so at HIGH). */
static const char *const attacks[] = {
    "../../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "/static/img/../../etc/passwd",
    "images/../../../../etc/shadow",
    "../etc/passwd",
    "../../proc/self/environ",
    "../proc/self/cmdline",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%252e%252e%252fetc%252fpasswd",
    "%25252e%25252e%25252fetc%25252fgroup",
    "%%32%65%%32%65/%%32%65%%32%65/etc/passwd",
    "..%2f..%2f..%2fetc%2fhostname",
    "..%252f..%252fwindows%252fwin.ini",
    "..%c0%af..%c0%af..%c0%afetc/passwd",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "\xc0\xae\xc0\xae\xc0\xaf\xc0\xae\xc0\xae\xc0\xaf"
    "etc\xc0\xafpasswd",
    "%e0%80%ae%e0%80%ae/%e0%80%ae%e0%80%ae/boot.ini",
    "..%c1%9c..%c1%9cwindows%c1%9cwin.ini",
    "%u002e%u002e%u2215%u002e%u002e%u2215etc%u2215passwd",
    "..%u2216..%u2216boot.ini",
    "\xef\xbc\x8e\xef\xbc\x8e\xef\xbc\x8f\xef\xbc\x8e\xef\xbc\x8e\xef\xbc\x8f"
    "etc/passwd",
    "....//....//....//etc/passwd",
    "..././..././etc/issue",
    "..;/..;/WEB-INF/web.xml",
    "/app/..;/admin/../../../etc/hosts",
    "..%00/..%00/etc/passwd",
    "../../../etc/passwd%00.png",
    "..\\/..\\/..\\/etc\\/passwd",
    ".%2e/.%2e/.%2e/etc/motd",
    "../WEB-INF/web.xml",
    "..\\..\\inetpub\\wwwroot\\web.config",
    "../.env",
    "../.git/config",
    "../../../home/deploy/.aws/credentials",
    "../../../../users/administrator/ntuser.dat",
    "../../../../var/log/nginx/error.log",
    "../../../../etc/passwd::$DATA",
    "..\\..\\..\\windows\\win.ini.",
    "/etc/passwd",
    "/etc/shadow",
    "/proc/self/environ",
    "/proc/version",
    "/root/.ssh/id_rsa",
    "/home/ubuntu/.ssh/authorized_keys",
    "~/.ssh/id_ed25519",
    "/root/.bash_history",
    "/var/log/auth.log",
    "/var/run/secrets/kubernetes.io/serviceaccount/token",
    "file:///etc/passwd",
    "file:///etc/./passwd",
    "FILE://localhost/proc/self/environ",
    "file:///c:/windows/win.ini",
    "php://filter/convert.base64-encode/resource=index.php",
    "PHP://input",
    "expect://id",
    "phar:///var/www/uploads/avatar.jpg/x",
    "zip://uploads/a.zip#x.php",
    "data://text/plain;base64,SGVsbG8=",
    "compress.zlib:///etc/hosts",
    "c:\\windows\\system32\\drivers\\etc\\hosts",
    "C:/Windows/win.ini",
    "C:\\boot.ini",
    "c:\\windows\\repair\\sam",
    "\\\\?\\C:\\Windows\\win.ini",
    "\\\\fileserver\\c$\\users\\default\\ntuser.dat",
    "\\\\127.0.0.1\\admin$\\system32",
    "page=../../../../etc/passwd&lang=en",
    "{\"file\": \"../../../../etc/passwd\"}",
    "{\"path\": \"/etc/passwd\"}",
    "<file>../../../etc/passwd</file>",
    "name=x&file=/etc/shadow",
    "read the file at ../../../../../../etc/hosts please",
    "%5c..%5c..%5c..%5cwindows%5cwin.ini",
    "/%2e%2e/%2e%2e/etc/passwd",
};

/* Not flagged at LOW. */
static const char *const benign[] = {
    "https://example.com/a/b?c=d",
    "https://app.example.com/auth/complete",
    "/dashboard/settings?tab=billing",
    "/api/v1/users/42/orders",
    "/static/js/app.min.js",
    "../images/a.png",
    "../README.md",
    "See [the guide](../docs/guide.md) for details.",
    "cp ../notes.txt .",
    "cd .. && make",
    "/assets/../img/logo.png",
    "https://example.com/docs/../assets/logo.png",
    "The path a/../b resolves to b.",
    "report..final.pdf",
    "v1..v2",
    "git diff main..feature",
    "git log v1.0...v2.0",
    "version 2.4.10-1~deb12u1",
    "1.2.3",
    "Wait... what? ...really...",
    "... and so on.",
    "Configuration lives in the /etc directory.",
    "Edit /etc/hosts and add the new name.",
    "The default configuration file is /etc/nginx/nginx.conf, see the manual.",
    "Logs are written to /var/log/syslog by rsyslog.",
    "See /proc for process information.",
    "\"/etc/hosts\" is where static names live",
    "{\"body\": \"edit \\\"/etc/hosts\\\" to add it\"}",
    "./configure --prefix=/usr",
    "C:\\Users\\alice\\Documents\\report.docx",
    "~/projects/app",
    "/home/alice/projects/app/main.c",
    "/usr/share/doc/bash/README",
    "node_modules/.bin/eslint",
    ".gitignore",
    ".env.example",
    "https://github.com/acme/app/blob/main/.env.example",
    "file.tar.gz",
    "php is a language; see php.net/manual",
    "data:image/png;base64,iVBORw0KGgo=",
    "//cdn.example.com/lib.js",
    "50% off: 100%",
    "%E6%9D%8E%E5%B0%8F%E9%BE%99",
    "next=%2Fdashboard%2Fsettings",
    "Zoë Müller",
    "日本語のテキスト（括弧）です。",
    "a/b/c/d/e/f/g",
    "http://example.com/cgi-bin/test.cgi?x=1",
};

/* Flagged only at HIGH. */
static const char *const high_only[] = {
    "../images/a.png",
    "See [the guide](../docs/guide.md)",
    "Edit /etc/hosts and add the new name.",
    "win.ini",
    ".htpasswd",
    "file:///home/user/doc.pdf",
};

static void attacks_detected(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		const char *s = attacks[i];
		size_t n = strlen(s);
		for (int level = 0; level < 2; level++) {
			sk_detect_match m;
			memset(&m, 0, sizeof m);
			if (!sk_detect_path_traversal((const uint8_t *)s, n, level, &m) ||
			    !m.reason[0] || m.len == 0 || m.off + m.len > n) {
				print_error("missed at level %d: %s\n", level, s);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

static void benign_passes(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof benign / sizeof benign[0]; i++) {
		sk_detect_match m;
		const char *s = benign[i];
		if (sk_detect_path_traversal((const uint8_t *)s, strlen(s), 0, &m)) {
			print_error("false positive: %s (%s)\n", s, m.reason);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void high_catches_more(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof high_only / sizeof high_only[0]; i++) {
		const char *s = high_only[i];
		size_t n = strlen(s);
		if (sk_detect_path_traversal((const uint8_t *)s, n, 0, NULL) ||
		    !sk_detect_path_traversal((const uint8_t *)s, n, 1, NULL)) {
			print_error("not HIGH-only: %s\n", s);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void reason_and_offsets(void **state)
{
	(void)state;
	sk_detect_match m;
	const char *s = "q=%252e%252e%252f%252e%252e%252fetc%252fpasswd";
	assert_true(sk_detect_path_traversal((const uint8_t *)s, strlen(s), 0, &m));
	assert_non_null(strstr(m.reason, "climbs 2 directories"));
	assert_non_null(strstr(m.reason, "/etc/passwd"));
	assert_non_null(strstr(m.reason, "2 times"));
	assert_int_equal(m.off, 2); /* the first escape of the first dot */
	assert_memory_equal(s + m.off + m.len - 6, "passwd", 6);

	s = "x=1&f=php://filter/resource=index.php";
	assert_true(sk_detect_path_traversal((const uint8_t *)s, strlen(s), 0, &m));
	assert_non_null(strstr(m.reason, "php://"));
	assert_memory_equal(s + m.off, "php:", 4);

	s = "\\\\host\\c$\\x";
	assert_true(sk_detect_path_traversal((const uint8_t *)s, strlen(s), 0, &m));
	assert_non_null(strstr(m.reason, "c$"));
}

static void nul_and_length(void **state)
{
	(void)state;
	static const uint8_t withnul[] = "../\0../etc/passwd";
	static const uint8_t climb_nul[] = "..\0/..\0/etc/passwd";
	assert_true(sk_detect_path_traversal(climb_nul, sizeof climb_nul - 1, 0, NULL));
	assert_true(sk_detect_path_traversal(withnul, sizeof withnul - 1, 0, NULL));
	assert_false(sk_detect_path_traversal((const uint8_t *)"", 0, 0, NULL));
	assert_false(sk_detect_path_traversal(NULL, 0, 0, NULL));
	/* only the first 6 bytes count */
	assert_false(
	    sk_detect_path_traversal((const uint8_t *)"../a/../../etc/passwd", 6, 0, NULL));
}

/* An attack anywhere in a long value, including across the chunks the
 * decoder walks in and with escapes that force decoding. */
static void found_anywhere(void **state)
{
	(void)state;
	static char buf[12000];
	static const char *const tails[] = {"../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
	                                    "x=/etc/shadow"};
	for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
		for (size_t pad = 0; pad < 6000; pad += 397) {
			size_t o = 0;
			for (size_t i = 0; i < pad; i++)
				buf[o++] = "some text %20 here. "[i % 20];
			buf[o++] = ' ';
			size_t l = strlen(tails[t]);
			memcpy(buf + o, tails[t], l);
			o += l;
			buf[o++] = ' ';
			if (!sk_detect_path_traversal((const uint8_t *)buf, o, 0, NULL))
				fail_msg("missed %s after %zu bytes", tails[t], pad);
		}
	}
}

static void large_input_is_bounded(void **state)
{
	(void)state;
	static uint8_t big[1 << 20];
	static const char *const fill[] = {
	    "see the /usr/share/doc folder. ", "a/", "%25", "..;", "%%32%65", "=./", "\\\\a\\"};
	for (size_t f = 0; f < sizeof fill / sizeof fill[0]; f++) {
		size_t l = strlen(fill[f]);
		for (size_t i = 0; i < sizeof big; i++)
			big[i] = (uint8_t)fill[f][i % l];
		assert_false(sk_detect_path_traversal(big, sizeof big, 0, NULL));
	}
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t) "../"[i % 3];
	assert_true(sk_detect_path_traversal(big, sizeof big, 0, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(attacks_detected),       cmocka_unit_test(benign_passes),
	    cmocka_unit_test(high_catches_more),      cmocka_unit_test(reason_and_offsets),
	    cmocka_unit_test(nul_and_length),         cmocka_unit_test(found_anywhere),
	    cmocka_unit_test(large_input_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
