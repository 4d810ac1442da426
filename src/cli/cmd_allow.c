/* sekisho allow ID: the narrowest change to a web ACL that lets a stored
 * request through, the way AWS users write it by hand:
 *
 * - a rule of a rule group (managed or not) that blocked it is set to Count
 *   (RuleActionOverrides), and a new rule right after the group blocks
 *   every request carrying that rule's label except on the request's URI
 *   path: the rule still blocks everywhere else;
 * - a plain web ACL rule that blocked it gets "and the URI path is not this
 *   one" added to its statement;
 * - with --allowlist, an Allow rule for that exact path goes on top instead.
 *
 * The request is evaluated again after each step until it passes, so every
 * rule that would block it is covered. The result stays AWS WAF v2 JSON in
 * the file's own form (wrapped or not, search strings base64 or text), is
 * loaded and compiled before anything is written, and is shown as a diff. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/base64.h"
#include "cli/cli.h"
#include "ops/events.h"
#include "waf/report.h"

#define MAX_STEPS 16
#define DIFF_MAX  2000 /* lines, for the LCS of a diff */

static const char usage[] =
    "usage: sekisho allow ID --acl FILE [--events STORE] [--resources DIR] [--lists DIR]\n"
    "                     [--param NAME | --header NAME] [--allowlist]\n"
    "                     [--write] [--reload] [--admin HOST:PORT]\n"
    "\n"
    "Proposes the narrowest change to the web ACL in FILE that lets the stored request ID\n"
    "(an event id, or a request id) through: the rules that block it are set to Count\n"
    "for its URI path only, with a label rule that keeps blocking everywhere else.\n"
    "Prints the change as a diff. --write saves it (FILE.bak keeps the old one) after\n"
    "checking that it loads and lets the request pass; --reload then asks the running\n"
    "gateway to take it. --param NAME / --header NAME: scope the exception to that\n"
    "query argument's (header's) value instead of the path. --allowlist: an Allow rule\n"
    "on top instead.\n";

/* The event, copied out of the store's memory. */
static sk_status keep(void *ctx, const sk_event *e)
{
	sk_event **f = ctx;
	if (*f)
		return SK_OK;
	*f = sk_event_copy(e);
	return *f ? SK_OK : SK_E_NOMEM;
}

/* ---- the JSON document ---- */

typedef struct doc {
	json_t *root, *acl; /* acl: root itself, or root.WebACL */
	bool base64;        /* SearchString is base64 in this document */
} doc;

/* What the exception is scoped to: the URI path (default), one query
 * argument's value, or one header's value, as this request had it. */
typedef struct scope {
	const char *param, *header; /* NULL: the URI path only */
	sk_str path;                /* the request's URI path */
	sk_str value;
	char desc[600];
} scope;

/* ByteMatch EXACTLY v on field, with the document's search encoding. */
static json_t *exactly(const doc *d, json_t *field, sk_str v)
{
	json_t *bm = json_object();
	if (d->base64) {
		char *b = malloc(4 * ((v.n + 2) / 3) + 1);
		if (b)
			b[sk_base64_encode(v.p, v.n, b)] = 0;
		json_object_set_new(bm, "SearchString", json_string(b ? b : ""));
		free(b);
	} else {
		json_object_set_new(bm, "SearchString", sk_json_bytes(v));
	}
	json_object_set_new(bm, "FieldToMatch", field);
	json_object_set_new(bm, "TextTransformations",
	                    json_pack("[{s:i,s:s}]", "Priority", 0, "Type", "NONE"));
	json_object_set_new(bm, "PositionalConstraint", json_string("EXACTLY"));
	return json_pack("{s:o}", "ByteMatchStatement", bm);
}

/* The exception's condition: the URI path, and with --param or --header
 * also that argument's (header's) value, so an exception by value never
 * reaches past the path it was made for. */
static json_t *scope_match(const doc *d, const scope *sc)
{
	json_t *path = exactly(d, json_pack("{s:{}}", "UriPath"), sc->path);
	if (!sc->param && !sc->header)
		return path;
	json_t *field = sc->param ? json_pack("{s:{s:s}}", "SingleQueryArgument", "Name", sc->param)
	                          : json_pack("{s:{s:s}}", "SingleHeader", "Name", sc->header);
	return json_pack("{s:{s:[o,o]}}", "AndStatement", "Statements", path,
	                 exactly(d, field, sc->value));
}

static json_t *not_scope(const doc *d, const scope *sc)
{
	return json_pack("{s:{s:o}}", "NotStatement", "Statement", scope_match(d, sc));
}

static json_t *visibility(const char *name)
{
	return json_pack("{s:b,s:b,s:s}", "SampledRequestsEnabled", 1, "CloudWatchMetricsEnabled",
	                 1, "MetricName", name);
}

static json_t *rule_named(const doc *d, const char *name, size_t *index)
{
	json_t *rules = json_object_get(d->acl, "Rules");
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r)
	{
		const char *n = json_string_value(json_object_get(r, "Name"));
		if (n && strcmp(n, name) == 0) {
			if (index)
				*index = i;
			return r;
		}
	}
	return NULL;
}

/* Inserts rule after Rules[at] with the next priority, moving later rules
 * up by one where the numbers would collide. */
static void insert_after(doc *d, size_t at, json_t *rule)
{
	json_t *rules = json_object_get(d->acl, "Rules");
	json_int_t pr = json_integer_value(json_object_get(json_array_get(rules, at), "Priority"));
	bool taken = false;
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r) taken |=
	    json_integer_value(json_object_get(r, "Priority")) == pr + 1;
	if (taken)
		json_array_foreach(rules, i, r)
		{
			json_int_t p = json_integer_value(json_object_get(r, "Priority"));
			if (p > pr)
				json_object_set_new(r, "Priority", json_integer(p + 1));
		}
	json_object_set_new(rule, "Priority", json_integer(pr + 1));
	json_array_insert_new(rules, at + 1, rule);
}

static char *dump(const doc *d)
{
	return json_dumps(d->root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
}

/* ---- one step: what blocks the request now, and the change for it ---- */

typedef struct ctx {
	acl_opts ao;
	const char *acl_path;
	const char *path; /* the request's URI path */
	const char *request;
	scope sc;
	int64_t id;
	bool allowlist;
	int exceptions;
} ctx;

static sk_status evaluate(const ctx *x, const char *text, sk_verdict *v, sk_program **prog,
                          sk_arena **arena, sk_request *req, sk_error *err)
{
	sk_load_options lo = {.resources_dir = x->ao.resources,
	                      .lists_dir = x->ao.lists,
	                      .search_encoding = x->ao.enc};
	sk_acl *acl;
	sk_status st = sk_acl_load(x->acl_path, text, strlen(text), &lo, &acl, NULL, err);
	if (!st)
		st = sk_program_compile(acl, NULL, prog, err);
	if (st)
		return st;
	sk_scratch *sc;
	if ((st = sk_scratch_create(*prog, &sc)))
		return sk_fail(err, st, "no memory for evaluation");
	*arena = sk_arena_create(64 << 10, 0);
	sk_request_init(req, *arena);
	st = sk_request_from_json(x->request, strlen(x->request), req, err);
	if (!st)
		st = sk_evaluate(*prog, sc, req, 0, v, err);
	sk_scratch_free(sc);
	return st;
}

static sk_status change_for(ctx *x, doc *d, const sk_rule_match *t, char *said, size_t n,
                            sk_error *err)
{
	size_t at;
	json_t *rule = rule_named(d, t->rule->name, &at);
	if (!rule)
		return sk_fail(err, SK_E_INVALID, "rule \"%s\" is not in %s", t->rule->name,
		               x->acl_path);
	json_t *stmt = json_object_get(rule, "Statement");
	if (t->group_rule) {
		json_t *g = json_object_get(stmt, "ManagedRuleGroupStatement");
		if (!g)
			g = json_object_get(stmt, "RuleGroupReferenceStatement");
		if (!g)
			return sk_fail(err, SK_E_UNSUPPORTED,
			               "rule \"%s\": not a rule group statement", t->rule->name);
		if (t->group_rule->nlabels == 0)
			return sk_fail(err, SK_E_UNSUPPORTED,
			               "%s/%s adds no label, so no rule can block by it elsewhere; "
			               "narrow it by hand (a ScopeDownStatement on the group)",
			               t->rule->name, t->group_rule->name);
		json_t *ov = json_object_get(g, "RuleActionOverrides");
		if (!ov) {
			ov = json_array();
			json_object_set_new(g, "RuleActionOverrides", ov);
		}
		json_array_append_new(ov, json_pack("{s:s,s:{s:{}}}", "Name", t->group_rule->name,
		                                    "ActionToUse", "Count"));
		const char *lab = t->group_rule->labels[0];
		char label[512];
		snprintf(label, sizeof label, "%s%s",
		         strncmp(lab, "awswaf:", 7) ? t->group->label_ns : "", lab);
		char name[200];
		snprintf(name, sizeof name, "sekisho-exception-%lld-%d", (long long)x->id,
		         ++x->exceptions);
		json_t *nr = json_pack("{s:s,s:i,s:{s:{s:[{s:{s:s,s:s}},o]}},s:{s:{}},s:o}", "Name",
		                       name, "Priority", 0, "Statement", "AndStatement",
		                       "Statements", "LabelMatchStatement", "Scope", "LABEL", "Key",
		                       label, not_scope(d, &x->sc), "Action", "Block",
		                       "VisibilityConfig", visibility(name));
		/* After the group and the exceptions already made for it. */
		json_t *rules = json_object_get(d->acl, "Rules");
		while (at + 1 < json_array_size(rules) &&
		       strncmp(
		           json_string_value(json_object_get(json_array_get(rules, at + 1), "Name"))
		               ?: "",
		           "sekisho-exception-", 18) == 0)
			at++;
		insert_after(d, at, nr);
		snprintf(said, n, "%s/%s: Count, and %s blocks its label %s except when %s",
		         t->rule->name, t->group_rule->name, name, label, x->sc.desc);
		return SK_OK;
	}
	if (json_object_get(stmt, "RateBasedStatement"))
		return sk_fail(
		    err, SK_E_UNSUPPORTED,
		    "rule \"%s\" is rate-based; exceptions to rate limits are not proposed",
		    t->rule->name);
	json_t *wrapped =
	    json_pack("{s:{s:[O,o]}}", "AndStatement", "Statements", stmt, not_scope(d, &x->sc));
	json_object_set_new(rule, "Statement", wrapped);
	snprintf(said, n, "%s: now not when %s", t->rule->name, x->sc.desc);
	return SK_OK;
}

static sk_status add_allowlist(ctx *x, doc *d, char *said, size_t n)
{
	json_t *rules = json_object_get(d->acl, "Rules");
	json_int_t lowest = 0;
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r)
	{
		json_int_t p = json_integer_value(json_object_get(r, "Priority"));
		if (i == 0 || p < lowest)
			lowest = p;
	}
	char name[200];
	snprintf(name, sizeof name, "sekisho-allow-%lld", (long long)x->id);
	if (lowest <= 0) /* priorities are >= 0: make room at the top */
		json_array_foreach(rules, i, r) json_object_set_new(
		    r, "Priority",
		    json_integer(json_integer_value(json_object_get(r, "Priority")) + 1 - lowest));
	json_t *nr = json_pack("{s:s,s:I,s:o,s:{s:{}},s:o}", "Name", name, "Priority",
	                       (json_int_t)(lowest > 0 ? lowest - 1 : 0), "Statement",
	                       scope_match(d, &x->sc), "Action", "Allow", "VisibilityConfig",
	                       visibility(name));
	json_array_insert_new(rules, 0, nr);
	snprintf(said, n, "%s: allows requests when %s, before any other rule", name, x->sc.desc);
	return SK_OK;
}

/* ---- diff ---- */

typedef struct lines {
	const char **p;
	size_t *n, count;
} lines;

static bool split(const char *t, lines *l)
{
	size_t cap = 1;
	for (const char *c = t; *c; c++)
		cap += *c == '\n';
	l->p = malloc(cap * sizeof *l->p);
	l->n = malloc(cap * sizeof *l->n);
	l->count = 0;
	if (!l->p || !l->n)
		return false;
	for (const char *c = t; *c;) {
		const char *nl = strchr(c, '\n');
		size_t k = nl ? (size_t)(nl - c) : strlen(c);
		l->p[l->count] = c;
		l->n[l->count++] = k;
		c += k + (nl ? 1 : 0);
	}
	return true;
}

static bool same(const lines *a, size_t i, const lines *b, size_t j)
{
	return a->n[i] == b->n[j] && memcmp(a->p[i], b->p[j], a->n[i]) == 0;
}

/* The lines between the common head and the common tail, old and new:
 * the changes of one allow sit close together, so this is their diff. */
static void print_diff(const char *file, const char *a, const char *b)
{
	lines la, lb;
	if (!split(a, &la) || !split(b, &lb)) {
		free(la.p);
		free(la.n);
		return;
	}
	size_t head = 0, tail = 0;
	while (head < la.count && head < lb.count && same(&la, head, &lb, head))
		head++;
	while (tail < la.count - head && tail < lb.count - head &&
	       same(&la, la.count - 1 - tail, &lb, lb.count - 1 - tail))
		tail++;
	size_t n = la.count - head - tail, m = lb.count - head - tail;
	printf("--- %s\n+++ %s (proposed)\n@@ -%zu,%zu +%zu,%zu @@\n", file, file, head + 1, n,
	       head + 1, m);
	/* Between head and tail, a longest common subsequence keeps unchanged
	 * lines as context; past DIFF_MAX lines, old then new as blocks. */
	uint32_t *L = n <= DIFF_MAX && m <= DIFF_MAX ? calloc((n + 1) * (m + 1), sizeof *L) : NULL;
	if (!L) {
		for (size_t i = 0; i < n; i++)
			printf("-%.*s\n", (int)la.n[head + i], la.p[head + i]);
		for (size_t j = 0; j < m; j++)
			printf("+%.*s\n", (int)lb.n[head + j], lb.p[head + j]);
	} else {
#define AT(i, j) L[(i) * (m + 1) + (j)]
		for (size_t i = n; i-- > 0;)
			for (size_t j = m; j-- > 0;)
				AT(i, j) = same(&la, head + i, &lb, head + j)
				               ? AT(i + 1, j + 1) + 1
				               : (AT(i + 1, j) > AT(i, j + 1) ? AT(i + 1, j)
				                                              : AT(i, j + 1));
		size_t i = 0, j = 0;
		while (i < n || j < m) {
			if (i < n && j < m && same(&la, head + i, &lb, head + j)) {
				printf(" %.*s\n", (int)la.n[head + i], la.p[head + i]);
				i++, j++;
			} else if (j < m && (i == n || AT(i, j + 1) >= AT(i + 1, j))) {
				printf("+%.*s\n", (int)lb.n[head + j], lb.p[head + j]);
				j++;
			} else {
				printf("-%.*s\n", (int)la.n[head + i], la.p[head + i]);
				i++;
			}
		}
#undef AT
		free(L);
	}
	free(la.p);
	free(la.n);
	free(lb.p);
	free(lb.n);
}

static int write_file(const char *path, const char *text)
{
	char bak[4200], tmp[4200];
	snprintf(bak, sizeof bak, "%s.bak", path);
	snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
	FILE *in = fopen(path, "rb"), *out = fopen(bak, "wb");
	if (!in || !out) {
		fprintf(stderr, "sekisho: allow: cannot keep a backup in %s: %s\n", bak,
		        strerror(errno));
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		return -1;
	}
	char buf[65536];
	size_t k;
	while ((k = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, k, out);
	fclose(in);
	if (fclose(out) != 0)
		return -1;
	FILE *f = fopen(tmp, "wb");
	if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0 || fclose(f) != 0 ||
	    rename(tmp, path) != 0) {
		fprintf(stderr, "sekisho: allow: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The value the exception is scoped to, from the stored request. */
static sk_status find_scope(ctx *x, sk_arena *a, sk_error *err)
{
	scope *sc = &x->sc;
	sc->path = sk_str_cstr(x->path);
	if (sc->param && sc->header)
		return sk_fail(err, SK_E_INVALID, "--param and --header: one or the other");
	if (!sc->param && !sc->header) {
		sc->value = sk_str_cstr(x->path);
		snprintf(sc->desc, sizeof sc->desc, "the URI path is %s", x->path);
		return SK_OK;
	}
	sk_request req;
	sk_request_init(&req, a);
	sk_status st = sk_request_from_json(x->request, strlen(x->request), &req, err);
	if (st)
		return st;
	bool found = false;
	if (sc->param) {
		const sk_pair *args;
		size_t n;
		if ((st = sk_request_args(&req, &args, &n)))
			return sk_fail(err, st, "the stored request's query cannot be read");
		for (size_t i = 0; i < n && !found; i++)
			if (sk_str_ieq(args[i].name, sk_str_cstr(sc->param))) { /* as the engine */
				sc->value = args[i].value;
				found = true;
			}
		if (!found)
			return sk_fail(err, SK_E_INVALID,
			               "the request has no query argument \"%s\"", sc->param);
	} else {
		sc->value = sk_request_header(&req, sc->header, &found);
		if (!found)
			return sk_fail(err, SK_E_INVALID, "the request has no header \"%s\"",
			               sc->header);
		if (sk_str_eq(sc->value, SK_STR_LIT("REDACTED")))
			return sk_fail(err, SK_E_INVALID,
			               "header \"%s\" was stored redacted: its value is not known",
			               sc->header);
	}
	snprintf(sc->desc, sizeof sc->desc, "the URI path is %s and %s \"%s\" is \"%.*s\"", x->path,
	         sc->param ? "query argument" : "header", sc->param ? sc->param : sc->header,
	         (int)(sc->value.n > 200 ? 200 : sc->value.n), (const char *)sc->value.p);
	return SK_OK;
}

int cmd_allow(int argc, char **argv)
{
	ctx x = {0};
	const char *store = "sekisho-events.db", *admin = "127.0.0.1:9901", *idarg = NULL;
	bool write = false, reload = false;
	for (int i = 1; i < argc; i++) {
		bool bad = false;
		const char *v;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		int r = acl_opts_parse(&x.ao, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		if ((v = opt_value(argc, argv, &i, "--events", &bad)))
			store = v;
		else if ((v = opt_value(argc, argv, &i, "--admin", &bad)))
			admin = v;
		else if (strcmp(argv[i], "--write") == 0)
			write = true;
		else if (strcmp(argv[i], "--reload") == 0)
			reload = write = true;
		else if (strcmp(argv[i], "--allowlist") == 0)
			x.allowlist = true;
		else if ((v = opt_value(argc, argv, &i, "--param", &bad)))
			x.sc.param = v;
		else if ((v = opt_value(argc, argv, &i, "--header", &bad)))
			x.sc.header = v;
		else if (!bad && argv[i][0] != '-' && !idarg)
			idarg = argv[i];
		else if (!bad) {
			fprintf(stderr, "sekisho: allow: unexpected \"%s\" (sekisho help allow)\n",
			        argv[i]);
			return EXIT_USAGE;
		}
		if (bad)
			return EXIT_USAGE;
	}
	if (!idarg || !x.ao.acl) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	x.acl_path = x.ao.acl;

	/* The event: by its id, or by the request id an alert shows. */
	sk_event_filter f = {.limit = 1};
	char *end;
	long long num = strtoll(idarg, &end, 10);
	if (*end == 0 && num > 0)
		f.id = num;
	else
		f.request_id = idarg;
	sk_event_store *s;
	sk_error err = {0};
	if (sk_events_open_read(store, &s, &err)) {
		fprintf(stderr, "sekisho: %s\n", err.msg);
		return EXIT_USAGE;
	}
	sk_event *ev = NULL;
	sk_status st = sk_events_query(s, &f, keep, &ev, &err);
	sk_events_close(s);
	if (st || !ev) {
		fprintf(stderr, "sekisho: %s\n",
		        st ? err.msg
		           : "no such event in the store (give an event id or a request id)");
		sk_event_free(ev);
		return EXIT_USAGE;
	}
	x.id = ev->id;
	x.request = ev->request;
	x.path = ev->path;
	sk_arena *sa = sk_arena_create(16 << 10, 0);
	if (find_scope(&x, sa, &err)) {
		fprintf(stderr, "sekisho: allow: %s\n", err.msg);
		sk_arena_destroy(sa);
		sk_event_free(ev);
		return EXIT_USAGE;
	}
	int rc = EXIT_USAGE;
	doc d = {0};
	char *before = NULL, *after = NULL;
	json_error_t je;
	d.root = json_load_file(x.acl_path, 0, &je);
	if (!d.root || !json_is_object(d.root)) {
		fprintf(stderr, "sekisho: %s: line %d: %s\n", x.acl_path, je.line, je.text);
		goto out;
	}
	d.acl = json_object_get(d.root, "WebACL");
	bool wrapped = d.acl != NULL;
	if (!d.acl)
		d.acl = d.root;
	d.base64 = x.ao.enc == SK_SEARCH_BASE64 || (x.ao.enc == SK_SEARCH_AUTO && wrapped);
	if (!json_is_array(json_object_get(d.acl, "Rules"))) {
		fprintf(stderr, "sekisho: %s: Rules: expected an array\n", x.acl_path);
		goto out;
	}
	before = dump(&d);
	printf("Event %lld: %s %s from %s, %s by %s\n", (long long)x.id, ev->method, x.path,
	       ev->client_ip, ev->action, *ev->terminating_rule ? ev->terminating_rule : "-");
	bool passes = false;
	for (int step = 0; step < MAX_STEPS && !passes; step++) {
		char *text = dump(&d);
		sk_verdict v;
		sk_program *prog = NULL;
		sk_arena *arena = NULL;
		sk_request req;
		st = evaluate(&x, text, &v, &prog, &arena, &req, &err);
		free(text);
		char said[2400] = "";
		if (!st) {
			if (v.action == SK_ACT_ALLOW)
				passes = true;
			else if (x.allowlist && step > 0)
				st = sk_fail(&err, SK_E_INTERNAL,
				             "the allowlist rule did not let it pass");
			else if (x.allowlist)
				st = add_allowlist(&x, &d, said, sizeof said);
			else if (v.terminating < 0)
				st = sk_fail(
				    &err, SK_E_UNSUPPORTED,
				    "the web ACL's default action blocks it; add an Allow rule "
				    "(--allowlist)");
			else
				st = change_for(&x, &d, &v.matches[v.terminating], said,
				                sizeof said, &err);
		}
		sk_program_free(prog);
		sk_arena_destroy(arena);
		if (st) {
			fprintf(stderr, "sekisho: allow: %s\n", err.msg);
			goto out;
		}
		if (said[0])
			printf("  change: %s\n", said);
	}
	if (!passes) {
		fprintf(stderr, "sekisho: allow: still blocked after %d changes; giving up\n",
		        MAX_STEPS);
		goto out;
	}
	if (strcmp(before, (after = dump(&d))) == 0) {
		puts("It already passes with this web ACL: nothing to change.");
		rc = EXIT_OK;
		goto out;
	}
	putchar('\n');
	print_diff(x.acl_path, before, after);
	if (!write) {
		printf("\nNothing written. Add --write to save it (the old file stays as %s.bak), "
		       "--reload to apply it.\n",
		       x.acl_path);
		rc = EXIT_OK;
		goto out;
	}
	if (write_file(x.acl_path, after))
		goto out;
	printf("\nWritten to %s (the old one is %s.bak).\n", x.acl_path, x.acl_path);
	rc = EXIT_OK;
	if (reload) {
		char adm[300];
		snprintf(adm, sizeof adm, "%s", admin);
		char *rargv[] = {"reload", "--admin", adm, NULL};
		rc = cmd_reload(3, rargv);
	}
out:
	free(before);
	free(after);
	json_decref(d.root);
	sk_arena_destroy(sa);
	sk_event_free(ev);
	return rc;
}
