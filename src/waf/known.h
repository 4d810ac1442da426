/* Private: field values known clean across requests (compile.c, eval.c).
 *
 * Header values, cookies and arguments come back in request after request:
 * a browser's User-Agent and Accept, a consent cookie, a language, a page
 * size. Each judge of a field's values - a lane's pattern scan, a detector
 * at a level on a lane, a SizeConstraint on a lane - is a pure function of
 * the lane's value, and a lane's value a pure function of the field's. So
 * a judge that found a field value clean under this program finds the same
 * bytes clean again, and a value every judge of its field found clean
 * cannot change any statement's answer: the evaluation leaves it out of the
 * field, and no lane transforms, scans or judges it.
 *
 * The table keeps values of up to SK_KNOWN_MAX bytes by their bytes,
 * compared in full before a verdict is trusted: no request can pass for
 * another. Only clean verdicts are kept, a bit per judge, gathered over
 * requests (a judge behind an And that rarely gets that far is known
 * late). A value is followed from its second sighting on (its hash alone
 * is noted at the first), so what is sent once - most cookies, every body -
 * costs little and does not push out what repeats. Longer values are
 * rarely sent twice.
 */
#ifndef SK_WAF_KNOWN_H
#define SK_WAF_KNOWN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/str.h"

#define SK_KNOWN_MAX    256  /* bytes of a field value kept, at most */
#define SK_KNOWN_SHORT  40   /* bytes of a short entry's value: one cache line */
#define SK_KNOWN_NSHORT 2048 /* short entries; a power of two, direct-mapped */
#define SK_KNOWN_NLONG  512  /* long entries; likewise */
#define SK_KNOWN_SEEN   4096 /* hashes noted on a first sighting; a power of two */
#define SK_KNOWN_BITS   63   /* judge bits of a field */

typedef struct sk_known_head {
	uint64_t hash; /* sk_known_hash(); 0 for an empty entry */
	uint64_t bits; /* the judges of the field that found it clean */
	uint32_t slot; /* the field's slot */
	uint32_t n;
} sk_known_head;

typedef struct sk_known_short {
	sk_known_head h;
	uint8_t b[SK_KNOWN_SHORT];
} __attribute__((aligned(64))) sk_known_short;

typedef struct sk_known_long {
	sk_known_head h;
	uint8_t b[SK_KNOWN_MAX];
} __attribute__((aligned(64))) sk_known_long;

/* The tables of one scratch: values of up to SK_KNOWN_SHORT bytes in
 * entries of one cache line, longer ones in entries of five. */
typedef struct sk_known {
	sk_known_short *shorts; /* SK_KNOWN_NSHORT */
	sk_known_long *longs;   /* SK_KNOWN_NLONG */
	uint64_t *seen;         /* SK_KNOWN_SEEN */
} sk_known;

int sk_known_init(sk_known *k);
void sk_known_free(sk_known *k);

/* The hash of field slot's value v (never 0); v is of 1 to SK_KNOWN_MAX
 * bytes. */
uint64_t sk_known_hash(uint32_t slot, sk_str v);

/* The judge bits kept for slot's value v of hash h; 0 when none are. */
uint64_t sk_known_get(const sk_known *k, uint32_t slot, sk_str v, uint64_t h);

/* Whether a value of hash h (with no entry) is seen for the first time
 * lately: if so, it is noted, so that the next sighting says no. */
bool sk_known_first(sk_known *k, uint64_t h);

/* Keeps that the judges of bits found slot's value v clean: added to the
 * value's entry, or in a new entry in place of the slot's. */
void sk_known_put(sk_known *k, uint32_t slot, sk_str v, uint64_t h, uint64_t bits);

#endif
