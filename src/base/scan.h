/* Byte search helpers: 16 bytes at a time with vector extensions (SSE2
 * when available). Shared by the detectors and the transformations. */
#ifndef SK_BASE_SCAN_H
#define SK_BASE_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The first c in [s, e), or NULL. A few bytes are looked at one by one
 * before handing over to memchr: when hits are dense (an input made of
 * '(' or '<') a call per hit would cost more than the bytes. */
static inline const uint8_t *sk_find_byte(const uint8_t *s, const uint8_t *e, uint8_t c)
{
	for (int k = 0; k < 4; k++, s++) {
		if (s >= e)
			return NULL;
		if (*s == c)
			return s;
	}
	return s < e ? (const uint8_t *)memchr(s, c, (size_t)(e - s)) : NULL;
}

typedef uint8_t sk_u8x16 __attribute__((vector_size(16)));
/* Signed lanes: SSE2 compares bytes as signed only, so a range test is an
 * add that moves the range to the bottom of the signed bytes (-128 up)
 * and one compare, where an unsigned one takes three instructions. */
typedef int8_t sk_i8x16 __attribute__((vector_size(16)));

static inline sk_u8x16 sk_splat(uint8_t c)
{
	sk_u8x16 z = {0};
	return z + c;
}

static inline unsigned sk_any_lane(sk_u8x16 v)
{
	uint64_t a, b;
	memcpy(&a, &v, 8);
	memcpy(&b, (const uint8_t *)&v + 8, 8);
	return (a | b) != 0;
}

/* The index of the first lane of a comparison result that is set (all
 * ones), 16 when none is. */
static inline int sk_first_lane(sk_u8x16 v)
{
#ifdef __SSE2__
	__m128i x;
	memcpy(&x, &v, 16);
	unsigned bits = (unsigned)_mm_movemask_epi8(x);
	return bits ? __builtin_ctz(bits) : 16;
#else
	uint64_t h[2];
	memcpy(h, &v, 16);
	for (int k = 0; k < 2; k++) {
		if (!h[k])
			continue;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		return k * 8 + __builtin_clzll(h[k]) / 8;
#else
		return k * 8 + __builtin_ctzll(h[k]) / 8;
#endif
	}
	return 16;
#endif
}

/* One bit per lane of a comparison result: bit k set when lane k is. */
static inline unsigned sk_lane_bits(sk_u8x16 v)
{
#ifdef __SSE2__
	__m128i x;
	memcpy(&x, &v, 16);
	return (unsigned)_mm_movemask_epi8(x);
#else
	uint8_t b[16];
	memcpy(b, &v, 16);
	unsigned bits = 0;
	for (int k = 0; k < 16; k++)
		bits |= (unsigned)(b[k] >> 7) << k;
	return bits;
#endif
}

/* The first i in [s, e - 1) with i[0] == a and i[1] == b, or NULL. Reads
 * nothing at or past e. */
static inline const uint8_t *sk_find_pair(const uint8_t *s, const uint8_t *e, uint8_t a, uint8_t b)
{
	const sk_u8x16 va = sk_splat(a), vb = sk_splat(b);
	for (; e - s >= 17; s += 16) {
		sk_u8x16 x, y;
		memcpy(&x, s, 16);
		memcpy(&y, s + 1, 16);
		unsigned bits = sk_lane_bits((sk_u8x16)(x == va) & (sk_u8x16)(y == vb));
		if (bits)
			return s + __builtin_ctz(bits);
	}
	for (; e - s >= 2; s++)
		if (s[0] == a && s[1] == b)
			return s;
	return NULL;
}

/* The first occurrence of needle (m >= 1 bytes) in [s, e), or NULL. The
 * candidates, 16 at a time, are where both its first and its last byte
 * are; each is confirmed by comparing the bytes. Reads nothing at or past
 * e. */
static inline const uint8_t *sk_find_bytes(const uint8_t *s, const uint8_t *e,
                                           const uint8_t *needle, size_t m)
{
	if (e - s < (ptrdiff_t)m)
		return NULL;
	const uint8_t *last = e - m; /* the last place it could start */
	const sk_u8x16 vf = sk_splat(needle[0]), vl = sk_splat(needle[m - 1]);
	for (; last - s >= 15; s += 16) {
		sk_u8x16 x, y;
		memcpy(&x, s, 16);
		memcpy(&y, s + m - 1, 16); /* ends at s + m + 15 <= e */
		unsigned bits = sk_lane_bits((sk_u8x16)(x == vf) & (sk_u8x16)(y == vl));
		for (; bits; bits &= bits - 1) {
			const uint8_t *c = s + __builtin_ctz(bits);
			if (memcmp(c, needle, m) == 0)
				return c;
		}
	}
	for (; s <= last; s++)
		if (*s == needle[0] && memcmp(s, needle, m) == 0)
			return s;
	return NULL;
}

/* p[0..n), n < 16, in lanes 0..n-1 of a vector whose other lanes are NUL,
 * read without going past p + n: two overlapping words (or three bytes)
 * rather than a byte loop or a call to memcpy, since most values a scan
 * is asked about are this short. */
static inline sk_u8x16 sk_load_short(const uint8_t *p, size_t n)
{
	sk_u8x16 x = {0};
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t lo = 0, hi = 0;
	if (n >= 8) {
		/* The last 8 bytes, shifted down so that only p[8..n) stay. */
		memcpy(&lo, p, 8);
		memcpy(&hi, p + n - 8, 8);
		hi = (hi >> 8) >> (8 * (15 - n));
	} else if (n >= 4) {
		/* Two overlapping halves: where they overlap they agree. */
		uint32_t h0, h1;
		memcpy(&h0, p, 4);
		memcpy(&h1, p + n - 4, 4);
		lo = h0 | (uint64_t)h1 << (8 * (n - 4));
	} else if (n) {
		lo = p[0] | (uint64_t)p[n >> 1] << (8 * (n >> 1)) |
		     (uint64_t)p[n - 1] << (8 * (n - 1));
	}
	memcpy(&x, &lo, 8);
	memcpy((uint8_t *)&x + 8, &hi, 8);
#else
	for (size_t k = 0; k < n && k < 16; k++)
		x[k] = p[k];
#endif
	return x;
}

/* The block a presence scan of p[0..n) reads at i (i < n): the 16 bytes
 * at i; past the last whole block, the value's last 16 bytes (some read
 * already, which changes nothing a presence test finds); for a value
 * under 16 bytes, its bytes with NULs after them. */
static inline sk_u8x16 sk_presence_block(const uint8_t *p, size_t n, size_t i)
{
	sk_u8x16 x;
	if (n - i >= 16)
		memcpy(&x, p + i, 16);
	else if (n >= 16)
		memcpy(&x, p + n - 16, 16);
	else
		x = sk_load_short(p, n);
	return x;
}

/* Which of the bytes a, b, c, d (none of them NUL) occur in p[0..n): bit
 * 0 for a, 1 for b, ... One pass, 16 bytes at a time, no branch per byte:
 * the cheap question that lets a detector skip whole contexts. */
static inline unsigned sk_bytes_present4(const uint8_t *p, size_t n, uint8_t a, uint8_t b,
                                         uint8_t c, uint8_t d)
{
	const sk_u8x16 va = sk_splat(a), vb = sk_splat(b), vc = sk_splat(c), vd = sk_splat(d);
	sk_u8x16 ma = {0}, mb = {0}, mc = {0}, md = {0};
	for (size_t i = 0; i < n; i += 16) {
		sk_u8x16 x = sk_presence_block(p, n, i); /* NUL is none of the four */
		ma |= (sk_u8x16)(x == va);
		mb |= (sk_u8x16)(x == vb);
		mc |= (sk_u8x16)(x == vc);
		md |= (sk_u8x16)(x == vd);
	}
	return sk_any_lane(ma) | sk_any_lane(mb) << 1 | sk_any_lane(mc) << 2 | sk_any_lane(md) << 3;
}

/* The same for eight bytes: bit j for the j-th argument. */
static inline unsigned sk_bytes_present8(const uint8_t *p, size_t n, uint8_t c0, uint8_t c1,
                                         uint8_t c2, uint8_t c3, uint8_t c4, uint8_t c5, uint8_t c6,
                                         uint8_t c7)
{
	const sk_u8x16 v0 = sk_splat(c0), v1 = sk_splat(c1), v2 = sk_splat(c2), v3 = sk_splat(c3);
	const sk_u8x16 v4 = sk_splat(c4), v5 = sk_splat(c5), v6 = sk_splat(c6), v7 = sk_splat(c7);
	sk_u8x16 m0 = {0}, m1 = {0}, m2 = {0}, m3 = {0}, m4 = {0}, m5 = {0}, m6 = {0}, m7 = {0};
	for (size_t i = 0; i < n; i += 16) {
		sk_u8x16 x = sk_presence_block(p, n, i);
		m0 |= (sk_u8x16)(x == v0);
		m1 |= (sk_u8x16)(x == v1);
		m2 |= (sk_u8x16)(x == v2);
		m3 |= (sk_u8x16)(x == v3);
		m4 |= (sk_u8x16)(x == v4);
		m5 |= (sk_u8x16)(x == v5);
		m6 |= (sk_u8x16)(x == v6);
		m7 |= (sk_u8x16)(x == v7);
	}
	return sk_any_lane(m0) | sk_any_lane(m1) << 1 | sk_any_lane(m2) << 2 |
	       sk_any_lane(m3) << 3 | sk_any_lane(m4) << 4 | sk_any_lane(m5) << 5 |
	       sk_any_lane(m6) << 6 | sk_any_lane(m7) << 7;
}

/* The first byte in [s, e) equal to a, b, c or d (none of them NUL), or
 * NULL. */
static inline const uint8_t *sk_find_any4(const uint8_t *s, const uint8_t *e, uint8_t a, uint8_t b,
                                          uint8_t c, uint8_t d)
{
	if (s < e && (*s == a || *s == b || *s == c || *s == d))
		return s; /* dense hits: no vector set-up */
	const sk_u8x16 va = sk_splat(a), vb = sk_splat(b), vc = sk_splat(c), vd = sk_splat(d);
	sk_u8x16 x;
	for (; e - s >= 16; s += 16) {
		memcpy(&x, s, 16);
		sk_u8x16 m = (sk_u8x16)(x == va) | (sk_u8x16)(x == vb) | (sk_u8x16)(x == vc) |
		             (sk_u8x16)(x == vd);
		int k = sk_first_lane(m);
		if (k < 16)
			return s + k;
	}
	if (s >= e)
		return NULL;
	/* the tail, padded with NULs (none of the four): short values are the
	 * common case, and a byte-by-byte tail costs more than the vector part */
	x = (sk_u8x16){0};
	memcpy(&x, s, (size_t)(e - s));
	sk_u8x16 m =
	    (sk_u8x16)(x == va) | (sk_u8x16)(x == vb) | (sk_u8x16)(x == vc) | (sk_u8x16)(x == vd);
	int k = sk_first_lane(m);
	return k < e - s ? s + k : NULL;
}

/* The first i in [s, e) where i[0] and i[1], ASCII lower-cased, are the
 * lower-case letters a and b. Reads up to e[0]: e must be inside the
 * buffer. */
static inline const uint8_t *sk_find_pair_lc(const uint8_t *s, const uint8_t *e, uint8_t a,
                                             uint8_t b)
{
	const sk_u8x16 va = sk_splat(a), vb = sk_splat(b), lc = sk_splat(0x20);
	for (; e - s >= 16; s += 16) {
		sk_u8x16 x, y;
		memcpy(&x, s, 16);
		memcpy(&y, s + 1, 16);
		sk_u8x16 m = (sk_u8x16)((x | lc) == va) & (sk_u8x16)((y | lc) == vb);
		int k = sk_first_lane(m);
		if (k < 16)
			return s + k;
	}
	if (s >= e)
		return NULL;
	/* the tail and e[0], padded with NULs (not a lower-case letter) */
	uint8_t pad[32] = {0};
	memcpy(pad, s, (size_t)(e - s) + 1);
	sk_u8x16 x, y;
	memcpy(&x, pad, 16);
	memcpy(&y, pad + 1, 16);
	int k = sk_first_lane((sk_u8x16)((x | lc) == va) & (sk_u8x16)((y | lc) == vb));
	return k < e - s ? s + k : NULL;
}

#endif
