/* Attacks hidden in base64.
 *
 * Applications decode base64 parameters (state blobs, "data" fields,
 * encoded filters) and use the text inside as if it had come in plain, so
 * an attack encoded once passes every check that reads the parameter as
 * it is. This detector finds runs of the base64 alphabet (standard and
 * URL-safe, padded or not), decodes each, keeps those that decode to text
 * (printable ASCII, line breaks and tabs, well-formed UTF-8: random tokens
 * and ids decode to binary and are dropped at the first byte that is not
 * text) and judges the text with the other detectors at LOW sensitivity.
 *
 * A run is the whole value (a query argument, a form field, a path) or a
 * quoted string inside it (a JSON or XML value); base64 words inside a
 * text are not looked for, which would cost a decoding attempt for every
 * long word. In a whole value a space is read as '+', which form decoding
 * turns into a space, and leading '/' are skipped, since a path starts with
 * its own slash. At most DECODED_MAX bytes of a run are decoded. */
#include "detect/text.h"

#define RUN_MIN     8    /* base64 characters; 6 decoded bytes */
#define DECODED_MAX 3072 /* bytes decoded from one run */

/* Sextet value + 1 of each byte, 0 outside the alphabet; ' ' reads as
 * '+' (it is only ever part of a run when the whole value is one). */
static const uint8_t b64_tab[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,  ['G'] = 7,  ['H'] = 8,
    ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
    ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
    ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
    ['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['-'] = 63,
    [' '] = 63, ['/'] = 64, ['_'] = 64,
};

static inline int b64(int c)
{
	return (int)b64_tab[c & 0xff] - 1;
}

/* Decodes p[0..n) (alphabet only) into out; returns the bytes written, or
 * 0 as soon as they stop being text. */
static size_t decode_text(const uint8_t *p, size_t n, uint8_t *out)
{
	uint32_t acc = 0;
	int bits = 0, cont = 0, nuls = 0; /* cont: UTF-8 continuation bytes expected */
	size_t o = 0;
	for (size_t i = 0; i < n && o < DECODED_MAX; i++) {
		acc = (acc << 6) | (uint32_t)b64(p[i]);
		bits += 6;
		if (bits < 8)
			continue;
		bits -= 8;
		uint8_t c = (uint8_t)(acc >> bits);
		if (cont) {
			if ((c & 0xc0) != 0x80)
				return 0;
			cont--;
		} else if (c >= 0xc2 && c <= 0xf4)
			cont = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
		else if (c == 0 && nuls < 2)
			nuls++; /* a NUL or two hide a keyword from filters ("scr\0ipt") */
		else if (c >= 0x80 || c == 0x7f ||
		         (c < 0x20 && c != '\t' && c != '\r' && c != '\n'))
			return 0;
		out[o++] = c;
	}
	return o;
}

typedef struct inner {
	const char *label;
	bool (*fn)(const uint8_t *, size_t, int, sk_detect_match *);
} inner;

static bool sqli(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)level;
	return sk_detect_sqli(p, n, SK_SQLI_LOW, m);
}

static bool xss(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)level;
	return sk_detect_xss(p, n, m);
}

static const inner inners[] = {
    {"cross-site scripting", xss},
    {"SQL injection", sqli},
    {"shell command injection", sk_detect_command},
    {"path traversal", sk_detect_path_traversal},
    {"NoSQL injection", sk_detect_nosql},
    {"LDAP injection", sk_detect_ldap},
    {"template injection", sk_detect_template},
    {"server-side include", sk_detect_ssi},
    {"CRLF injection", sk_detect_header_injection},
    {"Log4j lookup", sk_detect_log4j},
    {"Java code injection", sk_detect_java},
};

static bool judge(const uint8_t *p, size_t n, size_t off, size_t len, sk_detect_match *m)
{
	uint8_t text[DECODED_MAX];
	size_t t = decode_text(p, n, text);
	if (t < 6)
		return false;
	for (size_t k = 0; k < sizeof inners / sizeof inners[0]; k++) {
		sk_detect_match im;
		if (inners[k].fn(text, t, 0, &im)) {
			if (m) {
				m->off = off;
				m->len = len;
				snprintf(m->reason, sizeof m->reason,
				         "base64 text decodes to %s: %.90s", inners[k].label,
				         im.reason);
			}
			return true;
		}
	}
	return false;
}

/* The whole value (leading '/' and outer spaces aside) is base64, spaces
 * standing for '+'. */
static bool whole_run(const uint8_t *p, size_t n, size_t *a, size_t *z)
{
	size_t i = 0, j = n;
	while (i < j && (p[i] == '/' || p[i] == ' '))
		i++;
	while (j > i && p[j - 1] == ' ')
		j--;
	for (int pad = 0; pad < 2 && j > i && p[j - 1] == '='; pad++)
		j--;
	for (size_t k = i; k < j; k++)
		if (b64(p[k]) < 0)
			return false;
	*a = i;
	*z = j;
	return j > i;
}

/* p[a..z) holds only alphabet bytes (no spaces). */
static bool all_alphabet(const uint8_t *p, size_t a, size_t z)
{
	for (size_t k = a; k < z; k++)
		if (b64(p[k]) < 0 || p[k] == ' ')
			return false;
	return true;
}

bool sk_detect_base64(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)level;
	if (!p || n == 0)
		return false;
	size_t a, z;
	if (whole_run(p, n, &a, &z))
		return z - a >= RUN_MIN && judge(p + a, z - a, a, z - a, m);
	/* Inside a larger value, base64 is judged where it is a quoted string
	 * of its own (a JSON or XML value, "=" padding allowed): a scan from
	 * quote to quote, which is cheap, rather than every word of a text. */
	const uint8_t *e = p + n;
	for (const uint8_t *s = p; (s = sk_find_any4(s, e, '"', '\'', '"', '\'')) != NULL;) {
		a = (size_t)(s - p) + 1;
		z = a;
		while (z < n && b64(p[z]) >= 0 && p[z] != ' ')
			z++;
		size_t body = z;
		while (z < n && p[z] == '=' && z - body < 2)
			z++;
		if (z < n && p[z] == *s && body - a >= RUN_MIN && all_alphabet(p, a, body) &&
		    judge(p + a, body - a, a, body - a, m))
			return true;
		s = p + (z > a ? z : a);
	}
	return false;
}
