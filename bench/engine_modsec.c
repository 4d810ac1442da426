/* Anchor for bench_engine: the same requests through libmodsecurity v3 and
 * the OWASP Core Rule Set, in process, on one core.
 *
 * Each corpus line is turned once into the raw HTTP/1.1 message bench_engine
 * builds (same request line, headers, Host and Content-Length handling, same
 * body) and split into its parts before timing. The timed loop then does what
 * a connector (nginx, Apache) does per request: a new transaction,
 * connection, URI, headers, body, an intervention check after each phase
 * (stopping at the first disruptive one), logging and cleanup. Response
 * phases are not run: bench_engine inspects requests only.
 *
 * Configuration, in this order: the recommended modsecurity.conf; overrides
 * (SecRuleEngine On, request body access on, response body access off, audit
 * log and status engine off); paranoia level 1; crs-setup.conf; the
 * REQUEST-900 exclusion file if present; CRS rules/ *.conf; the RESPONSE-999
 * exclusion file if present. (Debian's owasp-crs.load cannot be used as is:
 * libmodsecurity 3.0 does not know IncludeOptional.)
 *
 * usage: bench_engine_modsec MODSEC_CONF|- CRS_SETUP|- CRS_RULES_DIR|- CORPUS.jsonl
 *                            [SECONDS | xPASSES] [FIRST_N]
 * '-' picks the Debian default (see the defaults below). FIRST_N limits the
 * corpus to its first N requests. BENCH_MODSEC_LOG=1 in the environment
 * prints the rule messages to stderr. Prints the figures bench_engine prints;
 * "not allowed" counts requests with an intervention of status 403. */
#include <malloc.h>
#include <modsecurity/intervention.h>
#include <modsecurity/modsecurity.h>
#include <modsecurity/rules_set.h>
#include <modsecurity/transaction.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "base/lines.h"
#include "common.h"
#include "http/request.h"

/* The recommended modsecurity.conf: libapache2-mod-security2 installs it as
 * modsecurity.conf-recommended, libnginx-mod-http-modsecurity (v3's copy) in
 * its docs. */
static const char *const conf_defaults[] = {
    "/etc/modsecurity/modsecurity.conf-recommended",
    "/usr/share/nginx/docs/modsecurity/modsecurity.conf",
    "/etc/nginx/modsecurity.conf",
    NULL,
};
#define CRS_SETUP_DEFAULT "/etc/modsecurity/crs/crs-setup.conf"
#define CRS_RULES_DEFAULT "/usr/share/modsecurity-crs/rules"

/* When no recommended file is installed: its request-side directives, from
 * ModSecurity v3's modsecurity.conf-recommended. */
static const char recommended_builtin[] =
    "SecRuleEngine DetectionOnly\n"
    "SecRequestBodyAccess On\n"
    "SecRule REQUEST_HEADERS:Content-Type \"^(?:application(?:/soap\\+|/)|text/)xml\" "
    "\"id:'200000',phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML\"\n"
    "SecRule REQUEST_HEADERS:Content-Type \"^application/json\" "
    "\"id:'200001',phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON\"\n"
    "SecRequestBodyLimit 13107200\n"
    "SecRequestBodyNoFilesLimit 131072\n"
    "SecRequestBodyLimitAction Reject\n"
    "SecRequestBodyJsonDepthLimit 512\n"
    "SecArgumentsLimit 1000\n"
    "SecRule &ARGS \"@ge 1000\" \"id:'200007', phase:2,t:none,log,deny,status:400,"
    "msg:'Failed to fully parse request body due to large argument count',severity:2\"\n"
    "SecRule REQBODY_ERROR \"!@eq 0\" \"id:'200002', phase:2,t:none,log,deny,status:400,"
    "msg:'Failed to parse request body.',logdata:'%{reqbody_error_msg}',severity:2\"\n"
    "SecRule MULTIPART_STRICT_ERROR \"!@eq 0\" \"id:'200003',phase:2,t:none,log,deny,status:400,"
    "msg:'Multipart request body failed strict validation'\"\n"
    "SecRule MULTIPART_UNMATCHED_BOUNDARY \"@eq 1\" \"id:'200004',phase:2,t:none,log,deny,"
    "msg:'Multipart parser detected a possible unmatched boundary.'\"\n"
    "SecPcreMatchLimit 1000\n"
    "SecPcreMatchLimitRecursion 1000\n"
    "SecRule TX:/^MSC_/ \"!@streq 0\" \"id:'200005',phase:2,t:none,deny,"
    "msg:'ModSecurity internal error flagged: %{MATCHED_VAR_NAME}'\"\n"
    "SecTmpDir /tmp/\n"
    "SecDataDir /tmp/\n"
    "SecArgumentSeparator &\n"
    "SecCookieFormat 0\n";

/* After the recommended file: the benchmark's settings. */
static const char overrides[] =
    "SecRuleEngine On\n"
    "SecRequestBodyAccess On\n"
    "SecResponseBodyAccess Off\n"
    "SecAuditEngine Off\n"
    "SecStatusEngine Off\n"
    "SecDebugLogLevel 0\n"
    "SecAction \"id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level=1\"\n";

typedef struct {
	const unsigned char *p;
	size_t n;
} span;

typedef struct {
	char *method, *target; /* NUL-terminated copies */
	span *hname, *hvalue;
	size_t nheaders;
	span body;
	sk_buf msg; /* the raw message; the spans point into it */
} msg;

static const unsigned char *find_crlf(const unsigned char *p, const unsigned char *e)
{
	for (; p + 1 < e; p++)
		if (p[0] == '\r' && p[1] == '\n')
			return p;
	return NULL;
}

/* Splits the message to_http wrote into what the connector hands over. */
static int split(msg *m)
{
	const unsigned char *p = m->msg.p, *e = p + m->msg.n, *eol = find_crlf(p, e);
	const unsigned char *sp1 = eol ? memchr(p, ' ', (size_t)(eol - p)) : NULL;
	const unsigned char *sp2 = NULL;
	for (const unsigned char *q = eol ? eol - 1 : NULL; q && q > sp1; q--)
		if (*q == ' ') {
			sp2 = q;
			break;
		}
	if (!sp1 || !sp2)
		return -1;
	m->method = strndup((const char *)p, (size_t)(sp1 - p));
	m->target = strndup((const char *)sp1 + 1, (size_t)(sp2 - sp1 - 1));
	size_t cap = 0;
	for (p = eol + 2; p < e; p = eol + 2) {
		eol = find_crlf(p, e);
		if (!eol)
			return -1;
		if (eol == p) {
			m->body = (span){eol + 2, (size_t)(e - eol - 2)};
			return 0;
		}
		const unsigned char *colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon)
			return -1;
		const unsigned char *v = colon + 1;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		if (m->nheaders == cap) {
			cap = cap ? 2 * cap : 16;
			m->hname = realloc(m->hname, cap * sizeof *m->hname);
			m->hvalue = realloc(m->hvalue, cap * sizeof *m->hvalue);
		}
		m->hname[m->nheaders] = (span){p, (size_t)(colon - p)};
		m->hvalue[m->nheaders++] = (span){v, (size_t)(eol - v)};
	}
	return -1;
}

/* Rule messages go nowhere, or to stderr with BENCH_MODSEC_LOG set (to see
 * what CRS flags; not for timing). */
static bool log_on;
static void log_cb(void *data, const void *text)
{
	(void)data;
	if (log_on)
		fprintf(stderr, "%s\n", (const char *)text);
}

/* 0: go on; otherwise the intervention's status. */
static int intervened(Transaction *t)
{
	ModSecurityIntervention it = {.status = 200};
	if (!msc_intervention(t, &it))
		return 0;
	free(it.url);
	free(it.log);
	return it.disruptive ? (it.status ? it.status : 403) : 0;
}

static int exists(const char *path)
{
	return access(path, R_OK) == 0;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr,
		        "usage: %s MODSEC_CONF|- CRS_SETUP|- CRS_RULES_DIR|- CORPUS.jsonl "
		        "[SECONDS | xPASSES] [FIRST_N]\n",
		        argv[0]);
		return 2;
	}
	const char *conf = strcmp(argv[1], "-") ? argv[1] : NULL;
	for (size_t i = 0; !conf && conf_defaults[i]; i++)
		if (exists(conf_defaults[i]))
			conf = conf_defaults[i];
	const char *setup = strcmp(argv[2], "-") ? argv[2] : CRS_SETUP_DEFAULT;
	const char *rules_dir = strcmp(argv[3], "-") ? argv[3] : CRS_RULES_DEFAULT;
	double secs = 5;
	long passes = 0;
	if (argc > 5 && argv[5][0] == 'x')
		passes = atol(argv[5] + 1);
	else if (argc > 5)
		secs = atof(argv[5]);
	size_t first_n = argc > 6 ? (size_t)atol(argv[6]) : 0;

	/* The exclusion files sit next to crs-setup.conf (IncludeOptional). */
	char setup_dir[4096];
	snprintf(setup_dir, sizeof setup_dir, "%s", setup);
	char *slash = strrchr(setup_dir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(setup_dir, ".");
	char before[4200], after[4200];
	snprintf(before, sizeof before, "%s/REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf",
	         setup_dir);
	snprintf(after, sizeof after, "%s/RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf", setup_dir);

	sk_buf cfg;
	sk_buf_init(&cfg, 1 << 20);
	int cst = 0;
	if (conf)
		cst |= sk_buf_printf(&cfg, "Include %s\n", conf);
	else
		cst |= sk_buf_puts(&cfg, recommended_builtin);
	cst |= sk_buf_puts(&cfg, overrides);
	cst |= sk_buf_printf(&cfg, "Include %s\n", setup);
	if (exists(before))
		cst |= sk_buf_printf(&cfg, "Include %s\n", before);
	cst |= sk_buf_printf(&cfg, "Include %s/*.conf\n", rules_dir);
	if (exists(after))
		cst |= sk_buf_printf(&cfg, "Include %s\n", after);
	cst |= sk_buf_append(&cfg, "", 1);
	if (cst) {
		fprintf(stderr, "configuration text too long\n");
		return 2;
	}

	struct mallinfo2 m0 = mallinfo2();
	double t0 = bench_now();
	ModSecurity *ms = msc_init();
	msc_set_connector_info(ms, "sekisho bench_engine_modsec");
	log_on = getenv("BENCH_MODSEC_LOG") != NULL;
	msc_set_log_cb(ms, log_cb);
	RulesSet *rules = msc_create_rules_set();
	const char *error = NULL;
	int nrules = msc_rules_add(rules, (const char *)cfg.p, &error);
	if (nrules < 0) {
		fprintf(stderr, "loading rules: %s\n", error ? error : "failed");
		return 2;
	}
	double t_load = bench_now() - t0;
	struct mallinfo2 m1 = mallinfo2();

	/* Corpus to raw messages, split for the connector API. */
	FILE *f = fopen(argv[4], "rb");
	if (!f) {
		perror(argv[4]);
		return 2;
	}
	sk_lines lr;
	sk_lines_init(&lr, f, 64 << 20);
	msg *msgs = NULL;
	size_t nmsgs = 0;
	sk_arena *a = sk_arena_create(64 << 10, 0);
	sk_error err = {0};
	sk_str line;
	sk_status st;
	while ((!first_n || nmsgs < first_n) && (st = sk_lines_next(&lr, &line)) != SK_AGAIN) {
		if (st)
			continue;
		sk_arena_reset(a);
		sk_request r;
		sk_request_init(&r, a);
		if (sk_request_from_json((const char *)line.p, line.n, &r, &err))
			continue;
		msgs = realloc(msgs, (nmsgs + 1) * sizeof *msgs);
		memset(&msgs[nmsgs], 0, sizeof *msgs);
		sk_buf_init(&msgs[nmsgs].msg, 64 << 20);
		if (bench_to_http(&r, &msgs[nmsgs].msg) == 0 && split(&msgs[nmsgs]) == 0)
			nmsgs++;
	}
	sk_lines_free(&lr);
	fclose(f);
	sk_arena_destroy(a);
	if (!nmsgs) {
		fprintf(stderr, "no requests in %s\n", argv[4]);
		return 2;
	}

	/* Timed loop: one transaction per request, as a connector runs it. */
	size_t cap = 1 << 22, nlat = 0, blocked = 0, other = 0, errors = 0;
	uint64_t *lat = malloc(cap * sizeof *lat);
	double start = bench_now(), end = start + secs;
	size_t done = 0;
	for (long pass = 0; passes ? pass < passes : bench_now() < end; pass++) {
		for (size_t i = 0; i < nmsgs; i++) {
			const msg *m = &msgs[i];
			struct timespec a0, a1;
			clock_gettime(CLOCK_MONOTONIC, &a0);
			Transaction *t = msc_new_transaction(ms, rules, NULL);
			int status = 0;
			if (!t) {
				errors++;
				continue;
			}
			msc_process_connection(t, "192.0.2.10", 40000 + (int)(done % 20000),
			                       "192.0.2.1", 80);
			status = intervened(t);
			if (!status) {
				msc_process_uri(t, m->target, m->method, "1.1");
				status = intervened(t);
			}
			if (!status) {
				for (size_t h = 0; h < m->nheaders; h++)
					msc_add_n_request_header(t, m->hname[h].p, m->hname[h].n,
					                         m->hvalue[h].p, m->hvalue[h].n);
				msc_process_request_headers(t);
				status = intervened(t);
			}
			if (!status) {
				if (m->body.n)
					msc_append_request_body(t, m->body.p, m->body.n);
				msc_process_request_body(t);
				status = intervened(t);
			}
			if (status)
				msc_update_status_code(t, status);
			msc_process_logging(t);
			msc_transaction_cleanup(t);
			if (status == 403)
				blocked++;
			else if (status)
				other++;
			clock_gettime(CLOCK_MONOTONIC, &a1);
			if (nlat < cap)
				lat[nlat++] = (uint64_t)((a1.tv_sec - a0.tv_sec) * 1000000000LL +
				                         (a1.tv_nsec - a0.tv_nsec));
			done++;
		}
	}
	double elapsed = bench_now() - start;
	qsort(lat, nlat, sizeof *lat, bench_cmp_u64);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	size_t npasses = done / nmsgs ? done / nmsgs : 1;
	printf("rules          %s + OWASP CRS (%s, %s), paranoia level 1, %d rules; %s\n",
	       conf ? conf : "built-in modsecurity.conf-recommended", setup, rules_dir, nrules,
	       msc_who_am_i(ms));
	printf("load+compile   %.1f ms\n", t_load * 1000);
	printf("requests       %zu distinct, %zu evaluated in %.2f s (%zu not allowed, %zu errors; "
	       "%zu other interventions)\n",
	       nmsgs, done, elapsed, blocked / npasses, errors, other / npasses);
	printf("throughput     %.0f requests/s on one core\n", (double)done / elapsed);
	printf(
	    "latency        mean %.0f ns, p50 %llu ns, p99 %llu ns, p99.9 %llu ns, max %llu ns\n",
	    elapsed * 1e9 / (double)done, (unsigned long long)lat[nlat / 2],
	    (unsigned long long)lat[nlat * 99 / 100], (unsigned long long)lat[nlat * 999 / 1000],
	    (unsigned long long)lat[nlat - 1]);
	printf("memory         loaded rules: %.2f MB heap; peak RSS %.1f MB\n",
	       (double)(m1.uordblks - m0.uordblks + m1.hblkhd - m0.hblkhd) / 1e6,
	       (double)ru.ru_maxrss / 1024);
	for (size_t i = 0; i < nmsgs; i++) {
		free(msgs[i].method);
		free(msgs[i].target);
		free(msgs[i].hname);
		free(msgs[i].hvalue);
		sk_buf_free(&msgs[i].msg);
	}
	free(msgs);
	free(lat);
	sk_buf_free(&cfg);
	msc_rules_cleanup(rules);
	msc_cleanup(ms);
	return 0;
}
