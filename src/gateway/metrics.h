/* Counters for Prometheus /metrics. Workers add with relaxed atomics (no
 * lock on the request path); rule and label counts, touched only by
 * blocked and counted requests, sit in small maps under a lock. */
#ifndef SK_GATEWAY_METRICS_H
#define SK_GATEWAY_METRICS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "base/buf.h"

#define GW_LAT_BUCKETS 14

typedef struct gw_named_count {
	char *name;
	char *action;
	uint64_t n;
} gw_named_count;

typedef struct gw_metrics {
	atomic_uint_fast64_t requests, allowed, blocked, captcha, challenge, counted;
	atomic_uint_fast64_t bad_requests, inspection_errors, busy, upstream_errors,
	    upstream_timeouts, accepted;
	atomic_uint_fast64_t lat[GW_LAT_BUCKETS + 1]; /* the last: +Inf */
	atomic_uint_fast64_t lat_sum_us, lat_count;
	atomic_uint_fast64_t reloads, reload_failures;
	atomic_uint_fast64_t events_dropped; /* no store to take them */
	pthread_mutex_t lock;
	gw_named_count *rules, *labels;
	size_t nrules, nlabels, caprules, caplabels;
} gw_metrics;

void gw_metrics_init(gw_metrics *m);
void gw_metrics_free(gw_metrics *m);
/* A request's time from its first byte to the end of its response. */
void gw_metrics_latency(gw_metrics *m, uint64_t ns);
/* A rule that blocked (action "BLOCK"...) or counted ("COUNT"). */
void gw_metrics_rule(gw_metrics *m, const char *rule, const char *action);
void gw_metrics_label(gw_metrics *m, const char *label);
SK_MUST_CHECK sk_status gw_metrics_render(gw_metrics *m, size_t open_conns, sk_buf *out);

#endif
