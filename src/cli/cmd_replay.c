/* sekisho replay: recorded traffic against a web ACL, before it blocks
 * anything: what would be blocked, by rule, path and client, with
 * examples; with --diff, what changes from one ACL to another. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/lines.h"
#include "cli/cli.h"
#include "cli/tally.h"
#include "ops/replay.h"

static const char usage[] =
    "usage: sekisho replay [--acl FILE] [--resources DIR] [--lists DIR] [--diff OTHER_ACL]\n"
    "                      [--format auto|aws|alb|combined|har|jsonl] [--examples N] LOG...\n"
    "\n"
    "Evaluates recorded requests against the web ACL (default: the built-in one) and\n"
    "reports what would be blocked, by rule, path and client, with examples. Logs:\n"
    "AWS WAF log records, ALB access logs, nginx and Apache combined logs, HAR files,\n"
    "and sekisho's JSON lines (check --jsonl input, events --json output); the format\n"
    "is recognized from the first entry. --diff OTHER_ACL: what OTHER_ACL blocks that\n"
    "the first does not, and the reverse. Malformed entries are reported on stderr\n"
    "with their line and skipped.\n";

typedef struct side {
	sk_program *prog;
	sk_scratch *scratch;
	long blocked;
	tallies rules, paths, clients;
} side;

typedef struct replay {
	side a, b;
	bool diff;
	long total, bad;
	tallies newly_blocked, newly_allowed;
	int examples;
	sk_arena *arena;
} replay;

static const char *rule_of(const sk_verdict *v, char *buf, size_t n)
{
	if (v->terminating < 0)
		return "Default_Action";
	const sk_rule_match *t = &v->matches[v->terminating];
	snprintf(buf, n, "%s%s%s", t->rule->name, t->group_rule ? "/" : "",
	         t->group_rule ? t->group_rule->name : "");
	return buf;
}

static int judge(side *s, sk_request *req, sk_verdict *v, sk_error *err)
{
	return sk_evaluate(s->prog, s->scratch, req, 0, v, err) == SK_OK ? 0 : -1;
}

static void one(replay *r, json_t *obj, const char *where)
{
	sk_arena_reset(r->arena);
	sk_request req;
	sk_request_init(&req, r->arena);
	sk_error err = {0};
	if (sk_request_from_json_value(obj, &req, &err)) {
		fprintf(stderr, "sekisho: %s: %s\n", where, err.msg);
		r->bad++;
		return;
	}
	r->total++;
	sk_verdict va, vb;
	if (judge(&r->a, &req, &va, &err) || (r->diff && judge(&r->b, &req, &vb, &err))) {
		fprintf(stderr, "sekisho: %s: %s\n", where, err.msg);
		r->bad++;
		return;
	}
	char line[600], ra[600], rb[600];
	snprintf(line, sizeof line, "%.*s %.*s  (from %s)", (int)req.method.n,
	         (const char *)req.method.p, (int)(req.target.n > 300 ? 300 : req.target.n),
	         (const char *)req.target.p, req.client_ip[0] ? req.client_ip : "?");
	char path[400];
	snprintf(path, sizeof path, "%.*s", (int)(req.path.n > 390 ? 390 : req.path.n),
	         (const char *)req.path.p);
	bool ba = va.action != SK_ACT_ALLOW, bb = r->diff && vb.action != SK_ACT_ALLOW;
	if (ba) {
		r->a.blocked++;
		tally_add(&r->a.rules, rule_of(&va, ra, sizeof ra), line);
		tally_add(&r->a.paths, path, NULL);
		tally_add(&r->a.clients, req.client_ip[0] ? req.client_ip : "?", NULL);
	}
	if (!r->diff)
		return;
	if (bb)
		r->b.blocked++;
	if (bb && !ba)
		tally_add(&r->newly_blocked, rule_of(&vb, rb, sizeof rb), line);
	else if (ba && !bb)
		tally_add(&r->newly_allowed, rule_of(&va, ra, sizeof ra), line);
}

static void read_log(replay *r, const char *path, sk_log_format fmt)
{
	size_t pn = strlen(path);
	if (fmt == SK_LOG_HAR || (fmt == SK_LOG_AUTO && pn > 4 && !strcmp(path + pn - 4, ".har"))) {
		sk_buf b;
		sk_error err = {0};
		json_t *all = NULL;
		sk_buf_init(&b, SK_CAP_REQUEST_FILE);
		if (sk_buf_read_file(&b, path, &err) ||
		    sk_log_har(b.p ? (const char *)b.p : "", b.n, &all, &err)) {
			fprintf(stderr, "sekisho: %s: %s\n", path, err.msg);
			r->bad++;
		}
		sk_buf_free(&b);
		size_t i;
		json_t *o;
		char where[4200];
		json_array_foreach(all, i, o)
		{
			snprintf(where, sizeof where, "%s: log.entries[%zu]", path, i);
			one(r, o, where);
		}
		json_decref(all);
		return;
	}
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "sekisho: %s: cannot open\n", path);
		r->bad++;
		return;
	}
	sk_lines l;
	sk_lines_init(&l, f, SK_CAP_JSONL_LINE);
	sk_str line;
	sk_status st;
	char where[4200];
	while ((st = sk_lines_next(&l, &line)) != SK_AGAIN) {
		snprintf(where, sizeof where, "%s:%zu", path, l.lineno);
		if (st) {
			fprintf(stderr, "sekisho: %s: %s\n", where,
			        st == SK_E_LIMIT ? "line too long" : "read error");
			r->bad++;
			if (st == SK_E_IO)
				break;
			continue;
		}
		json_t *o = NULL;
		sk_error err = {0};
		st = sk_log_line((const char *)line.p, line.n, &fmt, &o, &err);
		if (st == SK_AGAIN)
			continue;
		if (st) {
			fprintf(stderr, "sekisho: %s: %s\n", where, err.msg);
			r->bad++;
			continue;
		}
		one(r, o, where);
		json_decref(o);
	}
	sk_lines_free(&l);
	if (f != stdin)
		fclose(f);
}

static int load_side(const acl_opts *base, const char *acl, side *s)
{
	acl_opts o = *base;
	o.acl = acl;
	if (load_program(&o, &s->prog) != EXIT_OK)
		return -1;
	if (sk_scratch_create(s->prog, &s->scratch)) {
		fputs("sekisho: out of memory\n", stderr);
		return -1;
	}
	return 0;
}

int cmd_replay(int argc, char **argv)
{
	acl_opts ao = {0};
	replay r = {.examples = 2};
	const char *other = NULL;
	sk_log_format fmt = SK_LOG_AUTO;
	const char **logs = calloc((size_t)argc, sizeof *logs);
	size_t nlogs = 0;
	int rc = EXIT_USAGE;
	if (!logs)
		return EXIT_USAGE;
	for (int i = 1; i < argc; i++) {
		bool bad = false;
		const char *v;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			free(logs);
			return EXIT_OK;
		}
		int k = acl_opts_parse(&ao, argc, argv, &i);
		if (k < 0)
			goto out;
		if (k > 0)
			continue;
		if ((v = opt_value(argc, argv, &i, "--diff", &bad)))
			other = v;
		else if ((v = opt_value(argc, argv, &i, "--format", &bad))) {
			int f = sk_log_format_parse(v);
			if (f < 0) {
				fprintf(stderr,
				        "sekisho: --format: expected auto, aws, alb, combined, har "
				        "or jsonl, found \"%s\"\n",
				        v);
				goto out;
			}
			fmt = (sk_log_format)f;
		} else if ((v = opt_value(argc, argv, &i, "--examples", &bad)))
			r.examples = atoi(v);
		else if (!bad && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0))
			logs[nlogs++] = argv[i];
		else if (!bad) {
			fprintf(stderr, "sekisho: replay: unknown option \"%s\"\n", argv[i]);
			goto out;
		}
		if (bad)
			goto out;
	}
	if (nlogs == 0) {
		fputs(usage, stderr);
		goto out;
	}
	if (load_side(&ao, ao.acl, &r.a) || (other && load_side(&ao, other, &r.b)))
		goto out;
	r.diff = other != NULL;
	r.arena = sk_arena_create(64 << 10, 0);
	for (size_t i = 0; i < nlogs; i++)
		read_log(&r, logs[i], fmt);
	const char *name_a = ao.acl ? ao.acl : "the built-in default web ACL";
	printf("%ld requests replayed against %s", r.total, name_a);
	if (r.bad)
		printf(" (%ld entries could not be read: see above)", r.bad);
	printf("\n%ld would be blocked (%.1f%%)\n", r.a.blocked,
	       r.total ? 100.0 * (double)r.a.blocked / (double)r.total : 0.0);
	tally_print("Blocked by rule", &r.a.rules, 0, r.examples, 0);
	tally_print("Blocked by path", &r.a.paths, 10, 0, 0);
	tally_print("Blocked by client", &r.a.clients, 10, 0, 0);
	if (r.diff) {
		printf("\nWith %s: %ld would be blocked\n", other, r.b.blocked);
		tally_print("Blocked only with the other ACL, by its rule", &r.newly_blocked, 0,
		            r.examples, 0);
		tally_print("Blocked only with the first ACL, by its rule", &r.newly_allowed, 0,
		            r.examples, 0);
	}
	rc = r.bad && r.total == 0 ? EXIT_USAGE : EXIT_OK;
out:
	sk_scratch_free(r.a.scratch);
	sk_scratch_free(r.b.scratch);
	sk_program_free(r.a.prog);
	sk_program_free(r.b.prog);
	if (r.arena)
		sk_arena_destroy(r.arena);
	free(logs);
	return rc;
}
