/* Engine benchmark: requests per second per core and ns per request for a
 * web ACL over a JSON-lines corpus, plus load time and memory.
 *
 * Each corpus line is turned once into a raw HTTP/1.1 message; the timed
 * loop then does what the gateway does per request: parse the message with
 * the strict parser and evaluate it, in an arena reset per request.
 *
 * usage: bench_engine ACL RESOURCES_DIR|- CORPUS.jsonl [SECONDS | xPASSES]
 * With xPASSES (x3: three passes over the corpus) the work is fixed, for
 * comparing instruction counts (perf stat -e instructions) between builds.
 * Every pass starts from a new scratch: the engine's per-thread tables of
 * short values found clean are empty again, as for traffic never seen. */
#include <hs/hs.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/lines.h"
#include "http/request.h"
#include "common.h"
#include "waf/engine.h"
#include "waf/loader.h"
#include "waf/program.h"

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s ACL RESOURCES_DIR|- CORPUS.jsonl [SECONDS]\n", argv[0]);
		return 2;
	}
	double secs = 5;
	long passes = 0;
	if (argc > 4 && argv[4][0] == 'x')
		passes = atol(argv[4] + 1);
	else if (argc > 4)
		secs = atof(argv[4]);
	sk_error err = {0};
	struct mallinfo2 m0 = mallinfo2();
	double t0 = bench_now();
	sk_load_options lo = {.resources_dir = strcmp(argv[2], "-") ? argv[2] : NULL};
	sk_acl *acl;
	sk_program *p;
	sk_scratch *s;
	if (sk_acl_load_file(argv[1], &lo, &acl, NULL, &err) ||
	    sk_program_compile(acl, NULL, &p, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	double t_load = bench_now() - t0;
	if (sk_scratch_create(p, &s))
		return 2;
	struct mallinfo2 m1 = mallinfo2();
	size_t hs_bytes = 0, scratch_bytes = 0;
	for (size_t i = 0; i < p->nlanes; i++) {
		size_t n = 0;
		if (p->lanes[i].db && hs_database_size(p->lanes[i].db, &n) == HS_SUCCESS)
			hs_bytes += n;
	}
	if (s->hs)
		hs_scratch_size(s->hs, &scratch_bytes);

	/* Corpus to raw messages. */
	FILE *f = fopen(argv[3], "rb");
	if (!f) {
		perror(argv[3]);
		return 2;
	}
	sk_lines lr;
	sk_lines_init(&lr, f, 64 << 20);
	sk_buf *msgs = NULL;
	size_t nmsgs = 0;
	sk_arena *a = sk_arena_create(64 << 10, 0);
	sk_str line;
	sk_status st;
	while ((st = sk_lines_next(&lr, &line)) != SK_AGAIN) {
		if (st)
			continue;
		sk_arena_reset(a);
		sk_request r;
		sk_request_init(&r, a);
		if (sk_request_from_json((const char *)line.p, line.n, &r, &err))
			continue;
		msgs = realloc(msgs, (nmsgs + 1) * sizeof *msgs);
		sk_buf_init(&msgs[nmsgs], 64 << 20);
		if (bench_to_http(&r, &msgs[nmsgs]) == 0)
			nmsgs++;
	}
	sk_lines_free(&lr);
	fclose(f);
	if (!nmsgs) {
		fprintf(stderr, "no requests in %s\n", argv[3]);
		return 2;
	}

	/* Timed loop: parse + evaluate, one arena reset per request. */
	size_t cap = 1 << 22, nlat = 0, blocked = 0, errors = 0;
	uint64_t *lat = malloc(cap * sizeof *lat);
	sk_http_limits lim;
	sk_http_limits_default(&lim);
	double start = bench_now(), end = start + secs;
	size_t done = 0;
	double paused = 0;
	for (long pass = 0; passes ? pass < passes : bench_now() < end + paused; pass++) {
		if (pass > 0) {
			/* A fresh scratch each pass, untimed: its tables of values
			 * found clean start empty, so a pass sees the repetition of
			 * 8,000 distinct requests, not the same ones again. */
			double pause0 = bench_now();
			sk_scratch_free(s);
			if (sk_scratch_create(p, &s)) {
				fprintf(stderr, "bench_engine: cannot create a scratch\n");
				return 1;
			}
			paused += bench_now() - pause0;
		}
		for (size_t i = 0; i < nmsgs; i++) {
			struct timespec a0, a1;
			clock_gettime(CLOCK_MONOTONIC, &a0);
			sk_arena_reset(a);
			sk_request r;
			sk_request_init(&r, a);
			size_t used;
			sk_verdict v;
			if (sk_http_parse_request(msgs[i].p, msgs[i].n, 0, &lim, &r, &used, &err) ||
			    sk_evaluate(p, s, &r, 1700000000000 + (int64_t)done, &v, &err))
				errors++;
			else if (v.action != SK_ACT_ALLOW)
				blocked++;
			clock_gettime(CLOCK_MONOTONIC, &a1);
			if (nlat < cap)
				lat[nlat++] = (uint64_t)((a1.tv_sec - a0.tv_sec) * 1000000000LL +
				                         (a1.tv_nsec - a0.tv_nsec));
			done++;
		}
	}
	double elapsed = bench_now() - start - paused;
	qsort(lat, nlat, sizeof *lat, bench_cmp_u64);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	size_t lanes, hs, pcre;
	sk_program_stats(p, &lanes, &hs, &pcre);
	printf("acl            %s (%zu rules, %zu lanes, %zu Hyperscan + %zu PCRE2 patterns)\n",
	       argv[1], p->acl->nrules, lanes, hs, pcre);
	printf("load+compile   %.1f ms\n", t_load * 1000);
	printf(
	    "requests       %zu distinct, %zu evaluated in %.2f s (%zu not allowed, %zu errors)\n",
	    nmsgs, done, elapsed, blocked / (done / nmsgs ? done / nmsgs : 1), errors);
	printf("throughput     %.0f requests/s on one core\n", (double)done / elapsed);
	printf(
	    "latency        mean %.0f ns, p50 %llu ns, p99 %llu ns, p99.9 %llu ns, max %llu ns\n",
	    elapsed * 1e9 / (double)done, (unsigned long long)lat[nlat / 2],
	    (unsigned long long)lat[nlat * 99 / 100], (unsigned long long)lat[nlat * 999 / 1000],
	    (unsigned long long)lat[nlat - 1]);
	printf("memory         compiled ACL + scratch: %.2f MB heap (Hyperscan databases %.2f MB, "
	       "scratch %.2f MB); peak RSS %.1f MB\n",
	       (double)(m1.uordblks - m0.uordblks + m1.hblkhd - m0.hblkhd) / 1e6,
	       (double)hs_bytes / 1e6, (double)scratch_bytes / 1e6, (double)ru.ru_maxrss / 1024);
	for (size_t i = 0; i < nmsgs; i++)
		sk_buf_free(&msgs[i]);
	free(msgs);
	free(lat);
	sk_arena_destroy(a);
	sk_scratch_free(s);
	sk_program_free(p);
	return 0;
}
