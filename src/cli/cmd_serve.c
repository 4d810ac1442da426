/* sekisho serve: the reverse proxy; sekisho reload: ask a running one to
 * re-read its configuration. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "gateway/gateway.h"

static const char serve_usage[] =
    "usage: sekisho serve [options]\n"
    "\n"
    "Runs the gateway: inspects every request with the web ACL, forwards what passes\n"
    "to the upstream, answers 403 (or the rule's custom response) to the rest.\n"
    "SIGHUP (or sekisho reload) re-reads the configuration; SIGTERM drains and stops.\n"
    "\n"
    "  --config FILE            sekisho.yaml (docs/config.md); flags override it\n"
    "  --listen HOST:PORT       where clients connect (default 0.0.0.0:8080)\n"
    "  --upstream URL           the app, http://HOST:PORT (repeat for several)\n"
    "  --demo                   start a small built-in demo app as the upstream\n"
    "                           (and --explain)\n"
    "  --acl FILE               web ACL (AWS WAF v2 JSON); default: the built-in one\n"
    "  --resources DIR          IP sets, regex pattern sets, rule groups (JSON)\n"
    "  --lists DIR              IP list files of the reputation groups\n"
    "  --geoip FILE             MaxMind country database\n"
    "  --count-only             every Block becomes Count: log, never block\n"
    "  --workers N              worker threads (default: one per core)\n"
    "  --log FILE|-             AWS WAF log records (default: - for stdout)\n"
    "  --log-all                log allowed requests too (default: blocked and counted)\n"
    "  --explain                also say why in words on stderr, a line per block\n"
    "  --trusted-proxies CIDR,...  take the client from X-Forwarded-For behind these\n"
    "  --events STORE           event store: a SQLite file (default ./sekisho-events.db)\n"
    "  --no-events              no event store\n"
    "  --notify-webhook URL     alerts on blocks, Slack-format, to this URL\n"
    "  --tls-cert FILE --tls-key FILE  serve HTTPS (PEM certificate chain and key)\n"
    "  --admin HOST:PORT        /healthz, /metrics, POST /reload (default 127.0.0.1:9901)\n"
    "  --no-admin               no admin listener\n"
    "  --search-string-encoding base64|text\n";

typedef struct serve_args {
	int argc;
	char **argv;
} serve_args;

/* Applies the flags over cfg. Called at start and again at each reload,
 * so a reload re-reads the file with the same flags on top. */
static sk_status apply_flags(const serve_args *a, sk_gw_config *c, acl_opts *ao, sk_error *err)
{
	bool bad = false;
	const char *v;
	bool upstream_flag = false;
	for (int i = 0; i < a->argc; i++) {
		char **argv = a->argv;
		int argc = a->argc;
		sk_status st = SK_OK;
		if ((v = opt_value(argc, argv, &i, "--config", &bad)))
			continue; /* read first, by the caller */
		else if ((v = opt_value(argc, argv, &i, "--listen", &bad)))
			st = sk_gw_addr_parse(v, &c->listen, err);
		else if ((v = opt_value(argc, argv, &i, "--upstream", &bad))) {
			if (!upstream_flag) { /* flags replace the file's upstreams */
				for (size_t k = 0; k < c->nupstreams; k++)
					free(c->upstream_host_header[k]);
				c->nupstreams = 0;
				upstream_flag = true;
			}
			st = sk_gw_config_add_upstream(c, v, err);
		} else if ((v = opt_value(argc, argv, &i, "--workers", &bad))) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || n < 1 || n > 256)
				return sk_fail(err, SK_E_INVALID, "--workers: expected 1 to 256");
			c->workers = (unsigned)n;
		} else if ((v = opt_value(argc, argv, &i, "--log", &bad))) {
			free(c->log);
			c->log = strdup(v);
		} else if ((v = opt_value(argc, argv, &i, "--trusted-proxies", &bad))) {
			free(c->trusted);
			c->trusted = NULL;
			c->ntrusted = 0;
			st = sk_gw_trusted_parse(c, v, err);
		} else if ((v = opt_value(argc, argv, &i, "--events", &bad))) {
			free(c->events_store);
			c->events_store = strdup(v);
			c->events_on = true;
		} else if ((v = opt_value(argc, argv, &i, "--notify-webhook", &bad))) {
			if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
				return sk_fail(
				    err, SK_E_INVALID,
				    "--notify-webhook: expected an http:// or https:// URL");
			free(c->notify.slack_url);
			c->notify.slack_url = strdup(v);
		} else if (strcmp(argv[i], "--no-events") == 0) {
			c->events_on = false;
		} else if ((v = opt_value(argc, argv, &i, "--tls-cert", &bad))) {
			free(c->tls_cert);
			c->tls_cert = strdup(v);
		} else if ((v = opt_value(argc, argv, &i, "--tls-key", &bad))) {
			free(c->tls_key);
			c->tls_key = strdup(v);
		} else if ((v = opt_value(argc, argv, &i, "--admin", &bad))) {
			st = sk_gw_addr_parse(v, &c->admin, err);
		} else if (strcmp(argv[i], "--no-admin") == 0)
			c->admin_off = true;
		else if (strcmp(argv[i], "--log-all") == 0)
			c->log_all = true;
		else if (strcmp(argv[i], "--demo") == 0)
			c->demo = c->explain = true;
		else if (strcmp(argv[i], "--explain") == 0)
			c->explain = true;
		else {
			int r = acl_opts_parse(ao, argc, argv, &i);
			if (r < 0)
				return sk_fail(err, SK_E_INVALID, "bad option %s", argv[i]);
			if (r == 0)
				return sk_fail(err, SK_E_INVALID,
				               "unknown option \"%s\" (sekisho help serve)",
				               argv[i]);
		}
		if (bad)
			return sk_fail(err, SK_E_INVALID, "%s needs a value", argv[i]);
		if (st) {
			sk_error_prefix(err, "%s", argv[i - 1]);
			return st;
		}
	}
	/* ACL options from flags win over the file's. */
	if (ao->acl) {
		free(c->acl);
		c->acl = strdup(ao->acl);
	}
	if (ao->resources) {
		free(c->resources);
		c->resources = strdup(ao->resources);
	}
	if (ao->lists) {
		free(c->lists);
		c->lists = strdup(ao->lists);
	}
	if (ao->geoip) {
		free(c->geoip);
		c->geoip = strdup(ao->geoip);
	}
	c->count_only |= ao->count_only;
	return SK_OK;
}

static sk_status load_config(void *ctx, sk_gw_config *c, sk_error *err)
{
	const serve_args *a = ctx;
	sk_gw_config_init(c);
	bool bad = false;
	for (int i = 0; i < a->argc; i++) {
		const char *v = opt_value(a->argc, a->argv, &i, "--config", &bad);
		if (v) {
			sk_status st = sk_gw_config_load(c, v, err);
			if (st) {
				sk_gw_config_free(c);
				return st;
			}
		}
	}
	acl_opts ao = {0};
	sk_status st = apply_flags(a, c, &ao, err);
	if (st)
		sk_gw_config_free(c);
	return st;
}

static sk_status compile(void *ctx, const sk_gw_config *c, sk_program **out, sk_error *err)
{
	const serve_args *a = ctx;
	acl_opts ao = {0};
	/* The search string encoding flag is only known to the ACL options. */
	for (int i = 0; i < a->argc; i++) {
		bool bad = false;
		if (strcmp(a->argv[i], "--search-string-encoding") == 0 ||
		    strncmp(a->argv[i], "--search-string-encoding=", 25) == 0) {
			if (acl_opts_parse(&ao, a->argc, a->argv, &i) < 0)
				return sk_fail(err, SK_E_INVALID, "--search-string-encoding");
		} else if (opt_value(a->argc, a->argv, &i, "--config", &bad)) {
			continue;
		}
	}
	ao.acl = c->acl;
	ao.resources = c->resources;
	ao.lists = c->lists;
	ao.geoip = c->geoip;
	ao.count_only = c->count_only;
	ao.body_limit = c->body_limit;
	return compile_program(&ao, out, err);
}

static void notice(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "sekisho: %s\n", msg);
}

int cmd_serve(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(serve_usage, stdout);
			return EXIT_OK;
		}
	serve_args a = {argc - 1, argv + 1};
	sk_gw_hooks hooks = {
	    .ctx = &a, .load_config = load_config, .compile = compile, .notice = notice};
	sk_error err = {0};
	if (sk_gateway_run(&hooks, &err)) {
		fprintf(stderr, "sekisho: %s\n", err.msg);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

int cmd_reload(int argc, char **argv)
{
	const char *admin = "127.0.0.1:9901";
	for (int i = 1; i < argc; i++) {
		bool bad = false;
		const char *v;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			puts(
			    "usage: sekisho reload [--admin HOST:PORT]\n\n"
			    "Asks a running gateway to re-read its configuration and web ACL (the\n"
			    "same as SIGHUP). A bad new configuration is refused and the old one\n"
			    "keeps running; the gateway's log says which.");
			return EXIT_OK;
		}
		if ((v = opt_value(argc, argv, &i, "--admin", &bad)))
			admin = v;
		else {
			fprintf(stderr, "sekisho: unknown option \"%s\"\n", argv[i]);
			return EXIT_USAGE;
		}
		if (bad)
			return EXIT_USAGE;
	}
	char url[300];
	snprintf(url, sizeof url, "http://%s/reload", admin);
	CURL *h = curl_easy_init();
	if (!h)
		return EXIT_USAGE;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK || code != 202) {
		fprintf(stderr, "sekisho: reload: no gateway answered at %s (%s)\n", url,
		        rc != CURLE_OK ? curl_easy_strerror(rc) : "unexpected answer");
		return EXIT_USAGE;
	}
	printf("reload requested; the gateway's log says whether the new configuration took\n");
	return EXIT_OK;
}
