/* sekisho events: what the gateway blocked and counted, from its event
 * store: list and filter, one event's whole story, summaries. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/tally.h"
#include "gateway/config.h"
#include "ops/events.h"

static const char usage[] =
    "usage: sekisho events [list] [filters] [--json] [--limit N]\n"
    "       sekisho events show ID\n"
    "       sekisho events summary [filters]\n"
    "\n"
    "  --events STORE     the event store (default ./sekisho-events.db)\n"
    "  --since DURATION   only the last 1h, 30m, 7d...\n"
    "  --action ACTION    BLOCK, COUNT, ALLOW, CAPTCHA, CHALLENGE\n"
    "  --rule NAME        a rule (web ACL rule, group/rule, or the group rule's name)\n"
    "  --label LABEL      a label (full, or its last part)\n"
    "  --ip ADDRESS       the client\n"
    "  --path PREFIX      paths starting with this\n"
    "  --json             one JSON object a line, with its id\n"
    "  --limit N          the newest N (default 1000), printed oldest first\n";

static void when(int64_t ms, char *out, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static sk_status print_line(void *ctx, const sk_event *e)
{
	(void)ctx;
	char t[32];
	when(e->time_ms, t, sizeof t);
	printf("%-6lld %s %-9s %-15s ", (long long)e->id, t, e->action, e->client_ip);
	print_safe(stdout, e->method, 16);
	putchar(' ');
	print_safe(stdout, e->path, 120);
	if (*e->query) {
		putchar('?');
		print_safe(stdout, e->query, 80);
	}
	printf("  %s\n", *e->terminating_rule ? e->terminating_rule : "-");
	return SK_OK;
}

static json_t *parsed(const char *s)
{
	json_t *j = json_loads(s, JSON_DECODE_ANY, NULL);
	return j ? j : json_string(s);
}

static sk_status print_json(void *ctx, const sk_event *e)
{
	(void)ctx;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "time_ms", json_integer(e->time_ms));
	const struct {
		const char *k, *v;
	} f[] = {{"request_id", e->request_id},
	         {"client_ip", e->client_ip},
	         {"method", e->method},
	         {"host", e->host},
	         {"path", e->path},
	         {"query", e->query},
	         {"user_agent", e->user_agent},
	         {"action", e->action},
	         {"terminating_rule", e->terminating_rule},
	         {"field", e->field},
	         {"matched", e->matched},
	         {"reason", e->reason}};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		json_object_set_new(o, f[i].k, json_string(f[i].v));
	json_object_set_new(o, "rules", parsed(e->rules));
	json_object_set_new(o, "labels", parsed(e->labels));
	json_object_set_new(o, "request", parsed(e->request));
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		return SK_E_NOMEM;
	puts(s);
	free(s);
	return SK_OK;
}

static sk_status print_story(const char *store, const sk_event *e)
{
	char t[32];
	when(e->time_ms, t, sizeof t);
	printf("Event %lld at %s, request id %s\n", (long long)e->id, t, e->request_id);
	printf("  %s", e->action);
	if (*e->terminating_rule)
		printf(" by %s", e->terminating_rule);
	printf("\n  client %s", e->client_ip);
	if (*e->user_agent) {
		fputs(", user agent ", stdout);
		print_safe(stdout, e->user_agent, 200);
	}
	fputs("\n  ", stdout);
	print_safe(stdout, e->method, 16);
	fputs(" ", stdout);
	print_safe(stdout, e->host, 200);
	print_safe(stdout, e->path, 2000);
	if (*e->query) {
		putchar('?');
		print_safe(stdout, e->query, 2000);
	}
	puts("\n\nRules that matched, in the order they ran:");
	json_t *rules = json_loads(e->rules, 0, NULL);
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r)
	{
		printf("  %zu. %s  %s%s\n", i + 1, json_string_value(json_object_get(r, "rule")),
		       json_string_value(json_object_get(r, "action")),
		       json_is_true(json_object_get(r, "terminating")) ? " (terminating)" : "");
		size_t k;
		json_t *h;
		json_array_foreach(json_object_get(r, "hits"), k, h)
		{
			const char *why = json_string_value(json_object_get(h, "reason"));
			fputs("     ", stdout);
			print_safe(stdout, why ? why : "(matched)", 1000);
			putchar('\n');
		}
	}
	json_decref(rules);
	json_t *labels = json_loads(e->labels, 0, NULL);
	if (json_array_size(labels)) {
		puts("\nLabels:");
		json_t *l;
		json_array_foreach(labels, i, l) printf("  %s\n", json_string_value(l));
	}
	json_decref(labels);
	json_t *req = json_loads(e->request, 0, NULL);
	if (req) {
		puts("\nThe request (as stored; redacted headers say REDACTED):");
		fputs("  ", stdout);
		print_safe(stdout, json_string_value(json_object_get(req, "method")), 16);
		fputs(" ", stdout);
		print_safe(stdout, json_string_value(json_object_get(req, "path")), 4000);
		putchar('\n');
		json_t *h;
		json_array_foreach(json_object_get(req, "headers"), i, h)
		{
			fputs("  ", stdout);
			print_safe(stdout, json_string_value(json_array_get(h, 0)), 200);
			fputs(": ", stdout);
			print_safe(stdout, json_string_value(json_array_get(h, 1)), 1000);
			putchar('\n');
		}
		const char *body = json_string_value(json_object_get(req, "body"));
		if (body && *body) {
			fputs("\n  ", stdout);
			print_safe(stdout, body, 2000);
			putchar('\n');
		}
		json_decref(req);
	}
	printf(
	    "\nTo let requests like this through: sekisho allow %lld --events %s --acl ACL.json\n",
	    (long long)e->id, store);
	return SK_OK;
}

typedef struct show_ctx {
	const char *store;
	bool json;
	long n;
} show_ctx;

static sk_status show_one(void *ctx, const sk_event *e)
{
	show_ctx *c = ctx;
	c->n++;
	return c->json ? print_json(NULL, e) : print_story(c->store, e);
}

/* ---- summary ---- */

typedef struct summary {
	tallies rules, paths, ips, hours;
	long total;
} summary;

static sk_status add(void *ctx, const sk_event *e)
{
	summary *s = ctx;
	char h[32];
	time_t t = (time_t)(e->time_ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(h, sizeof h, "%Y-%m-%d %H:00", &tm);
	s->total++;
	tally_add(&s->rules, *e->terminating_rule ? e->terminating_rule : "(count only)", NULL);
	tally_add(&s->paths, e->path, NULL);
	tally_add(&s->ips, e->client_ip, NULL);
	if (strcmp(e->action, "BLOCK") == 0)
		tally_add(&s->hours, h, NULL);
	return SK_OK;
}

int cmd_events(int argc, char **argv)
{
	const char *store = "sekisho-events.db";
	sk_event_filter f = {.limit = 1000};
	bool json = false, limit_set = false;
	enum { LIST, SHOW, SUMMARY } mode = LIST;
	int i = 1;
	if (i < argc && strcmp(argv[i], "list") == 0)
		i++;
	else if (i < argc && strcmp(argv[i], "show") == 0) {
		mode = SHOW;
		if (++i >= argc) {
			fputs("sekisho: events show needs an event id\n", stderr);
			return EXIT_USAGE;
		}
		char *end;
		f.id = strtoll(argv[i], &end, 10);
		if (*end || f.id <= 0) {
			fprintf(stderr, "sekisho: events show: \"%s\" is not an event id\n",
			        argv[i]);
			return EXIT_USAGE;
		}
		i++;
	} else if (i < argc && strcmp(argv[i], "summary") == 0) {
		mode = SUMMARY;
		i++;
	}
	for (; i < argc; i++) {
		bool bad = false;
		const char *v;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return EXIT_OK;
		} else if ((v = opt_value(argc, argv, &i, "--events", &bad)))
			store = v;
		else if ((v = opt_value(argc, argv, &i, "--since", &bad))) {
			uint64_t ms;
			if (!sk_gw_parse_duration_ms(v, &ms)) {
				fprintf(
				    stderr,
				    "sekisho: --since: expected a duration such as 1h, 30m, 7d\n");
				return EXIT_USAGE;
			}
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			f.since_ms = (int64_t)ts.tv_sec * 1000 - (int64_t)ms;
		} else if ((v = opt_value(argc, argv, &i, "--action", &bad)))
			f.action = v;
		else if ((v = opt_value(argc, argv, &i, "--rule", &bad)))
			f.rule = v;
		else if ((v = opt_value(argc, argv, &i, "--label", &bad)))
			f.label = v;
		else if ((v = opt_value(argc, argv, &i, "--ip", &bad)))
			f.ip = v;
		else if ((v = opt_value(argc, argv, &i, "--path", &bad)))
			f.path = v;
		else if ((v = opt_value(argc, argv, &i, "--limit", &bad))) {
			char *end;
			f.limit = strtol(v, &end, 10);
			if (*end || f.limit < 1) {
				fprintf(stderr, "sekisho: --limit: expected a positive number\n");
				return EXIT_USAGE;
			}
			limit_set = true;
		} else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (!bad) {
			fprintf(stderr,
			        "sekisho: events: unknown option \"%s\" (sekisho help events)\n",
			        argv[i]);
			return EXIT_USAGE;
		}
		if (bad)
			return EXIT_USAGE;
	}
	if (mode == SUMMARY && !limit_set)
		f.limit = 0; /* every event in the window */
	sk_event_store *s;
	sk_error err = {0};
	if (sk_events_open_read(store, &s, &err)) {
		fprintf(stderr, "sekisho: %s\n", err.msg);
		return EXIT_USAGE;
	}
	sk_status st;
	int rc = EXIT_OK;
	if (mode == SHOW) {
		show_ctx c = {.store = store, .json = json};
		st = sk_events_query(s, &f, show_one, &c, &err);
		if (!st && c.n == 0) {
			fprintf(stderr, "sekisho: no event %lld in %s\n", (long long)f.id, store);
			rc = EXIT_USAGE;
		}
	} else if (mode == SUMMARY) {
		summary sum = {0};
		st = sk_events_query(s, &f, add, &sum, &err);
		if (!st) {
			printf("%ld events\n", sum.total);
			tally_print("Top rules", &sum.rules, 10, 0, 0);
			tally_print("Top paths", &sum.paths, 10, 0, 0);
			tally_print("Top client addresses", &sum.ips, 10, 0, 0);
			tally_print("Blocks per hour (UTC)", &sum.hours, 0, 0, 1);
		}
	} else {
		st = sk_events_query(s, &f, json ? print_json : print_line, NULL, &err);
	}
	if (st) {
		fprintf(stderr, "sekisho: %s\n", err.msg[0] ? err.msg : sk_strerror(st));
		rc = EXIT_USAGE;
	}
	sk_events_close(s);
	return rc;
}
