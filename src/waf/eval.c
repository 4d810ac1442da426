/* Evaluates a request against a compiled program, with AWS's semantics:
 * rules in priority order, first terminating action wins, labels visible to
 * later rules only, rule groups in their own label context. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/scan.h"
#include "detect/detect.h"
#include "waf/field.h"
#include "waf/ipaddr.h"
#include "waf/program.h"

/* A value of a size the table of known values keeps (known.h): its hash,
 * and the bits the table has for it. */
typedef struct known_val {
	uint64_t hash, bits;
} known_val;

/* Per-request cache of one field's values. */
typedef struct field_state {
	bool done;
	/* Without the values known clean to every judge of the field
	 * (known.h), which no statement needs to see. */
	sk_field_values fv;
	size_t all; /* values before those were left out */
	/* The values followed in the table: bit i of kept for fv.vals[i] (of
	 * the first 64), kv[i] for what the table knows of it. */
	uint64_t kept;
	known_val *kv;
} field_state;

/* One detector's answer for one lane, kept for the request. */
typedef struct det_answer {
	struct det_answer *next;
	const sk_detector *d;
	int level;
	int known_bit; /* its judge bit (known.h), -1 if none */
	bool hit;
	int32_t idx; /* the value that hit */
	sk_detect_match m;
} det_answer;

/* Per-request cache of one lane: transformed values, scan result, and
 * detector answers. */
typedef struct lane_state {
	bool done, scanned;
	uint64_t matched; /* bit i: a pattern matched value i (of the first 64) */
	sk_str *vals;     /* transformed, parallel to the field's values */
	uint64_t *bits;
	int32_t *first;   /* pattern id -> index of the first value that matched */
	det_answer *dets; /* detectors already run on this lane's values */
} lane_state;

typedef struct ev {
	const sk_program *p;
	sk_scratch *s;
	sk_request *req;
	sk_arena *a;
	int64_t now;
	sk_error *err;
	sk_verdict *v;
	field_state *fs;
	lane_state *ls;
	const char *ctx; /* label namespace of the rule being evaluated */
	char **labels;
	size_t nlabels, labels_cap;
	sk_hit *hits;
	size_t nhits, hits_cap;
	sk_rule_match *matches;
	size_t nmatches, matches_cap;
	sk_kv *ins;
	size_t nins, ins_cap;
	int ip_state; /* 0 not parsed, 1 ok, -1 invalid */
	uint8_t ip[16];
	/* sk_evaluate_head: the body has not arrived. Reading it, or a rate
	 * count (a side effect the full evaluation would repeat), stops the
	 * evaluation with need_body set. */
	bool head_only, need_body;
} ev;

#define GROW(e, arr, n, cap)                                                                       \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			size_t nc_ = (cap) ? (cap)*2 : 8;                                          \
			void *np_ = sk_arena_realloc((e)->a, (arr), (cap) * sizeof *(arr),         \
			                             nc_ * sizeof *(arr));                         \
			if (!np_)                                                                  \
				return -1;                                                         \
			(arr) = np_;                                                               \
			(cap) = nc_;                                                               \
		}                                                                                  \
	} while (0)

const char *sk_action_name(sk_action_type t)
{
	static const char *const n[] = {"ALLOW", "BLOCK", "COUNT", "CAPTCHA", "CHALLENGE"};
	return (unsigned)t < 5 ? n[t] : "UNKNOWN";
}

/* ---- fields and lanes ---- */

/* Looks fs's values up in the table of known values (known.h). Those
 * known clean to every judge of the field are left out of fs->fv; the
 * others of a size the table keeps are noted in fs->kept and fs->kv. */
static int known_lookup(ev *e, int slot, field_state *fs)
{
	uint64_t need = e->p->slot_need[slot];
	sk_field_values *fv = &fs->fv;
	sk_str *vals = NULL, *names = NULL;
	size_t o = 0;
	for (size_t i = 0; i < fv->n; i++) {
		sk_str v = fv->vals[i];
		uint64_t h = 0, bits = 0;
		if (o < 64 && v.n && v.n <= SK_KNOWN_MAX) {
			h = sk_known_hash((uint32_t)slot, v);
			bits = sk_known_get(&e->s->known, (uint32_t)slot, v, h);
			if ((bits & need) == need) {
				if (!vals) { /* the first left out: copy those before it */
					vals = sk_arena_alloc(e->a, fv->n * sizeof *vals);
					names = sk_arena_alloc(e->a, fv->n * sizeof *names);
					if (!vals || !names)
						return -1;
					memcpy(vals, fv->vals, i * sizeof *vals);
					memcpy(names, fv->names, i * sizeof *names);
				}
				continue;
			}
			/* A value sent once is not worth keeping track of; its
			 * second sighting is. */
			if (bits || !sk_known_first(&e->s->known, h)) {
				if (!fs->kv &&
				    !(fs->kv = sk_arena_alloc(e->a, 64 * sizeof *fs->kv)))
					return -1;
				fs->kv[o] = (known_val){h, bits};
				fs->kept |= 1ull << o;
			}
		}
		if (vals) {
			vals[o] = v;
			names[o] = fv->names[i];
		}
		o++;
	}
	if (vals) {
		fv->vals = vals;
		fv->names = names;
		fv->n = o;
	}
	return 0;
}

static bool size_ok(sk_cmp c, uint64_t a, uint64_t b);

/* Whether field statement s answers no on fs for want of a value: the
 * field gave none (a GET's body) or only values known clean, and neither
 * oversize handling nor a JSON fallback answers instead. Not for a
 * SizeConstraint: an absent field has size 0. */
static inline bool no_value_to_judge(const field_state *fs, const sk_stmt *s)
{
	return fs->fv.n == 0 && !fs->fv.oversize && !fs->fv.json_fallback && s->type != SK_ST_SIZE;
}

/* The bits the judges of lane l found value i clean to (i < 64). */
static uint64_t judged_clean(const sk_lane *l, const lane_state *ls, size_t i)
{
	uint64_t bits = 0;
	if (l->known_bit >= 0 && ls->scanned && !(ls->matched >> i & 1))
		bits |= 1ull << l->known_bit;
	for (const det_answer *a = ls->dets; a; a = a->next)
		/* judged up to its hit only */
		if (a->known_bit >= 0 && (!a->hit || (size_t)a->idx > i))
			bits |= 1ull << a->known_bit;
	for (int k = 0; k < l->njudges; k++) {
		const sk_known_judge *j = &l->judges[k];
		if (!j->d && j->bit >= 0 && !size_ok(j->cmp, ls->vals[i].n, j->size))
			bits |= 1ull << j->bit;
	}
	return bits;
}

/* Keeps in the table what this request's judges found clean, for the
 * values of a size it keeps. */
static void known_store(ev *e)
{
	if (e->s->prog_serial != e->p->serial)
		return;
	for (size_t f = 0; f < e->p->nfields; f++) {
		const field_state *fs = &e->fs[f];
		for (uint64_t m = fs->done ? fs->kept : 0; m; m &= m - 1) {
			size_t i = (size_t)__builtin_ctzll(m);
			uint64_t bits = 0;
			for (int k = 0; k < e->p->slot_nlanes[f]; k++) {
				int li = e->p->slot_lanes[f][k];
				if (e->ls[li].done)
					bits |= judged_clean(&e->p->lanes[li], &e->ls[li], i);
			}
			if (bits & ~fs->kv[i].bits)
				sk_known_put(&e->s->known, (uint32_t)f, fs->fv.vals[i],
				             fs->kv[i].hash, bits | fs->kv[i].bits);
		}
	}
}

static field_state *field(ev *e, const sk_field *f)
{
	field_state *fs = &e->fs[f->slot];
	if (e->head_only && (e->p->fields[f->slot]->kind == SK_FTM_BODY ||
	                     e->p->fields[f->slot]->kind == SK_FTM_JSON_BODY)) {
		e->need_body = true;
		return NULL;
	}
	if (!fs->done) {
		if (sk_field_extract(e->p->fields[f->slot], e->req, e->p->acl->body_limit, e->a,
		                     &fs->fv))
			return NULL;
		fs->done = true;
		fs->all = fs->fv.n;
		if (e->p->slot_need[f->slot] && e->s->prog_serial == e->p->serial &&
		    known_lookup(e, f->slot, fs))
			return NULL;
		const sk_field *pf = e->p->fields[f->slot];
		if (fs->fv.oversize) {
			if (pf->kind == SK_FTM_BODY)
				e->v->oversize_body = true;
			else if (pf->kind == SK_FTM_JSON_BODY)
				e->v->oversize_json = true;
			else if (pf->kind == SK_FTM_COOKIES)
				e->v->oversize_cookies = true;
			else
				e->v->oversize_headers = true;
		}
	}
	return fs;
}

/* A twin lane (program.h) already done: the inputs it was handed and its
 * outputs, value by value. */
typedef struct done_twin {
	const sk_str *in, *out;
	bool uni; /* a URL decoding sibling */
} done_twin;

#define MAX_DONE_TWINS 16 /* more go unused: a missed reuse, no error */

/* Lists in tw the twins of lane l done so far; none can finish while l is
 * filled. Returns how many. */
static int done_twins(const ev *e, const sk_lane *l, const field_state *fs, done_twin *tw)
{
	int ntw = 0;
	for (int k = 0; k < l->ntx_twins + l->nuni_twins && ntw < MAX_DONE_TWINS; k++) {
		int t = l->tx_twins[k];
		if (!e->ls[t].done)
			continue;
		int parent = e->p->lanes[t].parent;
		tw[ntw++] = (done_twin){parent >= 0 ? e->ls[parent].vals : fs->fv.vals,
		                        e->ls[t].vals, k >= l->ntx_twins};
	}
	return ntw;
}

/* A twin that was handed the same input slice for value i has this
 * lane's output: *out gets it and true is returned. So does a URL
 * decoding sibling when the slice holds no %u escape. */
static bool twin_output(const done_twin *tw, int ntw, size_t i, sk_str in, sk_str *out)
{
	int same = -1; /* sk_url_decode_uni_same(in), once it is needed */
	for (int k = 0; k < ntw; k++) {
		if (tw[k].in[i].p != in.p || tw[k].in[i].n != in.n)
			continue;
		if (tw[k].uni) {
			if (same < 0)
				same = sk_url_decode_uni_same(in);
			if (!same)
				continue;
		}
		*out = tw[k].out[i];
		return true;
	}
	return false;
}

static lane_state *lane(ev *e, int idx)
{
	const sk_lane *l = &e->p->lanes[idx];
	lane_state *ls = &e->ls[idx];
	field_state *fs = field(e, l->field);
	if (!fs)
		return NULL;
	if (ls->done)
		return ls;
	size_t n = fs->fv.n;
	ls->scanned = false;
	ls->dets = NULL;
	if (n == 0) {
		/* An absent field (a GET's body), or one whose values are all
		 * known clean: nothing to transform, nor for the parent. */
		ls->vals = NULL;
		ls->done = true;
		return ls;
	}
	/* Start from the parent lane's values when there is one: only the
	 * last transformation is left to apply. */
	const sk_str *src = fs->fv.vals;
	int from = 0;
	if (l->parent >= 0) {
		lane_state *pls = lane(e, l->parent);
		if (!pls)
			return NULL;
		src = pls->vals;
		from = l->chain.n - 1;
	}
	ls->vals = sk_arena_alloc(e->a, n * sizeof *ls->vals);
	if (!ls->vals)
		return NULL;
	/* Only the last transformation is left to apply (unless the chain is
	 * empty): a twin may have applied it to a value's slice. */
	done_twin tw[MAX_DONE_TWINS];
	int ntw = from == l->chain.n - 1 ? done_twins(e, l, fs, tw) : 0;
	for (size_t i = 0; i < n; i++) {
		sk_str cur = src[i];
		if (ntw && twin_output(tw, ntw, i, cur, &ls->vals[i]))
			continue;
		for (int t = from; t < l->chain.n; t++)
			if (sk_transform_apply((sk_transform)l->chain.tx[t], cur, e->a, &cur))
				return NULL;
		ls->vals[i] = cur;
	}
	ls->done = true;
	return ls;
}

static bool is_word_byte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Whether ByteMatch s matches v, as its regex form (compile.c) would, and
 * where: *off gets the first occurrence that satisfies its position (for
 * ENDS_WITH the one at the end). */
static bool byte_match(const sk_stmt *s, sk_str v, size_t *off)
{
	size_t m = s->search_n;
	if (m == 0 || m > v.n)
		return false;
	switch (s->position) {
	case SK_POS_EXACTLY: *off = 0; return m == v.n && memcmp(v.p, s->search, m) == 0;
	case SK_POS_STARTS_WITH: *off = 0; return memcmp(v.p, s->search, m) == 0;
	case SK_POS_ENDS_WITH: *off = v.n - m; return memcmp(v.p + v.n - m, s->search, m) == 0;
	case SK_POS_CONTAINS:
	case SK_POS_CONTAINS_WORD: break;
	}
	const uint8_t *end = v.p + v.n;
	for (const uint8_t *c = v.p; (c = sk_find_bytes(c, end, s->search, m)); c++) {
		size_t at = (size_t)(c - v.p), after = at + m;
		if (s->position == SK_POS_CONTAINS_WORD &&
		    ((at > 0 && is_word_byte(v.p[at - 1])) ||
		     (after < v.n && is_word_byte(v.p[after]))))
			continue;
		*off = at;
		return true;
	}
	return false;
}

/* Judges v with a literal lane's patterns (program.h), as a scan would:
 * the first value each pattern matches goes to first. */
static bool scan_literal(const sk_lane *l, lane_state *ls, sk_str v, int32_t i)
{
	bool clean = true;
	for (int id = 0; id < l->npat; id++) {
		size_t off;
		if (ls->bits[id / 64] & (1ull << (id % 64))) {
			clean = false; /* not tried on this value: not known clean */
			continue;
		}
		if (!byte_match(l->pat_stmt[id], v, &off))
			continue;
		clean = false;
		ls->bits[id / 64] |= 1ull << (id % 64);
		ls->first[id] = i;
	}
	return clean;
}

typedef struct scan_ctx {
	lane_state *ls;
	int32_t value;
	bool matched; /* any pattern, for this value */
} scan_ctx;

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *ctx)
{
	(void)from;
	(void)to;
	(void)flags;
	scan_ctx *c = ctx;
	c->matched = true;
	if (!(c->ls->bits[id / 64] & (1ull << (id % 64)))) {
		c->ls->bits[id / 64] |= 1ull << (id % 64);
		c->ls->first[id] = c->value;
	}
	return 0;
}

static int scan(ev *e, int idx, lane_state *ls, size_t nvals)
{
	const sk_lane *l = &e->p->lanes[idx];
	if (ls->scanned)
		return 0;
	size_t words = ((size_t)l->npat + 63) / 64;
	ls->bits = sk_arena_alloc(e->a, words * sizeof *ls->bits);
	ls->first = sk_arena_alloc(e->a, (size_t)l->npat * sizeof *ls->first);
	if (!ls->bits || !ls->first)
		return -1;
	/* Mostly one word: a store, not the call to memset GCC makes of a
	 * loop. None when the lane has no patterns. */
	if (words)
		ls->bits[0] = 0;
	if (words > 1)
		memset(ls->bits + 1, 0, (words - 1) * sizeof *ls->bits);
	ls->matched = 0;
	for (size_t i = 0; i < nvals; i++) {
		sk_str v = ls->vals[i];
		if (l->literal && (l->anchored || v.n <= SK_LITERAL_SCAN)) {
			if (!scan_literal(l, ls, v, (int32_t)i) && i < 64)
				ls->matched |= 1ull << i;
			continue;
		}
		const char *d = v.p ? (const char *)v.p : "";
		scan_ctx c = {ls, (int32_t)i, false};
		if (l->db &&
		    hs_scan(l->db, d, (unsigned)v.n, 0, e->s->hs, on_match, &c) != HS_SUCCESS)
			return -1;
		for (int k = 0; k < l->npcre; k++) {
			int id = l->pcre_ids[k];
			if (ls->bits[id / 64] & (1ull << (id % 64))) {
				c.matched = true; /* not tried on this value: not known clean */
				continue;
			}
			int rc = pcre2_match(l->pcre[id], (PCRE2_SPTR)d, v.n, 0, 0, e->s->md,
			                     e->s->mctx);
			if (rc >= 0) {
				ls->bits[id / 64] |= 1ull << (id % 64);
				ls->first[id] = (int32_t)i;
			}
			/* Resource limits (rc < -1) count as no match, like AWS's
			 * own regex engine giving up; such a value is not kept. */
			if (rc != PCRE2_ERROR_NOMATCH)
				c.matched = true;
		}
		if (c.matched && i < 64)
			ls->matched |= 1ull << i;
	}
	ls->scanned = true;
	return 0;
}

/* ---- hits ---- */

static int push_hit(ev *e, const sk_stmt *s, sk_str name, sk_str value, size_t off, size_t len,
                    const char *reason)
{
	GROW(e, e->hits, e->nhits, e->hits_cap);
	sk_hit *h = &e->hits[e->nhits++];
	h->stmt = s;
	h->name = name;
	h->value = value;
	h->off = off;
	h->len = len;
	h->reason = reason ? reason : "";
	return 1;
}

static void locate_pattern(ev *e, const sk_lane *l, int id, sk_str v, size_t *off, size_t *len)
{
	const sk_stmt *s = l->pat_stmt[id];
	*off = 0;
	*len = v.n;
	if (s->type == SK_ST_BYTE_MATCH) {
		if (byte_match(s, v, off))
			*len = s->search_n;
		else
			*off = 0;
		return;
	}
	if (l->pcre[id] && pcre2_match(l->pcre[id], v.p ? v.p : (PCRE2_SPTR) "", v.n, 0, 0,
	                               e->s->md, e->s->mctx) >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(e->s->md);
		if (ov[0] <= ov[1] && ov[1] <= v.n) {
			*off = ov[0];
			*len = ov[1] - ov[0];
		}
	}
}

/* ---- leaf statements ---- */

static bool size_ok(sk_cmp c, uint64_t a, uint64_t b)
{
	switch (c) {
	case SK_CMP_EQ: return a == b;
	case SK_CMP_NE: return a != b;
	case SK_CMP_LE: return a <= b;
	case SK_CMP_LT: return a < b;
	case SK_CMP_GE: return a >= b;
	case SK_CMP_GT: return a > b;
	}
	return false;
}

/* Writes v in decimal ending just before end; returns where it starts. */
static char *put_decimal(char *end, uint64_t v)
{
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

/* "size 12 is > 10": a SizeConstraint hit's reason, without printf (many
 * rules Count on sizes, so this runs on most requests). */
static const char *size_reason(sk_arena *a, uint64_t n, const sk_stmt *s)
{
	static const char *const ops[] = {"=", "!=", "<=", "<", ">=", ">"};
	char tmp[64], *end = tmp + sizeof tmp;
	char *p = put_decimal(end, s->size);
	*--p = ' ';
	size_t on = strlen(ops[s->cmp]);
	p -= on;
	memcpy(p, ops[s->cmp], on);
	memcpy(p -= 4, " is ", 4);
	p = put_decimal(p, n);
	memcpy(p -= 5, "size ", 5);
	return sk_arena_strndup(a, p, (size_t)(end - p));
}

/* ---- detector memo ---- */

/* Mixes what tells byte strings apart cheaply: the detector, level,
 * length, and the first and last eight bytes. Equal keys are confirmed by
 * comparing the bytes. */
static uint64_t memo_key(const sk_detector *d, int level, sk_str v)
{
	uint64_t head = 0, tail = 0;
	if (v.n >= 8) {
		memcpy(&head, v.p, 8);
		memcpy(&tail, v.p + v.n - 8, 8);
	} else if (v.n) {
		memcpy(&head, v.p, v.n);
	}
	uint64_t h = ((uintptr_t)d + (uint64_t)level) ^ (v.n * 0x9e3779b97f4a7c15ull);
	h = (h ^ head) * 0xff51afd7ed558ccdull;
	h = (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

/* Slots looked at for one key: past them the verdict is not remembered
 * (the table is per thread and never grows). */
#define MEMO_PROBES 8

/* Runs d at level on a value longer than SK_MEMO_MIN, or recalls its
 * verdict when it already judged the same bytes in this evaluation. */
static bool detect_memo(ev *e, const sk_detector *d, int level, sk_str v, sk_detect_match *m)
{
	sk_scratch *sc = e->s;
	uint64_t key = memo_key(d, level, v);
	sk_det_memo *free_slot = NULL;
	for (unsigned k = 0; k < MEMO_PROBES; k++) {
		sk_det_memo *c = &sc->memo[(key + k) & (SK_DET_MEMO_SLOTS - 1)];
		if (c->epoch != sc->epoch) {
			free_slot = c;
			break;
		}
		if (c->key == key && c->d == d && c->level == level && c->n == v.n &&
		    (v.n == 0 || c->p == v.p || memcmp(c->p, v.p, v.n) == 0)) {
			if (c->m)
				*m = *c->m;
			return c->m != NULL;
		}
	}
	bool hit = d->fn(v.p, v.n, level, m);
	if (free_slot)
		*free_slot = (sk_det_memo){.epoch = sc->epoch,
		                           .key = key,
		                           .d = d,
		                           .level = level,
		                           .p = v.p,
		                           .n = v.n,
		                           .m = hit ? m : NULL};
	return hit;
}

/* Runs d at level on v, or recalls its verdict on the same bytes from
 * this evaluation (detectors are pure: same bytes, same verdict). Returns
 * the verdict; *m is filled when it is a hit. m must stay valid for the
 * evaluation: it is what a later recall copies. Short values are judged
 * again: cheaper than the memo. */
static bool detect(ev *e, const sk_detector *d, int level, sk_str v, sk_detect_match *m)
{
	return v.n <= SK_MEMO_MIN ? d->fn(v.p, v.n, level, m) : detect_memo(e, d, level, v, m);
}

/* lane(), without its call when the lane is already done: most
 * statements read a lane an earlier one computed. */
static inline lane_state *lane_ready(ev *e, int idx)
{
	lane_state *ls = &e->ls[idx];
	return ls->done ? ls : lane(e, idx);
}

static int eval_field_stmt(ev *e, const sk_stmt *s)
{
	lane_state *ls = lane_ready(e, s->lane);
	if (!ls)
		return -1;
	const sk_field *f = s->field;
	field_state *fs = &e->fs[f->slot]; /* the lane's: same key, same slot */
	if (no_value_to_judge(fs, s))
		return 0;
	if (fs->fv.oversize && f->oversize != SK_OVERSIZE_CONTINUE) {
		if (f->oversize == SK_OVERSIZE_NO_MATCH)
			return 0;
		return push_hit(e, s, SK_STR_NULL, SK_STR_NULL, 0, 0,
		                "larger than the inspection limit (OversizeHandling MATCH)");
	}
	if (fs->fv.json_fallback)
		return fs->fv.json_fallback == 1
		           ? push_hit(e, s, SK_STR_NULL, SK_STR_NULL, 0, 0,
		                      "body is not valid JSON (InvalidFallbackBehavior MATCH)")
		           : 0;
	size_t n = fs->fv.n;
	switch (s->type) {
	case SK_ST_BYTE_MATCH:
	case SK_ST_REGEX_MATCH:
	case SK_ST_REGEX_SET: {
		if (scan(e, s->lane, ls, n))
			return -1;
		const sk_lane *l = &e->p->lanes[s->lane];
		for (int id = s->pat_base; id < s->pat_base + s->pat_n; id++) {
			if (!(ls->bits[id / 64] & (1ull << (id % 64))))
				continue;
			int32_t vi = ls->first[id];
			size_t off, len;
			locate_pattern(e, l, id, ls->vals[vi], &off, &len);
			const char *why = "";
			if (s->type == SK_ST_REGEX_SET &&
			    !(why = sk_arena_printf(e->a, "pattern %d of regex pattern set %s",
			                            id - s->pat_base, s->regex_set->name)))
				return -1;
			return push_hit(e, s, fs->fv.names[vi], ls->vals[vi], off, len, why);
		}
		return 0;
	}
	case SK_ST_SQLI:
	case SK_ST_XSS:
	case SK_ST_DETECTOR: {
		det_answer *ans = ls->dets;
		while (ans && !(ans->d == s->detector && ans->level == s->sensitivity))
			ans = ans->next;
		if (!ans) {
			/* Not zeroed: m is written by the detector that hits,
			 * and read only then. */
			if (!(ans = sk_arena_alloc(e->a, sizeof *ans)))
				return -1;
			ans->d = s->detector;
			ans->level = s->sensitivity;
			ans->known_bit = -1;
			const sk_lane *l = &e->p->lanes[s->lane];
			for (int k = 0; k < l->njudges; k++)
				if (l->judges[k].d == ans->d && l->judges[k].level == ans->level)
					ans->known_bit = l->judges[k].bit;
			ans->hit = false;
			ans->idx = 0;
			ans->m.off = ans->m.len = 0;
			ans->m.reason[0] = 0;
			for (size_t i = 0; i < n && !ans->hit; i++) {
				if (detect(e, s->detector, s->sensitivity, ls->vals[i], &ans->m)) {
					ans->hit = true;
					ans->idx = (int32_t)i;
				}
			}
			ans->next = ls->dets;
			ls->dets = ans;
		}
		if (!ans->hit)
			return 0;
		sk_str val = ls->vals[ans->idx];
		size_t off = ans->m.off <= val.n ? ans->m.off : 0;
		size_t len = off + ans->m.len <= val.n ? ans->m.len : val.n - off;
		return push_hit(e, s, fs->fv.names[ans->idx], val, off, len, ans->m.reason);
	}
	case SK_ST_SIZE:
		for (size_t i = 0; i < n; i++)
			if (size_ok(s->cmp, ls->vals[i].n, s->size)) {
				const char *why = size_reason(e->a, ls->vals[i].n, s);
				if (!why)
					return -1;
				return push_hit(e, s, fs->fv.names[i], SK_STR_NULL, 0, 0, why);
			}
		/* A missing field has size 0 for AWS. */
		if (fs->all == 0 && size_ok(s->cmp, 0, s->size))
			return push_hit(e, s, SK_STR_NULL, SK_STR_NULL, 0, 0,
			                "field absent (size 0)");
		return 0;
	default: return 0;
	}
}

/* The address an IP statement judges: the client's, or one from a
 * forwarded header. Returns 1 with out filled, 0 when there is none
 * (caller applies the fallback). */
static int client_ip(ev *e, uint8_t out[16])
{
	if (!e->ip_state)
		e->ip_state = sk_ip_parse(sk_str_cstr(e->req->client_ip), e->ip) ? 1 : -1;
	if (e->ip_state < 0)
		return 0;
	memcpy(out, e->ip, 16);
	return 1;
}

/* Calls fn for each address the forwarded config selects; returns 1 when
 * fn said yes for one, 0 when none, -2 when the header gave no address. */
static int forwarded_each(ev *e, const sk_forwarded *fw,
                          bool (*fn)(ev *, const uint8_t *, const void *), const void *arg)
{
	bool found = false;
	sk_str h = sk_request_header(e->req, fw->header, &found);
	if (!found)
		return -2;
	sk_str items[10];
	size_t n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= h.n; i++)
		if (i == h.n || h.p[i] == ',') {
			if (n < 10)
				items[n++] = sk_str_make(h.p + start, i - start);
			else
				items[9] = sk_str_make(h.p + start, i - start); /* keep the last */
			start = i + 1;
		}
	size_t lo = 0, hi = n;
	if (fw->position == SK_FWD_FIRST)
		hi = n ? 1 : 0;
	else if (fw->position == SK_FWD_LAST)
		lo = n ? n - 1 : 0;
	bool any_valid = false;
	for (size_t i = lo; i < hi; i++) {
		uint8_t ip[16];
		if (!sk_ip_parse(items[i], ip))
			continue;
		any_valid = true;
		if (fn(e, ip, arg))
			return 1;
	}
	return any_valid ? 0 : -2;
}

static bool in_set(ev *e, const uint8_t *ip, const void *arg)
{
	(void)e;
	const sk_ip_set *s = arg;
	return sk_ip_ranges_contain(s->ranges, s->n, ip);
}

static const char *country_of(ev *e, const uint8_t *ip)
{
	if (!e->p->mmdb)
		return "--";
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
	memcpy(&sa.sin6_addr, ip, 16);
	struct sockaddr_in sa4 = {.sin_family = AF_INET};
	const struct sockaddr *sp = (const struct sockaddr *)&sa;
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(ip, mapped, 12) == 0) {
		memcpy(&sa4.sin_addr, ip + 12, 4);
		sp = (const struct sockaddr *)&sa4;
	}
	int merr;
	MMDB_lookup_result_s r = MMDB_lookup_sockaddr(e->p->mmdb, sp, &merr);
	if (merr != MMDB_SUCCESS || !r.found_entry)
		return "--";
	MMDB_entry_data_s d;
	if (MMDB_get_value(&r.entry, &d, "country", "iso_code", NULL) != MMDB_SUCCESS ||
	    !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2)
		return "--";
	char *c = sk_arena_strndup(e->a, d.utf8_string, 2);
	return c ? c : "--";
}

static bool in_countries(ev *e, const uint8_t *ip, const void *arg)
{
	const sk_stmt *s = arg;
	const char *c = country_of(e, ip);
	for (size_t i = 0; i < s->ncountries; i++)
		if (memcmp(s->countries[i], c, 2) == 0)
			return true;
	return false;
}

static int eval_addr_stmt(ev *e, const sk_stmt *s, bool (*fn)(ev *, const uint8_t *, const void *),
                          const void *arg, const char *what)
{
	int r;
	if (s->fwd.header) {
		r = forwarded_each(e, &s->fwd, fn, arg);
		if (r == -2)
			return s->fwd.fallback_match
			           ? push_hit(e, s, SK_STR_NULL, SK_STR_NULL, 0, 0,
			                      "no valid address in the forwarded header "
			                      "(FallbackBehavior MATCH)")
			           : 0;
	} else {
		uint8_t ip[16];
		r = client_ip(e, ip) && fn(e, ip, arg);
	}
	if (r != 1)
		return 0;
	return push_hit(e, s, SK_STR_NULL, SK_STR_NULL, 0, 0, what);
}

/* LabelMatch: a key that is not fully qualified is read in the context of
 * the rule holding the statement; a LABEL key matches the label's trailing
 * components, a NAMESPACE key any contiguous run of its namespaces. */
static bool label_matches(const char *label, const sk_stmt *s)
{
	const char *key = s->label_key;
	size_t kn = strlen(key), ln = strlen(label);
	const char *rest = label;
	if (strncmp(key, "awswaf:", 7) != 0) {
		size_t cn = strlen(s->label_context);
		if (ln < cn || memcmp(label, s->label_context, cn) != 0)
			return false;
		rest = label + cn;
	} else if (s->label_scope == SK_LABEL_SCOPE_LABEL) {
		return strcmp(label, key) == 0;
	} else {
		return strncmp(label, key, kn) == 0;
	}
	size_t rn = strlen(rest);
	if (s->label_scope == SK_LABEL_SCOPE_LABEL)
		return rn >= kn && strcmp(rest + rn - kn, key) == 0 &&
		       (rn == kn || rest[rn - kn - 1] == ':');
	/* Namespace: key (ending with ':') at the start or after a ':'. */
	for (const char *p = rest; (p = strstr(p, key)); p++)
		if (p == rest || p[-1] == ':')
			return true;
	return false;
}

/* Mixes n bytes into h, eight at a time (a rate key holds header values
 * and cookies: a byte at a time, their hash was a long chain of
 * multiplications). The length goes in first, which keeps the parts of a
 * key apart. */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t w;
	h = (h ^ n) * 0x9e3779b97f4a7c15ull;
	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	w = 0;
	if (n)
		memcpy(&w, b, n);
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 31);
}

/* The aggregation key of a rate-based statement as a hash; 0 when the
 * request lacks a part of the key (AWS does not count it then). */
static uint64_t rate_key(ev *e, const sk_stmt *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint8_t ip[16];
	switch (s->agg) {
	case SK_AGG_CONSTANT: return h;
	case SK_AGG_IP: return client_ip(e, ip) ? hash_bytes(h, ip, 16) : 0;
	case SK_AGG_FORWARDED_IP: {
		bool found;
		sk_str v = sk_request_header(e->req, s->fwd.header, &found);
		const uint8_t *c = found ? memchr(v.p, ',', v.n) : NULL;
		if (c)
			v.n = (size_t)(c - v.p);
		return found && sk_ip_parse(v, ip) ? hash_bytes(h, ip, 16) : 0;
	}
	case SK_AGG_CUSTOM_KEYS: break;
	}
	for (size_t k = 0; k < s->nkeys; k++) {
		const sk_rate_key *rk = &s->keys[k];
		sk_str v = SK_STR_NULL;
		bool found = true;
		const sk_pair *pv;
		size_t pn;
		switch (rk->kind) {
		case SK_RKEY_IP:
			if (!client_ip(e, ip))
				return 0;
			v = sk_str_make(ip, 16);
			break;
		case SK_RKEY_FORWARDED_IP: {
			v = sk_request_header(e->req, s->fwd.header, &found);
			const uint8_t *c = found ? memchr(v.p, ',', v.n) : NULL;
			if (c)
				v.n = (size_t)(c - v.p);
			if (!found || !sk_ip_parse(v, ip))
				return 0;
			v = sk_str_make(ip, 16);
			break;
		}
		case SK_RKEY_HTTP_METHOD: v = e->req->method; break;
		case SK_RKEY_HEADER: v = sk_request_header(e->req, rk->name, &found); break;
		case SK_RKEY_COOKIE:
		case SK_RKEY_QUERY_ARG:
			found = false;
			if ((rk->kind == SK_RKEY_COOKIE ? sk_request_cookies(e->req, &pv, &pn)
			                                : sk_request_args(e->req, &pv, &pn)))
				return 0;
			for (size_t i = 0; i < pn && !found; i++)
				if (rk->kind == SK_RKEY_COOKIE
				        ? sk_str_eq(pv[i].name, sk_str_cstr(rk->name))
				        : sk_str_ieq_cstr(pv[i].name, rk->name)) {
					v = pv[i].value;
					found = true;
				}
			break;
		case SK_RKEY_QUERY_STRING:
			v = e->req->query;
			found = v.n > 0;
			break;
		case SK_RKEY_URI_PATH: v = e->req->path; break;
		case SK_RKEY_LABEL_NAMESPACE: {
			found = false;
			size_t nn = strlen(rk->name);
			for (size_t i = 0; i < e->nlabels && !found; i++)
				if (strncmp(e->labels[i], rk->name, nn) == 0) {
					v = sk_str_cstr(e->labels[i]);
					found = true;
				}
			break;
		}
		}
		if (!found)
			return 0;
		for (int t = 0; t < rk->chain.n; t++)
			if (sk_transform_apply((sk_transform)rk->chain.tx[t], v, e->a, &v))
				return 0;
		h = hash_bytes(h, v.p, v.n);
	}
	return h ? h : 1;
}

/* Counts this request and returns the count over the window. */
static uint64_t rate_count(sk_rate_table *t, int window_sec, uint64_t key, int64_t now_ms)
{
	pthread_mutex_lock(&t->lock);
	if (!t->slots) {
		t->bucket_ms = window_sec * 1000 / SK_RATE_BUCKETS;
		t->slots = calloc(SK_RATE_MAX_KEYS * 2, sizeof *t->slots);
		if (!t->slots) {
			pthread_mutex_unlock(&t->lock);
			return 0;
		}
	}
	if (t->used >= SK_RATE_MAX_KEYS) {
		/* Full: start over rather than grow without bound. */
		memset(t->slots, 0, SK_RATE_MAX_KEYS * 2 * sizeof *t->slots);
		t->used = 0;
	}
	size_t mask = SK_RATE_MAX_KEYS * 2 - 1, i = key & mask;
	while (t->slots[i].hash && t->slots[i].hash != key)
		i = (i + 1) & mask;
	sk_rate_entry *r = &t->slots[i];
	int64_t b = now_ms / t->bucket_ms;
	if (!r->hash) {
		r->hash = key;
		r->bucket0 = b;
		t->used++;
	}
	/* Slide the window so that b is its last bucket. */
	int64_t shift = b - (r->bucket0 + SK_RATE_BUCKETS - 1);
	if (shift > 0) {
		if (shift >= SK_RATE_BUCKETS) {
			memset(r->counts, 0, sizeof r->counts);
		} else {
			memmove(r->counts, r->counts + shift,
			        (size_t)(SK_RATE_BUCKETS - shift) * sizeof r->counts[0]);
			memset(r->counts + SK_RATE_BUCKETS - shift, 0,
			       (size_t)shift * sizeof r->counts[0]);
		}
		r->bucket0 += shift;
	}
	int64_t slot = b - r->bucket0;
	if (slot >= 0 && slot < SK_RATE_BUCKETS && r->counts[slot] < UINT32_MAX)
		r->counts[slot]++;
	uint64_t total = 0;
	for (int k = 0; k < SK_RATE_BUCKETS; k++)
		total += r->counts[k];
	pthread_mutex_unlock(&t->lock);
	return total;
}

static inline int eval_stmt(ev *e, const sk_stmt *s);

static int eval_rate(ev *e, const sk_stmt *s)
{
	if (e->head_only) {
		e->need_body = true;
		return -1;
	}
	if (s->scope_down) {
		size_t mark = e->nhits;
		int r = eval_stmt(e, s->scope_down);
		e->nhits = mark;
		if (r <= 0)
			return r;
	}
	uint64_t key = rate_key(e, s);
	if (!key)
		return 0;
	uint64_t n = rate_count(&e->p->rates[s->rate_slot], s->window_sec, key, e->now);
	if (n <= s->limit)
		return 0;
	const char *why =
	    sk_arena_printf(e->a, "%llu requests in %d s, over the limit of %llu",
	                    (unsigned long long)n, s->window_sec, (unsigned long long)s->limit);
	return why ? push_hit(e, s, SK_STR_NULL, SK_STR_NULL, 0, 0, why) : -1;
}

static int eval_any_stmt(ev *e, const sk_stmt *s)
{
	size_t mark = e->nhits;
	int r;
	switch (s->type) {
	case SK_ST_BYTE_MATCH:
	case SK_ST_REGEX_MATCH:
	case SK_ST_REGEX_SET:
	case SK_ST_SQLI:
	case SK_ST_XSS:
	case SK_ST_SIZE:
	case SK_ST_DETECTOR: return eval_field_stmt(e, s);
	case SK_ST_IP_SET:
		return eval_addr_stmt(e, s, in_set, s->ip_set, "client address is in the IP set");
	case SK_ST_GEO: return eval_addr_stmt(e, s, in_countries, s, "country matches");
	case SK_ST_LABEL:
		for (size_t i = 0; i < e->nlabels; i++)
			if (label_matches(e->labels[i], s)) {
				const char *why =
				    sk_arena_printf(e->a, "has label %s", e->labels[i]);
				return why ? push_hit(e, s, SK_STR_NULL, SK_STR_NULL, 0, 0, why)
				           : -1;
			}
		return 0;
	case SK_ST_AND:
		for (size_t i = 0; i < s->nkids; i++)
			if ((r = eval_stmt(e, s->kids[i])) <= 0) {
				e->nhits = mark;
				return r;
			}
		return 1;
	case SK_ST_OR:
		for (size_t i = 0; i < s->nkids; i++)
			if ((r = eval_stmt(e, s->kids[i])) != 0)
				return r;
		return 0;
	case SK_ST_NOT:
		r = eval_stmt(e, s->kids[0]);
		e->nhits = mark; /* what did not match explains nothing */
		if (r < 0)
			return r;
		if (r)
			return 0;
		return push_hit(e, s, SK_STR_NULL, SK_STR_NULL, 0, 0,
		                "the negated statement did not match");
	case SK_ST_RATE: return eval_rate(e, s);
	case SK_ST_MANAGED_GROUP:
	case SK_ST_GROUP_REF: return 0; /* handled at rule level */
	}
	return 0;
}

/* Evaluates s: 1 match, 0 no match, -1 error. A field statement whose
 * field an earlier statement found without values (a GET's body, a header
 * whose values are all known clean) answers no here, without the call:
 * many rules read such fields. */
static inline int eval_stmt(ev *e, const sk_stmt *s)
{
	if (s->field && e->fs[s->field->slot].done && no_value_to_judge(&e->fs[s->field->slot], s))
		return 0;
	return eval_any_stmt(e, s);
}

/* ---- rules ---- */

static int add_label(ev *e, const char *ns, const char *name)
{
	char *l = sk_arena_printf(e->a, "%s%s", ns, name);
	if (!l)
		return -1;
	for (size_t i = 0; i < e->nlabels; i++)
		if (strcmp(e->labels[i], l) == 0)
			return 0;
	GROW(e, e->labels, e->nlabels, e->labels_cap);
	e->labels[e->nlabels++] = l;
	return 0;
}

static int insert_headers(ev *e, const sk_action *a)
{
	for (size_t i = 0; i < a->ninsert_headers; i++) {
		GROW(e, e->ins, e->nins, e->ins_cap);
		e->ins[e->nins].name =
		    sk_arena_printf(e->a, "x-amzn-waf-%s", a->insert_headers[i].name);
		e->ins[e->nins].value = a->insert_headers[i].value;
		if (!e->ins[e->nins].name)
			return -1;
		e->nins++;
	}
	return 0;
}

static int record(ev *e, const sk_rule *rule, const sk_rule *grule, const sk_group *g,
                  sk_action_type act, sk_action_type own, size_t mark, bool terminating)
{
	GROW(e, e->matches, e->nmatches, e->matches_cap);
	sk_rule_match *m = &e->matches[e->nmatches++];
	m->rule = rule;
	m->group_rule = grule;
	m->group = g;
	m->action = act;
	m->rule_action = own;
	m->overridden = act != own;
	m->terminating = terminating;
	m->nhits = e->nhits - mark;
	m->hits = m->nhits
	              ? (sk_hit *)sk_arena_dup(e->a, e->hits + mark, m->nhits * sizeof *m->hits)
	              : NULL;
	if (m->nhits && !m->hits)
		return -1;
	e->nhits = mark;
	return 0;
}

static bool terminates(sk_action_type t)
{
	return t != SK_ACT_COUNT;
}

static void finish(ev *e, const sk_action *a, const sk_group *g)
{
	sk_verdict *v = e->v;
	v->act = a;
	v->act_group = g;
	v->action = a->type;
	v->terminating = (int)e->nmatches - 1;
	v->status = a->type == SK_ACT_ALLOW ? 200 : a->response_code ? a->response_code : 403;
}

static sk_action_type effective(const ev *e, sk_action_type t)
{
	if (e->p->opt.count_only && t != SK_ACT_ALLOW && t != SK_ACT_COUNT)
		return SK_ACT_COUNT;
	return t;
}

/* Returns 1 when the web ACL is done (a terminating action), 0 to go on. */
static int eval_group_rule(ev *e, const sk_rule *rule)
{
	const sk_stmt *gs = rule->stmt;
	const sk_group *g = gs->group;
	if (gs->scope_down) {
		e->ctx = e->p->acl->label_ns;
		size_t mark = e->nhits;
		int r = eval_stmt(e, gs->scope_down);
		e->nhits = mark;
		if (r <= 0)
			return r;
	}
	for (size_t i = 0; i < g->nrules; i++) {
		const sk_rule *gr = &g->rules[i];
		size_t mark = e->nhits;
		e->ctx = g->label_ns;
		int r = eval_stmt(e, gr->stmt);
		if (r < 0)
			return r;
		if (!r)
			continue;
		for (size_t k = 0; k < gr->nlabels; k++)
			if (add_label(e, g->label_ns, gr->labels[k]))
				return -1;
		const sk_action *act = &gr->action;
		bool excluded = false;
		for (size_t k = 0; k < gs->noverrides; k++)
			if (strcmp(gs->overrides[k].rule, gr->name) == 0) {
				if (gs->overrides[k].action)
					act = gs->overrides[k].action;
				else
					excluded = true;
			}
		sk_action_type t = excluded ? SK_ACT_COUNT : effective(e, act->type);
		if (!terminates(t)) {
			if (insert_headers(e, act) ||
			    record(e, rule, gr, g, t, gr->action.type, mark, false))
				return -1;
			continue;
		}
		if (rule->override_count) {
			/* The group's verdict is counted; the web ACL goes on. */
			if (record(e, rule, gr, g, SK_ACT_COUNT, act->type, mark, false))
				return -1;
			return 0;
		}
		if (record(e, rule, gr, g, t, gr->action.type, mark, true))
			return -1;
		if (t == SK_ACT_ALLOW && insert_headers(e, act))
			return -1;
		/* An override's action comes from the web ACL (its response
		 * body key names one of the web ACL's bodies). */
		finish(e, act, act == &gr->action ? g : NULL);
		return 1;
	}
	return 0;
}

static int eval_rules(ev *e)
{
	const sk_acl *acl = e->p->acl;
	for (size_t i = 0; i < acl->nrules; i++) {
		const sk_rule *rule = &acl->rules[i];
		int r;
		if (!rule->has_action) {
			if ((r = eval_group_rule(e, rule)) != 0)
				return r;
			continue;
		}
		size_t mark = e->nhits;
		e->ctx = acl->label_ns;
		if ((r = eval_stmt(e, rule->stmt)) < 0)
			return r;
		if (!r)
			continue;
		for (size_t k = 0; k < rule->nlabels; k++)
			if (add_label(e, acl->label_ns, rule->labels[k]))
				return -1;
		sk_action_type t = effective(e, rule->action.type);
		bool term = terminates(t);
		if (record(e, rule, NULL, NULL, t, rule->action.type, mark, term))
			return -1;
		if (t == SK_ACT_ALLOW || t == SK_ACT_COUNT)
			if (insert_headers(e, &rule->action))
				return -1;
		if (term) {
			finish(e, &rule->action, NULL);
			return 1;
		}
	}
	return 0;
}

static sk_status evaluate(const sk_program *p, sk_scratch *s, sk_request *req, int64_t now_ms,
                          sk_verdict *out, sk_error *err, bool head_only)
{
	memset(out, 0, sizeof *out);
	ev e = {.p = p,
	        .s = s,
	        .req = req,
	        .a = req->arena,
	        .now = now_ms,
	        .err = err,
	        .v = out,
	        .head_only = head_only};
	s->epoch++; /* forgets the previous evaluation's detector verdicts */
	e.fs = sk_arena_calloc(e.a, (p->nfields ? p->nfields : 1) * sizeof *e.fs);
	/* Only done needs clearing: lane() sets the rest when it fills a lane
	 * (a few thousand bytes of lanes, zeroed on every request, add up). */
	e.ls = sk_arena_alloc(e.a, (p->nlanes ? p->nlanes : 1) * sizeof *e.ls);
	if (!e.fs || !e.ls)
		return sk_fail(err, SK_E_NOMEM, "out of memory for this request");
	for (size_t i = 0; i < p->nlanes; i++)
		e.ls[i].done = false;
	out->terminating = -1;
	int r = eval_rules(&e);
	known_store(&e);
	if (r < 0 && e.need_body)
		return SK_AGAIN;
	if (r < 0)
		return sk_fail(err, SK_E_NOMEM, "out of memory while inspecting this request");
	if (r == 0) {
		const sk_action *d = &p->acl->default_action;
		out->act = d;
		out->action = p->opt.count_only ? SK_ACT_ALLOW : d->type;
		out->status = out->action == SK_ACT_ALLOW ? 200
		              : d->response_code          ? d->response_code
		                                          : 403;
		if (out->action == SK_ACT_ALLOW && insert_headers(&e, d))
			return sk_fail(err, SK_E_NOMEM, "out of memory");
	}
	if (out->action == SK_ACT_CAPTCHA || out->action == SK_ACT_CHALLENGE)
		out->status = 403; /* no puzzle yet: answered like Block (docs/rules.md) */
	out->matches = e.matches;
	out->nmatches = e.nmatches;
	out->labels = e.labels;
	out->nlabels = e.nlabels;
	out->inserted = e.ins;
	out->ninserted = e.nins;
	uint8_t ip[16];
	out->country = client_ip(&e, ip) ? country_of(&e, ip) : "--";
	return SK_OK;
}

sk_status sk_evaluate(const sk_program *p, sk_scratch *s, sk_request *req, int64_t now_ms,
                      sk_verdict *out, sk_error *err)
{
	return evaluate(p, s, req, now_ms, out, err, false);
}

sk_status sk_evaluate_head(const sk_program *p, sk_scratch *s, sk_request *req, int64_t now_ms,
                           sk_verdict *out, sk_error *err)
{
	return evaluate(p, s, req, now_ms, out, err, true);
}
