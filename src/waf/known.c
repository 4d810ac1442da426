/* Field values known clean across requests: see known.h. */
#include "waf/known.h"

#include <stdlib.h>
#include <string.h>

int sk_known_init(sk_known *k)
{
	k->shorts = aligned_alloc(64, SK_KNOWN_NSHORT * sizeof *k->shorts);
	k->longs = aligned_alloc(64, SK_KNOWN_NLONG * sizeof *k->longs);
	k->seen = calloc(SK_KNOWN_SEEN, sizeof *k->seen);
	if (!k->shorts || !k->longs || !k->seen) {
		sk_known_free(k);
		return -1;
	}
	memset(k->shorts, 0, SK_KNOWN_NSHORT * sizeof *k->shorts);
	memset(k->longs, 0, SK_KNOWN_NLONG * sizeof *k->longs);
	return 0;
}

void sk_known_free(sk_known *k)
{
	free(k->shorts);
	free(k->longs);
	free(k->seen);
	*k = (sk_known){0};
}

/* Not a keyed hash: it only picks an entry, and the bytes decide. Sixteen
 * bytes a step in two independent products (a long value is not held up
 * by one chain of multiplications); the last step reads the value's last
 * sixteen, or for a shorter value its first and last eight, four or one. */
uint64_t sk_known_hash(uint32_t slot, sk_str v)
{
	uint64_t a = (slot + 1) * 0x9e3779b97f4a7c15ull ^ v.n, b = 0x2545f4914f6cdd1dull, x, y;
	const uint8_t *p = v.p;
	size_t n = v.n;
	if (n >= 16) {
		for (size_t i = 0; i + 16 < n; i += 16) {
			memcpy(&x, p + i, 8);
			memcpy(&y, p + i + 8, 8);
			a = (a ^ x) * 0xff51afd7ed558ccdull;
			b = (b ^ y) * 0xc4ceb9fe1a85ec53ull;
		}
		memcpy(&x, p + n - 16, 8);
		memcpy(&y, p + n - 8, 8);
	} else if (n >= 8) {
		memcpy(&x, p, 8);
		memcpy(&y, p + n - 8, 8);
	} else if (n >= 4) {
		uint32_t u, w;
		memcpy(&u, p, 4);
		memcpy(&w, p + n - 4, 4);
		x = u;
		y = w;
	} else {
		x = n ? p[0] : 0;
		y = n ? (uint64_t)p[n / 2] << 8 | p[n - 1] : 0;
	}
	a = (a ^ x) * 0xff51afd7ed558ccdull;
	b = (b ^ y) * 0xc4ceb9fe1a85ec53ull;
	uint64_t h = a ^ (b >> 29) ^ (b << 7);
	h = (h ^ (h >> 32)) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	return h ? h : 1;
}

/* The entry for a value of n bytes and hash h, and where its bytes go. */
static sk_known_head *entry(const sk_known *k, size_t n, uint64_t h, uint8_t **b)
{
	if (n <= SK_KNOWN_SHORT) {
		sk_known_short *e = &k->shorts[h & (SK_KNOWN_NSHORT - 1)];
		*b = e->b;
		return &e->h;
	}
	sk_known_long *e = &k->longs[h & (SK_KNOWN_NLONG - 1)];
	*b = e->b;
	return &e->h;
}

static bool holds(const sk_known_head *c, const uint8_t *b, uint32_t slot, sk_str v, uint64_t h)
{
	return c->hash == h && c->slot == slot && c->n == v.n && memcmp(b, v.p, v.n) == 0;
}

uint64_t sk_known_get(const sk_known *k, uint32_t slot, sk_str v, uint64_t h)
{
	uint8_t *b;
	const sk_known_head *c = entry(k, v.n, h, &b);
	return holds(c, b, slot, v, h) ? c->bits : 0;
}

bool sk_known_first(sk_known *k, uint64_t h)
{
	/* Other bits of the hash than the entry's, so that values sharing an
	 * entry do not also share their note. */
	uint64_t *seen = &k->seen[(h >> 32) & (SK_KNOWN_SEEN - 1)];
	if (*seen == h)
		return false;
	*seen = h;
	return true;
}

void sk_known_put(sk_known *k, uint32_t slot, sk_str v, uint64_t h, uint64_t bits)
{
	uint8_t *b;
	sk_known_head *c = entry(k, v.n, h, &b);
	if (holds(c, b, slot, v, h)) {
		c->bits |= bits;
		return;
	}
	*c = (sk_known_head){h, bits, slot, (uint32_t)v.n};
	memcpy(b, v.p, v.n);
}
