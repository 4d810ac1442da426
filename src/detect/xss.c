/* Cross-site scripting detector.
 *
 * An HTML tokenizer in the spirit of the HTML5 parsing rules: '<' followed
 * by a letter opens a tag, attributes are separated by space or '/', values
 * may be quoted or bare, and a tag left open at the end of the input still
 * counts. Each tag is judged by what a browser would do with it: run a
 * script (<script>, event handler attributes), load a document or plugin
 * (<iframe>, <object>, <embed>, <base>), follow a script URL (javascript:,
 * vbscript:, data:text/html after entity and control-character folding) or
 * evaluate CSS expressions, or CSS malformed in ways parsers recover from
 * differently. Namespace prefixes are read past (<x:script>), and XML
 * machinery that runs script is known: XML Events, XSLT, DTD entities and
 * attribute defaults, <meta> switching to a charset that hides markup.
 * Outside tags we look for input that breaks out
 * of an attribute value into an event handler, out of a JavaScript string
 * into a call, and for client-side template expressions that reach the
 * Function constructor. */
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "detect/detect.h"
#include "base/scan.h"

#define MAX_NAME          32
#define MAX_TAGS          4096 /* tags examined; bounds the work on huge inputs */
#define SCAN_VAL          256  /* bytes of an attribute value we fold for a scheme */
#define SHORT_PAYLOAD_MAX 2048 /* longest value js_gadget() and split_tags() read */

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_html_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0;
}

/* The first bytes are compared before the call: these run for every tag
 * and attribute name against lists of names, and most differ at once. */
static bool eq_ci(const char *a, const char *b)
{
	return a[0] == b[0] && strcmp(a, b) == 0;
}

static bool starts_ci(const char *s, const char *pre)
{
	return (pre[0] == 0 || s[0] == pre[0]) && strncmp(s, pre, strlen(pre)) == 0;
}

/* Finds needle (lower case) in p[0..n) ignoring case. */
static const uint8_t *find_ci(const uint8_t *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	if (k == 0 || n < k)
		return NULL;
	for (size_t i = 0; i + k <= n; i++) {
		if (lower(p[i]) != needle[0])
			continue;
		size_t j = 1;
		while (j < k && lower(p[i + j]) == needle[j])
			j++;
		if (j == k)
			return p + i;
	}
	return NULL;
}

/* Whether p[0..n) starts with w (lower case), ignoring case. */
static bool prefix_ci(const uint8_t *p, size_t n, const char *w)
{
	size_t i = 0;
	for (; w[i]; i++)
		if (i >= n || lower(p[i]) != w[i])
			return false;
	return true;
}

/* Decodes one character reference at p[0..n) (p[0] == '&'). Returns the
 * code point (or -1) and sets *used. Only the references that matter for
 * hiding a scheme or a call are known by name. */
static int entity(const uint8_t *p, size_t n, size_t *used)
{
	static const struct {
		const char *name;
		int cp;
	} named[] = {{"colon", ':'}, {"tab", '\t'},   {"newline", '\n'}, {"lpar", '('},
	             {"rpar", ')'},  {"quot", '"'},   {"apos", '\''},    {"amp", '&'},
	             {"lt", '<'},    {"gt", '>'},     {"sol", '/'},      {"bsol", '\\'},
	             {"nbsp", 0xa0}, {"period", '.'}, {"grave", '`'},    {"equals", '='}};
	size_t i = 1;
	if (i < n && p[i] == '#') {
		i++;
		int base = 10;
		if (i < n && (p[i] == 'x' || p[i] == 'X')) {
			base = 16;
			i++;
		}
		long v = 0;
		size_t s = i;
		while (i < n && i < s + 10) {
			int c = p[i], d;
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (base == 16 && is_alpha(c) && lower(c) <= 'f')
				d = lower(c) - 'a' + 10;
			else
				break;
			v = v * base + d;
			i++;
		}
		if (i == s)
			return -1;
		if (i < n && p[i] == ';')
			i++;
		*used = i;
		return v > 0x10ffff ? -1 : (int)v;
	}
	char nm[12];
	size_t k = 0;
	while (i < n && k < sizeof nm - 1 && is_alpha(p[i]))
		nm[k++] = (char)lower(p[i++]);
	nm[k] = 0;
	for (size_t j = 0; j < sizeof named / sizeof named[0]; j++) {
		if (eq_ci(nm, named[j].name)) {
			if (i < n && p[i] == ';')
				i++;
			*used = i;
			return named[j].cp;
		}
	}
	return -1;
}

/* The length of XML markup at p that an XML parser removes from text: a
 * comment, or the end and start of CDATA sections; 0 when none. */
static size_t xml_markup_len(const uint8_t *p, size_t n)
{
	if (n >= 4 && memcmp(p, "<!--", 4) == 0) {
		const uint8_t *e = find_ci(p + 4, n - 4, "-->");
		return e ? (size_t)(e - p) + 3 : 0;
	}
	if (n >= 9 && memcmp(p, "<![CDATA[", 9) == 0)
		return 9;
	if (n >= 2 && p[0] == ']' && p[1] == ']') {
		size_t k = n >= 3 && p[2] == '>' ? 3 : 2;
		if (n - k >= 9 && memcmp(p + k, "<![CDATA[", 9) == 0)
			return k + 9;
		return k == 3 ? 3 : 0;
	}
	return 0;
}

/* Folds the start of a URL the way a browser reads it: character
 * references decoded, leading spaces and controls dropped, tabs and
 * newlines inside removed, lower-cased. Writes at most cap-1 bytes. */
static void fold_url(const uint8_t *p, size_t n, char *out, size_t cap);

/* fold_url() for script_scheme(), which only takes folded text starting
 * with one of its schemes (cap is 7 or more): a first byte other than j,
 * v, l, m or d ends the folding there, and so do first six bytes that
 * start none of them (a "logo.png" or "/docs/"). Folding is per byte, and
 * most URLs are turned away by then. */
static void fold_scheme(const uint8_t *p, size_t n, char *out, size_t cap)
{
	static const char starts[][7] = {"javasc", "vbscri", "livesc", "mocha:", "data:"};
	fold_url(p, n, out, 2);
	int c = out[0];
	if (c != 'j' && c != 'v' && c != 'l' && c != 'm' && c != 'd')
		return;
	fold_url(p, n, out, 7);
	if (strlen(out) == 6) { /* shorter, the value is all folded */
		size_t k = 0;
		while (k < sizeof starts / sizeof starts[0] &&
		       strncmp(out, starts[k], strlen(starts[k])) != 0)
			k++;
		if (k == sizeof starts / sizeof starts[0])
			return;
	}
	fold_url(p, n, out, cap);
}

static void fold_url(const uint8_t *p, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	if (n > SCAN_VAL)
		n = SCAN_VAL;
	for (size_t i = 0; i < n && o + 1 < cap;) {
		int c = p[i];
		size_t used = 1;
		if (c == '&') {
			int e = entity(p + i, n - i, &used);
			if (e >= 0)
				c = e;
			else
				used = 1;
		} else if (c == '<' || c == ']') {
			/* markup an XML parser drops from a value (IE data
			 * islands): javas<!-- -->cript:, javas]]><![CDATA[cript: */
			size_t k = xml_markup_len(p + i, n - i);
			if (k) {
				i += k;
				continue;
			}
		} else if (c == '\\' && i + 1 < n && (p[i + 1] == 'u' || p[i + 1] == 'x')) {
			/* \u0061 / \x61 escapes inside attribute-breaking JS */
			c = '\\';
		}
		i += used;
		if (c <= 0x20 || c == 0x7f || c == 0xa0)
			continue; /* browsers strip these around and inside schemes */
		out[o++] = (char)lower(c < 0x80 ? c : '?');
	}
	out[o] = 0;
}

/* The most folded bytes script_scheme() reads ("data:image/svg"), and
 * the buffer that holds them: a URL is folded no further. */
#define SCHEME_FOLD 16

static const char *script_scheme(const char *u)
{
	if (starts_ci(u, "javascript:"))
		return "javascript:";
	if (starts_ci(u, "vbscript:"))
		return "vbscript:";
	if (starts_ci(u, "livescript:"))
		return "livescript:";
	if (starts_ci(u, "mocha:"))
		return "mocha:";
	if (starts_ci(u, "data:")) {
		/* images are inert; anything else may be a document or script */
		if (starts_ci(u, "data:image/") && !starts_ci(u, "data:image/svg"))
			return NULL;
		return "data:";
	}
	return NULL;
}

/* A script URL with a call inside another URL: a redirect parameter
 * (/go?to=javascript:alert(1)) that a server or script follows, or a
 * second scheme after a misspelt or entity-mangled first one
 * (javAascript:javascript:alert(1)) that a lenient parser may skip. */
/* Whether fold_url(v, n) may hold "script:": always when v has a byte
 * that folding rewrites (an entity, markup, an escape); otherwise only
 * when a ':' is preceded by the letters of "script", with nothing between
 * them but what folding drops. Most URL values are turned away here
 * without being folded. */
static bool may_fold_to_script(const uint8_t *v, size_t n)
{
	if (n > SCAN_VAL)
		n = SCAN_VAL; /* what fold_url reads */
	if (sk_bytes_present4(v, n, '&', '<', ']', '\\'))
		return true;
	for (const uint8_t *q = memchr(v, ':', n); q;
	     q = memchr(q + 1, ':', n - (size_t)(q + 1 - v))) {
		static const char want[] = "tpircs"; /* "script" read backwards */
		const uint8_t *b = q;
		size_t k = 0;
		while (b > v && k < 6) {
			int c = *--b;
			if (c <= 0x20 || c == 0x7f || c == 0xa0)
				continue;
			if (lower(c) != want[k])
				break;
			k++;
		}
		if (k == 6)
			return true;
	}
	return false;
}

static bool nested_script_url(const uint8_t *v, size_t n)
{
	char u[SCAN_VAL + 1];
	if (n < 12 || !memchr(v, ':', n) || !may_fold_to_script(v, n))
		return false;
	fold_url(v, n, u, sizeof u);
	for (const char *s = strstr(u, "script:"); s; s = strstr(s + 7, "script:")) {
		bool js = s - u >= 4 && memcmp(s - 4, "java", 4) == 0;
		bool vb = s - u >= 2 && memcmp(s - 2, "vb", 2) == 0;
		if ((js || vb) && strpbrk(s + 7, "(`"))
			return true;
	}
	return false;
}

/* Whether folded CSS (lower case, no spaces) loads an SVG document through
 * url(): a background, content, marker, filter or font source. An SVG file
 * is a document that can carry script and markup of its own, and engines
 * have run it when CSS pulled it in (markers, fonts, content); a page's own
 * styles name their SVG files, a user's input has no need to. */
static bool css_loads_svg(const char *css)
{
	for (const char *u = strstr(css, "url("); u; u = strstr(u + 4, "url(")) {
		const char *a = u + 4;
		if (*a == '"' || *a == '\'')
			a++;
		if (starts_ci(a, "data:image/svg"))
			return true;
		size_t l = strcspn(a, ")\"'?#");
		if (l >= 4 && (strncmp(a + l - 4, ".svg", 4) == 0 ||
		               (l >= 5 && strncmp(a + l - 5, ".svgz", 5) == 0)))
			return true;
	}
	return false;
}

/* CSS that runs script: IE expression() and behaviours, Mozilla bindings,
 * and script URLs in url() or @import. Comments and escapes folded. */
static const char *css_danger(const uint8_t *p, size_t n)
{
	char buf[512];
	size_t o = 0;
	int quote = 0; /* inside a CSS string: no comments there */
	for (size_t i = 0; i < n && o + 1 < sizeof buf; i++) {
		if (quote) {
			if (p[i] == quote || p[i] == '\n')
				quote = 0;
		} else if (p[i] == '"' || p[i] == '\'') {
			quote = p[i];
		} else if (p[i] == '/' && i + 1 < n && p[i + 1] == '*') {
			const uint8_t *e = find_ci(p + i + 2, n - i - 2, "*/");
			i = e ? (size_t)(e - p) + 1 : n;
			continue;
		}
		int c = p[i];
		if (c == '&') {
			size_t used = 1;
			int e = entity(p + i, n - i, &used);
			if (e >= 0) {
				c = e;
				i += used - 1;
			}
		}
		if (c == '\\') {
			/* CSS escape: up to six hex digits and an optional space */
			size_t j = i + 1, v = 0, d = 0;
			while (j < n && d < 6) {
				int h = sk_hex_digit(p[j]);
				if (h < 0)
					break;
				v = v * 16 + (size_t)h;
				j++;
				d++;
			}
			if (d == 0)
				continue;
			if (j < n && is_html_space(p[j]))
				j++;
			i = j - 1;
			c = v < 0x80 ? (int)v : '?';
		}
		if (is_html_space(c))
			continue;
		buf[o++] = (char)lower(c < 0x80 ? c : '?');
	}
	buf[o] = 0;
	if (strstr(buf, "expression("))
		return "CSS expression()";
	if (strstr(buf, "javascript:") || strstr(buf, "vbscript:"))
		return "a script URL in CSS";
	/* binding: is XBL 2's property, -moz-binding Mozilla's */
	if (strstr(buf, "behavior:") || strstr(buf, "behaviour:") || strstr(buf, "binding:") ||
	    strstr(buf, "-moz-binding"))
		return "a CSS behaviour/binding";
	if (strstr(buf, "@import"))
		return "CSS @import";
	if (css_loads_svg(buf))
		return "CSS loading an SVG document";
	return NULL;
}

static bool is_css_name(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '\\' ||
	       c >= 0x80;
}

/* Whether a CSS string s[0..n) holds a declaration (";color:red"): text
 * meant for a parser that ends the string early. */
static bool css_string_declares(const uint8_t *s, size_t n)
{
	for (const uint8_t *c = sk_find_byte(s, s + n, ';'); c;
	     c = sk_find_byte(c + 1, s + n, ';')) {
		size_t i = (size_t)(c - s) + 1, b;
		while (i < n && is_html_space(s[i]))
			i++;
		for (b = i; i < n && is_css_name(s[i]);)
			i++;
		while (i < n && is_html_space(s[i]))
			i++;
		if (i > b && i < n && s[i] == ':' && is_alpha(s[b]))
			return true;
	}
	return false;
}

/* CSS that parsers recover from in different ways, the means by which
 * style injections slip declarations past a filter or into a page (the
 * html5sec.org CSS tests): an unterminated string or comment, a comment
 * inside a word, a letter spelled as an escape, a url() that is not one
 * token, a string holding a declaration, and brackets that do not nest.
 * An attribute holds declarations only, so any brace or bracket outside
 * a string is out of place there; a style sheet's must nest. */
static const char *css_malformed(const uint8_t *p, size_t n, bool sheet)
{
	char open[32];
	size_t depth = 0;
	for (size_t i = 0; i < n; i++) {
		int c = p[i];
		if (c == '/' && i + 1 < n && p[i + 1] == '*') {
			const uint8_t *e = find_ci(p + i + 2, n - i - 2, "*/");
			if (!e)
				return "an unterminated CSS comment";
			size_t after = (size_t)(e - p) + 2;
			if (i > 0 && is_alpha(p[i - 1]) && after < n && is_alpha(p[after]))
				return "a CSS comment inside a word";
			i = after - 1;
			continue;
		}
		if (c == '"' || c == '\'') {
			size_t j = i + 1;
			while (j < n && p[j] != c && p[j] != '\n' && p[j] != '\r' && p[j] != '\f')
				j += p[j] == '\\' ? 2 : 1;
			if (j >= n || p[j] != c)
				return "an unterminated CSS string";
			if (css_string_declares(p + i + 1, j - i - 1))
				return "a declaration inside a CSS string";
			/* old parsers end a style element's text at "<!--" */
			if (find_ci(p + i + 1, j - i - 1, "<!--") ||
			    find_ci(p + i + 1, j - i - 1, "-->"))
				return "a markup comment inside a CSS string";
			i = j;
			continue;
		}
		if (c == '\\' && i + 1 < n) {
			/* an escaped letter (\63 or \c for c) only hides a name;
			 * escapes have their use for digits and punctuation */
			size_t v = 0, d = 0;
			while (d < 6 && i + 1 + d < n) {
				int x = sk_hex_digit(p[i + 1 + d]);
				if (x < 0)
					break;
				v = v * 16 + (size_t)x;
				d++;
			}
			if (d ? (v == 0 || (v < 0x80 && is_alpha((int)v))) : is_alpha(p[i + 1]))
				return "a CSS escape hiding a letter";
			i += d ? d : 1;
			continue;
		}
		if ((c == 'u' || c == 'U') && i + 4 < n && lower(p[i + 1]) == 'r' &&
		    lower(p[i + 2]) == 'l' && p[i + 3] == '(' &&
		    (i == 0 || !is_css_name(p[i - 1]))) {
			size_t j = i + 4;
			while (j < n && is_html_space(p[j]))
				j++;
			if (j < n && (p[j] == '"' || p[j] == '\''))
				continue; /* a string: read above */
			for (; j < n && p[j] != ')'; j++) {
				if (p[j] == '"' || p[j] == '\'' || p[j] == '(' ||
				    (p[j] == '/' && j + 1 < n && p[j + 1] == '*'))
					return "a url() that is not one token";
				if (is_html_space(p[j])) {
					while (j + 1 < n && is_html_space(p[j + 1]))
						j++;
					if (j + 1 < n && p[j + 1] != ')')
						return "a url() that is not one token";
				}
			}
			i = j;
			continue;
		}
		if (c != '{' && c != '}' && c != '[' && c != ']' &&
		    (!sheet || (c != '(' && c != ')')))
			continue;
		if (!sheet)
			return "a brace or bracket out of place";
		if (c == '{' || c == '[' || c == '(') {
			if (depth < sizeof open)
				open[depth] = (char)c;
			depth++;
			continue;
		}
		int want = c == '}' ? '{' : c == ']' ? '[' : '(';
		if (depth == 0 || (depth <= sizeof open && open[depth - 1] != want))
			return "brackets that do not nest in a style sheet";
		depth--;
	}
	return NULL;
}

/* DOM event names, without the "on", sorted for bsearch(). */
static const char *const events[] = {
    "abort",
    "activate",
    "afterprint",
    "afterscriptexecute",
    "animationend",
    "animationstart",
    "auxclick",
    "beforeprint",
    "beforescriptexecute",
    "beforeunload",
    "begin",
    "blur",
    "bounce",
    "canplay",
    "change",
    "click",
    "contextmenu",
    "copy",
    "cut",
    "dblclick",
    "drag",
    "dragend",
    "dragenter",
    "dragleave",
    "dragover",
    "dragstart",
    "drop",
    "end",
    "error",
    "filterchange",
    "finish",
    "focus",
    "focusin",
    "focusout",
    "hashchange",
    "input",
    "invalid",
    "keydown",
    "keypress",
    "keyup",
    "load",
    "loadend",
    "loadstart",
    "message",
    "mousedown",
    "mouseenter",
    "mouseleave",
    "mousemove",
    "mouseout",
    "mouseover",
    "mouseup",
    "mousewheel",
    "pageshow",
    "paste",
    "play",
    "pointerdown",
    "pointerenter",
    "pointerover",
    "popstate",
    "progress",
    "propertychange",
    "readystatechange",
    "repeat",
    "reset",
    "resize",
    "scroll",
    "search",
    "seeked",
    "seeking",
    "select",
    "show",
    "start",
    "submit",
    "timeupdate",
    "toggle",
    "touchstart",
    "transitionend",
    "unload",
    "volumechange",
    "webkitanimationend",
    "webkittransitionend",
    "wheel",
};

static int cmp_event(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static bool is_event_name(const char *n)
{
	if (n[0] != 'o' || n[1] != 'n' || !n[2])
		return false;
	return bsearch(n + 2, events, sizeof events / sizeof events[0], sizeof events[0],
	               cmp_event) != NULL;
}

/* In a tag, any on* attribute is an event handler to the browser, known
 * name or not (new events keep appearing). */
static bool is_handler_attr(const char *n)
{
	if (n[0] != 'o' || n[1] != 'n' || strlen(n) < 5)
		return false;
	for (const char *c = n + 2; *c; c++)
		if (!is_alpha(*c))
			return false;
	return true;
}

/* Framework attributes whose value is evaluated as code. */
static bool is_framework_code_attr(const char *n)
{
	return starts_ci(n, "ng-") || starts_ci(n, "v-on:") || starts_ci(n, "x-on:") ||
	       starts_ci(n, "x-init") || (n[0] == '@' && is_alpha(n[1])) ||
	       starts_ci(n, "data-ng-");
}

static bool is_url_attr(const char *n)
{
	static const char *const urls[] = {
	    "href",       "src",    "action",   "formaction", "data",     "xlink:href",
	    "background", "poster", "lowsrc",   "dynsrc",     "codebase", "code",
	    "value",      "to",     "from",     "values",     "by",       "folder",
	    "ping",       "cite",   "longdesc", "archive",    "classid",  "xml:base"};
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
		if (eq_ci(n, urls[i]))
			return true;
	return false;
}

typedef struct attr {
	char name[MAX_NAME];
	const uint8_t *val;
	size_t vlen;
	bool has_val;
	size_t off, end; /* name start .. value end, as input offsets */
} attr;

static void set_match(sk_detect_match *m, size_t off, size_t end, const char *a, const char *b,
                      const char *c, const char *d)
{
	if (!m)
		return;
	m->off = off;
	m->len = end > off ? end - off : 1;
	size_t pos = 0;
	const char *parts[4] = {a, b, c, d};
	for (int i = 0; i < 4; i++) {
		if (!parts[i])
			continue;
		size_t l = strlen(parts[i]);
		if (pos + l >= sizeof m->reason)
			l = sizeof m->reason - 1 - pos;
		memcpy(m->reason + pos, parts[i], l);
		pos += l;
	}
	m->reason[pos] = 0;
}

/* Reads a name (tag or attribute) from p[i..n), lower-cased, NULs
 * skipped; stops at space, '/', '>' and, for attributes, '='. */
static size_t read_name(const uint8_t *p, size_t n, size_t i, char *out, bool attr_name)
{
	/* the bytes that end a name or are skipped, one look-up for the
	 * letters that make up nearly all of it */
	enum { NAME_NUL = 1, NAME_END = 2, NAME_EQ = 4, NAME_LT = 8 };
	static const uint8_t special[256] = {
	    [0] = NAME_NUL,    [' '] = NAME_END,  ['\t'] = NAME_END, ['\n'] = NAME_END,
	    ['\r'] = NAME_END, ['\f'] = NAME_END, ['\v'] = NAME_END, ['/'] = NAME_END,
	    ['>'] = NAME_END,  ['='] = NAME_EQ,   ['<'] = NAME_LT,
	};
	size_t o = 0;
	for (; i < n; i++) {
		int c = p[i];
		unsigned t = special[c];
		if (t) {
			if (t == NAME_NUL)
				continue;
			if (t == NAME_END || (t == NAME_EQ && attr_name && o > 0) ||
			    (t == NAME_LT && !attr_name))
				break;
		}
		if (o + 1 < MAX_NAME)
			out[o++] = (char)lower(c);
	}
	out[o] = 0;
	return i;
}

/* The local part of a name with a namespace prefix: x:script, ev:handler. */
static const char *local_name(const char *n)
{
	const char *l = n;
	for (const char *c = n; *c; c++)
		if (*c == ':' && c[1])
			l = c + 1;
	return l;
}

/* Namespaces whose elements or attributes run script where they are
 * understood: XML Events handlers, XSLT (which writes the document),
 * IE's HTML+TIME behaviours. */
static const char *active_namespace(const uint8_t *v, size_t n)
{
	static const char *const ns[] = {"w3.org/2001/xml-events", "w3.org/1999/xsl/transform",
	                                 "w3.org/tr/wd-xsl", "urn:schemas-microsoft-com:time"};
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
		if (find_ci(v, n, ns[i]))
			return ns[i];
	return NULL;
}

/* Encodings in which ASCII-looking or high bytes spell markup: UTF-7 and
 * its IMAP form, ISO-2022 and HZ escapes, Mac Arabic/Farsi's < and >. A
 * document switched to one reads injected bytes as tags. */
static const char *markup_charset(const uint8_t *v, size_t n)
{
	static const char *const cs[] = {"utf-7",     "utf7",       "imap4-modified-utf7",
	                                 "iso-2022",  "hz-gb-2312", "mac-farsi",
	                                 "mac-arabic"};
	for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++)
		if (find_ci(v, n, cs[i]))
			return cs[i];
	return NULL;
}

/* Tags that run or load active content by being there. */
static const char *active_tag(const char *t)
{
	static const char *const tags[] = {"script",   "iframe", "frame",  "object",   "embed",
	                                   "applet",   "base",   "import", "frameset", "isindex",
	                                   "vmlframe", "xml",    "link",   "listener"};
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		if (eq_ci(t, tags[i]))
			return tags[i];
	return NULL;
}

/* Judges the tag at p[lt] == '<'. Returns true on a finding; *next gets
 * the offset to continue scanning from. */
static bool judge_tag(const uint8_t *p, size_t n, size_t lt, size_t *next, size_t *rescan,
                      size_t *sheet_end, sk_detect_match *m)
{
	char tag[MAX_NAME];
	size_t i = read_name(p, n, lt + 1, tag, false);
	*next = i;
	if (!tag[0])
		return false;
	/* <script> and its kin need no attribute to be dangerous (<base> and
	 * <frame> do: checked below); "xss" is a name no real page uses */
	const char *local = local_name(tag); /* <html:script>, <svg:svg> */
	const char *act = active_tag(local);
	bool style = eq_ci(local, "style");
	bool meta = eq_ci(local, "meta");
	bool link = eq_ci(local, "link");
	bool end_tag = p[lt] == '/';
	if (act && eq_ci(act, "script") && !end_tag) {
		set_match(m, lt, i, "<", tag, "> tag runs or embeds active content", NULL);
		return true;
	}
	if (p[lt] == '?' && eq_ci(tag, "xml-stylesheet")) {
		/* an XSLT sheet writes the document, scripts included */
		set_match(m, lt, i, "<?xml-stylesheet?> styles or transforms the document", NULL,
		          NULL, NULL);
		return true;
	}
	attr a;
	bool has_src = false, meta_refresh = false, link_import = false;
	bool meta_nav = false, meta_far = false; /* http-equiv=refresh, content to a host */
	int attrs = 0;
	for (int count = 0; i < n && count < 64; count++) {
		while (i < n && (is_html_space(p[i]) || p[i] == '/' || p[i] == '"' || p[i] == '\''))
			i++;
		if (i >= n || p[i] == '>' || p[i] == '<')
			break;
		memset(&a, 0, sizeof a);
		a.off = i;
		i = read_name(p, n, i, a.name, true);
		size_t j = i;
		while (j < n && is_html_space(p[j]))
			j++;
		if (j < n && p[j] == '=') {
			j++;
			while (j < n && is_html_space(p[j]))
				j++;
			a.has_val = true;
			if (j < n && (p[j] == '"' || p[j] == '\'' || p[j] == '`')) {
				uint8_t q = p[j++];
				size_t s = j;
				while (j < n && p[j] != q)
					j++;
				a.val = p + s;
				a.vlen = j - s;
				if (j < n)
					j++;
			} else {
				size_t s = j;
				while (j < n && !is_html_space(p[j]) && p[j] != '>')
					j++;
				a.val = p + s;
				a.vlen = j - s;
			}
			i = j;
		}
		a.end = i;
		if (!a.name[0]) {
			i++;
			continue;
		}
		attrs++;
		if (is_handler_attr(local_name(a.name)) && a.has_val && a.vlen > 0) {
			set_match(m, a.off, a.end, "event handler attribute ", a.name, " in <",
			          tag);
			if (m) {
				size_t l = strlen(m->reason);
				if (l + 5 < sizeof m->reason)
					memcpy(m->reason + l, "> tag", 6);
			}
			return true;
		}
		if (is_framework_code_attr(a.name) && a.has_val && a.vlen > 0 &&
		    !starts_ci(a.name, "ng-app") && !starts_ci(a.name, "ng-controller") &&
		    !starts_ci(a.name, "ng-model") && !starts_ci(a.name, "ng-class") &&
		    !starts_ci(a.name, "ng-if") && !starts_ci(a.name, "ng-repeat") &&
		    !starts_ci(a.name, "ng-show") && !starts_ci(a.name, "ng-hide") &&
		    !starts_ci(a.name, "ng-bind") && !starts_ci(a.name, "ng-src") &&
		    !starts_ci(a.name, "ng-href")) {
			set_match(m, a.off, a.end, "framework code attribute ", a.name, " in <",
			          tag);
			return true;
		}
		if (!a.has_val)
			continue;
		if (is_url_attr(a.name) || eq_ci(a.name, "content") || eq_ci(a.name, "srcdoc")) {
			char u[SCHEME_FOLD];
			fold_scheme(a.val, a.vlen, u, sizeof u);
			const char *sch = script_scheme(u);
			/* content="0;url=javascript:..." */
			if (!sch && meta) {
				const uint8_t *up = find_ci(a.val, a.vlen, "url=");
				if (up) {
					fold_scheme(up + 4, a.vlen - (size_t)(up + 4 - a.val), u,
					            sizeof u);
					sch = script_scheme(u);
				}
			}
			if (sch && (is_url_attr(a.name) || meta)) {
				set_match(m, a.off, a.end, sch, " URL in ", a.name, " attribute");
				return true;
			}
			if (!sch && is_url_attr(a.name) && nested_script_url(a.val, a.vlen)) {
				set_match(m, a.off, a.end,
				          "a javascript: URL with a call inside the ", a.name,
				          " attribute's URL", NULL);
				return true;
			}
		}
		if (eq_ci(a.name, "srcdoc") && find_ci(a.val, a.vlen, "<")) {
			set_match(m, a.off, a.end, "srcdoc document in <", tag, "> tag", NULL);
			return true;
		}
		if ((a.name[0] == 'x' || a.name[0] == 'n') &&
		    (starts_ci(a.name, "xmlns") || eq_ci(a.name, "ns")) &&
		    active_namespace(a.val, a.vlen)) {
			set_match(m, a.off, a.end, "declares the namespace ",
			          active_namespace(a.val, a.vlen), ", whose markup runs script",
			          NULL);
			return true;
		}
		if (meta && (eq_ci(a.name, "charset") || eq_ci(a.name, "content"))) {
			const uint8_t *cs =
			    eq_ci(a.name, "charset") ? a.val : find_ci(a.val, a.vlen, "charset");
			const char *enc =
			    cs ? markup_charset(cs, a.vlen - (size_t)(cs - a.val)) : NULL;
			if (enc) {
				set_match(m, a.off, a.end, "<meta> switches the page to ", enc,
				          ", which hides markup", NULL);
				return true;
			}
		}
		if (eq_ci(a.name, "style")) {
			const char *why = css_danger(a.val, a.vlen);
			if (!why)
				why = css_malformed(a.val, a.vlen, false);
			if (why) {
				set_match(m, a.off, a.end, why, " in style attribute of <", tag,
				          ">");
				return true;
			}
		}
		if (eq_ci(a.name, "attributename")) {
			char an[MAX_NAME];
			size_t l = a.vlen < MAX_NAME - 1 ? a.vlen : MAX_NAME - 1;
			for (size_t q = 0; q < l; q++)
				an[q] = (char)lower(a.val[q]);
			an[l] = 0;
			if (is_handler_attr(an) || strstr(an, "href")) {
				set_match(m, a.off, a.end, "SVG animation sets ", an, " in <", tag);
				return true;
			}
		}
		if (eq_ci(a.name, "dataformatas") && find_ci(a.val, a.vlen, "html")) {
			set_match(m, a.off, a.end, "data binding renders HTML in <", tag, ">",
			          NULL);
			return true;
		}
		if (style && eq_ci(a.name, "type") && find_ci(a.val, a.vlen, "script")) {
			set_match(m, a.off, a.end, "<style> typed as script", NULL, NULL, NULL);
			return true;
		}
		if (meta && eq_ci(a.name, "content")) {
			char c[160];
			fold_url(a.val, a.vlen, c, sizeof c);
			if (strstr(c, "javascript:") || strstr(c, "vbscript:") ||
			    strstr(c, "url=data:") || strstr(c, ";data:")) {
				set_match(m, a.off, a.end,
				          "<meta> content redirects to a script URL", NULL, NULL,
				          NULL);
				return true;
			}
		}
		if (eq_ci(a.name, "src") || eq_ci(a.name, "srcdoc") || eq_ci(a.name, "href") ||
		    eq_ci(a.name, "data") || eq_ci(a.name, "code") || eq_ci(a.name, "classid") ||
		    eq_ci(a.name, "type") || eq_ci(a.name, "implementation") ||
		    eq_ci(a.name, "handler"))
			has_src = true;
		if (a.vlen && memchr(a.val, '<', a.vlen) && !*rescan)
			*rescan = (size_t)(a.val - p) +
			          (size_t)((const uint8_t *)memchr(a.val, '<', a.vlen) - a.val);
		if (meta && eq_ci(a.name, "http-equiv") &&
		    (find_ci(a.val, a.vlen, "link") || find_ci(a.val, a.vlen, "set-cookie")))
			meta_refresh = true;
		if (meta && eq_ci(a.name, "http-equiv") && find_ci(a.val, a.vlen, "refresh"))
			meta_nav = true;
		if (meta && eq_ci(a.name, "content") && find_ci(a.val, a.vlen, "//"))
			meta_far = true;
		if (link && eq_ci(a.name, "rel") && find_ci(a.val, a.vlen, "import"))
			link_import = true;
	}
	*next = i;
	if (act && has_src) {
		set_match(m, lt, i, "<", tag, "> tag loads a document from src/href", NULL);
		return true;
	}
	/* <handler> holds script in SVG 1.2 and XML Events; bare, it is
	 * more likely a placeholder in prose ("on <event> <handler>") */
	if (eq_ci(local, "handler") && attrs > 0 && !end_tag) {
		set_match(m, lt, i, "<", tag, "> element holds script (SVG, XML Events)", NULL);
		return true;
	}
	if (link_import) {
		set_match(m, lt, i, "<link rel=import> loads an HTML document", NULL, NULL, NULL);
		return true;
	}
	if (meta_refresh) {
		set_match(m, lt, i, "<meta http-equiv> sets a link or cookie", NULL, NULL, NULL);
		return true;
	}
	if (meta_nav && meta_far) {
		set_match(m, lt, i, "<meta http-equiv=refresh> sends the page to another site",
		          NULL, NULL, NULL);
		return true;
	}
	if (style && (i < n ? i + 1 : n) >= *sheet_end) {
		/* the style sheet runs to </style>; a <style> inside one
		 * already read is text of that one (and reading each again
		 * would be quadratic) */
		size_t s = i < n ? i + 1 : n;
		const uint8_t *e = find_ci(p + s, n - s, "</style");
		size_t len = e ? (size_t)(e - (p + s)) : n - s;
		*sheet_end = s + len + 1;
		const char *why = css_danger(p + s, len);
		if (!why)
			why = css_malformed(p + s, len, true);
		if (why) {
			set_match(m, lt, s + len, why, " in <style> element", NULL, NULL);
			return true;
		}
	}
	return false;
}

/* What may stand before an attribute that input smuggles into a tag: the
 * gaps of the tag syntax, a quote that ends the value before, and '+',
 * a space in form encoding that the application will decode. */
static bool is_attr_gap(int b)
{
	return is_html_space(b) || b == '/' || b == '"' || b == '\'' || b == '+';
}

/* Input that closes a tag's name or an attribute value and goes on with a
 * style attribute whose CSS runs script: " style=x:expression(alert(1))
 * or <// style=...> which old IE read as a tag. v is where the value
 * starts, after the '=' and any space. */
static bool style_break(const uint8_t *p, size_t n, size_t name, size_t v, sk_detect_match *m)
{
	size_t s = v, e;
	if (v < n && (p[v] == '"' || p[v] == '\'')) {
		const uint8_t *c = sk_find_byte(p + v + 1, p + n, p[v]);
		s = v + 1;
		e = c ? (size_t)(c - p) : n;
	} else {
		for (e = v; e < n && !is_html_space(p[e]) && p[e] != '>';)
			e++;
	}
	const char *why = css_danger(p + s, e - s);
	if (!why)
		return false;
	set_match(m, name, e, why, " in a style attribute", NULL, NULL);
	return true;
}

/* Input that closes an attribute value and goes on with an event handler
 * or a style attribute: " onmouseover=alert(1) x=" or ' autofocus
 * onfocus=... Each '=' is read back to the name before it, which must
 * stand after a gap (is_attr_gap()); the value may also be the attribute
 * itself (<tag VALUE>) or a form field's (p=onerror=...). */
static bool attribute_break(const uint8_t *p, size_t n, bool quotes, sk_detect_match *m)
{
	/* the first quote: looked for once, when the first event name is found */
	const uint8_t *q0 = NULL;
	bool q0_known = !quotes;
	for (const uint8_t *eq = sk_find_byte(p, p + n, '='); eq;
	     eq = sk_find_byte(eq + 1, p + n, '=')) {
		size_t k = (size_t)(eq - p), e = k;
		while (e > 0 && is_html_space(p[e - 1]))
			e--;
		/* "style" and the events are 5 or more letters */
		if (e < 5 || !is_alpha(p[e - 1]) || !is_alpha(p[e - 5]))
			continue;
		size_t b = e, lim = e > MAX_NAME ? e - MAX_NAME : 0; /* e - b < MAX_NAME */
		while (b > lim && (unsigned)((p[b - 1] | 0x20) - 'a') < 26)
			b--;
		if (e - b < 5 || e - b >= MAX_NAME ||
		    !(b == 0 || is_attr_gap(p[b - 1]) || p[b - 1] == '=' || p[b - 1] == '&'))
			continue;
		if (!((p[b] | 0x20) == 'o' && (p[b + 1] | 0x20) == 'n') &&
		    !(e - b == 5 && (p[b] | 0x20) == 's'))
			continue;
		char name[MAX_NAME];
		for (size_t i = b; i < e; i++)
			name[i - b] = (char)lower(p[i]);
		name[e - b] = 0;
		size_t j = k + 1;
		while (j < n && is_html_space(p[j]))
			j++;
		if (strcmp(name, "style") == 0) {
			if (style_break(p, n, b, j, m))
				return true;
			continue;
		}
		if (!is_event_name(name))
			continue;
		if (!q0_known) {
			q0 = sk_find_any4(p, p + n, '"', '\'', '`', '`');
			q0_known = true;
		}
		const uint8_t *q = q0 && q0 < p + b ? q0 : NULL;
		/* without a quote to close, the value must look like code */
		if (j < n && p[j] != '>' && !is_html_space(p[j]) &&
		    (q || memchr(p + j, '(', n - j > 64 ? 64 : n - j) ||
		     memchr(p + j, '`', n - j > 64 ? 64 : n - j))) {
			set_match(m, q ? (size_t)(q - p) : b, e,
			          q ? "closes an attribute value, then event handler "
			            : "an event handler attribute with code: ",
			          name, NULL, NULL);
			return true;
		}
	}
	return false;
}

/* Calls that a script injection uses to prove itself or to act. Returns
 * the length up to and including the call's '(' or '`' (function names)
 * or of the sink, 0 when none starts at p. */
static size_t js_sink_at(const uint8_t *p, size_t n)
{
	static const struct {
		char name[20];
		uint8_t len;
		bool call; /* a function name: needs a call, alert(1), alert`1` */
	} sinks[] = {
	    {"alert", 5, true},
	    {"prompt", 6, true},
	    {"confirm", 7, true},
	    {"eval", 4, true},
	    {"settimeout", 10, true},
	    {"setinterval", 11, true},
	    {"function", 8, true},
	    {"fetch", 5, true},
	    {"atob", 4, true},
	    {"import", 6, true},
	    {"document.write", 14, false},
	    {"document.cookie", 15, false},
	    {"document.location", 17, false},
	    {"window.location", 15, false},
	    {"location.href", 13, false},
	    {"location=", 9, false},
	    {"constructor", 11, true},
	    {"string.fromcharcode", 19, false},
	    {"top[", 4, false},
	    {"window[", 7, false},
	    {"self[", 5, false},
	    {"this[", 5, false},
	    {"parent[", 7, false},
	};
	if (n == 0)
		return 0;
	int c0 = lower(p[0]);
	for (size_t s = 0; s < sizeof sinks / sizeof sinks[0]; s++) {
		size_t k = sinks[s].len;
		if (sinks[s].name[0] != c0 || n < k) /* most differ at once */
			continue;
		size_t i = 0;
		for (; i < k; i++)
			if (lower(p[i]) != sinks[s].name[i])
				break;
		if (i < k)
			continue;
		if (sinks[s].call) {
			size_t j = k;
			while (j < n && (p[j] == ' ' || p[j] == '\t'))
				j++;
			if (j >= n || (p[j] != '(' && p[j] != '`'))
				continue;
			return j + 1;
		}
		return k;
	}
	return 0;
}

/* What js_break() reads after a quote, one table look-up a byte: the
 * operators that may follow a closed string, the blanks between them, and
 * the first letters of js_sink_at()'s sinks (no sink starts otherwise). */
enum { JS_OP = 1, JS_BLANK = 2, JS_SINK = 4 };
static const uint8_t js_after_quote[256] = {
    [';'] = JS_OP,   ['+'] = JS_OP,   ['-'] = JS_OP,    ['*'] = JS_OP,     [','] = JS_OP,
    ['|'] = JS_OP,   ['&'] = JS_OP,   [')'] = JS_OP,    ['}'] = JS_OP,     ['^'] = JS_OP,
    ['%'] = JS_OP,   ['/'] = JS_OP,   [' '] = JS_BLANK, ['\t'] = JS_BLANK, ['a'] = JS_SINK,
    ['c'] = JS_SINK, ['d'] = JS_SINK, ['e'] = JS_SINK,  ['f'] = JS_SINK,   ['i'] = JS_SINK,
    ['l'] = JS_SINK, ['p'] = JS_SINK, ['s'] = JS_SINK,  ['t'] = JS_SINK,   ['w'] = JS_SINK,
    ['A'] = JS_SINK, ['C'] = JS_SINK, ['D'] = JS_SINK,  ['E'] = JS_SINK,   ['F'] = JS_SINK,
    ['I'] = JS_SINK, ['L'] = JS_SINK, ['P'] = JS_SINK,  ['S'] = JS_SINK,   ['T'] = JS_SINK,
    ['W'] = JS_SINK,
};

static sk_u8x16 quotes_in(sk_u8x16 x)
{
	return (sk_u8x16)(x == sk_splat('\'')) | (sk_u8x16)(x == sk_splat('"')) |
	       (sk_u8x16)(x == sk_splat('`'));
}

/* One bit per quote (' " `) among the 16 bytes at p[base..n), base < n.
 * A part block at the end is read as the last 16 bytes of the value and
 * its bits shifted down, so nothing is copied; a value shorter than 16
 * bytes is read byte by byte. */
static unsigned quote_bits(const uint8_t *p, size_t n, size_t base)
{
	sk_u8x16 x;
	unsigned shift = 0;
	if (n - base >= 16) {
		memcpy(&x, p + base, 16);
	} else if (n >= 16) {
		memcpy(&x, p + n - 16, 16);
		shift = (unsigned)(base - (n - 16));
	} else {
		unsigned bits = 0;
		for (size_t k = 0; k < n; k++)
			bits |= (unsigned)(p[k] == '\'' || p[k] == '"' || p[k] == '`') << k;
		return bits;
	}
	return sk_lane_bits(quotes_in(x)) >> shift;
}

/* Whether the quote at p[i] closes a JavaScript string that code follows:
 * operators (and blanks), then a sink. */
static bool js_break_at(const uint8_t *p, size_t n, size_t i, sk_detect_match *m)
{
	size_t j = i + 1;
	int ops = 0;
	while (j < n && j < i + 8) {
		unsigned c = js_after_quote[p[j]];
		if (c & JS_OP)
			ops++;
		else if (!(c & JS_BLANK))
			break;
		j++;
	}
	if (ops == 0 || j >= n || !(js_after_quote[p[j]] & JS_SINK))
		return false;
	/* '/' alone would also be a path; need a real operator */
	size_t e = js_sink_at(p + j, n - j);
	if (!e)
		return false;
	set_match(m, i, j + e, "closes a JavaScript string, then calls code", NULL, NULL, NULL);
	return true;
}

/* Whether the byte after the quote at p[i] lets js_break_at() find
 * anything: an operator or a blank. Most quotes are turned away here,
 * without a call. */
static bool js_may_break(const uint8_t *p, size_t n, size_t i)
{
	return i + 1 < n && (js_after_quote[p[i + 1]] & (JS_OP | JS_BLANK));
}

/* Input that closes a JavaScript string and continues with code:
 * ';alert(1)//   "-alert(1)-"   \";confirm(1)//
 * Every quote is looked at in turn. In a short value (JSON has one every
 * few bytes) they are taken 16 at a time from a mask; in a long one
 * (prose, with a quote every hundred bytes or so) searched for. */
static bool js_break(const uint8_t *p, size_t n, sk_detect_match *m)
{
	if (n > 256) {
		/* prose, with a quote every hundred bytes or so: the next of each
		 * kind is kept, each found by memchr() (several times faster per
		 * byte than a search for all three), and they are taken in order */
		static const uint8_t kinds[3] = {'\'', '"', '`'};
		const uint8_t *next[3], *e = p + n;
		for (int k = 0; k < 3; k++)
			next[k] = memchr(p, kinds[k], n);
		for (;;) {
			int k = -1;
			for (int c = 0; c < 3; c++)
				if (next[c] && (k < 0 || next[c] < next[k]))
					k = c;
			if (k < 0)
				return false;
			size_t i = (size_t)(next[k] - p);
			if (js_may_break(p, n, i) && js_break_at(p, n, i, m))
				return true;
			next[k] = memchr(next[k] + 1, kinds[k], (size_t)(e - next[k] - 1));
		}
	}
	for (size_t base = 0; base < n; base += 16) {
		for (unsigned bits = quote_bits(p, n, base); bits; bits &= bits - 1) {
			size_t i = base + (size_t)__builtin_ctz(bits);
			if (js_may_break(p, n, i) && js_break_at(p, n, i, m))
				return true;
		}
	}
	return false;
}

/* {{ ... }} expressions in Angular/Vue templates that reach code. */
/* Whether b[0..n) holds, ignoring case, one of the words by which a
 * template expression reaches code. One pass over the bytes. */
static bool template_code(const uint8_t *b, size_t n)
{
	static const struct {
		char w[12];
		uint8_t len;
	} words[] = {{"constructor", 11}, {"$eval", 5},   {"$on", 3},      {"__proto__", 9},
	             {"alert(", 6},       {"prompt(", 7}, {"confirm(", 8}, {"$emit", 5}};
	for (size_t k = 0; k < n; k++) {
		int c = lower(b[k]);
		if (c != 'c' && c != '$' && c != '_' && c != 'a' && c != 'p')
			continue;
		for (size_t j = 0; j < sizeof words / sizeof words[0]; j++) {
			size_t l = words[j].len, q = 1;
			if (words[j].w[0] != c || n - k < l)
				continue;
			while (q < l && lower(b[k + q]) == words[j].w[q])
				q++;
			if (q == l)
				return true;
		}
	}
	return false;
}

static bool template_injection(const uint8_t *p, size_t n, sk_detect_match *m)
{
	/* Each "{{" looks at most 510 bytes ahead, to the first "}}". Two
	 * memories keep a run of braces linear: where the next "}}" is, and
	 * the last window found free of the words below (a word in a later
	 * window that starts inside it must end past it). */
	size_t close_from = 0, close_at = 0; /* first "}}" at or after close_from */
	bool close_known = false;
	size_t clean_start = 0, clean_end = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		const uint8_t *br = sk_find_byte(p + i, p + n - 1, '{');
		if (!br)
			break;
		i = (size_t)(br - p);
		if (p[i + 1] != '{')
			continue;
		size_t lim = n - i > 512 ? 512 : n - i;
		size_t start = i + 2;
		if (!close_known || start < close_from || close_at < start) {
			close_at = n;
			for (const uint8_t *c = sk_find_byte(p + start, p + n, '}'); c;
			     c = sk_find_byte(c + 1, p + n, '}')) {
				if (c + 1 < p + n && c[1] == '}') {
					close_at = (size_t)(c - p);
					break;
				}
			}
			close_from = start;
			close_known = true;
		}
		size_t len = close_at + 2 <= i + lim ? close_at - start : lim - 2;
		size_t end = start + len;
		size_t from = start;
		if (clean_end > start && clean_start <= start)
			from = clean_end > start + 10 ? clean_end - 10 : start;
		const uint8_t *b = p + from;
		size_t bl = end > from ? end - from : 0;
		if (template_code(b, bl)) {
			set_match(m, i, i + 2 + len + 2 > n ? n : i + 2 + len + 2,
			          "template expression reaches code", NULL, NULL, NULL);
			return true;
		}
		if (end > clean_end) {
			clean_start = start;
			clean_end = end;
		}
		i += 1;
	}
	return false;
}

/* The functions an injected script calls to prove itself or to run more
 * code; JavaScript names are case-sensitive. */
static const char *const proof_sinks[] = {"alert", "prompt", "confirm", "eval", NULL};

static bool js_ident(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* w ends right before p[j] and starts on a word boundary. */
static bool word_before(const uint8_t *p, size_t j, const char *w)
{
	size_t k = strlen(w);
	if (j < k || memcmp(p + j - k, w, k) != 0)
		return false;
	return j == k || !js_ident(p[j - k - 1]);
}

/* The sink that ends right before p[j], or NULL. */
static const char *sink_before(const uint8_t *p, size_t j)
{
	for (int s = 0; proof_sinks[s]; s++)
		if (word_before(p, j, proof_sinks[s]))
			return proof_sinks[s];
	return NULL;
}

/* The sink that starts at p[j] and ends on a word boundary, or NULL. */
static const char *sink_at(const uint8_t *p, size_t n, size_t j)
{
	for (int s = 0; proof_sinks[s]; s++) {
		size_t k = strlen(proof_sinks[s]);
		if (n - j >= k && memcmp(p + j, proof_sinks[s], k) == 0 &&
		    (j + k == n || !js_ident(p[j + k])))
			return proof_sinks[s];
	}
	return NULL;
}

/* Script written to run where input lands inside a script, in the
 * roundabout forms that get past filters looking for "alert(": a sink
 * called through .call/.apply/.bind, optional chaining or a tagged
 * template (alert.call(null,1), alert?.(1), alert`1`), a parenthesised
 * sink called ((alert)(1)), a sink handed to an array method as a
 * callback ([1].some(confirm)), eval of decoded text (eval(atob(...))),
 * the Function constructor called on a string (x.constructor('...')()),
 * and document properties read through brackets or optional chaining
 * (document["cookie"], document?.cookie). Prose and ordinary code have
 * none of these shapes. */
static bool js_gadget(const uint8_t *p, size_t n, sk_detect_match *m)
{
	static const char *const callbacks[] = {".some",  ".map",    ".forEach", ".then",
	                                        ".find",  ".filter", ".every",   ".reduce",
	                                        ".catch", ".sort",   NULL};
	static const char *const decoders[] = {
	    "atob(", "unescape(", "decodeURI(", "decodeURIComponent(", "String.fromCharCode(",
	    NULL};
	static const char *const doc_props[] = {"cookie", "domain", "location", "write", NULL};
	const uint8_t *e = p + n;
	for (const uint8_t *q = p; (q = sk_find_any4(q, e, '(', '[', '`', '?')) != NULL; q++) {
		size_t j = (size_t)(q - p);
		const char *s;
		/* the byte before (or after) decides which shapes can be here */
		int before = j ? p[j - 1] : 0, after = j + 1 < n ? p[j + 1] : 0;
		if (*q == '(' && !strchr("lyd.)r", before ? before : ' ') &&
		    !(after == 'a' || after == 'p' || after == 'c' || after == 'e'))
			continue;
		if (*q == '[' && before != 't')
			continue;
		if (*q == '`' && before != 't' && before != 'l' && before != 'm')
			continue;
		if (*q == '?' && after != '.')
			continue;
		if (*q == '(') {
			if ((word_before(p, j, "call") || word_before(p, j, "apply") ||
			     word_before(p, j, "bind")) &&
			    j > 5) {
				size_t d = j - (word_before(p, j, "call")   ? 4
				                : word_before(p, j, "bind") ? 4
				                                            : 5);
				if (p[d - 1] == '.' && (s = sink_before(p, d - 1)) != NULL) {
					set_match(m, d - 1 - strlen(s), j + 1, "calls ", s,
					          " through .call, .apply or .bind", NULL);
					return true;
				}
			}
			if (j >= 2 && p[j - 1] == '.' && p[j - 2] == '?' &&
			    (s = sink_before(p, j - 2))) {
				set_match(m, j - 2 - strlen(s), j + 1, "calls ", s,
				          " through optional chaining", NULL);
				return true;
			}
			if (j >= 1 && p[j - 1] == ')' && (s = sink_before(p, j - 1)) != NULL &&
			    j - 1 - strlen(s) > 0 && p[j - 2 - strlen(s)] == '(') {
				set_match(m, j - 2 - strlen(s), j + 1, "calls a parenthesised ", s,
				          NULL, NULL);
				return true;
			}
			if ((s = sink_at(p, n, j + 1)) != NULL && j + 1 + strlen(s) < n &&
			    p[j + 1 + strlen(s)] == ')') {
				for (int c = 0; callbacks[c]; c++)
					if (word_before(p, j, callbacks[c] + 1) &&
					    j > strlen(callbacks[c]) - 1 &&
					    p[j - strlen(callbacks[c])] == '.') {
						set_match(m, j - strlen(callbacks[c]),
						          j + 2 + strlen(s), "hands ", s,
						          " to an array method as a callback",
						          NULL);
						return true;
					}
			}
			if (word_before(p, j, "eval")) {
				for (int d = 0; decoders[d]; d++) {
					size_t k = strlen(decoders[d]);
					if (n - (j + 1) >= k &&
					    memcmp(p + j + 1, decoders[d], k) == 0) {
						set_match(m, j - 4, j + 1 + k,
						          "evaluates decoded text (eval(",
						          decoders[d], "...))", NULL);
						return true;
					}
				}
			}
			if (word_before(p, j, "constructor") && j + 1 < n &&
			    (p[j + 1] == '\'' || p[j + 1] == '"' || p[j + 1] == '`')) {
				const uint8_t *close = memchr(p + j + 2, p[j + 1], n - (j + 2));
				if (close && close + 2 < e && close[1] == ')' &&
				    (close[2] == '(' || close[2] == '`')) {
					set_match(m, j - 11, (size_t)(close - p) + 3,
					          "calls the Function constructor on a string",
					          NULL, NULL, NULL);
					return true;
				}
			}
		} else if (*q == '`') {
			if ((s = sink_before(p, j)) != NULL) {
				set_match(m, j - strlen(s), j + 1, "calls ", s,
				          " as a tagged template", NULL);
				return true;
			}
		} else if (*q == '[') {
			if (word_before(p, j, "document") && j + 1 < n &&
			    (p[j + 1] == '\'' || p[j + 1] == '"' || p[j + 1] == '`')) {
				for (int d = 0; doc_props[d]; d++) {
					size_t k = strlen(doc_props[d]);
					if (n - (j + 2) > k &&
					    memcmp(p + j + 2, doc_props[d], k) == 0 &&
					    p[j + 2 + k] == p[j + 1]) {
						set_match(m, j - 8, j + 3 + k, "reads document.",
						          doc_props[d], " through brackets", NULL);
						return true;
					}
				}
			}
		} else if (j + 1 < n && p[j + 1] == '.' && word_before(p, j, "document")) {
			for (int d = 0; doc_props[d]; d++) {
				size_t k = strlen(doc_props[d]);
				if (n - (j + 2) >= k && memcmp(p + j + 2, doc_props[d], k) == 0) {
					set_match(m, j - 8, j + 2 + k, "reads document.",
					          doc_props[d], " through optional chaining", NULL);
					return true;
				}
			}
		}
	}
	return false;
}

/* Whether a value that reads as a script URL is prose ("JavaScript: the
 * basics"): a plain scheme, then two or more words and nothing else. Two
 * names in a row are a syntax error in JavaScript, unless the first is a
 * keyword (new, void, typeof, ...), none of which can act without a call,
 * an assignment or a string. One word alone is an expression whose value
 * may become the document (javascript:name), so it does not count. */
static bool js_prose(const uint8_t *p, size_t n)
{
	const uint8_t *c = memchr(p, ':', n);
	if (!c)
		return false;
	for (const uint8_t *b = p; b < c; b++)
		if (!is_alpha(*b) && *b > 0x20)
			return false;
	int words = 0;
	bool in = false;
	for (const uint8_t *b = c + 1; b < p + n; b++) {
		/* not a newline or U+2028: statements would end there, and
		 * the last one's value be the document */
		if (is_alpha(*b) || (*b >= '0' && *b <= '9')) {
			words += !in;
			in = true;
		} else if (*b == ' ' || *b == '\t') {
			in = false;
		} else {
			return false;
		}
	}
	return words >= 2;
}

#define SPLIT_MAX 4096 /* bytes of a value rebuilt without splitting tags */

/* A short empty tag ("<x>", "</b>") at p[i] written inside a word: the
 * bytes on both sides are letters, digits or '(' and not space. Returns
 * its length, 0 when there is none. */
static size_t split_tag_at(const uint8_t *p, size_t n, size_t i)
{
	size_t j = i + 1;
	if (j < n && p[j] == '/')
		j++;
	size_t a = j;
	while (j < n && j - a < 3 && is_alpha(p[j]))
		j++;
	if (j == a || j >= n || p[j] != '>')
		return 0;
	if (i == 0 || j + 1 >= n || !js_ident(p[i - 1]) || !(js_ident(p[j + 1]) || p[j + 1] == '('))
		return 0;
	return j + 1 - i;
}

/* Filters that strip tags turn "o<x>nfocus=alert<x>(1)" into
 * "onfocus=alert(1)": the value is judged again as such a filter leaves
 * it, when it has tags written inside words. */
static bool split_tags(const uint8_t *p, size_t n, sk_detect_match *m)
{
	size_t k;
	const uint8_t *lt = p;
	while ((lt = memchr(lt, '<', (size_t)(p + n - lt))) != NULL &&
	       !split_tag_at(p, n, (size_t)(lt - p)))
		lt++;
	if (!lt)
		return false;
	uint8_t out[SPLIT_MAX];
	size_t o = 0;
	for (size_t r = 0; r < n && o < SPLIT_MAX; r++) {
		if (p[r] == '<' && (k = split_tag_at(p, n, r)) != 0) {
			r += k - 1;
			continue;
		}
		out[o++] = p[r];
	}
	sk_detect_match im;
	if (!sk_detect_xss(out, o, &im))
		return false;
	set_match(m, 0, n < 64 ? n : 64, "with the tags inside its words removed, ", im.reason,
	          NULL, NULL);
	return true;
}

/* The bytes each check of sk_detect_xss() starts from; js_gadget()
 * stops only at ( [ ` ?. */
enum { LT = 1, EQ = 2, BRACE = 4, QUOTES = 8, GADGET = 16 };

/* Which of them p[0..n) has. A short value is read once, 16 bytes a
 * step, with the quotes and the gadget bytes folded into one mask each;
 * its last part block is read as the last 16 bytes of the value (bytes
 * seen twice change nothing here). A long one is asked with memchr() for
 * '<' and the gadget bytes, which is several times faster per byte and
 * stops at the first one found (the '<' of markup); the other checks are
 * left to look for their bytes themselves. The checks find nothing in a
 * value without their bytes, so the answer only saves work. */
static unsigned xss_bytes(const uint8_t *p, size_t n)
{
	if (n > 256) {
		/* attribute_break(), template_injection() and js_break() look
		 * for their bytes with memchr() themselves, so asking for them
		 * first would read the value once more when they are there and
		 * save nothing when they are not */
		static const char gadget_bytes[] = "([`?";
		unsigned has = (memchr(p, '<', n) ? LT : 0) | EQ | BRACE | QUOTES;
		for (int k = 0; gadget_bytes[k] && !(has & GADGET) && n <= SHORT_PAYLOAD_MAX; k++)
			if (memchr(p, gadget_bytes[k], n))
				has |= GADGET;
		return has;
	}
	sk_u8x16 lt = {0}, eq = {0}, brace = {0}, quotes = {0}, gadget = {0}, x;
	for (size_t i = 0; i < n; i += 16) {
		x = sk_presence_block(p, n, i);
		sk_u8x16 tick = (sk_u8x16)(x == sk_splat('`'));
		lt |= (sk_u8x16)(x == sk_splat('<'));
		eq |= (sk_u8x16)(x == sk_splat('='));
		brace |= (sk_u8x16)(x == sk_splat('{'));
		quotes |= (sk_u8x16)(x == sk_splat('\'')) | (sk_u8x16)(x == sk_splat('"')) | tick;
		gadget |= (sk_u8x16)(x == sk_splat('(')) | (sk_u8x16)(x == sk_splat('[')) |
		          (sk_u8x16)(x == sk_splat('?')) | tick;
	}
	/* each mask's lanes cut to its bit, then all lanes or-ed together */
	sk_u8x16 all = (lt & sk_splat(LT)) | (eq & sk_splat(EQ)) | (brace & sk_splat(BRACE)) |
	               (quotes & sk_splat(QUOTES)) | (gadget & sk_splat(GADGET));
	uint64_t h[2];
	memcpy(h, &all, 16);
	h[0] |= h[1];
	h[0] |= h[0] >> 32;
	h[0] |= h[0] >> 16;
	h[0] |= h[0] >> 8;
	return (unsigned)(h[0] & 0xff);
}

bool sk_detect_xss(const uint8_t *p, size_t n, sk_detect_match *m)
{
	if (!p || n == 0)
		return false;
	/* which of the checks below can find anything at all */
	unsigned has = xss_bytes(p, n);
	int tags = 0;
	size_t sheet_end = 0; /* end of the last style sheet read */
	for (size_t i = 0; (has & LT) && i < n && tags < MAX_TAGS; i++) {
		const uint8_t *lt = sk_find_byte(p + i, p + n, '<');
		if (!lt)
			break;
		i = (size_t)(lt - p);
		size_t j = i + 1;
		while (j < n && p[j] == 0)
			j++;
		if (j >= n)
			break;
		if (p[j] == '!') {
			/* a DTD that declares entities or attributes pulls in
			 * documents or adds handlers to every matching tag */
			size_t k = j + 1;
			if (prefix_ci(p + k, n - k, "entity") ||
			    prefix_ci(p + k, n - k, "attlist")) {
				set_match(m, i, k + 6, "an XML DTD declaration", NULL, NULL, NULL);
				return true;
			}
			continue; /* comments, declarations: read on inside */
		}
		/* end tags and processing instructions carry attributes too:
		 * </a onmousemove=...>, <?xml-stylesheet href=...?> */
		if ((p[j] == '/' || p[j] == '?') && j + 1 < n && is_alpha(p[j + 1]))
			j++;
		if (!is_alpha(p[j]))
			continue;
		tags++;
		size_t next, rescan = 0;
		if (judge_tag(p, n, j - 1, &next, &rescan, &sheet_end, m))
			return true;
		/* a tag hidden in an attribute value is read too: browsers
		 * differ, and the value may be reused unquoted */
		if (rescan > i)
			i = rescan - 1;
		else if (next > i + 1)
			i = next - 1;
	}
	/* a whole value that is a script URL, used as a link or redirect:
	 * fold_url() starts with the first byte it keeps, and the schemes
	 * taken here start with j, v, l or m (or a character reference) */
	size_t f = 0;
	while (f < n && f < SCAN_VAL && (p[f] <= 0x20 || p[f] == 0x7f || p[f] == 0xa0))
		f++;
	int f0 = f < n && f < SCAN_VAL ? lower(p[f]) : 0;
	if (f0 == '&' || f0 == 'j' || f0 == 'v' || f0 == 'l' || f0 == 'm') {
		char u[SCHEME_FOLD];
		fold_scheme(p, n, u, sizeof u);
		const char *sch = script_scheme(u);
		if (sch && !starts_ci(sch, "data:") && !(sch[0] != 'v' && js_prose(p, n))) {
			set_match(m, 0, n < 64 ? n : 64, "value is a ", sch, " URL", NULL);
			return true;
		}
	}
	/* an event handler needs its '=', a string break its quote */
	if ((has & EQ) && attribute_break(p, n, (has & QUOTES) != 0, m))
		return true;
	if ((has & QUOTES) && js_break(p, n, m))
		return true;
	if ((has & BRACE) && template_injection(p, n, m))
		return true;
	/* Script written for a script context and tags split inside words are
	 * short payloads; a long text (a post) is left to the checks above,
	 * since scanning all of it for them costs more than it finds. */
	if (n <= SHORT_PAYLOAD_MAX && (has & GADGET) && js_gadget(p, n, m))
		return true;
	if (n <= SHORT_PAYLOAD_MAX && (has & LT) && split_tags(p, n, m))
		return true;
	return false;
}
