/* A JSON body (RFC 8259) flattened to keys and scalar values in document
 * order, each with its JSON Pointer (RFC 6901), for matchers that look at
 * JSON bodies.
 *
 * One pass over the bytes, no tree: each key and scalar becomes an item as
 * soon as it is read. What it means for the items:
 * - Every member is kept, repeated keys included (an application may read
 *   either copy, so the WAF inspects both).
 * - Strings are unescaped; \u0000 gives a NUL byte, in keys too; a lone
 *   surrogate gives U+FFFD. Strings without escapes point into the body.
 *   Other bytes are taken as they are: invalid UTF-8 is not refused.
 * - Numbers read as they did through jansson: integers that fit in 64 bits
 *   as written ("-0" as "0"), others as the shortest text that reads back
 *   as the same double ("1e3" is "1000", "1.50" is "1.5"); a number beyond
 *   the double range makes the body invalid. Each number is read on its
 *   own (jansson read every integer as a double once one overflowed).
 * - A leading UTF-8 byte order mark is skipped.
 * A body that is not one JSON value (with whitespace around) gives no items
 * and valid=false. Containers nested deeper than MAX_DEPTH, or pointers
 * adding up to more than the pointer budget (deep paths under many
 * members), stop the items: those found so far are kept, the rest of the
 * body is still checked, and valid is false.
 *
 * The work is linear in the body: every byte is read a bounded number of
 * times (twice in strings with escapes), and pointer bytes are bounded by
 * the budget. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/scan.h"
#include "http/internal.h"

#define MAX_DEPTH 64
/* Pointer bytes allowed beyond 16 per body byte. */
#define POINTER_SLACK ((size_t)1 << 20)
/* Items and pointer bytes held on the stack before moving to the heap. */
#define LOCAL_ITEMS   64
#define LOCAL_POINTER 256
/* Arena bytes taken at a time for pointer copies and decoded strings. */
#define CHUNK 2048

/* Byte classes. */
enum {
	C_WS = 1,    /* whitespace between tokens */
	C_STOP = 2,  /* ends a run of plain string bytes: '"', '\\', controls */
	C_DIGIT = 4, /* 0-9 */
	C_HEX = 8,   /* 0-9 a-f A-F */
};

static const uint8_t cls[256] = {
    2,  2,  2,  2,  2,  2,  2,  2,  2,  3,  3, 2, 2, 3, 2, 2, /* 0x00 */
    2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2, 2, 2, 2, 2, 2, /* 0x10 */
    1,  0,  2,  0,  0,  0,  0,  0,  0,  0,  0, 0, 0, 0, 0, 0, /* 0x20 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 0, 0, 0, 0, 0, 0, /* 0x30 */
    0,  8,  8,  8,  8,  8,  8,  0,  0,  0,  0, 0, 0, 0, 0, 0, /* 0x40 */
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0, 0, 2, 0, 0, 0, /* 0x50 */
    0,  8,  8,  8,  8,  8,  8,  0,  0,  0,  0, 0, 0, 0, 0, 0, /* 0x60 */
};

enum res { R_OK, R_BAD, R_NOMEM };

struct frame {
	size_t ptr_len; /* pointer length of the container itself */
	size_t index;   /* arrays: index of the current element */
};

struct flat {
	sk_arena *a;
	const uint8_t *end;

	sk_json_item *v;
	size_t n, cap;

	uint8_t *ptr; /* pointer of the element being read */
	size_t ptr_n, ptr_cap;
	size_t ptr_budget;
	sk_str ptr_copy; /* arena copy of ptr[0..ptr_n), when ptr_fresh */
	bool ptr_fresh;

	uint8_t *chunk; /* arena bytes not handed out yet */
	size_t chunk_left;

	/* Container kinds, one bit per open level (1: object). */
	uint64_t *kinds;
	size_t kinds_cap; /* in bits */

	bool cut; /* too deep or over budget: no more items */
	struct frame fr[MAX_DEPTH + 1];
	sk_json_item v_local[LOCAL_ITEMS];
	uint8_t ptr_local[LOCAL_POINTER];
	uint64_t kinds_local[2];
};

/* n bytes of arena memory with no alignment, for byte strings. */
static uint8_t *take(struct flat *f, size_t n)
{
#ifdef SK_ARENA_MALLOC
	return sk_arena_alloc(f->a, n); /* one allocation each, for ASan */
#else
	if (n > CHUNK / 4)
		return sk_arena_alloc(f->a, n);
	if (n > f->chunk_left) {
		if (!(f->chunk = sk_arena_alloc(f->a, CHUNK)))
			return NULL;
		f->chunk_left = CHUNK;
	}
	uint8_t *p = f->chunk;
	f->chunk += n;
	f->chunk_left -= n;
	return p;
#endif
}

/* Gives back the unused tail of the last take() of n bytes at p, when it
 * came from the chunk. */
static void untake(struct flat *f, uint8_t *p, size_t n, size_t used)
{
#ifdef SK_ARENA_MALLOC
	(void)f, (void)p, (void)n, (void)used;
#else
	if (n <= CHUNK / 4 && p + n == f->chunk) {
		f->chunk -= n - used;
		f->chunk_left += n - used;
	}
#endif
}

static bool grow_items(struct flat *f)
{
	size_t cap = f->cap * 2;
	if (cap > SIZE_MAX / sizeof *f->v)
		return false;
	sk_json_item *v;
	if (f->v == f->v_local) {
		if ((v = malloc(cap * sizeof *v)))
			memcpy(v, f->v, f->n * sizeof *v);
	} else {
		v = realloc(f->v, cap * sizeof *v);
	}
	if (!v)
		return false;
	f->v = v;
	f->cap = cap;
	return true;
}

/* Room for extra more pointer bytes; false (and cut) past the budget. */
static enum res reserve_pointer(struct flat *f, size_t extra)
{
	if (f->ptr_n > f->ptr_budget || extra > f->ptr_budget - f->ptr_n) {
		f->cut = true;
		return R_OK;
	}
	size_t need = f->ptr_n + extra;
	if (need <= f->ptr_cap)
		return R_OK;
	size_t cap = f->ptr_cap * 2 > need ? f->ptr_cap * 2 : need;
	uint8_t *p;
	if (f->ptr == f->ptr_local) {
		if ((p = malloc(cap)))
			memcpy(p, f->ptr, f->ptr_n);
	} else {
		p = realloc(f->ptr, cap);
	}
	if (!p)
		return R_NOMEM;
	f->ptr = p;
	f->ptr_cap = cap;
	return R_OK;
}

static enum res emit(struct flat *f, sk_str text, bool is_key)
{
	if (f->cut)
		return R_OK;
	if (!f->ptr_fresh) {
		/* One copy of the pointer serves a key and its scalar value. */
		if (f->ptr_n > f->ptr_budget) {
			f->cut = true;
			return R_OK;
		}
		f->ptr_budget -= f->ptr_n;
		const uint8_t *c = (const uint8_t *)"";
		if (f->ptr_n) {
			uint8_t *b = take(f, f->ptr_n);
			if (!b)
				return R_NOMEM;
			memcpy(b, f->ptr, f->ptr_n);
			c = b;
		}
		f->ptr_copy = sk_str_make(c, f->ptr_n);
		f->ptr_fresh = true;
	}
	if (f->n == f->cap && !grow_items(f))
		return R_NOMEM;
	f->v[f->n++] = (sk_json_item){f->ptr_copy, text, is_key};
	return R_OK;
}

/* Opens the container at level d (1 for the outermost). */
static enum res open_level(struct flat *f, size_t d, bool obj)
{
	if (d > f->kinds_cap) {
		size_t words = f->kinds_cap / 32; /* twice as many */
		uint64_t *k;
		if (f->kinds == f->kinds_local) {
			if ((k = malloc(words * sizeof *k)))
				memcpy(k, f->kinds, sizeof f->kinds_local);
		} else {
			k = realloc(f->kinds, words * sizeof *k);
		}
		if (!k)
			return R_NOMEM;
		f->kinds = k;
		f->kinds_cap = words * 64;
	}
	uint64_t bit = (uint64_t)1 << ((d - 1) % 64);
	if (obj)
		f->kinds[(d - 1) / 64] |= bit;
	else
		f->kinds[(d - 1) / 64] &= ~bit;
	if (d > MAX_DEPTH)
		f->cut = true;
	if (!f->cut)
		f->fr[d] = (struct frame){f->ptr_n, 0};
	return R_OK;
}

static bool is_object(const struct flat *f, size_t d)
{
	return f->kinds[(d - 1) / 64] >> ((d - 1) % 64) & 1;
}

/* The pointer of element fr[d].index of the array at level d. */
static enum res set_index(struct flat *f, size_t d)
{
	if (f->cut)
		return R_OK;
	char digits[24];
	size_t nd = 0, i = f->fr[d].index;
	do {
		digits[nd++] = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	f->ptr_n = f->fr[d].ptr_len;
	f->ptr_fresh = false;
	enum res r = reserve_pointer(f, 1 + nd);
	if (r != R_OK || f->cut)
		return r;
	uint8_t *o = f->ptr + f->ptr_n;
	*o++ = '/';
	while (nd)
		*o++ = (uint8_t)digits[--nd];
	f->ptr_n = (size_t)(o - f->ptr);
	return R_OK;
}

/* The pointer of member k of the object at level d: "/" and the key with
 * '~' as "~0" and '/' as "~1". */
static enum res set_key(struct flat *f, size_t d, sk_str k)
{
	if (f->cut)
		return R_OK;
	f->ptr_n = f->fr[d].ptr_len;
	f->ptr_fresh = false;
	if (k.n > (SIZE_MAX - 1) / 2) {
		f->cut = true;
		return R_OK;
	}
	enum res r = reserve_pointer(f, 1 + 2 * k.n);
	if (r != R_OK || f->cut)
		return r;
	uint8_t *o = f->ptr + f->ptr_n;
	*o++ = '/';
	for (size_t i = 0; i < k.n; i++) {
		uint8_t c = k.p[i];
		if (c == '~' || c == '/') {
			*o++ = '~';
			c = c == '~' ? '0' : '1';
		}
		*o++ = c;
	}
	f->ptr_n = (size_t)(o - f->ptr);
	return R_OK;
}

static const uint8_t *skip_ws(const uint8_t *p, const uint8_t *end)
{
	while (p < end && (cls[*p] & C_WS))
		p++;
	return p;
}

static unsigned hex4(const uint8_t *s)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		uint8_t c = s[i];
		v = v << 4 | (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

static bool is_hex4(const uint8_t *s)
{
	return cls[s[0]] & cls[s[1]] & cls[s[2]] & cls[s[3]] & C_HEX;
}

/* Bit k set where byte k of the 16 at s is '"', '\\' or a control byte:
 * where a run of plain string bytes ends. */
static unsigned stop_bits(const uint8_t *s)
{
	sk_u8x16 x;
	memcpy(&x, s, 16);
	return sk_lane_bits((sk_u8x16)(x == sk_splat('"')) | (sk_u8x16)(x == sk_splat('\\')) |
	                    (sk_u8x16)(x < sk_splat(0x20)));
}

/* The first '"', '\\' or control byte in [s, end), or end. */
static const uint8_t *find_stop(const uint8_t *s, const uint8_t *end)
{
	for (; end - s >= 16; s += 16) {
		unsigned m = stop_bits(s);
		if (m)
			return s + __builtin_ctz(m);
	}
	while (s < end && !(cls[*s] & C_STOP))
		s++;
	return s;
}

/* s is just after an opening quote: the closing quote, or NULL when the
 * string is unterminated, holds a control byte or a bad escape. */
static const uint8_t *scan_string(const uint8_t *s, const uint8_t *end, bool *escaped)
{
	for (;;) {
		s = find_stop(s, end);
		if (s == end || *s < 0x20)
			return NULL;
		if (*s == '"')
			return s;
		*escaped = true;
		if (end - s < 2)
			return NULL;
		switch (s[1]) {
		case '"':
		case '\\':
		case '/':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't': s += 2; break;
		case 'u':
			if (end - s < 6 || !is_hex4(s + 2))
				return NULL;
			s += 6;
			break;
		default: return NULL;
		}
	}
}

static uint8_t *put_utf8(uint8_t *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (uint8_t)cp;
	} else if (cp < 0x800) {
		*o++ = (uint8_t)(0xc0 | cp >> 6);
		*o++ = (uint8_t)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (uint8_t)(0xe0 | cp >> 12);
		*o++ = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (uint8_t)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (uint8_t)(0xf0 | cp >> 18);
		*o++ = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (uint8_t)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* Unescapes s[0..e), which scan_string has checked, into o; the result is
 * never longer than the input. Returns the bytes written. */
static size_t unescape(const uint8_t *s, const uint8_t *e, uint8_t *o)
{
	uint8_t *o0 = o;
	while (s < e) {
		/* Copy up to the next '\\', 16 bytes at a time: the bytes stored
		 * past it are overwritten next (the output never gets ahead of
		 * the input, so o has room for them). */
		for (; e - s >= 16; s += 16, o += 16) {
			memcpy(o, s, 16);
			unsigned m = stop_bits(s);
			if (m) {
				s += __builtin_ctz(m);
				o += __builtin_ctz(m);
				break;
			}
		}
		while (s < e && *s != '\\')
			*o++ = *s++;
		if (s == e)
			break;
		unsigned cp;
		switch (s[1]) {
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			cp = hex4(s + 2);
			s += 6;
			if (cp >= 0xd800 && cp <= 0xdbff && e - s >= 6 && s[0] == '\\' &&
			    s[1] == 'u') {
				unsigned lo = hex4(s + 2);
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					s += 6;
				}
			}
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd; /* a surrogate without its other half */
			o = put_utf8(o, cp);
			continue;
		default: cp = s[1]; break; /* '"', '\\', '/' */
		}
		*o++ = (uint8_t)cp;
		s += 2;
	}
	return (size_t)(o - o0);
}

/* The string at *pp (its opening quote); *pp moves past it. */
static enum res read_string(struct flat *f, const uint8_t **pp, sk_str *out)
{
	const uint8_t *s = *pp + 1;
	bool escaped = false;
	const uint8_t *e = scan_string(s, f->end, &escaped);
	if (!e)
		return R_BAD;
	*pp = e + 1;
	size_t n = (size_t)(e - s);
	if (!escaped || f->cut) {
		*out = sk_str_make(s, n);
		return R_OK;
	}
	uint8_t *o = take(f, n);
	if (!o)
		return R_NOMEM;
	size_t used = unescape(s, e, o);
	untake(f, o, n, used);
	*out = sk_str_make(o, used);
	return R_OK;
}

/* The shortest text that reads back as the same double; whole numbers of
 * moderate size without an exponent ("1000", not "1e+03"). */
static int format_real(double d, char *out, size_t n)
{
	if (d > -1e15 && d < 1e15 && d == (double)(long long)d)
		return snprintf(out, n, "%lld", (long long)d);
	int len = 0;
	for (int prec = 1; prec <= 17; prec++) {
		len = snprintf(out, n, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	return len;
}

/* The number at *pp; *pp moves past it. Most numbers are their own
 * rendering: an integer of up to 18 digits, or a decimal fraction without
 * exponent and trailing zero, of at most 15 significant digits (so it reads
 * back exactly) and no more than 3 zeros after the point before the first
 * digit (so %g would not switch to an exponent). Others go through strtod
 * and format_real, as jansson read them. */
static enum res read_number(struct flat *f, const uint8_t **pp, sk_str *out)
{
	const uint8_t *s = *pp, *q = s, *end = f->end;
	bool neg = false;
	if (*q == '-') {
		neg = true;
		if (++q == end)
			return R_BAD;
	}
	const uint8_t *ip = q;
	if (*q == '0')
		q++;
	else if (cls[*q] & C_DIGIT)
		while (q < end && (cls[*q] & C_DIGIT))
			q++;
	else
		return R_BAD;
	size_t int_digits = (size_t)(q - ip), frac_digits = 0;
	const uint8_t *fp = NULL;
	bool has_exp = false;
	if (q < end && *q == '.') {
		fp = ++q;
		while (q < end && (cls[*q] & C_DIGIT))
			q++;
		if (q == fp)
			return R_BAD;
		frac_digits = (size_t)(q - fp);
	}
	if (q < end && (*q | 0x20) == 'e') {
		has_exp = true;
		if (++q < end && (*q == '+' || *q == '-'))
			q++;
		const uint8_t *ep = q;
		while (q < end && (cls[*q] & C_DIGIT))
			q++;
		if (q == ep)
			return R_BAD;
	}
	*pp = q;
	size_t len = (size_t)(q - s);
	*out = sk_str_make(s, len);
	if (!has_exp && !fp) {
		if (int_digits <= 18) {
			if (neg && *ip == '0')
				*out = SK_STR_LIT("0");
			return R_OK;
		}
	} else if (!has_exp && fp[frac_digits - 1] != '0') {
		size_t sig = int_digits + frac_digits, zeros = 0;
		if (*ip == '0') {
			while (zeros < frac_digits && fp[zeros] == '0')
				zeros++;
			sig = frac_digits - zeros;
		}
		if (sig <= 15 && zeros <= 3)
			return R_OK;
	}

	char local[64], *buf = local;
	if (len >= sizeof local && !(buf = malloc(len + 1)))
		return R_NOMEM;
	memcpy(buf, s, len);
	buf[len] = 0;
	char text[64];
	int tn = -1;
	if (!has_exp && !fp) {
		errno = 0;
		long long ll = strtoll(buf, NULL, 10);
		if (errno != ERANGE)
			tn = snprintf(text, sizeof text, "%lld", ll);
	}
	if (tn < 0) {
		errno = 0;
		double d = strtod(buf, NULL);
		if (!((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE))
			tn = format_real(d, text, sizeof text);
	}
	if (buf != local)
		free(buf);
	if (tn < 0)
		return R_BAD; /* beyond the range of a double */
	if (f->cut)
		return R_OK;
	uint8_t *o = take(f, (size_t)tn);
	if (!o)
		return R_NOMEM;
	memcpy(o, text, (size_t)tn);
	*out = sk_str_make(o, (size_t)tn);
	return R_OK;
}

static bool word(const uint8_t **pp, const uint8_t *end, const char *w, size_t n)
{
	if ((size_t)(end - *pp) < n || memcmp(*pp, w, n) != 0)
		return false;
	*pp += n;
	return true;
}

static enum res parse(struct flat *f, const uint8_t *p)
{
	const uint8_t *end = f->end;
	size_t d = 0; /* open containers */
	sk_str t;
	enum res r;
	if (end - p >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		p += 3;
	p = skip_ws(p, end);

value:
	if (p == end)
		return R_BAD;
	switch (*p) {
	case '{':
	case '[': {
		bool obj = *p == '{';
		p = skip_ws(p + 1, end);
		if (d == SIZE_MAX)
			return R_BAD;
		if ((r = open_level(f, ++d, obj)) != R_OK)
			return r;
		if (p < end && *p == (obj ? '}' : ']')) {
			p++;
			d--;
			goto after;
		}
		if (obj)
			goto member;
		if ((r = set_index(f, d)) != R_OK)
			return r;
		goto value;
	}
	case '"':
		if ((r = read_string(f, &p, &t)) != R_OK)
			return r;
		break;
	case 't':
		if (!word(&p, end, "true", 4))
			return R_BAD;
		t = SK_STR_LIT("true");
		break;
	case 'f':
		if (!word(&p, end, "false", 5))
			return R_BAD;
		t = SK_STR_LIT("false");
		break;
	case 'n':
		if (!word(&p, end, "null", 4))
			return R_BAD;
		t = SK_STR_LIT("null");
		break;
	default:
		if ((r = read_number(f, &p, &t)) != R_OK)
			return r;
		break;
	}
	if ((r = emit(f, t, false)) != R_OK)
		return r;

after:
	p = skip_ws(p, end);
	if (d == 0)
		return p == end ? R_OK : R_BAD;
	if (p == end)
		return R_BAD;
	if (is_object(f, d)) {
		if (*p == '}') {
			p++;
			d--;
			goto after;
		}
		if (*p != ',')
			return R_BAD;
		p = skip_ws(p + 1, end);
		goto member;
	}
	if (*p == ']') {
		p++;
		d--;
		goto after;
	}
	if (*p != ',')
		return R_BAD;
	p = skip_ws(p + 1, end);
	if (!f->cut) {
		f->fr[d].index++;
		if ((r = set_index(f, d)) != R_OK)
			return r;
	}
	goto value;

member:
	if (p == end || *p != '"')
		return R_BAD;
	if ((r = read_string(f, &p, &t)) != R_OK)
		return r;
	if ((r = set_key(f, d, t)) != R_OK)
		return r;
	if ((r = emit(f, t, true)) != R_OK)
		return r;
	p = skip_ws(p, end);
	if (p == end || *p != ':')
		return R_BAD;
	p = skip_ws(p + 1, end);
	goto value;
}

static sk_status flatten(sk_request *req, sk_json_item **v, size_t *n, bool *valid)
{
	*v = NULL;
	*n = 0;
	*valid = false;
	if (req->body.n == 0)
		return SK_OK;

	struct flat fl, *f = &fl;
	f->a = req->arena;
	f->end = req->body.p + req->body.n;
	f->v = f->v_local;
	f->n = 0;
	f->cap = LOCAL_ITEMS;
	f->ptr = f->ptr_local;
	f->ptr_n = 0;
	f->ptr_cap = LOCAL_POINTER;
	f->ptr_budget = req->body.n > (SIZE_MAX - POINTER_SLACK) / 16
	                    ? SIZE_MAX
	                    : req->body.n * 16 + POINTER_SLACK;
	f->ptr_copy = SK_STR_NULL;
	f->ptr_fresh = false;
	f->chunk = NULL;
	f->chunk_left = 0;
	f->kinds = f->kinds_local;
	f->kinds_cap = 64 * sizeof f->kinds_local / sizeof f->kinds_local[0];
	f->cut = false;

	enum res r = parse(f, req->body.p);
	sk_status st = SK_OK;
	if (r == R_NOMEM) {
		st = SK_E_NOMEM;
	} else if (r == R_OK && f->n) {
		sk_json_item *out = sk_arena_alloc(req->arena, f->n * sizeof *out);
		if (!out) {
			st = SK_E_NOMEM;
		} else {
			memcpy(out, f->v, f->n * sizeof *out);
			*v = out;
			*n = f->n;
		}
	}
	if (r == R_OK && st == SK_OK)
		*valid = !f->cut;
	if (f->v != f->v_local)
		free(f->v);
	if (f->ptr != f->ptr_local)
		free(f->ptr);
	if (f->kinds != f->kinds_local)
		free(f->kinds);
	return st;
}

sk_status sk_request_json(sk_request *req, const sk_json_item **v, size_t *n, bool *valid)
{
	if (!req->json_.done) {
		sk_json_item *jv;
		size_t jn;
		bool ok;
		sk_status st = flatten(req, &jv, &jn, &ok);
		if (st != SK_OK)
			return st;
		req->json_.v = jv;
		req->json_.n = jn;
		req->json_.valid = ok;
		req->json_.done = true;
	}
	*v = req->json_.v;
	*n = req->json_.n;
	*valid = req->json_.valid;
	return SK_OK;
}
