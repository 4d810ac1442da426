/* Small ASCII helpers shared by the detectors written after the first ones
 * (private to src/detect): classes, case-insensitive comparisons at an
 * offset, and a bounded match reporter. */
#ifndef SK_DETECT_TEXT_H
#define SK_DETECT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/scan.h"

static inline int sk_tx_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static inline bool sk_tx_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool sk_tx_alpha(int c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static inline bool sk_tx_alnum(int c)
{
	return sk_tx_alpha(c) || sk_tx_digit(c);
}

static inline bool sk_tx_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* The first offset at or after i that is not ASCII space (or n). */
static inline size_t sk_tx_skip_space(const uint8_t *p, size_t n, size_t i)
{
	while (i < n && sk_tx_space(p[i]))
		i++;
	return i;
}

/* s (lower-case ASCII) occurs at p[i..], compared case-insensitively. */
static inline bool sk_tx_at_ci(const uint8_t *p, size_t n, size_t i, const char *s)
{
	size_t k = strlen(s);
	if (i > n || n - i < k)
		return false;
	for (size_t j = 0; j < k; j++)
		if (sk_tx_lower(p[i + j]) != s[j])
			return false;
	return true;
}

/* s occurs at p[i..] exactly (case matters). */
static inline bool sk_tx_at(const uint8_t *p, size_t n, size_t i, const char *s)
{
	size_t k = strlen(s);
	return i <= n && n - i >= k && memcmp(p + i, s, k) == 0;
}

/* Index of the first of the words (lower-case, NULL-terminated list) that
 * occurs at p[i..] case-insensitively and is not followed by a letter or
 * digit; -1 when none does. */
static inline int sk_tx_word_ci(const uint8_t *p, size_t n, size_t i, const char *const *words)
{
	for (int w = 0; words[w]; w++) {
		size_t k = strlen(words[w]);
		if (sk_tx_at_ci(p, n, i, words[w]) && (i + k >= n || !sk_tx_alnum(p[i + k])))
			return w;
	}
	return -1;
}

static inline bool sk_tx_hit(sk_detect_match *m, size_t off, size_t len, const char *reason)
{
	if (m) {
		m->off = off;
		m->len = len;
		snprintf(m->reason, sizeof m->reason, "%s", reason);
	}
	return true;
}

#endif
