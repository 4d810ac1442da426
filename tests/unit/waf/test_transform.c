/* Table-driven tests for every AWS WAF text transformation, plus chains,
 * names, memory behaviour and 1 MB inputs. Inputs and outputs are byte
 * strings (they may hold NULs), so lengths come from sizeof. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "waf/transform.h"

typedef struct tcase {
	sk_transform t;
	const char *in;
	size_t in_n;
	const char *want;
	size_t want_n;
	const char *why;
} tcase;

#define C(T, IN, WANT, WHY)                                                                        \
	{                                                                                          \
		SK_TX_##T, IN, sizeof(IN) - 1, WANT, sizeof(WANT) - 1, WHY                         \
	}

static const tcase cases[] = {
    C(NONE, "abc", "abc", "identity"),
    C(NONE, "a\0b", "a\0b", "identity keeps NULs"),

    C(COMPRESS_WHITE_SPACE, "a  b", "a b", "two spaces become one"),
    C(COMPRESS_WHITE_SPACE, "a \t\n\r\v\f b", "a b", "every ASCII white space joins the run"),
    C(COMPRESS_WHITE_SPACE,
      "a\xa0"
      "b",
      "a b", "Latin-1 NBSP byte is white space"),
    C(COMPRESS_WHITE_SPACE, "a\xc2\xa0\xc2\xa0 b", "a b", "UTF-8 NBSP is white space"),
    C(COMPRESS_WHITE_SPACE,
      "a\xc2"
      "b",
      "a\xc2"
      "b",
      "lone C2 is not white space"),
    C(COMPRESS_WHITE_SPACE, "  x  ", " x ", "leading and trailing runs keep one space"),
    C(COMPRESS_WHITE_SPACE, "\t", " ", "a lone tab becomes a space"),
    C(COMPRESS_WHITE_SPACE, "a\0 b", "a\0 b", "NUL is not white space"),
    C(COMPRESS_WHITE_SPACE, "a b c", "a b c", "single spaces unchanged"),

    C(HTML_ENTITY_DECODE, "&lt;script&gt;", "<script>", "lt and gt"),
    C(HTML_ENTITY_DECODE, "&quot;&amp;&apos;", "\"&'", "quot amp apos"),
    C(HTML_ENTITY_DECODE, "&nbsp;", "\xc2\xa0", "nbsp is written as UTF-8"),
    C(HTML_ENTITY_DECODE,
      "&colon;&lpar;&rpar;&tab;&newline;&sol;&bsol;&semi;&comma;&period;&equals;&excl;&num;"
      "&dollar;&percnt;&plus;&lowbar;&grave;&lsqb;&rsqb;&lcub;&rcub;&Tab;&NewLine;",
      ":()\t\n/\\;,.=!#$%+_`[]{}\t\n", "names used in attacks"),
    C(HTML_ENTITY_DECODE, "&LT;&GT;&QUOT;&AMP;", "<>\"&", "upper-case legacy names"),
    C(HTML_ENTITY_DECODE, "&copy;&euro;", "\xc2\xa9\xe2\x82\xac", "non-ASCII names as UTF-8"),
    C(HTML_ENTITY_DECODE, "&#60;&#x3c;&#X3C;", "<<<", "decimal and hex, either x"),
    C(HTML_ENTITY_DECODE, "&#60", "<", "decimal without ';' at the end"),
    C(HTML_ENTITY_DECODE, "&#x3c", "<", "hex without ';' at the end"),
    C(HTML_ENTITY_DECODE, "&#60abc", "<abc", "decimal without ';' before text"),
    C(HTML_ENTITY_DECODE, "&#x3c;&#x3e", "<>", "mixed ';' and none"),
    C(HTML_ENTITY_DECODE, "&#0000000000000000000000060;", "<", "leading zeros"),
    C(HTML_ENTITY_DECODE, "&#99999999999999999999999999;", "&#99999999999999999999999999;",
      "huge decimal does not overflow and stays"),
    C(HTML_ENTITY_DECODE, "&#xffffffffffffffffffff3c;", "&#xffffffffffffffffffff3c;",
      "huge hex does not wrap to '<'"),
    C(HTML_ENTITY_DECODE, "&#x110000;", "&#x110000;", "past Unicode stays"),
    C(HTML_ENTITY_DECODE, "&#1114111;", "\xf4\x8f\xbf\xbf", "U+10FFFF is the last valid"),
    C(HTML_ENTITY_DECODE, "&#0;", "&#0;", "zero stays"),
    C(HTML_ENTITY_DECODE, "&#xd800;", "&#xd800;", "surrogate stays"),
    C(HTML_ENTITY_DECODE, "&#233;&#x20AC;", "\xc3\xa9\xe2\x82\xac", "code points as UTF-8"),
    C(HTML_ENTITY_DECODE, "&#;&#x;&#", "&#;&#x;&#", "no digits stays"),
    C(HTML_ENTITY_DECODE, "&lt&gt", "<>", "legacy names decode without ';'"),
    C(HTML_ENTITY_DECODE, "&colon", "&colon", "other names need ';'"),
    C(HTML_ENTITY_DECODE, "&ltx;&unknown;", "&ltx;&unknown;", "unknown names stay"),
    C(HTML_ENTITY_DECODE, "&Colon;", "&Colon;", "names are case-sensitive"),
    C(HTML_ENTITY_DECODE, "&AMP;&zwnj;&zwj;&yen;&DiacriticalGrave;",
      "&\xe2\x80\x8c\xe2\x80\x8d\xc2\xa5`", "first, last and neighbouring names"),
    C(HTML_ENTITY_DECODE, "&A;&zz;&zw;&zwjx;&no;&nots;", "&A;&zz;&zw;&zwjx;&no;&nots;",
      "names before, after and between known ones stay"),
    C(HTML_ENTITY_DECODE, "&amp;lt;", "&lt;", "one pass only"),
    C(HTML_ENTITY_DECODE, "a & b &", "a & b &", "bare ampersands stay"),
    C(HTML_ENTITY_DECODE, "&&lt;", "&<", "ampersand before an entity"),
    C(HTML_ENTITY_DECODE, "&#60;\0&#0;", "<\0&#0;", "NUL in input kept"),
    C(HTML_ENTITY_DECODE, "&#x0;&#X00000;", "&#x0;&#X00000;", "hex zero stays"),

    C(LOWERCASE, "HeLLo WORLD", "hello world", "ASCII letters"),
    C(LOWERCASE,
      "\xc0"
      "B\xc3\x80Z\0",
      "\xc0"
      "b\xc3\x80z\0",
      "non-ASCII bytes and NUL untouched"),
    C(LOWERCASE, "[@`{", "[@`{", "neighbours of A-Z untouched"),

    C(CMD_LINE, "c^m\"d", "cmd", "deletes ^ and quotes"),
    C(CMD_LINE, "\"ca\"'t' /etc/passwd", "cat/etc/passwd", "space before / is deleted"),
    C(CMD_LINE, "system  (\"ls\")", "system(ls)", "space before ( is deleted"),
    C(CMD_LINE, "a,b;c", "a b c", ", and ; become spaces"),
    C(CMD_LINE, "a \t\n\r\v\f b", "a b", "white space collapses"),
    C(CMD_LINE, "a , ; b", "a b", "separators collapse together"),
    C(CMD_LINE, "a ^ /b", "a/b", "a deleted char does not end a run"),
    C(CMD_LINE, "a,(b", "a(b", "comma before ( goes too"),
    C(CMD_LINE, "W\\HOAMI", "whoami", "backslash deleted, lower-cased"),
    C(CMD_LINE, "  a ", " a ", "leading and trailing runs keep one space"),
    C(CMD_LINE, "a\0b", "a\0b", "NUL is ordinary"),

    C(URL_DECODE, "%41%42%43", "ABC", "upper-case hex"),
    C(URL_DECODE, "%2f%2F", "//", "either hex case"),
    C(URL_DECODE, "a+b", "a b", "plus is a space"),
    C(URL_DECODE, "%", "%", "lone percent"),
    C(URL_DECODE, "%4", "%4", "one digit"),
    C(URL_DECODE, "%zz", "%zz", "not hex"),
    C(URL_DECODE, "abc%", "abc%", "trailing percent"),
    C(URL_DECODE, "ab%4", "ab%4", "trailing percent and one digit"),
    C(URL_DECODE, "%4g%41", "%4gA", "bad escape then good"),
    C(URL_DECODE, "a%00b", "a\0b", "NUL in output"),
    C(URL_DECODE, "%u0041", "%u0041", "%u is not decoded here"),
    C(URL_DECODE, "%%41", "%A", "percent before an escape"),
    C(URL_DECODE, "%2541", "%41", "one pass only"),
    C(URL_DECODE, "%ff%80", "\xff\x80", "high bytes"),
    C(URL_DECODE, "%7B%22a%22%3A1%7D", "{\"a\":1}", "a run of escapes"),
    C(URL_DECODE, "%41%42%4", "AB%4", "a run ending in a cut escape"),
    C(URL_DECODE, "%41%zz%42+c", "A%zzB c", "a bad escape inside a run"),

    C(URL_DECODE_UNI, "%u0041", "A", "%u ASCII"),
    C(URL_DECODE_UNI, "%41%42%u0043%44", "ABCD", "%u inside a run of escapes"),
    C(URL_DECODE_UNI, "%U0041", "A", "upper-case U"),
    C(URL_DECODE_UNI, "%uff1c", "<", "full-width '<'"),
    C(URL_DECODE_UNI, "%uFF1Cscript%uFF1E", "<script>", "full-width pair"),
    C(URL_DECODE_UNI, "%uff01%uff5e%uff00%uff5f", "!~\xef\xbc\x80\xef\xbd\x9f",
      "full-width range ends"),
    C(URL_DECODE_UNI, "%u12", "%u12", "truncated %u"),
    C(URL_DECODE_UNI, "%u12g4", "%u12g4", "%u with a non-hex digit"),
    C(URL_DECODE_UNI, "%u", "%u", "bare %u"),
    C(URL_DECODE_UNI, "%u00e9", "\xc3\xa9", "Latin-1 as UTF-8"),
    C(URL_DECODE_UNI, "%u20ac", "\xe2\x82\xac", "BMP as UTF-8"),
    C(URL_DECODE_UNI, "%u0000", "\0", "NUL"),
    C(URL_DECODE_UNI, "%41+%u0042%", "A B%", "mixed forms"),
    C(URL_DECODE_UNI, "%zz%4", "%zz%4", "invalid escapes stay"),

    C(BASE64_DECODE, "SGVsbG8=", "Hello", "padded"),
    C(BASE64_DECODE, "SGVsbG8", "Hello", "missing padding"),
    C(BASE64_DECODE, "SGVsbA==", "Hell", "two pad chars"),
    C(BASE64_DECODE, "SGVsbA", "Hell", "two pad chars missing"),
    C(BASE64_DECODE, "SGVs bG8=", "Hel", "stops at a space"),
    C(BASE64_DECODE, "!!!", "", "nothing decodes"),
    C(BASE64_DECODE, "QQ==QUJD", "A", "stops at padding"),
    C(BASE64_DECODE, "S", "", "lone sextet holds no byte"),
    C(BASE64_DECODE, "AA==", "\0", "NUL in output"),
    C(BASE64_DECODE, "PHNjcmlwdD4-", "<script>", "stops at '-'"),
    C(BASE64_DECODE, "PDw+Pz8/", "<<>???", "+ and /"),

    C(BASE64_DECODE_EXT, "SGVs bG8=", "Hello", "skips a space"),
    C(BASE64_DECODE_EXT, "SG.Vs\nbG8", "Hello", "skips '.' and newline"),
    C(BASE64_DECODE_EXT, "PDw-Pz8_", "<<>???", "URL-safe alphabet"),
    C(BASE64_DECODE_EXT, "PDw+Pz8/", "<<>???", "standard alphabet too"),
    C(BASE64_DECODE_EXT, "QQ==QQ==", "AA", "padding ends each block"),
    C(BASE64_DECODE_EXT, "@@@", "", "nothing decodes"),
    C(BASE64_DECODE_EXT, "A\0A==", "\0", "NUL skipped in input"),

    C(HEX_DECODE, "414243", "ABC", "pairs"),
    C(HEX_DECODE, "4a4B", "JK", "either case"),
    C(HEX_DECODE, "41424", "AB4", "odd trailing digit kept"),
    C(HEX_DECODE, "41zz42", "AzzB", "non-hex copied"),
    C(HEX_DECODE, "00ff", "\0\xff", "NUL and high byte"),
    C(HEX_DECODE, "4 1", "4 1", "a split pair is no pair"),

    C(MD5, "", "\xd4\x1d\x8c\xd9\x8f\x00\xb2\x04\xe9\x80\x09\x98\xec\xf8\x42\x7e",
      "digest of empty input"),
    C(MD5, "abc", "\x90\x01\x50\x98\x3c\xd2\x4f\xb0\xd6\x96\x3f\x7d\x28\xe1\x7f\x72",
      "RFC 1321 abc"),
    C(MD5, "a\0b", "\x70\x35\x0f\x60\x27\xbc\xe3\x71\x3f\x6b\x76\x47\x30\x84\x30\x9b",
      "NUL is hashed"),

    C(REPLACE_COMMENTS, "SELECT/**/1", "SELECT 1", "empty comment"),
    C(REPLACE_COMMENTS, "a/* x */b/*y*/c", "a b c", "two comments"),
    C(REPLACE_COMMENTS, "a/*unterminated", "a ", "unterminated runs to the end"),
    C(REPLACE_COMMENTS, "a*/b", "a*/b", "closer without opener stays"),
    C(REPLACE_COMMENTS, "/*/b", " ", "'/*/' does not close"),
    C(REPLACE_COMMENTS, "/*a*//*b*/", "  ", "adjacent comments"),
    C(REPLACE_COMMENTS, "a/ *b*/", "a/ *b*/", "split opener stays"),
    C(REPLACE_COMMENTS, "x/*\0*/y", "x y", "NUL inside a comment"),
    C(REPLACE_COMMENTS, "/", "/", "lone slash"),

    C(ESCAPE_SEQ_DECODE, "\\n\\t\\r", "\n\t\r", "common controls"),
    C(ESCAPE_SEQ_DECODE, "\\a\\b\\f\\v", "\a\b\f\v", "rare controls"),
    C(ESCAPE_SEQ_DECODE, "\\\\\\?\\'\\\"", "\\?'\"", "quoted punctuation"),
    C(ESCAPE_SEQ_DECODE, "\\x41\\x4", "A\x04", "one or two hex digits"),
    C(ESCAPE_SEQ_DECODE, "\\x414", "A4", "at most two hex digits"),
    C(ESCAPE_SEQ_DECODE, "\\xg", "xg", "bad \\x drops the backslash"),
    C(ESCAPE_SEQ_DECODE, "\\101\\0", "A\0", "octal and NUL"),
    C(ESCAPE_SEQ_DECODE, "\\1234", "S4", "at most three octal digits"),
    C(ESCAPE_SEQ_DECODE, "\\400", " 0", "octal stops before passing 0377"),
    C(ESCAPE_SEQ_DECODE, "\\08",
      "\0"
      "8",
      "8 is not octal"),
    C(ESCAPE_SEQ_DECODE, "\\q", "q", "invalid escape keeps the char"),
    C(ESCAPE_SEQ_DECODE, "abc\\", "abc\\", "trailing backslash kept"),

    C(SQL_HEX_DECODE, "0x414243", "ABC", "pairs"),
    C(SQL_HEX_DECODE, "0X4142", "AB", "upper-case X"),
    C(SQL_HEX_DECODE, "0x414", "A4", "odd last digit kept"),
    C(SQL_HEX_DECODE, "0x4", "0x4", "one digit is not enough"),
    C(SQL_HEX_DECODE, "0x", "0x", "no digits"),
    C(SQL_HEX_DECODE, "0xzz", "0xzz", "not hex"),
    C(SQL_HEX_DECODE, "SELECT 0x61646d696e", "SELECT admin", "in a query"),
    C(SQL_HEX_DECODE, "0x00", "\0", "NUL in output"),
    C(SQL_HEX_DECODE, "a0x41 x", "aA x", "mid-text"),

    C(CSS_DECODE, "\\3c script\\3e", "<script>", "hex escape eats one space"),
    C(CSS_DECODE, "\\00003cx", "<x", "six digits"),
    C(CSS_DECODE, "\\0000003c",
      "\xef\xbf\xbd"
      "3c",
      "seventh digit is text"),
    C(CSS_DECODE, "j\\61vascript", "javascript", "escape inside a word"),
    C(CSS_DECODE, "\\e9", "\xc3\xa9", "Latin-1 as UTF-8"),
    C(CSS_DECODE, "\\ff1c", "<", "full-width to ASCII"),
    C(CSS_DECODE, "\\0", "\xef\xbf\xbd", "zero is U+FFFD"),
    C(CSS_DECODE, "\\110000", "\xef\xbf\xbd", "past Unicode is U+FFFD"),
    C(CSS_DECODE, "\\d800", "\xef\xbf\xbd", "surrogate is U+FFFD"),
    C(CSS_DECODE, "a\\\nb\\\fc", "abc", "line continuation removed"),
    C(CSS_DECODE, "a\\\r\nb\\\rc", "abc", "CR LF and CR continuation"),
    C(CSS_DECODE, "\\41\r\nB", "AB", "CR LF after escape is one space"),
    C(CSS_DECODE, "\\41  B", "A B", "only one space eaten"),
    C(CSS_DECODE, "\\'\\g\\\\", "'g\\", "other chars lose the backslash"),
    C(CSS_DECODE, "abc\\", "abc\\", "trailing backslash kept"),
    C(CSS_DECODE, "\\\0", "\0", "escaped NUL byte"),

    C(JS_DECODE, "\\u0041", "A", "\\u ASCII"),
    C(JS_DECODE, "\\u003cscript\\u003e", "<script>", "\\u pair"),
    C(JS_DECODE, "\\uff1c", "<", "full-width to ASCII"),
    C(JS_DECODE, "\\u00e9", "\xc3\xa9", "Latin-1 as UTF-8"),
    C(JS_DECODE, "\\ud83d\\ude00", "\xf0\x9f\x98\x80", "surrogate pair joined"),
    C(JS_DECODE, "\\ud83d", "\xed\xa0\xbd", "lone surrogate kept as 3 bytes"),
    C(JS_DECODE, "\\u12", "u12", "truncated \\u"),
    C(JS_DECODE, "\\u{41}\\u{1F600}", "A\xf0\x9f\x98\x80", "\\u{...}"),
    C(JS_DECODE, "\\u{0000000000041}", "A", "\\u{...} leading zeros"),
    C(JS_DECODE, "\\u{110000}", "u{110000}", "\\u{...} past Unicode"),
    C(JS_DECODE, "\\u{}\\u{41", "u{}u{41", "\\u{...} malformed"),
    C(JS_DECODE, "\\x41\\xe9", "A\xe9", "\\x gives a byte"),
    C(JS_DECODE, "\\x4", "x4", "\\x needs two digits"),
    C(JS_DECODE, "\\101\\0", "A\0", "octal and NUL"),
    C(JS_DECODE, "\\n\\t\\'\\\"\\\\", "\n\t'\"\\", "simple escapes"),
    C(JS_DECODE, "\\q", "q", "invalid escape keeps the char"),
    C(JS_DECODE, "trail\\", "trail\\", "trailing backslash kept"),

    C(NORMALIZE_PATH, "/a//b///c", "/a/b/c", "slashes collapse"),
    C(NORMALIZE_PATH, "/a/./b/.", "/a/b/", "dot segments go"),
    C(NORMALIZE_PATH, "/a/b/../c", "/a/c", "dot-dot removes one"),
    C(NORMALIZE_PATH, "/a/b/..", "/a/", "final dot-dot leaves a slash"),
    C(NORMALIZE_PATH, "/../../etc/passwd", "/etc/passwd", "never above the root"),
    C(NORMALIZE_PATH, "../a", "a", "relative dot-dot at the start dropped"),
    C(NORMALIZE_PATH, "a/../../b", "b", "relative never climbs out"),
    C(NORMALIZE_PATH, "a/..", "", "relative path resolving to nothing"),
    C(NORMALIZE_PATH, "//", "/", "root"),
    C(NORMALIZE_PATH, "/./", "/", "root with dot"),
    C(NORMALIZE_PATH, "/a/", "/a/", "trailing slash kept"),
    C(NORMALIZE_PATH, "/a\\..\\b", "/a\\..\\b", "backslash is not a separator"),
    C(NORMALIZE_PATH, "/.../a/..b/c.", "/.../a/..b/c.", "dots inside names are names"),
    C(NORMALIZE_PATH, "/a/\0/../b", "/a/b", "NUL segment is a name"),

    C(NORMALIZE_PATH_WIN, "C:\\a\\..\\b", "C:/b", "backslashes"),
    C(NORMALIZE_PATH_WIN, "\\\\srv\\share\\..\\x", "/srv/x", "UNC-like"),
    C(NORMALIZE_PATH_WIN, "/a\\b/./c\\", "/a/b/c/", "mixed separators"),

    C(REMOVE_NULLS, "a\0b\0\0c", "abc", "NULs deleted"),
    C(REMOVE_NULLS, "\0", "", "only NUL"),
    C(REMOVE_NULLS, "abc", "abc", "no NUL"),
    C(REPLACE_NULLS, "a\0b\0\0c", "a b  c", "each NUL becomes a space"),
    C(REPLACE_NULLS, "\0", " ", "only NUL"),

    C(UTF8_TO_UNICODE, "caf\xc3\xa9", "caf%u00e9", "2-byte"),
    C(UTF8_TO_UNICODE, "\xe2\x82\xac", "%u20ac", "3-byte"),
    C(UTF8_TO_UNICODE, "\xf0\x9f\x98\x80", "%u1f600", "4-byte, five digits"),
    C(UTF8_TO_UNICODE, "\xf4\x8f\xbf\xbf", "%u10ffff", "last code point, six digits"),
    C(UTF8_TO_UNICODE, "\xc0\xaf", "%u002f", "overlong 2-byte slash"),
    C(UTF8_TO_UNICODE, "\xe0\x80\xaf", "%u002f", "overlong 3-byte slash"),
    C(UTF8_TO_UNICODE, "\xf0\x80\x80\xaf", "%u002f", "overlong 4-byte slash"),
    C(UTF8_TO_UNICODE, "\xc0\x80", "%u0000", "overlong NUL"),
    C(UTF8_TO_UNICODE, "\xed\xa0\x80", "%ud800", "surrogate decoded"),
    C(UTF8_TO_UNICODE, "\xef\xbc\x9c", "%uff1c", "full-width stays full-width"),
    C(UTF8_TO_UNICODE, "\xc0", "\xc0", "truncated sequence copied"),
    C(UTF8_TO_UNICODE,
      "\xe2\x82"
      "A",
      "\xe2\x82"
      "A",
      "broken sequence copied"),
    C(UTF8_TO_UNICODE, "\xff\xfe\x80", "\xff\xfe\x80", "invalid bytes copied"),
    C(UTF8_TO_UNICODE, "a\0\xc3\xa9", "a\0%u00e9", "NUL kept"),
    C(UTF8_TO_UNICODE, "%uABC", "%uABC", "ASCII copied"),
};

/* One cmocka test per transformation: state holds its enum value. */
static void table_cases(void **state)
{
	sk_transform t = (sk_transform)(intptr_t)*state;
	sk_arena *a = sk_arena_create(4096, 0);
	assert_non_null(a);
	int failed = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const tcase *c = &cases[i];
		if (c->t != t)
			continue;
		sk_str out = SK_STR_NULL;
		sk_status st = sk_transform_apply(c->t, sk_str_make(c->in, c->in_n), a, &out);
		if (st != SK_OK || !sk_str_eq(out, sk_str_make(c->want, c->want_n))) {
			print_error("case %zu %s: %s: status %d, got %zu bytes: ", i,
			            sk_transform_name(c->t), c->why, (int)st, out.n);
			for (size_t k = 0; k < out.n; k++)
				print_error("%02x", out.p[k]);
			print_error("\n");
			failed++;
		}
	}
	sk_arena_destroy(a);
	assert_int_equal(failed, 0);
}

/* Applies each transform of ts in turn, as a rule with several would. */
static sk_str chain(sk_arena *a, const sk_transform *ts, size_t n, const char *in, size_t in_n)
{
	sk_str s = sk_str_make(in, in_n);
	for (size_t i = 0; i < n; i++) {
		sk_str next;
		assert_int_equal(sk_transform_apply(ts[i], s, a, &next), SK_OK);
		s = next;
	}
	return s;
}

#define CHAIN(a, IN, WANT, ...)                                                                    \
	do {                                                                                       \
		const sk_transform ts_[] = {__VA_ARGS__};                                          \
		sk_str got_ = chain(a, ts_, sizeof ts_ / sizeof ts_[0], IN, sizeof(IN) - 1);       \
		assert_true(sk_str_eq(got_, SK_STR_LIT(WANT)));                                    \
	} while (0)

static void chains_apply_in_order(void **state)
{
	(void)state;
	sk_arena *a = sk_arena_create(4096, 0);
	/* Double encoding needs two URL decodes. */
	CHAIN(a, "%2541", "A", SK_TX_URL_DECODE, SK_TX_URL_DECODE);
	CHAIN(a, "%26lt%3BSCRIPT%26gt%3B", "<script>", SK_TX_URL_DECODE_UNI,
	      SK_TX_HTML_ENTITY_DECODE, SK_TX_LOWERCASE);
	CHAIN(a, "JTNDeCUzRQ==", "<x>", SK_TX_BASE64_DECODE, SK_TX_URL_DECODE);
	/* Overlong UTF-8 slash, exposed and then decoded. */
	CHAIN(a,
	      "..\xc0\xaf..\xc0\xaf"
	      "etc",
	      "etc", SK_TX_UTF8_TO_UNICODE, SK_TX_URL_DECODE_UNI, SK_TX_NORMALIZE_PATH);
	CHAIN(a, "/x/%2e%2e%5c..%5cetc", "/etc", SK_TX_URL_DECODE, SK_TX_NORMALIZE_PATH_WIN);
	CHAIN(a, "SELECT/**/\t/**/FROM", "select from", SK_TX_REPLACE_COMMENTS,
	      SK_TX_COMPRESS_WHITE_SPACE, SK_TX_LOWERCASE);
	CHAIN(a, "0x3c7363726970743e", "<script>", SK_TX_SQL_HEX_DECODE);
	CHAIN(a, "\\u0025\\u0034\\u0031", "A", SK_TX_JS_DECODE, SK_TX_URL_DECODE);
	CHAIN(a, "a%00b", "a b", SK_TX_URL_DECODE, SK_TX_REPLACE_NULLS);
	CHAIN(a, "616263", "\x90\x01\x50\x98\x3c\xd2\x4f\xb0\xd6\x96\x3f\x7d\x28\xe1\x7f\x72",
	      SK_TX_HEX_DECODE, SK_TX_MD5);
	/* The most AWS allows, all identity. */
	CHAIN(a, "same", "same", SK_TX_NONE, SK_TX_NONE, SK_TX_NONE, SK_TX_NONE, SK_TX_NONE,
	      SK_TX_NONE, SK_TX_NONE, SK_TX_NONE, SK_TX_NONE, SK_TX_NONE);
	sk_arena_destroy(a);
}

static void names_round_trip(void **state)
{
	(void)state;
	for (int t = 0; t < SK_TX__COUNT; t++) {
		const char *n = sk_transform_name((sk_transform)t);
		assert_non_null(n);
		assert_int_equal(sk_transform_from_name(n), t);
	}
	assert_int_equal(sk_transform_from_name("URL_DECODE_UNI"), SK_TX_URL_DECODE_UNI);
	assert_int_equal(sk_transform_from_name("url_decode"), -1);
	assert_int_equal(sk_transform_from_name("URL_DECODE "), -1);
	assert_int_equal(sk_transform_from_name(""), -1);
	assert_int_equal(sk_transform_from_name(NULL), -1);
	assert_null(sk_transform_name(SK_TX__COUNT));
}

static void unknown_transform_is_invalid(void **state)
{
	(void)state;
	sk_arena *a = sk_arena_create(256, 0);
	sk_str out;
	assert_int_equal(sk_transform_apply(SK_TX__COUNT, SK_STR_LIT("x"), a, &out), SK_E_INVALID);
	sk_arena_destroy(a);
}

static void empty_input_gives_empty_output(void **state)
{
	(void)state;
	sk_arena *a = sk_arena_create(256, 0);
	for (int t = 0; t < SK_TX__COUNT; t++) {
		sk_str out = SK_STR_LIT("junk");
		assert_int_equal(sk_transform_apply((sk_transform)t, SK_STR_NULL, a, &out), SK_OK);
		assert_int_equal(out.n, t == SK_TX_MD5 ? 16 : 0);
	}
	sk_arena_destroy(a);
}

/* Input that gives every transformation something to do. */
static const char busy[] = "Ab  %41+%u0041&lt;&#60\\x41\\u0041/*c*/0x4142/./../\xc3\xa9\xc0\xaf"
                           "\0QUJD==\t,;^\"'\\3c ";

static void unchanged_input_is_returned_and_input_never_modified(void **state)
{
	(void)state;
	sk_arena *a = sk_arena_create(4096, 0);
	/* Text that no decoder touches comes back as the very same bytes. */
	static const char plain[] = "plain_text-123";
	for (int t = 0; t < SK_TX__COUNT; t++) {
		sk_str in = sk_str_make(plain, sizeof plain - 1), out;
		if (t == SK_TX_MD5 || t == SK_TX_BASE64_DECODE || t == SK_TX_BASE64_DECODE_EXT ||
		    t == SK_TX_HEX_DECODE || t == SK_TX_CMD_LINE)
			continue;
		assert_int_equal(sk_transform_apply((sk_transform)t, in, a, &out), SK_OK);
		assert_ptr_equal(out.p, in.p);
		assert_int_equal(out.n, in.n);
	}
	uint8_t copy[sizeof busy];
	memcpy(copy, busy, sizeof busy);
	for (int t = 0; t < SK_TX__COUNT; t++) {
		sk_str out;
		assert_int_equal(sk_transform_apply((sk_transform)t,
		                                    sk_str_make(copy, sizeof busy - 1), a, &out),
		                 SK_OK);
		assert_memory_equal(copy, busy, sizeof busy);
	}
	sk_arena_destroy(a);
}

static void full_arena_is_nomem(void **state)
{
	(void)state;
	size_t n = 8192;
	uint8_t *big = malloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (uint8_t)busy[i % (sizeof busy - 1)];
	for (int t = 0; t < SK_TX__COUNT; t++) {
		sk_arena *a = sk_arena_create(256, 1024);
		sk_str out;
		sk_status want = (t == SK_TX_NONE || t == SK_TX_MD5) ? SK_OK : SK_E_NOMEM;
		assert_int_equal(sk_transform_apply((sk_transform)t, sk_str_make(big, n), a, &out),
		                 want);
		sk_arena_destroy(a);
	}
	free(big);
}

/* Patterns that would make a careless decoder rescan or backtrack. */
static const char *const hostile[] = {
    "&#",        "&#x",  "&#9",   "&lt",     "&a",    "&",   "%u",     "%u1",  "%",
    "%4",        "\\u{", "\\u{1", "\\ud800", "\\",    "\\x", "\\0",    "/*",   "*/",
    "0x",        "0x1",  "/../",  "../a/",   "/./",   "//",  "\\..\\", "\xc0", "\xe0\x80",
    "\xc2\xa0 ", "  ",   "\"^ ,", "QUJD",    "QUJD=", "\0",  "Az",     "1",
};

static void megabyte_inputs_finish(void **state)
{
	(void)state;
	size_t n = (size_t)1 << 20;
	uint8_t *big = malloc(n);
	assert_non_null(big);
	sk_arena *a = sk_arena_create(1 << 16, 0);
	for (size_t h = 0; h < sizeof hostile / sizeof hostile[0]; h++) {
		size_t pl = strlen(hostile[h]);
		if (pl == 0)
			pl = 1; /* the "\0" pattern */
		for (size_t i = 0; i < n; i++)
			big[i] = (uint8_t)hostile[h][i % pl];
		for (int t = 0; t < SK_TX__COUNT; t++) {
			sk_str out;
			assert_int_equal(
			    sk_transform_apply((sk_transform)t, sk_str_make(big, n), a, &out),
			    SK_OK);
			assert_true(out.n <= 3 * n);
		}
		sk_arena_reset(a);
	}
	sk_arena_destroy(a);
	free(big);
}

/* LOWERCASE works eight bytes at a time: every byte value, at every
 * position of a word, next to neighbours that could carry into it, must
 * come out as the one-byte rule says. */
static void lowercase_every_byte_every_lane(void **state)
{
	(void)state;
	sk_arena *a = sk_arena_create(1 << 16, 0);
	assert_non_null(a);
	static const uint8_t neighbours[] = {0x00, 0x40, 0x5a, 0x5b, 0x7f, 0x80, 0xc1, 0xff};
	uint8_t buf[19];
	for (size_t nb = 0; nb < sizeof neighbours; nb++)
		for (unsigned v = 0; v < 256; v++)
			for (size_t pos = 0; pos < sizeof buf; pos++) {
				memset(buf, neighbours[nb], sizeof buf);
				buf[pos] = (uint8_t)v;
				sk_str out;
				assert_int_equal(sk_transform_apply(SK_TX_LOWERCASE,
				                                    sk_str_make(buf, sizeof buf), a,
				                                    &out),
				                 SK_OK);
				assert_int_equal(out.n, sizeof buf);
				for (size_t i = 0; i < sizeof buf; i++) {
					uint8_t c = buf[i];
					uint8_t want = c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
					if (out.p[i] != want)
						fail_msg(
						    "byte 0x%02x at %zu next to 0x%02x gave 0x%02x",
						    c, i, neighbours[nb], out.p[i]);
				}
				sk_arena_reset(a);
			}
	sk_arena_destroy(a);
}

/* Reference versions, one byte at a time, for the fast paths above. */
static size_t ref_compress_ws(const uint8_t *p, size_t n, uint8_t *d)
{
	size_t o = 0;
	bool prev = false;
	for (size_t i = 0; i < n;) {
		size_t w = 0;
		if (p[i] == ' ' || (p[i] >= '\t' && p[i] <= '\r') || p[i] == 0xa0)
			w = 1;
		else if (p[i] == 0xc2 && i + 1 < n && p[i + 1] == 0xa0)
			w = 2;
		if (w) {
			if (!prev)
				d[o++] = ' ';
			prev = true;
			i += w;
		} else {
			d[o++] = p[i++];
			prev = false;
		}
	}
	return o;
}

static size_t ref_replace_comments(const uint8_t *p, size_t n, uint8_t *d)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		if (p[i] != '/' || i + 1 >= n || p[i + 1] != '*') {
			d[o++] = p[i++];
			continue;
		}
		size_t j = i + 2;
		while (j + 1 < n && !(p[j] == '*' && p[j + 1] == '/'))
			j++;
		d[o++] = ' ';
		i = j + 1 < n ? j + 2 : n;
	}
	return o;
}

static int hexv(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* URL_DECODE and URL_DECODE_UNI one byte at a time. */
static size_t ref_url_decode(const uint8_t *p, size_t n, uint8_t *d, bool uni)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		int h1 = i + 2 < n ? hexv(p[i + 1]) : -1, h2 = i + 2 < n ? hexv(p[i + 2]) : -1;
		if (p[i] == '+') {
			d[o++] = ' ';
			i++;
		} else if (p[i] == '%' && h1 >= 0 && h2 >= 0) {
			d[o++] = (uint8_t)(h1 * 16 + h2);
			i += 3;
		} else if (uni && p[i] == '%' && i + 5 < n && (p[i + 1] | 0x20) == 'u' &&
		           hexv(p[i + 2]) >= 0 && hexv(p[i + 3]) >= 0 && hexv(p[i + 4]) >= 0 &&
		           hexv(p[i + 5]) >= 0) {
			uint32_t cp = (uint32_t)(hexv(p[i + 2]) << 12 | hexv(p[i + 3]) << 8 |
			                         hexv(p[i + 4]) << 4 | hexv(p[i + 5]));
			if (cp >= 0xff01 && cp <= 0xff5e)
				cp -= 0xfee0;
			if (cp < 0x80) {
				d[o++] = (uint8_t)cp;
			} else if (cp < 0x800) {
				d[o++] = (uint8_t)(0xc0 | cp >> 6);
				d[o++] = (uint8_t)(0x80 | (cp & 0x3f));
			} else {
				d[o++] = (uint8_t)(0xe0 | cp >> 12);
				d[o++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
				d[o++] = (uint8_t)(0x80 | (cp & 0x3f));
			}
			i += 6;
		} else {
			d[o++] = p[i++];
		}
	}
	return o;
}

/* Applies t to in, checks the output against want, and that an unchanged
 * output is the input itself (the slice later steps share without a copy). */
static void check_against(sk_transform t, const uint8_t *in, size_t n, const uint8_t *want,
                          size_t wn, sk_arena *a)
{
	sk_str out;
	assert_int_equal(sk_transform_apply(t, sk_str_make(in, n), a, &out), SK_OK);
	if (out.n != wn || (wn && memcmp(out.p, want, wn) != 0))
		fail_msg("%s differs from the reference on %zu bytes", sk_transform_name(t), n);
	if (n && wn == n && memcmp(in, want, n) == 0 && out.p != in)
		fail_msg("%s copied an input it did not change (%zu bytes)", sk_transform_name(t),
		         n);
}

static void fast_paths_match_references(void **state)
{
	(void)state;
	/* Bytes the fast paths look for, their neighbours, and filler; long
	 * inputs cross the 16-byte blocks of the vector scans at every offset. */
	static const uint8_t alphabet[] = {'a',  'b',  ' ',  ' ', '\t', '\n', '\r', '\v',
	                                   0xa0, 0xc2, 0xc3, '/', '*',  0x00, 0xff, '!',
	                                   '%',  '+',  '2',  'F', 'u',  'x'};
	sk_arena *a = sk_arena_create(1 << 16, 0);
	enum { MAX = 80 };
	uint8_t in[MAX], want[MAX * 3];
	uint32_t seed = 12345;
	for (int round = 0; round < 300000; round++) {
		size_t n = (size_t)(round % MAX);
		/* Some rounds use few distinct bytes, so runs and pairs are
		 * common; some look like prose (letters, lone spaces, now and
		 * then anything), so whole blocks take the fast paths. */
		size_t span = round % 3 == 0 ? 4 : sizeof alphabet;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			uint32_t r = seed >> 16;
			if (round % 3 == 1 && r % 64)
				in[i] = (r % 5 == 0 && i && in[i - 1] != ' ') ? ' ' : 'a';
			else
				in[i] = alphabet[r % span];
		}
		check_against(SK_TX_COMPRESS_WHITE_SPACE, in, n, want, ref_compress_ws(in, n, want),
		              a);
		check_against(SK_TX_REPLACE_COMMENTS, in, n, want,
		              ref_replace_comments(in, n, want), a);
		check_against(SK_TX_URL_DECODE, in, n, want, ref_url_decode(in, n, want, false), a);
		check_against(SK_TX_URL_DECODE_UNI, in, n, want, ref_url_decode(in, n, want, true),
		              a);
		sk_arena_reset(a);
	}
	sk_arena_destroy(a);
}

/* Where sk_url_decode_uni_same() says the two URL decodings agree, they
 * do: random inputs thick with escapes, %u forms and look-alikes. */
static void url_decode_uni_same_only_when_equal(void **state)
{
	(void)state;
	static const uint8_t alphabet[] = {'%', 'u', 'U', '0',  '4', '1', 'f',
	                                   'F', '+', 'z', 0x05, '2', 'a', '%'};
	enum { MAX = 40 };
	uint8_t in[MAX], plain[MAX], uni[MAX * 3];
	uint32_t seed = 99;
	long agreed = 0, refused = 0;
	for (int round = 0; round < 200000; round++) {
		size_t n = (size_t)(round % MAX);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = alphabet[(seed >> 16) % sizeof alphabet];
		}
		size_t pn = ref_url_decode(in, n, plain, false),
		       un = ref_url_decode(in, n, uni, true);
		bool equal = pn == un && (pn == 0 || memcmp(plain, uni, pn) == 0);
		if (sk_url_decode_uni_same(sk_str_make(in, n))) {
			if (!equal)
				fail_msg("said the same for %.*s", (int)n, (const char *)in);
			agreed++;
		} else {
			refused++;
		}
	}
	/* both answers come up, so the test exercises both */
	assert_true(agreed > 1000 && refused > 1000);
	assert_true(sk_url_decode_uni_same(sk_str_make("a%41+b%25u0041", 14)));
	assert_false(sk_url_decode_uni_same(sk_str_make("a%u0041", 7)));
	assert_false(sk_url_decode_uni_same(sk_str_make("%U0041", 6)));
	assert_true(sk_url_decode_uni_same(sk_str_make("%", 1)));
	assert_true(sk_url_decode_uni_same(SK_STR_NULL));
}

int main(void)
{
	enum { FIXED = 10 }; /* the tests listed by name below */
	struct CMUnitTest tests[SK_TX__COUNT + FIXED] = {
	    cmocka_unit_test(lowercase_every_byte_every_lane),
	    cmocka_unit_test(fast_paths_match_references),
	    cmocka_unit_test(url_decode_uni_same_only_when_equal),
	    cmocka_unit_test(chains_apply_in_order),
	    cmocka_unit_test(names_round_trip),
	    cmocka_unit_test(unknown_transform_is_invalid),
	    cmocka_unit_test(empty_input_gives_empty_output),
	    cmocka_unit_test(unchanged_input_is_returned_and_input_never_modified),
	    cmocka_unit_test(full_arena_is_nomem),
	    cmocka_unit_test(megabyte_inputs_finish),
	};
	for (int t = 0; t < SK_TX__COUNT; t++)
		tests[FIXED + t] =
		    (struct CMUnitTest){sk_transform_name((sk_transform)t), table_cases, NULL, NULL,
		                        (void *)(intptr_t)t};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
