/* Compiles an sk_acl into lanes: see engine.h. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "waf/loader.h"
#include "waf/program.h"
#include "waf/regex_check.h"

typedef struct builder {
	sk_program *p;
	sk_error *err;
	size_t lanes_cap, fields_cap;
	/* Per lane, the expressions for Hyperscan, by pattern id. */
	char ***exprs;
	unsigned **flags;
} builder;

static sk_status nomem(builder *b)
{
	return sk_fail(b->err, SK_E_NOMEM, "out of memory while compiling the web ACL");
}

static int field_slot(builder *b, sk_field *f)
{
	sk_program *p = b->p;
	for (size_t i = 0; i < p->nfields; i++)
		if (strcmp(p->fields[i]->key, f->key) == 0)
			return f->slot = (int)i;
	if (p->nfields == b->fields_cap) {
		size_t nc = b->fields_cap ? b->fields_cap * 2 : 16;
		const sk_field **nf = realloc(p->fields, nc * sizeof *nf);
		if (!nf)
			return -1;
		p->fields = nf;
		b->fields_cap = nc;
	}
	p->fields[p->nfields] = f;
	return f->slot = (int)p->nfields++;
}

static int lane_of(builder *b, const sk_field *f, const sk_chain *c)
{
	sk_program *p = b->p;
	for (size_t i = 0; i < p->nlanes; i++) {
		sk_lane *l = &p->lanes[i];
		if (l->field->slot == f->slot && l->chain.n == c->n &&
		    memcmp(l->chain.tx, c->tx, c->n) == 0)
			return (int)i;
	}
	if (p->nlanes == b->lanes_cap) {
		size_t nc = b->lanes_cap ? b->lanes_cap * 2 : 16;
		sk_lane *nl = realloc(p->lanes, nc * sizeof *nl);
		char ***ne = realloc(b->exprs, nc * sizeof *ne);
		if (ne)
			b->exprs = ne;
		unsigned **nfl = ne ? realloc(b->flags, nc * sizeof *nfl) : NULL;
		if (nfl)
			b->flags = nfl;
		if (nl)
			p->lanes = nl;
		if (!nl || !ne || !nfl)
			return -1;
		b->lanes_cap = nc;
	}
	memset(&p->lanes[p->nlanes], 0, sizeof p->lanes[0]);
	p->lanes[p->nlanes].field = f;
	p->lanes[p->nlanes].chain = *c;
	p->lanes[p->nlanes].parent = -1;
	b->exprs[p->nlanes] = NULL;
	b->flags[p->nlanes] = NULL;
	return (int)p->nlanes++;
}

/* A ByteMatch as a regex over bytes: every byte escaped, anchored as its
 * positional constraint says. */
static char *byte_regex(const sk_stmt *s)
{
	size_t n = s->search_n * 4 + 64;
	char *r = malloc(n), *o = r;
	if (!r)
		return NULL;
	static const char *const pre[] = {"^", "^", "", "", "(?:^|[^A-Za-z0-9_])"};
	static const char *const post[] = {"\\z", "", "\\z", "", "(?:[^A-Za-z0-9_]|\\z)"};
	o += sprintf(o, "%s", pre[s->position]);
	for (size_t i = 0; i < s->search_n; i++)
		o += sprintf(o, "\\x%02x", s->search[i]);
	sprintf(o, "%s", post[s->position]);
	return r;
}

static sk_status add_pattern(builder *b, sk_lane *l, int lane, const sk_stmt *s, char *owned,
                             const char *re)
{
	int id = l->npat;
	int nc = id + 1;
	const sk_stmt **ps = realloc(l->pat_stmt, (size_t)nc * sizeof *ps);
	if (ps)
		l->pat_stmt = ps;
	pcre2_code **pc = ps ? realloc(l->pcre, (size_t)nc * sizeof *pc) : NULL;
	if (pc)
		l->pcre = pc;
	bool *op = pc ? realloc(l->on_pcre, (size_t)nc * sizeof *op) : NULL;
	if (op)
		l->on_pcre = op;
	char **ex = op ? realloc(b->exprs[lane], (size_t)nc * sizeof *ex) : NULL;
	if (ex)
		b->exprs[lane] = ex;
	unsigned *fl = ex ? realloc(b->flags[lane], (size_t)nc * sizeof *fl) : NULL;
	if (fl)
		b->flags[lane] = fl;
	if (!fl)
		return nomem(b);
	l->pat_stmt[id] = s;
	l->pcre[id] = NULL;
	l->on_pcre[id] = false;
	bool is_regex = owned == NULL;
	b->exprs[lane][id] = owned ? owned : strdup(re);
	b->flags[lane][id] = HS_FLAG_SINGLEMATCH | (is_regex ? HS_FLAG_ALLOWEMPTY : 0);
	if (!b->exprs[lane][id])
		return nomem(b);
	if (is_regex) {
		int code;
		PCRE2_SIZE off;
		l->pcre[id] =
		    pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
		if (!l->pcre[id])
			return sk_fail(b->err, SK_E_INVALID, "%s: invalid regular expression",
			               s->path);
	}
	l->npat = nc;
	return SK_OK;
}

static sk_status walk_stmt(builder *b, sk_stmt *s);

static sk_status walk_group(builder *b, sk_group *g)
{
	for (size_t i = 0; i < g->nrules; i++) {
		sk_status st = walk_stmt(b, g->rules[i].stmt);
		if (st)
			return st;
	}
	return SK_OK;
}

static sk_status walk_stmt(builder *b, sk_stmt *s)
{
	sk_status st = SK_OK;
	if (s->field) {
		if (s->lane >= 0) /* a group used by two rules: compiled once */
			return SK_OK;
		if (field_slot(b, s->field) < 0 || (s->lane = lane_of(b, s->field, &s->chain)) < 0)
			return nomem(b);
		sk_lane *l = &b->p->lanes[s->lane];
		s->pat_base = l->npat;
		if (s->type == SK_ST_BYTE_MATCH) {
			char *re = byte_regex(s);
			if (!re)
				return nomem(b);
			st = add_pattern(b, l, s->lane, s, re, NULL);
			if (st)
				free(re);
		} else if (s->type == SK_ST_REGEX_MATCH) {
			st = add_pattern(b, l, s->lane, s, NULL, s->regex);
		} else if (s->type == SK_ST_REGEX_SET) {
			for (size_t i = 0; i < s->regex_set->n && !st; i++)
				st = add_pattern(b, l, s->lane, s, NULL, s->regex_set->regexes[i]);
		}
		s->pat_n = l->npat - s->pat_base;
		return st;
	}
	for (size_t i = 0; i < s->nkids && !st; i++)
		st = walk_stmt(b, s->kids[i]);
	if (!st && s->scope_down)
		st = walk_stmt(b, s->scope_down);
	if (!st && s->type == SK_ST_RATE && s->rate_slot < 0)
		s->rate_slot = (int)b->p->nrates++;
	if (!st && s->group)
		st = walk_group(b, s->group);
	return st;
}

/* The next judge bit of a field slot, -1 past SK_KNOWN_BITS. */
static int next_bit(int *nbits, int slot)
{
	return nbits[slot] < SK_KNOWN_BITS ? nbits[slot]++ : -1;
}

/* Gives the detectors and SizeConstraints of field statements their judge
 * bits (known.h): one per lane and detector at a level, one per lane and
 * size test. A group used by two rules is seen twice: the second finds its
 * judges there already. A field statement of another kind than those and
 * the pattern ones (none is, today) marks its slot in lost: its values are
 * then never left out. */
static sk_status known_stmt(sk_program *p, const sk_stmt *s, int *nbits, bool *lost)
{
	if (s->field) {
		sk_lane *l = &p->lanes[s->lane];
		int slot = l->field->slot;
		if (s->type == SK_ST_BYTE_MATCH || s->type == SK_ST_REGEX_MATCH ||
		    s->type == SK_ST_REGEX_SET)
			return SK_OK; /* the lane's scan: its bit is the lane's */
		if (s->type != SK_ST_SIZE && !s->detector) {
			lost[slot] = true;
			return SK_OK;
		}
		sk_known_judge j = {.d = s->detector, .level = s->sensitivity};
		if (!j.d) {
			j.level = 0;
			j.cmp = s->cmp;
			j.size = s->size;
		}
		for (int i = 0; i < l->njudges; i++) {
			const sk_known_judge *o = &l->judges[i];
			if (o->d == j.d && o->level == j.level && o->cmp == j.cmp &&
			    o->size == j.size)
				return SK_OK;
		}
		sk_known_judge *nj = realloc(l->judges, (size_t)(l->njudges + 1) * sizeof *nj);
		if (!nj)
			return SK_E_NOMEM;
		l->judges = nj;
		j.bit = next_bit(nbits, slot);
		nj[l->njudges++] = j;
		return SK_OK;
	}
	sk_status st = SK_OK;
	for (size_t i = 0; i < s->nkids && !st; i++)
		st = known_stmt(p, s->kids[i], nbits, lost);
	if (!st && s->scope_down)
		st = known_stmt(p, s->scope_down, nbits, lost);
	for (size_t i = 0; !st && s->group && i < s->group->nrules; i++)
		st = known_stmt(p, s->group->rules[i].stmt, nbits, lost);
	return st;
}

/* Sets the judge bits of every lane and each field slot's need and lanes
 * (program.h). */
static sk_status assign_known(builder *b)
{
	sk_program *p = b->p;
	size_t nf = p->nfields + 1;
	int *nbits = calloc(nf, sizeof *nbits);
	bool *lost = calloc(nf, sizeof *lost);
	p->slot_need = calloc(nf, sizeof *p->slot_need);
	p->slot_lanes = calloc(nf, sizeof *p->slot_lanes);
	p->slot_nlanes = calloc(nf, sizeof *p->slot_nlanes);
	sk_status st =
	    nbits && lost && p->slot_need && p->slot_lanes && p->slot_nlanes ? SK_OK : SK_E_NOMEM;
	for (size_t i = 0; !st && i < p->nlanes; i++) {
		sk_lane *l = &p->lanes[i];
		l->known_bit = l->npat ? next_bit(nbits, l->field->slot) : -1;
	}
	for (size_t i = 0; !st && i < p->acl->nrules; i++)
		st = known_stmt(p, p->acl->rules[i].stmt, nbits, lost);
	for (size_t i = 0; !st && i < p->nlanes; i++) {
		sk_lane *l = &p->lanes[i];
		int slot = l->field->slot;
		int *nl =
		    realloc(p->slot_lanes[slot], (size_t)(p->slot_nlanes[slot] + 1) * sizeof *nl);
		if (!nl) {
			st = SK_E_NOMEM;
			break;
		}
		p->slot_lanes[slot] = nl;
		nl[p->slot_nlanes[slot]++] = (int)i;
		/* a judge without a bit: no value of the field is ever known
		 * clean to all its judges */
		if (l->npat && l->known_bit < 0)
			lost[slot] = true;
		if (l->known_bit >= 0)
			p->slot_need[slot] |= 1ull << l->known_bit;
		for (int k = 0; k < l->njudges; k++)
			if (l->judges[k].bit < 0)
				lost[slot] = true;
			else
				p->slot_need[slot] |= 1ull << l->judges[k].bit;
	}
	for (size_t i = 0; !st && i < p->nfields; i++)
		if (lost[i])
			p->slot_need[i] = 0;
	free(nbits);
	free(lost);
	return st ? nomem(b) : SK_OK;
}

/* Builds one lane's database. Patterns Hyperscan refuses move to PCRE2
 * one by one: the compile error names the expression. */
static sk_status build_lane(builder *b, int lane)
{
	sk_lane *l = &b->p->lanes[lane];
	if (l->npat == 0)
		return SK_OK;
	char **ex = b->exprs[lane];
	unsigned *fl = b->flags[lane];
	const char **use = malloc((size_t)l->npat * sizeof *use);
	unsigned *ufl = malloc((size_t)l->npat * sizeof *ufl);
	unsigned *ids = malloc((size_t)l->npat * sizeof *ids);
	sk_status st = SK_OK;
	if (!use || !ufl || !ids) {
		st = nomem(b);
		goto out;
	}
	/* a regex library that misses matches is not used at all */
	bool hs_ok = sk_regex_lib_sound();
	for (int i = 0; i < l->npat; i++) {
		hs_expr_info_t *info = NULL;
		hs_compile_error_t *ce = NULL;
		if (!hs_ok) {
			l->on_pcre[i] = true;
		} else if (hs_expression_info(ex[i], fl[i], &info, &ce) != HS_SUCCESS) {
			hs_free_compile_error(ce);
			l->on_pcre[i] = true;
		}
		free(info);
	}
	for (;;) {
		unsigned n = 0;
		for (int i = 0; i < l->npat; i++)
			if (!l->on_pcre[i]) {
				use[n] = ex[i];
				ufl[n] = fl[i];
				ids[n] = (unsigned)i;
				n++;
			}
		if (n == 0)
			break;
		hs_compile_error_t *ce = NULL;
		if (hs_compile_multi(use, ufl, ids, n, HS_MODE_BLOCK, NULL, &l->db, &ce) ==
		    HS_SUCCESS)
			break;
		int bad = ce ? ce->expression : -1;
		hs_free_compile_error(ce);
		if (bad < 0 || (unsigned)bad >= n) {
			st = sk_fail(b->err, SK_E_INTERNAL,
			             "Hyperscan could not compile a lane of %u patterns", n);
			goto out;
		}
		l->on_pcre[ids[bad]] = true;
	}
	for (int i = 0; i < l->npat; i++) {
		if (!l->on_pcre[i])
			continue;
		if (!l->pcre[i]) {
			/* A ByteMatch Hyperscan refused: run its regex form on PCRE2. */
			int code;
			PCRE2_SIZE off;
			l->pcre[i] = pcre2_compile((PCRE2_SPTR)ex[i], PCRE2_ZERO_TERMINATED, 0,
			                           &code, &off, NULL);
			if (!l->pcre[i]) {
				st = sk_fail(b->err, SK_E_INTERNAL, "%s: cannot compile",
				             l->pat_stmt[i]->path);
				goto out;
			}
		}
		/* Falls back to the interpreter when JIT is unavailable. */
		pcre2_jit_compile(l->pcre[i], PCRE2_JIT_COMPLETE);
		int *np = realloc(l->pcre_ids, (size_t)(l->npcre + 1) * sizeof *np);
		if (!np) {
			st = nomem(b);
			goto out;
		}
		l->pcre_ids = np;
		l->pcre_ids[l->npcre++] = i;
	}
	b->p->pcre_patterns += (size_t)l->npcre;
	b->p->hs_patterns += (size_t)(l->npat - l->npcre);
out:
	free(use);
	free(ufl);
	free(ids);
	return st;
}

static bool same_last_tx(const sk_lane *a, const sk_lane *b)
{
	return a->chain.n && b->chain.n &&
	       a->chain.tx[a->chain.n - 1] == b->chain.tx[b->chain.n - 1];
}

/* The other URL decoding of t (URL_DECODE_UNI for URL_DECODE and the
 * reverse); -1 for any other transformation. */
static int other_url_decode(int t)
{
	return t == SK_TX_URL_DECODE       ? SK_TX_URL_DECODE_UNI
	       : t == SK_TX_URL_DECODE_UNI ? SK_TX_URL_DECODE
	                                   : -1;
}

static bool uni_sibling(const sk_lane *a, const sk_lane *b)
{
	return a->chain.n && b->chain.n &&
	       other_url_decode(a->chain.tx[a->chain.n - 1]) == b->chain.tx[b->chain.n - 1];
}

/* Fills the lane's tx_twins, its twins then its URL decoding siblings
 * (see program.h). */
static sk_status find_twins(builder *b, int lane)
{
	sk_program *p = b->p;
	sk_lane *l = &p->lanes[lane];
	l->tx_twins = malloc(p->nlanes * sizeof *l->tx_twins);
	if (!l->tx_twins)
		return nomem(b);
	for (size_t i = 0; i < p->nlanes; i++) {
		const sk_lane *o = &p->lanes[i];
		if ((int)i != lane && o->field->slot == l->field->slot && same_last_tx(l, o))
			l->tx_twins[l->ntx_twins++] = (int)i;
	}
	for (size_t i = 0; i < p->nlanes; i++) {
		const sk_lane *o = &p->lanes[i];
		if (o->field->slot == l->field->slot && uni_sibling(l, o))
			l->tx_twins[l->ntx_twins + l->nuni_twins++] = (int)i;
	}
	return SK_OK;
}

/* Sets lane l's literal and anchored (program.h). */
static void mark_literal(sk_lane *l)
{
	l->literal = l->npat > 0 && l->npat <= SK_LITERAL_MAX && l->npcre == 0;
	l->anchored = l->literal;
	for (int i = 0; i < l->npat && l->literal; i++) {
		const sk_stmt *s = l->pat_stmt[i];
		if (s->type != SK_ST_BYTE_MATCH || s->search_n == 0)
			l->literal = l->anchored = false;
		else if (s->position == SK_POS_CONTAINS || s->position == SK_POS_CONTAINS_WORD)
			l->anchored = false;
	}
}

static void free_builder(builder *b)
{
	for (size_t i = 0; i < b->p->nlanes; i++) {
		for (int j = 0; b->exprs[i] && j < b->p->lanes[i].npat; j++)
			free(b->exprs[i][j]);
		free(b->exprs[i]);
		free(b->flags[i]);
	}
	free(b->exprs);
	free(b->flags);
}

sk_status sk_program_compile(sk_acl *acl, const sk_engine_options *opt, sk_program **out,
                             sk_error *err)
{
	*out = NULL;
	sk_program *p = calloc(1, sizeof *p);
	if (!p) {
		sk_acl_free(acl);
		return sk_fail(err, SK_E_NOMEM, "out of memory");
	}
	p->acl = acl;
	if (opt)
		p->opt = *opt;
	/* A number no other program of this process gets, unlike its address,
	 * which a later program may reuse. */
	static atomic_uint_fast64_t serials;
	p->serial = atomic_fetch_add(&serials, 1) + 1;
	builder b = {.p = p, .err = err};
	sk_status st = SK_OK;
	for (size_t i = 0; i < acl->nrules && !st; i++)
		st = walk_stmt(&b, acl->rules[i].stmt);
	/* Every lane gets a parent lane for its chain's prefix (created if no
	 * statement uses it), so a prefix is transformed once per request. */
	for (size_t i = 0; i < p->nlanes && !st; i++) {
		sk_chain prefix = p->lanes[i].chain;
		if (prefix.n < 2)
			continue;
		prefix.n--;
		const sk_field *f = p->lanes[i].field;
		int parent = lane_of(&b, f, &prefix);
		if (parent < 0)
			st = nomem(&b);
		else
			p->lanes[i].parent = parent;
	}
	for (size_t i = 0; i < p->nlanes && !st; i++)
		st = find_twins(&b, (int)i);
	for (size_t i = 0; i < p->nlanes && !st; i++)
		st = build_lane(&b, (int)i);
	for (size_t i = 0; i < p->nlanes; i++)
		mark_literal(&p->lanes[i]);
	if (!st)
		st = assign_known(&b);
	free_builder(&b);
	if (!st && p->nrates) {
		p->rates = calloc(p->nrates, sizeof *p->rates);
		if (!p->rates)
			st = sk_fail(err, SK_E_NOMEM, "out of memory");
		for (size_t i = 0; !st && i < p->nrates; i++)
			pthread_mutex_init(&p->rates[i].lock, NULL);
	}
	if (!st && p->opt.geoip_db) {
		p->mmdb = calloc(1, sizeof *p->mmdb);
		int rc = p->mmdb ? MMDB_open(p->opt.geoip_db, MMDB_MODE_MMAP, p->mmdb)
		                 : MMDB_OUT_OF_MEMORY_ERROR;
		if (rc != MMDB_SUCCESS) {
			st = sk_fail(err, SK_E_IO, "%s: cannot open the country database: %s",
			             p->opt.geoip_db, MMDB_strerror(rc));
			free(p->mmdb);
			p->mmdb = NULL;
		}
	}
	if (st) {
		sk_program_free(p);
		return st;
	}
	*out = p;
	return SK_OK;
}

void sk_program_free(sk_program *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nlanes; i++) {
		sk_lane *l = &p->lanes[i];
		for (int j = 0; j < l->npat; j++)
			pcre2_code_free(l->pcre[j]);
		free(l->pcre);
		free(l->pat_stmt);
		free(l->on_pcre);
		free(l->pcre_ids);
		hs_free_database(l->db);
		free(l->tx_twins);
		free(l->judges);
	}
	free(p->lanes);
	for (size_t i = 0; p->slot_lanes && i < p->nfields; i++)
		free(p->slot_lanes[i]);
	free(p->slot_lanes);
	free(p->slot_nlanes);
	free(p->slot_need);
	free(p->fields);
	for (size_t i = 0; p->rates && i < p->nrates; i++) {
		pthread_mutex_destroy(&p->rates[i].lock);
		free(p->rates[i].slots);
	}
	free(p->rates);
	if (p->mmdb) {
		MMDB_close(p->mmdb);
		free(p->mmdb);
	}
	sk_acl_free(p->acl);
	free(p);
}

const sk_acl *sk_program_acl(const sk_program *p)
{
	return p->acl;
}

void sk_program_stats(const sk_program *p, size_t *lanes, size_t *hs, size_t *pcre)
{
	*lanes = p->nlanes;
	*hs = p->hs_patterns;
	*pcre = p->pcre_patterns;
}

sk_status sk_scratch_create(const sk_program *p, sk_scratch **out)
{
	sk_scratch *s = calloc(1, sizeof *s);
	if (!s)
		return SK_E_NOMEM;
	s->memo = calloc(SK_DET_MEMO_SLOTS, sizeof *s->memo);
	s->prog_serial = p->serial;
	if (!s->memo)
		goto fail;
	if (sk_known_init(&s->known))
		goto fail;
	for (size_t i = 0; i < p->nlanes; i++)
		if (p->lanes[i].db && hs_alloc_scratch(p->lanes[i].db, &s->hs) != HS_SUCCESS)
			goto fail;
	s->md = pcre2_match_data_create(1, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	s->jit = pcre2_jit_stack_create(32 << 10, 1 << 20, NULL);
	if (!s->md || !s->mctx || !s->jit)
		goto fail;
	/* Bounds backtracking on hostile input for interpreted patterns. */
	pcre2_set_match_limit(s->mctx, 1000000);
	pcre2_set_depth_limit(s->mctx, 10000);
	pcre2_jit_stack_assign(s->mctx, NULL, s->jit);
	*out = s;
	return SK_OK;
fail:
	sk_scratch_free(s);
	return SK_E_NOMEM;
}

void sk_scratch_free(sk_scratch *s)
{
	if (!s)
		return;
	free(s->memo);
	sk_known_free(&s->known);
	hs_free_scratch(s->hs);
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	pcre2_jit_stack_free(s->jit);
	free(s);
}
