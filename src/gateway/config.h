/* The gateway's configuration: sekisho.yaml, then command-line flags on
 * top. Every key is documented in docs/config.md. */
#ifndef SK_GATEWAY_CONFIG_H
#define SK_GATEWAY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/error.h"
#include "ops/notify.h"
#include "waf/acl.h"

#define SK_GW_MAX_UPSTREAMS 16

typedef struct sk_gw_addr {
	char host[256]; /* as written, without brackets */
	uint16_t port;
	struct sockaddr_storage sa;
	socklen_t salen;
} sk_gw_addr;

typedef enum sk_gw_on_error { SK_GW_ON_ERROR_BLOCK, SK_GW_ON_ERROR_ALLOW } sk_gw_on_error;

typedef struct sk_gw_config {
	char *file; /* the YAML file read, NULL when none */

	sk_gw_addr listen;
	sk_gw_addr upstreams[SK_GW_MAX_UPSTREAMS];
	char *upstream_host_header[SK_GW_MAX_UPSTREAMS]; /* host:port, for logs */
	size_t nupstreams;
	bool demo; /* start the built-in demo app as the upstream */

	char *acl, *resources, *lists, *geoip; /* NULL: default ACL / none */
	bool count_only;
	unsigned workers; /* 0: one per core */

	/* Inspection. */
	size_t body_limit;    /* text inspected whole up to this (engine) */
	size_t body_buffer;   /* bytes of body held per request before inspection */
	size_t buffer_budget; /* all buffered bodies of the process together */
	sk_gw_on_error on_error;
	bool pass_unknown_encodings; /* forward bodies in codings we cannot read */
	unsigned max_inflate_ratio;  /* refuse gzip/deflate bodies that expand more */

	/* Limits. */
	size_t max_request_line, max_header_bytes, max_headers;
	uint64_t max_body; /* 0: no limit on streamed bodies */
	size_t max_connections;

	/* Timeouts, milliseconds. */
	uint64_t header_timeout, body_timeout, idle_timeout, drain_timeout;
	uint64_t body_min_rate; /* bytes/s a body must average; 0: no minimum */
	uint64_t upstream_connect_timeout, upstream_timeout;
	size_t upstream_keepalive; /* idle upstream connections kept per worker */

	sk_ip_range *trusted; /* trusted_proxies */
	size_t ntrusted;
	char *request_id_header; /* "X-Request-Id" */

	char *log;     /* "-": stdout; NULL: no log */
	bool log_all;  /* allowed requests too */
	bool explain;  /* one line in words on stderr for each block */
	char **redact; /* header names whose values are logged as REDACTED */
	size_t nredact;

	/* Event store (ops/events.h). */
	bool events_on;
	char *events_store;        /* SQLite file or postgres:// URL */
	uint64_t events_retention; /* ms; 0: kept */
	size_t events_max;         /* 0: no cap */
	double events_sample;      /* fraction of allowed requests stored */

	sk_notify_config notify; /* alerts on blocks */

	sk_gw_addr admin;
	bool admin_off;

	char *tls_cert, *tls_key;
} sk_gw_config;

void sk_gw_config_init(sk_gw_config *c);
void sk_gw_config_free(sk_gw_config *c);

/* Reads a YAML file over the defaults; errors name the file and key. */
SK_MUST_CHECK sk_status sk_gw_config_load(sk_gw_config *c, const char *path, sk_error *err);

/* "host:port", "[v6]:port" or ":port" (all addresses); resolved now. */
SK_MUST_CHECK sk_status sk_gw_addr_parse(const char *s, sk_gw_addr *out, sk_error *err);
/* "http://host[:port][/]" */
SK_MUST_CHECK sk_status sk_gw_upstream_parse(const char *url, sk_gw_addr *out, sk_error *err);
/* Comma-separated CIDRs (a bare address is a /32 or /128). */
SK_MUST_CHECK sk_status sk_gw_trusted_parse(sk_gw_config *c, const char *list, sk_error *err);
SK_MUST_CHECK sk_status sk_gw_config_add_upstream(sk_gw_config *c, const char *url, sk_error *err);
/* Checks what only makes sense together (an upstream, TLS cert with key). */
SK_MUST_CHECK sk_status sk_gw_config_check(const sk_gw_config *c, sk_error *err);

/* "1MiB", "512KiB", "64KB", "100" (bytes); "10s", "500ms", "2m", "5" (s). */
bool sk_gw_parse_size(const char *s, uint64_t *out);
bool sk_gw_parse_duration_ms(const char *s, uint64_t *out);

#endif
