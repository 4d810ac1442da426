/* Debian 12's Vectorscan 5.4.9, on CPUs with AVX-512, misses matches of
 * loops over a class up to a delimiter ("<script[^>]*>" in
 * '<script src="...">', "x[^y]+y" over a long run), depending on where the
 * value lies in memory; the same scans on AVX2 and Intel Hyperscan 5.4.0
 * find them. A WAF that silently misses a regex rule is worse than a slow
 * one, so before a program is compiled these cases are scanned at every
 * offset of a cache line, and a library that misses one is not used. */
#include "waf/regex_check.h"

#include <hs/hs.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct probe {
	const char *pattern;
	const char *head, *tail; /* the text: head, a run of 'a', tail */
	size_t run;
} probe;

static const probe probes[] = {
    {"<script[^>]*>", "<script src=\"", "\">", 60},
    {"ab[^>]*>", "ab s=\"", "\">", 60},
    {"x[^y]+y", "x ", "y", 120},
};
#define NPROBES (sizeof probes / sizeof probes[0])

static bool sound = true;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned fl,
                    void *ctx)
{
	(void)from, (void)to, (void)fl;
	((unsigned *)ctx)[id]++;
	return 0;
}

/* The number of (probe, offset) scans that missed; -1 when the probes
 * could not be compiled or scanned at all (then nothing is known). */
static int count_misses(void)
{
	const char *pats[NPROBES];
	unsigned flags[NPROBES], ids[NPROBES];
	for (unsigned i = 0; i < NPROBES; i++) {
		pats[i] = probes[i].pattern;
		flags[i] = HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY; /* as compile.c */
		ids[i] = i;
	}
	hs_database_t *db = NULL;
	hs_compile_error_t *ce = NULL;
	if (hs_compile_multi(pats, flags, ids, NPROBES, HS_MODE_BLOCK, NULL, &db, &ce) !=
	    HS_SUCCESS) {
		hs_free_compile_error(ce);
		return -1;
	}
	hs_scratch_t *scratch = NULL;
	enum { LINE = 64, ROOM = 256 };
	uint8_t *buf = aligned_alloc(LINE, LINE + ROOM);
	int misses = buf && hs_alloc_scratch(db, &scratch) == HS_SUCCESS ? 0 : -1;
	for (unsigned i = 0; i < NPROBES && misses >= 0; i++) {
		const probe *p = &probes[i];
		size_t hl = strlen(p->head), tl = strlen(p->tail), n = hl + p->run + tl;
		for (unsigned off = 0; off < LINE && n <= ROOM; off++) {
			uint8_t *t = buf + off;
			memcpy(t, p->head, hl);
			memset(t + hl, 'a', p->run);
			memcpy(t + hl + p->run, p->tail, tl);
			unsigned seen[NPROBES] = {0};
			if (hs_scan(db, (const char *)t, (unsigned)n, 0, scratch, on_match, seen) !=
			    HS_SUCCESS) {
				misses = -1;
				break;
			}
			misses += seen[i] == 0;
		}
	}
	free(buf);
	hs_free_scratch(scratch);
	hs_free_database(db);
	return misses;
}

static void check(void)
{
	int misses = count_misses();
	if (misses == 0)
		return;
	sound = false;
	if (misses > 0)
		fprintf(stderr,
		        "sekisho: warning: the regex library (%s) missed %d of %zu test matches "
		        "(a known fault of Vectorscan 5.4.9 on AVX-512 CPUs); every pattern runs "
		        "on PCRE2 instead, slower but exact. Build with Intel Hyperscan "
		        "(libhyperscan-dev) to avoid it.\n",
		        hs_version(), misses, NPROBES * 64);
	else
		fprintf(stderr,
		        "sekisho: warning: the regex library (%s) failed its self-test; "
		        "every pattern runs on PCRE2 instead\n",
		        hs_version());
}

bool sk_regex_lib_sound(void)
{
	pthread_once(&once, check);
	return sound;
}
