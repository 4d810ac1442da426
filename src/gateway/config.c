/* Gateway configuration: defaults, the YAML file, value parsers. */
#include "gateway/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/yaml.h"
#include "waf/ipaddr.h"

void sk_gw_config_init(sk_gw_config *c)
{
	memset(c, 0, sizeof *c);
	sk_error e;
	if (sk_gw_addr_parse("0.0.0.0:8080", &c->listen, &e) ||
	    sk_gw_addr_parse("127.0.0.1:9901", &c->admin, &e))
		abort(); /* literal addresses always parse */
	c->body_limit = (size_t)1 << 20;
	c->body_buffer = (size_t)8 << 20;
	c->buffer_budget = (size_t)256 << 20;
	c->on_error = SK_GW_ON_ERROR_BLOCK;
	c->max_inflate_ratio = 100;
	c->max_request_line = (size_t)8 << 10;
	c->max_header_bytes = (size_t)32 << 10;
	c->max_headers = 100;
	c->max_body = (uint64_t)1 << 30;
	c->max_connections = 20000;
	c->header_timeout = 10000;
	c->body_timeout = 30000;
	c->body_min_rate = 500;
	c->idle_timeout = 60000;
	c->drain_timeout = 30000;
	c->upstream_connect_timeout = 5000;
	c->upstream_timeout = 60000;
	c->upstream_keepalive = 64;
	c->request_id_header = strdup("X-Request-Id");
	c->log = strdup("-");
	c->events_on = true;
	c->events_store = strdup("sekisho-events.db");
	c->events_retention = (uint64_t)30 * 86400 * 1000;
	c->events_max = 1000000;
	sk_notify_config_init(&c->notify);
	c->redact = calloc(2, sizeof *c->redact);
	if (!c->request_id_header || !c->log || !c->redact)
		abort();
	c->redact[c->nredact++] = strdup("authorization");
	c->redact[c->nredact++] = strdup("cookie");
}

void sk_gw_config_free(sk_gw_config *c)
{
	free(c->file);
	for (size_t i = 0; i < c->nupstreams; i++)
		free(c->upstream_host_header[i]);
	free(c->acl);
	free(c->resources);
	free(c->lists);
	free(c->geoip);
	free(c->trusted);
	free(c->request_id_header);
	free(c->log);
	for (size_t i = 0; i < c->nredact; i++)
		free(c->redact[i]);
	free(c->redact);
	free(c->events_store);
	sk_notify_config_free(&c->notify);
	free(c->tls_cert);
	free(c->tls_key);
	memset(c, 0, sizeof *c);
}

static sk_status resolve(const char *host, uint16_t port, sk_gw_addr *out, sk_error *err)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	char ps[8];
	snprintf(ps, sizeof ps, "%u", port);
	int rc = getaddrinfo(*host ? host : NULL, ps, &hints, &res);
	if (rc != 0 || !res)
		return sk_fail(err, SK_E_INVALID, "cannot resolve \"%s\": %s", host,
		               gai_strerror(rc));
	memcpy(&out->sa, res->ai_addr, res->ai_addrlen);
	out->salen = res->ai_addrlen;
	freeaddrinfo(res);
	return SK_OK;
}

sk_status sk_gw_addr_parse(const char *s, sk_gw_addr *out, sk_error *err)
{
	memset(out, 0, sizeof *out);
	const char *colon;
	size_t hn;
	const char *h = s;
	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return sk_fail(err, SK_E_INVALID, "\"%s\": expected [IPv6]:PORT", s);
		h = s + 1;
		hn = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return sk_fail(err, SK_E_INVALID, "\"%s\": expected HOST:PORT", s);
		hn = (size_t)(colon - s);
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 1 || port > 65535)
		return sk_fail(err, SK_E_INVALID, "\"%s\": expected a port from 1 to 65535", s);
	if (hn >= sizeof out->host)
		return sk_fail(err, SK_E_INVALID, "\"%s\": host name too long", s);
	memcpy(out->host, h, hn);
	out->host[hn] = 0;
	out->port = (uint16_t)port;
	if (hn == 0)
		snprintf(out->host, sizeof out->host, "0.0.0.0");
	return resolve(out->host, out->port, out, err);
}

sk_status sk_gw_upstream_parse(const char *url, sk_gw_addr *out, sk_error *err)
{
	if (strncmp(url, "https://", 8) == 0)
		return sk_fail(err, SK_E_UNSUPPORTED,
		               "\"%s\": upstreams are plain http:// (TLS to the upstream is not "
		               "supported; the gateway sits beside the app)",
		               url);
	if (strncmp(url, "http://", 7) != 0)
		return sk_fail(err, SK_E_INVALID, "\"%s\": expected http://HOST[:PORT]", url);
	const char *a = url + 7;
	size_t n = strcspn(a, "/");
	if (a[n] && strcmp(a + n, "/") != 0)
		return sk_fail(err, SK_E_UNSUPPORTED,
		               "\"%s\": an upstream URL has no path (requests keep theirs)", url);
	char hp[300];
	if (n == 0 || n >= sizeof hp - 4)
		return sk_fail(err, SK_E_INVALID, "\"%s\": expected http://HOST[:PORT]", url);
	memcpy(hp, a, n);
	hp[n] = 0;
	/* Without a port: 80. */
	const char *rb = strrchr(hp, ']');
	const char *lc = strrchr(hp, ':');
	if (!lc || (rb && lc < rb) || (!rb && strchr(hp, ':') != lc))
		strcat(hp, ":80");
	sk_status st = sk_gw_addr_parse(hp, out, err);
	if (st)
		sk_error_prefix(err, "upstream");
	return st;
}

sk_status sk_gw_config_add_upstream(sk_gw_config *c, const char *url, sk_error *err)
{
	if (c->nupstreams == SK_GW_MAX_UPSTREAMS)
		return sk_fail(err, SK_E_LIMIT, "more than %d upstreams", SK_GW_MAX_UPSTREAMS);
	sk_status st = sk_gw_upstream_parse(url, &c->upstreams[c->nupstreams], err);
	if (st)
		return st;
	c->upstream_host_header[c->nupstreams++] = strdup(url + 7);
	return SK_OK;
}

/* A CIDR range, or a bare address as a /32 or /128. */
static bool address_or_range(const char *t, sk_ip_range *out)
{
	char buf[80];
	if (strchr(t, '/'))
		snprintf(buf, sizeof buf, "%s", t);
	else
		snprintf(buf, sizeof buf, "%s/%d", t, strchr(t, ':') ? 128 : 32);
	return sk_cidr_parse(buf, out);
}

sk_status sk_gw_trusted_parse(sk_gw_config *c, const char *list, sk_error *err)
{
	char *copy = strdup(list), *save = NULL;
	if (!copy)
		return sk_fail(err, SK_E_NOMEM, "out of memory");
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		sk_ip_range r;
		if (!address_or_range(t, &r)) {
			sk_status st =
			    sk_fail(err, SK_E_INVALID,
			            "trusted_proxies: \"%s\" is not an address or CIDR range", t);
			free(copy);
			return st;
		}
		sk_ip_range *nr = realloc(c->trusted, (c->ntrusted + 1) * sizeof *nr);
		if (!nr) {
			free(copy);
			return sk_fail(err, SK_E_NOMEM, "out of memory");
		}
		c->trusted = nr;
		c->trusted[c->ntrusted++] = r;
		sk_ip_ranges_sort(c->trusted, c->ntrusted); /* lookups search */
	}
	free(copy);
	return SK_OK;
}

sk_status sk_gw_config_check(const sk_gw_config *c, sk_error *err)
{
	if (c->nupstreams == 0 && !c->demo)
		return sk_fail(
		    err, SK_E_INVALID,
		    "no upstream: give --upstream http://HOST:PORT (or upstreams: in the "
		    "config file, or --demo)");
	if (!c->tls_cert != !c->tls_key)
		return sk_fail(err, SK_E_INVALID, "tls: cert and key go together");
	if (c->body_buffer < c->body_limit + 1)
		return sk_fail(err, SK_E_INVALID,
		               "inspection.body_buffer (%zu) must be larger than "
		               "inspection.body_limit (%zu): the body is buffered, then inspected",
		               c->body_buffer, c->body_limit);
	return SK_OK;
}

bool sk_gw_parse_size(const char *s, uint64_t *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	unsigned long long v = strtoull(s, &end, 10);
	static const struct {
		const char *suffix;
		uint64_t mul;
	} units[] = {{"", 1},         {"B", 1},         {"KB", 1000},       {"KiB", 1024},
	             {"MB", 1000000}, {"MiB", 1 << 20}, {"GB", 1000000000}, {"GiB", 1 << 30},
	             {"k", 1024},     {"K", 1024},      {"M", 1 << 20},     {"G", 1 << 30}};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].suffix) == 0) {
			if (v > UINT64_MAX / units[i].mul)
				return false;
			*out = v * units[i].mul;
			return true;
		}
	return false;
}

bool sk_gw_parse_duration_ms(const char *s, uint64_t *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t mul;
	if (strcmp(end, "ms") == 0)
		mul = 1;
	else if (*end == 0 || strcmp(end, "s") == 0)
		mul = 1000;
	else if (strcmp(end, "m") == 0)
		mul = 60000;
	else if (strcmp(end, "h") == 0)
		mul = 3600000;
	else if (strcmp(end, "d") == 0)
		mul = 86400000;
	else
		return false;
	if (v > UINT64_MAX / mul / 2)
		return false;
	*out = v * mul;
	return true;
}

/* ---- the YAML file ---- */

typedef struct reader {
	const char *file;
	sk_error *err;
} reader;

/* YAML scalars arrive as strings (base/yaml.h). */
static sk_status want_string(reader *r, json_t *v, const char *key, const char **out)
{
	if (!json_is_string(v))
		return sk_fail(r->err, SK_E_INVALID, "%s: %s: expected a single value", r->file,
		               key);
	*out = json_string_value(v);
	return SK_OK;
}

static sk_status set_string(reader *r, json_t *v, const char *key, char **out)
{
	const char *s = NULL;
	sk_status st = want_string(r, v, key, &s);
	if (st)
		return st;
	free(*out);
	*out = strdup(s);
	return *out ? SK_OK : sk_fail(r->err, SK_E_NOMEM, "out of memory");
}

static sk_status set_bool(reader *r, json_t *v, const char *key, bool *out)
{
	const char *s = NULL;
	sk_status st = want_string(r, v, key, &s);
	if (st)
		return st;
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
		*out = true;
	else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
		*out = false;
	else
		return sk_fail(r->err, SK_E_INVALID, "%s: %s: expected true or false, found \"%s\"",
		               r->file, key, s);
	return SK_OK;
}

static sk_status set_size(reader *r, json_t *v, const char *key, size_t *out)
{
	const char *s = NULL;
	uint64_t n;
	sk_status st = want_string(r, v, key, &s);
	if (st)
		return st;
	if (!sk_gw_parse_size(s, &n) || n > SIZE_MAX)
		return sk_fail(r->err, SK_E_INVALID,
		               "%s: %s: expected a size such as 1MiB, 64KiB or 4096, found \"%s\"",
		               r->file, key, s);
	*out = (size_t)n;
	return SK_OK;
}

static sk_status set_ms(reader *r, json_t *v, const char *key, uint64_t *out)
{
	const char *s = NULL;
	sk_status st = want_string(r, v, key, &s);
	if (st)
		return st;
	if (!sk_gw_parse_duration_ms(s, out))
		return sk_fail(r->err, SK_E_INVALID,
		               "%s: %s: expected a duration such as 10s, 500ms or 2m, found \"%s\"",
		               r->file, key, s);
	return SK_OK;
}

static sk_status set_addr(reader *r, json_t *v, const char *key, sk_gw_addr *out)
{
	const char *s = NULL;
	sk_status st = want_string(r, v, key, &s);
	if (!st && (st = sk_gw_addr_parse(s, out, r->err)))
		sk_error_prefix(r->err, "%s: %s", r->file, key);
	return st;
}

/* A mapping's keys, each checked against the names a section knows, so a
 * typo is an error rather than a silently ignored setting. */
static sk_status known_keys(reader *r, json_t *obj, const char *section, const char *const *names)
{
	const char *k;
	json_t *v;
	if (!json_is_object(obj))
		return sk_fail(r->err, SK_E_INVALID, "%s: %s: expected a mapping", r->file,
		               section);
	json_object_foreach(obj, k, v)
	{
		bool ok = false;
		for (const char *const *n = names; *n && !ok; n++)
			ok = strcmp(*n, k) == 0;
		if (!ok)
			return sk_fail(r->err, SK_E_INVALID,
			               "%s: %s%s%s: unknown key (see docs/config.md)", r->file,
			               section ? section : "", section ? "." : "", k);
	}
	return SK_OK;
}

static sk_status read_upstreams(reader *r, sk_gw_config *c, json_t *v)
{
	sk_status st;
	if (json_is_string(v)) {
		if ((st = sk_gw_config_add_upstream(c, json_string_value(v), r->err)))
			sk_error_prefix(r->err, "%s: upstreams", r->file);
		return st;
	}
	if (!json_is_array(v) || json_array_size(v) == 0)
		return sk_fail(r->err, SK_E_INVALID,
		               "%s: upstreams: expected a list of http:// URLs", r->file);
	size_t i;
	json_t *u;
	json_array_foreach(v, i, u)
	{
		if (!json_is_string(u))
			return sk_fail(r->err, SK_E_INVALID, "%s: upstreams[%zu]: expected a URL",
			               r->file, i);
		if ((st = sk_gw_config_add_upstream(c, json_string_value(u), r->err))) {
			sk_error_prefix(r->err, "%s: upstreams[%zu]", r->file, i);
			return st;
		}
	}
	return SK_OK;
}

static sk_status read_list(reader *r, json_t *v, const char *key, char ***out, size_t *n)
{
	if (!json_is_array(v))
		return sk_fail(r->err, SK_E_INVALID, "%s: %s: expected a list", r->file, key);
	for (size_t i = 0; i < *n; i++)
		free((*out)[i]);
	free(*out);
	*n = 0;
	*out = calloc(json_array_size(v) + 1, sizeof **out);
	if (!*out)
		return sk_fail(r->err, SK_E_NOMEM, "out of memory");
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e))
			return sk_fail(r->err, SK_E_INVALID, "%s: %s[%zu]: expected a name",
			               r->file, key, i);
		(*out)[(*n)++] = strdup(json_string_value(e));
	}
	return SK_OK;
}

static sk_status set_url(reader *r, json_t *v, const char *key, char **out)
{
	sk_status st = set_string(r, v, key, out);
	if (!st && strncmp(*out, "http://", 7) != 0 && strncmp(*out, "https://", 8) != 0)
		return sk_fail(r->err, SK_E_INVALID, "%s: %s: expected an http:// or https:// URL",
		               r->file, key);
	return st;
}

static sk_status read_notify(reader *r, sk_notify_config *n, json_t *s, const char *const *ntk,
                             const char *const *mailk, const char *const *silk)
{
	sk_status st;
	json_t *v, *m;
#define TRY(x)                                                                                     \
	do {                                                                                       \
		if ((st = (x)))                                                                    \
			return st;                                                                 \
	} while (0)
	TRY(known_keys(r, s, "notify", ntk));
	if ((v = json_object_get(s, "slack_webhook")))
		TRY(set_url(r, v, "notify.slack_webhook", &n->slack_url));
	if ((v = json_object_get(s, "webhook")))
		TRY(set_url(r, v, "notify.webhook", &n->webhook_url));
	if ((v = json_object_get(s, "window")))
		TRY(set_ms(r, v, "notify.window", &n->window_ms));
	if ((v = json_object_get(s, "max_per_minute"))) {
		size_t k;
		TRY(set_size(r, v, "notify.max_per_minute", &k));
		if (k < 1 || k > 100000)
			return sk_fail(r->err, SK_E_INVALID,
			               "%s: notify.max_per_minute: 1 to 100000", r->file);
		n->max_per_minute = (unsigned)k;
	}
	if ((m = json_object_get(s, "email"))) {
		TRY(known_keys(r, m, "notify.email", mailk));
		if ((v = json_object_get(m, "smtp_url"))) {
			TRY(set_string(r, v, "notify.email.smtp_url", &n->smtp_url));
			if (strncmp(n->smtp_url, "smtp://", 7) &&
			    strncmp(n->smtp_url, "smtps://", 8))
				return sk_fail(
				    r->err, SK_E_INVALID,
				    "%s: notify.email.smtp_url: expected smtp://HOST:PORT or "
				    "smtps://HOST:PORT",
				    r->file);
		}
		if ((v = json_object_get(m, "from")))
			TRY(set_string(r, v, "notify.email.from", &n->mail_from));
		if ((v = json_object_get(m, "username")))
			TRY(set_string(r, v, "notify.email.username", &n->smtp_user));
		if ((v = json_object_get(m, "password")))
			TRY(set_string(r, v, "notify.email.password", &n->smtp_password));
		if ((v = json_object_get(m, "to")))
			TRY(read_list(r, v, "notify.email.to", &n->mail_to, &n->nmail_to));
		if (n->smtp_url && !n->nmail_to)
			return sk_fail(r->err, SK_E_INVALID,
			               "%s: notify.email.to: expected addresses", r->file);
	}
	if ((m = json_object_get(s, "silence"))) {
		TRY(known_keys(r, m, "notify.silence", silk));
		if ((v = json_object_get(m, "labels")))
			TRY(read_list(r, v, "notify.silence.labels", &n->silence_labels,
			              &n->nsilence_labels));
		if ((v = json_object_get(m, "rules")))
			TRY(read_list(r, v, "notify.silence.rules", &n->silence_rules,
			              &n->nsilence_rules));
		if ((v = json_object_get(m, "paths")))
			TRY(read_list(r, v, "notify.silence.paths", &n->silence_paths,
			              &n->nsilence_paths));
		if ((v = json_object_get(m, "ips"))) {
			size_t i;
			json_t *e;
			if (!json_is_array(v))
				return sk_fail(
				    r->err, SK_E_INVALID,
				    "%s: notify.silence.ips: expected a list of CIDR ranges",
				    r->file);
			json_array_foreach(v, i, e)
			{
				sk_ip_range range;
				const char *t = json_string_value(e);
				if (!t || !address_or_range(t, &range))
					return sk_fail(
					    r->err, SK_E_INVALID,
					    "%s: notify.silence.ips[%zu]: expected an address or "
					    "CIDR range",
					    r->file, i);
				sk_ip_range *nr =
				    realloc(n->silence_ips, (n->nsilence_ips + 1) * sizeof *nr);
				if (!nr)
					return sk_fail(r->err, SK_E_NOMEM, "out of memory");
				n->silence_ips = nr;
				n->silence_ips[n->nsilence_ips++] = range;
			}
			sk_ip_ranges_sort(n->silence_ips, n->nsilence_ips);
		}
	}
#undef TRY
	return SK_OK;
}

static sk_status read_root(reader *r, sk_gw_config *c, json_t *root)
{
	static const char *const top[] = {"listen",
	                                  "upstreams",
	                                  "acl",
	                                  "resources",
	                                  "lists",
	                                  "geoip",
	                                  "count_only",
	                                  "workers",
	                                  "inspection",
	                                  "limits",
	                                  "timeouts",
	                                  "trusted_proxies",
	                                  "request_id_header",
	                                  "log",
	                                  "admin",
	                                  "tls",
	                                  "events",
	                                  "notify",
	                                  NULL};
	static const char *const insp[] = {"body_limit", "body_buffer",       "buffer_budget",
	                                   "on_error",   "unknown_encodings", "max_inflate_ratio",
	                                   NULL};
	static const char *const lim[] = {"max_request_line", "max_header_bytes", "max_headers",
	                                  "max_body",         "max_connections",  NULL};
	static const char *const tmo[] = {"body_min_rate", "header",           "body",     "idle",
	                                  "drain",         "upstream_connect", "upstream", NULL};
	static const char *const logk[] = {"file", "all", "redact", "explain", NULL};
	static const char *const admk[] = {"listen", "enabled", NULL};
	static const char *const tlsk[] = {"cert", "key", NULL};
	static const char *const ntk[] = {"slack_webhook",  "webhook", "email", "window",
	                                  "max_per_minute", "silence", NULL};
	static const char *const mailk[] = {"smtp_url", "from", "to", "username", "password", NULL};
	static const char *const silk[] = {"labels", "rules", "paths", "ips", NULL};
	static const char *const evk[] = {"store",      "enabled",        "retention",
	                                  "max_events", "sample_allowed", NULL};
	sk_status st;
	json_t *v, *s;
	if ((st = known_keys(r, root, NULL, top)))
		return st;
#define GET(obj, k) ((v = json_object_get(obj, k)) != NULL)
#define TRY(x)                                                                                     \
	do {                                                                                       \
		if ((st = (x)))                                                                    \
			return st;                                                                 \
	} while (0)
	if (GET(root, "listen"))
		TRY(set_addr(r, v, "listen", &c->listen));
	if (GET(root, "upstreams"))
		TRY(read_upstreams(r, c, v));
	if (GET(root, "acl"))
		TRY(set_string(r, v, "acl", &c->acl));
	if (GET(root, "resources"))
		TRY(set_string(r, v, "resources", &c->resources));
	if (GET(root, "geoip"))
		TRY(set_string(r, v, "geoip", &c->geoip));
	if (GET(root, "lists")) { /* shared with "sekisho lists update": lists.dir */
		json_t *d = json_is_object(v) ? json_object_get(v, "dir") : NULL;
		if (d)
			TRY(set_string(r, d, "lists.dir", &c->lists));
	}
	if (GET(root, "count_only"))
		TRY(set_bool(r, v, "count_only", &c->count_only));
	if (GET(root, "workers")) {
		size_t n;
		TRY(set_size(r, v, "workers", &n));
		if (n > 256)
			return sk_fail(r->err, SK_E_INVALID, "%s: workers: at most 256", r->file);
		c->workers = (unsigned)n;
	}
	if ((s = json_object_get(root, "inspection"))) {
		TRY(known_keys(r, s, "inspection", insp));
		if (GET(s, "body_limit"))
			TRY(set_size(r, v, "inspection.body_limit", &c->body_limit));
		if (GET(s, "body_buffer"))
			TRY(set_size(r, v, "inspection.body_buffer", &c->body_buffer));
		if (GET(s, "buffer_budget"))
			TRY(set_size(r, v, "inspection.buffer_budget", &c->buffer_budget));
		if (GET(s, "max_inflate_ratio")) {
			size_t ratio;
			TRY(set_size(r, v, "inspection.max_inflate_ratio", &ratio));
			if (ratio < 2 || ratio > 100000)
				return sk_fail(
				    r->err, SK_E_INVALID,
				    "%s: inspection.max_inflate_ratio: expected 2 to 100000",
				    r->file);
			c->max_inflate_ratio = (unsigned)ratio;
		}
		if (GET(s, "unknown_encodings")) {
			const char *m = NULL;
			TRY(want_string(r, v, "inspection.unknown_encodings", &m));
			if (strcmp(m, "refuse") == 0)
				c->pass_unknown_encodings = false;
			else if (strcmp(m, "pass") == 0)
				c->pass_unknown_encodings = true;
			else
				return sk_fail(
				    r->err, SK_E_INVALID,
				    "%s: inspection.unknown_encodings: expected refuse or pass",
				    r->file);
		}
		if (GET(s, "on_error")) {
			const char *m = NULL;
			TRY(want_string(r, v, "inspection.on_error", &m));
			if (strcmp(m, "block") == 0)
				c->on_error = SK_GW_ON_ERROR_BLOCK;
			else if (strcmp(m, "allow") == 0)
				c->on_error = SK_GW_ON_ERROR_ALLOW;
			else
				return sk_fail(r->err, SK_E_INVALID,
				               "%s: inspection.on_error: expected block or allow",
				               r->file);
		}
	}
	if ((s = json_object_get(root, "limits"))) {
		TRY(known_keys(r, s, "limits", lim));
		if (GET(s, "max_request_line"))
			TRY(set_size(r, v, "limits.max_request_line", &c->max_request_line));
		if (GET(s, "max_header_bytes"))
			TRY(set_size(r, v, "limits.max_header_bytes", &c->max_header_bytes));
		if (GET(s, "max_headers"))
			TRY(set_size(r, v, "limits.max_headers", &c->max_headers));
		if (GET(s, "max_connections"))
			TRY(set_size(r, v, "limits.max_connections", &c->max_connections));
		if (GET(s, "max_body")) {
			size_t mb;
			TRY(set_size(r, v, "limits.max_body", &mb));
			c->max_body = mb;
		}
	}
	if ((s = json_object_get(root, "timeouts"))) {
		TRY(known_keys(r, s, "timeouts", tmo));
		if (GET(s, "header"))
			TRY(set_ms(r, v, "timeouts.header", &c->header_timeout));
		if (GET(s, "body"))
			TRY(set_ms(r, v, "timeouts.body", &c->body_timeout));
		if (GET(s, "body_min_rate")) {
			size_t rate;
			TRY(set_size(r, v, "timeouts.body_min_rate", &rate));
			c->body_min_rate = rate;
		}
		if (GET(s, "idle"))
			TRY(set_ms(r, v, "timeouts.idle", &c->idle_timeout));
		if (GET(s, "drain"))
			TRY(set_ms(r, v, "timeouts.drain", &c->drain_timeout));
		if (GET(s, "upstream_connect"))
			TRY(set_ms(r, v, "timeouts.upstream_connect",
			           &c->upstream_connect_timeout));
		if (GET(s, "upstream"))
			TRY(set_ms(r, v, "timeouts.upstream", &c->upstream_timeout));
	}
	if (GET(root, "trusted_proxies")) {
		size_t i;
		json_t *e;
		if (!json_is_array(v))
			return sk_fail(r->err, SK_E_INVALID,
			               "%s: trusted_proxies: expected a list of CIDR ranges",
			               r->file);
		json_array_foreach(v, i, e)
		{
			if (!json_is_string(e))
				return sk_fail(r->err, SK_E_INVALID,
				               "%s: trusted_proxies[%zu]: expected a CIDR range",
				               r->file, i);
			if ((st = sk_gw_trusted_parse(c, json_string_value(e), r->err))) {
				sk_error_prefix(r->err, "%s: trusted_proxies[%zu]", r->file, i);
				return st;
			}
		}
	}
	if (GET(root, "request_id_header"))
		TRY(set_string(r, v, "request_id_header", &c->request_id_header));
	if ((s = json_object_get(root, "log"))) {
		TRY(known_keys(r, s, "log", logk));
		if (GET(s, "file"))
			TRY(set_string(r, v, "log.file", &c->log));
		if (GET(s, "all"))
			TRY(set_bool(r, v, "log.all", &c->log_all));
		if (GET(s, "explain"))
			TRY(set_bool(r, v, "log.explain", &c->explain));
		if (GET(s, "redact"))
			TRY(read_list(r, v, "log.redact", &c->redact, &c->nredact));
	}
	if ((s = json_object_get(root, "admin"))) {
		TRY(known_keys(r, s, "admin", admk));
		if (GET(s, "listen"))
			TRY(set_addr(r, v, "admin.listen", &c->admin));
		if (GET(s, "enabled")) {
			bool on;
			TRY(set_bool(r, v, "admin.enabled", &on));
			c->admin_off = !on;
		}
	}
	if ((s = json_object_get(root, "events"))) {
		TRY(known_keys(r, s, "events", evk));
		if (GET(s, "store"))
			TRY(set_string(r, v, "events.store", &c->events_store));
		if (GET(s, "enabled"))
			TRY(set_bool(r, v, "events.enabled", &c->events_on));
		if (GET(s, "retention"))
			TRY(set_ms(r, v, "events.retention", &c->events_retention));
		if (GET(s, "max_events"))
			TRY(set_size(r, v, "events.max_events", &c->events_max));
		if (GET(s, "sample_allowed")) {
			const char *f = NULL;
			char *end;
			TRY(want_string(r, v, "events.sample_allowed", &f));
			double d = strtod(f, &end);
			if (*end || end == f || d < 0 || d > 1)
				return sk_fail(
				    r->err, SK_E_INVALID,
				    "%s: events.sample_allowed: expected a fraction from 0 to 1, "
				    "found \"%s\"",
				    r->file, f);
			c->events_sample = d;
		}
	}
	if ((s = json_object_get(root, "notify")))
		TRY(read_notify(r, &c->notify, s, ntk, mailk, silk));
	if ((s = json_object_get(root, "tls"))) {
		TRY(known_keys(r, s, "tls", tlsk));
		if (GET(s, "cert"))
			TRY(set_string(r, v, "tls.cert", &c->tls_cert));
		if (GET(s, "key"))
			TRY(set_string(r, v, "tls.key", &c->tls_key));
	}
#undef GET
#undef TRY
	return SK_OK;
}

sk_status sk_gw_config_load(sk_gw_config *c, const char *path, sk_error *err)
{
	json_t *root = NULL;
	sk_status st = sk_yaml_load_file(path, &root, err);
	if (st)
		return st;
	reader r = {.file = path, .err = err};
	if (json_is_null(root) || !root) /* an empty file: all defaults */
		st = SK_OK;
	else
		st = read_root(&r, c, root);
	json_decref(root);
	if (!st) {
		free(c->file);
		c->file = strdup(path);
	}
	return st;
}
