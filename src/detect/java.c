/* Java deserialization and expression-language injection detector.
 *
 * Two families of attack reach code in a Java server:
 *
 * - Deserialization: a serialized object stream (magic AC ED 00 05, raw,
 *   base64, hex, or base64 of Java's gzip stream), or a polymorphic JSON or
 *   XML document ("@type", XMLDecoder, XStream) naming a class whose
 *   construction or comparison runs code: the gadget classes.
 * - Expression languages: Spring SpEL, Jakarta EL, OGNL (Struts), Thymeleaf,
 *   FreeMarker and Apache Commons Text lookups. An expression is recognised
 *   by its delimiters (${ #{ *{ %{ @{, SpEL's T(type), OGNL's (#var) and
 *   @class@member, FreeMarker's <#...>) and then tokenized: qualified names,
 *   member calls, `new`, string literals. A class that runs commands, loads
 *   classes, evaluates scripts or opens JNDI, a reflective member
 *   (getRuntime, forName, getClassLoader ...), or OGNL sandbox tampering
 *   inside such an expression is code execution (LOW). Any platform class
 *   inside one, or an exec chain written outside any delimiter, is only
 *   suspicious (HIGH): prose and code samples mention those.
 *
 * Classes are judged by package: what java.lang, java.lang.reflect,
 * javax.script, javax.naming ... are for, and which library packages hold
 * the classes deserialization chains are built from.
 *
 * Work is linear: each expression span is tokenized once (a span starting
 * inside an examined one is not examined again) and spans are capped. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/scan.h"

#define SPAN_MAX  4096 /* bytes of one expression we tokenize */
#define CHAIN_MAX 1024 /* bytes of a member chain after T(...) or @c@m */
#define QN_MAX    160  /* longest qualified name we classify */

enum grade { NONE = 0, HIGH = 1, LOW = 2 };

/* what a class is for */
enum kind { K_NONE, K_PLATFORM, K_DANGER, K_GADGET };

typedef struct verdict {
	int grade;
	size_t off, end;
	char reason[128];
} verdict;

static bool note(verdict *v, int grade, size_t off, size_t end, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Records a finding if it beats the one held; true when it is LOW (the
 * caller can stop). */
static bool note(verdict *v, int grade, size_t off, size_t end, const char *fmt, ...)
{
	if (grade > v->grade) {
		v->grade = grade;
		v->off = off;
		v->end = end;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(v->reason, sizeof v->reason, fmt, ap);
		va_end(ap);
	}
	return v->grade == LOW;
}

static bool is_ident(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$';
}

static bool is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static bool eq_ci(const uint8_t *s, size_t k, const char *w)
{
	size_t l = strlen(w);
	if (k != l)
		return false;
	for (size_t j = 0; j < l; j++)
		if (lower(s[j]) != w[j])
			return false;
	return true;
}

static bool starts_ci(const uint8_t *s, size_t k, const char *w)
{
	size_t l = strlen(w);
	if (k < l)
		return false;
	for (size_t j = 0; j < l; j++)
		if (lower(s[j]) != w[j])
			return false;
	return true;
}

static bool eq(const uint8_t *s, size_t k, const char *w)
{
	return k && s[0] == (uint8_t)w[0] && strlen(w) == k && memcmp(s, w, k) == 0;
}

static size_t skip_space(const uint8_t *p, size_t n, size_t i)
{
	while (i < n && is_space(p[i]))
		i++;
	return i;
}

/* The end of a qualified name at p[i]: identifiers joined by dots. */
static size_t qname_end(const uint8_t *p, size_t n, size_t i)
{
	size_t s = i;
	while (i < n && i - s < QN_MAX) {
		if (!is_ident(p[i]))
			break;
		while (i < n && is_ident(p[i]))
			i++;
		if (i + 1 < n && p[i] == '.' && is_ident_start(p[i + 1]))
			i++;
		else
			break;
	}
	return i;
}

/* ---- classes by package ---- */

typedef struct cls_rule {
	const char *name; /* a package (ending in '.') or a class */
	uint8_t kind;
} cls_rule;

/* Classes that run commands, define or load classes, evaluate scripts or
 * expressions, open JNDI or reach the OGNL/Struts internals; then library
 * classes deserialization chains are assembled from. */
static const cls_rule rules[] = {
    /* process creation, class loading, reflection, system access */
    {"java.lang.Runtime", K_DANGER},
    {"java.lang.ProcessBuilder", K_DANGER},
    {"java.lang.ProcessImpl", K_DANGER},
    {"java.lang.UNIXProcess", K_DANGER},
    {"java.lang.ClassLoader", K_DANGER},
    {"java.lang.Class", K_DANGER},
    {"java.lang.System", K_DANGER},
    {"java.lang.Thread", K_PLATFORM},
    {"java.lang.reflect.", K_DANGER},
    {"java.lang.invoke.", K_DANGER},
    {"java.net.URLClassLoader", K_DANGER},
    {"java.security.SecureClassLoader", K_DANGER},
    {"java.beans.XMLDecoder", K_DANGER},
    {"java.beans.Expression", K_DANGER},
    {"java.beans.Statement", K_DANGER},
    {"java.beans.EventHandler", K_GADGET},
    {"javax.script.", K_DANGER},
    {"javax.naming.", K_DANGER},
    {"javax.management.loading.", K_DANGER},
    {"javax.management.BadAttributeValueExpException", K_GADGET},
    {"javax.el.", K_DANGER},
    {"jdk.jshell.", K_DANGER},
    {"jdk.nashorn.", K_DANGER},
    {"jdk.internal.", K_DANGER},
    {"sun.misc.Unsafe", K_DANGER},
    {"sun.misc.", K_PLATFORM},
    {"sun.reflect.annotation.AnnotationInvocationHandler", K_GADGET},
    {"sun.reflect.", K_DANGER},
    {"sun.rmi.", K_GADGET},
    {"com.sun.jndi.", K_DANGER},
    {"com.sun.rowset.JdbcRowSetImpl", K_GADGET},
    {"com.sun.org.apache.xalan.internal.xsltc.", K_GADGET},
    {"com.sun.org.apache.bcel.internal.util.ClassLoader", K_GADGET},
    {"com.sun.", K_PLATFORM},
    {"java.rmi.", K_GADGET},
    {"java.", K_PLATFORM},
    {"javax.", K_PLATFORM},
    {"jdk.", K_PLATFORM},
    {"sun.", K_PLATFORM},
    /* script engines and interpreters that ship as libraries */
    {"org.mozilla.javascript.", K_DANGER},
    {"groovy.lang.", K_DANGER},
    {"groovy.util.Eval", K_DANGER},
    {"org.codehaus.groovy.runtime.", K_GADGET},
    {"org.codehaus.groovy.", K_DANGER},
    {"bsh.", K_DANGER},
    {"org.python.", K_DANGER},
    {"clojure.", K_GADGET},
    {"freemarker.template.utility.Execute", K_DANGER},
    {"freemarker.template.utility.ObjectConstructor", K_DANGER},
    {"freemarker.template.utility.JythonRuntime", K_DANGER},
    {"freemarker.", K_PLATFORM},
    {"org.apache.velocity.", K_PLATFORM},
    /* OGNL and Struts internals: the sandbox lives there */
    {"ognl.", K_DANGER},
    {"com.opensymphony.xwork2.", K_DANGER},
    {"org.apache.struts2.", K_DANGER},
    /* Spring: expression parsers, reflection helpers, gadget pieces */
    {"org.springframework.expression.", K_DANGER},
    {"org.springframework.cglib.core.ReflectUtils", K_DANGER},
    {"org.springframework.util.ReflectionUtils", K_DANGER},
    {"org.springframework.beans.factory.ObjectFactory", K_GADGET},
    {"org.springframework.core.SerializableTypeWrapper", K_GADGET},
    {"org.springframework.transaction.jta.", K_GADGET},
    {"org.springframework.context.support.", K_GADGET},
    {"org.springframework.", K_PLATFORM},
    /* Commons Collections, BeanUtils, FileUpload: the classic chains */
    {"org.apache.commons.collections.functors.", K_GADGET},
    {"org.apache.commons.collections4.functors.", K_GADGET},
    {"org.apache.commons.collections.keyvalue.", K_GADGET},
    {"org.apache.commons.collections4.keyvalue.", K_GADGET},
    {"org.apache.commons.collections.map.LazyMap", K_GADGET},
    {"org.apache.commons.collections4.map.LazyMap", K_GADGET},
    {"org.apache.commons.collections.comparators.", K_GADGET},
    {"org.apache.commons.collections4.comparators.", K_GADGET},
    {"org.apache.commons.beanutils.BeanComparator", K_GADGET},
    {"org.apache.commons.fileupload.disk.DiskFileItem", K_GADGET},
    {"org.apache.commons.configuration.", K_GADGET},
    {"org.apache.xalan.xsltc.", K_GADGET},
    {"org.apache.bcel.util.ClassLoader", K_GADGET},
    {"org.apache.xbean.", K_GADGET},
    {"org.apache.naming.", K_GADGET},
    {"org.apache.tomcat.dbcp.", K_GADGET},
    {"org.apache.commons.dbcp.", K_GADGET},
    {"org.apache.ibatis.datasource.jndi.", K_GADGET},
    {"org.apache.shiro.jndi.", K_GADGET},
    {"org.apache.shiro.realm.jndi.", K_GADGET},
    {"org.apache.myfaces.view.facelets.el.", K_GADGET},
    {"org.apache.wicket.util.upload.", K_GADGET},
    {"org.apache.click.control.", K_GADGET},
    {"org.apache.openjpa.ee.", K_GADGET},
    {"org.apache.aries.transaction.jms.", K_GADGET},
    {"org.apache.", K_PLATFORM},
    /* other libraries whose classes make up published chains */
    {"org.hibernate.engine.spi.TypedValue", K_GADGET},
    {"org.hibernate.property.", K_GADGET},
    {"org.hibernate.tuple.component.", K_GADGET},
    {"org.jboss.interceptor.", K_GADGET},
    {"org.jboss.weld.interceptor.", K_GADGET},
    {"com.mchange.v2.c3p0.", K_GADGET},
    {"com.rometools.rome.feed.impl.", K_GADGET},
    {"com.sun.syndication.feed.impl.", K_GADGET},
    {"com.vaadin.data.util.", K_GADGET},
    {"com.zaxxer.hikari.HikariConfig", K_GADGET},
    {"com.zaxxer.hikari.HikariDataSource", K_GADGET},
    {"ch.qos.logback.core.db.", K_GADGET},
    {"br.com.anteros.dbcp.", K_GADGET},
    {"oracle.jdbc.rowset.", K_GADGET},
    {"oracle.jdbc.connector.", K_GADGET},
    {"com.caucho.config.types.", K_GADGET},
    {"net.sf.json.", K_PLATFORM},
    {"com.alibaba.fastjson.", K_PLATFORM},
    {"com.fasterxml.jackson.", K_PLATFORM},
};

/* Classes java.lang gives every SpEL, OGNL and EL expression without a
 * package, and the other dangerous ones commonly written short. */
static const char *const short_danger[] = {
    "Runtime",        "ProcessBuilder", "ClassLoader",
    "Class",          "System",         "ScriptEngineManager",
    "InitialContext", "URLClassLoader", "MethodHandles",
    "Unsafe",         "GroovyShell",    "ELProcessor",
};

static int classify(const uint8_t *s, size_t k, const char **what)
{
	if (k < 4 || memchr(s, '.', k) == NULL)
		return K_NONE; /* every rule is a package or a qualified class */
	for (size_t j = 0; j < sizeof rules / sizeof rules[0]; j++) {
		if (rules[j].name[0] != s[0])
			continue;
		size_t l = strlen(rules[j].name);
		if (k < l || memcmp(s, rules[j].name, l) != 0)
			continue;
		/* a class matches itself and its members, not a longer name */
		if (rules[j].name[l - 1] != '.' && k > l && s[l] != '.' && s[l] != '$')
			continue;
		if (what)
			*what = rules[j].name;
		return rules[j].kind;
	}
	return K_NONE;
}

/* Like classify, also taking the short names (in T(...), new, @...@). */
static int classify_type(const uint8_t *s, size_t k, const char **what)
{
	int c = classify(s, k, what);
	if (c != K_NONE)
		return c;
	for (size_t j = 0; j < sizeof short_danger / sizeof short_danger[0]; j++)
		if (eq(s, k, short_danger[j])) {
			if (what)
				*what = short_danger[j];
			return K_DANGER;
		}
	return K_NONE;
}

/* Members that run code or open the sandbox: in an expression they are
 * execution. */
static const char *const low_members[] = {
    "getRuntime",
    "forName",
    "getClassLoader",
    "defineClass",
    "getEngineByName",
    "getEngineByExtension",
    "_memberAccess",
    "denyMethodExecution",
    "allowStaticMethodAccess",
    "DEFAULT_MEMBER_ACCESS",
    "excludedClasses",
    "excludedPackageNames",
    "excludedPackageNamePatterns",
    "getInstanceOf",
    "setMemberAccess",
    "loadClass",
    "getDeclaredConstructor",
    "getDeclaredMethod",
    "classLoader",
    "protectionDomain",
};

/* Members that are only suspicious (JavaScript and prose have them too). */
static const char *const high_members[] = {
    "exec",  "invoke", "newInstance", "getMethod", "getClass",    "setAccessible",
    "start", "eval",   "lookup",      "getenv",    "getProperty",
};

static const char *member_in(const uint8_t *s, size_t k, const char *const *list, size_t cnt)
{
	for (size_t j = 0; j < cnt; j++)
		if (eq(s, k, list[j]))
			return list[j];
	return NULL;
}

/* The last segment of a qualified name. */
static size_t last_seg(const uint8_t *s, size_t k)
{
	size_t j = k;
	while (j && s[j - 1] != '.')
		j--;
	return j;
}

static const char *delim_name(int open)
{
	switch (open) {
	case '$': return "${...}";
	case '#': return "#{...}";
	case '*': return "*{...}";
	case '%': return "%{...}";
	case '@': return "@{...}";
	case '(': return "OGNL (#...)";
	case '<': return "FreeMarker <#...>";
	case 'T': return "SpEL T(...)";
	case 'o': return "OGNL @class@";
	case 'c': return "(type) member chain";
	default: return "expression";
	}
}

/* Tokenizes the expression p[s..e) (opened by delimiter open) and judges
 * its names. */
static bool expression(const uint8_t *p, size_t s, size_t e, int open, verdict *v)
{
	const char *ctx = delim_name(open);
	size_t hash = (size_t)-1; /* where a \u0023 ended */
	for (size_t i = s; i < e;) {
		int c = p[i];
		if (c == '\\' && e - i >= 7 && starts_ci(p + i, e - i, "\\u0023")) {
			/* OGNL reads \u0023 as '#' */
			i += 6;
			hash = i;
			continue;
		}
		if (!is_ident_start(c) || (i > s && i != hash && is_ident(p[i - 1]))) {
			i++;
			continue;
		}
		size_t q = qname_end(p, e, i);
		const uint8_t *t = p + i;
		size_t k = q - i;
		const char *what = NULL;
		size_t a = skip_space(p, e, q);
		bool call = a < e && p[a] == '(';
		bool member =
		    i == hash || (i > s && (p[i - 1] == '.' || p[i - 1] == '#' || p[i - 1] == '@'));
		int kind = classify(t, k, &what);
		if (kind == K_DANGER || kind == K_GADGET) {
			if (note(v, LOW, i, q, "%s expression uses %s (%.*s)", ctx,
			         kind == K_GADGET ? "a deserialization gadget class"
			                          : "a class that runs code",
			         (int)(k > 60 ? 60 : k), (const char *)t))
				return true;
		} else if (kind == K_PLATFORM) {
			note(v, HIGH, i, q, "%s expression names the Java class %.*s", ctx,
			     (int)(k > 60 ? 60 : k), (const char *)t);
		}
		size_t ls = last_seg(t, k); /* a type is pkg.Class: upper-case last */
		/* T(type) and new type(...) also take java.lang's short names */
		size_t b = i;
		while (b > s && is_space(p[b - 1]))
			b--;
		bool tref = false, isnew = false;
		if (b > s && p[b - 1] == '(') {
			size_t t2 = b - 1;
			while (t2 > s && is_space(p[t2 - 1]))
				t2--;
			tref = t2 > s && p[t2 - 1] == 'T' && (t2 - 1 == s || !is_ident(p[t2 - 2]));
		} else if (b < i && b >= s + 3 && memcmp(p + b - 3, "new", 3) == 0) {
			isnew = b - 3 == s || !is_ident(p[b - 4]);
		}
		if ((tref || isnew || (i > s && p[i - 1] == '@')) && kind == K_NONE) {
			int sk = classify_type(t, k, &what);
			if (sk == K_DANGER &&
			    note(v, LOW, i, q, "%s expression %s %s", ctx,
			         isnew ? "constructs" : "references the class", what))
				return true;
		}
		if (tref && kind == K_NONE && t[ls] >= 'A' && t[ls] <= 'Z')
			note(v, HIGH, i, q, "SpEL type reference T(%.*s)", (int)(k > 60 ? 60 : k),
			     (const char *)t);
		/* members: the last segment of a.b.c, or a name after '.' '#' */
		const uint8_t *mem = t + ls;
		size_t ml = k - ls;
		if (ls > 0 || member) {
			const char *w = member_in(mem, ml, low_members,
			                          sizeof low_members / sizeof low_members[0]);
			if (w && note(v, LOW, i + ls, q, "%s expression reaches %s", ctx, w))
				return true;
			w = member_in(mem, ml, high_members,
			              sizeof high_members / sizeof high_members[0]);
			if (w && call)
				note(v, HIGH, i + ls, q, "%s expression calls %s()", ctx, w);
		}
		/* OGNL's context map: #context['xwork.MethodAccessor...'] */
		if (member && (p[i - 1] == '#' || i == hash) &&
		    (eq(t, k, "context") || eq(t, k, "attr")) && a < e && p[a] == '[')
			note(v, HIGH, i - 1, q, "OGNL expression indexes #%.*s", (int)k,
			     (const char *)t);
		i = q;
	}
	return false;
}

/* The end of the brace group opened at p[i] == '{': its matching '}' + 1,
 * or the cap. */
static size_t brace_end(const uint8_t *p, size_t n, size_t i)
{
	size_t lim = n - i > SPAN_MAX ? i + SPAN_MAX : n;
	int d = 0;
	for (size_t j = i; j < lim; j++) {
		if (p[j] == '{')
			d++;
		else if (p[j] == '}' && --d == 0)
			return j + 1;
	}
	return lim;
}

/* The end of a member chain at p[i]: parentheses and brackets balanced,
 * quotes skipped, stopping at a space or separator at depth zero. */
static size_t chain_end(const uint8_t *p, size_t n, size_t i)
{
	size_t lim = n - i > CHAIN_MAX ? i + CHAIN_MAX : n;
	int d = 0, q = 0;
	size_t j = i;
	for (; j < lim; j++) {
		int c = p[j];
		if (q) {
			if (c == q)
				q = 0;
			continue;
		}
		if (c == '\'' || c == '"') {
			q = c;
		} else if (c == '(' || c == '[' || c == '{') {
			d++;
		} else if (c == ')' || c == ']' || c == '}') {
			if (--d < 0)
				break;
		} else if (d == 0 && (is_space(c) || c == '&' || c == ';' || c == ',')) {
			break;
		}
	}
	return j;
}

/* Apache Commons Text interpolation (CVE-2022-42889): ${script:engine:...},
 * ${url:charset:...}, ${dns:...}, ${file:charset:...}. p[s] follows "${". */
static bool text_lookup(const uint8_t *p, size_t o, size_t s, size_t e, verdict *v)
{
	size_t i = skip_space(p, e, s);
	size_t j = i;
	while (j < e && j < i + 12 && is_ident(p[j]))
		j++;
	if (j >= e || p[j] != ':')
		return false;
	const uint8_t *w = p + i;
	size_t k = j - i, r = e - j - 1;
	const uint8_t *rest = p + j + 1;
	if (eq_ci(w, k, "script") || eq_ci(w, k, "url") || eq_ci(w, k, "file")) {
		/* the second field is an engine or a charset: a word then ':' */
		size_t x = 0;
		while (x < r && x < 24 && (is_ident(rest[x]) || rest[x] == '-'))
			x++;
		if (x > 0 && x < r && rest[x] == ':')
			return note(v, LOW, o, e, "Commons Text ${%.*s:%.*s:...} lookup", (int)k,
			            (const char *)w, (int)x, (const char *)rest);
	} else if (eq_ci(w, k, "dns")) {
		if (starts_ci(rest, r, "address|") || starts_ci(rest, r, "canonical-name|") ||
		    starts_ci(rest, r, "name|"))
			return note(v, LOW, o, e, "Commons Text ${dns:...} lookup");
	}
	return false;
}

/* ---- serialized streams ---- */

static bool is_b64(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '-' || c == '_';
}

static bool is_hex(int c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static bool magic(const uint8_t *p, size_t n, verdict *v)
{
	/* raw stream: AC ED 00 05 and a first content byte (TC_*) */
	for (const uint8_t *q = memchr(p, 0xac, n); q;
	     q = memchr(q + 1, 0xac, (size_t)(p + n - q - 1))) {
		size_t i = (size_t)(q - p);
		if (i + 4 < n && p[i + 1] == 0xed && p[i + 2] == 0 && p[i + 3] == 5 &&
		    p[i + 4] >= 0x70 && p[i + 4] <= 0x7e)
			return note(v, LOW, i, i + 5,
			            "serialized Java object (stream magic AC ED 00 05)");
		if (i + 1 >= n)
			break;
	}
	return false;
}

/* Base64 (rO0AB, and H4sIAAAAAAAAA: Java's own gzip header) and hex
 * (aced0005) spellings of a stream, at the start of a token. */
static bool encoded_magic(const uint8_t *p, size_t n, size_t i, verdict *v)
{
	bool start = i == 0 || !is_b64(p[i - 1]);
	if (!start)
		return false;
	size_t k = i;
	if (n - i >= 5 && memcmp(p + i, "rO0AB", 5) == 0) {
		while (k < n && is_b64(p[k]))
			k++;
		if (k - i >= 12)
			return note(v, LOW, i, k, "base64 of a serialized Java object (rO0AB...)");
	}
	if (n - i >= 13 && memcmp(p + i, "H4sIAAAAAAAAA", 13) == 0) {
		while (k < n && is_b64(p[k]))
			k++;
		if (k - i >= 24)
			return note(v, LOW, i, k,
			            "base64 of a gzip stream written by Java (H4sIAAAAAAAAA...), "
			            "a serialized object");
	}
	if (n - i >= 10 && starts_ci(p + i, n - i, "aced0005") && p[i + 8] == '7' &&
	    is_hex(p[i + 9])) {
		while (k < n && is_hex(p[k]))
			k++;
		if (k - i >= 16)
			return note(v, LOW, i, k, "hex of a serialized Java object (aced0005...)");
	}
	return false;
}

/* ---- contexts outside expressions ---- */

/* "classLoader" at p[i]: reached through a bean property path
 * (class.classLoader, class.module.classLoader, class['classLoader']),
 * as in Spring4Shell (CVE-2022-22965) and Struts' CVE-2014-0094. */
static bool class_loader(const uint8_t *p, size_t n, size_t i, verdict *v)
{
	size_t e = i + 11;
	if (i > 0 && is_ident(p[i - 1]) && !(i >= 3 && starts_ci(p + i - 3, 3, "get")))
		return false;
	if (i >= 3 && starts_ci(p + i - 3, 3, "get"))
		return note(v, HIGH, i - 3, e, "getClassLoader() outside an expression");
	size_t b = i;
	if (b >= 2 && (p[b - 1] == '\'' || p[b - 1] == '"') && p[b - 2] == '[')
		b -= 2;
	else if (b >= 1 && p[b - 1] == '.')
		b -= 1;
	else
		return false;
	size_t s = b;
	while (s > 0 && is_ident(p[s - 1]) && b - s < 16)
		s--;
	if (!eq_ci(p + s, b - s, "class") && !eq_ci(p + s, b - s, "module"))
		return false;
	/* report the whole path: class.module.classLoader... */
	while (s > 1 && p[s - 1] == '.' && is_ident(p[s - 2]) && i - s < 48) {
		s--;
		while (s > 0 && is_ident(p[s - 1]) && i - s < 48)
			s--;
	}
	return note(v, LOW, s, e < n ? e : n,
	            "class loader reached through the bean property path %.*s",
	            (int)(e - s > 60 ? 60 : e - s), (const char *)p + s);
}

/* '<': XMLDecoder and XStream documents name classes as elements and in
 * class="..." attributes; FreeMarker directives <#...> are expressions. */
static bool xml_tag(const uint8_t *p, size_t n, size_t i, verdict *v, size_t *covered)
{
	size_t j = i + 1;
	if (j < n && p[j] == '#') {
		if (i < *covered)
			return false;
		size_t e = j;
		while (e < n && e < i + SPAN_MAX && p[e] != '>')
			e++;
		*covered = e;
		return expression(p, j + 1, e, '<', v);
	}
	if (j >= n || !is_ident_start(p[j]))
		return false;
	size_t q = qname_end(p, n, j);
	const char *what;
	int k = classify(p + j, q - j, &what);
	if (k == K_DANGER || k == K_GADGET)
		return note(v, LOW, i, q, "XML element names the class %.*s (XStream document)",
		            (int)(q - j > 60 ? 60 : q - j), (const char *)p + j);
	if (!(eq(p + j, q - j, "object") || eq(p + j, q - j, "void") || eq(p + j, q - j, "new") ||
	      eq(p + j, q - j, "java") || eq(p + j, q - j, "class")))
		return false;
	size_t lim = n - i > 512 ? i + 512 : n;
	for (size_t a = q; a + 7 < lim && p[a] != '>'; a++) {
		if (memcmp(p + a, "class=", 6) != 0 || (p[a + 6] != '"' && p[a + 6] != '\''))
			continue;
		size_t s = a + 7, e = qname_end(p, n, s);
		k = classify_type(p + s, e - s, &what);
		if (k == K_DANGER || k == K_GADGET)
			return note(v, LOW, i, e, "XMLDecoder document instantiates %.*s",
			            (int)(e - s > 60 ? 60 : e - s), (const char *)p + s);
	}
	return false;
}

/* '@': OGNL static access @pkg.Class@member, and polymorphic JSON
 * ("@type": "pkg.Class"). */
static bool at_sign(const uint8_t *p, size_t n, size_t i, verdict *v, size_t *covered)
{
	size_t j = i + 1;
	if (j < n && (p[j] == 't' || p[j] == 'c') &&
	    (starts_ci(p + j, n - j, "type\"") || starts_ci(p + j, n - j, "class\""))) {
		size_t a = j + (p[j] == 't' ? 5 : 6);
		a = skip_space(p, n, a);
		if (a >= n || p[a] != ':')
			return false;
		a = skip_space(p, n, a + 1);
		if (a >= n || p[a] != '"')
			return false;
		size_t e = qname_end(p, n, a + 1);
		const char *what;
		int k = classify(p + a + 1, e - a - 1, &what);
		if (k == K_DANGER || k == K_GADGET)
			return note(v, LOW, i, e, "polymorphic JSON (@type) instantiates %.*s",
			            (int)(e - a - 1 > 60 ? 60 : e - a - 1),
			            (const char *)p + a + 1);
		if (k == K_PLATFORM)
			note(v, HIGH, i, e, "polymorphic JSON (@type) names a Java class");
		return false;
	}
	if (j >= n || !is_ident_start(p[j]))
		return false;
	size_t q = qname_end(p, n, j);
	if (q >= n || p[q] != '@' || q + 1 >= n || !is_ident_start(p[q + 1]))
		return false;
	size_t dots = 0;
	for (size_t k = j; k < q; k++)
		dots += p[k] == '.';
	size_t e = chain_end(p, n, j);
	if (e < q + 2)
		e = q + 2;
	*covered = e;
	const char *what;
	int k = classify_type(p + j, q - j, &what);
	size_t me = q + 1;
	while (me < n && is_ident(p[me]))
		me++;
	if (k == K_DANGER || k == K_GADGET || (dots >= 2 && me < n && p[me] == '('))
		return note(v, LOW, i, me, "OGNL static access @%.*s@%.*s",
		            (int)(q - j > 50 ? 50 : q - j), (const char *)p + j,
		            (int)(me - q - 1 > 30 ? 30 : me - q - 1), (const char *)p + q + 1);
	return expression(p, j, e, 'o', v);
}

/* '(': SpEL's T(type) with the chain after it, OGNL's (#var...) groups,
 * and a parenthesised class used as a receiver, (java.lang.Runtime).x. */
static bool paren(const uint8_t *p, size_t n, size_t i, verdict *v, size_t *covered)
{
	size_t j = skip_space(p, n, i + 1);
	if (j >= n)
		return false;
	/* OGNL: (#x=...), ('\u0023x...'), (%23x...) */
	size_t o = j;
	if (p[o] == '\'' || p[o] == '"')
		o++;
	if (o < n &&
	    (p[o] == '#' || starts_ci(p + o, n - o, "\\u0023") || starts_ci(p + o, n - o, "%23"))) {
		size_t e = chain_end(p, n, i);
		*covered = e;
		return expression(p, i + 1, e, '(', v);
	}
	size_t t = i;
	while (t > 0 && is_space(p[t - 1]))
		t--;
	bool tref = t > 0 && p[t - 1] == 'T' && (t == 1 || !is_ident(p[t - 2]));
	if (!is_ident_start(p[j]))
		return false;
	size_t q = qname_end(p, n, j);
	size_t a = skip_space(p, n, q);
	if (a >= n || p[a] != ')')
		return false;
	if (tref) {
		size_t e = chain_end(p, n, i);
		*covered = e;
		return expression(p, t - 1, e, 'T', v);
	}
	/* (pkg.Class).member: not how prose or Java casts look */
	if (a + 2 < n && p[a + 1] == '.' && is_ident_start(p[a + 2])) {
		const char *what;
		int k = classify(p + j, q - j, &what);
		if (k == K_DANGER || k == K_GADGET) {
			size_t e = chain_end(p, n, a + 1);
			return note(v, LOW, i, e, "parenthesised class %.*s used as a receiver",
			            (int)(q - j > 60 ? 60 : q - j), (const char *)p + j);
		}
	}
	return false;
}

/* '[': Jackson's default typing, ["pkg.Class", {...}]. */
static bool bracket(const uint8_t *p, size_t n, size_t i, verdict *v)
{
	size_t j = skip_space(p, n, i + 1);
	if (j >= n || p[j] != '"')
		return false;
	size_t q = qname_end(p, n, j + 1);
	if (q + 1 >= n || p[q] != '"')
		return false;
	size_t a = skip_space(p, n, q + 1);
	if (a >= n || p[a] != ',')
		return false;
	const char *what;
	int k = classify(p + j + 1, q - j - 1, &what);
	if (k == K_DANGER || k == K_GADGET)
		return note(v, LOW, i, q + 1, "polymorphic JSON (type array) instantiates %.*s",
		            (int)(q - j - 1 > 60 ? 60 : q - j - 1), (const char *)p + j + 1);
	return false;
}

/* Outside any delimiter: an exec chain or reflective call written in
 * code form is suspicious, not proof. p[i] == '('. */
static void bare_call(const uint8_t *p, size_t i, verdict *v)
{
	size_t e = i;
	size_t s = e;
	while (s > 0 && is_ident(p[s - 1]) && e - s < 32)
		s--;
	static const char *const calls[] = {"getRuntime",          "ProcessBuilder",
	                                    "ScriptEngineManager", "getClassLoader",
	                                    "defineClass",         "getEngineByName"};
	for (size_t k = 0; k < sizeof calls / sizeof calls[0]; k++)
		if (eq(p + s, e - s, calls[k])) {
			note(v, HIGH, s, e, "%s() written outside an expression", calls[k]);
			return;
		}
}

/* The first position in [s, e) where one of the trigger bytes is, or
 * where one of the case-folded pairs starts. */
/* The triggers among the 16 bytes of x, y being the same bytes one further
 * on: one lane set for each byte a trigger starts at. */
static unsigned trigger_lanes(sk_u8x16 x, sk_u8x16 y)
{
	const sk_u8x16 lc = sk_splat(0x20), xl = x | lc, yl = y | lc;
	/* Fewer compares than triggers, and a few bytes more that judge()
	 * passes over: xl == '{' is '[' or '{', xl == '(' also 0x08, xl ==
	 * '<' also 0x1c. rO0AB: "O0" (judge() wants the 'O' upper case);
	 * aced0005: "d0"; H4sI: "4s"; classLoader: "sl". */
	sk_u8x16 m = (sk_u8x16)(xl == sk_splat('{')) | (sk_u8x16)(xl == sk_splat('(')) |
	             (sk_u8x16)(xl == sk_splat('<')) | (sk_u8x16)(x == sk_splat('@')) |
	             ((sk_u8x16)(y == sk_splat('0')) &
	              ((sk_u8x16)(x == sk_splat('O')) | (sk_u8x16)(xl == sk_splat('d')))) |
	             ((sk_u8x16)(x == sk_splat('4')) & (sk_u8x16)(yl == sk_splat('s'))) |
	             ((sk_u8x16)(xl == sk_splat('s')) & (sk_u8x16)(yl == sk_splat('l')));
	return sk_lane_bits(m);
}

static const uint8_t *next_trigger(const uint8_t *s, const uint8_t *e)
{
	sk_u8x16 x, y;
	for (; e - s >= 17; s += 16) {
		memcpy(&x, s, 16);
		memcpy(&y, s + 1, 16);
		unsigned bits = trigger_lanes(x, y);
		if (bits)
			return s + __builtin_ctz(bits);
	}
	/* the last bytes, padded with NULs (no trigger has one): most values
	 * are short, and a byte-by-byte tail cost more than the vector part */
	uint8_t pad[32] = {0};
	size_t left = (size_t)(e - s);
	memcpy(pad, s, left);
	memcpy(&x, pad, 16);
	memcpy(&y, pad + 1, 16);
	unsigned bits = trigger_lanes(x, y) & ((1u << left) - 1);
	return bits ? s + __builtin_ctz(bits) : NULL;
}

static bool judge(const uint8_t *p, size_t n, int level, verdict *v)
{
	if (magic(p, n, v))
		return true;
	size_t covered = 0; /* expression spans already tokenized end here */
	for (size_t i = 0; i < n; i++) {
		const uint8_t *t = next_trigger(p + i, p + n);
		if (!t)
			break;
		i = (size_t)(t - p);
		int c = p[i];
		size_t cov = 0;
		bool inside = i < covered;
		switch (c) {
		case '{':
			if (!inside && i > 0 && memchr("$#*%@", p[i - 1], 5) && p[i - 1]) {
				size_t e = brace_end(p, n, i);
				covered = e;
				if (p[i - 1] == '$' && text_lookup(p, i - 1, i + 1, e, v))
					return true;
				if (expression(p, i + 1, e, p[i - 1], v))
					return true;
			}
			continue;
		case '(':
			if (!inside && paren(p, n, i, v, &cov))
				return true;
			if (cov > covered)
				covered = cov;
			if (!cov && level > 0)
				bare_call(p, i, v);
			continue;
		case '@':
			if (!inside && at_sign(p, n, i, v, &cov))
				return true;
			if (cov > covered)
				covered = cov;
			continue;
		case '<':
			cov = covered;
			if (xml_tag(p, n, i, v, &cov))
				return true;
			if (cov > covered)
				covered = cov;
			continue;
		case '[':
			if (bracket(p, n, i, v))
				return true;
			continue;
		default: break;
		}
		/* pairs */
		if ((c | 0x20) == 'o' && i > 0 && p[i - 1] == 'r' && c == 'O') {
			if (encoded_magic(p, n, i - 1, v))
				return true;
		} else if (c == '4' && i > 0 && p[i - 1] == 'H') {
			if (encoded_magic(p, n, i - 1, v))
				return true;
		} else if ((c | 0x20) == 'd' && i >= 3) {
			if (encoded_magic(p, n, i - 3, v))
				return true;
		} else if ((c | 0x20) == 's' && i >= 4 && i + 7 <= n &&
		           starts_ci(p + i - 4, n - i + 4, "classloader")) {
			if (class_loader(p, n, i - 4, v))
				return true;
		}
	}
	/* Spring Cloud Function's routing header, by name (CVE-2022-22963) */
	if (level > 0 && v->grade < HIGH && n >= 18) {
		const uint8_t *r = NULL;
		for (size_t j = 0; j + 18 <= n; j++) {
			const uint8_t *q = memchr(p + j, '-', n - j);
			if (!q)
				break;
			j = (size_t)(q - p);
			if (j >= 7 && starts_ci(p + j - 7, n - j + 7, "routing-expression")) {
				r = p + j - 7;
				break;
			}
		}
		if (r)
			note(v, HIGH, (size_t)(r - p), (size_t)(r - p) + 18,
			     "names Spring Cloud Function's routing-expression");
	}
	return false;
}

bool sk_detect_java(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	if (!p || n < 4)
		return false;
	verdict v;
	v.grade = NONE;
	v.reason[0] = 0;
	judge(p, n, level, &v);
	if (v.grade == LOW || (v.grade == HIGH && level > 0)) {
		if (m) {
			m->off = v.off;
			m->len = v.end > v.off ? v.end - v.off : 1;
			if (m->off + m->len > n)
				m->len = n - m->off;
			snprintf(m->reason, sizeof m->reason, "%s", v.reason);
		}
		return true;
	}
	return false;
}
