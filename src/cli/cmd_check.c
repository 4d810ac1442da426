/* sekisho check: would these requests be blocked by this web ACL, and why? */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/lines.h"
#include "cli/cli.h"
#include "rules/iplist.h"
#include "http/request.h"
#include "waf/report.h"

typedef struct check {
	sk_program *prog;
	sk_scratch *scratch;
	sk_arena *arena;
	bool json;
	const char *client_ip;
	int64_t now_ms; /* 0: the clock */
	sk_buf out;
	long blocked, errors, total;
} check;

static int64_t now_ms(const check *c)
{
	if (c->now_ms)
		return c->now_ms;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Prints the error record that keeps output line N answering input N. */
static void error_line(check *c, const char *where, const char *msg)
{
	fprintf(stderr, "sekisho: %s: %s\n", where, msg);
	c->errors++;
	if (!c->json) {
		printf("ERROR     %s: %s\n", where, msg);
		return;
	}
	fputs("{\"error\":\"", stdout);
	for (const char *p = msg; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f) /* keeps the record ASCII, so valid JSON */
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	fputs("\"}\n", stdout);
}

static void evaluate(check *c, sk_request *req, const char *where)
{
	sk_verdict v;
	sk_error err = {0};
	if (!req->client_ip[0] && c->client_ip)
		snprintf(req->client_ip, sizeof req->client_ip, "%s", c->client_ip);
	int64_t t = now_ms(c);
	if (sk_evaluate(c->prog, c->scratch, req, t, &v, &err)) {
		error_line(c, where, err.msg);
		return;
	}
	c->total++;
	if (v.action != SK_ACT_ALLOW)
		c->blocked++;
	sk_buf_clear(&c->out);
	sk_status st;
	if (c->json) {
		sk_log_options lo = {.timestamp_ms = t, .http_source_name = "-"};
		st = sk_log_record(c->prog, req, &v, &lo, &c->out);
	} else {
		st = sk_buf_printf(&c->out, "%s: ", where);
		if (!st)
			st = sk_explain(&v, &c->out);
	}
	if (st) {
		error_line(c, where, "the output record is too large");
		return;
	}
	printf("%.*s\n", (int)c->out.n, (char *)c->out.p);
}

static void check_file(check *c, const char *path)
{
	sk_buf b;
	sk_error err = {0};
	sk_buf_init(&b, SK_CAP_REQUEST_FILE);
	sk_arena_reset(c->arena);
	if (sk_buf_read_file(&b, path, &err)) {
		error_line(c, path, err.msg);
		sk_buf_free(&b);
		return;
	}
	sk_request req;
	sk_request_init(&req, c->arena);
	sk_http_limits lim;
	sk_http_limits_default(&lim);
	lim.max_body = SK_CAP_REQUEST_FILE;
	size_t used = 0;
	sk_status st = sk_http_parse_request(b.p ? b.p : (const uint8_t *)"", b.n,
	                                     SK_HTTP_LENIENT_EOL | SK_HTTP_BODY_TO_EOF, &lim, &req,
	                                     &used, &err);
	if (st == SK_AGAIN)
		error_line(c, path,
		           "not a complete HTTP request (the headers do not end, or the body "
		           "is shorter than its Content-Length)");
	else if (st)
		error_line(c, path, err.msg[0] ? err.msg : "not an HTTP/1.1 request");
	else
		evaluate(c, &req, path);
	sk_buf_free(&b);
}

static void check_jsonl(check *c, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		char msg[512];
		snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno));
		error_line(c, path, msg);
		return;
	}
	sk_lines r;
	sk_lines_init(&r, f, SK_CAP_JSONL_LINE);
	sk_str line;
	sk_status st;
	char where[4200];
	while ((st = sk_lines_next(&r, &line)) != SK_AGAIN) {
		snprintf(where, sizeof where, "%s:%zu", path, r.lineno);
		if (st == SK_E_IO) {
			error_line(c, where, "read error");
			break;
		}
		if (st == SK_E_LIMIT) {
			error_line(c, where, "line longer than the limit of 256 MiB");
			continue;
		}
		sk_arena_reset(c->arena);
		sk_request req;
		sk_error err = {0};
		sk_request_init(&req, c->arena);
		if (sk_request_from_json((const char *)line.p, line.n, &req, &err)) {
			error_line(c, where, err.msg);
			continue;
		}
		evaluate(c, &req, where);
	}
	sk_lines_free(&r);
	if (f != stdin)
		fclose(f);
}

static void usage(FILE *f)
{
	fputs(
	    "usage: sekisho check [options] REQUEST_FILE...\n"
	    "       sekisho check [options] --jsonl FILE|-\n"
	    "\n"
	    "Evaluates requests against a web ACL and says, for each, what it would do and why.\n"
	    "A REQUEST_FILE holds one raw HTTP/1.1 request (bare LF line ends are accepted);\n"
	    "--jsonl reads one JSON request a line: {\"method\", \"path\", \"headers\", \"body\",\n"
	    "\"client_ip\"}.\n"
	    "\n"
	    "  --acl FILE            web ACL JSON (as `aws wafv2 get-web-acl` prints it, or\n"
	    "                        unwrapped); default: the built-in default ACL\n"
	    "  --resources DIR       IP sets, regex pattern sets and rule groups, as JSON files\n"
	    "  --search-string-encoding base64|text\n"
	    "                        how to read ByteMatch SearchString (default: base64 in\n"
	    "                        CLI-wrapped documents, text otherwise)\n"
	    "  --format text|json    one line of words, or one AWS WAF log record (default text)\n"
	    "  --client-ip ADDR      client address for requests that carry none\n"
	    "  --geoip FILE          MaxMind country database for GeoMatch\n"
	    "  --lists DIR           IP list files (default " SK_LISTS_DIR_DEFAULT ")\n"
	    "  --count-only          every Block becomes Count (try rules before enforcing)\n"
	    "  --now MS              evaluate at this time, ms since 1970 (reproducible output)\n"
	    "  --fail-on-block       exit 1 when any request is not allowed\n"
	    "\n"
	    "Exit: 0 done, 1 something was blocked (with --fail-on-block), 2 usage, config or\n"
	    "input errors (the other requests are still evaluated).\n",
	    f);
}

int cmd_check(int argc, char **argv)
{
	acl_opts ao = {0};
	check c = {0};
	const char *jsonl = NULL;
	bool fail_on_block = false, bad = false;
	char **files = calloc((size_t)argc, sizeof *files);
	int nfiles = 0;
	if (!files)
		return EXIT_USAGE;
	for (int i = 1; i < argc; i++) {
		const char *v;
		int r = acl_opts_parse(&ao, argc, argv, &i);
		if (r < 0)
			goto usage_error;
		if (r > 0)
			continue;
		if ((v = opt_value(argc, argv, &i, "--format", &bad))) {
			if (strcmp(v, "json") == 0)
				c.json = true;
			else if (strcmp(v, "text") != 0) {
				fprintf(stderr,
				        "sekisho: --format: expected text or json, found \"%s\"\n",
				        v);
				goto usage_error;
			}
		} else if ((v = opt_value(argc, argv, &i, "--jsonl", &bad))) {
			jsonl = v;
		} else if ((v = opt_value(argc, argv, &i, "--client-ip", &bad))) {
			c.client_ip = v;
		} else if ((v = opt_value(argc, argv, &i, "--now", &bad))) {
			char *end;
			c.now_ms = strtoll(v, &end, 10);
			if (*end || c.now_ms <= 0) {
				fprintf(stderr,
				        "sekisho: --now: expected milliseconds since 1970\n");
				goto usage_error;
			}
		} else if (strcmp(argv[i], "--fail-on-block") == 0) {
			fail_on_block = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			free(files);
			return EXIT_OK;
		} else if (bad) {
			goto usage_error;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "sekisho check: unknown option %s\n", argv[i]);
			goto usage_error;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (!nfiles && !jsonl) {
		fprintf(stderr, "sekisho check: give request files or --jsonl FILE\n");
		goto usage_error;
	}
	int rc = load_program(&ao, &c.prog);
	if (rc) {
		free(files);
		return rc;
	}
	c.arena = sk_arena_create(64 << 10, 0);
	if (!c.arena || sk_scratch_create(c.prog, &c.scratch)) {
		fprintf(stderr, "sekisho: out of memory\n");
		sk_program_free(c.prog);
		sk_arena_destroy(c.arena);
		free(files);
		return EXIT_USAGE;
	}
	sk_buf_init(&c.out, SK_CAP_LOG_RECORD);
	for (int i = 0; i < nfiles; i++)
		check_file(&c, files[i]);
	if (jsonl)
		check_jsonl(&c, jsonl);
	fflush(stdout);
	sk_buf_free(&c.out);
	sk_scratch_free(c.scratch);
	sk_arena_destroy(c.arena);
	sk_program_free(c.prog);
	free(files);
	if (c.errors)
		return EXIT_USAGE;
	return fail_on_block && c.blocked ? EXIT_BLOCKED : EXIT_OK;
usage_error:
	free(files);
	fprintf(stderr, "Try: sekisho help check\n");
	return EXIT_USAGE;
}
