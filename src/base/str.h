/* Byte slices: every parser and matcher in sekisho works on (ptr, len),
 * never on NUL-terminated strings, because request bytes may hold NULs. */
#ifndef SK_BASE_STR_H
#define SK_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct sk_str {
	const uint8_t *p;
	size_t n;
} sk_str;

#define SK_STR_LIT(s) ((sk_str){(const uint8_t *)(s), sizeof(s) - 1})
#define SK_STR_NULL   ((sk_str){NULL, 0})

static inline sk_str sk_str_make(const void *p, size_t n)
{
	return (sk_str){(const uint8_t *)p, n};
}

static inline sk_str sk_str_cstr(const char *s)
{
	return (sk_str){(const uint8_t *)s, s ? strlen(s) : 0};
}

static inline bool sk_str_eq(sk_str a, sk_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* The value of the hex digit c (either case), or -1. */
static inline int sk_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static inline uint8_t sk_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* Eight bytes with ASCII A-Z lowered, all at once: a byte gets 0x20 when
 * its low seven bits are in 'A'..'Z' and its top bit is clear. */
static inline uint64_t sk_lower8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101u;
	uint64_t h = x & (0x7f * ones);
	uint64_t ge_a = h + (0x80 - 'A') * ones;
	uint64_t gt_z = h + (0x7f - 'Z') * ones;
	uint64_t up = ge_a & ~gt_z & ~x & (0x80 * ones);
	return x | (up >> 2);
}

/* Whether the n bytes at a and b are equal, ASCII case-insensitive, eight
 * at a time; the last word overlaps the one before instead of a byte tail.
 * Names differ mostly in length: callers compare that first. */
static inline bool sk_ieq_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			if (sk_lower(a[i]) != sk_lower(b[i]))
				return false;
		return true;
	}
	uint64_t x, y;
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (sk_lower8(x) != sk_lower8(y))
			return false;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return sk_lower8(x) == sk_lower8(y);
}

/* Inline: header, cookie and argument names are compared once a request
 * per rule that names one. */
static inline bool sk_str_ieq(sk_str a, sk_str b)
{
	return a.n == b.n && sk_ieq_bytes(a.p, b.p, a.n);
}

bool sk_str_ieq_cstr(sk_str a, const char *b);
/* Position of needle in hay ignoring ASCII case, or -1. */
long sk_str_ifind(sk_str hay, sk_str needle);
/* s without the spaces and tabs at its ends. Inline: the cookie and
 * query splitters call it once a segment. */
static inline sk_str sk_str_trim(sk_str s)
{
	while (s.n && (s.p[0] == ' ' || s.p[0] == '\t'))
		s.p++, s.n--;
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
		s.n--;
	return s;
}

/* src[0..n) into dst[0..cap), cut to fit and always NUL-terminated. */
void sk_cstr_copy(char *dst, size_t cap, const void *src, size_t n);

#endif
