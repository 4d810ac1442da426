/* AWS WAF text transformations. Every one is a single left-to-right pass over
 * the input into at most one arena buffer whose size is a small multiple of
 * the input, so hostile inputs of many MB stay linear in time and memory.
 * Where AWS documents a transformation only briefly, the behaviour follows
 * the ModSecurity transformation of the same name; the choices made where
 * both are vague are noted next to the code. */
#include "waf/transform.h"

#include "base/scan.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static const char *const tx_names[SK_TX__COUNT] = {
    [SK_TX_NONE] = "NONE",
    [SK_TX_COMPRESS_WHITE_SPACE] = "COMPRESS_WHITE_SPACE",
    [SK_TX_HTML_ENTITY_DECODE] = "HTML_ENTITY_DECODE",
    [SK_TX_LOWERCASE] = "LOWERCASE",
    [SK_TX_CMD_LINE] = "CMD_LINE",
    [SK_TX_URL_DECODE] = "URL_DECODE",
    [SK_TX_URL_DECODE_UNI] = "URL_DECODE_UNI",
    [SK_TX_BASE64_DECODE] = "BASE64_DECODE",
    [SK_TX_BASE64_DECODE_EXT] = "BASE64_DECODE_EXT",
    [SK_TX_HEX_DECODE] = "HEX_DECODE",
    [SK_TX_MD5] = "MD5",
    [SK_TX_REPLACE_COMMENTS] = "REPLACE_COMMENTS",
    [SK_TX_ESCAPE_SEQ_DECODE] = "ESCAPE_SEQ_DECODE",
    [SK_TX_SQL_HEX_DECODE] = "SQL_HEX_DECODE",
    [SK_TX_CSS_DECODE] = "CSS_DECODE",
    [SK_TX_JS_DECODE] = "JS_DECODE",
    [SK_TX_NORMALIZE_PATH] = "NORMALIZE_PATH",
    [SK_TX_NORMALIZE_PATH_WIN] = "NORMALIZE_PATH_WIN",
    [SK_TX_REMOVE_NULLS] = "REMOVE_NULLS",
    [SK_TX_REPLACE_NULLS] = "REPLACE_NULLS",
    [SK_TX_UTF8_TO_UNICODE] = "UTF8_TO_UNICODE",
};

int sk_transform_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < SK_TX__COUNT; i++)
		if (strcmp(name, tx_names[i]) == 0)
			return i;
	return -1;
}

const char *sk_transform_name(sk_transform t)
{
	if ((unsigned)t >= SK_TX__COUNT)
		return NULL;
	return tx_names[t];
}

/* ---- small helpers ---- */

#define CP_MAX 0x10ffffu
/* Past CP_MAX; digit loops saturate here so long digit runs cannot wrap. */
#define CP_TOO_BIG 0x110000u

/* For the part of a transformation that builds a new value. Inlined into
 * sk_transform_apply, the loops' register needs made every call save and
 * restore six registers, even the common one that finds nothing to change
 * and hands back its input after a test or two. */
#define OUT_OF_LINE __attribute__((noinline))

/* A hex digit's value plus one; 0 for other bytes. A table: the escape
 * decoders ask for every digit of every escape. */
static const uint8_t hex_plus1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int hex_val(uint8_t c)
{
	return hex_plus1[c] - 1;
}

static bool is_oct(uint8_t c)
{
	return c >= '0' && c <= '7';
}

static bool is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Value of the n hex digits at p, or -1 if one is not a hex digit. */
static long hex_n(const uint8_t *p, size_t n)
{
	long v = 0;
	for (size_t i = 0; i < n; i++) {
		int h = hex_val(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static bool is_surrogate(uint32_t cp)
{
	return cp >= 0xd800 && cp <= 0xdfff;
}

/* Writes cp (at most CP_MAX) as UTF-8. Lone surrogates are written in the
 * same 3-byte form as other BMP code points rather than dropped, so the
 * attack text stays visible to the rules. */
static size_t put_utf8(uint8_t *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (uint8_t)(0xc0 | (cp >> 6));
		d[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (uint8_t)(0xe0 | (cp >> 12));
		d[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		d[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (uint8_t)(0xf0 | (cp >> 18));
	d[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
	d[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
	d[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

/* Full-width ASCII (U+FF01..U+FF5E) is how IIS-style %u and JS/CSS escapes
 * smuggle '<' and friends past ASCII rules, so those fold to ASCII. */
static size_t put_unicode(uint8_t *d, uint32_t cp)
{
	if (cp >= 0xff01 && cp <= 0xff5e)
		cp -= 0xfee0;
	return put_utf8(d, cp);
}

/* Output buffer for at most mul * n + extra bytes; NULL on overflow or when
 * the arena is full. */
static uint8_t *out_buf(sk_arena *a, size_t n, size_t mul, size_t extra)
{
	if (n > (SIZE_MAX - extra) / mul)
		return NULL;
	return sk_arena_alloc(a, n * mul + extra);
}

/* Hands back the input itself when nothing changed, so callers can tell
 * cheaply and later steps see the original bytes. */
static sk_status finish(sk_str in, const uint8_t *d, size_t o, sk_str *out)
{
	if (o == in.n && memcmp(d, in.p, o) == 0)
		*out = in;
	else
		*out = sk_str_make(d, o);
	return SK_OK;
}

/* True when some byte of in is in set: the cheap test that lets most
 * transformations skip the copy on inputs they would not change. */
static bool has_any(sk_str in, const char *set, size_t set_n)
{
	/* A few bytes: one vectorised memchr each beats a byte loop. */
	if (set_n <= 3) {
		for (size_t i = 0; i < set_n; i++)
			if (memchr(in.p, set[i], in.n))
				return true;
		return false;
	}
	bool hit[256] = {false};
	for (size_t i = 0; i < set_n; i++)
		hit[(uint8_t)set[i]] = true;
	for (size_t i = 0; i < in.n; i++)
		if (hit[in.p[i]])
			return true;
	return false;
}

#define HAS_ANY(in, lit) has_any(in, lit, sizeof(lit) - 1)

/* ---- COMPRESS_WHITE_SPACE ---- */

/* White-space classes: 1 a one-byte unit (space, tab, CR, LF, VT, FF, and
 * NBSP as the Latin-1 byte), 2 the lead byte of NBSP in UTF-8 (C2 A0). */
static const uint8_t ws_class[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1, [0xa0] = 1, [0xc2] = 2,
};

/* Length of the white-space unit at p[i], 0 if none. */
static inline size_t ws_len(const uint8_t *p, size_t i, size_t n)
{
	uint8_t c = ws_class[p[i]];
	if (c == 2)
		return (i + 1 < n && p[i + 1] == 0xa0) ? 2 : 0;
	return c;
}

/* The 16 bytes at p, split into bit masks (bit k for byte k): sp where a
 * byte is ' ', other where it is '\t'..'\r' or 0xa0 (a white-space unit, or
 * the end of C2 A0), lead where it is 0xc2 (maybe the start of C2 A0). */
typedef struct ws_masks {
	unsigned sp, other, lead;
} ws_masks;

static inline ws_masks ws_bits_of(sk_u8x16 x)
{
	sk_u8x16 ctl = (sk_u8x16)((sk_u8x16)(x - sk_splat('\t')) < sk_splat(5));
	return (ws_masks){
	    .sp = sk_lane_bits((sk_u8x16)(x == sk_splat(' '))),
	    .other = sk_lane_bits(ctl | (sk_u8x16)(x == sk_splat(0xa0))),
	    .lead = sk_lane_bits((sk_u8x16)(x == sk_splat(0xc2))),
	};
}

static inline ws_masks ws_bits(const uint8_t *p)
{
	sk_u8x16 x;
	memcpy(&x, p, 16);
	return ws_bits_of(x);
}

/* The start of the first 16-byte block of in that compressing would
 * change, in.n when there is none. Every white-space unit other
 * than a lone ' ' holds a byte of '\t'..'\r' or 0xa0 (C2 A0 ends in
 * one), so the input is unchanged exactly when it has none of those and
 * no two spaces in a row. */
static size_t ws_first_change(sk_str in)
{
	unsigned carry = 0; /* the previous block ended in ' ' */
	for (size_t i = 0; i < in.n; i += 16) {
		/* The last bytes padded with NULs, which are never white space. */
		ws_masks m = in.n - i >= 16 ? ws_bits(in.p + i)
		                            : ws_bits_of(sk_load_short(in.p + i, in.n - i));
		if (m.other || (m.sp & (m.sp >> 1)) || (carry & m.sp))
			return i;
		carry = m.sp >> 15;
	}
	return in.n;
}

/* Compresses in, whose bytes before i come out as they are (i a multiple
 * of 16 before which ws_first_change found nothing, and no C2 A0 split
 * at i). */
static OUT_OF_LINE sk_status compress_ws_from(sk_str in, size_t i, sk_arena *a, sk_str *out)
{
	uint8_t *d = out_buf(a, in.n, 1, 0);
	if (!d)
		return SK_E_NOMEM;
	memcpy(d, in.p, i);
	size_t o = i;
	bool prev_ws = i > 0 && in.p[i - 1] == ' ';
	while (i < in.n) {
		/* Lone spaces (prose) come out as they are, so the bytes
		 * before the first other white space, space after white space
		 * or C2 (maybe the start of C2 A0) are copied, sixteen at a
		 * time; the store may run past o + k but stays below
		 * i + 16 <= in.n, inside d. */
		if (in.n - i >= 16) {
			ws_masks m = ws_bits(in.p + i);
			unsigned stop = m.other | m.lead | (m.sp & ((m.sp << 1) | prev_ws));
			unsigned k = stop ? (unsigned)__builtin_ctz(stop) : 16;
			if (k) {
				memcpy(d + o, in.p + i, 16);
				o += k;
				i += k;
				prev_ws = (m.sp >> (k - 1)) & 1;
				continue;
			}
		}
		size_t w = ws_len(in.p, i, in.n);
		if (w) {
			if (!prev_ws)
				d[o++] = ' ';
			prev_ws = true;
			i += w;
			/* The rest of the run ("\n    "), without going back to
			 * the vector test for each unit. */
			while (i < in.n && (w = ws_len(in.p, i, in.n)))
				i += w;
		} else {
			d[o++] = in.p[i++];
			prev_ws = false;
		}
	}
	return finish(in, d, o, out);
}

static OUT_OF_LINE sk_status compress_ws_long(sk_str in, sk_arena *a, sk_str *out)
{
	size_t i = ws_first_change(in);
	if (i == in.n) {
		*out = in;
		return SK_OK;
	}
	/* The blocks before i come out as they are, except that a C2 at
	 * the end of the last one may start a C2 A0: then that block is
	 * compressed too (the byte before it cannot start one, as its
	 * block would hold the A0). */
	if (i && in.p[i - 1] == 0xc2)
		i -= 16;
	return compress_ws_from(in, i, a, out);
}

/* Only short values are tested in sk_transform_apply: the loop over
 * longer ones needs registers that every call would save. */
static inline sk_status tx_compress_ws(sk_str in, sk_arena *a, sk_str *out)
{
	if (in.n >= 16)
		return compress_ws_long(in, a, out);
	/* What ws_first_change tests, for a value that is one block. */
	ws_masks m = ws_bits_of(sk_load_short(in.p, in.n));
	if (!m.other && !(m.sp & (m.sp >> 1))) {
		*out = in;
		return SK_OK;
	}
	return compress_ws_from(in, 0, a, out);
}

/* ---- HTML_ENTITY_DECODE ---- */

typedef struct entity {
	const char *name;
	uint8_t len; /* strlen(name) */
	uint32_t cp;
	/* Decoded even without ';', as browsers do for these legacy names. */
	bool bare;
} entity;

/* The names attackers use to hide markup and script punctuation, the
 * HTML 4 Latin-1 set that shows up in text, and common typography. Names
 * are case-sensitive as in HTML; the lower-case &tab; and &newline; are not
 * HTML names but are listed because filters are probed with them.
 * Sorted by name in byte order: entity_find bisects. */
static const entity entities[] = {
    {"AMP", 3, 0x26, true},
    {"DiacriticalGrave", 16, 0x60, false},
    {"GT", 2, 0x3e, true},
    {"Hat", 3, 0x5e, false},
    {"LT", 2, 0x3c, true},
    {"NewLine", 7, 0x0a, false},
    {"NonBreakingSpace", 16, 0xa0, false},
    {"QUOT", 4, 0x22, true},
    {"Tab", 3, 0x09, false},
    {"UnderBar", 8, 0x5f, false},
    {"VerticalLine", 12, 0x7c, false},
    {"acute", 5, 0xb4, false},
    {"amp", 3, 0x26, true},
    {"apos", 4, 0x27, false},
    {"ast", 3, 0x2a, false},
    {"bdquo", 5, 0x201e, false},
    {"brvbar", 6, 0xa6, false},
    {"bsol", 4, 0x5c, false},
    {"bull", 4, 0x2022, false},
    {"cedil", 5, 0xb8, false},
    {"cent", 4, 0xa2, false},
    {"colon", 5, 0x3a, false},
    {"comma", 5, 0x2c, false},
    {"commat", 6, 0x40, false},
    {"copy", 4, 0xa9, false},
    {"curren", 6, 0xa4, false},
    {"dash", 4, 0x2010, false},
    {"deg", 3, 0xb0, false},
    {"divide", 6, 0xf7, false},
    {"dollar", 6, 0x24, false},
    {"emsp", 4, 0x2003, false},
    {"ensp", 4, 0x2002, false},
    {"equals", 6, 0x3d, false},
    {"euro", 4, 0x20ac, false},
    {"excl", 4, 0x21, false},
    {"frac12", 6, 0xbd, false},
    {"frac14", 6, 0xbc, false},
    {"frac34", 6, 0xbe, false},
    {"grave", 5, 0x60, false},
    {"gt", 2, 0x3e, true},
    {"hellip", 6, 0x2026, false},
    {"hyphen", 6, 0x2010, false},
    {"iexcl", 5, 0xa1, false},
    {"iquest", 6, 0xbf, false},
    {"laquo", 5, 0xab, false},
    {"larr", 4, 0x2190, false},
    {"lbrace", 6, 0x7b, false},
    {"lbrack", 6, 0x5b, false},
    {"lcub", 4, 0x7b, false},
    {"ldquo", 5, 0x201c, false},
    {"lowbar", 6, 0x5f, false},
    {"lpar", 4, 0x28, false},
    {"lrm", 3, 0x200e, false},
    {"lsaquo", 6, 0x2039, false},
    {"lsqb", 4, 0x5b, false},
    {"lsquo", 5, 0x2018, false},
    {"lt", 2, 0x3c, true},
    {"macr", 4, 0xaf, false},
    {"mdash", 5, 0x2014, false},
    {"micro", 5, 0xb5, false},
    {"midast", 6, 0x2a, false},
    {"middot", 6, 0xb7, false},
    {"minus", 5, 0x2212, false},
    {"nbsp", 4, 0xa0, true},
    {"ndash", 5, 0x2013, false},
    {"newline", 7, 0x0a, false},
    {"not", 3, 0xac, false},
    {"num", 3, 0x23, false},
    {"ordf", 4, 0xaa, false},
    {"ordm", 4, 0xba, false},
    {"para", 4, 0xb6, false},
    {"percnt", 6, 0x25, false},
    {"period", 6, 0x2e, false},
    {"plus", 4, 0x2b, false},
    {"plusmn", 6, 0xb1, false},
    {"pound", 5, 0xa3, false},
    {"quest", 5, 0x3f, false},
    {"quot", 4, 0x22, true},
    {"raquo", 5, 0xbb, false},
    {"rarr", 4, 0x2192, false},
    {"rbrace", 6, 0x7d, false},
    {"rbrack", 6, 0x5d, false},
    {"rcub", 4, 0x7d, false},
    {"rdquo", 5, 0x201d, false},
    {"reg", 3, 0xae, false},
    {"rlm", 3, 0x200f, false},
    {"rpar", 4, 0x29, false},
    {"rsaquo", 6, 0x203a, false},
    {"rsqb", 4, 0x5d, false},
    {"rsquo", 5, 0x2019, false},
    {"sbquo", 5, 0x201a, false},
    {"sect", 4, 0xa7, false},
    {"semi", 4, 0x3b, false},
    {"shy", 3, 0xad, false},
    {"sol", 3, 0x2f, false},
    {"sup1", 4, 0xb9, false},
    {"sup2", 4, 0xb2, false},
    {"sup3", 4, 0xb3, false},
    {"tab", 3, 0x09, false},
    {"thinsp", 6, 0x2009, false},
    {"times", 5, 0xd7, false},
    {"trade", 5, 0x2122, false},
    {"uml", 3, 0xa8, false},
    {"verbar", 6, 0x7c, false},
    {"vert", 4, 0x7c, false},
    {"yen", 3, 0xa5, false},
    {"zwj", 3, 0x200d, false},
    {"zwnj", 4, 0x200c, false},
};

/* Longest name above; a longer letter run cannot be an entity. */
#define ENTITY_NAME_MAX 16

static const entity *entity_find(const uint8_t *name, size_t n)
{
	size_t lo = 0, hi = sizeof entities / sizeof entities[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		SK_ASSERT(mid == 0 || strcmp(entities[mid - 1].name, entities[mid].name) < 0);
		SK_ASSERT(entities[mid].len == strlen(entities[mid].name));
		const char *e = entities[mid].name;
		size_t en = entities[mid].len;
		/* memcmp by hand: names are short and most probes differ in
		 * the first byte, so a call would cost more than the compare. */
		size_t m = en < n ? en : n, k = 0;
		while (k < m && (uint8_t)e[k] == name[k])
			k++;
		int c = k < m ? (uint8_t)e[k] - name[k] : (en > n) - (en < n);
		if (c == 0)
			return &entities[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Decodes the entity at s (s[0] == '&'). On success sets *cp and *used (the
 * bytes taken, ';' included) and returns true. */
static bool entity_decode(const uint8_t *s, size_t m, uint32_t *cp, size_t *used)
{
	size_t j;
	if (m >= 2 && s[1] == '#') {
		bool hex = m >= 3 && (s[2] | 0x20) == 'x';
		unsigned base = hex ? 16 : 10;
		j = hex ? 3 : 2;
		size_t start = j;
		uint32_t v = 0;
		for (; j < m; j++) {
			int h = hex_val(s[j]);
			if (h < 0 || (unsigned)h >= base)
				break;
			v = v * base + (unsigned)h;
			if (v > CP_MAX)
				v = CP_TOO_BIG;
		}
		/* No digits, NUL, surrogates and values past Unicode stay as
		 * text: there is no character a browser would give them. */
		if (j == start || v == 0 || v > CP_MAX || is_surrogate(v))
			return false;
		if (j < m && s[j] == ';')
			j++;
		*cp = v;
		*used = j;
		return true;
	}
	for (j = 1; j < m && j <= ENTITY_NAME_MAX && is_alnum(s[j]); j++)
		;
	if (j == 1 || (j < m && is_alnum(s[j])))
		return false;
	const entity *e = entity_find(s + 1, j - 1);
	if (!e)
		return false;
	if (j < m && s[j] == ';')
		j++;
	else if (!e->bare)
		return false;
	*cp = e->cp;
	*used = j;
	return true;
}

static OUT_OF_LINE sk_status html_entity_decode(sk_str in, sk_arena *a, sk_str *out)
{
	const uint8_t *amp = memchr(in.p, '&', in.n);
	if (!amp) {
		*out = in;
		return SK_OK;
	}
	/* Every entity is at least as long as its UTF-8 form. */
	uint8_t *d = out_buf(a, in.n, 1, 0);
	if (!d)
		return SK_E_NOMEM;
	size_t o = 0;
	for (size_t i = 0; i < in.n;) {
		/* Copy up to the next '&' in one go. */
		if (!amp)
			amp = memchr(in.p + i, '&', in.n - i);
		size_t run = amp ? (size_t)(amp - (in.p + i)) : in.n - i;
		amp = NULL;
		memcpy(d + o, in.p + i, run);
		o += run;
		i += run;
		if (i >= in.n)
			break;
		uint32_t cp;
		size_t used;
		if (entity_decode(in.p + i, in.n - i, &cp, &used)) {
			o += put_utf8(d + o, cp);
			i += used;
		} else {
			d[o++] = in.p[i++];
		}
	}
	return finish(in, d, o, out);
}

static inline sk_status tx_html_entity_decode(sk_str in, sk_arena *a, sk_str *out)
{
	/* Values of up to 32 bytes without '&' are told apart here, with
	 * one or two (overlapping) vectors and no call; longer ones are left
	 * to memchr, faster on long runs. */
	sk_u8x16 x, y;
	if (in.n < 16) {
		x = sk_load_short(in.p, in.n);
		y = x;
	} else if (in.n <= 32) {
		memcpy(&x, in.p, 16);
		memcpy(&y, in.p + in.n - 16, 16);
	} else {
		return html_entity_decode(in, a, out);
	}
	if (!sk_lane_bits((sk_u8x16)(x == sk_splat('&')) | (sk_u8x16)(y == sk_splat('&')))) {
		*out = in;
		return SK_OK;
	}
	return html_entity_decode(in, a, out);
}

/* ---- LOWERCASE ---- */

/* Where the 16 bytes x hold 'A'..'Z': all ones there, zero elsewhere
 * (bytes >= 0x80 never count). */
static inline sk_u8x16 upper_lanes(sk_u8x16 x)
{
	return (sk_u8x16)((sk_u8x16)(x - sk_splat('A')) < sk_splat(26));
}

/* The index of the first 'A'..'Z' in p[0..n), n when there is none. */
static size_t first_upper(const uint8_t *p, size_t n)
{
	size_t i = 0;
	sk_u8x16 x;
	if (n < 16) {
		unsigned m = sk_lane_bits(upper_lanes(sk_load_short(p, n)));
		return m ? (size_t)__builtin_ctz(m) : n;
	}
	for (; i + 16 <= n; i += 16) {
		memcpy(&x, p + i, 16);
		unsigned m = sk_lane_bits(upper_lanes(x));
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
	if (i < n) {
		/* The last bytes: the final 16 again, the bits of those already
		 * looked at shifted out. */
		memcpy(&x, p + n - 16, 16);
		unsigned m = sk_lane_bits(upper_lanes(x)) >> (16 - (n - i));
		return m ? i + (size_t)__builtin_ctz(m) : n;
	}
	return i;
}

/* Lower-cases in, whose first upper-case letter is at i. */
static OUT_OF_LINE sk_status lowercase_from(sk_str in, size_t i, sk_arena *a, sk_str *out)
{
	sk_u8x16 x;
	size_t n = in.n;
	uint8_t *d = out_buf(a, n, 1, 0);
	if (!d)
		return SK_E_NOMEM;
	if (n < 16) {
		/* Two overlapping words cover the value; where they overlap
		 * they store the same bytes. */
		if (n >= 8) {
			uint64_t w0, w1;
			memcpy(&w0, in.p, 8);
			memcpy(&w1, in.p + n - 8, 8);
			w0 = sk_lower8(w0);
			w1 = sk_lower8(w1);
			memcpy(d, &w0, 8);
			memcpy(d + n - 8, &w1, 8);
		} else if (n >= 4) {
			uint32_t h0, h1;
			memcpy(&h0, in.p, 4);
			memcpy(&h1, in.p + n - 4, 4);
			h0 = (uint32_t)sk_lower8(h0);
			h1 = (uint32_t)sk_lower8(h1);
			memcpy(d, &h0, 4);
			memcpy(d + n - 4, &h1, 4);
		} else {
			for (size_t k = 0; k < n; k++)
				d[k] = sk_lower(in.p[k]);
		}
		*out = sk_str_make(d, n);
		return SK_OK;
	}
	/* The whole blocks before the first capital are copied as they are. */
	size_t k = i & ~(size_t)15;
	if (k)
		memcpy(d, in.p, k);
	for (; k + 16 <= n; k += 16) {
		memcpy(&x, in.p + k, 16);
		x |= upper_lanes(x) & sk_splat(0x20);
		memcpy(d + k, &x, 16);
	}
	if (k < n) {
		/* The last 16 bytes again: those already stored get the same
		 * bytes. */
		memcpy(&x, in.p + n - 16, 16);
		x |= upper_lanes(x) & sk_splat(0x20);
		memcpy(d + n - 16, &x, 16);
	}
	*out = sk_str_make(d, n);
	return SK_OK;
}

static inline sk_status tx_lowercase(sk_str in, sk_arena *a, sk_str *out)
{
	size_t i = first_upper(in.p, in.n);
	if (i == in.n) {
		*out = in;
		return SK_OK;
	}
	return lowercase_from(in, i, a, out);
}

/* ---- CMD_LINE ---- */

/* AWS lists the space rules one after another without saying how they
 * interact; like ModSecurity, white space, ',' and ';' are all separators
 * here: a run of them becomes one space, or nothing when it stands right
 * before '/' or '('. Deleted characters do not end a run. */
static OUT_OF_LINE sk_status tx_cmd_line(sk_str in, sk_arena *a, sk_str *out)
{
	uint8_t *d = out_buf(a, in.n, 1, 1);
	if (!d)
		return SK_E_NOMEM;
	size_t o = 0;
	bool pending = false;
	for (size_t i = 0; i < in.n; i++) {
		uint8_t c = in.p[i];
		switch (c) {
		case '\\':
		case '"':
		case '\'':
		case '^': break;
		case ' ':
		case '\t':
		case '\n':
		case '\r':
		case '\v':
		case '\f':
		case ',':
		case ';': pending = true; break;
		case '/':
		case '(':
			pending = false;
			d[o++] = c;
			break;
		default:
			if (pending)
				d[o++] = ' ';
			pending = false;
			d[o++] = sk_lower(c);
			break;
		}
	}
	if (pending)
		d[o++] = ' ';
	return finish(in, d, o, out);
}

/* ---- URL_DECODE, URL_DECODE_UNI ---- */

/* Bit k set where lane k of x (or byte k of the 16 at p) is '%' or '+'. */
static inline unsigned url_special_bits_of(sk_u8x16 x)
{
	return sk_lane_bits((sk_u8x16)(x == sk_splat('%')) | (sk_u8x16)(x == sk_splat('+')));
}

static inline unsigned url_special_bits(const uint8_t *p)
{
	sk_u8x16 x;
	memcpy(&x, p, 16);
	return url_special_bits_of(x);
}

/* The index of the first '%' or '+' in p[0..n), n when there is none. */
static size_t first_url_special(const uint8_t *p, size_t n)
{
	size_t i = 0;
	if (n < 16) {
		unsigned m = url_special_bits_of(sk_load_short(p, n));
		return m ? (size_t)__builtin_ctz(m) : n;
	}
	for (; i + 16 <= n; i += 16) {
		unsigned m = url_special_bits(p + i);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
	if (i < n) {
		/* The last bytes: the final 16 again, the bits of those already
		 * looked at shifted out. */
		unsigned m = url_special_bits(p + n - 16) >> (16 - (n - i));
		return m ? i + (size_t)__builtin_ctz(m) : n;
	}
	return i;
}

/* Copies in[*i..) to d + *o up to the next '%' (or the end), '+' turned
 * into ' ' on the way, 16 bytes at a time. Bytes past the '%' are stored
 * too and overwritten next: *o <= *i (output never outgrows the input
 * read), so d, as long as the input, has room. */
static void url_copy_run(sk_str in, uint8_t *d, size_t *i, size_t *o)
{
	const sk_u8x16 plus = sk_splat('+'), pct = sk_splat('%');
	const sk_u8x16 flip = sk_splat('+' ^ ' ');
	while (in.n - *i >= 16) {
		sk_u8x16 x;
		memcpy(&x, in.p + *i, 16);
		unsigned m = sk_lane_bits((sk_u8x16)(x == pct));
		x ^= (sk_u8x16)(x == plus) & flip;
		memcpy(d + *o, &x, 16);
		size_t k = m ? (size_t)__builtin_ctz(m) : 16;
		*o += k;
		*i += k;
		if (m)
			return;
	}
	/* The last bytes, padded with NULs, in one go when the escapes
	 * decoded so far left room for a whole vector in d. */
	size_t left = in.n - *i;
	if (left && *o + 16 <= in.n) {
		sk_u8x16 x = sk_load_short(in.p + *i, left);
		unsigned m = sk_lane_bits((sk_u8x16)(x == pct));
		x ^= (sk_u8x16)(x == plus) & flip;
		memcpy(d + *o, &x, 16);
		size_t k = m ? (size_t)__builtin_ctz(m) : left;
		*o += k;
		*i += k;
		return;
	}
	for (; *i < in.n && in.p[*i] != '%'; (*i)++)
		d[(*o)++] = in.p[*i] == '+' ? ' ' : in.p[*i];
}

/* Decodes in, whose first '%' or '+' is at i. */
static OUT_OF_LINE sk_status url_decode_from(sk_str in, size_t i, sk_arena *a, sk_str *out,
                                             bool uni)
{
	/* %uXXXX (6 bytes) gives at most 3 bytes of UTF-8. */
	uint8_t *d = out_buf(a, in.n, 1, 0);
	if (!d)
		return SK_E_NOMEM;
	memcpy(d, in.p, i);
	size_t o = i;
	for (;;) {
		url_copy_run(in, d, &i, &o);
		if (i >= in.n)
			break;
		/* At a '%'. Escapes come in runs ("%7B%22"): the common two-digit
		 * form is decoded here until the run ends. */
		while (in.n - i >= 3 && in.p[i] == '%') {
			unsigned hi = hex_plus1[in.p[i + 1]], lo = hex_plus1[in.p[i + 2]];
			if (!hi || !lo)
				break;
			d[o++] = (uint8_t)((hi - 1) << 4 | (lo - 1));
			i += 3;
		}
		if (i >= in.n)
			break;
		if (in.p[i] != '%')
			continue;
		long v;
		if (in.n - i >= 3 && (v = hex_n(in.p + i + 1, 2)) >= 0) {
			d[o++] = (uint8_t)v;
			i += 3;
		} else if (uni && in.n - i >= 6 && (in.p[i + 1] | 0x20) == 'u' &&
		           (v = hex_n(in.p + i + 2, 4)) >= 0) {
			o += put_unicode(d + o, (uint32_t)v);
			i += 6;
		} else {
			/* Invalid escapes stay as they are. */
			d[o++] = '%';
			i++;
		}
	}
	return finish(in, d, o, out);
}

bool sk_url_decode_uni_same(sk_str in)
{
	/* Every pair of neighbours (k, k + 1), 16 at a time: x holds the first
	 * bytes and y the second; the last block reads the final 17 bytes
	 * again, some of them seen already, which changes nothing. */
	const sk_u8x16 pct = sk_splat('%'), u = sk_splat('u'), lc = sk_splat(0x20);
	sk_u8x16 x, y;
	size_t n = in.n;
	/* Most values hold no '%' at all: libc's memchr says so fastest. */
	if (n < 2 || !memchr(in.p, '%', n - 1))
		return true;
	if (n <= 16) {
		x = sk_load_short(in.p, n - 1);
		y = sk_load_short(in.p + 1, n - 1);
		return !sk_any_lane((sk_u8x16)(x == pct) & (sk_u8x16)((y | lc) == u));
	}
	for (size_t i = 0;; i += 16) {
		if (i + 17 > n)
			i = n - 17;
		memcpy(&x, in.p + i, 16);
		memcpy(&y, in.p + i + 1, 16);
		if (sk_any_lane((sk_u8x16)(x == pct) & (sk_u8x16)((y | lc) == u)))
			return false;
		if (i == n - 17)
			return true;
	}
}

static inline sk_status tx_url_decode(sk_str in, sk_arena *a, sk_str *out, bool uni)
{
	size_t i = first_url_special(in.p, in.n);
	if (i == in.n) {
		*out = in;
		return SK_OK;
	}
	return url_decode_from(in, i, a, out, uni);
}

/* ---- BASE64_DECODE, BASE64_DECODE_EXT ---- */

static int b64_val(uint8_t c, bool ext)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || (ext && c == '-'))
		return 62;
	if (c == '/' || (ext && c == '_'))
		return 63;
	return -1;
}

/* Writes what the k (< 4) sextets in acc hold; a lone sextet holds no whole
 * byte and is dropped. */
static size_t b64_flush(uint8_t *d, uint32_t acc, int k)
{
	if (k == 2) {
		d[0] = (uint8_t)(acc >> 4);
		return 1;
	}
	if (k == 3) {
		d[0] = (uint8_t)(acc >> 10);
		d[1] = (uint8_t)(acc >> 2);
		return 2;
	}
	return 0;
}

/* Plain: decodes up to the first byte outside the alphabet ('=' included)
 * and returns what was decoded so far; missing padding is fine.
 * Ext: both the standard and the URL-safe alphabet ('-' and '_'), and every
 * other byte is skipped, except that '=' ends the current group, so
 * concatenated padded blocks ("QQ==QQ==") decode block by block. */
static OUT_OF_LINE sk_status tx_base64_decode(sk_str in, sk_arena *a, sk_str *out, bool ext)
{
	uint8_t *d = out_buf(a, in.n / 4, 3, 3);
	if (!d)
		return SK_E_NOMEM;
	size_t o = 0;
	uint32_t acc = 0;
	int k = 0;
	for (size_t i = 0; i < in.n; i++) {
		int v = b64_val(in.p[i], ext);
		if (v < 0) {
			if (!ext)
				break;
			if (in.p[i] == '=') {
				o += b64_flush(d + o, acc, k);
				acc = 0;
				k = 0;
			}
			continue;
		}
		acc = (acc << 6) | (uint32_t)v;
		if (++k == 4) {
			d[o++] = (uint8_t)(acc >> 16);
			d[o++] = (uint8_t)(acc >> 8);
			d[o++] = (uint8_t)acc;
			acc = 0;
			k = 0;
		}
	}
	o += b64_flush(d + o, acc, k);
	*out = sk_str_make(d, o);
	return SK_OK;
}

/* ---- HEX_DECODE ---- */

/* Each pair of hex digits becomes a byte; anything else (a non-hex byte, a
 * hex digit without a partner) is copied through, so mixed text survives. */
static OUT_OF_LINE sk_status tx_hex_decode(sk_str in, sk_arena *a, sk_str *out)
{
	uint8_t *d = out_buf(a, in.n, 1, 0);
	if (!d)
		return SK_E_NOMEM;
	size_t o = 0;
	for (size_t i = 0; i < in.n;) {
		long v;
		if (in.n - i >= 2 && (v = hex_n(in.p + i, 2)) >= 0) {
			d[o++] = (uint8_t)v;
			i += 2;
		} else {
			d[o++] = in.p[i++];
		}
	}
	return finish(in, d, o, out);
}

/* ---- MD5 ---- */

static OUT_OF_LINE sk_status tx_md5(sk_str in, sk_arena *a, sk_str *out)
{
	static const uint8_t empty[1];
	uint8_t *d = sk_arena_alloc(a, EVP_MAX_MD_SIZE);
	if (!d)
		return SK_E_NOMEM;
	unsigned len = 0;
	if (!EVP_Digest(in.n ? in.p : empty, in.n, d, &len, EVP_md5(), NULL) || len != 16)
		return SK_E_UNSUPPORTED; /* e.g. MD5 disabled by a FIPS provider */
	*out = sk_str_make(d, len);
	return SK_OK;
}

/* ---- REPLACE_COMMENTS ---- */

/* An unterminated comment runs to the end, as it would for a SQL parser;
 * a stray closing marker is ordinary text. */
static OUT_OF_LINE sk_status tx_replace_comments(sk_str in, sk_arena *a, sk_str *out)
{
	const uint8_t *end = in.p + in.n;
	const uint8_t *open = sk_find_pair(in.p, end, '/', '*');
	if (!open) {
		*out = in;
		return SK_OK;
	}
	uint8_t *d = out_buf(a, in.n, 1, 0);
	if (!d)
		return SK_E_NOMEM;
	size_t o = 0, i = 0;
	while (open) {
		size_t at = (size_t)(open - in.p);
		memcpy(d + o, in.p + i, at - i);
		o += at - i;
		d[o++] = ' ';
		/* An unterminated comment runs to the end. */
		const uint8_t *close = sk_find_pair(open + 2, end, '*', '/');
		i = close ? (size_t)(close - in.p) + 2 : in.n;
		open = sk_find_pair(in.p + i, end, '/', '*');
	}
	memcpy(d + o, in.p + i, in.n - i);
	o += in.n - i;
	return finish(in, d, o, out);
}

/* ---- shared by the backslash decoders ---- */

/* The C control escapes; 0 when c is not one. */
static uint8_t c_control(uint8_t c)
{
	switch (c) {
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'v': return '\v';
	default: return 0;
	}
}

/* 1-3 octal digits at p[0..m) whose value fits a byte (so "\400" is "\40"
 * then "0"). Returns the digits used; *v the value. p[0] must be octal. */
static size_t octal_byte(const uint8_t *p, size_t m, unsigned *v)
{
	unsigned x = (unsigned)(p[0] - '0');
	size_t k = 1;
	while (k < 3 && k < m && is_oct(p[k]) && x * 8 + (unsigned)(p[k] - '0') <= 0377) {
		x = x * 8 + (unsigned)(p[k] - '0');
		k++;
	}
	*v = x;
	return k;
}

/* ---- ESCAPE_SEQ_DECODE ---- */

/* A trailing lone backslash has nothing to escape and is kept. */
static OUT_OF_LINE sk_status tx_escape_seq_decode(sk_str in, sk_arena *a, sk_str *out)
{
	if (!memchr(in.p, '\\', in.n)) {
		*out = in;
		return SK_OK;
	}
	uint8_t *d = out_buf(a, in.n, 1, 0);
	if (!d)
		return SK_E_NOMEM;
	size_t o = 0;
	for (size_t i = 0; i < in.n;) {
		if (in.p[i] != '\\' || i + 1 >= in.n) {
			d[o++] = in.p[i++];
			continue;
		}
		uint8_t e = in.p[i + 1], ctl = c_control(e);
		if (ctl) {
			d[o++] = ctl;
			i += 2;
		} else if (e == 'x' && i + 2 < in.n && hex_val(in.p[i + 2]) >= 0) {
			unsigned v = (unsigned)hex_val(in.p[i + 2]);
			i += 3;
			if (i < in.n && hex_val(in.p[i]) >= 0)
				v = v * 16 + (unsigned)hex_val(in.p[i++]);
			d[o++] = (uint8_t)v;
		} else if (is_oct(e)) {
			unsigned v;
			i += 1 + octal_byte(in.p + i + 1, in.n - i - 1, &v);
			d[o++] = (uint8_t)v;
		} else {
			/* \\ \? \' \" and every invalid escape: the character. */
			d[o++] = e;
			i += 2;
		}
	}
	return finish(in, d, o, out);
}

/* ---- SQL_HEX_DECODE ---- */

/* 0x followed by at least two hex digits: the whole pairs become bytes and an
 * odd last digit stays as text. */
static OUT_OF_LINE sk_status tx_sql_hex_decode(sk_str in, sk_arena *a, sk_str *out)
{
	if (!HAS_ANY(in, "xX")) {
		*out = in;
		return SK_OK;
	}
	uint8_t *d = out_buf(a, in.n, 1, 0);
	if (!d)
		return SK_E_NOMEM;
	size_t o = 0;
	for (size_t i = 0; i < in.n;) {
		if (in.p[i] == '0' && i + 1 < in.n && (in.p[i + 1] | 0x20) == 'x') {
			size_t j = i + 2;
			while (j < in.n && hex_val(in.p[j]) >= 0)
				j++;
			size_t pairs = (j - i - 2) / 2;
			if (pairs) {
				for (size_t k = 0; k < pairs; k++)
					d[o++] = (uint8_t)hex_n(in.p + i + 2 + 2 * k, 2);
				i += 2 + 2 * pairs;
				continue;
			}
		}
		d[o++] = in.p[i++];
	}
	return finish(in, d, o, out);
}

/* ---- CSS_DECODE ---- */

static bool css_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* CSS 2.1 / Syntax 3: "\" + 1-6 hex digits (+ one optional white space,
 * CR LF counting as one) is a code point; NUL, surrogates and values past
 * Unicode become U+FFFD as in browsers. "\" + newline is a line
 * continuation and vanishes; "\" + anything else is that byte. A trailing
 * lone backslash is kept. */
static OUT_OF_LINE sk_status tx_css_decode(sk_str in, sk_arena *a, sk_str *out)
{
	if (!memchr(in.p, '\\', in.n)) {
		*out = in;
		return SK_OK;
	}
	/* "\0" (2 bytes) becomes U+FFFD (3 bytes): the worst ratio. */
	uint8_t *d = out_buf(a, in.n / 2, 3, 2);
	if (!d)
		return SK_E_NOMEM;
	size_t o = 0;
	for (size_t i = 0; i < in.n;) {
		if (in.p[i] != '\\' || i + 1 >= in.n) {
			d[o++] = in.p[i++];
			continue;
		}
		uint8_t e = in.p[i + 1];
		if (hex_val(e) >= 0) {
			size_t j = i + 1;
			uint32_t v = 0;
			for (; j < in.n && j < i + 7 && hex_val(in.p[j]) >= 0; j++)
				v = v * 16 + (uint32_t)hex_val(in.p[j]);
			if (j + 1 < in.n && in.p[j] == '\r' && in.p[j + 1] == '\n')
				j += 2;
			else if (j < in.n && css_ws(in.p[j]))
				j++;
			if (v == 0 || v > CP_MAX || is_surrogate(v))
				v = 0xfffd;
			o += put_unicode(d + o, v);
			i = j;
		} else if (e == '\n' || e == '\f') {
			i += 2;
		} else if (e == '\r') {
			i += 2;
			if (i < in.n && in.p[i] == '\n')
				i++;
		} else {
			d[o++] = e;
			i += 2;
		}
	}
	return finish(in, d, o, out);
}

/* ---- JS_DECODE ---- */

/* \uXXXX at p (p[0] == '\\'), m bytes available; -1 if not one. */
static long js_u4(const uint8_t *p, size_t m)
{
	if (m < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	return hex_n(p + 2, 4);
}

/* JS escapes: \uXXXX (a surrogate pair written as two of them is joined),
 * \u{X...} (ES2015), \xHH and \OOO (legacy octal) as raw bytes like the C
 * escapes, and the C control letters. An invalid escape ("\u12", "\xg")
 * gives its character without the backslash; a trailing lone backslash is
 * kept. */
static OUT_OF_LINE sk_status tx_js_decode(sk_str in, sk_arena *a, sk_str *out)
{
	if (!memchr(in.p, '\\', in.n)) {
		*out = in;
		return SK_OK;
	}
	uint8_t *d = out_buf(a, in.n, 1, 0);
	if (!d)
		return SK_E_NOMEM;
	size_t o = 0;
	for (size_t i = 0; i < in.n;) {
		if (in.p[i] != '\\') {
			const uint8_t *bs = memchr(in.p + i, '\\', in.n - i);
			size_t run = bs ? (size_t)(bs - (in.p + i)) : in.n - i;
			memcpy(d + o, in.p + i, run);
			o += run;
			i += run;
			continue;
		}
		if (i + 1 >= in.n) {
			d[o++] = in.p[i++];
			continue;
		}
		uint8_t e = in.p[i + 1], ctl = c_control(e);
		long v;
		if ((v = js_u4(in.p + i, in.n - i)) >= 0) {
			uint32_t cp = (uint32_t)v;
			i += 6;
			long lo = (cp >= 0xd800 && cp <= 0xdbff) ? js_u4(in.p + i, in.n - i) : -1;
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
				i += 6;
			}
			o += put_unicode(d + o, cp);
		} else if (e == 'u' && i + 2 < in.n && in.p[i + 2] == '{') {
			size_t j = i + 3;
			uint32_t cp = 0;
			for (; j < in.n && hex_val(in.p[j]) >= 0; j++) {
				cp = cp * 16 + (uint32_t)hex_val(in.p[j]);
				if (cp > CP_MAX)
					cp = CP_TOO_BIG;
			}
			if (j > i + 3 && j < in.n && in.p[j] == '}' && cp <= CP_MAX) {
				o += put_unicode(d + o, cp);
				i = j + 1;
			} else {
				d[o++] = 'u';
				i += 2;
			}
		} else if (e == 'x' && in.n - i >= 4 && (v = hex_n(in.p + i + 2, 2)) >= 0) {
			d[o++] = (uint8_t)v;
			i += 4;
		} else if (is_oct(e)) {
			unsigned ov;
			i += 1 + octal_byte(in.p + i + 1, in.n - i - 1, &ov);
			d[o++] = (uint8_t)ov;
		} else if (ctl) {
			d[o++] = ctl;
			i += 2;
		} else {
			d[o++] = e;
			i += 2;
		}
	}
	return finish(in, d, o, out);
}

/* ---- NORMALIZE_PATH, NORMALIZE_PATH_WIN ---- */

/* Separators collapse to one '/', "." segments go, ".." removes the segment
 * before it. A ".." with nothing left to remove is dropped, whether the path
 * is absolute ("/../a" -> "/a") or relative ("../a" -> "a"), so no path
 * climbs out of where it starts. A trailing separator, "." or ".." leaves a
 * trailing '/'. A relative path that resolves to nothing ("a/..") gives "".
 * Win: '\' is a separator too and comes out as '/'. */
static OUT_OF_LINE sk_status tx_normalize_path(sk_str in, sk_arena *a, sk_str *out, bool win)
{
	if (in.n == 0) {
		*out = in;
		return SK_OK;
	}
	/* Each name gets a '/' after it; the last one may be taken back. */
	uint8_t *d = out_buf(a, in.n, 1, 1);
	if (!d)
		return SK_E_NOMEM;
#define IS_SEP(c) ((c) == '/' || (win && (c) == '\\'))
	size_t o = 0, base = 0;
	if (IS_SEP(in.p[0])) {
		d[o++] = '/';
		base = 1;
	}
	bool last_dir = false;
	for (size_t i = 0;;) {
		while (i < in.n && IS_SEP(in.p[i]))
			i++;
		if (i == in.n)
			break;
		size_t s = i;
		while (i < in.n && !IS_SEP(in.p[i]))
			i++;
		size_t len = i - s;
		if (len == 1 && in.p[s] == '.') {
			last_dir = true;
		} else if (len == 2 && in.p[s] == '.' && in.p[s + 1] == '.') {
			last_dir = true;
			if (o > base) {
				o--;
				while (o > base && d[o - 1] != '/')
					o--;
			}
		} else {
			memcpy(d + o, in.p + s, len);
			o += len;
			d[o++] = '/';
			last_dir = false;
		}
	}
	if (!last_dir && !IS_SEP(in.p[in.n - 1]) && o > base)
		o--;
#undef IS_SEP
	return finish(in, d, o, out);
}

/* ---- REMOVE_NULLS, REPLACE_NULLS ---- */

static OUT_OF_LINE sk_status tx_nulls(sk_str in, sk_arena *a, sk_str *out, bool replace)
{
	const uint8_t *z = memchr(in.p, 0, in.n);
	if (!z) {
		*out = in;
		return SK_OK;
	}
	uint8_t *d = out_buf(a, in.n, 1, 0);
	if (!d)
		return SK_E_NOMEM;
	size_t o = (size_t)(z - in.p);
	memcpy(d, in.p, o);
	for (size_t i = o; i < in.n; i++) {
		if (in.p[i])
			d[o++] = in.p[i];
		else if (replace)
			d[o++] = ' ';
	}
	*out = sk_str_make(d, o);
	return SK_OK;
}

/* ---- UTF8_TO_UNICODE ---- */

/* Decodes the sequence at p: length (2-4) and *cp, or 0 when p[0] does not
 * start one. Overlong forms and surrogates are decoded on purpose, since
 * "C0 AF" for '/' is exactly what this transformation must expose. Lead
 * bytes F5-F7 give values past Unicode (up to 0x1FFFFF), written as is. */
static size_t utf8_seq(const uint8_t *p, size_t m, uint32_t *cp)
{
	uint8_t c = p[0];
	size_t len;
	uint32_t v;
	if (c >= 0xc0 && c <= 0xdf)
		len = 2, v = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, v = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf7)
		len = 4, v = c & 0x07;
	else
		return 0;
	if (m < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[k] & 0x3f);
	}
	*cp = v;
	return len;
}

/* Each multi-byte sequence becomes %uXXXX (lower-case hex, at least four
 * digits); ASCII and bytes that start no valid sequence are copied. */
static OUT_OF_LINE sk_status tx_utf8_to_unicode(sk_str in, sk_arena *a, sk_str *out)
{
	size_t i = 0;
	while (i < in.n && in.p[i] < 0x80)
		i++;
	if (i == in.n) {
		*out = in;
		return SK_OK;
	}
	/* Two bytes give six ("%uXXXX"); four give at most eight. */
	uint8_t *d = out_buf(a, in.n, 3, 0);
	if (!d)
		return SK_E_NOMEM;
	static const char hex[] = "0123456789abcdef";
	memcpy(d, in.p, i);
	size_t o = i;
	while (i < in.n) {
		uint32_t cp;
		size_t len = in.p[i] >= 0x80 ? utf8_seq(in.p + i, in.n - i, &cp) : 0;
		if (!len) {
			d[o++] = in.p[i++];
			continue;
		}
		i += len;
		d[o++] = '%';
		d[o++] = 'u';
		int digits = cp > 0xfffff ? 6 : cp > 0xffff ? 5 : 4;
		for (int k = digits - 1; k >= 0; k--)
			d[o++] = (uint8_t)hex[(cp >> (4 * k)) & 0xf];
	}
	return finish(in, d, o, out);
}

/* ---- dispatch ---- */

sk_status sk_transform_apply(sk_transform t, sk_str in, sk_arena *a, sk_str *out)
{
	/* Nothing can come out of nothing, except a digest. */
	if (in.n == 0 && t != SK_TX_MD5) {
		*out = in;
		return SK_OK;
	}
	switch (t) {
	case SK_TX_NONE: *out = in; return SK_OK;
	case SK_TX_COMPRESS_WHITE_SPACE: return tx_compress_ws(in, a, out);
	case SK_TX_HTML_ENTITY_DECODE: return tx_html_entity_decode(in, a, out);
	case SK_TX_LOWERCASE: return tx_lowercase(in, a, out);
	case SK_TX_CMD_LINE: return tx_cmd_line(in, a, out);
	case SK_TX_URL_DECODE: return tx_url_decode(in, a, out, false);
	case SK_TX_URL_DECODE_UNI: return tx_url_decode(in, a, out, true);
	case SK_TX_BASE64_DECODE: return tx_base64_decode(in, a, out, false);
	case SK_TX_BASE64_DECODE_EXT: return tx_base64_decode(in, a, out, true);
	case SK_TX_HEX_DECODE: return tx_hex_decode(in, a, out);
	case SK_TX_MD5: return tx_md5(in, a, out);
	case SK_TX_REPLACE_COMMENTS: return tx_replace_comments(in, a, out);
	case SK_TX_ESCAPE_SEQ_DECODE: return tx_escape_seq_decode(in, a, out);
	case SK_TX_SQL_HEX_DECODE: return tx_sql_hex_decode(in, a, out);
	case SK_TX_CSS_DECODE: return tx_css_decode(in, a, out);
	case SK_TX_JS_DECODE: return tx_js_decode(in, a, out);
	case SK_TX_NORMALIZE_PATH: return tx_normalize_path(in, a, out, false);
	case SK_TX_NORMALIZE_PATH_WIN: return tx_normalize_path(in, a, out, true);
	case SK_TX_REMOVE_NULLS: return tx_nulls(in, a, out, false);
	case SK_TX_REPLACE_NULLS: return tx_nulls(in, a, out, true);
	case SK_TX_UTF8_TO_UNICODE: return tx_utf8_to_unicode(in, a, out);
	case SK_TX__COUNT: break;
	}
	return SK_E_INVALID;
}
