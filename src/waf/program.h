/* Private: the compiled program shared by compile.c and eval.c. */
#ifndef SK_WAF_PROGRAM_H
#define SK_WAF_PROGRAM_H

#include <hs/hs.h>
#include <maxminddb.h>
#include <pthread.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "waf/engine.h"
#include "waf/known.h"

/* A judge of a lane's values other than its pattern scan, and its bit
 * among its field's judges (known.h; -1 when it has none): a detector at a
 * level, or (d NULL) a SizeConstraint's test. */
typedef struct sk_known_judge {
	const struct sk_detector *d;
	int level;
	sk_cmp cmp;
	uint64_t size;
	int bit;
} sk_known_judge;

typedef struct sk_lane {
	const sk_field *field; /* any field with this lane's key */
	sk_chain chain;
	/* The lane of the same field whose chain is this chain less its last
	 * transformation, so shared prefixes are computed once per request;
	 * -1 when the chain has one transformation (or none). */
	int parent;
	int npat;
	const sk_stmt **pat_stmt; /* pattern id -> statement */
	pcre2_code **pcre;        /* pattern id -> code for regexes (explanations, fallback) */
	bool *on_pcre;            /* pattern id -> runs on PCRE2, not in db */
	int *pcre_ids;            /* the ids that run on PCRE2 */
	int npcre;
	hs_database_t *db; /* NULL when every pattern runs on PCRE2 or there are none */
	/* Lanes of the same field whose chain ends in the same transformation:
	 * when one of them was handed the same input slice for a value, its
	 * output is this lane's output too (transformations are pure). */
	int *tx_twins;
	int ntx_twins;
	/* After them in tx_twins, nuni_twins lanes of the same field whose
	 * chain ends in the other URL decoding (URL_DECODE for URL_DECODE_UNI
	 * and the reverse): their output is this lane's too when the input
	 * holds no %u escape (sk_url_decode_uni_same()). */
	int nuni_twins;
	/* Every pattern is a ByteMatch (a few at most): the lane judges values
	 * itself rather than call Hyperscan, whose call costs more than
	 * comparing a few bytes; for the long values an unanchored search
	 * runs on (over SK_LITERAL_SCAN bytes), Hyperscan is faster again. */
	bool literal;
	bool anchored; /* and each of them is EXACTLY, STARTS_WITH or ENDS_WITH */
	/* Its judges' bits among its field's (known.h): its pattern scan's
	 * (-1: none), and its detectors' and SizeConstraints'. */
	int known_bit;
	sk_known_judge *judges;
	int njudges;
} sk_lane;

#define SK_LITERAL_MAX  4   /* patterns of a literal lane, at most */
#define SK_LITERAL_SCAN 256 /* bytes of a value a literal lane searches itself */

#define SK_RATE_BUCKETS  30
#define SK_RATE_MAX_KEYS 65536

typedef struct sk_rate_entry {
	uint64_t hash;   /* 0: empty slot */
	int64_t bucket0; /* index (time / bucket width) of counts[0] */
	uint32_t counts[SK_RATE_BUCKETS];
} sk_rate_entry;

typedef struct sk_rate_table {
	pthread_mutex_t lock;
	int bucket_ms;
	sk_rate_entry *slots; /* open addressing, SK_RATE_MAX_KEYS*2 */
	size_t used;
} sk_rate_table;

struct sk_program {
	sk_acl *acl;
	sk_engine_options opt;
	sk_lane *lanes;
	size_t nlanes;
	const sk_field **fields; /* slot -> a field with that key */
	size_t nfields;
	sk_rate_table *rates;
	size_t nrates;
	MMDB_s *mmdb; /* NULL without a country database */
	size_t hs_patterns, pcre_patterns;
	uint64_t serial; /* unique in the process: which program a scratch was made for */
	/* Per field slot (known.h): the bits of all judges of its values, 0
	 * when one has none; and its lanes. */
	uint64_t *slot_need;
	int **slot_lanes;
	int *slot_nlanes;
};

/* One detector verdict remembered for the request being evaluated (eval.c):
 * the same bytes get the same verdict, whichever lane or field they come
 * from. Valid only while epoch is the scratch's: p and m point into that
 * request's arena. */
typedef struct sk_det_memo {
	uint64_t epoch;
	uint64_t key; /* detector, level, length and end bytes, mixed */
	const struct sk_detector *d;
	int level;
	const uint8_t *p;
	size_t n;
	const struct sk_detect_match *m; /* the match when it hit, else NULL */
} sk_det_memo;

#define SK_DET_MEMO_SLOTS 1024 /* a power of two */

/* Detector verdicts on values of up to this many bytes are not
 * remembered within an evaluation: judging again costs less. */
#define SK_MEMO_MIN 32

struct sk_scratch {
	sk_det_memo *memo;    /* SK_DET_MEMO_SLOTS, open addressing */
	uint64_t prog_serial; /* the serial of the program it was made for */
	uint64_t epoch;       /* one per evaluation; 0 marks an unused slot */
	hs_scratch_t *hs;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	sk_known known;
};

#endif
