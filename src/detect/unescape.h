/* Undoing the encodings attackers stack to hide a path or an address from a
 * filter that decodes once (private to src/detect).
 *
 * Percent-decoding is repeated until nothing changes, so %252e is a dot
 * after two rounds and %%32%65 after two as well; IIS's %u002e is read too.
 * Between rounds, overlong UTF-8 (C0 AE is a dot to a lax decoder) and the
 * Unicode look-alikes that NFKC or IDNA turn into ASCII (fullwidth forms,
 * the ideographic full stop, circled digits, division slash) are folded.
 *
 * The input is walked in chunks of at most SK_UNESC_CHUNK raw bytes, each
 * sharing SK_UNESC_OVERLAP bytes with the one before, so that no state
 * grows with the input and a pattern shorter than the overlap is always
 * seen whole in some chunk. Input with nothing to undo is not copied. */
#ifndef SK_DETECT_UNESCAPE_H
#define SK_DETECT_UNESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/str.h"
#include "detect/scan.h"

#define SK_UNESC_CHUNK   2048 /* raw bytes decoded at a time */
#define SK_UNESC_OVERLAP 256  /* raw bytes a chunk shares with the one before */
#define SK_UNESC_ROUNDS  4    /* percent layers undone at most */

/* How a decoded byte came to be: the low nibble counts percent layers. */
enum {
	SK_UNESC_LAYERS = 0x0f,
	SK_UNESC_PCT_U = 0x10,    /* IIS %uXXXX */
	SK_UNESC_OVERLONG = 0x20, /* overlong UTF-8 */
	SK_UNESC_ALIKE = 0x40,    /* a Unicode look-alike of an ASCII byte */
};

typedef struct sk_unesc {
	const uint8_t *b; /* the bytes to judge: buf, or the input itself */
	size_t n;
	size_t base;     /* input offset of the chunk's first raw byte */
	bool decoded;    /* b is buf (off and how are valid) */
	bool first;      /* the chunk starts the value */
	bool last;       /* the chunk ends the value */
	uint8_t how_any; /* the OR of how[] */
	int rounds;      /* percent layers undone in this chunk */
	size_t pos;      /* where the next chunk starts */
	uint8_t buf[SK_UNESC_CHUNK];
	uint16_t off[SK_UNESC_CHUNK + 1]; /* raw offset in the chunk of each byte */
	uint8_t how[SK_UNESC_CHUNK];
} sk_unesc;

/* The ASCII byte a Unicode look-alike stands for, or -1. */
static inline int sk_unesc_alike(uint32_t cp)
{
	if (cp >= 0xff01 && cp <= 0xff5e) /* fullwidth forms */
		return (int)(cp - 0xff01 + 0x21);
	if (cp >= 0x2460 && cp <= 0x2468) /* circled digits one to nine */
		return (int)(cp - 0x2460 + '1');
	if (cp >= 0x24b6 && cp <= 0x24cf) /* circled capital letters */
		return (int)(cp - 0x24b6 + 'a');
	if (cp >= 0x24d0 && cp <= 0x24e9) /* circled small letters */
		return (int)(cp - 0x24d0 + 'a');
	if (cp >= 0x2080 && cp <= 0x2089) /* subscript digits */
		return (int)(cp - 0x2080 + '0');
	if (cp >= 0x2074 && cp <= 0x2079) /* superscript digits four to nine */
		return (int)(cp - 0x2074 + '4');
	switch (cp) {
	case 0x24ea: /* circled zero */
	case 0x2070: /* superscript zero */ return '0';
	case 0x2024: /* one dot leader */
	case 0x3002: /* ideographic full stop: IDNA reads it as a dot */
	case 0xfe52: /* small full stop */
	case 0xff61: /* halfwidth ideographic full stop */ return '.';
	case 0x2044: /* fraction slash */
	case 0x2215: /* division slash */ return '/';
	case 0x2216: /* set minus */
	case 0x29f5: /* reverse solidus operator */
	case 0xfe68: /* small reverse solidus */ return '\\';
	default: return -1;
	}
}

/* Reads a three-byte UTF-8 sequence at p[0..n) (p[0] is E0..EF); the code
 * point, or -1 when malformed. */
static inline long sk_unesc_utf8_3(const uint8_t *p, size_t n)
{
	if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
		return -1;
	return (long)((p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu));
}

/* True when p[j] starts something this file would undo. */
static inline bool sk_unesc_at(const uint8_t *p, size_t n, size_t j)
{
	switch (p[j]) {
	case '%':
		if (j + 2 < n && sk_hex_digit(p[j + 1]) >= 0 && sk_hex_digit(p[j + 2]) >= 0)
			return true;
		return j + 5 < n && (p[j + 1] | 0x20) == 'u' && sk_hex_digit(p[j + 2]) >= 0;
	case 0xc0:
	case 0xc1: return j + 1 < n;
	case 0xe0: return j + 1 < n && p[j + 1] >= 0x80 && p[j + 1] <= 0x9f;
	case 0xf0: return j + 1 < n && p[j + 1] >= 0x80 && p[j + 1] <= 0x8f;
	case 0xe2:
	case 0xe3:
	case 0xef: {
		long cp = sk_unesc_utf8_3(p + j, n - j);
		return cp >= 0 && sk_unesc_alike((uint32_t)cp) >= 0;
	}
	default: return false;
	}
}

/* The first '%' or byte from C0 up in p[0..n), or n: every byte
 * sk_unesc_at() acts on is one, and two compares a lane find them faster
 * than the finer test below. */
static inline size_t sk_unesc_first(const uint8_t *p, size_t n)
{
	const sk_u8x16 pct = sk_splat('%'), top2 = sk_splat(0xc0);
	for (size_t i = 0; i < n; i += 16) {
		sk_u8x16 x;
		if (n - i >= 16) {
			memcpy(&x, p + i, 16);
		} else {
			uint8_t tail[16] = {0}; /* NULs past the end */
			memcpy(tail, p + i, n - i);
			memcpy(&x, tail, 16);
		}
		int k = sk_first_lane((sk_u8x16)(x == pct) | (sk_u8x16)((x & top2) == top2));
		if (k < 16)
			return i + (size_t)k;
	}
	return n;
}

/* True when p[0..n) holds anything to undo; when false the detectors read
 * the input as it is. sk_unesc_at() looks only forward from the byte it
 * is asked about, so the plain ASCII before the first candidate is skipped
 * with the cheap test. */
static inline bool sk_unesc_needed(const uint8_t *p, size_t n)
{
	const uint8_t *s = p + sk_unesc_first(p, n), *e = p + n;
	/* the bytes sk_unesc_at() looks at: '%', C0 C1 (masked with FE), E0 E2
	 * E3 (masked with FC, which lets E1 through: sk_unesc_at says no), EF
	 * and F0 */
	const sk_u8x16 pct = sk_splat('%'), c0 = sk_splat(0xc0), e0 = sk_splat(0xe0);
	const sk_u8x16 fe = sk_splat(0xfe), fc = sk_splat(0xfc);
	const sk_u8x16 ef = sk_splat(0xef), f0 = sk_splat(0xf0);
	while (s < e) {
		/* the last bytes are padded with NULs (none of these) */
		sk_u8x16 x = {0};
		size_t left = (size_t)(e - s);
		if (left >= 16)
			memcpy(&x, s, 16);
		else
			memcpy(&x, s, left);
		sk_u8x16 m = (sk_u8x16)(x == pct) | (sk_u8x16)((x & fe) == c0) |
		             (sk_u8x16)((x & fc) == e0) | (sk_u8x16)(x == ef) | (sk_u8x16)(x == f0);
		size_t k = (size_t)sk_first_lane(m);
		if (k >= left)
			return false;
		s += k;
		if (k == 16)
			continue;
		if (sk_unesc_at(p, n, (size_t)(s - p)))
			return true;
		s++;
	}
	return false;
}

/* Moves buf, off and how [i, i+len) down to o. */
static inline void sk_unesc_move(sk_unesc *u, size_t o, size_t i, size_t len)
{
	if (o == i || len == 0)
		return;
	memmove(u->buf + o, u->buf + i, len);
	memmove(u->off + o, u->off + i, len * sizeof u->off[0]);
	memmove(u->how + o, u->how + i, len);
}

/* One round of percent-decoding over buf[0..n), in place. *again is set
 * when the result still holds a '%' that a further round might undo. */
static inline bool sk_unesc_pct_round(sk_unesc *u, bool *again)
{
	size_t i = 0, o = 0, n = u->n;
	bool changed = false, kept = false;
	*again = false;
	while (i < n) {
		const uint8_t *q = memchr(u->buf + i, '%', n - i);
		size_t j = q ? (size_t)(q - u->buf) : n;
		sk_unesc_move(u, o, i, j - i);
		o += j - i;
		i = j;
		if (i >= n)
			break;
		if (i + 2 < n && sk_hex_digit(u->buf[i + 1]) >= 0 &&
		    sk_hex_digit(u->buf[i + 2]) >= 0) {
			uint8_t h = u->how[i] | u->how[i + 1] | u->how[i + 2];
			unsigned layers = (h & SK_UNESC_LAYERS) + 1;
			if (layers > SK_UNESC_LAYERS)
				layers = SK_UNESC_LAYERS;
			uint8_t v = (uint8_t)(sk_hex_digit(u->buf[i + 1]) << 4 |
			                      sk_hex_digit(u->buf[i + 2]));
			u->buf[o] = v;
			u->off[o] = u->off[i];
			u->how[o] = (uint8_t)((h & ~SK_UNESC_LAYERS) | layers);
			*again |= v == '%' || v >= 0xc0;
			o++, i += 3, changed = true;
			continue;
		}
		if (i + 5 < n && (u->buf[i + 1] | 0x20) == 'u') {
			int d0 = sk_hex_digit(u->buf[i + 2]), d1 = sk_hex_digit(u->buf[i + 3]);
			int d2 = sk_hex_digit(u->buf[i + 4]), d3 = sk_hex_digit(u->buf[i + 5]);
			if (d0 >= 0 && d1 >= 0 && d2 >= 0 && d3 >= 0) {
				uint32_t cp = (uint32_t)(d0 << 12 | d1 << 8 | d2 << 4 | d3);
				uint8_t h = u->how[i] | SK_UNESC_PCT_U;
				uint8_t enc[3];
				size_t k = 0;
				if (cp < 0x80) {
					enc[k++] = (uint8_t)cp;
				} else if (cp < 0x800) {
					enc[k++] = (uint8_t)(0xc0 | cp >> 6);
					enc[k++] = (uint8_t)(0x80 | (cp & 0x3f));
				} else {
					enc[k++] = (uint8_t)(0xe0 | cp >> 12);
					enc[k++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
					enc[k++] = (uint8_t)(0x80 | (cp & 0x3f));
				}
				uint16_t at = u->off[i];
				for (size_t j2 = 0; j2 < k; j2++, o++) {
					u->buf[o] = enc[j2];
					u->off[o] = at;
					u->how[o] = h;
				}
				*again |= cp == '%' || cp >= 0x80;
				i += 6, changed = true;
				continue;
			}
		}
		/* a '%' that is no escape yet; a later round may make it one */
		kept = true;
		u->buf[o] = '%';
		u->off[o] = u->off[i];
		u->how[o] = u->how[i];
		o++, i++;
	}
	u->off[o] = u->off[n];
	u->n = o;
	*again |= kept && changed;
	return changed;
}

/* Folds overlong UTF-8 and look-alikes to ASCII over buf[0..n), in place. */
static inline bool sk_unesc_fold_round(sk_unesc *u)
{
	size_t i = 0, o = 0, n = u->n;
	bool changed = false;
	while (i < n) {
		uint8_t c = u->buf[i];
		int a = -1;
		size_t used = 1;
		uint8_t flag = 0;
		if ((c == 0xc0 || c == 0xc1) && i + 1 < n) {
			/* two-byte overlong; lax decoders also take an ASCII
			 * byte where the continuation should be */
			a = (c & 1) << 6 | (u->buf[i + 1] & 0x3f);
			used = 2, flag = SK_UNESC_OVERLONG;
		} else if (c == 0xe0 && i + 2 < n && u->buf[i + 1] >= 0x80 &&
		           u->buf[i + 1] <= 0x81 && (u->buf[i + 2] & 0xc0) == 0x80) {
			a = (u->buf[i + 1] & 0x3f) << 6 | (u->buf[i + 2] & 0x3f);
			used = 3, flag = SK_UNESC_OVERLONG;
		} else if (c == 0xf0 && i + 3 < n && u->buf[i + 1] == 0x80 &&
		           u->buf[i + 2] >= 0x80 && u->buf[i + 2] <= 0x81 &&
		           (u->buf[i + 3] & 0xc0) == 0x80) {
			a = (u->buf[i + 2] & 0x3f) << 6 | (u->buf[i + 3] & 0x3f);
			used = 4, flag = SK_UNESC_OVERLONG;
		} else if (c == 0xe2 || c == 0xe3 || c == 0xef) {
			long cp = sk_unesc_utf8_3(u->buf + i, n - i);
			if (cp >= 0)
				a = sk_unesc_alike((uint32_t)cp);
			used = 3, flag = SK_UNESC_ALIKE;
		}
		if (a >= 0 && a < 0x80) {
			uint8_t h = flag;
			for (size_t j = 0; j < used; j++)
				h |= u->how[i + j];
			u->buf[o] = (uint8_t)a;
			u->off[o] = u->off[i];
			u->how[o] = h;
			o++, i += used, changed = true;
			continue;
		}
		u->buf[o] = c;
		u->off[o] = u->off[i];
		u->how[o] = u->how[i];
		o++, i++;
	}
	u->off[o] = u->off[n];
	u->n = o;
	return changed;
}

/* Starts a walk over p[0..n). */
static inline void sk_unesc_begin(sk_unesc *u)
{
	u->pos = 0;
	u->n = 0;
	u->last = false;
}

/* The next chunk of p[0..n) into u->b, u->n; false when the walk is over.
 * With decode false the whole input is one chunk, read as it is. */
static inline bool sk_unesc_next(sk_unesc *u, const uint8_t *p, size_t n, bool decode)
{
	if (u->last || (u->pos >= n && u->pos > 0))
		return false;
	u->first = u->pos == 0;
	u->base = u->pos;
	u->how_any = 0;
	u->rounds = 0;
	if (!decode) {
		u->b = p, u->n = n, u->decoded = false, u->last = true;
		return true;
	}
	size_t s = u->pos, e = n - s > SK_UNESC_CHUNK ? s + SK_UNESC_CHUNK : n;
	if (e < n) {
		/* do not cut an escape or a UTF-8 sequence in two */
		for (size_t k = e - 1; k + 6 > e && k > s; k--) {
			if (p[k] == '%' || p[k] >= 0xc0) {
				e = k;
				break;
			}
		}
	}
	u->n = e - s;
	memcpy(u->buf, p + s, u->n);
	for (size_t k = 0; k <= u->n; k++)
		u->off[k] = (uint16_t)k;
	memset(u->how, 0, u->n);
	for (int r = 0; r < SK_UNESC_ROUNDS; r++) {
		bool again = false;
		bool a = sk_unesc_pct_round(u, &again);
		bool b = false;
		if (a)
			u->rounds = r + 1;
		/* overlong and look-alike sequences start at C0 or above */
		unsigned high = 0;
		for (size_t k = 0; k < u->n; k++)
			high |= u->buf[k] >= 0xc0;
		if (high)
			b = sk_unesc_fold_round(u);
		if (!(a && again) && !b)
			break;
	}
	for (size_t k = 0; k < u->n; k++)
		u->how_any |= u->how[k];
	u->b = u->buf;
	u->decoded = true;
	u->last = e >= n;
	if (!u->last) {
		size_t next = e - SK_UNESC_OVERLAP;
		/* start the next chunk on a whole escape or sequence */
		for (size_t k = next; k + 6 > next && k > s; k--) {
			if (p[k] == '%' || p[k] >= 0xc0) {
				next = k;
				break;
			}
		}
		u->pos = next > s ? next : e;
	}
	return true;
}

/* The input offset of byte k of the chunk (k may be u->n). */
static inline size_t sk_unesc_src(const sk_unesc *u, size_t k)
{
	return u->base + (u->decoded ? u->off[k] : k);
}

static inline uint8_t sk_unesc_how(const sk_unesc *u, size_t k)
{
	return u->decoded ? u->how[k] : 0;
}

#endif
