#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"

static const char *const attacks[] = {
    "alert.call(null,1)",
    "prompt.apply(null, [1])",
    "(alert)(1)",
    "alert?.(document.domain)",
    "[1].some(confirm)",
    "alert`1`",
    "eval(atob(\"YWxlcnQoMSk=\"))",
    "x.constructor('alert(1)')()",
    "document[\"cookie\"]",
    "document?.cookie",
    "\"autof<x>ocus o<x>nfocus=alert<x>(1)//",
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script",
    "<ScRiPt>confirm(document.domain)</sCrIpT>",
    "\"><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=\"x\" onerror=\"alert(1)\">",
    "<svg/onload=alert(1)>",
    "<svg onload=alert(1)//",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<div onmouseover='alert(1)'>hover</div>",
    "<details open ontoggle=alert(1)>",
    "<x onclick=alert(1)>click",
    "<img\tsrc=x\nonerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<iframe src=javascript:alert(1)>",
    "<object data=\"evil.swf\"></object>",
    "<embed src=\"evil.swf\">",
    "<base href=\"https://evil.example/\">",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"java\tscript:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\" \x01javascript:alert(1)\">x</a>",
    "<a href=vbscript:msgbox(1)>x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<button formaction=javascript:alert(1)>go</button>",
    "<math><a xlink:href=\"javascript:alert(1)\">x</a></math>",
    "<table background=\"javascript:alert(1)\">",
    "<video poster=javascript:alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=data:text/html,<script>alert(1)</script>\">",
    "<link rel=\"import\" href=\"https://evil.example/x.html\">",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<div style=\"width: expression(alert(1))\">",
    "<div style=\"x:exp/**/ression(alert(1))\">",
    "<div style=\"background-image:url(\\6a avascript:alert(1))\">",
    "\" onmouseover=\"alert(1)\" x=\"",
    "\" onmouseover=alert(1) x=\"",
    "' autofocus onfocus='alert(1)",
    "x onerror=alert(1)>",
    "';alert(1)//",
    "\";alert(document.cookie);//",
    "'-alert(1)-'",
    "\\\";confirm(1)//",
    "{{constructor.constructor('alert(1)')()}}",
    "{{$on.constructor('alert(1)')()}}",
    "<div ng-click=\"$event.view.alert(1)\">",
    "javascript:alert(1)",
    "  JAVASCRIPT:alert(document.domain)",
    "<!--<img src=x onerror=alert(1)>-->",
    "</a onmousemove=\"alert(1)\">",
    "<set attributeName=\"onmouseover\" to=\"alert(1)\"/>",
    "<?xml-stylesheet href=\"javascript:alert(1)\"?>",
    "<img src=\"x` `<script>alert(1)</script>\"` `>",
    /* namespace prefixes: the local name decides */
    "<h:script>go()</h:script>",
    "<svg:rect svg:onclick=\"go()\">",
    /* XML Events, SVG 1.2 handlers, XSLT, IE behaviours */
    "<foo xmlns:e=\"http://www.w3.org/2001/xml-events\" e:event=\"click\">",
    "<handler type=\"application/ecmascript\">go()</handler>",
    "<listener event=\"click\" handler=\"#h\"/>",
    "<t xmlns:x=\"http://www.w3.org/1999/XSL/Transform\">",
    "<?xml-stylesheet type=\"text/xsl\" href=\"/t.xsl\"?>",
    "<import implementation=\"#default#x\">",
    /* DTDs that pull in documents or add attributes */
    "<!DOCTYPE d [<!ENTITY e SYSTEM \"https://evil.example/\">]><d>&e;</d>",
    "<!ATTLIST a onclick CDATA \"go()\">",
    /* <meta> that switches the encoding or leaves for another site */
    "<meta charset=\"utf-7\">",
    "<meta http-equiv=\"content-type\" content=\"text/html;charset=ISO-2022-JP\">",
    "<meta http-equiv=\"refresh\" content=\"1; url=https://evil.example/\">",
    /* XML markup an island's parser drops from a value */
    "<img src=\"java<!-- x -->script:go()\">",
    "<img src=\"java]]><![CDATA[script:go()\">",
    /* handlers and style attributes smuggled without a tag */
    "onclick=go()",
    "p=onfocus=go()",
    "x+onload=go()",
    "\" style=\"width:expression(go())",
    "<// style=x:expression\\28go()\\29>",
    "'+style=background:url(javascript:go())",
    /* CSS: comments are not comments inside strings; XBL binding */
    "<a style=\"x:'/*';ex/**/pression(go())\">",
    "<div style=\"binding:url(x.xml#b)\">",
    /* CSS that parsers recover from differently */
    "<div style=\"color:red}body{background:red\">",
    "<div style=\"[x]color:red\">",
    "<div style=\"col/**/or:red\">",
    "<div style=\"\\63olor:red\">",
    "<div style=\"background:url(a b.png)\">",
    "<div style=\"background:url(a/*b.png)\">",
    "<div style=\"font-family:'a;color:red'\">",
    "<div style=\"font-family:'abc\nx\">",
    "<div style=\"color:red/* open\">",
    "<style>a{color:red[}]</style>",
    "<style>a{content:'<!--'}</style>",
    /* one name may be an expression whose value becomes the document */
    "javascript:name",
    "javascript:top\nname",
    /* CSS pulling in an SVG document (which carries its own script) */
    "<div style=content:url(test2.svg)></div>",
    "<path d=\"M0,0\" style=\"marker-start:url(test4.svg#a)\"/>",
    "<style>@font-face {font-family: y; src: url(\"font.svg#x\")}</style>",
    "<div style=\"background:url(data:image/svg+xml;base64,PHN2Zz4=)\">",
    /* a script URL inside another URL: a redirect target, a second
     * scheme after a mangled first one */
    "<a href=\"/go?to=javascript:alert(document.cookie)\">x</a>",
    "<a href=\"jav&#65ascript:javascript:alert(1)\">test1</a>",
    /* the same spelt so that only folding shows the scheme: blanks and
     * case, a character reference, an escape */
    "<a href=\"/go?to=JAVA SCRIPT:alert(1)\">x</a>",
    "<a href=\"/go?to=javas&#99;ript:alert(1)\">x</a>",
    "<a href=\"/go?to=java\tscript\n:alert(1)\">x</a>",
};

static const char *const benign[] = {
    "Please confirm (alert) the team",
    "use eval(x) carefully",
    "the document[\"title\"] field",
    "We print(alert) stuff",
    "a<b>bold</b>text and x<i>y</i>",
    "call the function.call(this) later",
    "<p>Hello <b>world</b></p>",
    "<a href=\"https://example.com/docs\">docs</a>",
    "<a href=\"/javascript/guide\">JavaScript guide</a>",
    "<a href=\"mailto:alice@example.com\">mail</a>",
    "<img src=\"photo.jpg\" alt=\"x\">",
    "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">",
    "<br>",
    "<br/>",
    "<ul><li>one</li><li>two</li></ul>",
    "<table><tr><td>1</td></tr></table>",
    "<code>int x = a < b;</code>",
    "<pre>if (x > 0) return;</pre>",
    "<blockquote>quote</blockquote>",
    "<h1 class=\"title\">Title</h1>",
    "<span style=\"color: red; font-weight: bold\">red</span>",
    "<div style=\"background: url(/img/bg.png)\">x</div>",
    "<em>em</em> and <strong>strong</strong>",
    "<p>Line<br>break</p>",
    "<hr>",
    "<input type=\"text\" name=\"q\" value=\"search\">",
    "<online>status</online>",
    "a < b and c > d",
    "x<5",
    "if (a<b && c>d) {}",
    "I <3 you",
    "<john@example.com>",
    "Contact: John <john@example.com>",
    "1 << 3",
    "5 <= 6",
    "# Title\n\nSome *markdown* with `code` and [a link](https://example.com).",
    "```js\nwindow.onload = init;\n```",
    "Use the onload event to run code after the page loads.",
    "The onerror handler fires when an image fails.",
    "Set onclick in your component",
    "{\"html\": \"<b>bold</b>\", \"n\": 1}",
    "{\"script\": \"deploy.sh\", \"onload\": true}",
    "https://example.com/javascript/tutorial?page=2",
    "https://example.com/?redirect=/home",
    "javascript is a language",
    "My favourite language: javascript",
    "It's a 'quoted' word; really",
    "He said \"stop\"; then left",
    "don't -- it's fine",
    "price is 5-10 dollars",
    "{{ user.name }}",
    "Hello {{name}}, welcome",
    "<p>Use {{ variable }} in templates</p>",
    "<div class=\"ng-hide\">x</div>",
    "<div ng-if=\"user\">{{ user.name }}</div>",
    "<!-- a comment -->",
    "<![CDATA[ data ]]>",
    "<?xml version=\"1.0\"?>",
    "<!DOCTYPE html>",
    "</div>",
    "<object>",
    "The &lt;script&gt; tag is described in the spec",
    "We use data:image/png URIs for icons",
    "alert(1) is a classic test string",
    "function() { return 1; }",
    "a=1&b=2&onload=3",
    "C:\\Program Files\\app",
    "<sarcasm>great</sarcasm>",
    "<<>>",
    "<>",
    "email me at <alice at example dot com>",
    "<div style=\"font-family: 'Open Sans', Arial; color: #333\">x</div>",
    "<span style=\"background: url( /img/a.png ) no-repeat\">x</span>",
    "<span style=\"background: url('/img/a b.png')\">x</span>",
    "<style>a[href]{color:red} p{margin:0} #\\31 0{top:0}</style>",
    "<meta charset=\"utf-8\">",
    "<meta http-equiv=\"content-type\" content=\"text/html; charset=iso-8859-1\">",
    "<meta http-equiv=\"refresh\" content=\"30\">",
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\">",
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
    "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">",
    "usage: on <event> <handler>",
    "JavaScript: Basics of the Language",
    "lifestyle=active&theme=dark",
    "<p>Use the style= attribute sparingly</p>",
    "x=1&style=compact",
    "q=onion=3",
    "a]] b <![CDATA[ c ]]>",
    /* CSS images that are not SVG, SVG named in text */
    "<div style=\"background:url(/img/bg.png)\">x</div>",
    "<p style=\"color:red\">I saved it as logo.svg, see url(x)</p>",
    "<div style=\"background: url('a.svgfoo.png')\">",
    /* links about javascript: URLs, without a call */
    "<a href=\"https://developer.mozilla.org/docs/Web/URI/Schemes/javascript\">docs</a>",
    "<a href=\"https://example.com/javascript:tutorial\">x</a>",
};

static void attacks_detected(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		sk_detect_match m;
		memset(&m, 0, sizeof m);
		const char *s = attacks[i];
		size_t n = strlen(s);
		if (!sk_detect_xss((const uint8_t *)s, n, &m) || !m.reason[0] ||
		    m.off + m.len > n) {
			print_error("missed: %s\n", s);
			bad++;
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
		if (sk_detect_xss((const uint8_t *)s, strlen(s), &m)) {
			print_error("false positive: %s (%s)\n", s, m.reason);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void reason_names_handler_and_tag(void **state)
{
	(void)state;
	const char *s = "hello <img src=x onerror=alert(1)>";
	sk_detect_match m;
	assert_true(sk_detect_xss((const uint8_t *)s, strlen(s), &m));
	assert_non_null(strstr(m.reason, "onerror"));
	assert_non_null(strstr(m.reason, "<img>"));
	assert_memory_equal(s + m.off, "onerror", 7);
}

static void nul_and_length(void **state)
{
	(void)state;
	static const uint8_t withnul[] = "<img src=x o\0nerror=1><scr\0ipt>";
	assert_true(sk_detect_xss(withnul, sizeof withnul - 1, NULL));
	assert_false(sk_detect_xss((const uint8_t *)"", 0, NULL));
	assert_false(sk_detect_xss(NULL, 0, NULL));
	/* only the first 3 bytes count */
	assert_false(sk_detect_xss((const uint8_t *)"abc<script>", 3, NULL));
}

static void large_input_is_bounded(void **state)
{
	(void)state;
	static uint8_t big[1 << 20];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)("<p class=\"a\">text & more</p> "[i % 29]);
	assert_false(sk_detect_xss(big, sizeof big, NULL));
	memset(big, '<', sizeof big);
	assert_false(sk_detect_xss(big, sizeof big, NULL));
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)("<a \""[i % 4]);
	(void)sk_detect_xss(big, sizeof big, NULL);
	/* style sheets without an end, each read once */
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)("<style>a{b:c}(["[i % 15]);
	(void)sk_detect_xss(big, sizeof big, NULL);
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(" onclick = style= "[i % 18]);
	(void)sk_detect_xss(big, sizeof big, NULL);
}

/* Findings far from the start of the value: the detector skips ahead on
 * benign text and must not skip these. */
static void found_anywhere(void **state)
{
	(void)state;
	static char buf[8192];
	static const char *const tails[] = {
	    "<img src=x onerror=alert(1)>",
	    "\" onmouseover=\"alert(1)",
	    "';alert(1)//",
	    "{{constructor.constructor('alert(1)')()}}",
	    "<a href=\"&#106;avascript:alert(1)\">x</a>",
	};
	static const char *const heads[] = {
	    "", "hello world on the table ", "a=b&c=d ", "{{", "{{ x }} ", "<p>x</p> "};
	for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) {
		for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
			size_t n = 0;
			for (int r = 0; r < 100; r++) {
				size_t l = strlen(heads[h]);
				memcpy(buf + n, heads[h], l);
				n += l;
			}
			size_t l = strlen(tails[t]);
			memcpy(buf + n, tails[t], l);
			n += l;
			sk_detect_match m;
			if (!sk_detect_xss((const uint8_t *)buf, n, &m))
				fail_msg("missed after %zu bytes of \"%s\": %s", n - l, heads[h],
				         tails[t]);
			assert_true(m.off + m.len <= n);
		}
	}
	/* a whole value that is a script URL, however it starts */
	static const char *const urls[] = {"javascript:alert(1)", "  \tJaVaScRiPt:alert(1)",
	                                   "&#106;avascript:alert(1)", "\x01vbscript:msgbox(1)",
	                                   "java\tscript:alert(1)"};
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
		assert_true(sk_detect_xss((const uint8_t *)urls[i], strlen(urls[i]), NULL));
	assert_false(sk_detect_xss((const uint8_t *)"data:text/html,x", 16, NULL));
	/* braces without code, however many */
	memset(buf, '{', sizeof buf);
	assert_false(sk_detect_xss((const uint8_t *)buf, sizeof buf, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(attacks_detected),
	    cmocka_unit_test(benign_passes),
	    cmocka_unit_test(reason_names_handler_and_tag),
	    cmocka_unit_test(nul_and_length),
	    cmocka_unit_test(large_input_is_bounded),
	    cmocka_unit_test(found_anywhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
